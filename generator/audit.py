"""Audit worked cases against the catalog's rules.

Every finding is a `Problem` at the exact place in the case file (session,
claim line, reassessment ...) with `rule` set to the catalog rule it breaks and
a message naming the rule, its source, and what was expected vs found. For a
missing session-log element, `rule` is the element id (elements are the
catalog's documentation rules). A problem with an empty `rule` is a format or
catalog problem, not a breach, and is always reported.

A deliberately flawed teaching case lists its `expected_breaches`. It passes
when the (rule, session) pairs found equal the declared ones, so both a fixed
flaw and a new, undeclared one fail the build.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from .cases import Case, MeasureChange, Session, measure_changes  # noqa: F401 (re-exported)
from .errors import Location, Problem, sort_problems
from .model import Catalog
from .units import UNIT, allocate

UNIT_RULES = {"cms": "cms-8-minute-rule", "ama": "ama-midpoint-rule"}
"""Payer unit_rule -> catalog rule id cited for unit errors."""
EVAL_OR_MANUAL = frozenset({"97140", "97161", "97162", "97163", "97164"})
"""Named by rule no-eval-or-manual-therapy-codes; only flagged while the catalog has them in_scope: false."""
NOT_PRIVATE = frozenset({"medicare", "medicaid"})
SESSION_LOG = "session-log"
REASSESS_DAYS = 30
"""Fallback when rule reassess-every-30-days has no threshold in the catalog."""

Gap = str | tuple[str, Location] | None
"""What an element check returns: None when the session shows the element, else what was found
instead ('it missing' ...), optionally with the exact place (a claim line, an activity)."""


def _shown(ok: bool) -> str | None:
    return None if ok else "it missing"


def _clock(text: str) -> int:
    """Minutes since midnight of an 'HH:MM' time (the case format guarantees the shape)."""
    hours, _, minutes = text.partition(":")
    return int(hours) * 60 + int(minutes)


def logged_minutes(s: Session) -> int | None:
    """All minutes logged in the session (timed and untimed), or None when any row has none."""
    if any(a.minutes is None for a in s.activities):
        return None
    return sum(a.minutes for a in s.activities)


def _start_stop(s: Session):
    if not s.start or not s.end:
        return "it missing"
    span = _clock(s.end) - _clock(s.start)
    if span <= 0:
        return f"start {s.start} and stop {s.end}, a stop that is not after the start"
    logged = logged_minutes(s)
    if logged is not None and span < logged:
        # The minutes must fit inside the session: a log claiming more is a record that contradicts itself.
        return f"{s.start}-{s.end}, {span} minutes, shorter than the {logged} minutes logged"
    return None


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
    # Checked per claim line by rule icd10-link-each-cpt; reporting it here too would count one gap twice.
    "icd10-link-per-cpt": ("claim[].pointers", lambda s: None),
    "client-response": ("response", lambda s: _shown(s.response is not None)),
    "signature-credentials": ("signed_by", lambda s: _shown(s.signed_by is not None)),
}
"""Element id required in session-log -> (case field that shows it, check(session) -> `Gap`)."""


@dataclass(frozen=True)
class _Finding:
    problem: Problem
    session: str | None
    """Session id the breach belongs to, or None for case-level breaches."""


Finding = _Finding
"""Public name of one raw audit finding (see `case_findings`)."""


class _Ctx:
    """What every check needs: the case, the catalog, the code set, and the finding list."""

    def __init__(self, case: Case, catalog: Catalog, icd, today: dt.date | None):
        self.case, self.catalog, self.icd, self.today = case, catalog, icd, today
        self.found: list[_Finding] = []

    def breach(self, where: Location, rule: str, text: str, session: Session | None = None,
               severity: str = "error") -> None:
        """Record a breach of catalog rule `rule`; `text` says what was expected and found."""
        self.found.append(_Finding(Problem(where, f"{self.cite(rule)}: {text}", severity, rule),
                                   session.id if session else None))

    def other(self, where: Location, text: str, severity: str = "error") -> None:
        """Record a problem that is not a rule breach (always reported)."""
        self.found.append(_Finding(Problem(where, text, severity), None))

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


def audit_cases(cases, catalog: Catalog, icd, *, today: dt.date | None = None) -> list[Problem]:
    """Audit every case; return all problems, sorted and without duplicates."""
    return sort_problems(p for case in cases for p in audit_case(case, catalog, icd, today=today))


def audit_case(case: Case, catalog: Catalog, icd, *, today: dt.date | None = None) -> list[Problem]:
    """Audit one case.

    Args:
        case: A case from `cases.load_cases`.
        catalog: The checked catalog.
        icd: An ICD-10-CM code set with `lookup(code) -> IcdInfo` (see icd.py).
        today: When given, dates after it are reported (a log cannot predate its session).

    Returns:
        The problems; for a case with expected_breaches, only the mismatches.
    """
    return _reconcile(case, case_findings(case, catalog, icd, today=today))


def case_findings(case: Case, catalog: Catalog, icd, *, today: dt.date | None = None) -> list[_Finding]:
    """Every raw finding of the audit, before it is compared with the declared breaches.

    `audit_case` reports only mismatches for a drill; the site's drill answers need the
    engine's own words, so this returns each finding (`.problem`, `.session`) as found.
    """
    ctx = _Ctx(case, catalog, icd, today)
    for check in (_referral, _diagnoses, _payer, _claims, _units, _reassessments, _improvement,
                  _elements, _future):
        check(ctx)
    return ctx.found


def _referral(ctx: _Ctx) -> None:
    case, ref = ctx.case, ctx.case.referral
    if ref is None:
        ctx.breach(case.where, "written-referral-required",
                   "expected a written referral (date, referrer, ICD-10 diagnoses), found none")
        return
    for s in case.sessions:
        if s.date and s.date < ref.date:
            ctx.breach(s.where, "written-referral-required",
                       f"expected sessions on or after the referral date {ref.date}, found session "
                       f"'{s.id}' on {s.date}", s)


def _diagnoses(ctx: _Ctx) -> None:
    for d in ctx.case.referral.diagnoses if ctx.case.referral else ():
        info = ctx.icd.lookup(d.code)
        if not info.valid:
            ctx.breach(d.where, "billable-icd10-leaf",
                       f"expected a billable ICD-10-CM code, found '{d.code}', which is not in the code set")
        elif not info.billable:
            kids = ", ".join(info.children[:12]) + (" ..." if len(info.children) > 12 else "")
            ctx.breach(d.where, "billable-icd10-leaf", f"expected a billable ICD-10-CM code, found header "
                       f"'{d.code}' ({info.title}), which is not billable; use one of: {kids}")


def _payer(ctx: _Ctx) -> None:
    payer = ctx.case.payer
    if payer.type in NOT_PRIVATE:
        ctx.breach(payer.where, "private-payers-only",
                   f"expected a private payer (commercial or self-pay), found {payer.type}, which does not "
                   "recognise Medical Exercise Professionals")


def _claims(ctx: _Ctx) -> None:
    """Diagnosis pointers, pairings and scope, line by line."""
    ref = ctx.case.referral
    by_letter = {d.pointer: d.code for d in ref.diagnoses} if ref else {}
    for s in ctx.case.sessions:
        for line in s.claim:
            _pointers(ctx, s, line, by_letter, ref is not None)
            _scope(ctx, s, line)


def _pointers(ctx: _Ctx, s: Session, line, by_letter: dict, have_referral: bool) -> None:
    if not line.pointers:
        ctx.breach(line.where, "icd10-link-each-cpt",
                   f"expected {line.cpt} to point at a referral diagnosis (A-L), found no pointer", s)
    for letter in line.pointers:
        code = by_letter.get(letter)
        if code is None:
            if have_referral:  # without a referral the missing referral is the one finding
                ctx.breach(line.where, "icd10-link-each-cpt", f"expected a pointer to one of the referral's "
                           f"letters ({', '.join(sorted(by_letter))}), found '{letter}'", s)
        elif ctx.icd.lookup(code).billable:  # a non-billable code is already reported on the referral
            dx = next((d for d in ctx.catalog.diagnoses if d.code == code), None)
            if dx is None or line.cpt not in {p.cpt for p in dx.pairings}:
                listed = ", ".join(p.cpt for p in dx.pairings) if dx else "none (diagnosis not in the catalog)"
                ctx.breach(line.where, "icd10-link-each-cpt", f"expected a pairing the catalog lists for {code} "
                           f"({listed}), found {line.cpt}; the note must justify it", s, "warning")


def _scope(ctx: _Ctx, s: Session, line) -> None:
    cpt = ctx.catalog.cpt(line.cpt)
    if cpt is None:
        ctx.other(line.where, f"expected a CPT code from the catalog, found '{line.cpt}'")
        return
    if "GP" in line.modifiers:
        ctx.breach(line.where, "no-gp-modifier", "expected no GP modifier (it declares a physical-therapy "
                   f"plan of care, which a MedExPRO does not have), found GP on {line.cpt}", s)
    if line.cpt in EVAL_OR_MANUAL and not cpt.in_scope:
        ctx.breach(line.where, "no-eval-or-manual-therapy-codes", f"expected only in-scope MET codes, found "
                   f"{line.cpt} ({cpt.name}), an evaluation or manual-therapy code", s)
    elif not cpt.in_scope:
        ctx.other(line.where, f"expected an in-scope MET code, found {line.cpt} ({cpt.name}): "
                  f"{cpt.scope_note}", "warning")
    if (s.group_size or 1) > 1 and cpt.one_on_one:
        ctx.breach(line.where, "one-on-one-vs-group", f"expected a group code for {s.group_size} clients "
                   f"trained at once, found one-on-one code {line.cpt} ({cpt.name})", s)


def _units(ctx: _Ctx) -> None:
    rule = ctx.case.payer.unit_rule
    for s in ctx.case.sessions:
        if any(a.minutes is None or a.cpt is None for a in s.activities):
            continue  # no minutes or no code, no units to check: reported as a missing element instead
        minutes: dict[str, int] = defaultdict(int)
        for a in s.activities:
            minutes[a.cpt] += a.minutes
        billed: dict[str, int] = defaultdict(int)
        for line in s.claim:
            billed[line.cpt] += line.units
        try:
            alloc = allocate({c: minutes.get(c, 0) for c in {*minutes, *billed}}, ctx.catalog.is_timed, rule)
        except ValueError as e:  # e.g. one code logged for more than 8 hours in total
            ctx.other(s.where, f"expected minutes the units engine accepts, found: {e}")
            continue
        _compare_units(ctx, s, minutes, billed, alloc)


def _compare_units(ctx: _Ctx, s: Session, minutes, billed, alloc) -> None:
    rule = ctx.case.payer.unit_rule
    codes = sorted(alloc.units)
    shown_min = " + ".join(f"{c} {minutes.get(c, 0)} min" for c in codes)
    shown_exp = ", ".join(f"{c} {alloc.units[c]}" for c in codes)
    shown_got = ", ".join(f"{c} {billed.get(c, 0)}" for c in codes)
    wrong = [c for c in codes if billed.get(c, 0) != alloc.units[c]]
    if not wrong:
        return
    where = next((ln.where for ln in s.claim if ln.cpt == wrong[0]), s.where)
    got = sum(billed.values())
    basis = (f"{alloc.total_timed_minutes} timed minutes" if rule == "cms" else "each code on its own minutes")
    if got != alloc.total_units:
        kind = "over-billed" if got > alloc.total_units else "under-billed"
        ctx.breach(where, UNIT_RULES[rule], f"{kind}: expected {alloc.total_units} units ({shown_min}; "
                   f"{basis} → {shown_exp}), found {got} billed ({shown_got})", s)
    elif rule == "ama" or not _valid_cms_split(minutes, billed, ctx.catalog.is_timed):
        rid = "cms-unit-split" if rule == "cms" else UNIT_RULES[rule]
        ctx.breach(where, rid, f"expected the {alloc.total_units} units split as {shown_exp} ({shown_min}; "
                   "full 15-minute blocks first, then the largest leftovers), found " + shown_got, s)


def _valid_cms_split(minutes, billed, is_timed) -> bool:
    """True if a CMS split with the right total is one the clinician may choose (ties allowed)."""
    extra = {}
    for c in {*minutes, *billed}:
        m, u = minutes.get(c, 0), billed.get(c, 0)
        if not is_timed(c):
            if u != (1 if m > 0 else 0):
                return False
            continue
        extra[c] = u - m // UNIT
        if extra[c] not in (0, 1) or (extra[c] == 1 and m % UNIT == 0):
            return False
    got = [minutes.get(c, 0) % UNIT for c in extra if extra[c] == 1]
    rest = [minutes.get(c, 0) % UNIT for c in extra if extra[c] == 0]
    return not got or not rest or min(got) >= max(rest)


def _reassess_days(ctx: _Ctx) -> int:
    rule = next((r for r in ctx.catalog.rules if r.id == "reassess-every-30-days"), None)
    return int(rule.threshold.value) if rule and rule.threshold else REASSESS_DAYS


def _reassessments(ctx: _Ctx) -> None:
    days, case = _reassess_days(ctx), ctx.case
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


def _improvement(ctx: _Ctx) -> None:
    known = {m.id for m in ctx.catalog.measures}
    base = {m.measure for m in ctx.case.baseline.measures}
    for r in ctx.case.reassessments:
        for m in r.measures:
            if m.measure not in known:
                ctx.other(m.where, f"expected a measure id from the catalog, found '{m.measure}'")
            elif m.measure not in base:
                ctx.other(m.where, f"expected '{m.measure}' to be measured at baseline too, found it only "
                          "here, so no change can be shown", "warning")
    for m in ctx.case.baseline.measures:
        if m.measure not in known:
            ctx.other(m.where, f"expected a measure id from the catalog, found '{m.measure}'")
    changes = measure_changes(ctx.case, ctx.catalog)
    for i, r in enumerate(ctx.case.reassessments):
        mine = [c for c in changes if c.reassessment == i]
        if not any(c.improved for c in mine):
            shown = "; ".join(f"{c.name} {c.baseline:g} → {c.value:g} {c.unit} ({c.verdict})" for c in mine)
            ctx.breach(r.where, "measurable-improvement", "expected at least one measure to improve on the "
                       f"baseline, found {shown or 'no measure also taken at baseline'}")


def _elements(ctx: _Ctx) -> None:
    for e in ctx.catalog.elements:
        if SESSION_LOG not in e.required_in:
            continue
        if e.id not in ELEMENT_FIELDS:  # the catalog grew an element the case format cannot show
            ctx.other(e.where, f"expected every element required in '{SESSION_LOG}' to map to a case field "
                      f"(audit.ELEMENT_FIELDS), found '{e.id}' ({e.name}) unmapped")
            continue
        field, check = ELEMENT_FIELDS[e.id]
        for s in ctx.case.sessions:
            gap = check(s)
            if gap is None:
                continue
            found, where = gap if isinstance(gap, tuple) else (gap, _missing_at(s, field))
            ctx.breach(where, e.id, f"expected session '{s.id}' to show {e.name} ({field}), found {found}", s)


def _missing_at(s: Session, field: str) -> Location:
    """The activity lacking an activity-level field, else the session itself."""
    name = field.removeprefix("activities[].")
    if name != field:
        return next((a.where for a in s.activities if getattr(a, name) in (None, "")), s.where)
    return s.where


def _future(ctx: _Ctx) -> None:
    if ctx.today is None:
        return
    case = ctx.case
    dated = [(s.where, s.date) for s in case.sessions] + [(r.where, r.date) for r in case.reassessments]
    dated += [(case.baseline.where, case.baseline.date)]
    dated += [(case.referral.where, case.referral.date)] if case.referral else []
    for where, date in dated:
        if date and date > ctx.today:
            ctx.other(where, f"expected a date on or before today ({ctx.today}), found {date}")


def _reconcile(case: Case, found: list[_Finding]) -> list[Problem]:
    """Compare breaches with the declared ones; non-breach problems always pass through."""
    out = [f.problem for f in found if not f.problem.rule]
    breaches = [f for f in found if f.problem.rule]
    if not case.expected_breaches:
        return out + [f.problem for f in breaches]
    have = {(f.problem.rule, f.session) for f in breaches}
    declared = {(b.rule, b.session) for b in case.expected_breaches}
    for b in case.expected_breaches:
        if (b.rule, b.session) not in have:
            where = f" in session '{b.session}'" if b.session else ""
            out.append(Problem(b.where, f"declared breach {b.rule}{where} was not found; fix the case or "
                               "remove the declaration", rule=b.rule))
    for f in breaches:
        if (f.problem.rule, f.session) not in declared:
            where = f" in session '{f.session}'" if f.session else ""
            out.append(Problem(f.problem.where, f"found breach {f.problem.rule}{where} that the case does not "
                               f"declare: {f.problem.message}", rule=f.problem.rule))
    return out
