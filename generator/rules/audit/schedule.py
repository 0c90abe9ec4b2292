"""Audit checks on the case's dates: what must come first, how often to reassess, progress reports.

Rules enforced:
- baseline-before-billing (`check_ordering`);
- progress-report-to-referrer (`check_report_recipient`).
reassess-every-30-days and progress-report-content are record-level: claims.py checks each session
and each progress report through records.py.
`check_future` reports dates after today; that is a problem with the case, not a rule breach.
"""

from __future__ import annotations

from metdocs.rules.audit.findings import Context, session_name


def check_ordering(ctx: Context) -> None:
    """Things that must come before others: a baseline before billing, a baseline before re-testing."""
    case = ctx.case
    for s in case.sessions:
        if s.claim and s.date and s.date < case.baseline.date:
            ctx.breach(s.where, "baseline-before-billing", f"expected billing only after the baseline assessment "
                       f"on {case.baseline.date}, found {session_name(s)} billed, before any baseline "
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


def check_report_recipient(ctx: Context) -> None:
    """Each progress report goes to the referrer, unless the case says why it went elsewhere."""
    if ctx.case.referral is None:
        return  # no referrer to send it to: written-referral-required says so
    for r in ctx.case.reassessments:
        rep = r.report
        if rep is None or rep.sent_to in (None, "referring-provider") or (rep.sent_to_why or "").strip():
            continue  # no report or no recipient: progress-report-content says so
        ctx.breach(rep.where.key("sent_to"), "progress-report-to-referrer", f"expected the progress report of "
                   f"{r.date} sent to the referring provider ({ctx.case.referral.provider_role}), or a reason it went "
                   f"elsewhere, found it sent to the {rep.sent_to.replace('-', ' ')} with no reason")
