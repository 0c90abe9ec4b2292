"""FHIR R4 Questionnaire of a form (validated with fhir.resources' R4B models).

fhir.resources has no pure R4 package; R4B's Questionnaire is the same resource
as R4's, so R4B is used to validate. It does not check code values, so item
types are checked here against the R4 list (`R4_ITEM_TYPES`).

linkId mapping (the same names as the HTML controls and PDF fields):

* section          → item type `group`, linkId = section id;
* plain field      → one item, linkId = field id;
* table field      → item type `group` with `repeats: true`, linkId = field id;
  each column is a child item with linkId `<field>.<column>`; one answered
  group instance = one table row;
* field help       → child item type `display`, linkId `<field>:help` (a colon
  never occurs in an id, so it cannot clash with a column).

So the set of *answerable* linkIds (types other than group and display)
equals the set of HTML/PDF names after removing the row index:
`minutes.0.cpt` → `minutes.cpt`; a plain field keeps its name.
"""

from __future__ import annotations

import json
import re

from .forms import Column, Form, FormField, column_options
from .model import Catalog

BASE_URL = "https://metdocs.example.org/fhir"
"""Canonical base; Questionnaire urls are `<BASE_URL>/Questionnaire/<form-id>`."""

STATUS = "draft"
"""Forms are teaching material, not a published clinical instrument yet."""

R4_ITEM_TYPES = frozenset({
    "group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string",
    "text", "url", "choice", "open-choice", "attachment", "reference", "quantity",
})
"""Questionnaire.item.type codes allowed in FHIR R4 (and R4B)."""

ITEM_TYPE = {"text": "string", "long-text": "text", "date": "date", "number": "decimal",
             "choice": "choice", "checkbox": "boolean", "table": "group"}
"""Form field type → R4 item type."""

CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
MEASURE_SYSTEM = f"{BASE_URL}/CodeSystem/outcome-measures"


def link_id(name: str) -> str:
    """linkId of an HTML/PDF control name: drop the row index of a table cell."""
    parts = name.split(".")
    return f"{parts[0]}.{parts[2]}" if len(parts) == 3 else name


def _options(col: Column, catalog: Catalog) -> list[dict]:
    if col.options_from:
        system = CPT_SYSTEM if col.options_from == "cpt-codes" else MEASURE_SYSTEM
        return [{"valueCoding": {"system": system, "code": v, "display": t}} for v, t in column_options(col, catalog)]
    return [{"valueString": o} for o in col.options]


def _help(f: FormField) -> list[dict]:
    return [{"linkId": f"{f.id}:help", "type": "display", "text": f.help}] if f.help else []


def _item(f: FormField, catalog: Catalog) -> dict:
    item = {"linkId": f.id, "text": f.caption, "type": ITEM_TYPE[f.type], "required": f.required}
    if f.covers:
        # Which catalog elements the answer documents, kept as codes so a receiver can check coverage too.
        item["code"] = [{"system": f"{BASE_URL}/CodeSystem/documentation-elements", "code": e} for e in f.covers]
    if f.type == "choice":
        item["answerOption"] = [{"valueString": o} for o in f.options]
    children = _help(f)
    if f.type == "table":
        item["repeats"] = True
        for col in f.columns:
            child = {"linkId": f"{f.id}.{col.id}", "text": col.caption,
                     "type": ITEM_TYPE[col.type], "required": False}
            if col.type == "choice":
                child["answerOption"] = _options(col, catalog)
            children.append(child)
    if children:
        item["item"] = children
    return item


def _name(form_id: str) -> str:
    # Questionnaire.name must be a computer-friendly name: 'session-log' -> 'SessionLog'.
    return "".join(p.capitalize() for p in re.split(r"[^a-z0-9]+", form_id) if p)


def questionnaire(form: Form, catalog: Catalog) -> dict:
    """The FHIR R4 Questionnaire of `form` as a JSON-ready dict.

    Raises:
        ValueError: If an item type is not an R4 type (a bug in `ITEM_TYPE`, not user data).
    """
    items = []
    for s in form.sections:
        group = {"linkId": s.id, "text": s.title, "type": "group", "item": [_item(f, catalog) for f in s.fields]}
        if s.help:
            group["item"].insert(0, {"linkId": f"{s.id}:help", "type": "display", "text": s.help})
        items.append(group)
    q = {
        "resourceType": "Questionnaire",
        "id": form.id,
        "url": f"{BASE_URL}/Questionnaire/{form.id}",
        "version": form.version,
        "name": _name(form.id),
        "title": form.title,
        "status": STATUS,
        "subjectType": ["Patient"],
        "publisher": "metdocs",
        "description": form.description + (f"\n\n{form.notice}" if form.notice else ""),
        "item": items,
    }
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
