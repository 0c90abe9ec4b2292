"""Worked cases: synthetic client stories the site teaches from, and the audit checks.

One YAML file per case in data/cases/; the file stem is the case id. As in
`model.py`, the frozen dataclasses below ARE the schema (see `schema.py`): a
field's type is what the YAML must hold and a default makes the key optional.
Things a flawed teaching case may leave out of a session log (rationale,
response, signature ...) are optional on purpose, so that the audit
(`audit.py`) reports them as missing documentation elements, with the catalog
rule behind them, instead of the schema rejecting the file.

Cases are synthetic: an age band instead of a birth date, no names, no ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from metdocs.errors import Location, Problem
from metdocs.catalog.load import load_file, map_chunks, yaml_files
from metdocs.catalog.model import NOWHERE, AgeBand
from metdocs.catalog.schema import CptCode, EntryId, IcdCode, Ident, Pattern, Text, parse
from metdocs.catalog.validate import duplicates

Pointer = Literal["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"]
"""A diagnosis pointer, as in box 21 / 24E of the CMS-1500 claim form."""

Modifier = Annotated[str, Pattern(r"[A-Z0-9]{2}", "a 2-character modifier such as 'GP' or '59'")]
Clock = Annotated[str, Pattern(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]", "a 24-hour clock time such as '09:30'")]

Credential = Literal["MD", "DO", "DPM", "NP", "PA", "PT", "PTA", "OT", "DC", "RN", "ATC"]
"""A referrer's credential. Who may refer is the audit's business (rule referrer-may-refer): MD, DO
and DPM may; NP and PA only when supervised by an MD or DO; the others (a PT, chiropractor, nurse,
athletic trainer ...) may not."""
SignerCredential = Literal["MedExPRO", "PT", "PTA", "ATC", "personal-trainer", "aide", "student"]
"""The credential of whoever gave and signed a session (rule billed-session-given-by-medexpro)."""
PlanType = Literal["commercial", "medicare", "medicare-advantage", "medicaid", "medicaid-managed-care", "self-pay"]
"""Medicare Advantage and Medicaid managed-care plans are run by private companies but are
Medicare and Medicaid: MedExPROs bill neither (rule private-payers-only)."""
ProgramPart = Literal["resistance", "balance", "aerobic", "flexibility", "task-practice"]

MAX_MINUTES = 480
"""Longest plausible time on one code in one session (the units engine refuses more)."""
MAX_UNITS = 99
"""Most units on one claim line: far above what 480 minutes give, so over-billing still shows."""
MAX_GROUP = 99
"""Most clients trained at the same time."""


@dataclass(frozen=True)
class Client:
    """The synthetic client: never a name, birth date or record number."""

    age_band: AgeBand
    """Five-year band such as '70-74' (a band, not an age, so no case points at a person)."""
    sex: Literal["female", "male", "unspecified"]
    population: tuple[Ident, ...] = ()
    """Catalog population ids that describe the client, most specific first (e.g. [knee-oa,
    older-adults]): each measure's meaningful-change figure is taken from the first that has one."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Payer:
    """Who the claim goes to and which unit rule it applies."""

    name: str
    """A fictional payer name."""
    type: PlanType
    """The plan type. MedExPROs bill private payers only: Medicare or Medicaid in any form
    (including Medicare Advantage and Medicaid managed care) is a scope breach."""
    unit_rule: Literal["cms", "ama"]
    """'cms' pools timed minutes (8-minute rule); 'ama' counts each code on its own (midpoint)."""
    verified: dt.date | None = None
    """When the MedExPRO checked this plan before billing: the client's benefits, that the payer
    accepts this provider type for 97110/97112/97530, and the MedExPRO's own credentialing with
    it (rule verify-payer-before-billing). Not needed for self-pay."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class ReferralDiagnosis:
    """One diagnosis on the referral, with the claim pointer letter it gets."""

    code: IcdCode
    pointer: Pointer
    where: Location = NOWHERE


@dataclass(frozen=True)
class Referral:
    """The written referral from the client's provider."""

    date: dt.date
    provider_role: str
    """The referrer's role, never a name, e.g. 'orthopedic surgeon'."""
    credential: Credential
    """The referrer's credential, e.g. 'MD' (rule referrer-may-refer)."""
    statement: str
    diagnoses: tuple[ReferralDiagnosis, ...] = ()
    """A referral with none is a breach, reported on the referral itself."""
    supervised_by: Literal["MD", "DO"] | None = None
    """For an NP or PA referrer: the credential of the supervising physician."""
    """What the referral asks for, e.g. 'Medical exercise training after discharge from PT'."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class MeasureValue:
    """One result of an outcome measure."""

    measure: Ident
    """A measure id from the catalog, e.g. 'tug'."""
    value: float
    """In the measure's unit (seconds, points, metres ...)."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Baseline:
    """The initial assessment's objective measures."""

    date: dt.date
    measures: tuple[MeasureValue, ...]
    where: Location = NOWHERE


@dataclass(frozen=True)
class PlannedCode:
    """A CPT code the plan of exercise expects to use, and why."""

    cpt: CptCode
    why: str
    where: Location = NOWHERE


@dataclass(frozen=True)
class HomeProgram:
    """What the client does between supervised sessions."""

    description: str
    days_per_week: int
    minutes_per_day: int
    includes: tuple[ProgramPart, ...]
    """What kinds of exercise it holds; the dose rules count 'resistance' and 'balance' days."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Plan:
    """The plan of exercise (POE): goals, frequency, codes, home program and precautions."""

    goals: tuple[str, ...]
    """Measurable goals, e.g. 'TUG under 12 s within 8 weeks'."""
    frequency: str
    """e.g. '2x/week for 8 weeks'."""
    sessions_per_week: int
    """Supervised sessions a week, as planned (the dose rules count them)."""
    codes: tuple[PlannedCode, ...]
    home_program: HomeProgram | None = None
    precautions: tuple[str, ...] = ()
    """Condition-specific precautions from the referral or the catalog, e.g. 'Check blood glucose
    before and after each session'; each session records them (rule condition-precautions)."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Activity:
    """One block of work in a session, logged against one CPT code."""

    cpt: CptCode | None = None
    """The code this row is logged under (element cpt-per-activity); left out only in a flawed case."""
    minutes: int | None = None
    """Direct one-on-one minutes on this code (element minutes-per-code)."""
    description: str | None = None
    """What was done: exercise, load, sets, reps (element intervention-detail)."""
    rationale: str | None = None
    """Why it was done, tied to a deficit or goal (element exercise-rationale)."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class ClaimLine:
    """One line of the claim for a session."""

    cpt: CptCode
    units: int
    pointers: tuple[Pointer, ...] = ()
    """Referral diagnosis letters this line is billed under (element icd10-link-per-cpt)."""
    modifiers: tuple[Modifier, ...] = ()
    where: Location = NOWHERE


@dataclass(frozen=True)
class Session:
    """One session log and the claim lines billed for it."""

    id: Ident
    """Short id unique in the case, e.g. 's1'; expected breaches refer to it."""
    date: dt.date | None = None
    """Date of service (element session-date)."""
    start: Clock | None = None
    """Clock time the session began, e.g. '09:00' (element session-start-stop)."""
    end: Clock | None = None
    """Clock time it ended, same day; end - start must cover the minutes logged."""
    group_size: int | None = None
    """Clients trained at the same time, stated in the log (element one-on-one-statement):
    1 = one-on-one; above 1 = group, so no one-on-one codes."""
    scope_acknowledged: bool | None = None
    """The log states the session was medical exercise, not physical therapy (element scope-acknowledgement)."""
    activities: tuple[Activity, ...] = ()
    response: str | None = None
    """How the client responded (element client-response)."""
    signed_by: str | None = None
    """Signature and credentials, e.g. 'A. Trainer, MedExPRO' (element signature-credentials)."""
    signer_credential: SignerCredential | None = None
    """The credential of whoever gave and signed the session (rule billed-session-given-by-medexpro)."""
    precautions: str | None = None
    """What was checked for the plan's precautions this session, e.g. 'Glucose 142 mg/dL before,
    126 after; feet inspected, no new redness' (rule condition-precautions)."""
    claim: tuple[ClaimLine, ...] = ()
    """Units and modifiers per code (element units-per-code)."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class ProgressReport:
    """What the progress report written from a reassessment holds (rule progress-report-content)."""

    period_start: dt.date
    """First day of the period it covers: the day of the previous assessment."""
    period_end: dt.date
    """Last day it covers: the day of this reassessment."""
    written: dt.date
    """The date it was written (on or after the end of its period)."""
    sent_to: Literal["referring-provider", "client", "payer"] | None = None
    """Who received it."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Reassessment:
    """A re-measurement of the baseline measures (due every 30 days), and its progress report."""

    date: dt.date
    measures: tuple[MeasureValue, ...]
    """The measures re-tested: every baseline measure, again."""
    summary: Text
    """The report's words. Figures are placeholders filled from the case (see prose.py)."""
    report: ProgressReport | None = None
    where: Location = NOWHERE


@dataclass(frozen=True)
class ExpectedBreach:
    """A breach a deliberately flawed teaching case must show."""

    rule: Ident
    """The catalog rule id (or, for a missing session-log element, the element id)."""
    note: Text
    """What the reader should learn from it (figures as placeholders, see prose.py)."""
    session: Ident | None = None
    """The session it is in; leave out for case-level breaches (referral, payer, reassessment)."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Case:
    """One worked case: a synthetic client from referral to reassessment."""

    id: EntryId
    """Must equal the file stem."""
    title: str
    summary: Text
    """The client's story in a few sentences (figures as placeholders, see prose.py)."""
    client: Client
    payer: Payer
    baseline: Baseline
    plan: Plan
    sessions: tuple[Session, ...]
    referral: Referral | None = None
    """Leave out only in a flawed case: no written referral is a breach."""
    reassessments: tuple[Reassessment, ...] = ()
    expected_breaches: tuple[ExpectedBreach, ...] = ()
    """Empty for a clean case; a flawed case lists exactly the breaches the audit must find."""
    kind: Literal["worked", "drill"] = "worked"
    """A worked billing example, or an audit drill (a flawed note or claim to find the faults in)."""
    prompt: Text | None = None
    """For a drill: the question put to the student, e.g. 'Find what would get this claim denied.'"""
    payable: tuple[Text, ...] = ()
    """Why this documentation is payable (worked cases), one point per item."""
    denied_if: tuple[Text, ...] = ()
    """What would get it denied (worked cases): the mistakes this case avoids."""
    replaces: bool = False
    """True when this case, in a course project, deliberately replaces the shipped case with its id."""
    where: Location = NOWHERE


def load_cases(cases_dir: Path) -> tuple[list[Case], list[Problem]]:
    """Read and shape-check every case file in `cases_dir`.

    Args:
        cases_dir: Folder of case YAML files (data/cases/). A missing folder is
            not an error: a project may have no cases yet.

    Returns:
        The cases that parsed cleanly (sorted by file name) and every problem found,
        including format problems the type hints cannot express (id vs file name,
        duplicate session ids, minutes out of range ...). Never raises on bad data.
    """
    cases, problems, _ = screen_cases(cases_dir)
    return cases, problems


def screen_cases(cases_dir: Path, *, scan=None, audit=None, first=None) -> tuple[list[Case], list[Problem], list]:
    """`load_cases`, plus optional per-file checks done in the same pass (and the same worker process).

    Args:
        cases_dir: Folder of case YAML files.
        scan: `scan(document) -> problems`, run on every file that is valid YAML (the privacy guard).
        audit: `audit(case) -> result` (problems, or whatever the caller wants back), run on every
            case that passed the format rules. Its results are only meaningful if the data turns
            out to have no errors; the caller decides.
        first: a job of the caller's to run in this process meanwhile (`load.map_chunks`).

    Returns:
        (cases, problems, per_case): problems as from `load_cases` followed by the `scan` problems in
        file order; per_case holds, for each case in `cases`, its `audit` result, or None
        when `audit` raised (the caller then audits that case itself, and sees the error).

    Many files are worked through in parallel (`load.map_chunks`); the result is the same.
    """
    if not cases_dir.is_dir():
        if first is not None:
            first()
        return [], [], []
    results = map_chunks(lambda paths: [_screen_file(p, scan, audit) for p in paths], yaml_files(cases_dir),
                         first=first)
    cases: list[Case] = []
    problems = [p for r in results for p in r[0]]
    per_case: list = []
    for _, doc_problems, case, _, audited in results:
        problems.extend(doc_problems)
        if case is not None:
            cases.append(case)
            per_case.append(audited)
    problems.extend(p for r in results for p in r[3])
    # The id names the page; x.yaml next to x.yml, or a case and a drill, would share it.
    problems.extend(duplicates(cases, "id", "case or drill id"))
    return cases, problems, per_case


def _screen_file(path: Path, scan, audit) -> tuple:
    """(load problems, format problems, the case if it passed the format rules, scan problems, audit problems)."""
    doc, load_problems = load_file(path)
    if doc is None:
        return load_problems, [], None, [], []
    problems: list[Problem] = []
    case, probs = parse(Case, doc)
    problems.extend(probs)
    kept = None
    if case is not None:
        sanity = list(_sanity(case, doc.path.stem, _value_at(doc, "id") or case.where))
        problems.extend(sanity)
        if not sanity:  # the audit may assume the format rules below hold
            kept = case
        problems.extend(_kind_rules(case))
    scanned = scan(doc) if scan is not None else []
    audited: list | None = []
    if kept is not None and audit is not None:
        try:
            audited = audit(kept)
        except Exception:  # noqa: BLE001 - the caller re-runs it where the error can surface
            audited = None
    return load_problems, problems, kept, scanned, audited


MIN_WORKED_SESSIONS = 3
"""A worked case shows at least this many filled session logs."""


def _kind_rules(case: Case):
    """Yield what a drill or a worked case must have to make a complete lesson (located at the case)."""
    n = len(case.expected_breaches)
    if case.kind == "drill":
        if not (case.prompt or "").strip():
            yield Problem(case.where, "expected a drill to have a prompt (the question put to the student), "
                          "found none")
        if n == 0:
            yield Problem(case.where, "expected a drill to declare at least 1 expected breach, found 0")
        return
    if n:
        yield Problem(case.where, f"expected a worked case to declare no expected breaches, found {n}; "
                      "make it 'kind: drill' or fix the record")
        return  # a drill not yet marked as one: the points below would only repeat the cause
    for name in ("payable", "denied_if"):
        if not any(item.strip() for item in getattr(case, name)):
            yield Problem(case.where, f"expected a worked case to list at least 1 point under '{name}', found none")
    if len(case.sessions) < MIN_WORKED_SESSIONS:
        yield Problem(case.where, f"expected a worked case to have at least {MIN_WORKED_SESSIONS} sessions, "
                      f"found {len(case.sessions)}")


def _value_at(doc, key: str) -> Location | None:
    """Where the value of a top-level key is, so a message points at its line, not at the file's start."""
    node = doc.root
    return doc.at(*node.lc.value(key)) if hasattr(node, "lc") and key in node else None


def _sanity(case: Case, stem: str, id_at: Location):
    """Yield format problems that need more than one field to see."""
    if case.id != stem:
        yield Problem(id_at, f"expected the case id to equal the file name '{stem}', found '{case.id}'; "
                             f"change this line to 'id: {stem}', or rename the file to '{case.id}.yaml'")
    lo, _, hi = case.client.age_band.partition("-")
    if hi and int(lo) >= int(hi):
        yield Problem(case.client.where, f"expected an age band low-high, found '{case.client.age_band}'")
    if case.referral:
        yield from duplicates(case.referral.diagnoses, "pointer", "referral pointer letter")
        yield from duplicates(case.referral.diagnoses, "code", "referral diagnosis")
    yield from duplicates(case.sessions, "id", "session id")
    for s in case.sessions:
        if s.group_size is not None and not 1 <= s.group_size <= MAX_GROUP:
            yield Problem(s.where, f"expected group_size from 1 to {MAX_GROUP}, found {s.group_size}")
        for a in s.activities:
            if a.minutes is not None and not 0 <= a.minutes <= MAX_MINUTES:
                yield Problem(a.where, f"expected minutes from 0 to {MAX_MINUTES}, found {a.minutes}")
        for line in s.claim:
            if not 0 <= line.units <= MAX_UNITS:
                yield Problem(line.where, f"expected units from 0 to {MAX_UNITS}, found {line.units}")


REASSESS_DAYS = 30
"""Fallback when rule reassess-every-30-days has no threshold in the catalog."""


def threshold(catalog, rule_id: str, default: int) -> int:
    """A catalog rule's threshold as a whole number, or `default` when the rule or its threshold is absent."""
    rule = catalog.rule(rule_id)
    return int(rule.threshold.value) if rule and rule.threshold else default


def reassess_days(catalog) -> int:
    """Days allowed between assessments: rule reassess-every-30-days' threshold."""
    return threshold(catalog, "reassess-every-30-days", REASSESS_DAYS)


def minutes_by_code(s: Session) -> dict[str, int]:
    """Minutes logged under each code in a session (every activity must have its minutes and code)."""
    out: dict[str, int] = {}
    for a in s.activities:
        out[a.cpt] = out.get(a.cpt, 0) + a.minutes
    return out


def billed_by_code(s: Session) -> dict[str, int]:
    """Units on the session's claim for each code (a code on several lines is added up)."""
    out: dict[str, int] = {}
    for line in s.claim:
        out[line.cpt] = out.get(line.cpt, 0) + line.units
    return out


@dataclass(frozen=True)
class Figure:
    """The meaningful-change figure a case uses for one measure, and why that one."""

    kind: str
    """MCID, MDC, MIC or SDC."""
    value: float
    population: str
    """The population it was measured in, in words."""
    fallback: bool
    """True when no figure matches the client's population and the measure's default is used."""
    sources: tuple[str, ...]

    def label(self, unit: str) -> str:
        """'MDC 6.5 points (older people at risk of falls)', with 'fallback' when it is one."""
        who = f"measured in {self.population}" + ("; no figure for this client's population, used as "
                                                   "the fallback" if self.fallback else "")
        return f"{self.kind} {self.value:g} {unit} ({who})"


def figure_for(measure, client: Client, catalog) -> Figure | None:
    """The figure matching the client's first population that has one, else the measure's default
    figure as the documented fallback; None when no source confirmed any figure."""
    def named(pid):
        pop = catalog.population(pid) if pid else None
        return pop.name if pop else (pid or "an unstated population")
    for pid in client.population:
        if measure.meaningful_change is not None and measure.change_population == pid:
            return Figure(measure.change_kind, measure.meaningful_change, named(pid), False, measure.sources)
        fig = next((f for f in measure.by_population if f.population == pid), None)
        if fig is not None:
            return Figure(fig.kind, fig.value, named(pid), False, fig.sources)
    if measure.meaningful_change is None:
        return None
    return Figure(measure.change_kind, measure.meaningful_change, named(measure.change_population), True,
                  measure.sources)


def band(text: str) -> tuple[int, int]:
    """(low, high) ages of an age band such as '70-74' or '90+'."""
    lo, _, hi = text.rstrip("+").partition("-")
    return int(lo), (int(hi) if hi else 150)


def cutoffs_for(measure, client: Client) -> list:
    """The measure's cut-offs that apply to the client's age band and sex (norms tables list many)."""
    lo, hi = band(client.age_band)
    out = []
    for c in measure.cutoffs:
        if c.sex and c.sex != client.sex:
            continue
        if c.ages:
            clo, chi = band(c.ages)
            if not (clo <= lo and hi <= chi):
                continue
        out.append(c)
    return out


def beyond(cutoff, value: float) -> bool | None:
    """True when `value` is on the risk side of a numeric cut-off; None when it has no number."""
    if cutoff.value is None or cutoff.risk_if is None:
        return None
    return {"below": value < cutoff.value, "at-or-below": value <= cutoff.value, "at-or-above": value >= cutoff.value,
            "above": value > cutoff.value}[cutoff.risk_if]


@dataclass(frozen=True)
class MeasureChange:
    """How one measure moved from baseline to one reassessment (for the audit and the site)."""

    reassessment: int
    """Index of the reassessment in `case.reassessments`."""
    date: dt.date
    """The reassessment's date."""
    measure: str
    name: str
    unit: str
    baseline: float
    value: float
    change: float
    """value - baseline, in the measure's unit (rounded to 6 places against float noise)."""
    better: str
    """'higher' or 'lower': which direction is improvement."""
    improved: bool
    """True if the change is in the better direction (a zero change is not)."""
    figure: Figure | None
    """The meaningful-change figure used for this client, or None when no source confirmed one."""
    meaningful: bool | None
    """Improved by MORE than the figure (a change equal to it is within measurement error or
    below importance); None when there is no confirmed figure."""
    verdict: str
    """The outcome in words, e.g. 'meaningful improvement (more than the MCID of 9 points)'."""
    where: Location = NOWHERE

    @property
    def threshold(self) -> float | None:
        return self.figure.value if self.figure else None

    @property
    def change_kind(self) -> str:
        return self.figure.kind if self.figure else "none"


EPSILON = 1e-9
"""Float noise allowance: 0.90 - 0.78 must count as 0.12, not 0.11999999999999999."""


def exceeds(change: float, threshold: float) -> bool:
    """The one meaning of 'meaningful' everywhere (engine, pages, forms): strictly larger than the figure."""
    return abs(change) > threshold + EPSILON


def measure_changes(case: Case, catalog) -> list[MeasureChange]:
    """Compare each reassessment measure with the same measure at baseline.

    Measures missing from the baseline or from the catalog are skipped (the
    audit reports them). Pure: no I/O, never raises on case data.
    """
    base = {m.measure: m.value for m in case.baseline.measures}
    info = {m.id: m for m in catalog.measures}
    out = []
    for i, r in enumerate(case.reassessments):
        for mv in r.measures:
            m = info.get(mv.measure)
            if m is None or mv.measure not in base:
                continue
            change = round(mv.value - base[mv.measure], 6)
            improved = change > 0 if m.better == "higher" else change < 0
            fig = figure_for(m, case.client, catalog)
            meaningful = None if fig is None else improved and exceeds(change, fig.value)
            out.append(MeasureChange(i, r.date, m.id, m.name, m.unit, base[mv.measure], mv.value, change,
                                     m.better, improved, fig, meaningful,
                                     _verdict(change, improved, meaningful, fig, m), mv.where))
    return out


def _verdict(change, improved, meaningful, fig, m) -> str:
    if change == 0:
        return "no change"
    if not improved:
        return f"worse ({m.better} is better)"
    if meaningful is None:
        return "improved; no confirmed figure for a meaningful change"
    if meaningful:
        return f"meaningful improvement (more than the {fig.kind} of {fig.value:g} {m.unit})"
    return f"improved, but not more than the {fig.kind} of {fig.value:g} {m.unit}"
