"""The audit's base: one raw finding (`Finding`) and what every check works with (`Context`).

Every family module (referral, claims, schedule, record) records its findings through a
`Context`: `breach` for a catalog rule or session-log element it breaks, `other` for a format
or catalog problem that is no breach. This module enforces no rule itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from metdocs.cases.model import Case, Session
from metdocs.catalog.model import Catalog
from metdocs.errors import Location, Problem


# The class keeps the name it had in core.py, so a finding's repr is what it was; modules use `Finding`.
@dataclass(frozen=True)
class _Finding:
    problem: Problem
    session: str | None
    """Session id the breach belongs to, or None for case-level breaches."""
    line: int | None = None
    """The claim line of that session the breach is on (1 = the first), or None."""

    @property
    def place(self) -> tuple[str | None, int | None]:
        """Where the audit names it: (session, claim line); (None, None) is the case as a whole."""
        return self.session, self.line


Finding = _Finding
"""Public name of one raw audit finding (see `case_findings`)."""


def session_name(s: Session) -> str:
    """A session as findings and drill places name it: its id and its date in words, never a field path."""
    day = f"{s.date.day} {s.date:%B %Y}" if s.date else "no date recorded"
    return f"session {s.id} ({day})"


class Context:
    """What every check needs: the case, the catalog, the code set, and the finding list."""

    def __init__(self, case: Case, catalog: Catalog, icd, today: dt.date | None):
        self.case, self.catalog, self.icd, self.today = case, catalog, icd, today
        self.found: list[Finding] = []

    def breach(self, where: Location, rule: str, text: str, session: Session | None = None,
               severity: str = "error") -> None:
        """Record a breach of catalog rule `rule`; `text` says what was expected and found. A breach
        at one of the session's claim lines is placed on that line."""
        line = next((i for i, ln in enumerate(session.claim, 1) if ln.where == where), None) if session else None
        found = Finding(Problem(where, f"{self.cite(rule)}: {text}", severity, rule),
                        session.id if session else None, line)
        if found not in self.found:  # a case-level fact seen from several records is one finding
            self.found.append(found)

    def other(self, where: Location, text: str, severity: str = "error") -> None:
        """Record a problem that is not a rule breach (always reported)."""
        self.found.append(Finding(Problem(where, text, severity), None))

    def cite(self, rule_id: str) -> str:
        """'rule X (title; source: ...)', or the element's name when `rule_id` is an element."""
        item = next((r for r in self.catalog.rules if r.id == rule_id), None)
        kind = "rule"
        if item is None:
            item, kind = next((e for e in self.catalog.elements if e.id == rule_id), None), "element"
        if item is None:
            return f"rule '{rule_id}' (not in the catalog)"
        title = item.title if kind == "rule" else item.name
        src = self.catalog.source(item.sources[0]) if item.sources else None
        return f"{kind} '{rule_id}' ({title}; source: {src.title if src else 'none listed'})"
