"""Form definitions: templates/forms/<form-id>.yaml, shape-checked and coverage-checked.

The frozen dataclasses below are the schema of a form file (see `schema.py`),
exactly as `model.py` is for the catalog. One definition drives three
renderings (HTML page, fillable PDF, FHIR Questionnaire), so the names used by
all three come from here:

* a plain field's name is its `id`;
* a table cell's name is `<field>.<row>.<column>` (row counted from 0).

`load_forms` also checks what the schema cannot: that each form covers every
catalog element its document type requires, and that ids are unique. It
collects every problem and never raises for bad data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from .errors import Location, Problem
from .load import Document, load_dir
from .model import Catalog
from .schema import Ident, Pattern, parse

NOWHERE = Location("<nowhere>")

# Dots are reserved for table cells (`minutes.0.cpt`), so ids never contain one.
FieldId = Annotated[str, Pattern(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*",
                                 "a lower-case id such as 'session_date' or 'session-date'")]
Version = Annotated[str, Pattern(r"\d+\.\d+\.\d+", "a version such as '1.0.0'")]
CellType = Literal["text", "long-text", "date", "number", "choice", "checkbox"]
FieldType = Literal["text", "long-text", "date", "number", "choice", "checkbox", "table"]
MAX_ROWS = 30
"""More blank rows than this would not fit a printed page and is surely a typo."""


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
    options_from: Literal["", "cpt-codes", "measures"] = ""
    """Take the choices from the catalog: the in-scope CPT codes or the outcome measures."""
    where: Location = NOWHERE


@dataclass(frozen=True)
class FormField(_Captioned):
    """One question of a form."""

    id: FieldId
    """Stable name of the control in HTML, PDF and FHIR; never change it once published."""
    label: str
    type: FieldType
    required: bool = False
    help: str = ""
    unit: str = ""
    """Unit shown after a `number` field, e.g. 'minutes'."""
    options: tuple[str, ...] = ()
    """Choices of a `choice` field."""
    covers: tuple[Ident, ...] = ()
    """Catalog element ids this field documents."""
    columns: tuple[Column, ...] = ()
    """Columns of a `table` field."""
    rows: int = 3
    """Blank rows a `table` field starts with (the PDF prints exactly this many)."""
    calculate: Literal["none", "units", "change", "due-30-days"] = "none"
    """Browser help: billable units of a minutes table, change of a measures table,
    or a due date 30 days after the date field named in `based_on`."""
    based_on: str = ""
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

    id: Ident
    title: str
    document_type: Ident
    description: str
    version: Version
    sections: tuple[Section, ...]
    notice: str = ""
    """Shown prominently above the fields, e.g. the scope-of-practice statement."""
    where: Location = NOWHERE

    def fields(self) -> list[FormField]:
        """All fields in page order."""
        return [f for s in self.sections for f in s.fields]

    def names(self) -> list[str]:
        """Every control name in page order: field ids, and `<field>.<row>.<column>` for table cells."""
        out = []
        for f in self.fields():
            if f.type == "table":
                out += [f"{f.id}.{r}.{c.id}" for r in range(f.rows) for c in f.columns]
            else:
                out.append(f.id)
        return out


def column_options(column: Column, catalog: Catalog) -> list[tuple[str, str]]:
    """(value, label) pairs of a choice column, resolved from the catalog when asked."""
    if column.options_from == "cpt-codes":
        return [(c.code, f"{c.code} {c.name}") for c in catalog.cpt_codes if c.in_scope]
    if column.options_from == "measures":
        return [(m.id, f"{m.name} ({m.unit})") for m in catalog.measures]
    return [(o, o) for o in column.options]


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
            for ci, element in enumerate(f.covers):
                if element not in elements:
                    node = doc.root["sections"][si]["fields"][fi]["covers"]
                    problems.append(Problem(doc.at(*node.lc.item(ci)),
                                            f"expected an element id from the catalog in covers, found '{element}'"))
    covered = {e for f in form.fields() for e in f.covers}
    doc_type = types.get(form.document_type)
    for e in catalog.elements:
        if doc_type and form.document_type in e.required_in and e.id not in covered:
            problems.append(Problem(type_here, f"expected the form to cover element '{e.id}' ({e.name}), required in "
                                               f"{doc_type.name}; found no field with it in covers"))
    return problems


def _check_field(f: FormField, form: Form, catalog: Catalog) -> list[Problem]:
    out = []
    def bad(msg):
        out.append(Problem(f.where, f"field '{f.id}': {msg}"))
    if f.type == "choice" and len(f.options) < 2:
        bad(f"expected at least two options for a choice field, found {len(f.options)}")
    if f.type != "choice" and f.options:
        bad(f"expected options only on a choice field, found them on a {f.type} field")
    if f.type == "table":
        if not f.columns:
            bad("expected columns for a table field, found none")
        if not 1 <= f.rows <= MAX_ROWS:
            bad(f"expected rows between 1 and {MAX_ROWS}, found {f.rows}")
        ids = [c.id for c in f.columns]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            bad(f"expected each column id once, found '{dup}' {ids.count(dup)} times")
        for c in f.columns:
            if c.type == "choice" and not (c.options or c.options_from):
                out.append(Problem(c.where, f"column '{c.id}': expected options or options_from for a choice column, found neither"))
            if c.options_from and not column_options(c, catalog):
                out.append(Problem(c.where, f"column '{c.id}': expected the catalog to list {c.options_from}, found none"))
    elif f.columns:
        bad(f"expected columns only on a table field, found them on a {f.type} field")
    need = {"units": {"cpt", "minutes"}, "change": {"measure", "baseline", "current"}}.get(f.calculate)
    if need and (f.type != "table" or not need <= {c.id for c in f.columns}):
        bad(f"expected a table with columns {', '.join(sorted(need))} for calculate '{f.calculate}', found "
            f"{'columns ' + ', '.join(c.id for c in f.columns) if f.type == 'table' else 'a ' + f.type + ' field'}")
    if f.calculate == "due-30-days":
        base = next((g for g in form.fields() if g.id == f.based_on), None)
        if f.type != "date" or base is None or base.type != "date":
            bad(f"expected a date field whose based_on names a date field for calculate 'due-30-days', "
                f"found based_on '{f.based_on}'")
    elif f.based_on:
        bad("expected based_on only with calculate 'due-30-days'")
    return out


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
