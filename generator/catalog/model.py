"""The catalog model: frozen dataclasses that are also the YAML schema.

Each class is one kind of catalog entry. A field's type is what the YAML must
hold (see `schema.py`), a default makes the key optional, and every object keeps
`where`, the place it was read from, so a problem found late can still point
at the file and line. Field docstrings double as the format reference in the
README.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Literal

from metdocs.errors import Location
from metdocs.catalog.schema import CptCode, EntryId, IcdCode, Ident, Pattern, Url

AgeBand = Annotated[str, Pattern(r"[0-9]{1,3}-[0-9]{1,3}|[0-9]{1,3}\+", "an age band such as '70-74' or '90+'")]

NOWHERE = Location("<nowhere>")


@dataclass(frozen=True)
class Source:
    """A document a fact comes from."""

    id: EntryId
    """Short id used by `sources:` lists elsewhere, e.g. 'cms-pub100-04-ch5'."""
    title: str
    """Human title, e.g. 'Medicare Claims Processing Manual, Pub 100-04, chapter 5, §20.2'."""
    url: Url | None = None
    """Where to read it, when it is online."""
    note: str = ""
    """Anything a reader should know about the source (secondary source, mirror, not fetched...)."""
    replaces: bool = False
    """True when this entry, in a course project, deliberately replaces the shipped entry with its id."""
    where: Location = NOWHERE


Phrase = Annotated[str, Pattern(r"[a-z][a-z0-9]*(?:[ -][a-z0-9]+)*",
                                "a lower-case word or phrase such as 'stairs' or 'single-leg stance'")]
"""A word or phrase an activity's description is searched for (whole words, any capitals)."""
IcdFamily = Annotated[str, Pattern(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{0,4})?",
                                   "an ICD-10-CM code or code family such as 'E11' or 'I69.3'", quoted=True)]
"""An ICD-10-CM code or the start of one: every code beginning with it belongs to the family."""


@dataclass(frozen=True)
class Misfit:
    """Work that, logged under a code, belongs under another code (rule activity-fits-code)."""

    words: tuple[Phrase, ...]
    """Words or phrases that show the work, e.g. 'stairs', 'tandem stance'."""
    belongs_under: CptCode
    """The code the work belongs under, e.g. "97116" for stair practice."""
    why: str
    """Why, in a sentence the finding quotes."""
    unless: tuple[Phrase, ...] = ()
    """Words that make it fit after all when they appear in the same part of the description (the
    text between semicolons), e.g. 'carrying' for a load taken up the stairs inside a task."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Cpt:
    """A CPT code, described in our own words (CPT descriptors are AMA copyright)."""

    code: CptCode
    name: str
    """Our short name, e.g. 'Therapeutic exercise'."""
    description: str
    """Our plain-language description of the service. Never AMA descriptor text."""
    timed: bool
    """True for 15-minute timed codes; untimed codes are one unit per day."""
    one_on_one: bool
    """True when the minutes billed need direct one-on-one contact."""
    in_scope: bool
    """True when a MedExPRO may use it (the core MET codes)."""
    scope_note: str
    """Why it is (or is not) within MedExPRO scope, and what to do instead."""
    qualifies: tuple[str, ...]
    """What counts as this service."""
    note_must_show: tuple[str, ...]
    """What the session note must show to support it."""
    sources: tuple[Ident, ...]
    scope_reason: str = ""
    """For a code a MedExPRO may not bill: why, in a few words ('a group code, not one-on-one'). The
    audit and every checker in the browser give it when the code is on a claim line (rule
    medexpro-codes-only); required exactly when `in_scope` is false."""
    misfits: tuple[Misfit, ...] = ()
    """Work that does not belong under this code although people log it here, with the code it belongs
    under (rule activity-fits-code: the audit reads every activity's description for these words)."""
    confused_with: tuple[CptCode, ...] = ()
    """Codes people mix it up with."""
    distinguish: str = ""
    """How to tell it apart from the codes in `confused_with`."""
    unconfirmed: str = ""
    """What about this entry no source has confirmed yet (shown as a warning on the site)."""
    replaces: bool = False
    """True when this entry, in a course project, deliberately replaces the shipped entry with its id."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Category:
    """A condition category used to group diagnoses in the pairing guide."""

    id: EntryId
    name: str
    description: str
    precautions: tuple[str, ...] = ()
    """Condition-specific precautions every session must record (e.g. blood glucose around sessions
    in diabetes); a case with a diagnosis in this category must plan for them (rule condition-precautions)."""
    precaution_sources: tuple[Ident, ...] = ()
    precaution_codes: tuple[IcdFamily, ...] = ()
    """ICD-10-CM codes or code families (such as 'E11') that bring in the precautions, whatever the
    exact code and whether the catalog lists it. Without them, the category's own diagnoses do. With
    them, only codes of these families do (so G62.9 in the diabetes category does not)."""
    replaces: bool = False
    """True when this entry, in a course project, deliberately replaces the shipped entry with its id."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Pairing:
    """A CPT code a diagnosis commonly supports, and the words that justify it."""

    cpt: CptCode
    language: str
    """Example documentation language linking the diagnosis to this code."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Diagnosis:
    """An ICD-10-CM diagnosis from a referral (its title comes from the official code set)."""

    code: IcdCode
    category: Ident
    pairings: tuple[Pairing, ...]
    sources: tuple[Ident, ...]
    note: str = ""
    """Coding tips, e.g. laterality or which code to pair it with."""
    unconfirmed: str = ""
    replaces: bool = False
    """True when this entry, in a course project, deliberately replaces the shipped entry with its id."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class DocumentType:
    """A kind of MedExPRO document (session log, 30-day progress report ...)."""

    id: EntryId
    name: str
    description: str
    replaces: bool = False
    """True when this entry, in a course project, deliberately replaces the shipped entry with its id."""
    where: Location = NOWHERE


Checker = Annotated[str, Pattern(r"(?:form|questionnaire):[a-z0-9]+(?:-[a-z0-9]+)*|claim-builder|drills",
                                 "a checker such as 'form:session-log', 'questionnaire:session-log', "
                                 "'claim-builder' or 'drills'")]


@dataclass(frozen=True)
class NotChecked:
    """A checker in the browser (or a Questionnaire) that cannot enforce a record-level rule, and why."""

    checker: Checker
    """'form:<form id>' (a web form), 'questionnaire:<form id>', 'claim-builder' or 'drills'."""
    why: str
    """What that checker's records lack, in a sentence."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Element:
    """A documentation element: something a document must show."""

    id: EntryId
    name: str
    why: str
    """Why reviewers and payers look for it."""
    required_in: tuple[Ident, ...]
    """Ids of the document types that must contain it."""
    sources: tuple[Ident, ...]
    review_by: dt.date | None = None
    """When someone must check the element against its sources again (as for a rule)."""
    not_checked_by: tuple[NotChecked, ...] = ()
    """For an element one record shows (see site/matrix.py): each checker that cannot enforce it, and why.
    `metdocs check` fails on a record-level rule a checker neither enforces nor says why here."""
    unconfirmed: str = ""
    replaces: bool = False
    """True when this entry, in a course project, deliberately replaces the shipped entry with its id."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Threshold:
    """A number a rule turns on, e.g. 30 days or 8 minutes."""

    value: float
    unit: str
    where: Location = NOWHERE


@dataclass(frozen=True)
class Rule:
    """A documentation or billing rule, dated so it cannot go stale silently."""

    id: EntryId
    title: str
    statement: str
    """The rule in plain words."""
    applies_to: Literal["medexpro", "commercial", "medicare", "all"]
    sources: tuple[Ident, ...]
    effective: dt.date
    """When the rule took effect (or the date of the source read)."""
    review_by: dt.date
    """When someone must check it again."""
    threshold: Threshold | None = None
    review: str = ""
    """Why the audit cannot check this rule, so a person must review it (empty when `metdocs check`
    enforces it). Every rule is one or the other: a test fails on a rule that is neither."""
    not_checked_by: tuple[NotChecked, ...] = ()
    """For a rule one record shows (see site/matrix.py): each checker that cannot enforce it, and why.
    `metdocs check` fails on a record-level rule a checker neither enforces nor says why here."""
    unconfirmed: str = ""
    replaces: bool = False
    """True when this entry, in a course project, deliberately replaces the shipped entry with its id."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Cutoff:
    """An interpretation cut-off of an outcome measure."""

    label: str
    """What crossing it means, e.g. 'fall risk'."""
    text: str
    """The cut-off in words, e.g. '12 s or more'."""
    ages: AgeBand | None = None
    """The age band it applies to, e.g. '70-74' (norms tables); none = every age."""
    sex: Literal["female", "male"] | None = None
    """The sex it applies to; none = both."""
    value: float | None = None
    """The cut-off as a number, so a case page can say which side of it a result is."""
    risk_if: Literal["below", "at-or-below", "at-or-above", "above"] | None = None
    """Which side of `value` the label applies to, e.g. 'at-or-above' for a TUG of 12 s or more."""
    fall_risk: bool = False
    """True when a baseline past it marks a client at fall risk, whatever the diagnosis: the plan then
    needs balance work (rule fall-prevention-dose)."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Population:
    """A group a meaningful-change figure was measured in, e.g. people with early knee osteoarthritis."""

    id: EntryId
    name: str
    """In words, e.g. 'people with early knee osteoarthritis'."""
    replaces: bool = False
    """True when this entry, in a course project, deliberately replaces the shipped entry with its id."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class ChangeFigure:
    """A meaningful-change figure measured in one population."""

    kind: Literal["MCID", "MDC", "MIC", "SDC"]
    value: float
    population: Ident
    """The population id it was measured in."""
    sources: tuple[Ident, ...]
    note: str = ""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Measure:
    """An objective outcome measure used for baseline and reassessment."""

    id: EntryId
    name: str
    abbreviation: str
    unit: str
    better: Literal["higher", "lower"]
    """Which direction is improvement."""
    what_it_tests: str
    cutoffs: tuple[Cutoff, ...]
    change_kind: Literal["MCID", "MDC", "MIC", "SDC", "none"]
    """What kind of meaningful-change figure `meaningful_change` is."""
    sources: tuple[Ident, ...]
    meaningful_change: float | None = None
    """The default figure: a change must be larger than it to count as real. A case whose client
    matches none of `by_population` uses it as the documented fallback. None when no source
    confirmed one."""
    change_population: Ident | None = None
    """The population id the default figure was measured in (required with `meaningful_change`)."""
    by_population: tuple[ChangeFigure, ...] = ()
    """Figures measured in other populations; a case uses the one matching its client."""
    change_note: str = ""
    unconfirmed: str = ""
    review_by: dt.date | None = None
    """When someone must check its figures against their sources again (optional, as for an element)."""
    replaces: bool = False
    """True when this entry, in a course project, deliberately replaces the shipped entry with its id."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Reviewed:
    """A person's review of a dated entry against its sources."""

    by: str
    """Who reviewed it, with credentials, e.g. 'J. Educator, MS, CSCS'."""
    on: dt.date
    """The day of the review (not after today)."""
    note: str
    """What was checked, against which sources, and what was found."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Review:
    """A course's own review of a rule, element or measure: it renews the entry's review-by date for
    the course's site to a year after the review (see catalog/reviews.py)."""

    id: Ident
    """The id of the rule, documentation element or outcome measure reviewed, e.g. 'no-gp-modifier'."""
    reviewed: Reviewed
    where: Location = NOWHERE


@dataclass(frozen=True)
class CatalogFile:
    """One YAML file in data/catalog/: any of these lists, each optional."""

    sources: tuple[Source, ...] = ()
    cpt_codes: tuple[Cpt, ...] = ()
    categories: tuple[Category, ...] = ()
    diagnoses: tuple[Diagnosis, ...] = ()
    document_types: tuple[DocumentType, ...] = ()
    elements: tuple[Element, ...] = ()
    rules: tuple[Rule, ...] = ()
    measures: tuple[Measure, ...] = ()
    populations: tuple[Population, ...] = ()
    reviews: tuple[Review, ...] = ()
    where: Location = NOWHERE


@dataclass(frozen=True)
class Catalog:
    """Everything in data/catalog/, merged and cross-checked."""

    sources: tuple[Source, ...] = ()
    cpt_codes: tuple[Cpt, ...] = ()
    categories: tuple[Category, ...] = ()
    diagnoses: tuple[Diagnosis, ...] = ()
    document_types: tuple[DocumentType, ...] = ()
    elements: tuple[Element, ...] = ()
    rules: tuple[Rule, ...] = ()
    measures: tuple[Measure, ...] = ()
    populations: tuple[Population, ...] = ()
    reviews: tuple[Review, ...] = ()
    """Reviews a course recorded of rules, elements and measures (each renewed the entry's review_by)."""
    icd: dict = field(default_factory=dict, compare=False, hash=False)
    """Official ICD-10-CM facts (title, billable) for each diagnosis code, from the code set."""
    shipped: frozenset = field(default=frozenset(), compare=False, hash=False)
    """(list, id) of every entry a course project takes from the catalog metdocs ships (empty
    outside a course): messages about them name the fix the course can make, not the shipped file."""

    def cpt(self, code: str) -> Cpt | None:
        return next((c for c in self.cpt_codes if c.code == code), None)

    def source(self, id_: str) -> Source | None:
        return next((s for s in self.sources if s.id == id_), None)

    def rule(self, id_: str) -> Rule | None:
        return next((r for r in self.rules if r.id == id_), None)

    def measure(self, id_: str) -> Measure | None:
        return next((m for m in self.measures if m.id == id_), None)

    def population(self, id_: str) -> Population | None:
        return next((p for p in self.populations if p.id == id_), None)

    def review(self, id_: str) -> Review | None:
        """The course's review of the rule, element or measure `id_`, if it recorded one."""
        return next((r for r in self.reviews if r.id == id_), None)

    def precautions_for(self, codes) -> list[Category]:
        """The categories with precautions that the ICD-10-CM `codes` (a referral's) bring in, in catalog
        order: by code family where the category names families (`precaution_codes`), else by its listed
        diagnoses (rule condition-precautions)."""
        codes = set(codes)
        listed = {d.code: d.category for d in self.diagnoses}
        out = []
        for c in self.categories:
            if not c.precautions:
                continue
            if c.precaution_codes:
                hit = any(code.startswith(f) for code in codes for f in c.precaution_codes)
            else:
                hit = any(listed.get(code) == c.id for code in codes)
            if hit:
                out.append(c)
        return out

    def is_timed(self, code: str) -> bool:
        c = self.cpt(code)
        return bool(c and c.timed)
