"""FHIR R4 Questionnaire of a form: its items, answer options, units, canonical url and narrative.

fhir.resources has no pure R4 package; R4B's Questionnaire and
QuestionnaireResponse are the same resources as R4's, so R4B validates them. It
does not check code values, so item types are checked here against the R4 list
(`R4_ITEM_TYPES`).

linkId mapping (the same names as the HTML controls and PDF fields):

* section          -> item type `group`, linkId = section id;
* plain field      -> one item, linkId = field id;
* table field      -> item type `group` with `repeats: true`, linkId = field id;
  each column is a child item with linkId `<field>.<column>`; one answered
  group instance = one table row;
* field help       -> child item type `display`, linkId `<field>:help` (a colon
  never occurs in an id, so it cannot clash with a column).

So the set of *answerable* linkIds (types other than group and display) equals
the set of HTML/PDF names after removing the row index: `minutes.0.cpt` ->
`minutes.cpt`.

What an SDC renderer (LHC-Forms, tests/browser/test_lhc_forms.py) works out by
itself, with `sdc-questionnaire-calculatedExpression` (FHIRPath): total timed
minutes, the 8-minute-rule total (or the per-code total, as the form's unit rule
says), billed units, each measure's change against baseline (variables on the
repeating group hold the row's baseline and current values), and the next
reassessment date. A row's pointer to a referral diagnosis offers the codes
typed into the diagnoses table (`sdc-questionnaire-answerExpression`). The
FHIRPath is written in metdocs.forms.fhir.expressions; this module puts it on
the items. Choices are Codings (CPT, ICD-10-CM, our outcome-measure and answer
code systems); a number with a fixed unit carries `questionnaire-unit` (UCUM
where one exists).

Outcome-measure values (the number columns of a table with an `options_from:
measures` column: baseline, now, change) have a unit that follows the measure
chosen in the row, so they are `quantity` items offering every catalog measure
unit as `questionnaire-unitOption` (UCUM where one exists; a count or score is a
UCUM annotation, `{stands}`, `{score_0-56}`). The web form and `metdocs fill`
answer them with `valueQuantity`: the value plus the row measure's unit, system
and code. Records saved before (`valueDecimal`) still load. `questionnaire-unit`
is not used on them: it names one fixed unit, and LHC-Forms 40 refuses it on a
quantity item.

The change is computed on the numbers (`.value`). LHC-Forms 40 cannot give a
computed quantity the row's unit: FHIRPath quantity arithmetic comes back as a
string it cannot take, and a number gets the item's default unit. So the change
item offers `ROW_UNIT` ("unit of the row's measure") first, as that default, and
never a wrong unit; a record that already carries the change's unit (saved by
the web form) keeps it while LHC-Forms recomputes the value.

The answers to these items (the QuestionnaireResponse) are metdocs.forms.fhir.response.
"""

from __future__ import annotations

import json
import re
from html import escape

from metdocs.forms.definition import CPT_NOTICE, DISCLAIMER, Column, Form, FormField, choice_options
from metdocs.catalog.model import Catalog
from metdocs.forms.fhir.expressions import answers, calculation, constraints, quoted, value_expression

BASE_URL = "https://metdocs.example.org/fhir"
"""Canonical base; Questionnaire urls are `<BASE_URL>/Questionnaire/<form-id>`."""

STATUS = "active"
PUBLISHER = "metdocs"

R4_ITEM_TYPES = frozenset({
    "group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string",
    "text", "url", "choice", "open-choice", "attachment", "reference", "quantity",
})
"""Questionnaire.item.type codes allowed in FHIR R4 (and R4B)."""

ITEM_TYPE = {"text": "string", "long-text": "text", "date": "date", "time": "time", "number": "decimal",
             "integer": "integer", "choice": "choice", "checkbox": "boolean", "icd10": "open-choice",
             "signature": "string", "table": "group"}
"""Form field type -> R4 item type."""

CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
MEASURE_SYSTEM = f"{BASE_URL}/CodeSystem/outcome-measures"
ROW_UNIT = {"display": "unit of the row's measure"}
"""The first unit offered on a computed measure value (the change): see the module docstring."""
ELEMENT_SYSTEM = f"{BASE_URL}/CodeSystem/documentation-elements"
UCUM = "http://unitsofmeasure.org"
UCUM_CODES = {"minutes": "min", "min": "min", "beats/min": "/min", "mmHg": "mm[Hg]", "s": "s", "m": "m",
              "m/s": "m/s", "kg": "kg", "%": "%",
              # the catalog's outcome-measure units, by their words before any "(range)"
              "seconds": "s", "metres": "m", "metres per second": "m/s", "percent": "%",
              "points": "{score}", "stands in 30 seconds": "{stands}"}
"""Units written in form files and the measure catalog -> UCUM codes (`{...}` is a UCUM annotation:
a count or score with no physical unit). A unit not listed goes out as display text only."""

SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-"
CALCULATED = SDC + "calculatedExpression"
ANSWER_EXPRESSION = SDC + "answerExpression"
VARIABLE = "http://hl7.org/fhir/StructureDefinition/variable"
CONSTRAINT = "http://hl7.org/fhir/StructureDefinition/questionnaire-constraint"
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
UNIT_OPTION = "http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption"


def link_id(name: str) -> str:
    """linkId of an HTML/PDF control name: drop the row index of a table cell."""
    parts = name.split(".")
    return f"{parts[0]}.{parts[2]}" if len(parts) == 3 else name


def answer_system(form: Form, owner: FormField, item: FormField | Column) -> str:
    """The code system of a choice's answers."""
    source = item.options_from
    if source == "cpt-codes":
        return CPT_SYSTEM
    if source == "measures":
        return MEASURE_SYSTEM
    if source == "diagnoses":
        return ICD10CM_SYSTEM
    if source == "unit-rules":
        return f"{BASE_URL}/CodeSystem/unit-rules"
    column = f".{item.id}" if isinstance(item, Column) else ""
    return f"{BASE_URL}/CodeSystem/{form.id}.{owner.id}{column}"


def unit_coding(unit: str) -> dict:
    """A unit's Coding: UCUM when the words are known, else display only. A range in brackets goes
    into an annotation ("points (0-56)" -> `{score_0-56}`): renderers tell units apart by code, and
    a 0-56 score is not a 0-100 one."""
    words, _, scale = unit.partition(" (")
    code = UCUM_CODES.get(unit) or UCUM_CODES.get(words)
    if code and scale and code.startswith("{"):
        code = f"{code[:-1]}_{scale.rstrip(')').replace(' ', '')}}}"
    return {"system": UCUM, "code": code, "display": unit} if code else {"display": unit}


def measure_columns(f: FormField) -> frozenset[str]:
    """The columns of a table that hold an outcome measure's values: its number columns, when a
    column names the measure (`options_from: measures`). Their unit is the chosen measure's."""
    if f.type != "table" or not any(c.options_from == "measures" for c in f.columns):
        return frozenset()
    return frozenset(c.id for c in f.columns if c.type == "number")


def measure_column(f: FormField) -> str:
    """The id of the column that names a row's measure."""
    return next(c.id for c in f.columns if c.options_from == "measures")


def measure_units(catalog: Catalog) -> list[dict]:
    """The catalog's measure units as Codings, each once, in catalog order."""
    units = dict.fromkeys(m.unit for m in catalog.measures)
    return [unit_coding(u) for u in units]


def measure_quantity(catalog: Catalog, measure_id: str) -> dict:
    """The unit part of a measure value's valueQuantity: `unit`, and `system` + `code` when UCUM."""
    m = next((m for m in catalog.measures if m.id == measure_id), None)
    if m is None:
        return {}
    coding = unit_coding(m.unit)
    return {"unit": m.unit, **({"system": coding["system"], "code": coding["code"]} if "code" in coding else {})}


def _options(form: Form, owner: FormField, item: FormField | Column, catalog: Catalog) -> list[dict]:
    system = answer_system(form, owner, item)
    return [{"valueCoding": {"system": system, "code": code, "display": label}}
            for code, label in choice_options(item, catalog)]


def _icd_options(catalog: Catalog) -> list[dict]:
    """The catalog's diagnoses, offered first; any other ICD-10-CM code may be typed."""
    return [{"valueCoding": {"system": ICD10CM_SYSTEM, "code": d.code,
                             **({"display": catalog.icd[d.code].title} if d.code in catalog.icd else {})}}
            for d in catalog.diagnoses]


def _answerable(form: Form, owner: FormField, it: FormField | Column, link: str, catalog: Catalog,
                expression: str | None, quantity: bool = False) -> dict:
    """What a field and a table column share: type, answer options, unit, a calculation."""
    item = {"linkId": link, "text": it.caption, "type": ITEM_TYPE[it.type]}
    extensions = []
    if it.type == "choice" and it.options_from == "diagnoses":
        # The codes of this form's diagnoses table: the pointer names a referral diagnosis.
        item["type"] = "open-choice"
        extensions.append({"url": ANSWER_EXPRESSION,
                           "valueExpression": value_expression(answers(form, "diagnoses.icd10"))})
    elif it.type == "choice":
        item["answerOption"] = _options(form, owner, it, catalog)
    elif it.type == "icd10":
        item["answerOption"] = _icd_options(catalog)
    if quantity:
        # The unit follows the measure chosen in the row: offer every catalog unit (LHC-Forms
        # accepts questionnaire-unit only on decimal/integer items, unitOption only on quantity).
        item["type"] = "quantity"
        first = [ROW_UNIT] if expression else []
        extensions += [{"url": UNIT_OPTION, "valueCoding": c} for c in first + measure_units(catalog)]
    elif it.unit and it.type in ("number", "integer"):
        extensions.append({"url": UNIT, "valueCoding": unit_coding(it.unit)})
    if expression:
        item["readOnly"] = True
        extensions.append({"url": CALCULATED, "valueExpression": value_expression(expression)})
    if extensions:
        item["extension"] = extensions
    return item


def _cell(form: Form, f: FormField, col: Column, catalog: Catalog) -> dict:
    change = f.calculate == "change" and col.id == "change"
    child = _answerable(form, f, col, f"{f.id}.{col.id}", catalog,
                        "(%current - %baseline).round(3)" if change else None, col.id in measure_columns(f))
    if f.required and col.required:
        # Inside the repeating group: each row must fill it, and the first row exists from the start.
        child["required"] = True
    return child


def _item(form: Form, f: FormField, catalog: Catalog) -> dict:
    expression = calculation(form, f, catalog)
    if f.type == "table":
        item = {"linkId": f.id, "text": f.caption, "type": "group", "repeats": True}
    else:
        item = _answerable(form, f, f, f.id, catalog, expression)
    if f.required and f.type != "table" and not expression:
        item["required"] = True  # never on a repeating group: a renderer would call filled rows missing
    if f.covers:
        # Which catalog elements the answer documents, kept as codes so a receiver can check coverage too.
        item["code"] = [{"system": ELEMENT_SYSTEM, "code": e} for e in f.covers]
    children = [{"linkId": f"{f.id}:help", "type": "display", "text": f.help}] if f.help else []
    if f.type == "table":
        if f.calculate == "change":
            item["extension"] = [{"url": VARIABLE, "valueExpression": value_expression(
                f"%context.item.where(linkId={quoted(f.id + '.' + c)}).answer.value.value", c)}
                for c in ("baseline", "current")]
        children += [_cell(form, f, col, catalog) for col in f.columns]
    if children:
        item["item"] = children
    return item


def _name(form_id: str) -> str:
    # Questionnaire.name must be a computer-friendly name: 'session-log' -> 'SessionLog'.
    return "".join(p.capitalize() for p in re.split(r"[^a-z0-9]+", form_id) if p)


def canonical(form: Form) -> str:
    """`url|version`: what a QuestionnaireResponse.questionnaire points at."""
    return f"{BASE_URL}/Questionnaire/{form.id}|{form.version}"


def _narrative(form: Form) -> dict:
    paragraphs = [f"<b>{escape(form.title)}</b> (version {escape(form.version)})", escape(form.description)]
    if form.notice:
        paragraphs.append(escape(form.notice))
    paragraphs.append(escape(DISCLAIMER))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def questionnaire(form: Form, catalog: Catalog) -> dict:
    """The FHIR R4 Questionnaire of `form` as a JSON-ready dict.

    Raises:
        ValueError: If an item type is not an R4 type (a bug in `ITEM_TYPE`, not user data).
    """
    items = []
    for s in form.sections:
        group = {"linkId": s.id, "text": s.title, "type": "group", "item": [_item(form, f, catalog) for f in s.fields]}
        if s.help:
            group["item"].insert(0, {"linkId": f"{s.id}:help", "type": "display", "text": s.help})
        items.append(group)
    q = {
        "resourceType": "Questionnaire",
        "id": form.id,
        "text": _narrative(form),
        "url": f"{BASE_URL}/Questionnaire/{form.id}",
        "version": form.version,
        "name": _name(form.id),
        "title": form.title,
        "status": STATUS,
        "experimental": False,
        "subjectType": ["Patient"],
        "publisher": PUBLISHER,
        "jurisdiction": [{"coding": [{"system": "urn:iso:std:iso:3166", "code": "US",
                                      "display": "United States of America"}]}],
        "description": form.description + (f"\n\n{form.notice}" if form.notice else ""),
        "copyright": f"{CPT_NOTICE} ICD-10-CM codes and titles are public (CDC/NCHS). {DISCLAIMER}",
        "item": items,
    }
    if form.date:
        q["date"] = form.date.isoformat()
    rules = constraints(form, catalog)
    if rules:  # the record-level rules FHIRPath can say, each under its catalog rule id
        q["extension"] = [{"url": CONSTRAINT, "extension": [
            {"url": "key", "valueId": c["key"]}, {"url": "severity", "valueCode": c["severity"]},
            {"url": "human", "valueString": c["human"]},
            {"url": "expression", "valueString": c["expression"]}]} for c in rules]
    bad = sorted({t for t in _types(items) if t not in R4_ITEM_TYPES})
    if bad:
        raise ValueError(f"expected FHIR R4 item types, found {', '.join(bad)}")
    return q


def _types(items):
    for it in items:
        yield it["type"]
        yield from _types(it.get("item", []))


def questionnaire_json(form: Form, catalog: Catalog) -> bytes:
    """The Questionnaire as UTF-8 JSON: sorted keys, 2-space indent, trailing newline (stable bytes)."""
    return (json.dumps(questionnaire(form, catalog), sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
