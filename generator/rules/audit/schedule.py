"""Audit checks on the case's dates: what must come first, how often to reassess, progress reports.

Rules enforced:
- baseline-before-billing (`check_ordering`).
reassess-every-30-days and progress-report-content are record-level: claims.py checks each session
and each progress report through records.py.
`check_future` reports dates after today; that is a problem with the case, not a rule breach.
"""

from __future__ import annotations

from metdocs.rules.audit.findings import Context


def check_ordering(ctx: Context) -> None:
    """Things that must come before others: a baseline before billing, a baseline before re-testing."""
    case = ctx.case
    for s in case.sessions:
        if s.claim and s.date and s.date < case.baseline.date:
            ctx.breach(s.where, "baseline-before-billing", f"expected billing only after the baseline assessment "
                       f"on {case.baseline.date}, found session '{s.id}' billed on {s.date}, before any baseline "
                       "existed", s)
    for r in case.reassessments:
        if r.date <= case.baseline.date:
            ctx.other(r.where, f"expected a reassessment after the baseline of {case.baseline.date}, found one "
                      f"on {r.date}")


def check_future(ctx: Context) -> None:
    if ctx.today is None:
        return
    case = ctx.case
    dated = [(s.where, s.date) for s in case.sessions] + [(r.where, r.date) for r in case.reassessments]
    dated += [(case.baseline.where, case.baseline.date)]
    dated += [(case.referral.where, case.referral.date)] if case.referral else []
    for where, date in dated:
        if date and date > ctx.today:
            ctx.other(where, f"expected a date on or before today ({ctx.today}), found {date}")
