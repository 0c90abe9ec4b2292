"""Quiz questions from the checked cases: one per declared fault of each audit drill, and
optionally one per worked case ("how many units?").

Everything a question asserts comes from the engine, never from hand-typed text:
the right answer of a drill question is a fault the audit finds (and `check` fails
unless the audit finds exactly the declared faults), the wrong answers are catalog
rules the audit finds broken nowhere in that drill, the feedback is the drill's
lesson plus the audit's own finding, and a unit count is `units.allocate`'s.
Texts here are plain text; the writers (`moodle.py`, `qti.py`) escape them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from metdocs.rules import prose
from metdocs.rules.audit.core import CASE, ENFORCED, LINE, SESSION, case_findings, reported_at
from metdocs.cases.model import Case, Session
from metdocs.catalog.model import Catalog
from metdocs.rules.units import allocate, format_allocation

DISTRACTORS = 3
"""Wrong answers per drill question (four choices in all, as most item banks expect)."""

RULE_NAMES = {"cms": "the CMS 8-minute rule (timed minutes pooled)",
              "ama": "the per-code (midpoint) rule (each code on its own minutes)"}


@dataclass(frozen=True)
class Choice:
    """One answer of a multiple-choice question."""

    id: str
    """Stable id within the question (c1, c2 ...)."""
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    """One quiz question, in plain text; `kind` says how it is answered."""

    id: str
    """Stable and unique in the export, e.g. 'drill-no-referral.case.written-referral-required'."""
    group: Literal["drills", "worked"]
    title: str
    kind: Literal["choice", "numeric"]
    stem: tuple[str, ...]
    """Paragraphs of the question text; the last one is the question itself."""
    feedback: str
    """General feedback: the lesson, shown whatever the answer."""
    choices: tuple[Choice, ...] = ()
    """For kind 'choice': exactly one is correct."""
    answer: int | None = None
    """For kind 'numeric': the exact answer."""
    answer_feedback: str = ""
    """For kind 'numeric': feedback on the right answer (the engine's working)."""
    case: str = ""
    """The case or drill id it comes from."""
    rule: str = ""
    """For a drill question: the rule (or element) id that is the right answer."""
    session: str | None = None


def questions(catalog: Catalog, cases, icd, *, worked_cases: bool = False) -> list[Question]:
    """Every question, drills first, each group in case-id order; names and ids unique (see `unique`)."""
    ordered = sorted(cases, key=lambda c: c.id)
    out = [q for case in ordered if case.kind == "drill" for q in drill_questions(case, catalog, icd)]
    if worked_cases:
        out += [q for case in ordered if case.kind == "worked" for q in [worked_question(case, catalog)] if q]
    return unique(out)


MAX_ID = 100
"""Longest question id: Moodle keeps at most 100 characters of a question's idnumber."""


def short_id(qid: str) -> str:
    """`qid` when it fits in MAX_ID characters, else its start and a digest of the whole, so two long
    ids that share their first 100 characters stay two ids (Moodle would cut both to one)."""
    if len(qid) <= MAX_ID:
        return qid
    digest = hashlib.sha256(qid.encode()).hexdigest()[:12]
    return f"{qid[:MAX_ID - len(digest) - 1]}~{digest}"


def unique(qs: list[Question]) -> list[Question]:
    """The questions with unique names (an LMS lists a bank by name): two drills with one title get
    their ids added; and a check that the ids, which LMSs key questions by, are unique."""
    import dataclasses
    from collections import Counter
    names = Counter(q.title for q in qs)
    out = [q if names[q.title] == 1 else dataclasses.replace(q, title=f"{q.title} [{q.case}]") for q in qs]
    ids = Counter(q.id for q in out)
    clash = [i for i, n in ids.items() if n > 1]
    if clash or len({q.title for q in out}) != len(out):  # a bug: ids are case id, session and rule, each unique
        raise AssertionError(f"export: question ids or names not unique: {clash or 'names'}")
    return out


def rule_label(rule_id: str, catalog: Catalog) -> str:
    """A rule's title, or for a documentation element 'Session log must show: <name>'."""
    rule = next((r for r in catalog.rules if r.id == rule_id), None)
    if rule is not None:
        return rule.title
    element = next((e for e in catalog.elements if e.id == rule_id), None)
    return f"Session log must show: {element.name}" if element else rule_id


def drill_questions(case: Case, catalog: Catalog, icd) -> list[Question]:
    """One multiple-choice question per declared fault (rule, session) of a drill."""
    found = case_findings(case, catalog, icd)
    # Anything the audit finds anywhere in this drill, warnings included, can never be a wrong answer.
    broken = {f.problem.rule for f in found if f.problem.rule} | {b.rule for b in case.expected_breaches}
    # Wrong answers are rules the audit can report at that kind of place (as the drill pages offer).
    def candidates(kinds: tuple) -> list[str]:
        return [r.id for r in catalog.rules if r.id not in broken and r.id in ENFORCED
                and set(reported_at(r.id)) & set(kinds)]
    sessions = {s.id: s for s in case.sessions}
    said = prose.filler(case, catalog)
    out, seen = [], set()
    faults = len({(b.rule, b.session) for b in case.expected_breaches})
    for b in case.expected_breaches:
        if (b.rule, b.session) in seen:
            continue
        seen.add((b.rule, b.session))
        qid = short_id(f"{case.id}.{b.session or 'case'}.{b.rule}")
        kinds = (SESSION, LINE) if b.session else (CASE,)
        wrong = sorted(candidates(kinds), key=lambda r: hashlib.sha256(f"{qid}/{r}".encode()).hexdigest())[:DISTRACTORS]
        findings = [f.problem.message for f in found if f.problem.rule == b.rule and f.session == b.session]
        lesson = said(b.note).strip()
        if findings:
            lesson += "\n\nWhat the audit found: " + " ".join(findings)
        options = sorted([b.rule, *wrong], key=lambda r: hashlib.sha256(f"{qid}#{r}".encode()).hexdigest())
        choices = tuple(
            Choice(f"c{i}", rule_label(r, catalog), r == b.rule,
                   "Correct." if r == b.rule else
                   f"Not this one: the audit finds no breach of '{rule_label(r, catalog)}' anywhere in this drill.")
            for i, r in enumerate(options, 1))
        session = sessions.get(b.session) if b.session else None
        where = (f"Session {session.id}" + (f" ({session.date})" if session.date else "")
                 if session else "This case, apart from any one session (referral, payer, reassessments)")
        ask = f"{where}: which of these rules does it break?"
        stem = (*_case_intro(case, said), *(_session_lines(session) if session else _case_lines(case)), ask)
        # Named by place and number, never by rule: the name shows in the quiz, and the rule is the answer.
        name = f"{case.title} (fault {len(seen)} of {faults}: {f'session {b.session}' if b.session else 'the case'})"
        out.append(Question(qid, "drills", name, "choice", stem,
                            lesson, choices, case=case.id, rule=b.rule, session=b.session))
    return out


def worked_question(case: Case, catalog: Catalog) -> Question | None:
    """'How many units for session sN under this payer's rule?' for the session where the two
    unit rules differ most (the one that teaches the payer's rule best), else the last one."""
    best, best_key = None, None
    for i, s in enumerate(case.sessions):
        visit = _visit(s)
        if not visit:
            continue
        payer = allocate(visit, catalog.is_timed, case.payer.unit_rule)
        other = allocate(visit, catalog.is_timed, "ama" if case.payer.unit_rule == "cms" else "cms")
        key = (abs(payer.total_units - other.total_units), i)
        if best_key is None or key > best_key:
            best, best_key = (s, payer), key
    if best is None:
        return None
    s, alloc = best
    stem = (*_case_intro(case, prose.filler(case, catalog)), *_session_lines(s, claim=False),
            f"This payer counts units with {RULE_NAMES[case.payer.unit_rule]}. How many units may be billed "
            f"in total for session {s.id}" + (f" ({s.date})" if s.date else "") + "?")
    working = format_allocation(alloc)
    return Question(short_id(f"{case.id}.{s.id}.units"), "worked", f"{case.title} ({s.id}: units)", "numeric", stem,
                    f"{alloc.total_units} units. The engine's working:\n{working}", answer=alloc.total_units,
                    answer_feedback="Correct.", case=case.id, session=s.id)


def _visit(s: Session) -> dict[str, int]:
    if not s.activities or any(a.minutes is None or not a.cpt for a in s.activities):
        return {}
    minutes: dict[str, int] = defaultdict(int)
    for a in s.activities:
        minutes[a.cpt] += a.minutes
    return dict(minutes)


def _case_intro(case: Case, said) -> tuple[str, ...]:
    lines = [case.title, said(case.summary).strip()]
    if case.prompt:
        lines.append(said(case.prompt).strip())
    payer = case.payer
    lines.append(f"Payer: {payer.name} ({payer.type}); units under {RULE_NAMES[payer.unit_rule]}; "
                 + (f"plan verified on {payer.verified}." if payer.verified else "plan not verified before billing."))
    ref = case.referral
    if ref is None:
        lines.append("Referral: none on file.")
    else:
        dx = ", ".join(f"{d.pointer} = {d.code}" for d in sorted(ref.diagnoses, key=lambda d: d.pointer)) or "none"
        who = ref.credential + (f" supervised by an {ref.supervised_by}" if ref.supervised_by else "")
        lines.append(f"Referral of {ref.date} from a {ref.provider_role} ({who}): {said(ref.statement).strip()} "
                     f"Diagnoses: {dx}.")
    plan = case.plan
    home = plan.home_program
    lines.append(f"Plan: {plan.sessions_per_week} supervised session(s) a week"
                 + (f"; home program {home.days_per_week} day(s) a week, {home.minutes_per_day} min a day "
                    f"({', '.join(home.includes)})" if home else "; no home program")
                 + (f"; precautions: {'; '.join(plan.precautions)}" if plan.precautions else "") + ".")
    return tuple(lines)


def _session_lines(s: Session, *, claim: bool = True) -> tuple[str, ...]:
    head = f"Session {s.id}: " + ", ".join(x for x in (
        str(s.date) if s.date else "no date",
        f"{s.start}-{s.end}" if s.start and s.end else "no start/stop time",
        ("one-on-one" if s.group_size == 1 else f"group of {s.group_size}") if s.group_size else
        "no one-on-one or group statement",
        {True: "scope acknowledged", False: "scope acknowledgement answered 'no'",
         None: "no scope acknowledgement"}[s.scope_acknowledged]) if x) + "."
    rows = [f"- {a.cpt or 'no code'}, {a.minutes if a.minutes is not None else '?'} min: "
            f"{a.description or '(no description)'}; why: {a.rationale or '(no rationale)'}" for a in s.activities]
    lines = [head, "Logged:\n" + "\n".join(rows) if rows else "Logged: nothing."]
    lines.append(f"Response: {s.response or '(none recorded)'}\nPrecautions recorded: {s.precautions or '(none)'}"
                 f"\nSigned: {s.signed_by or '(unsigned)'}"
                 + (f" ({s.signer_credential})" if s.signer_credential else ""))
    if claim:
        billed = [f"{ln.cpt} x {ln.units} units, pointers {''.join(ln.pointers) or 'none'}"
                  + (f", modifiers {' '.join(ln.modifiers)}" if ln.modifiers else "") for ln in s.claim]
        lines.append("Claim: " + ("; ".join(billed) if billed else "no lines") + ".")
    return tuple(lines)


def _case_lines(case: Case) -> tuple[str, ...]:
    measures = ", ".join(f"{m.measure} {m.value:g}" for m in case.baseline.measures)
    lines = [f"Baseline assessment on {case.baseline.date}: {measures}."]
    for r in case.reassessments:
        report = r.report
        sent = (f"; progress report for {report.period_start} to {report.period_end} written {report.written}"
                + (f", sent to the {report.sent_to.replace('-', ' ')}" if report.sent_to else ", not sent")
                if report else "; no progress report")
        lines.append(f"Reassessment on {r.date}: " + ", ".join(f"{m.measure} {m.value:g}" for m in r.measures)
                     + sent + ".")
    if not case.reassessments:
        lines.append("No reassessment on file.")
    dates = ", ".join(f"{s.id} {s.date or 'undated'} ({sum(ln.units for ln in s.claim)} units billed)"
                      for s in case.sessions)
    lines.append(f"Sessions: {dates}.")
    return tuple(lines)
