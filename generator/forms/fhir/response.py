"""The QuestionnaireResponse of filled-in values, and the answer map the web form builds one from.

forms.js builds the same resource in the browser from `answer_map` (embedded in the page); this
Python twin lets tests and documentation build one from values and compare (`metdocs fill` writes
it too). Its items follow the Questionnaire's linkIds (metdocs.forms.fhir.questionnaire): one group
per section, one group instance per filled table row, empty answers left out.
"""

from __future__ import annotations

import math
import re

from metdocs.forms.definition import Form, choice_options
from metdocs.catalog.model import Catalog
from metdocs.forms.fhir.questionnaire import (ICD10CM_SYSTEM, ITEM_TYPE, answer_system, canonical, measure_column,
                                              measure_columns, measure_quantity)

ANSWER_KEY = {"string": "valueString", "text": "valueString", "date": "valueDate", "time": "valueTime",
              "decimal": "valueDecimal", "integer": "valueInteger", "boolean": "valueBoolean",
              "choice": "valueCoding", "open-choice": "valueCoding", "quantity": "valueQuantity"}
"""R4 item type -> the QuestionnaireResponse answer's value[x]."""


def answer_map(form: Form, catalog: Catalog) -> dict:
    """Per linkId, what an answer needs: its value[x] key and, for codes, the system and displays."""
    out = {}
    for f in form.fields():
        parts = [(f, f)] if f.type != "table" else [(f, c) for c in f.columns]
        for owner, item in parts:
            link = f.id if item is f else f"{f.id}.{item.id}"
            quantity = item is not f and item.id in measure_columns(f)
            entry = {"value": ANSWER_KEY["quantity" if quantity else ITEM_TYPE[item.type]]}
            if quantity:
                entry["unit_from"] = measure_column(f)  # the row's measure names the unit
            if item.type == "choice":
                entry["system"] = answer_system(form, owner, item)
                entry["display"] = dict(choice_options(item, catalog))
            if item.type == "icd10" or item.options_from == "diagnoses":
                entry["system"] = ICD10CM_SYSTEM
                entry["display"] = {d.code: catalog.icd[d.code].title for d in catalog.diagnoses if d.code in catalog.icd}
            out[link] = entry
    return out


_WHOLE = re.compile(r"-?[0-9]{1,15}")
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
"""A decimal number as JavaScript's Number() reads one (Python's float() also takes '1_000' and 'nan')."""


def _number(raw) -> int | float | None:
    """The number a control's text reads as, or None when it reads as none (forms.js: `isFinite(v)`
    then `+v`): a value typed or saved that is not a number is kept as text, as the web form keeps it."""
    if isinstance(raw, bool):
        return None
    text = str(raw).strip()
    if _WHOLE.fullmatch(text):
        return int(text)
    if not _DECIMAL.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _answer(entry: dict, raw, unit: dict | None = None) -> dict | None:
    """One answer from a control's value; `unit` is the row measure's (`measure_quantity`) for a quantity."""
    key = entry["value"]
    if isinstance(raw, str):
        raw = raw.strip()  # as the web form does: surrounding blanks are never part of an answer
    if raw in (None, "", False) and key != "valueBoolean":
        return None
    if key == "valueBoolean":
        return {key: bool(raw)} if raw is True else None
    if key == "valueCoding":
        code = str(raw).strip().upper() if entry["system"] == ICD10CM_SYSTEM else str(raw)
        coding = {"system": entry["system"], "code": code}
        if entry.get("display", {}).get(code):
            coding["display"] = entry["display"][code]
        return {key: coding}
    number = _number(raw) if key in ("valueInteger", "valueDecimal", "valueQuantity") else None
    if key == "valueInteger":
        return {key: number} if isinstance(number, int) else {"valueString": str(raw)}
    if key == "valueDecimal":
        return {key: number} if number is not None else {"valueString": str(raw)}
    if key == "valueQuantity":
        return {key: {"value": number, **(unit or {})}} if number is not None else {"valueString": str(raw)}
    if key == "valueTime":
        raw = str(raw)
        return {key: raw if len(raw) == 8 else f"{raw}:00"}
    return {key: str(raw)}


def questionnaire_response(form: Form, catalog: Catalog, values: dict, *, status: str = "in-progress",
                           authored: str | None = None) -> dict:
    """A QuestionnaireResponse from control values (`{"minutes.0.cpt": "97110", ...}`), empty ones left out."""
    answers = answer_map(form, catalog)
    items = []
    for s in form.sections:
        group = []
        for f in s.fields:
            if f.type != "table":
                a = _answer(answers[f.id], values.get(f.id))
                if a:
                    group.append({"linkId": f.id, "answer": [a]})
                continue
            for r in range(f.rows):
                row = []
                unit = measure_quantity(catalog, str(values.get(f"{f.id}.{r}.{measure_column(f)}") or "")) \
                    if measure_columns(f) else None
                for c in f.columns:
                    a = _answer(answers[f"{f.id}.{c.id}"], values.get(f"{f.id}.{r}.{c.id}"), unit)
                    if a:
                        row.append({"linkId": f"{f.id}.{c.id}", "answer": [a]})
                if row:
                    group.append({"linkId": f.id, "item": row})
        if group:
            items.append({"linkId": s.id, "item": group})
    qr = {"resourceType": "QuestionnaireResponse", "questionnaire": canonical(form), "status": status, "item": items}
    if authored:
        qr["authored"] = authored
    return qr
