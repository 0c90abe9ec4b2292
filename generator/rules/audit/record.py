"""Audit checks on what the record shows: the plan of care, the session logs and their words.

Rules enforced:
- measurable-improvement (`check_improvement`);
- daily-note-content (`check_elements`): each session-log element the catalog requires, cited by
  the element's own id;
- condition-precautions (`check_precautions`);
- home-program, resistance-2-days-a-week, fall-prevention-dose (`check_dose`);
- avoid-therapy-words (`check_words`).
`check_prose` checks the figures the case's text states; a wrong one is a problem, not a breach.
"""

from __future__ import annotations

import re

from metdocs.rules import prose
from metdocs.rules.audit.findings import Context, session_name
from metdocs.rules.measures import beyond, cutoffs_for, measure_changes, threshold
from metdocs.rules.sessionlog import ELEMENT_FIELDS, missing_at, missing_row, row_name

FALL_CATEGORY = "fall-risk-balance"
"""Catalog category whose diagnoses make fall prevention the goal (rule fall-prevention-dose)."""
THERAPY_WORDS = re.compile(r"\b(therap(?:y|ies|eutic)|rehabilitat\w*|treat(?:ment|ments|ed|ing)?)\b", re.I)
"""Words rule avoid-therapy-words asks MedExPROs to leave out of their notes."""
SESSION_LOG = "session-log"
"""The document an element's `required_in` names for the session log."""


def check_improvement(ctx: Context) -> None:
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


def check_elements(ctx: Context) -> None:
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
            row = missing_row(s, field) if not isinstance(gap, tuple) else None
            if row is not None:  # name the exercise row that lacks it
                found = f"{found} in {row_name(*row)}"
            ctx.breach(where, e.id, f"expected {session_name(s)} to show {e.name}, found {found}", s)


def check_precautions(ctx: Context) -> None:
    case = ctx.case
    needed = ctx.catalog.precautions_for(d.code for d in case.referral.diagnoses) if case.referral else []
    if not needed:
        return
    listed = "; ".join(p for c in needed for p in c.precautions)
    if not case.plan.precautions:
        ctx.breach(case.plan.where, "condition-precautions", f"expected the plan to list the precautions for "
                   f"{', '.join(c.name for c in needed)} ({listed}), found none")
    for s in case.sessions:
        if not (s.precautions or "").strip():
            ctx.breach(s.where, "condition-precautions", f"expected {session_name(s)} to record the plan's "
                       f"precautions ({listed}), found nothing recorded", s)


def check_dose(ctx: Context) -> None:
    """ACSM and fall-prevention dose: what the plan and home program add up to in a week, in each phase
    of a plan whose frequency changes (weekly, then every other week)."""
    case, plan = ctx.case, ctx.case.plan
    home = plan.home_program
    if home is None:
        ctx.breach(plan.where, "home-program", "expected a home program (what the client does between "
                   "sessions, how many days and minutes a week), found none")
    rates = _rates(plan)
    need = threshold(ctx.catalog, "resistance-2-days-a-week", 2)
    if any(c.cpt == "97110" for c in plan.codes):
        at_home = home.days_per_week if home and "resistance" in home.includes else 0
        for label, rate in rates:
            if rate + at_home < need:
                ctx.breach(plan.where, "resistance-2-days-a-week", f"expected resistance training on at least {need} "
                           f"days a week, found {rate:g} supervised + {at_home} at home = {rate + at_home:g}{label}")
                break
    cats = {d.code: d.category for d in ctx.catalog.diagnoses}
    falls = case.referral and any(cats.get(d.code) == FALL_CATEGORY for d in case.referral.diagnoses)
    if not falls:
        _balance_for_measured_risk(ctx)
    need = threshold(ctx.catalog, "fall-prevention-dose", 180)
    if falls:
        blocks = [sum(a.minutes or 0 for a in s.activities if a.cpt == "97112") for s in case.sessions]
        per_session = sum(blocks) / len(blocks) if blocks else 0
        at_home = home.days_per_week * home.minutes_per_day if home and "balance" in home.includes else 0
        for label, rate in rates:
            supervised = round(per_session * rate)
            if supervised + at_home < need:
                ctx.breach(plan.where, "fall-prevention-dose", f"expected at least {need} minutes a week of "
                           f"balance-challenging exercise where fall prevention is the goal, found about {supervised} "
                           f"supervised (97112) + {at_home} at home = {supervised + at_home}{label}")
                break


def _balance_for_measured_risk(ctx: Context) -> None:
    """A client past a fall-risk cut-off at baseline gets balance work, whatever the diagnosis category."""
    case, plan = ctx.case, ctx.case.plan
    past = []
    for mv in case.baseline.measures:
        m = ctx.catalog.measure(mv.measure)
        past += [f"{m.name} {mv.value:g} ({c.label})" for c in (cutoffs_for(m, case.client) if m else ())
                 if c.fall_risk and c.value is not None and beyond(c, mv.value)]
    home = plan.home_program
    balance = any(c.cpt == "97112" for c in plan.codes) or (home is not None and "balance" in home.includes)
    if past and not balance and not (plan.balance_why or "").strip():
        ctx.breach(plan.where, "fall-prevention-dose", f"expected balance work in the plan (97112, or balance in "
                   f"the home program) for a client past a fall-risk cut-off at baseline ({'; '.join(past)}), or "
                   "the reason there is none, found neither")


def _rates(plan) -> list[tuple[str, float]]:
    """(how the finding names the phase, supervised sessions a week) for each phase of the plan."""
    if not plan.phases:
        return [("", plan.sessions_per_week)]
    return [(f" in phase {i} ({ph.sessions} session(s) every {ph.every_weeks} week(s), for {ph.weeks} weeks)",
             ph.per_week) for i, ph in enumerate(plan.phases, 1)]


def check_words(ctx: Context) -> None:
    for s in ctx.case.sessions:
        texts = [s.response or ""] + [t for a in s.activities for t in (a.description or "", a.rationale or "")]
        hit = next((m.group(0) for t in texts for m in [THERAPY_WORDS.search(t)] if m), None)
        if hit:
            ctx.breach(s.where, "avoid-therapy-words", f"expected exercise words in {session_name(s)} (medical "
                       f"exercise, functional training), found '{hit}'", s, "warning")


def check_prose(ctx: Context) -> None:
    fields = list(prose.prose_fields(ctx.case))
    # The engine's figures are only worked out when some text asks for one (most cases: a few).
    known = prose.facts(ctx.case, ctx.catalog) if any("{" in t for _, t in fields) else {}
    rules, values = prose.rule_constants(ctx.catalog), prose.measure_constants(ctx.catalog)
    for label, text in fields:
        for p in prose.check_text(label, text, known, rules, values):
            ctx.other(p.where, p.message)
