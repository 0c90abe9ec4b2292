"""Audit checks on what each session log and each progress report shows, one record at a time.

Every session and every reassessment of the case becomes the record the browser would build from
the document (`records.session_record`, `records.report_records`), and records.py, the twin of
rulebook.js, checks it: scope, modifiers, diagnosis pointers, one-on-one vs group, units under the
payer's rule, clock times, signature and credential, own services, overdue reassessment, and what a
progress report holds. This module only places each finding in the case file: a claim line, the
session, the reassessment or its report.

The payer's plan and the referral's diagnoses are facts of the case, checked once
(`referral.check_payer`, `referral.check_diagnoses`) with the same functions.
"""

from __future__ import annotations

from metdocs.rules.audit import records
from metdocs.rules.audit.findings import Context
from metdocs.rules.measures import reassess_days

UNIT_RULES = records.UNIT_RULES
"""Payer unit_rule -> catalog rule id cited for unit errors."""


def book(ctx: Context) -> dict:
    """The catalog as records.py reads it (records.book makes it once per catalog)."""
    return records.book(ctx.catalog, reassess_days(ctx.catalog))


def check_sessions(ctx: Context) -> None:
    """Each session log as one record: every record-level finding, on its line or its session."""
    for s in ctx.case.sessions:
        out = records.Findings(book(ctx))
        records.session_findings(out, records.session_record(ctx.case, s), ctx.icd)
        for f in out.found:
            kind, _, at = f["place"].partition(":")
            where = s.where
            if kind == "line":
                where = s.claim[int(at) - 1].where
            elif kind == "activity":
                where = s.activities[int(at) - 1].where
            ctx.breach(where, f["rule"], f["text"], s, f["severity"])


def check_reports(ctx: Context) -> None:
    """Each reassessment as a progress-report record: on time, and what its report holds."""
    ordered = sorted(ctx.case.reassessments, key=lambda r: r.date)
    for r, record in zip(ordered, records.report_records(ctx.case)):
        out = records.Findings(book(ctx))
        records.check_report(out, record)
        for f in out.found:
            where = r.report.where if f["place"] == "report" and r.report else r.where
            ctx.breach(where, f["rule"], f["text"], None, f["severity"])
