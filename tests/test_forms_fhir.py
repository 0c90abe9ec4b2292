"""The FHIR renderings: Questionnaires any SDC renderer can compute with, and the responses the forms save.

Validated with fhir.resources R4B; what it does not check (codes, required-ness, where
calculations sit, what an answer's type must be) is checked here against the definition.
LHC-Forms runs the expressions in tests/browser/test_lhc_forms.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from fs_helpers import need_module

from metdocs.forms.fhir.questionnaire import (CALCULATED, CPT_SYSTEM, ICD10CM_SYSTEM, ROW_UNIT, UCUM, UNIT, UNIT_OPTION,
                                              VARIABLE, canonical, questionnaire)
from metdocs.forms.fhir.response import questionnaire_response
from metdocs.forms.definition import CPT_YEAR

R4B = need_module("fhir.resources.R4B.questionnaire")
VALUE_FOR_TYPE = {"string": "valueString", "text": "valueString", "date": "valueDate", "time": "valueTime",
                  "decimal": ("valueDecimal", "valueInteger"), "integer": "valueInteger", "boolean": "valueBoolean",
                  "choice": "valueCoding", "open-choice": ("valueCoding", "valueString"),
                  "quantity": "valueQuantity"}


@pytest.fixture(scope="module")
def catalog(icd_catalog):
    return icd_catalog


@pytest.fixture(scope="module")
def forms(shipped_forms):
    return shipped_forms


def _items(items):
    for it in items:
        yield it
        yield from _items(it.get("item", []))


def _ext(item, url):
    return [e for e in item.get("extension", []) if e["url"] == url]


def test_metadata_is_complete(forms, catalog):
    for form in forms.values():
        q = questionnaire(form, catalog)
        R4B.Questionnaire.model_validate(q)
        assert q["status"] == "active" and q["experimental"] is False
        assert q["version"] == form.version and dt.date.fromisoformat(q["date"]) == form.date
        assert q["publisher"] and q["url"].endswith(f"/Questionnaire/{form.id}")
        assert q["jurisdiction"][0]["coding"][0] == {"system": "urn:iso:std:iso:3166", "code": "US",
                                                     "display": "United States of America"}
        assert "American Medical Association" in q["copyright"] and f"CPT {CPT_YEAR}" in q["copyright"]
        assert str(CPT_YEAR - 1) in q["copyright"] and "not billing or legal advice" in q["copyright"]
        assert q["text"]["status"] == "generated" and form.title in q["text"]["div"]
        assert q["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')


def test_required_sits_on_items_not_on_repeating_groups(forms, catalog):
    for form in forms.values():
        q = questionnaire(form, catalog)
        by_link = {it["linkId"]: it for it in _items(q["item"])}
        for f in form.fields():
            item = by_link[f.id]
            if f.type == "table":
                assert item.get("repeats") is True and "required" not in item, (form.id, f.id)
                for c in f.columns:
                    assert by_link[f"{f.id}.{c.id}"].get("required", False) == (f.required and c.required), (form.id, c.id)
            else:
                assert item.get("required", False) == (f.required and f.calculate == "none"), (form.id, f.id)


def test_types_codes_and_units(forms, catalog):
    counts = 0
    for form in forms.values():
        q = questionnaire(form, catalog)
        by_link = {it["linkId"]: it for it in _items(q["item"])}
        for f in form.fields():
            parts = [(f.id, f)] if f.type != "table" else [(f"{f.id}.{c.id}", c) for c in f.columns]
            for link, item in parts:
                it = by_link[link]
                if item.type == "integer":
                    assert it["type"] == "integer", (form.id, link)  # 5.5 sessions cannot be answered
                    counts += 1
                if item.type == "icd10":
                    assert it["type"] == "open-choice"
                    assert {o["valueCoding"]["system"] for o in it["answerOption"]} == {ICD10CM_SYSTEM}
                if item.type == "choice":
                    assert it["type"] in ("choice", "open-choice")
                    for o in it.get("answerOption", []):
                        coding = o["valueCoding"]
                        assert coding["system"].startswith("http") and coding["code"] and coding["display"]
                if getattr(item, "options_from", "") == "cpt-codes":
                    assert {o["valueCoding"]["system"] for o in it["answerOption"]} == {CPT_SYSTEM}
                if item.unit and item.type in ("number", "integer"):
                    unit = _ext(it, UNIT)
                    assert unit and unit[0]["valueCoding"]["display"] == item.unit, (form.id, link)
    assert counts > 10
    minutes = next(it for it in _items(questionnaire(forms["session-log"], catalog)["item"])
                   if it["linkId"] == "total_minutes")
    assert _ext(minutes, UNIT)[0]["valueCoding"] == {"system": "http://unitsofmeasure.org", "code": "min",
                                                     "display": "minutes"}


def test_computed_items_carry_calculated_expressions(forms, catalog):
    def calc(form_id, link):
        q = questionnaire(forms[form_id], catalog)
        it = next(i for i in _items(q["item"]) if i["linkId"] == link)
        assert it.get("readOnly") is True, link
        return _ext(it, CALCULATED)[0]["valueExpression"]["expression"]
    assert "sum()" in calc("session-log", "total_timed_minutes")
    assert "+ 7) div 15" in calc("session-log", "units_allowed") and "'cms'" in calc("session-log", "units_allowed")
    assert "units').answer.value.sum()" in calc("session-log", "units_billed")
    for form_id in ("progress-report", "discharge-summary"):
        assert calc(form_id, "measures.change") == "(%current - %baseline).round(3)"
        # The row's values are quantities: the variables take their numbers.
        group = next(i for i in _items(questionnaire(forms[form_id], catalog)["item"]) if i["linkId"] == "measures")
        assert [e["valueExpression"]["expression"].endswith(".answer.value.value") for e in _ext(group, VARIABLE)] == [True, True]
    assert calc("progress-report", "next_reassessment_due").endswith("linkId='measured_date').answer.value + 30 days")
    assert calc("initial-assessment", "reassessment_due").endswith("+ 30 days")
    # The per-code pointer offers the diagnoses typed on the form.
    q = questionnaire(forms["session-log"], catalog)
    link = next(i for i in _items(q["item"]) if i["linkId"] == "minutes.icd10")
    assert link["type"] == "open-choice" and "diagnoses.icd10" in link["extension"][0]["valueExpression"]["expression"]


def check_against(q: dict, qr: dict) -> list[str]:
    """Every answered linkId exists, sits where the Questionnaire puts it, with a value of its type."""
    problems = []

    def walk(answers, defs, where):
        by_link = {d["linkId"]: d for d in defs}
        for a in answers:
            d = by_link.get(a["linkId"])
            if d is None:
                problems.append(f"{where}/{a['linkId']}: not in the Questionnaire here")
                continue
            if d["type"] == "group":
                walk(a.get("item", []), d.get("item", []), f"{where}/{a['linkId']}")
                continue
            for ans in a.get("answer", []):
                (key,) = [k for k in ans if k.startswith("value")]
                want = VALUE_FOR_TYPE[d["type"]]
                if key not in (want if isinstance(want, tuple) else (want,)):
                    problems.append(f"{a['linkId']}: {key} for a {d['type']} item")
    walk(qr["item"], q["item"], "")
    return problems


def test_responses_validate_and_match_their_questionnaire(forms, catalog):
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    values = {"client_name": "Alex Example", "session_date": "2026-03-02", "start_time": "09:00",
              "end_time": "09:55", "group_size": "1", "unit_rule": "cms", "diagnoses.0.icd10": "m17.11",
              "minutes.0.cpt": "97110", "minutes.0.minutes": "33", "minutes.0.units": "2",
              "minutes.0.icd10": "M17.11", "total_minutes": "50", "scope_acknowledged": True,
              "exercises.0.sets": "3", "heart_rate_before": "72"}
    form = forms["session-log"]
    qr = questionnaire_response(form, catalog, values, status="completed", authored="2026-03-02T10:00:00Z")
    QuestionnaireResponse.model_validate(qr)
    assert qr["questionnaire"] == canonical(form) == f"{questionnaire(form, catalog)['url']}|{form.version}"
    assert check_against(questionnaire(form, catalog), qr) == []
    answers = {it["linkId"]: it["answer"][0] for it in _items(qr["item"]) if "answer" in it}
    assert answers["diagnoses.icd10"]["valueCoding"] == {"system": ICD10CM_SYSTEM, "code": "M17.11",
                                                         "display": catalog.icd["M17.11"].title}
    assert answers["start_time"] == {"valueTime": "09:00:00"}
    assert answers["group_size"] == {"valueInteger": 1}
    assert answers["unit_rule"]["valueCoding"]["code"] == "cms"
    # A wrong type is caught: the checker can fail.
    bad = questionnaire_response(form, catalog, {"group_size": "1"})
    bad["item"][0]["item"][0]["answer"] = [{"valueString": "one"}]
    assert check_against(questionnaire(form, catalog), bad)
    for f in forms.values():  # every form builds an empty response too
        QuestionnaireResponse.model_validate(questionnaire_response(f, catalog, {}))


def _measure_value_links(form):
    """From the definition, not from metdocs.forms.fhir: a table that names a measure in a column holds
    that measure's values in its number columns."""
    return {f"{f.id}.{c.id}" for f in form.fields() if f.type == "table"
            and any(c.options_from == "measures" for c in f.columns) for c in f.columns if c.type == "number"}


def test_every_measure_value_carries_the_measure_units(forms, catalog):
    """The unit of a measure value follows the measure chosen in its row: every value item offers
    every catalog measure's unit (questionnaire-unitOption), with the UCUM code where one exists."""
    want = {m.unit for m in catalog.measures}
    assert {"seconds", "metres", "metres per second"} <= want
    seen = 0
    for form in forms.values():
        q = questionnaire(form, catalog)
        R4B.Questionnaire.model_validate(q)
        by_link = {it["linkId"]: it for it in _items(q["item"])}
        for link in _measure_value_links(form):
            it = by_link[link]
            seen += 1
            options = [e["valueCoding"] for e in _ext(it, UNIT_OPTION)]
            assert options or _ext(it, UNIT), (form.id, link)
            assert it["type"] == "quantity" and not _ext(it, UNIT), (form.id, link)  # LHC-Forms: unit is for decimals
            assert {o["display"] for o in options} - {ROW_UNIT["display"]} == want, (form.id, link)
            by_display = {o["display"]: o for o in options}
            assert by_display["seconds"] == {"system": UCUM, "code": "s", "display": "seconds"}
            assert by_display["metres per second"]["code"] == "m/s" and by_display["metres"]["code"] == "m"
            assert by_display["percent (0-100)"]["code"] == "%"
            coded = [(o.get("system"), o.get("code")) for o in options if "code" in o]
            assert len(coded) == len(set(coded)), f"{link}: two units share a code, a renderer cannot tell them apart"
            # The computed change offers the row's unit first: LHC-Forms gives a computed value its first unit.
            assert (options[0] == ROW_UNIT) == bool(_ext(it, CALCULATED)), (form.id, link)
    assert seen == 7  # initial assessment 1, progress report 3, discharge summary 3


def test_a_response_carries_each_measure_value_with_its_measure_unit(forms, catalog):
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    rows = [("tug", "14", "11.5", "-2.5"), ("berg", "40", "46", "6"), ("odi", "30", "22", "-8")]
    for form_id in ("progress-report", "discharge-summary"):
        form = forms[form_id]
        values = {"client_name": "Alex Example"}
        for r, (m, base, now, change) in enumerate(rows):
            values.update({f"measures.{r}.measure": m, f"measures.{r}.baseline": base,
                           f"measures.{r}.current": now, f"measures.{r}.change": change})
        values["measures.3.baseline"] = "7"  # no measure chosen: a number with no unit, not a wrong one
        qr = questionnaire_response(form, catalog, values, status="completed", authored="2026-03-02T10:00:00Z")
        QuestionnaireResponse.model_validate(qr)
        assert check_against(questionnaire(form, catalog), qr) == []
        groups = [g for g in _items(qr["item"]) if g["linkId"] == "measures"]
        got = [{c["linkId"]: c["answer"][0] for c in g["item"]} for g in groups]
        assert got[0]["measures.baseline"] == {"valueQuantity": {"value": 14, "unit": "seconds", "system": UCUM, "code": "s"}}
        assert got[0]["measures.change"] == {"valueQuantity": {"value": -2.5, "unit": "seconds", "system": UCUM, "code": "s"}}
        assert got[1]["measures.current"]["valueQuantity"] == {"value": 46, "unit": "points (0-56)", "system": UCUM,
                                                               "code": "{score_0-56}"}
        odi = next(m for m in catalog.measures if m.id == "odi")
        assert got[2]["measures.current"]["valueQuantity"]["unit"] == odi.unit
        assert got[3]["measures.baseline"] == {"valueQuantity": {"value": 7}}
    # An initial assessment's results too.
    ia = questionnaire_response(forms["initial-assessment"], catalog,
                                {"baseline_measures.0.measure": "gait-speed", "baseline_measures.0.baseline": "0.8"})
    QuestionnaireResponse.model_validate(ia)
    (cell,) = [c for c in _items(ia["item"]) if c["linkId"] == "baseline_measures.baseline"]
    assert cell["answer"][0]["valueQuantity"] == {"value": 0.8, "unit": "metres per second", "system": UCUM, "code": "m/s"}
