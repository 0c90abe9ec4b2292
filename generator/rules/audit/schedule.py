"""Audit checks on the case's dates: what must come first, how often to reassess, progress reports.

Rules enforced:
- baseline-before-billing (`check_ordering`);
- reassess-every-30-days (`check_reassessments`);
- progress-report-content (`check_reports`).
`check_future` reports dates after today; that is a problem with the case, not a rule breach.
"""

from __future__ import annotations

import datetime as dt

from metdocs.rules.audit.findings import Context
from metdocs.rules.measures import reassess_days


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


def check_reassessments(ctx: Context) -> None:
    days, case = reassess_days(ctx.catalog), ctx.case
    prev, what = case.baseline.date, "the baseline"
    for r in sorted(case.reassessments, key=lambda r: r.date):
        gap = (r.date - prev).days
        if gap > days:
            ctx.breach(r.where, "reassess-every-30-days", f"expected a reassessment at most {days} days "
                       f"after {what} on {prev}, found one {gap} days later on {r.date}")
        prev, what = r.date, "the previous reassessment"
    done = sorted([case.baseline.date, *(r.date for r in case.reassessments)])
    for s in case.sessions:
        last = max((d for d in done if s.date and d <= s.date), default=None)
        if s.claim and last and (s.date - last).days > days:
            ctx.breach(s.where, "reassess-every-30-days", f"expected a reassessment by "
                       f"{last + dt.timedelta(days=days)} before billing more sessions, found session "
                       f"'{s.id}' billed on {s.date}, {(s.date - last).days} days after the last one", s)


def check_reports(ctx: Context) -> None:
    """What each progress report holds: one finding per reassessment, listing every gap in it."""
    case = ctx.case
    base = [m.measure for m in case.baseline.measures]
    prev = case.baseline.date
    for r in sorted(case.reassessments, key=lambda r: r.date):
        gaps = []
        missing = [m for m in base if m not in {mv.measure for mv in r.measures}]
        if missing:
            gaps.append(f"baseline measures not re-tested: {', '.join(missing)}")
        rep = r.report
        if rep is None:
            gaps.append("no progress report (period, date written, recipient)")
        else:
            if (rep.period_start, rep.period_end) != (prev, r.date):
                gaps.append(f"a period of {rep.period_start} to {rep.period_end} where the sessions since the "
                            f"last assessment need {prev} to {r.date}")
            if rep.written < rep.period_end:
                gaps.append(f"written on {rep.written}, before its period ends on {rep.period_end}")
            if rep.sent_to is None:
                gaps.append("no recipient (sent_to)")
        if gaps:
            ctx.breach(rep.where if rep else r.where, "progress-report-content",
                       f"expected the progress report of {r.date} to cover the period since the last assessment, "
                       f"say when it was written and to whom it went, and re-test every baseline measure; found "
                       + "; ".join(gaps))
        prev = r.date


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
