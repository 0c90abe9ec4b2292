"""Worked cases: synthetic client stories the site teaches from, and the audit checks.

One YAML file per case in data/cases/; the file stem is the case id. As in
`catalog/model.py`, the frozen dataclasses below ARE the schema (see `schema.py`): a
field's type is what the YAML must hold and a default makes the key optional.
Things a flawed teaching case may leave out of a session log (rationale,
response, signature ...) are optional on purpose, so that the audit
(`rules/audit/`) reports them as missing documentation elements, with the catalog
rule behind them, instead of the schema rejecting the file.

Cases are synthetic: an age band instead of a birth date, no names, no ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from metdocs.errors import Location
from metdocs.catalog.model import NOWHERE, AgeBand
from metdocs.catalog.schema import CptCode, EntryId, IcdCode, Ident, Pattern, Text

Pointer = Literal["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"]
"""A diagnosis pointer, as in box 21 / 24E of the CMS-1500 claim form."""

Modifier = Annotated[str, Pattern(r"[A-Z0-9]{2}", "a 2-character modifier such as 'GP' or '59'")]
Clock = Annotated[str, Pattern(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]", "a 24-hour clock time such as '09:30'")]

Credential = Literal["MD", "DO", "DPM", "NP", "PA", "PT", "PTA", "OT", "DC", "RN", "ATC"]
"""A referrer's credential. Who may refer is the audit's business (rule referrer-may-refer): MD, DO
and DPM may; NP and PA only when supervised by an MD or DO; the others (a PT, chiropractor, nurse,
athletic trainer ...) may not."""
SignerCredential = Literal["MedExPRO", "PT", "PTA", "ATC", "personal-trainer", "aide", "student"]
"""The credential of whoever gave and signed a session (rule own-services-own-npi)."""
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


MAX_VISITS = 999
"""Most visits a referral or authorisation can allow in a case file."""


@dataclass(frozen=True)
class Renewal:
    """A renewed referral or authorisation: from its date, the sessions it covers count afresh."""

    date: dt.date
    """The day the renewal was written (on or after the referral's date)."""
    expires: dt.date | None = None
    """The last day it covers, when it gives one (rule referral-in-force)."""
    authorised_visits: int | None = None
    """How many visits it allows, when it gives a number (rule referral-in-force)."""
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
    expires: dt.date | None = None
    """The last day the referral (or the payer's authorisation) covers, when it gives one: a session
    billed after it needs a renewal on file (rule referral-in-force)."""
    authorised_visits: int | None = None
    """How many visits the referral or authorisation allows, when it gives a number (1-999)."""
    renewals: tuple[Renewal, ...] = ()
    """Renewed referrals or authorisations, each with its own expiry or visit count."""
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
class PlanPhase:
    """A stretch of the plan at one frequency, e.g. 4 weeks of 1 session every 2 weeks."""

    weeks: int
    """How many weeks it lasts."""
    sessions: int
    """Supervised sessions in each interval of `every_weeks` weeks."""
    every_weeks: int = 1
    """The interval: 1 = each week, 2 = every other week."""
    where: Location = NOWHERE

    @property
    def per_week(self) -> float:
        """Supervised sessions a week, on average over the phase."""
        return self.sessions / self.every_weeks


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
    phases: tuple[PlanPhase, ...] = ()
    """For a frequency that changes over time (weekly, then every other week): each phase in order,
    the first at `sessions_per_week`. The dose rules count each phase at its own frequency."""
    home_program: HomeProgram | None = None
    balance_why: str | None = None
    """Why the plan has no balance work although a baseline measure is past a fall-risk cut-off (rule
    fall-prevention-dose), e.g. 'balance training is with her PT until discharge next week'."""
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
    """The credential of whoever gave and signed the session (rule own-services-own-npi)."""
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
    sent_to_why: str | None = None
    """Why it went to someone other than the referring provider, when it did (rule
    progress-report-to-referrer), e.g. 'the referring surgeon retired; sent to the client's new physician'."""
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
    line: int | None = None
    """The session's claim line it is on (1 = the first), when the audit names one: scope, modifiers,
    pointers and each code's units are breaches of a line; leave out for the session as a whole."""
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
