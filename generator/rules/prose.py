"""Figures in case prose come from the engine: placeholders such as {s2.units}.

A case's prose (its summary, reassessment summaries, payable and denied points, a drill's prompt
and lessons) must not hand-write a figure the engine computes, because a typed number drifts from
the record it describes. It writes a placeholder instead; the case page renders the engine's value
for it. A placeholder the case does not define, a stray brace, or a hand-written figure of a kind
the engine computes (units, minutes, days, sessions, dates, measure values and changes) is a
located error (`check_text`).

Placeholders (S is a session id such as s2; rN the N-th reassessment by date; M a measure id;
CPT a code):

    {S.date} {S.start} {S.end}           the session's date and clock times
    {S.minutes} {S.minutes:CPT}          minutes logged in the session, in all or under one code
    {S.timed}                            its timed minutes
    {S.units} {S.units:CPT}              units the payer's unit rule gives (the engine)
    {S.units_cms} {S.units_ama} (:CPT)   units under the named rule, whatever the payer's
    {S.billed} {S.billed:CPT}            units on the session's claim
    {S.leftover:CPT}                     the code's minutes past its full 15-minute blocks
    {referral.date} {baseline.date} {baseline.due}
    {baseline:M} {baseline.cutoff:M}     a baseline value; where it stands against the client's cut-off
    {rN.date} {rN.due}                   the reassessment's date; when the next one is due
    {rN.day} {rN.days} {rN.sessions}     days after baseline; days after the previous assessment;
                                         sessions held up to it
    {rN:M} {rN.change:M}                 a value; its change against baseline (signed)
    {rN.verdict:M} {rN.cutoff:M}         the engine's verdict on the change; where the value stands
                                         against the client's cut-off
    {figure:M}                           the meaningful-change figure used for this client
    {plan.sessions_per_week} {plan.home_days} {plan.home_minutes}   the plan's weekly dose
"""

from __future__ import annotations

import datetime as dt
import re

from metdocs.cases.model import Case, billed_by_code, minutes_by_code
from metdocs.rules.measures import beyond, cutoffs_for, figure_for, measure_changes, reassess_days
from metdocs.errors import Location, Problem
from metdocs.rules.audit.records import billable_visit
from metdocs.rules.units import UNIT, allocate

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z_]+)?(?::[a-z0-9.-]+)?")

# Hand-written figures of the kinds the engine computes. A number glued to a hyphen ('8-minute
# rule', '30-day reassessment') names a rule, not a figure of this case, and is left alone.
# Each pattern opens with a character class and checks what stands before it with a lookbehind
# placed after that first character: `re` then jumps from candidate to candidate instead of
# trying every position (twice as fast; these run on every piece of prose of every case).
# `\d(?<![\w.\-]\d)(?!\d{4}\b)` reads "a number not glued to a word, dot or hyphen, and not a
# 5-digit code".
_DATE = re.compile(r"\d(?<!\w\d)\d{3}-\d{2}-\d{2}\b")
_COUNT = re.compile(r"(\d(?<![\w.\-]\d)(?!\d{4}\b)\d*(?:\.\d+)?)(?:\s*\+\s*\d+(?:\.\d+)?)*\s+(?:[a-z]+\s+)?"
                    r"(units?|minutes?|mins?|days?|sessions?)\b")
_DAY = re.compile(r"d(?<!\wd)ay\s+\d+\b", re.I)
_ARROW = re.compile(r"\d+(?:\.\d+)?\s*\S*\s*(?:→|->)\s*\d+(?:\.\d+)?")
_MEASURE = re.compile(r"(\d(?<![\w.\-]\d)(?!\d{4}\b)\d*(?:\.\d+)?)\s*(s|seconds?|points?|stands?|m/s|m|metres|meters)(?![\w/])")
_FAMILY = {"unit": "unit", "units": "unit", "minute": "minute", "minutes": "minute", "min": "minute",
           "mins": "minute", "day": "day", "days": "day", "session": "session", "sessions": "session"}


def prose_fields(case: Case):
    """(label, text) for every piece of case prose that may hold placeholders."""
    yield "summary", case.summary
    if case.prompt:
        yield "prompt", case.prompt
    for i, t in enumerate(case.payable):
        yield f"payable item {i + 1}", t
    for i, t in enumerate(case.denied_if):
        yield f"denied_if item {i + 1}", t
    for r in case.reassessments:
        yield f"reassessment {r.date} summary", r.summary
    for b in case.expected_breaches:
        yield f"expected breach {b.rule} note", b.note


def facts(case: Case, catalog) -> dict[str, str]:
    """Every placeholder this case defines, with the text the page shows for it (do not change it:
    the audit, the case page and the quiz export share one answer per case)."""
    memo = _memo_for(catalog)
    hit = memo.get(id(case))
    if hit is None or hit[0] is not case:
        hit = memo[id(case)] = (case, _facts(case, catalog))  # holding the case keeps its id from being reused
    return hit[1]


_FACTS: dict = {}
"""The catalog they were worked out with, and id(case) -> (case, facts): one build's cases at most."""


def worked_out(case: Case, catalog) -> dict[str, str] | None:
    """The facts of `case` if this process has worked them out already (else None)."""
    hit = _FACTS.get(id(case)) if _FACTS.get("catalog") is catalog else None
    return hit[1] if hit is not None and hit[0] is case else None


def remember(case: Case, catalog, known: dict[str, str]) -> None:
    """Keep facts worked out elsewhere (by a helper process of the check) for `facts` to return."""
    _memo_for(catalog)[id(case)] = (case, known)


def _memo_for(catalog) -> dict:
    """_FACTS, emptied first when `catalog` is not the one it holds facts for (a new build, a
    `serve` reload: forget the last one's)."""
    if _FACTS.get("catalog") is not catalog:
        _FACTS.clear()
        _FACTS["catalog"] = catalog
    return _FACTS


def _facts(case: Case, catalog) -> dict[str, str]:
    out: dict[str, str] = {}
    if case.referral:
        out["referral.date"] = str(case.referral.date)
    days = reassess_days(catalog)
    out["plan.sessions_per_week"] = str(case.plan.sessions_per_week)
    if case.plan.home_program:
        out["plan.home_days"] = str(case.plan.home_program.days_per_week)
        out["plan.home_minutes"] = str(case.plan.home_program.minutes_per_day)
    base = case.baseline
    out["baseline.date"] = str(base.date)
    out["baseline.due"] = str(base.date + dt.timedelta(days=days))
    measures = {m.id: m for m in catalog.measures}
    for mv in base.measures:
        out[f"baseline:{mv.measure}"] = f"{mv.value:g}"
        _stance(out, f"baseline.cutoff:{mv.measure}", measures.get(mv.measure), case, mv.value)
        m = measures.get(mv.measure)
        fig = figure_for(m, case.client, catalog) if m else None
        if fig is not None:
            out[f"figure:{mv.measure}"] = f"{fig.kind} of {fig.value:g} {m.unit}"
    for s in case.sessions:
        _session_facts(out, s, catalog, case.payer.unit_rule)
    changes = measure_changes(case, catalog)
    ordered = sorted(range(len(case.reassessments)), key=lambda i: case.reassessments[i].date)
    prev = base.date
    for n, i in enumerate(ordered, 1):
        r, key = case.reassessments[i], f"r{n}"
        out[f"{key}.date"] = str(r.date)
        out[f"{key}.due"] = str(r.date + dt.timedelta(days=days))
        out[f"{key}.day"] = str((r.date - base.date).days)
        out[f"{key}.days"] = str((r.date - prev).days)
        out[f"{key}.sessions"] = str(sum(1 for s in case.sessions if s.date and s.date <= r.date))
        prev = r.date
        for mv in r.measures:
            out[f"{key}:{mv.measure}"] = f"{mv.value:g}"
            _stance(out, f"{key}.cutoff:{mv.measure}", measures.get(mv.measure), case, mv.value)
        for c in changes:
            if c.reassessment == i:
                out[f"{key}.change:{c.measure}"] = f"{c.change:+g}"
                out[f"{key}.verdict:{c.measure}"] = c.verdict
    return out


def _stance(out: dict, key: str, measure, case: Case, value: float) -> None:
    """Where `value` stands against the client's numeric cut-offs, in words (none: no fact)."""
    if measure is None:
        return
    said = []
    for c in cutoffs_for(measure, case.client):
        side = beyond(c, value)
        if side is not None:
            said.append(f"{'within' if side else 'outside'} the range '{c.label}' ({c.text})")
    if said:
        out[key] = "; ".join(said)


def _session_facts(out: dict, s, catalog, payer_rule: str) -> None:
    sid = s.id
    if s.date:
        out[f"{sid}.date"] = str(s.date)
    for name in ("start", "end"):
        if getattr(s, name):
            out[f"{sid}.{name}"] = getattr(s, name)
    billed = billed_by_code(s)
    out[f"{sid}.billed"] = str(sum(billed.values()))
    for code, u in billed.items():
        out[f"{sid}.billed:{code}"] = str(u)
    if not s.activities or any(a.minutes is None or a.cpt is None for a in s.activities):
        return
    minutes = minutes_by_code(s)
    out[f"{sid}.minutes"] = str(sum(minutes.values()))
    for code, m in minutes.items():
        out[f"{sid}.minutes:{code}"] = str(m)
        if catalog.is_timed(code):
            out[f"{sid}.leftover:{code}"] = str(m % UNIT)
    visit = billable_visit(minutes, billed, catalog)  # a MedExPRO's units: only the codes it may bill
    try:
        allocs = {rule: allocate(visit, catalog.is_timed, rule) for rule in ("cms", "ama")}
    except ValueError:
        return  # the audit reports minutes the engine refuses
    out[f"{sid}.timed"] = str(allocs["cms"].total_timed_minutes)
    for rule, alloc in allocs.items():
        names = [f"units_{rule}"] + (["units"] if rule == payer_rule else [])
        for name in names:
            out[f"{sid}.{name}"] = str(alloc.total_units)
            for code, u in alloc.units.items():
                out[f"{sid}.{name}:{code}"] = str(u)


def filler(case: Case, catalog):
    """`said(text)`: case prose with its placeholders filled from the engine; the facts are worked
    out once, when first needed (the site's case pages and the quiz export both use it)."""
    known: dict[str, str] = {}

    def said(text):
        if text is None or "{" not in text:
            return text
        if not known:
            known.update(facts(case, catalog))
        return fill(text, known)
    return said


def fill(text: str, known: dict[str, str]) -> str:
    """`text` with every placeholder replaced (the case passed `check_text`, so all are known)."""
    return PLACEHOLDER.sub(lambda m: known.get(m.group(1), m.group(0)), text)


def rule_constants(catalog) -> set[tuple[float, str]]:
    """(number, unit family) pairs a lesson may write by hand: the catalog rules' own thresholds,
    such as 8 minutes or 30 days, which belong to a rule and not to the case."""
    out = set()
    for r in catalog.rules:
        if r.threshold:
            word = r.threshold.unit.split()[0].lower()
            if word in ("treatment", "calendar"):
                word = r.threshold.unit.split()[1].lower()
            if word in _FAMILY:
                out.add((float(r.threshold.value), _FAMILY[word]))
    return out


def measure_constants(catalog) -> set[float]:
    """Numbers a lesson may write with a measure unit: the catalog's cut-offs and change figures."""
    out = set()
    for m in catalog.measures:
        if m.meaningful_change is not None:
            out.add(float(m.meaningful_change))
        out.update(float(f.value) for f in m.by_population)
        out.update(float(c.value) for c in m.cutoffs if c.value is not None)
    return out


def check_text(label: str, text, known: dict[str, str], rules: set, measure_values: set) -> list[Problem]:
    """Problems in one piece of prose: unknown placeholders, stray braces, hand-written figures."""
    where = getattr(text, "where", None) or Location("<case>")
    out = []
    for m in PLACEHOLDER.finditer(text):
        name = m.group(1)
        if name not in known:
            hint = _hint(name, known)
            out.append(Problem(where, f"expected a placeholder this case defines in its {label}, found "
                                      f"'{{{name}}}'{hint}"))
    bare = PLACEHOLDER.sub(" ", text)
    if "{" in bare or "}" in bare:
        out.append(Problem(where, f"expected every brace in the {label} to belong to a placeholder such as "
                                  "{s1.units}, found an unmatched one"))
    figures = list(dict.fromkeys(_hand_written(bare, rules, measure_values)))
    if figures:
        shown = ", ".join(f"'{f}'" for f in figures)
        out.append(Problem(where, f"expected figures the engine computes to be placeholders in the {label} "
                                  f"(such as {{s1.units}}, {{s1.minutes:97110}}, {{r1.change:tug}}, {{r1.due}}), "
                                  f"found hand-written {shown}"))
    return out


def _hint(name: str, known: dict[str, str]) -> str:
    """The placeholders of the same kind the case does define, e.g. its {baseline:...} ones."""
    head = name.split(":")[0] + ":" if ":" in name else name.split(".")[0] + "."
    near = sorted(k for k in known if k.startswith(head))
    if near:
        shown = ", ".join(f"{{{k}}}" for k in near[:8])
        return f"; of that kind this case defines {shown}" + (" ..." if len(near) > 8 else "")
    if not _NAME.fullmatch(name):
        return "; a placeholder looks like {s1.units} or {r1.change:tug}"
    return "; no session, reassessment or measure of this case has that name"


def _hand_written(text: str, rules: set, measure_values: set):
    """Yield each hand-written figure in `text` that the engine could compute."""
    for m in _DATE.finditer(text):
        yield m.group(0)
    for m in _DAY.finditer(text):
        yield m.group(0)
    if "→" in text or "->" in text:  # no arrow, no match: the pattern is slow to rule out
        for m in _ARROW.finditer(text):
            yield m.group(0)
    for m in _COUNT.finditer(text):
        family = _FAMILY[m.group(2).lower()]
        if "+" in m.group(0) or (float(m.group(1)), family) not in rules:
            yield m.group(0)
    for m in _MEASURE.finditer(text):
        if float(m.group(1)) not in measure_values:
            yield m.group(0)
