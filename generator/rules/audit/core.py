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
import re
from dataclasses import dataclass

from metdocs.rules import prose
from metdocs.cases.model import Case, Session, billed_by_code, minutes_by_code
from metdocs.rules.measures import measure_changes, reassess_days, threshold
from metdocs.errors import Location, Problem, sort_problems
from metdocs.catalog.model import Catalog
from metdocs.rules.sessionlog import ELEMENT_FIELDS, ELEMENT_HOW, missing_at
from metdocs.catalog.icd import fiscal_year_of, fiscal_year_span
from metdocs.rules.units import UNIT, allocate

UNIT_RULES = {"cms": "cms-8-minute-rule", "ama": "ama-midpoint-rule"}
"""Payer unit_rule -> catalog rule id cited for unit errors."""
EVAL_OR_MANUAL = frozenset({"97140", "97161", "97162", "97163", "97164"})
"""Named by rule no-eval-or-manual-therapy-codes; only flagged while the catalog has them in_scope: false."""
NOT_PRIVATE = {"medicare": "Medicare", "medicaid": "Medicaid",
               "medicare-advantage": "Medicare Advantage, which is Medicare although a private company runs it",
               "medicaid-managed-care": "Medicaid managed care, which is Medicaid although a private company "
                                        "runs it"}
"""Payer plan types MedExPROs never bill (rule private-payers-only), in words."""
MAY_REFER = frozenset({"MD", "DO", "DPM"})
"""Credentials that may write a MET referral on their own (rule referrer-may-refer)."""
SUPERVISED_REFERRERS = frozenset({"NP", "PA"})
"""Credentials that may refer only when an MD or DO supervises them."""
FALL_CATEGORY = "fall-risk-balance"
"""Catalog category whose diagnoses make fall prevention the goal (rule fall-prevention-dose)."""
THERAPY_WORDS = re.compile(r"\b(therap(?:y|ies|eutic)|rehabilitat\w*|treat(?:ment|ments|ed|ing)?)\b", re.I)
"""Words rule avoid-therapy-words asks MedExPROs to leave out of their notes."""
SESSION_LOG = "session-log"

ENFORCED: dict[str, str] = {
    "written-referral-required": "a written referral is on file, gives at least one diagnosis, and no billed "
                                 "session predates it",
    "referrer-may-refer": "the referrer's credential is MD, DO or DPM, or NP/PA with MD/DO supervision",
    "billable-icd10-leaf": "every referral code is a billable leaf of the ICD-10-CM code set; dates of service "
                           "outside the code set's fiscal year are flagged (warning)",
    "icd10-link-each-cpt": "every claim line points at a referral diagnosis; a pairing the catalog does not list "
                           "is a warning",
    "private-payers-only": "the payer is not Medicare or Medicaid, including Medicare Advantage and Medicaid "
                           "managed care",
    "verify-payer-before-billing": "the plan was verified (benefits, provider type, credentialing) before the "
                                   "first billed session",
    "own-services-own-npi": "every billed session was given and signed by the MedExPRO",
    "no-gp-modifier": "no claim line carries the GP modifier",
    "no-eval-or-manual-therapy-codes": "no claim line bills 97161-97164 or 97140",
    "one-on-one-vs-group": "no one-on-one code is billed for a session with more than one client",
    "cms-8-minute-rule": "units billed equal the units of the pooled timed minutes (CMS-rule payers)",
    "cms-unit-table": "the units engine converts pooled minutes with this table; a wrong total is reported "
                      "under cms-8-minute-rule",
    "cms-unit-split": "the day's units are shared by full 15-minute blocks, then the largest leftovers",
    "ama-midpoint-rule": "units billed equal each code's own units (per-code payers)",
    "untimed-one-unit": "an untimed code is one unit whatever its minutes (checked with the units)",
    "baseline-before-billing": "no session is billed before the baseline assessment",
    "reassess-every-30-days": "reassessments at most 30 days apart, and no billing while one is overdue",
    "progress-report-content": "each reassessment has a progress report with its period, date written (not "
                               "before the period ends), recipient, and every baseline measure re-tested",
    "measurable-improvement": "each reassessment improves at least one baseline measure; 'meaningful' means "
                              "more than the figure for the client's population",
    "condition-precautions": "a diagnosis whose category has precautions gets them in the plan and recorded in "
                             "every session",
    "home-program": "the plan includes a home program",
    "resistance-2-days-a-week": "with 97110 in the plan, resistance training on at least 2 days a week, "
                                "supervised plus home",
    "fall-prevention-dose": "with a fall-risk diagnosis, balance-challenging exercise of at least 3 hours a "
                            "week, supervised plus home",
    "avoid-therapy-words": "session logs do not call the work therapy, rehabilitation or treatment (warning)",
    "daily-note-content": "every session log shows the session-log elements (see the elements below)",
    "plan-of-care-elements": "the case format requires a plan with goals, frequency, sessions a week and codes",
}
"""Catalog rule id -> what `metdocs check` verifies for it. Every other rule must say in the
catalog (`review:`) why a person has to check it instead (`unenforced`)."""


def unenforced(catalog: Catalog) -> list[Problem]:
    """Rules that are neither enforced here nor marked for a person's review, and the contrary."""
    out = []
    for r in catalog.rules:
        if r.id in ENFORCED and r.review:
            out.append(Problem(r.where, f"expected rule '{r.id}' either enforced by the audit or marked for "
                                        "review, found both (the audit checks it; remove 'review')"))
        elif r.id not in ENFORCED and not r.review.strip():
            out.append(Problem(r.where, f"expected rule '{r.id}' to be enforced by the audit or to say why a "
                                        "person must review it, found neither; add 'review: <why the audit "
                                        "cannot check it>'"))
    return out


def enforcement(catalog: Catalog) -> list[dict]:
    """Every rule and session-log element with how it is enforced (for `metdocs rules`, README)."""
    out = []
    for r in catalog.rules:
        by_audit = r.id in ENFORCED
        out.append({"kind": "rule", "id": r.id, "title": r.title,
                    "sources": [catalog.source(x).title if catalog.source(x) else x for x in r.sources],
                    "review_by": str(r.review_by), "enforced_by": "audit" if by_audit else "review",
                    "how": ENFORCED[r.id] if by_audit else r.review.strip()})
    for e in catalog.elements:
        if SESSION_LOG in e.required_in and e.id in ELEMENT_FIELDS:
            out.append({"kind": "element", "id": e.id, "title": e.name,
                        "sources": [catalog.source(x).title if catalog.source(x) else x for x in e.sources],
                        "review_by": str(e.review_by) if e.review_by else "",
                        "enforced_by": "audit",
                        "how": ELEMENT_HOW.get(e.id, f"every session log shows it ({ELEMENT_FIELDS[e.id][0]})")})
    return out


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


@dataclass(frozen=True)
class Audited:
    """One case's audit (`audit_for_pages`), with what its pages need from the audit's work."""

    problems: list[Problem]
    """What `audit_case` reports."""
    findings: list[_Finding]
    """For a drill, the raw findings reconciled with its declared breaches; else empty."""
    facts: dict | None
    """The case's prose facts if the audit worked them out (see prose.worked_out), else None."""


def audit_for_pages(case: Case, catalog: Catalog, icd, *, today: dt.date | None = None) -> Audited:
    """`audit_case`, with what the case's pages need from the audit's work (see `Audited`).

    The audit runs in helper processes (see cases.screen_cases) whose memory the pages never
    see; handing these back saves doing them again, about a twentieth of our stages' work at
    1,000 cases."""
    found = case_findings(case, catalog, icd, today=today)
    return Audited(_reconcile(case, found), found if case.kind == "drill" else [], prose.worked_out(case, catalog))


def case_findings(case: Case, catalog: Catalog, icd, *, today: dt.date | None = None) -> list[_Finding]:
    """Every raw finding of the audit, before it is compared with the declared breaches.

    `audit_case` reports only mismatches for a drill; the site's drill answers need the
    engine's own words, so this returns each finding (`.problem`, `.session`) as found.
    """
    ctx = _Ctx(case, catalog, icd, today)
    for check in (_referral, _diagnoses, _payer, _claims, _units, _ordering, _reassessments, _reports,
                  _improvement, _elements, _signers, _precautions, _dose, _words, _prose, _future):
        check(ctx)
    return ctx.found


def _referral(ctx: _Ctx) -> None:
    case, ref = ctx.case, ctx.case.referral
    if ref is None:
        ctx.breach(case.where, "written-referral-required",
                   "expected a written referral (date, referrer, ICD-10 diagnoses), found none")
        return
    if not ref.diagnoses:  # reported here once, not on every claim line that has nothing to point at
        ctx.breach(ref.where, "written-referral-required",
                   "expected the referral to give a medical diagnosis with its ICD-10 code, found none")
    if ref.credential in SUPERVISED_REFERRERS and ref.supervised_by is None:
        ctx.breach(ref.where, "referrer-may-refer", f"expected a referral from an MD, DO or DPM, or from an "
                   f"NP or PA supervised by an MD or DO, found an {ref.credential} with no supervising "
                   "physician stated (supervised_by)")
    elif ref.credential not in MAY_REFER | SUPERVISED_REFERRERS:
        ctx.breach(ref.where, "referrer-may-refer", "expected a referral from an MD, DO or DPM, or from an "
                   f"NP or PA supervised by an MD or DO, found one from a {ref.credential} ({ref.provider_role}), "
                   "who may not refer for MET")
    for s in case.sessions:
        if s.date and s.date < ref.date:
            ctx.breach(s.where, "written-referral-required",
                       f"expected sessions on or after the referral date {ref.date}, found session "
                       f"'{s.id}' on {s.date}", s)


def _diagnoses(ctx: _Ctx) -> None:
    year = getattr(ctx.icd, "fiscal_year", None)
    where_year = f" ({year} code set)" if year else ""
    for d in ctx.case.referral.diagnoses if ctx.case.referral else ():
        info = ctx.icd.lookup(d.code)
        if not info.valid:
            ctx.breach(d.where, "billable-icd10-leaf", f"expected a billable ICD-10-CM code{where_year}, found "
                       f"'{d.code}', which is not in the code set")
        elif not info.billable:
            kids = ", ".join(info.children[:12]) + (" ..." if len(info.children) > 12 else "")
            ctx.breach(d.where, "billable-icd10-leaf", f"expected a billable ICD-10-CM code{where_year}, found "
                       f"header '{d.code}' ({info.title}), which is not billable; use one of: {kids}")
    span = fiscal_year_span(year) if year else None
    if span and ctx.case.referral and ctx.case.referral.diagnoses:
        late = next((s for s in ctx.case.sessions if s.date and not span[0] <= s.date <= span[1]), None)
        if late is not None:
            ctx.breach(late.where, "billable-icd10-leaf", f"expected dates of service in {year} "
                       f"({span[0]} to {span[1]}), the ICD-10-CM code set these codes were checked against, "
                       f"found session '{late.id}' on {late.date}, which falls in {fiscal_year_of(late.date)}: "
                       f"check the referral's codes against the {fiscal_year_of(late.date)} code set", None,
                       "warning")


def _payer(ctx: _Ctx) -> None:
    payer = ctx.case.payer
    if payer.type in NOT_PRIVATE:
        ctx.breach(payer.where, "private-payers-only",
                   f"expected a private payer (commercial or self-pay), found {NOT_PRIVATE[payer.type]}; "
                   "Medicare and Medicaid do not recognise Medical Exercise Professionals")
        return
    if payer.type == "self-pay":
        return
    billed = [s for s in ctx.case.sessions if s.claim and s.date]
    if payer.verified is None:
        if billed:
            ctx.breach(payer.where, "verify-payer-before-billing", "expected the date the plan was verified "
                       "(benefits, that it accepts this provider type for 97xxx, and credentialing), found none")
        return
    for s in billed:
        if s.date < payer.verified:
            ctx.breach(s.where, "verify-payer-before-billing", f"expected billing only after the plan was "
                       f"verified on {payer.verified}, found session '{s.id}' billed on {s.date}", s)


def _claims(ctx: _Ctx) -> None:
    """Diagnosis pointers, pairings and scope, line by line."""
    ref = ctx.case.referral
    by_letter = {d.pointer: d.code for d in ref.diagnoses} if ref else {}
    for s in ctx.case.sessions:
        for line in s.claim:
            # Without a referral, or with one that gives no diagnosis, that gap is the one finding.
            _pointers(ctx, s, line, by_letter, bool(by_letter))
            _scope(ctx, s, line)


def _pointers(ctx: _Ctx, s: Session, line, by_letter: dict, have_referral: bool) -> None:
    if not line.pointers and have_referral:
        ctx.breach(line.where, "icd10-link-each-cpt",
                   f"expected {line.cpt} to point at a referral diagnosis (A-L), found no pointer", s)
    for letter in line.pointers:
        code = by_letter.get(letter)
        if code is None:
            if have_referral:
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
        minutes, billed = minutes_by_code(s), billed_by_code(s)
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


def _ordering(ctx: _Ctx) -> None:
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


def _reassessments(ctx: _Ctx) -> None:
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


def _reports(ctx: _Ctx) -> None:
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
            found, where = gap if isinstance(gap, tuple) else (gap, missing_at(s, field))
            ctx.breach(where, e.id, f"expected session '{s.id}' to show {e.name} ({field}), found {found}", s)


def _signers(ctx: _Ctx) -> None:
    for s in ctx.case.sessions:
        if s.claim and s.signer_credential and s.signer_credential != "MedExPRO":
            ctx.breach(s.where, "own-services-own-npi", f"expected a billed session given and signed by the "
                       f"MedExPRO who bills it, found session '{s.id}' signed by a {s.signer_credential}; bill "
                       "only your own services, under your own NPI", s)


def _precautions(ctx: _Ctx) -> None:
    case = ctx.case
    cats = {c.id: c for c in ctx.catalog.categories}
    codes = {d.code for d in case.referral.diagnoses} if case.referral else set()
    needed = []
    for d in ctx.catalog.diagnoses:
        cat = cats.get(d.category)
        if d.code in codes and cat and cat.precautions and cat not in needed:
            needed.append(cat)
    if not needed:
        return
    listed = "; ".join(p for c in needed for p in c.precautions)
    if not case.plan.precautions:
        ctx.breach(case.plan.where, "condition-precautions", f"expected the plan to list the precautions for "
                   f"{', '.join(c.name for c in needed)} ({listed}), found none")
    for s in case.sessions:
        if not (s.precautions or "").strip():
            ctx.breach(s.where, "condition-precautions", f"expected session '{s.id}' to record the plan's "
                       f"precautions ({listed}), found nothing recorded", s)


def _dose(ctx: _Ctx) -> None:
    """ACSM and fall-prevention dose: what the plan and home program add up to in a week."""
    case, plan = ctx.case, ctx.case.plan
    home = plan.home_program
    if home is None:
        ctx.breach(plan.where, "home-program", "expected a home program (what the client does between "
                   "sessions, how many days and minutes a week), found none")
    need = threshold(ctx.catalog, "resistance-2-days-a-week", 2)
    if any(c.cpt == "97110" for c in plan.codes):
        days = plan.sessions_per_week + (home.days_per_week if home and "resistance" in home.includes else 0)
        if days < need:
            ctx.breach(plan.where, "resistance-2-days-a-week", f"expected resistance training on at least {need} "
                       f"days a week, found {plan.sessions_per_week} supervised + "
                       f"{days - plan.sessions_per_week} at home = {days}")
    cats = {d.code: d.category for d in ctx.catalog.diagnoses}
    falls = case.referral and any(cats.get(d.code) == FALL_CATEGORY for d in case.referral.diagnoses)
    need = threshold(ctx.catalog, "fall-prevention-dose", 180)
    if falls:
        blocks = [sum(a.minutes or 0 for a in s.activities if a.cpt == "97112") for s in case.sessions]
        supervised = round(sum(blocks) / len(blocks) * plan.sessions_per_week) if blocks else 0
        at_home = home.days_per_week * home.minutes_per_day if home and "balance" in home.includes else 0
        if supervised + at_home < need:
            ctx.breach(plan.where, "fall-prevention-dose", f"expected at least {need} minutes a week of "
                       f"balance-challenging exercise where fall prevention is the goal, found about {supervised} "
                       f"supervised (97112) + {at_home} at home = {supervised + at_home}")


def _words(ctx: _Ctx) -> None:
    for s in ctx.case.sessions:
        texts = [s.response or ""] + [t for a in s.activities for t in (a.description or "", a.rationale or "")]
        hit = next((m.group(0) for t in texts for m in [THERAPY_WORDS.search(t)] if m), None)
        if hit:
            ctx.breach(s.where, "avoid-therapy-words", f"expected exercise words in session '{s.id}' (medical "
                       f"exercise, functional training), found '{hit}'", s, "warning")


def _prose(ctx: _Ctx) -> None:
    fields = list(prose.prose_fields(ctx.case))
    # The engine's figures are only worked out when some text asks for one (most cases: a few).
    known = prose.facts(ctx.case, ctx.catalog) if any("{" in t for _, t in fields) else {}
    rules, values = prose.rule_constants(ctx.catalog), prose.measure_constants(ctx.catalog)
    for label, text in fields:
        for p in prose.check_text(label, text, known, rules, values):
            ctx.other(p.where, p.message)


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
