"""The Questionnaires in NLM's LHC-Forms, an SDC renderer: it works out the computed values itself.

tests/run unpacks the npm package `lforms` (its built web component) into .cache/lforms/; the
test serves it with a tiny local page and drives it in Chromium, with no request to any other
host. Each Questionnaire is loaded with a response metdocs.forms.fhir builds from a filled-in record;
LHC-Forms must then show, from the Questionnaire's FHIRPath alone, what the engine computes:
total timed minutes, the units the chosen rule allows (CMS pooled or per code), the units billed,
each change against baseline and the next reassessment date. Measure values are quantities: the
page shows each one's unit, and LHC-Forms' own response (which validates as R4) keeps them.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import REPO, install_guard
from metdocs.forms.fhir.questionnaire import ROW_UNIT, measure_quantity, questionnaire
from metdocs.forms.fhir.response import questionnaire_response
from metdocs.rules.units import allocate

pytestmark = pytest.mark.browser

LFORMS_VERSION = "40.1.3"
LFORMS = Path(os.environ.get("METDOCS_LFORMS_DIR") or REPO / ".cache" / "lforms" / LFORMS_VERSION / "package"
              / "dist" / "lforms")
HARNESS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LHC-Forms harness</title>
<link rel="stylesheet" href="lf/webcomponent/styles.css"></head>
<body><div id="form"></div>
<script src="lf/webcomponent/assets/lib/zone.min.js"></script>
<script src="lf/webcomponent/lhc-forms.js"></script>
<script src="lf/fhir/R4/lformsFHIR.min.js"></script>
</body></html>
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    if not (LFORMS / "webcomponent" / "lhc-forms.js").is_file():
        message = f"LHC-Forms is not unpacked in {LFORMS} (bash tests/run installs it with npm)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("lhc")
    (root / "index.html").write_text(HARNESS)
    (root / "lf").symlink_to(LFORMS, target_is_directory=True)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def forms(shipped_forms):
    return shipped_forms


def render(page, harness, q: dict, qr: dict) -> None:
    page.goto(harness, wait_until="load")
    page.wait_for_function("window.LForms && LForms.Util && LForms.FHIR")
    page.evaluate("""([q, qr]) => LForms.Util.addFormToPage(q, 'form', {fhirVersion: 'R4', questionnaireResponse: qr})""",
                  [q, qr])
    page.wait_for_selector("lhc-item")


def computed(page, link: str):
    """Wait until LHC-Forms has an answer for `link`, then return it (the first answer's value)."""
    handle = page.wait_for_function("""link => {
        const qr = LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4');
        const found = [];
        (function walk(items) { (items || []).forEach(it => {
            if (it.linkId === link && it.answer) found.push(Object.values(it.answer[0])[0]);
            walk(it.item); }); })(qr.item);
        return found.length ? found : null; }""", arg=link, timeout=15_000)
    return handle.json_value()


def response(page) -> dict:
    return page.evaluate("LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4')")


SESSIONS = [
    [("97110", 33), ("97530", 7)],                 # CMS example: 40 min -> 3 units; per code 2 + 0
    [("97112", 24), ("97110", 23)],                # 47 min -> 3 units; per code 2 + 2
    [("97110", 10), ("97112", 10)],                # CMS 1, per code 2
    [("97110", 5), ("97110", 5)],                  # one code on two rows: 10 minutes of it, 1 unit either way
    [("97110", 5), ("97112", 6), ("97110", 4)],    # per code: 97110 9 min -> 1, 97112 6 -> 0; CMS 15 -> 1
    [("97530", 20), ("97530", 20), ("97112", 9)],  # per code 97530 40 min -> 3, 97112 -> 1
]
UNTIMED = [
    [("97150", 30), ("97110", 10)],                # an untimed code in scope: one unit, its minutes not pooled
    [("97150", 5), ("97150", 5), ("97112", 23)],
]


def _in_scope(catalog, code: str):
    """The catalog with `code` a code a MedExPRO may bill (an untimed one, for 97150)."""
    import dataclasses
    return dataclasses.replace(catalog, cpt_codes=tuple(dataclasses.replace(c, in_scope=True, scope_reason="")
                                                        if c.code == code else c for c in catalog.cpt_codes))


def _visit_values(rule: str, visit) -> dict:
    values = {"client_name": "Alex Example", "unit_rule": rule, "diagnoses.0.icd10": "M17.11"}
    for r, (code, minutes) in enumerate(visit):
        values.update({f"minutes.{r}.cpt": code, f"minutes.{r}.minutes": str(minutes),
                       f"minutes.{r}.units": "1", f"minutes.{r}.icd10": "M17.11"})
    return values


def _engine(catalog, visit, rule):
    from metdocs.rules.audit.records import billable_minutes, book
    rows = [{"cpt": c, "minutes": m} for c, m in visit]
    minutes = billable_minutes(rows, book(catalog, 30))
    return allocate(minutes, catalog.is_timed, rule)


@pytest.mark.parametrize("rule", ["cms", "ama"])
def test_session_log_units_and_totals(page, context, harness, forms, catalog, rule):
    """LHC-Forms works out the units the engine does: a code on several rows counts once, summed,
    and an untimed code a MedExPRO may bill is one unit (catalog with 97150 in scope)."""
    guard = install_guard(context, page, (harness,))
    form = forms["session-log"]
    for cat, visits in ((catalog, SESSIONS), (_in_scope(catalog, "97150"), UNTIMED)):
        q = questionnaire(form, cat)
        for visit in visits:
            render(page, harness, q, questionnaire_response(form, cat, _visit_values(rule, visit)))
            want = _engine(cat, visit, rule)
            timed = sum(m for c, m in visit if cat.is_timed(c))
            assert computed(page, "total_timed_minutes") == [timed], visit
            assert computed(page, "units_allowed") == [want.total_units], (rule, visit)
            assert computed(page, "units_billed") == [len(visit)], visit
    assert guard.problems() == []


def _constraints(q: dict) -> dict:
    return {next(e["valueId"] for e in c["extension"] if e["url"] == "key"):
            next(e["valueString"] for e in c["extension"] if e["url"] == "expression")
            for c in q.get("extension", []) if c["url"].endswith("questionnaire-constraint")}


def _holds(page, qr: dict, expression: str) -> bool:
    got = page.evaluate("""([qr, e]) => LForms.FHIR.R4.fhirpath.evaluate(qr, e, {resource: qr},
                                                                         LForms.FHIR.R4.fhirpathModel)""", [qr, expression])
    return got == [True]


SESSION_BREAKS = {
    # constraint key -> values that break it (on top of a sound session log)
    "no-gp-modifier": {"minutes.0.modifiers": "59 GP"},
    "one-on-one-vs-group": {"group_size": "3"},
    "session-start-stop": {"end_time": "08:30"},
    "total-session-minutes": {"total_minutes": "30"},
    "reassess-every-30-days": {"last_assessment_date": "2026-01-15"},
    "icd10-link-per-cpt": {"minutes.1.icd10": "Z99.89"},
    "medexpro-codes-only": {"minutes.1.cpt": "97140"},
    "cms-8-minute-rule": {"minutes.0.units": "3"},
    "ama-midpoint-rule": {"unit_rule": "ama", "minutes.1.units": "1"},
}
REPORT_BREAKS = {
    "reassess-every-30-days": {"last_assessment_date": "2026-02-13"},
    "progress-report-content": {"measures.1.current": ""},
}


def test_questionnaires_carry_the_rules_fhirpath_can_say(page, context, harness, forms, catalog):
    """SDC questionnaire-constraints, one per rule, keyed by its catalog id: each holds for a sound
    record and fails for a record breaking its rule, evaluated by LHC-Forms' own FHIRPath engine."""
    from metdocs.forms.fhir.expressions import QUESTIONNAIRE_RULES
    guard = install_guard(context, page, (harness,))
    page.goto(harness, wait_until="load")
    page.wait_for_function("window.LForms && LForms.FHIR && LForms.FHIR.R4 && LForms.FHIR.R4.fhirpath")
    sound = {
        "session-log": {"client_name": "Alex Example", "session_date": "2026-03-02", "start_time": "09:00",
                        "end_time": "09:55", "group_size": "1", "unit_rule": "cms", "last_assessment_date": "2026-02-20",
                        "diagnoses.0.icd10": "M17.11", "diagnoses.1.icd10": "R26.81",
                        "minutes.0.cpt": "97110", "minutes.0.minutes": "24", "minutes.0.units": "2",
                        "minutes.0.icd10": "M17.11", "minutes.1.cpt": "97112", "minutes.1.minutes": "23",
                        "minutes.1.units": "1", "minutes.1.icd10": "R26.81", "total_minutes": "50"},
        "progress-report": {"client_name": "Alex Example", "measured_date": "2026-03-30",
                            "last_assessment_date": "2026-03-02", "period_start": "2026-03-02",
                            "period_end": "2026-03-30", "report_date": "2026-03-31",
                            "measures.0.measure": "tug", "measures.0.baseline": "14", "measures.0.current": "11.5",
                            "measures.1.measure": "berg", "measures.1.baseline": "44", "measures.1.current": "48"},
    }
    for form_id, breaks in (("session-log", SESSION_BREAKS), ("progress-report", REPORT_BREAKS)):
        form = forms[form_id]
        q = questionnaire(form, catalog)
        rules = _constraints(q)
        assert set(rules) == set(breaks) and set(rules) <= set(QUESTIONNAIRE_RULES[form_id]), form_id
        good = questionnaire_response(form, catalog, sound[form_id])
        for key, expression in rules.items():
            assert _holds(page, good, expression), (form_id, key)
        for key, change in breaks.items():
            bad = questionnaire_response(form, catalog, {**sound[form_id], **change})
            assert not _holds(page, bad, rules[key]), (form_id, key, change)
            others = [k for k in rules if k != key and not _holds(page, bad, rules[k])]
            assert key not in others
    assert guard.problems() == []


def test_change_against_baseline_and_due_dates(page, context, harness, forms, catalog):
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    def unit(measure_id):
        return measure_quantity(catalog, measure_id)
    guard = install_guard(context, page, (harness,))
    rows = [("tug", 14, 11.5), ("chair-stand-30s", 8, 12), ("gait-speed", 0.8, 0.85)]
    for form_id in ("progress-report", "discharge-summary"):
        form = forms[form_id]
        values = {"client_name": "Alex Example", "measured_date": "2026-01-31"}
        for r, (m, base, now) in enumerate(rows):
            values.update({f"measures.{r}.measure": m, f"measures.{r}.baseline": str(base),
                           f"measures.{r}.current": str(now)})
        render(page, harness, questionnaire(form, catalog), questionnaire_response(form, catalog, values))
        change = computed(page, "measures.change")
        assert [c["value"] for c in change] == [round(now - base, 3) for _, base, now in rows], form_id
        # LHC-Forms gives a computed quantity its first unit: the neutral one, never another measure's.
        assert {c["unit"] for c in change} == {ROW_UNIT["display"]}, form_id
        # The typed values keep their measure's unit, and the page shows it beside each value.
        for link in ("measures.baseline", "measures.current"):
            got = computed(page, link)
            assert [(q["value"], q["unit"], q.get("code")) for q in got] == [
                (v, unit(m)["unit"], unit(m).get("code")) for m, *pair in rows
                for v in [pair[0 if link.endswith("baseline") else 1]]], (form_id, link)
        shown = page.eval_on_selector_all("input[id^='unit_measures.baseline/']", "es => es.map(e => e.value)")
        assert shown == [unit(m)["unit"] for m, _, _ in rows], form_id
        assert page.locator("input[id^='measures.change/']").first.input_value() == f"{rows[0][2] - rows[0][1]:g}"
        if form_id == "progress-report":
            want = (date(2026, 1, 31) + timedelta(days=30)).isoformat()
            assert computed(page, "next_reassessment_due") == [want]
        QuestionnaireResponse.model_validate(response(page))
    # A record saved by the web form carries the change with its unit: LHC-Forms keeps the unit and
    # works the value out again when a value changes.
    form = forms["progress-report"]
    values = {"measures.0.measure": "tug", "measures.0.baseline": "14", "measures.0.current": "11.5",
              "measures.0.change": "-2.5"}
    render(page, harness, questionnaire(form, catalog), questionnaire_response(form, catalog, values))
    assert computed(page, "measures.change") == [{"value": -2.5, **unit("tug")}]
    now = page.locator("input[id^='measures.current/']").first
    now.fill("10")
    now.press("Tab")
    page.wait_for_function("() => document.querySelector(\"input[id^='measures.change/']\").value === '-4'")
    assert computed(page, "measures.change") == [{"value": -4, **unit("tug")}]
    QuestionnaireResponse.model_validate(response(page))
    form = forms["initial-assessment"]
    render(page, harness, questionnaire(form, catalog),
           questionnaire_response(form, catalog, {"assessment_date": "2026-02-15"}))
    assert computed(page, "reassessment_due") == ["2026-03-17"]
    assert guard.problems() == []


def test_every_questionnaire_renders_and_answers_validate(page, context, harness, forms, catalog):
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    guard = install_guard(context, page, (harness,))
    for form in forms.values():
        q = questionnaire(form, catalog)
        render(page, harness, q, questionnaire_response(form, catalog, {"client_name": "Alex Example"}))
        assert page.locator("lhc-item").count() > 10, form.id
        qr = response(page)
        QuestionnaireResponse.model_validate(qr)
        names = json.dumps(qr)
        assert "Alex Example" in names, form.id
    assert guard.problems() == []
