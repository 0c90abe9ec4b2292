"""Form definitions: templates/forms/<form-id>.yaml, shape-checked and coverage-checked.

The frozen dataclasses below are the schema of a form file (see `schema.py`),
exactly as `model.py` is for the catalog. One definition drives three
renderings (HTML page, fillable PDF, FHIR Questionnaire), so the names used by
all three come from here:

* a plain field's name is its `id`;
* a table cell's name is `<field>.<row>.<column>` (row counted from 0).

A choice's stored value is a code: the catalog's code for catalog lists (a CPT
code, a measure id, a unit rule), else `option_code(label)` ('Goals met' ->
'goals-met'), so the HTML value, the PDF export value and the FHIR Coding agree.

`load_forms` also checks what the schema cannot: that each form covers every
catalog element its document type requires, that ids are unique, and that the
calculations and cross-field checks name fields that exist and fit. It collects
every problem and never raises for bad data.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from metdocs.errors import Location, Problem
from metdocs.catalog.load import Document, load_dir
from metdocs.catalog.model import Catalog
from metdocs.catalog.schema import EntryId, Ident, Pattern, parse

NOWHERE = Location("<nowhere>")

# Dots are reserved for table cells (`minutes.0.cpt`), so ids never contain one.
FieldId = Annotated[str, Pattern(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*",
                                 "a lower-case id such as 'session_date' or 'session-date'")]
Version = Annotated[str, Pattern(r"[0-9]+\.[0-9]+\.[0-9]+", "a version such as '1.0.0'")]
CellType = Literal["text", "long-text", "date", "time", "number", "integer", "choice", "checkbox", "icd10"]
FieldType = Literal["text", "long-text", "date", "time", "number", "integer", "choice", "checkbox", "icd10",
                    "signature", "table"]
NUMERIC = ("number", "integer")
MAX_ROWS = 30
"""More blank rows than this would not fit a printed page and is surely a typo."""

CLIENT_FIELD = "client_name"
"""Every form names its client in this field; the PDF repeats it on every page."""

UNIT_RULES = (("cms", "CMS 8-minute rule: the minutes of all timed codes are pooled"),
              ("ama", "Per-code (midpoint) rule: each code is counted on its own minutes"))
"""`options_from: unit-rules`: the codes are the rule names of units.py / units.js."""

DISCLAIMER = "Educational material, not billing or legal advice; payer policies vary."
CPT_YEAR = 2026
CPT_NOTICE = (f"CPT\u00ae is a registered trademark of the American Medical Association (AMA). CPT {CPT_YEAR} codes "
              f"and descriptors are copyright {CPT_YEAR - 1} AMA, all rights reserved; this form lists code numbers "
              "only and describes codes in its own words.")
"""Printed on every PDF page, in the FHIR copyright and on every web form: CPT is the AMA's
(the CPT 2026 code set is published, and copyrighted, in 2025)."""

TABLE_CALCULATIONS = {"units": ("cpt", "minutes"), "change": ("measure", "baseline", "current", "change")}
"""A table calculation and the column ids it needs."""


def option_code(label: str) -> str:
    """The stored code of a written option: 'Plateau reached' -> 'plateau-reached'."""
    return "-".join(re.findall(r"[a-z0-9]+", label.lower()))


class _Captioned:
    """What a column and a field share: the label as every rendering shows it."""

    label: str
    unit: str

    @property
    def caption(self) -> str:
        """The label, with the unit in brackets when there is one: 'Minutes (min)'."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


@dataclass(frozen=True)
class Column(_Captioned):
    """One column of a table field; each row holds one control per column."""

    id: FieldId
    label: str
    type: CellType = "text"
    unit: str = ""
    options: tuple[str, ...] = ()
    """Choices for a `choice` column, written in the file."""
    options_from: Literal["", "cpt-codes", "measures", "diagnoses"] = ""
    """Take the choices from the catalog (the in-scope CPT codes, the outcome measures), or
    from the codes typed into this form's `diagnoses` table (a pointer to a referral diagnosis)."""
    required: bool = False
    """A row that holds anything must fill this cell (FHIR: the item inside the row is required)."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class FormField(_Captioned):
    """One question of a form."""

    id: FieldId
    """Stable name of the control in HTML, PDF and FHIR; never change it once published."""
    label: str
    type: FieldType
    required: bool = False
    """A table: at least one row must be filled in (its `required` columns say what a row needs)."""
    help: str = ""
    unit: str = ""
    """Unit shown after a `number` or `integer` field, e.g. 'minutes'."""
    options: tuple[str, ...] = ()
    """Choices of a `choice` field."""
    options_from: Literal["", "unit-rules"] = ""
    """Take the choices from a fixed list the engine understands (the payer's unit rule)."""
    covers: tuple[Ident, ...] = ()
    """Catalog element ids this field documents."""
    columns: tuple[Column, ...] = ()
    """Columns of a `table` field."""
    rows: int = 3
    """Blank rows a `table` field starts with (the PDF prints exactly this many)."""
    calculate: Literal["none", "units", "change", "due-30-days", "timed-minutes", "units-billed",
                       "units-allowed"] = "none"
    """What the page works out (shown read-only; FHIR carries it as an SDC calculatedExpression):
    `units` (a minutes table: units explained under the payer's rule), `change` (a measures
    table: its `change` column = current - baseline), `due-30-days` (a date 30 days after the
    date field in `based_on`), and for an integer field from the minutes table in `based_on`:
    `timed-minutes` (minutes of timed codes), `units-billed` (the units column added up) and
    `units-allowed` (what the unit rule chosen on the form allows)."""
    based_on: str = ""
    at_least: str = ""
    """A number field this one may not be below (total session minutes >= total timed minutes)."""
    not_before: str = ""
    """A date or time field this one may not be earlier than (stop time, end of a period)."""
    within: tuple[FieldId, ...] = ()
    """A start and a stop time field; this number of minutes may not exceed the time between them."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Section:
    """A titled group of fields."""

    id: FieldId
    title: str
    fields: tuple[FormField, ...]
    help: str = ""
    where: Location = NOWHERE


@dataclass(frozen=True)
class Form:
    """One printable, fillable form for one document type."""

    id: EntryId
    title: str
    document_type: Ident
    description: str
    version: Version
    sections: tuple[Section, ...]
    date_of_service: FieldId
    """The date field printed with the client's name at the top of every PDF page."""
    date: dt.date | None = None
    """When this version was published (FHIR Questionnaire.date)."""
    notice: str = ""
    """Shown prominently above the fields, e.g. the scope-of-practice statement."""
    replaces: bool = False
    """True when this form, in a course project, deliberately replaces the shipped form with its id."""
    where: Location = NOWHERE

    def fields(self) -> list[FormField]:
        """All fields in page order."""
        return [f for s in self.sections for f in s.fields]

    def field(self, field_id: str) -> FormField | None:
        return next((f for f in self.fields() if f.id == field_id), None)

    def names(self) -> list[str]:
        """Every control name in page order: field ids, and `<field>.<row>.<column>` for table cells."""
        out = []
        for f in self.fields():
            if f.type == "table":
                out += [f"{f.id}.{r}.{c.id}" for r in range(f.rows) for c in f.columns]
            else:
                out.append(f.id)
        return out


def choice_options(item: FormField | Column, catalog: Catalog) -> list[tuple[str, str]]:
    """(code, label) pairs of a choice field or column; empty for `options_from: diagnoses`
    (the form's own diagnoses table fills those in)."""
    source = item.options_from
    if source == "cpt-codes":
        return [(c.code, f"{c.code} {c.name}") for c in catalog.cpt_codes if c.in_scope]
    if source == "measures":
        return [(m.id, f"{m.name} ({m.unit})") for m in catalog.measures]
    if source == "unit-rules":
        return list(UNIT_RULES)
    return [(option_code(o), o) for o in item.options]


def load_forms(forms_dir: Path, catalog: Catalog) -> tuple[list[Form], list[Problem]]:
    """Read every form file in `forms_dir` and check it against the catalog.

    Returns:
        The forms that parsed (sorted by id) and every problem found. A form with
        problems is still returned when its shape is sound, so callers decide
        whether errors stop the build (`any(p.is_error for p in problems)`).
    """
    if not forms_dir.is_dir():
        return [], [Problem(Location.of(forms_dir), "expected a folder of form YAML files, found no such folder")]
    docs, problems = load_dir(forms_dir)
    forms: list[Form] = []
    type_where: dict[str, Location] = {}
    for doc in docs:
        form, probs = parse(Form, doc)
        problems += probs
        if form is None:
            continue
        here = _key_location(doc, "document_type") or form.where
        type_where[form.id] = here
        problems += _check_form(form, doc, catalog, here)
        forms.append(form)
    problems += _check_across(forms, type_where, catalog)
    return sorted(forms, key=lambda f: f.id), problems


def _key_location(doc: Document, key: str) -> Location | None:
    node = doc.root
    return doc.at(*node.lc.value(key)) if hasattr(node, "lc") and key in node else None


def _check_form(form: Form, doc: Document, catalog: Catalog, type_here: Location) -> list[Problem]:
    problems: list[Problem] = []
    if doc.path.stem != form.id:
        # The file name is the page and download name; a mismatch would publish two names for one form.
        problems.append(Problem(_key_location(doc, "id") or form.where,
                                f"expected the form id to match the file name '{doc.path.stem}', found '{form.id}'"))
    types = {t.id: t for t in catalog.document_types}
    elements = {e.id: e for e in catalog.elements}
    if form.document_type not in types:
        known = ", ".join(sorted(types)) or "none in the catalog"
        problems.append(Problem(type_here, f"expected a document type from the catalog ({known}), "
                                           f"found '{form.document_type}'"))
    seen: dict[str, Location] = {}
    for si, section in enumerate(form.sections):
        for ident, where in [(section.id, section.where), *((f.id, f.where) for f in section.fields)]:
            if ident in seen:
                problems.append(Problem(where, f"expected each section and field id once per form, found '{ident}' "
                                               f"again (first at line {seen[ident].line})"))
            else:
                seen[ident] = where
        for fi, f in enumerate(section.fields):
            problems += _check_field(f, form, catalog)
            if f.type == "signature":
                problems += _check_signature(f, section, fi)
            for ci, element in enumerate(f.covers):
                if element not in elements:
                    node = doc.root["sections"][si]["fields"][fi]["covers"]
                    problems.append(Problem(doc.at(*node.lc.item(ci)),
                                            f"expected an element id from the catalog in covers, found '{element}'"))
    problems += _check_page_header(form, doc)
    covered = {e for f in form.fields() for e in f.covers}
    doc_type = types.get(form.document_type)
    for e in catalog.elements:
        if doc_type and form.document_type in e.required_in and e.id not in covered:
            problems.append(Problem(type_here, f"expected the form to cover element '{e.id}' ({e.name}), required in "
                                               f"{doc_type.name}; found no field with it in covers"))
    return problems


def _check_page_header(form: Form, doc: Document) -> list[Problem]:
    """The client's name and the date of service head every PDF page, so both must exist and be required."""
    out = []
    client = form.field(CLIENT_FIELD)
    if client is None or client.type != "text" or not client.required:
        out.append(Problem(form.where, f"expected a required text field '{CLIENT_FIELD}' (the PDF prints it on "
                                       f"every page), found {_described(client)}"))
    service = form.field(form.date_of_service)
    if service is None or service.type != "date" or not service.required:
        out.append(Problem(_key_location(doc, "date_of_service") or form.where,
                           f"expected date_of_service to name a required date field, found '{form.date_of_service}' "
                           f"({_described(service)})"))
    return out


def _described(f: FormField | None) -> str:
    if f is None:
        return "no such field"
    return f"a{' required' if f.required else 'n optional'} {f.type} field"


def _check_signature(f: FormField, section: Section, index: int) -> list[Problem]:
    """A signature is worth little undated: the next field must be its date, `<id>_date`."""
    after = section.fields[index + 1] if index + 1 < len(section.fields) else None
    if after is not None and after.id == f"{f.id}_date" and after.type == "date" and after.required == f.required:
        return []
    found = f"'{after.id}' ({after.type})" if after else "nothing"
    return [Problem(f.where, f"field '{f.id}': expected the signature to be followed by its date field "
                             f"'{f.id}_date' (type date, required as the signature is), found {found}")]


def _check_field(f: FormField, form: Form, catalog: Catalog) -> list[Problem]:
    out = []

    def bad(msg):
        out.append(Problem(f.where, f"field '{f.id}': {msg}"))
    if f.type == "choice":
        if f.options_from and f.options:
            bad("expected options or options_from, found both")
        elif not f.options_from and len(f.options) < 2:
            bad(f"expected at least two options for a choice field, found {len(f.options)}")
        out += _check_codes(f, f.where, f"field '{f.id}'")
    elif f.options or f.options_from:
        bad(f"expected options only on a choice field, found them on a {f.type} field")
    if f.type == "table":
        if not f.columns:
            bad("expected columns for a table field, found none")
        if not 1 <= f.rows <= MAX_ROWS:
            bad(f"expected rows between 1 and {MAX_ROWS}, found {f.rows}")
        ids = [c.id for c in f.columns]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            bad(f"expected each column id once, found '{dup}' {ids.count(dup)} times")
        if f.required and f.columns and not any(c.required for c in f.columns):
            bad("expected a required table to mark the columns a filled row needs (required: true), found none")
        for c in f.columns:
            out += _check_column(c, form, catalog)
    elif f.columns:
        bad(f"expected columns only on a table field, found them on a {f.type} field")
    _check_calculation(f, form, bad)
    _check_relations(f, form, bad)
    return out


def _check_column(c: Column, form: Form, catalog: Catalog) -> list[Problem]:
    out = []
    where = f"column '{c.id}'"
    if c.type == "choice":
        if not (c.options or c.options_from):
            out.append(Problem(c.where, f"{where}: expected options or options_from for a choice column, found neither"))
        elif c.options_from in ("cpt-codes", "measures") and not choice_options(c, catalog):
            out.append(Problem(c.where, f"{where}: expected the catalog to list {c.options_from}, found none"))
        out += _check_codes(c, c.where, where)
    elif c.options or c.options_from:
        out.append(Problem(c.where, f"{where}: expected options only on a choice column, found them on a {c.type} column"))
    if c.options_from == "diagnoses":
        table = form.field("diagnoses")
        if table is None or table.type != "table" or not any(k.type == "icd10" for k in table.columns):
            out.append(Problem(c.where, f"{where}: expected a 'diagnoses' table with an icd10 column to take the "
                                        "choices from, found none"))
    return out


def _check_codes(item, where: Location, what: str) -> list[Problem]:
    codes = [option_code(o) for o in item.options]
    dups = sorted({c for c in codes if codes.count(c) > 1 or not c})
    return [Problem(where, f"{what}: expected options that differ in letters or digits (their stored codes), "
                           f"found {', '.join(repr(d) for d in dups)} more than once or empty")] if dups else []


def _check_calculation(f: FormField, form: Form, bad) -> None:
    need = TABLE_CALCULATIONS.get(f.calculate)
    if need and (f.type != "table" or not set(need) <= {c.id for c in f.columns}):
        bad(f"expected a table with columns {', '.join(sorted(need))} for calculate '{f.calculate}', found "
            f"{'columns ' + ', '.join(c.id for c in f.columns) if f.type == 'table' else 'a ' + f.type + ' field'}")
    base = form.field(f.based_on) if f.based_on else None
    if f.calculate == "due-30-days":
        if f.type != "date" or base is None or base.type != "date":
            bad(f"expected a date field whose based_on names a date field for calculate 'due-30-days', "
                f"found based_on '{f.based_on}'")
    elif f.calculate in ("timed-minutes", "units-billed", "units-allowed"):
        columns = ("cpt", "minutes", "units") if f.calculate == "units-billed" else ("cpt", "minutes")
        if f.type != "integer" or base is None or base.calculate != "units" or not (
                set(columns) <= {c.id for c in base.columns}):
            bad(f"expected an integer field whose based_on names a 'units' table with columns {', '.join(columns)} "
                f"for calculate '{f.calculate}', found based_on '{f.based_on}'")
        if f.calculate == "units-allowed" and not any(g.options_from == "unit-rules" for g in form.fields()):
            bad("expected a choice field with options_from: unit-rules on the form for calculate 'units-allowed', "
                "found none")
    elif f.based_on:
        bad("expected based_on only with a calculate that reads another field")


def _check_relations(f: FormField, form: Form, bad) -> None:
    if f.at_least:
        other = form.field(f.at_least)
        if f.type not in NUMERIC or other is None or other.type not in NUMERIC:
            bad(f"expected at_least on a number field to name a number field, found '{f.at_least}'")
    if f.not_before:
        other = form.field(f.not_before)
        if f.type not in ("date", "time") or other is None or other.type != f.type:
            bad(f"expected not_before on a date or time field to name a field of the same type, found '{f.not_before}'")
    if f.within:
        others = [form.field(i) for i in f.within]
        if f.type not in NUMERIC or len(others) != 2 or any(o is None or o.type != "time" for o in others):
            bad(f"expected within on a number field to name a start and a stop time field, found "
                f"{', '.join(f.within)}")


def _check_across(forms: list[Form], type_where: dict[str, Location], catalog: Catalog) -> list[Problem]:
    problems, by_type, by_id = [], {}, {}
    for form in sorted(forms, key=lambda f: (f.where.path, f.id)):
        if form.id in by_id:
            problems.append(Problem(form.where, f"expected each form id once, found '{form.id}' also in "
                                                f"{by_id[form.id].where.path}"))
        by_id.setdefault(form.id, form)
        if form.document_type in by_type:
            problems.append(Problem(type_where[form.id], f"expected one form per document type, found "
                                                         f"'{form.document_type}' also in form '{by_type[form.document_type].id}' "
                                                         f"({by_type[form.document_type].where.path})"))
        by_type.setdefault(form.document_type, form)
    return problems
