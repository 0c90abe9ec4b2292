"""The session log's documentation elements, as the audit checks them in every session.

Each element the catalog requires in a session log maps to the case field that shows it and a
check that says what was found instead when the session does not show it (`ELEMENT_FIELDS`).
A catalog element with no mapping is an error in `audit._elements`, so the catalog cannot demand
something no case could show.
"""

from __future__ import annotations

from collections.abc import Callable

from metdocs.cases.model import Activity, Session
from metdocs.errors import Location

Gap = str | tuple[str, Location] | None
"""What an element check returns: None when the session shows the element, else what was found
instead ('it missing' ...), optionally with the exact place (a claim line, an activity)."""


def _shown(ok: bool) -> str | None:
    return None if ok else "it missing"


def logged_minutes(s: Session) -> int | None:
    """All minutes logged in the session (timed and untimed), or None when any row has none."""
    if any(a.minutes is None for a in s.activities):
        return None
    return sum(a.minutes for a in s.activities)


def _start_stop(s: Session):
    # That the stop follows the start and covers the minutes logged is record-level (audit/records.py).
    return "it missing" if not s.start or not s.end else None


def _scope_ack(s: Session):
    if s.scope_acknowledged is None:
        return "it missing"
    return None if s.scope_acknowledged else "it answered 'no'"


def _cpt_rows(s: Session):
    bare = next((a for a in s.activities if a.cpt is None), None)
    if bare is not None:
        return "an exercise row with no CPT code", bare.where
    logged = {a.cpt for a in s.activities}
    line = next((ln for ln in s.claim if ln.cpt not in logged), None)
    if line is not None:
        return f"{line.cpt} billed with no exercise row logged under it", line.where
    return None


def _units_lines(s: Session):
    if not s.claim:
        return "no claim lines (units per code)"
    seen: set = set()
    for ln in s.claim:
        key = (ln.cpt, ln.modifiers)
        if key in seen:
            return f"{ln.cpt} on more than one claim line with the same modifiers; give each code one line", ln.where
        seen.add(key)
    return None


ELEMENT_FIELDS: dict[str, tuple[str, Callable[[Session], Gap]]] = {
    "session-date": ("date", lambda s: _shown(s.date is not None)),
    "session-start-stop": ("start, end", _start_stop),
    "one-on-one-statement": ("group_size", lambda s: _shown(s.group_size is not None)),
    "scope-acknowledgement": ("scope_acknowledged", _scope_ack),
    "cpt-per-activity": ("activities[].cpt", _cpt_rows),
    "units-per-code": ("claim[].units, claim[].modifiers", _units_lines),
    "intervention-detail": ("activities[].description",
                            lambda s: _shown(bool(s.activities) and all(a.description for a in s.activities))),
    "exercise-rationale": ("activities[].rationale", lambda s: _shown(all(a.rationale for a in s.activities))),
    "minutes-per-code": ("activities[].minutes", lambda s: _shown(logged_minutes(s) is not None)),
    # Computed from the per-code minutes, so it exists exactly when they all do.
    "total-timed-minutes": ("sum of activities[].minutes", lambda s: _shown(logged_minutes(s) is not None)),
    "total-session-minutes": ("sum of activities[].minutes, untimed included",
                              lambda s: _shown(logged_minutes(s) is not None)),
    # Checked per claim line with the record-level rules (audit/records.py).
    "icd10-link-per-cpt": ("claim[].pointers", lambda s: None),
    "client-response": ("response", lambda s: _shown(s.response is not None)),
    # The credential is what shows the signer was qualified: a signature without one is record-level
    # (audit/records.py), as is who may bill (rule own-services-own-npi).
    "signature-credentials": ("signed_by, signer_credential", lambda s: _shown(s.signed_by is not None)),
}
"""Element id required in session-log -> (case field that shows it, check(session) -> `Gap`). The field is
the case format's, for `missing_row`; findings name the element and the row, never the field."""


def missing_row(s: Session, field: str) -> tuple[int, Activity] | None:
    """(number from 1, row) of the first exercise row lacking an activity-level field, else None."""
    name = field.removeprefix("activities[].")
    if name == field:
        return None
    return next(((i, a) for i, a in enumerate(s.activities, 1) if getattr(a, name) in (None, "")), None)


def missing_at(s: Session, field: str) -> Location:
    """The activity lacking an activity-level field, else the session itself."""
    row = missing_row(s, field)
    return row[1].where if row else s.where


def row_name(number: int, a: Activity) -> str:
    """An exercise row as a student reads it: "exercise row 2 (97110, 'Sit-to-stand practice')"."""
    what = [a.cpt or "no CPT code"] + ([f"'{a.description}'"] if a.description else [])
    return f"exercise row {number} ({', '.join(what)})"


ELEMENT_HOW: dict[str, str] = {
    "session-start-stop": "every session log gives start and stop times, the stop after the start and at least as "
                          "long as the minutes logged",
    "one-on-one-statement": "every session log states one-on-one or how many clients trained at once",
    "scope-acknowledgement": "every session log states the session was medical exercise, not physical therapy",
    "cpt-per-activity": "every exercise row has a CPT code, and no code is billed without a row logged under it",
    "units-per-code": "every session log has claim lines, one per code and modifier set, each with whole units "
                      "(0-99); a saved total of units billed equals the lines",
    "icd10-link-per-cpt": "every claim line points at a referral diagnosis, each pointer once; a pairing the catalog "
                          "does not list is a warning",
    "signature-credentials": "every session log is signed, and the signature gives the signer's credential",
    "total-timed-minutes": "every session log shows it; a saved total that disagrees with the rows is a finding with "
                           "both figures",
    "total-session-minutes": "every session log shows it, at least the minutes logged and within the start and stop",
    "minutes-per-code": "every session log gives whole minutes (0-480) for each code",
}
"""What the audit checks for an element, where it is more than 'the field is filled in'."""
