"""The fillable forms (pages under /forms/ and the offline copies), used the way a trainer uses them.

* every form: fill it in, save it (a FHIR R4 QuestionnaireResponse, validated with fhir.resources
  R4B and equal to the one metdocs.forms.fhir builds from the same values), reload, load it back, print;
* a file saved by version 1 (the old {form, version, values} JSON) still loads;
* session log: totals are worked out from the rows, read-only; the units shown, and the total the
  form calls allowed, are the payer's chosen rule's only and agree with metdocs.rules.units.allocate;
* the check lists each gap once, catches what an auditor would (totals, links, header and
  unknown ICD-10-CM codes, group work), and clears on a sound record;
* the ICD-10-CM code set is fetched only when a code is checked, never on a first visit;
* progress report: change vs baseline and the meaningful-change verdict; due dates;
* documents chain: a saved initial assessment fills the progress report, discharge and session log;
* the offline web forms in metdocs-forms.zip work from file://;
* print: no web chrome, no download links, every value whole, at most 2 Letter pages for a typical
  session log or progress report.

Every test ends with `guard.problems() == []`: no request left 127.0.0.1, no console error. Each
waits for the state it asserts (a status text, a computed value), never for a fixed time.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from datetime import date, timedelta

import pytest

from conftest import REPO, install_guard
from metdocs.forms.fhir.questionnaire import questionnaire
from metdocs.forms.fhir.response import questionnaire_response
from metdocs.rules.units import allocate

pytestmark = pytest.mark.browser

FORM_IDS = ["referral-request", "initial-assessment", "session-log", "progress-report",
            "change-in-status", "discharge-summary"]
CONTROLS = "form.mf-form input[name], form.mf-form select[name], form.mf-form textarea[name]"
LETTER_WIDTH_PX = 816  # 8.5 in at 96 CSS px per inch
CODES = ["M17.11", "R26.81", "M62.81"]


@pytest.fixture(scope="module")
def catalog(icd_catalog):
    return icd_catalog


@pytest.fixture(scope="module")
def forms(shipped_forms):
    assert set(FORM_IDS) <= set(shipped_forms)
    return shipped_forms


@pytest.fixture(scope="module", autouse=True)
def typical_session_log(forms, catalog):
    """TYPICAL["session-log"]: the example's values, without those the form works out itself."""
    from metdocs.forms.fill import read_saved
    form, values = read_saved(EXAMPLE, list(forms.values()), catalog)
    assert form.id == "session-log"
    computed = {f.id for f in form.fields() if f.calculate != "none"}
    TYPICAL["session-log"] = {k: v if isinstance(v, bool) else str(v) for k, v in values.items() if k not in computed}


def open_form(page, form_id: str) -> None:
    page.goto(f"/forms/{form_id}/", wait_until="load")
    page.wait_for_selector(f".mf-wrap[data-form='{form_id}'][data-mf-bound]")


def control_info(page) -> list[dict]:
    return page.eval_on_selector_all(CONTROLS, """cs => cs.map(c => ({
        name: c.name, tag: c.tagName.toLowerCase(), type: c.type, readonly: c.readOnly, step: c.step,
        pointer: c.getAttribute('data-options-from') === 'diagnoses', icd: c.hasAttribute('data-icd10'),
        options: c.tagName === 'SELECT' ? Array.from(c.options).map(o => o.value).filter(v => v !== '') : []}))""")


def page_values(page, editable_only=True) -> dict:
    return dict(page.eval_on_selector_all(
        CONTROLS, f"""cs => cs.filter(c => {'!c.readOnly' if editable_only else 'true'})
                         .map(c => [c.name, c.type === 'checkbox' ? c.checked : c.value])"""))


def ctl(page, name: str):
    return page.locator(f'form.mf-form [name="{name}"]')


def status(page):
    return page.locator("form.mf-form .mf-status")


def value_for(info: dict, i: int):
    """A plausible value of the control's type (what a person would type or pick)."""
    if info["type"] == "checkbox":
        return True
    if info["icd"]:
        return CODES[i % len(CODES)]
    if info["pointer"]:
        return CODES[0]
    if info["tag"] == "select":
        assert info["options"], f"{info['name']}: a select without real options"
        return info["options"][0]
    if info["tag"] == "textarea":
        return f"Line 1 for {info['name']}: 3×10 sit-to-stand, RPE 5/10.\nLine 2 — tolerated well; “no pain”.\n"
    if info["type"] == "date":
        return (date(2026, 1, 5) + timedelta(days=i)).isoformat()
    if info["type"] == "time":
        return f"{9 + i % 8:02d}:{(7 * i) % 60:02d}"
    if info["type"] == "number":
        return str(i + 1) if i % 3 or info["step"] == "1" else f"{i + 1}.5"
    assert info["type"] == "text", info
    return f"Entry {i} for {info['name']} (Müller & O'Brien <M17.11>)"


def set_control(page, name: str, value, tag: str = "", kind: str = "") -> None:
    loc = ctl(page, name)
    if kind == "checkbox" or isinstance(value, bool):
        loc.set_checked(bool(value))
    elif tag == "select" or loc.evaluate("e => e.tagName") == "SELECT":
        loc.select_option(str(value))
    else:
        loc.fill(str(value))


def fill(page, values: dict) -> None:
    """Fill in page order; a diagnosis pointer is chosen after the diagnoses are typed."""
    infos = {c["name"]: c for c in control_info(page)}
    later = []
    for name, value in values.items():
        if infos[name]["pointer"]:
            later.append((name, value))
        else:
            set_control(page, name, value, infos[name]["tag"], infos[name]["type"])
    for name, value in later:
        set_control(page, name, value, "select")


def fill_everything(page) -> dict:
    values, infos = {}, control_info(page)
    for i, info in enumerate(infos):
        if not info["readonly"]:
            values[info["name"]] = value_for(info, i)
    typed = [v for n, v in values.items() if n.startswith("diagnoses.") and n.endswith(".icd10")]
    for info in infos:  # a pointer names one of the diagnoses typed above
        if info["pointer"] and typed:
            values[info["name"]] = typed[0]
    fill(page, values)
    return values


def _answers(qr: dict) -> list:
    """(path, answer) pairs: a readable diff when the browser and metdocs.forms.fhir disagree."""
    out = []

    def walk(items, path):
        for it in items:
            here = f"{path}/{it['linkId']}"
            out.extend((here, a) for a in it.get("answer", []))
            walk(it.get("item", []), here)
    walk(qr["item"], "")
    return out


def save(page, tmp_path, form_id: str) -> tuple[dict, object]:
    with page.expect_download() as dl:
        page.click("form.mf-form [data-action=save]")
    download = dl.value
    assert download.suggested_filename == f"{form_id}-filled.json"
    path = tmp_path / f"{form_id}-{len(list(tmp_path.iterdir()))}.json"
    download.save_as(path)
    return json.loads(path.read_text(encoding="utf-8")), path


def load(page, path, selector="#mf--load", done="Loaded ") -> None:
    page.set_input_files(selector, str(path))
    status(page).filter(has_text=done).wait_for()


EXAMPLE = REPO / "site_src" / "examples" / "session-log-filled.json"
"""The README's filled session log: the typical session log of these tests."""

TYPICAL = {
    "progress-report": {
        "client_name": "Alex Example", "measured_date": "2026-03-30", "report_date": "2026-03-31",
        "period_start": "2026-03-02", "period_end": "2026-03-30", "last_assessment_date": "2026-03-02",
        "sessions_planned": "8", "sessions_attended": "7",
        "diagnoses.0.icd10": "M17.11", "diagnoses.0.description": "Primary osteoarthritis, right knee",
        "diagnoses.1.icd10": "R26.81", "diagnoses.1.description": "Unsteadiness on feet",
        "measures.0.measure": "chair-stand-30s", "measures.0.baseline": "8", "measures.0.current": "12",
        "measures.0.notes": "45 cm chair, arms crossed",
        "measures.1.measure": "tug", "measures.1.baseline": "14", "measures.1.current": "11.5",
        "measures.2.measure": "five-times-sit-to-stand", "measures.2.baseline": "16", "measures.2.current": "13.2",
        "goals.0.goal": "Climb the 12 stairs at home with one rail", "goals.0.status": "progressing",
        "goals.0.comment": "Now 8 stairs without stopping",
        "goals.1.goal": "Walk to the mailbox without a cane", "goals.1.status": "met",
        "client_statements": "\"The stairs are easier; I only stop once now.\"",
        "adverse_events": "None.", "plan_changes": "Raise the step to 20 cm; add side-stepping with the red band.",
        "referral_renewal": "still-valid-for-the-next-period", "sent_to": "Dr. Casey Referrer",
        "sent_date": "2026-03-31", "scope_acknowledged": True,
        "medexpro_signature": "Jordan Trainer, MedExPRO", "medexpro_signature_date": "2026-03-31",
    },
}


# 1. save -> reload -> load -> print, on every form ------------------------------------------------

@pytest.mark.parametrize("form_id", FORM_IDS)
def test_fill_save_reload_load_and_print(page, guard, forms, catalog, form_id, tmp_path):
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    from test_forms_fhir import check_against
    open_form(page, form_id)
    infos = control_info(page)
    assert [c["name"] for c in infos] == forms[form_id].names(), "the page's controls differ from the definition"
    hidden = page.eval_on_selector_all(CONTROLS, "cs => cs.filter(c => !c.getClientRects().length).map(c => c.name)")
    assert hidden == [], "controls a person cannot see or fill"

    sent = []
    page.on("request", lambda r: sent.append(f"{r.method} {r.url}"))
    filled = fill_everything(page)
    assert page_values(page) == filled, "a control does not hold what was typed into it"
    computed = page_values(page, editable_only=False)

    saved, path = save(page, tmp_path, form_id)
    QuestionnaireResponse.model_validate(saved)
    assert check_against(questionnaire(forms[form_id], catalog), saved) == []
    # What the browser saved is what metdocs.forms.fhir builds from the same values (computed ones included).
    want = questionnaire_response(forms[form_id], catalog, computed, status=saved["status"], authored=saved["authored"])
    assert _answers(saved) == _answers(want)
    assert saved == want
    assert not [r for r in sent if not r.startswith("GET ")], f"non-GET requests: {sent}"
    assert not [r for r in sent if "blob:" not in r and "icd10cm" not in r], sent

    page.reload(wait_until="load")
    page.wait_for_selector(f".mf-wrap[data-form='{form_id}'][data-mf-bound]")
    assert all(v in ("", False) for v in page_values(page).values()), "the form is not blank after a reload"
    load(page, path)
    stripped = {k: v.strip() if isinstance(v, str) else v for k, v in filled.items()}  # blanks around are not kept
    assert page_values(page) == stripped, "load did not give back the saved form"
    assert page_values(page, editable_only=False) == {k: v.strip() if isinstance(v, str) else v
                                                     for k, v in computed.items()}, "computed values differ after loading"

    page.emulate_media(media="print")
    pdf = page.pdf(format="Letter")
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
    assert guard.problems() == []


def test_a_file_saved_by_version_1_still_loads(page, guard, tmp_path):
    old = {"form": "discharge-summary", "version": "1.0.0", "values": {
        "client_name": "Alex Example", "discharge_date": "2026-05-01", "sessions_total": "11",
        "diagnoses.0.icd10": "M17.11", "measures.0.measure": "tug", "measures.0.baseline": "14",
        "measures.0.current": "10.5", "goals.0.goal": "Stairs", "goals.0.status": "Partly met",
        "discharge_reason": "Plateau reached", "scope_acknowledged": True, "retired_field": "x"}}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    open_form(page, "discharge-summary")
    load(page, path)
    assert ctl(page, "discharge_reason").input_value() == "plateau-reached"  # saved as words, now a code
    assert ctl(page, "goals.0.status").input_value() == "partly-met"
    assert ctl(page, "measures.0.change").input_value() == "-3.5"
    assert ctl(page, "scope_acknowledged").is_checked()
    text = status(page).inner_text()
    assert "version 1.0.0" in text and "retired_field" in text
    # A response to another form is refused, not loaded.
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"resourceType": "QuestionnaireResponse", "status": "completed",
                                 "questionnaire": "https://example.org/Questionnaire/x|1", "item": []}))
    load(page, other, done="another form")
    assert ctl(page, "client_name").input_value() == "Alex Example"
    assert guard.problems() == []


def test_measure_values_are_saved_with_their_unit_and_earlier_decimals_load(page, guard, catalog, tmp_path):
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    open_form(page, "progress-report")
    fill(page, {"client_name": "Alex Example", "measures.0.measure": "tug", "measures.0.baseline": "14",
                "measures.0.current": "11.5", "measures.1.measure": "gait-speed", "measures.1.baseline": "0.8",
                "measures.1.current": "0.95"})
    saved, _ = save(page, tmp_path, "progress-report")
    QuestionnaireResponse.model_validate(saved)
    rows = [{c["linkId"]: c["answer"][0] for c in g["item"]} for g in _groups(saved, "measures")]
    seconds = {"unit": "seconds", "system": "http://unitsofmeasure.org", "code": "s"}
    assert rows[0]["measures.baseline"] == {"valueQuantity": {"value": 14, **seconds}}
    assert rows[0]["measures.change"] == {"valueQuantity": {"value": -2.5, **seconds}}
    assert rows[1]["measures.current"] == {"valueQuantity": {"value": 0.95, "unit": "metres per second",
                                                             "system": "http://unitsofmeasure.org", "code": "m/s"}}
    # A response saved before measure values had units (valueDecimal) still loads, and works out the change.
    earlier = json.loads(json.dumps(saved))
    for g in _groups(earlier, "measures"):
        for c in g["item"]:
            if "valueQuantity" in c["answer"][0]:
                c["answer"] = [{"valueDecimal": c["answer"][0]["valueQuantity"]["value"]}]
    assert "valueQuantity" not in json.dumps(earlier)
    path = tmp_path / "earlier.json"
    path.write_text(json.dumps(earlier))
    page.reload(wait_until="load")
    page.wait_for_selector(".mf-wrap[data-form='progress-report'][data-mf-bound]")
    load(page, path)
    assert [ctl(page, f"measures.0.{c}").input_value() for c in ("measure", "baseline", "current", "change")] == \
        ["tug", "14", "11.5", "-2.5"]
    assert ctl(page, "measures.1.current").input_value() == "0.95"
    again, _ = save(page, tmp_path, "progress-report")  # and is saved again with the units
    assert _groups(again, "measures") == _groups(saved, "measures")
    assert guard.problems() == []


def _groups(qr: dict, link: str) -> list:
    out = []

    def walk(items):
        for it in items:
            if it["linkId"] == link and "item" in it:
                out.append(it)
            else:
                walk(it.get("item", []))
    walk(qr["item"])
    return out


# 2. session log: totals and units under the chosen rule --------------------------------------------

UNIT_CASES = [
    [("97112", 24), ("97110", 23)],                    # CMS example: 47 min -> 3 units
    [("97110", 33), ("97530", 7)],                     # CMS example (33 + 7): 40 min -> 3 units
    [("97110", 10), ("97112", 10)],                    # CMS 1 unit, per code 2
    [("97110", 7), ("97112", 5)],                      # CMS 1 unit, per code 0
    [("97110", 8)], [("97110", 7)], [("97530", 22)], [("97530", 23)], [("97110", 38)],
    [("97112", 0), ("97110", 15)],
    [("97110", 33), ("97112", 7), ("97530", 7)],
    [("97110", 20), ("97112", 20), ("97530", 20)],     # tie on leftovers
    [("97110", 53), ("97112", 8), ("97530", 8)],       # tie at the cut-off
    [("97530", 480)],
]
KNOWN = {0: {"cms": 3, "ama": 4}, 1: {"cms": 3, "ama": 2}, 2: {"cms": 1, "ama": 2}, 3: {"cms": 1, "ama": 0}}
RULE_LABEL = {"cms": "CMS 8-minute rule", "ama": "Per-code (midpoint) rule"}


def test_session_log_totals_and_the_chosen_rule(page, guard, catalog):
    open_form(page, "session-log")
    for name in ("total_timed_minutes", "units_billed", "units_allowed"):
        assert ctl(page, name).get_attribute("readonly") is not None, f"{name} can be typed over"
    rows = page.locator("table[data-calculate='units'] tbody tr").count()
    wrong = []
    for rule in ("cms", "ama"):
        ctl(page, "unit_rule").select_option(rule)
        for i, case in enumerate(UNIT_CASES):
            for r in range(rows):
                code, minutes = case[r] if r < len(case) else ("", "")
                ctl(page, f"minutes.{r}.cpt").select_option(code)
                ctl(page, f"minutes.{r}.minutes").fill(str(minutes))
                ctl(page, f"minutes.{r}.units").fill(str(r + 1) if r < len(case) else "")
            visit = dict(case)
            want = allocate(visit, catalog.is_timed, rule)
            summary = page.locator(".mf-units[data-units-for='minutes'] summary")
            summary.filter(has_text=f"{want.total_timed_minutes} timed minute").wait_for()
            texts = page.eval_on_selector_all(".mf-units summary", "ss => ss.map(s => s.textContent)")
            other = RULE_LABEL["ama" if rule == "cms" else "cms"]
            if len(texts) != 1 or not texts[0].startswith(RULE_LABEL[rule]) or other in " ".join(texts):
                wrong.append(f"{rule} {case}: shown {texts}")
            parts = ", ".join(f"{c}: {u}" for c, u in sorted(want.units.items()))
            if f": {want.total_units} unit" not in texts[0] or f"({parts})" not in texts[0]:
                wrong.append(f"{rule} {case}: {texts[0]!r}, engine {want.total_units} ({parts})")
            items = page.eval_on_selector_all(".mf-units li", "ls => ls.map(l => l.textContent)")
            if items != list(want.explanation):
                wrong.append(f"{rule} {case}: explanation differs")
            if ctl(page, "units_allowed").input_value() != str(want.total_units):
                wrong.append(f"{rule} {case}: allowed field {ctl(page, 'units_allowed').input_value()}")
            if ctl(page, "total_timed_minutes").input_value() != str(want.total_timed_minutes):
                wrong.append(f"{rule} {case}: timed field {ctl(page, 'total_timed_minutes').input_value()}")
            billed = sum(r + 1 for r in range(len(case)))
            if ctl(page, "units_billed").input_value() != str(billed):
                wrong.append(f"{rule} {case}: billed field {ctl(page, 'units_billed').input_value()}")
            if i in KNOWN and want.total_units != KNOWN[i][rule]:
                wrong.append(f"engine {rule} {case}: {want.total_units}, hand-checked {KNOWN[i][rule]}")
    assert not wrong, "\n".join(wrong)
    ctl(page, "unit_rule").select_option("")  # no rule chosen: no total is presented at all
    page.locator(".mf-units").filter(has_text="Choose the payer's unit rule").wait_for()
    assert ctl(page, "units_allowed").input_value() == ""
    assert guard.problems() == []


# 3. the check: each gap once, what an auditor catches, clean when sound ----------------------------

def status_items(page) -> list[str]:
    """Each gap's text, without the links to the pages that explain it (tests/browser/test_explain_links.py)."""
    return page.eval_on_selector_all("form.mf-form .mf-status li", """ls => ls.map(l => {
        const c = l.cloneNode(true);
        c.querySelectorAll('.metdocs-explain').forEach(e => e.remove());
        return c.textContent;
    })""")


def rules_listed(page) -> set[tuple[str, str]]:
    """(rule id, place) of every gap the check lists: each finding carries the catalog rule it breaks."""
    return {tuple(x) for x in page.eval_on_selector_all(
        "form.mf-form .mf-status li", "ls => ls.map(l => [l.dataset.rule, l.dataset.place])")}


def run_check(page, expect: str) -> list[str]:
    page.click("form.mf-form [data-action=check]")
    status(page).filter(has_text=expect).wait_for()
    return status_items(page)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_empty_form_lists_each_gap_once(page, guard, catalog, forms, form_id):
    form = forms[form_id]
    doc_type = next(t for t in catalog.document_types if t.id == form.document_type)
    required = [f for f in form.fields() if f.required and f.calculate in ("none", "units", "change")]
    open_form(page, form_id)
    assert status(page).get_attribute("role") == "status" and status(page).get_attribute("aria-live") == "polite"
    items = run_check(page, "gaps:")
    assert len(items) == len(set(items)), "a gap is listed twice"
    for f in required:
        heads = (f"{f.label} is missing", f"Not ticked: {f.label}", f"{f.label}: no row filled in")
        assert sum(1 for i in items if i.startswith(heads)) == 1, (f.id, items)
    covered_by_required = {e for f in form.fields() if f.required for e in f.covers}
    for e in catalog.elements:
        if form.document_type in e.required_in and e.id not in covered_by_required:
            # Documented only by optional fields (or computed ones): named once, on its own line.
            computed_from_listed = any(e.id in f.covers and f.based_on and form.field(f.based_on).required
                                       for f in form.fields())
            lines = [i for i in items if i == f"Required in a {doc_type.name}: {e.name} [{e.id}]"]
            assert len(lines) == (0 if computed_from_listed else 1), (e.id, items)
    assert len(items) <= len(required) + len(catalog.elements)
    for f in required:
        if f.type != "table":
            assert ctl(page, f.id).get_attribute("aria-invalid") == "true", f.id
    assert guard.problems() == []


@pytest.mark.parametrize("form_id", ["session-log", "progress-report"])
def test_a_sound_record_passes_the_check(page, guard, form_id):
    open_form(page, form_id)
    fill(page, TYPICAL[form_id])
    items = run_check(page, "nothing an auditor would flag")
    assert items == []
    assert page.locator("form.mf-form [aria-invalid='true']").count() == 0
    assert guard.problems() == []


def test_the_check_catches_what_an_auditor_would(page, guard):
    open_form(page, "session-log")
    fill(page, TYPICAL["session-log"])
    ctl(page, "total_minutes").fill("40")               # below the 47 timed minutes
    ctl(page, "minutes.1.icd10").select_option("")       # a CPT row with no diagnosis
    ctl(page, "diagnoses.0.icd10").fill("m54.5")         # a header code
    ctl(page, "diagnoses.0.icd10").press("Tab")
    ctl(page, "diagnoses.1.icd10").fill("ZZZ")           # not a code at all
    ctl(page, "diagnoses.1.icd10").press("Tab")
    ctl(page, "minutes.0.units").fill("3")               # 4 units billed where CMS allows 3
    ctl(page, "group_size").fill("3")                    # group work billed as one-on-one codes
    items = run_check(page, "gaps:")
    joined = "\n".join(items)
    ruled = rules_listed(page)
    assert ("Total session minutes: element 'total-session-minutes'" in joined
            and "expected the session minutes to include every minute logged (47), found 40" in joined)
    assert "Minutes and units per code, row 2: For diagnosis (ICD-10-CM) is missing" in joined
    assert ("Diagnoses (from the referral), row 1: rule 'billable-icd10-leaf'" in joined and "found header 'M54.5', "
            "which is not billable; use one of: M54.50, M54.51, M54.59" in joined)
    assert "found 'ZZZ', which is not in the code set" in joined
    assert "over-billed: expected 3 units (97110 24 min + 97112 23 min; 47 timed minutes" in joined
    assert "expected a group code for 3 clients trained at once, found one-on-one code 97110" in joined
    # The row that still points at M17.11 now names a code that is no longer on the referral list.
    assert "Minutes and units per code, row 1: element 'icd10-link-per-cpt'" in joined and "found 'M17.11'" in joined
    assert {("total-session-minutes", "field:session_minutes"), ("billable-icd10-leaf", "diagnosis:A"),
            ("billable-icd10-leaf", "diagnosis:B"), ("cms-8-minute-rule", "record"), ("one-on-one-vs-group", "line:1"),
            ("one-on-one-vs-group", "line:2"), ("icd10-link-per-cpt", "line:1")} <= ruled
    assert len(items) == len(set(items))
    page.locator("#mf-diagnoses\\.0\\.icd10\\.icd").filter(has_text="M54.50").wait_for()
    assert guard.problems() == []


def test_icd_code_set_is_loaded_only_on_demand(page, guard):
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    open_form(page, "progress-report")
    page.wait_for_load_state("networkidle")
    assert not [u for u in fetched if "icd10cm" in u], "the code set is part of the first visit"
    ctl(page, "diagnoses.0.icd10").fill("G20")
    ctl(page, "diagnoses.0.icd10").press("Tab")
    page.locator("#mf-diagnoses\\.0\\.icd10\\.icd").filter(has_text="G20.A1").wait_for()
    assert len([u for u in fetched if "icd10cm" in u]) == 1
    assert guard.problems() == []


# 4. progress report: change, meaningful change, due date -----------------------------------------

def expected_change(measure, base: float, now: float) -> str:
    change = round(now - base, 3)
    head = f"{'+' if change > 0 else ''}{change:g} {measure.unit}: "
    if change == 0:
        return head + "no change"
    better = change > 0 if measure.better == "higher" else change < 0
    if not better:
        return head + "worse"
    if measure.meaningful_change is None:
        return head + "better; no confirmed meaningful-change figure for this measure"
    # Meaningful means strictly MORE than the figure, as in the engine (cases.exceeds).
    verdict = "exceeds" if abs(change) > measure.meaningful_change + 1e-9 else "does not exceed"
    return head + f"better; {verdict} the {measure.change_kind} of {measure.meaningful_change:g} {measure.unit}"


CHANGE_ROUNDS = [
    [("tug", 14, 11), ("chair-stand-30s", 8, 12), ("berg", 40, 44), ("odi", 40, 28)],
    [("tug", 11, 14), ("chair-stand-30s", 10, 12), ("berg", 40, 47), ("odi", 40, 35)],
    [("odi", 30, 42), ("chair-stand-30s", 12, 9), ("quickdash", 30, 19.2), ("gait-speed", 0.8, 0.85)],
    [("berg", 40, 40), ("six-minute-walk", 300, 319), ("five-times-sit-to-stand", 15, 12.5), ("lefs", 40, 49)],
]


def test_progress_report_change_vs_meaningful_change(page, guard, catalog):
    measures = {m.id: m for m in catalog.measures}
    open_form(page, "progress-report")
    wrong = []
    for rnd in CHANGE_ROUNDS:
        for r, (mid, base, now) in enumerate(rnd):
            ctl(page, f"measures.{r}.measure").select_option(mid)
            ctl(page, f"measures.{r}.baseline").fill(str(base))
            ctl(page, f"measures.{r}.current").fill(str(now))
        for r, (mid, base, now) in enumerate(rnd):
            shown = page.locator(f"output.mf-change[data-row='{r}']").text_content()
            if shown != expected_change(measures[mid], base, now):
                wrong.append(f"{mid} {base}->{now}: page {shown!r}")
            if ctl(page, f"measures.{r}.change").input_value() != f"{round(now - base, 3):g}":
                wrong.append(f"{mid}: change field {ctl(page, f'measures.{r}.change').input_value()}")
    assert not wrong, "\n".join(wrong)
    ctl(page, "measures.0.current").fill("")  # half a row: nothing shown
    assert page.locator("output.mf-change[data-row='0']").text_content() == ""
    assert ctl(page, "measures.0.change").input_value() == ""
    assert guard.problems() == []


@pytest.mark.parametrize("tz", [
    pytest.param("America/Los_Angeles", marks=pytest.mark.browser_context_args(timezone_id="America/Los_Angeles")),
    pytest.param("Pacific/Auckland", marks=pytest.mark.browser_context_args(timezone_id="Pacific/Auckland")),
])
def test_reassessment_due_is_30_days_after_its_date(page, guard, forms, tz):
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == tz
    due_forms = {fid: f for fid in FORM_IDS for f in forms[fid].fields() if f.calculate == "due-30-days"}
    assert due_forms["progress-report"].based_on == "measured_date"  # from the testing day, not the report
    for form_id, due in due_forms.items():
        open_form(page, form_id)
        assert ctl(page, due.id).get_attribute("readonly") is not None
        if form_id == "progress-report":
            ctl(page, "report_date").fill("2026-01-20")  # the report's own date must not move it
        for base in ("2026-03-01", "2026-12-15", "2024-02-15", "2026-03-20", "2026-10-20", "2026-04-01"):
            ctl(page, due.based_on).fill(base)
            want = (date.fromisoformat(base) + timedelta(days=30)).isoformat()
            assert ctl(page, due.id).input_value() == want, f"{form_id}: {due.based_on}={base} ({tz})"
    assert guard.problems() == []


# 5. documents that chain -------------------------------------------------------------------------

ASSESSMENT = {
    "client_name": "Alex Example", "assessment_date": "2026-03-02",
    "diagnoses.0.icd10": "M17.11", "diagnoses.0.description": "Primary osteoarthritis, right knee",
    "diagnoses.1.icd10": "R26.81", "diagnoses.1.description": "Unsteadiness on feet",
    "baseline_measures.0.measure": "chair-stand-30s", "baseline_measures.0.baseline": "8",
    "baseline_measures.1.measure": "tug", "baseline_measures.1.baseline": "14",
    "planned_codes.0.cpt": "97110", "planned_codes.0.icd10": "M17.11",
    "planned_codes.1.cpt": "97112", "planned_codes.1.icd10": "R26.81",
}


def test_saved_initial_assessment_fills_the_documents_that_follow(page, guard, tmp_path):
    open_form(page, "initial-assessment")
    fill(page, ASSESSMENT)
    _, path = save(page, tmp_path, "initial-assessment")
    sent = []
    page.on("request", lambda r: sent.append(r.url))
    for form_id, expect in [
        ("progress-report", {"client_name": "Alex Example", "last_assessment_date": "2026-03-02",
                             "measures.0.measure": "chair-stand-30s", "measures.0.baseline": "8",
                             "measures.1.measure": "tug", "measures.1.baseline": "14"}),
        ("discharge-summary", {"client_name": "Alex Example", "start_date": "2026-03-02",
                               "measures.1.measure": "tug", "measures.1.baseline": "14"}),
        ("session-log", {"client_name": "Alex Example", "minutes.0.cpt": "97110", "minutes.0.icd10": "M17.11",
                         "minutes.1.cpt": "97112", "minutes.1.icd10": "R26.81"}),
    ]:
        open_form(page, form_id)
        load(page, path, selector="#mf--chain", done="Filled in from")
        expect.update({"diagnoses.0.icd10": "M17.11", "diagnoses.0.description": "Primary osteoarthritis, right knee",
                       "diagnoses.1.icd10": "R26.81"})
        got = {k: ctl(page, k).input_value() for k in expect}
        assert got == expect, form_id
    # A session log is not an initial assessment: refused.
    open_form(page, "session-log")
    fill(page, {"client_name": "Other"})
    _, log = save(page, tmp_path, "session-log")
    open_form(page, "progress-report")
    load(page, log, selector="#mf--chain", done="another form")
    assert [u for u in sent if not u.startswith(("http://127.0.0.1", "blob:"))] == []
    assert guard.problems() == []


# 6. the offline forms in the download -------------------------------------------------------------

def test_offline_web_form_from_the_zip_works_from_file(page, context, site, tmp_path):
    with zipfile.ZipFile(site.dir / "forms" / "metdocs-forms.zip") as z:
        z.extractall(tmp_path)
    guard = install_guard(context, page, ("file://",))
    page.goto((tmp_path / "session-log.html").as_uri(), wait_until="load")
    page.wait_for_selector(".mf-wrap[data-mf-bound]")
    fill(page, TYPICAL["session-log"])
    page.locator(".mf-units summary").filter(has_text="CMS 8-minute rule: 3 units").wait_for()
    ctl(page, "diagnoses.1.icd10").fill("G35")
    ctl(page, "diagnoses.1.icd10").press("Tab")
    page.locator("#mf-diagnoses\\.1\\.icd10\\.icd").filter(has_text="not billable").wait_for()
    saved, _ = save(page, tmp_path, "session-log")
    assert saved["resourceType"] == "QuestionnaireResponse"
    assert (tmp_path / "session-log.pdf").is_file() and (tmp_path / "README.txt").is_file()
    assert guard.problems() == []


# 7. the README's example -------------------------------------------------------------------------

def test_readme_example_shows_what_the_readme_says(page, guard, tmp_path):
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    said = re.search(r"The form shows (\d+) total timed minutes, (\d+) units billed and (\d+) units the CMS "
                     r"8-minute rule allows \(([^)]*)\).*?\*\*Print\*\* puts it on (one|two) Letter pages?", readme)
    assert said, "the README no longer describes the example's figures"
    open_form(page, "session-log")
    load(page, EXAMPLE)
    assert ctl(page, "total_timed_minutes").input_value() == said[1]
    assert ctl(page, "units_billed").input_value() == said[2]
    assert ctl(page, "units_allowed").input_value() == said[3]
    assert page.locator(".mf-units summary").inner_text().startswith(f"CMS 8-minute rule: {said[3]} units ({said[4]})")
    assert run_check(page, "nothing an auditor would flag") == []
    page.emulate_media(media="print")
    _, pages = _pdf_text(page.pdf(format="Letter"), tmp_path, "example")
    assert pages == {"one": 1, "two": 2}[said[5]]
    page.emulate_media(media="screen")
    assert guard.problems() == []


# 8. print -----------------------------------------------------------------------------------------

def _pdf_text(pdf: bytes, tmp_path, name: str) -> tuple[str, int]:
    import pypdf
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text, len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("form_id", ["session-log", "progress-report"])
def test_typical_record_prints_on_two_pages_whole_and_without_chrome(page, guard, catalog, form_id, tmp_path):
    page.set_viewport_size({"width": LETTER_WIDTH_PX, "height": 1056})
    open_form(page, form_id)
    fill(page, TYPICAL[form_id])
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar", ".md-footer", ".md-tabs", ".mf-actions", ".mf-downloads", ".mf-chain"):
        visible = page.eval_on_selector_all(chrome, "es => es.filter(e => e.getClientRects().length).length")
        assert visible == 0, f"{form_id}: {chrome} is shown when printing"
    assert page.evaluate("document.documentElement.scrollWidth") <= LETTER_WIDTH_PX
    text, pages = _pdf_text(page.pdf(format="Letter"), tmp_path, form_id)
    assert pages <= 2, f"{form_id} prints on {pages} pages"
    flat = " ".join(text.split())
    names = {m.id: m.name for m in catalog.measures}
    missing = []
    for name, value in TYPICAL[form_id].items():
        if isinstance(value, bool) or re.fullmatch(r"[a-z0-9-]+", value) and not value.isdigit():
            continue  # a choice: its label is checked below
        for line in str(value).splitlines():
            if " ".join(line.split()) not in flat:
                missing.append(f"{name}: {line!r}")
    for r in range(4):
        mid = TYPICAL[form_id].get(f"measures.{r}.measure")
        if mid and names[mid] not in flat:
            missing.append(f"measure name cut off: {names[mid]}")
    assert not missing, "\n".join(missing)
    for web in ("fillable PDF", "Check the record", "Load a saved file", "metdocs · Medical"):
        assert web not in flat, f"{form_id}: {web!r} printed"
    page.emulate_media(media="screen")
    assert guard.problems() == []
