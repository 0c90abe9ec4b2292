"""Forms: definitions load and cover their elements; HTML, PDF and FHIR agree and are reproducible."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fs_helpers import need_command, need_module

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from metdocs.catalog.assemble import load_catalog  # noqa: E402
from metdocs.forms.fhir.questionnaire import BASE_URL, R4_ITEM_TYPES, link_id, questionnaire, questionnaire_json  # noqa: E402
from metdocs.forms.definition import load_forms  # noqa: E402
from metdocs.forms.sitefiles import form_files  # noqa: E402
from metdocs.forms.webform import form_page  # noqa: E402
from metdocs.forms.pdf.layout import form_pdf  # noqa: E402

pypdf = need_module("pypdf")
FORMS = ROOT / "templates" / "forms"
FIXTURE_CATALOG = ROOT / "tests" / "fixtures" / "forms" / "catalog"
DOC_TYPES = ["referral-request", "initial-assessment", "session-log", "progress-report",
             "change-in-status", "discharge-summary"]
HOSTILE = "<script>alert(1)</script>"


def _catalog():
    """The real catalog once it has document types and elements; the fixture until then."""
    real, problems = load_catalog(ROOT / "data" / "catalog")
    if real is not None and real.document_types and real.elements:
        return real
    fixture, problems = load_catalog(FIXTURE_CATALOG)
    assert fixture is not None, [str(p) for p in problems]
    return fixture


@pytest.fixture(scope="module")
def catalog():
    return _catalog()


@pytest.fixture(scope="module")
def forms(catalog):
    forms, problems = load_forms(FORMS, catalog)
    assert [str(p) for p in problems] == []
    return forms


def test_every_document_type_has_one_form_that_covers_its_elements(forms, catalog):
    assert sorted(f.document_type for f in forms) == sorted(DOC_TYPES)
    for form in forms:
        covered = {e for f in form.fields() for e in f.covers}
        needed = {e.id for e in catalog.elements if form.document_type in e.required_in}
        assert needed <= covered, (form.id, needed - covered)


def _copy_forms(tmp_path: Path) -> Path:
    target = tmp_path / "forms"
    shutil.copytree(FORMS, target)
    return target


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_removing_a_required_element_is_reported_at_the_document_type_line(tmp_path, catalog, doc_type, monkeypatch):
    monkeypatch.chdir(tmp_path)  # problems show paths relative to the working folder
    folder = _copy_forms(tmp_path)
    path = folder / f"{doc_type}.yaml"
    element = next(e for e in catalog.elements if doc_type in e.required_in)
    text = path.read_text()
    # Drop the element from every covers list, in flow ([a, b]) and block style.
    text = re.sub(rf"(?<=[\[ ,]){re.escape(element.id)}(?:, |(?=[\],]))", "", text)
    text = text.replace("[, ", "[").replace(", ]", "]")
    assert element.id not in text
    path.write_text(text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("document_type:"))
    _, problems = load_forms(folder, catalog)
    type_name = next(t.name for t in catalog.document_types if t.id == doc_type)
    expected = (f"forms/{doc_type}.yaml:{line}:16: error: expected the form to cover element '{element.id}' "
                f"({element.name}), required in {type_name}; found no field with it in covers")
    assert expected in [str(p) for p in problems]


def test_other_definition_errors_are_all_collected(tmp_path, catalog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = _copy_forms(tmp_path)
    log = folder / "session-log.yaml"
    text = log.read_text().replace("covers: [session-date]", "covers: [session-date, no-such-element]", 1)
    text = text.replace("id: session_number,", "id: client_name,", 1)
    log.write_text(text)
    (folder / "second-log.yaml").write_text(log.read_text().replace("id: session-log", "id: second-log", 1))
    bad_type = folder / "referral-request.yaml"
    bad_type.write_text(bad_type.read_text().replace("document_type: referral-request", "document_type: nope"))
    _, problems = load_forms(folder, catalog)
    messages = "\n".join(map(str, problems))
    assert "found 'no-such-element'" in messages
    assert "found 'client_name' again" in messages
    assert "expected one form per document type, found 'session-log' also in form" in messages
    assert "referral-request.yaml:4:16: error: expected a document type from the catalog" in messages


def _field_names(pdf: bytes) -> set[str]:
    fields = pypdf.PdfReader(io.BytesIO(pdf)).get_fields()
    return {name for name, f in fields.items() if "/FT" in f}  # terminal fields, not table/row nodes


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls, self.labels, self.text = {}, set(), []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "select", "textarea") and "name" in a:
            self.controls[a["name"]] = a
        if tag == "label" and "for" in a:
            self.labels.add(a["for"])
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if not self._in_script:
            self.text.append(data)


def _html(form, catalog) -> _Controls:
    p = _Controls()
    p.feed(form_page(form, catalog))
    return p


def test_html_has_a_labelled_control_for_every_name(forms, catalog):
    for form in forms:
        page = _html(form, catalog)
        assert set(page.controls) == set(form.names()), form.id
        for name, attrs in page.controls.items():
            assert attrs.get("id") in page.labels, (form.id, name)
        for f in form.fields():
            if f.type != "table":
                assert ("required" in page.controls[f.id]) == f.required, (form.id, f.id)
                assert page.controls[f.id].get("data-covers", "").split() == list(f.covers)
                assert ("readonly" in page.controls[f.id]) == (f.calculate != "none"), (form.id, f.id)
        html = form_page(form, catalog)
        assert f"({form.id}.pdf)" in html and f"({form.id}.questionnaire.json)" in html
        assert not re.search(r"\son[a-z]+=", html), "inline event handler"
        assert not re.search(r"(src|href|action)=\"?https?:", html), "external request"
        for action in ("check", "save", "load", "print"):
            assert f'data-action="{action}"' in html


def test_html_control_types_follow_the_definition(forms, catalog):
    kinds = {"date": ("input", "date"), "time": ("input", "time"), "integer": ("input", "number"),
             "number": ("input", "number"), "icd10": ("input", "text"), "signature": ("input", "text"),
             "text": ("input", "text"), "checkbox": ("input", "checkbox")}
    seen = set()
    for form in forms:
        page = _html(form, catalog)
        for f in form.fields():
            cells = [(f.id, f)] if f.type != "table" else [(f"{f.id}.0.{c.id}", c) for c in f.columns]
            for name, item in cells:
                attrs = page.controls[name]
                seen.add(item.type)
                if item.type in kinds and "readonly" not in attrs:
                    assert attrs.get("type") == kinds[item.type][1], (form.id, name, attrs)
                if item.type == "integer":
                    assert attrs.get("step") == "1", (form.id, name)
                if item.type == "icd10":
                    assert attrs.get("data-icd10") == "true", (form.id, name)
    assert {"date", "time", "integer", "number", "icd10", "choice", "checkbox", "long-text", "signature"} <= seen


def test_pdf_fields_equal_the_definition_and_render(forms, catalog, tmp_path):
    pdftoppm = need_command("pdftoppm", "poppler-utils")
    for form in forms:
        pdf = form_pdf(form, catalog)
        assert _field_names(pdf) == set(form.names()), form.id
        path = tmp_path / f"{form.id}.pdf"
        path.write_bytes(pdf)
        out = tmp_path / form.id
        run = subprocess.run([pdftoppm, "-r", "50", "-singlefile", "-png", str(path), str(out)],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        assert (tmp_path / f"{form.id}.png").stat().st_size > 1000


def _items(items):
    for it in items:
        yield it
        yield from _items(it.get("item", []))


def test_questionnaires_validate_as_r4b_with_r4_item_types(forms, catalog):
    from fhir.resources.R4B.questionnaire import Questionnaire
    for form in forms:
        q = questionnaire(form, catalog)
        Questionnaire.model_validate(q)
        assert q["url"] == f"{BASE_URL}/Questionnaire/{form.id}" and q["version"] == form.version
        items = list(_items(q["item"]))
        assert {it["type"] for it in items} <= R4_ITEM_TYPES
        ids = [it["linkId"] for it in items]
        assert len(ids) == len(set(ids)), form.id


def test_three_renderings_agree_on_names(forms, catalog):
    for form in forms:
        html = set(_html(form, catalog).controls)
        pdf = _field_names(form_pdf(form, catalog))
        q = questionnaire(form, catalog)
        answerable = {it["linkId"] for it in _items(q["item"]) if it["type"] not in ("group", "display")}
        assert html == pdf, form.id
        assert {link_id(n) for n in html} == answerable, form.id


def test_two_renderings_give_identical_bytes(forms, catalog):
    from metdocs.catalog.icd import code_set
    assets = ROOT / "site_src" / "assets"
    a = form_files(forms, catalog, icd=code_set(), assets=assets)
    b = form_files(forms, catalog, icd=code_set(), assets=assets)
    assert a == b
    icd_name = f"icd10cm-{code_set().release}.js"
    assert set(a) == {"forms/index.md", "forms/metdocs-forms.zip", f"forms/{icd_name}"} | {
        f"forms/{f.id}{ext}" for f in forms for ext in (".md", ".pdf", ".questionnaire.json")}
    z = zipfile.ZipFile(io.BytesIO(a["forms/metdocs-forms.zip"]))
    names = z.namelist()
    # All three renderings of every form, the code set the web forms check against, and a README.
    assert names == sorted(names)
    assert set(names) == {"README.txt", icd_name} | {f"{f.id}{ext}" for f in forms
                                                     for ext in (".pdf", ".questionnaire.json", ".html")}
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
    for name in names:
        if name.endswith((".pdf", ".json", ".js")):
            assert z.read(name) == a[f"forms/{name}"]
    readme = z.read("README.txt").decode()
    assert "offline" in readme and "QuestionnaireResponse" in readme and "not billing or legal advice" in readme
    for f in forms:
        page = z.read(f"{f.id}.html").decode()
        # Self-contained: no file or host is needed but the PDF and code set beside it.
        assert not re.search(r"<(?:script|link|img)[^>]+(?:src|href)=", page), f.id
        assert 'class="mf-pdf" href="' + f.id + '.pdf"' in page
        assert "window.metdocsUnits" in page and "mf-data" in page
    assert a["forms/session-log.questionnaire.json"].endswith(b"}\n")
    # Without the code set or the assets folder there is nothing to put offline: PDFs and JSON only.
    bare = zipfile.ZipFile(io.BytesIO(form_files(forms, catalog)["forms/metdocs-forms.zip"])).namelist()
    assert len(bare) == 2 * len(forms)


def test_hostile_label_shows_as_text_everywhere(tmp_path, catalog):
    folder = _copy_forms(tmp_path)
    path = folder / "session-log.yaml"
    path.write_text(path.read_text().replace("label: Client name,", f"label: '{HOSTILE}',", 1)
                    .replace("title: Session log", f"title: '{HOSTILE}'", 1))
    forms, problems = load_forms(folder, catalog)
    assert not [p for p in problems if p.is_error]
    form = next(f for f in forms if f.id == "session-log")
    html = form_page(form, catalog)
    assert "<script>alert" not in html
    page = _html(form, catalog)
    assert HOSTILE in "".join(page.text)  # the parser decodes entities: the reader sees the text
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(form_pdf(form, catalog))).pages)
    assert HOSTILE in text
    q = json.loads(questionnaire_json(form, catalog))
    assert q["title"] == HOSTILE
    assert any(it.get("text") == HOSTILE for it in _items(q["item"]))


EXAMPLE = ROOT / "site_src" / "examples" / "session-log-filled.json"


def test_fill_writes_the_readme_example_as_a_filled_pdf_and_response(tmp_path, run_cli):
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    pdf, fhir = tmp_path / "filled.pdf", tmp_path / "again.json"
    code, out, err = run_cli("fill", str(EXAMPLE), "--pdf", str(pdf), "--fhir", str(fhir), cwd=ROOT)
    assert code == 0, err
    fields = pypdf.PdfReader(pdf).get_fields()
    assert fields["client_name"]["/V"] == "Alex Example"
    assert fields["minutes.0.cpt"]["/V"] == "97110" and fields["minutes.1.units"]["/V"] == "1"
    assert fields["unit_rule"]["/V"] == "/cms" and fields["scope_acknowledged"]["/V"] == "/Yes"
    assert fields["start_time"]["/V"] == "09:00"
    saved = json.loads(EXAMPLE.read_text())
    again = json.loads(fhir.read_text())
    QuestionnaireResponse.model_validate(again)
    assert again["item"] == saved["item"], "the example no longer round-trips through the current form"


def test_fill_turns_a_version_1_file_into_a_response(tmp_path, run_cli):
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"form": "discharge-summary", "version": "1.0.0", "values": {
        "client_name": "Alex Example", "discharge_reason": "Plateau reached", "sessions_total": 11}}))
    out = tmp_path / "new.json"
    code, _, err = run_cli("fill", str(old), "--fhir", str(out), cwd=ROOT)
    assert code == 0, err
    answers = {it["linkId"]: it["answer"][0] for it in _items(json.loads(out.read_text())["item"]) if "answer" in it}
    assert answers["discharge_reason"]["valueCoding"]["code"] == "plateau-reached"
    assert answers["sessions_total"] == {"valueInteger": 11}


def test_fill_reads_measure_quantities_and_earlier_decimals(tmp_path, run_cli):
    """A progress report saved with units (valueQuantity) and one saved before them (valueDecimal)
    both fill the PDF with the numbers, and come out with the measure's unit."""
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    url = "https://metdocs.example.org/fhir/Questionnaire/progress-report|1.0.0"
    tug = {"system": "https://metdocs.example.org/fhir/CodeSystem/outcome-measures", "code": "tug"}
    seconds = {"unit": "seconds", "system": "http://unitsofmeasure.org", "code": "s"}
    for kind, value in [("new", lambda v: {"valueQuantity": {"value": v, **seconds}}),
                        ("earlier", lambda v: {"valueDecimal": v})]:
        saved = tmp_path / f"{kind}.json"
        saved.write_text(json.dumps({"resourceType": "QuestionnaireResponse", "questionnaire": url, "status": "in-progress",
                                     "item": [{"linkId": "measurements", "item": [{"linkId": "measures", "item": [
                                         {"linkId": "measures.measure", "answer": [{"valueCoding": tug}]},
                                         {"linkId": "measures.baseline", "answer": [value(14)]},
                                         {"linkId": "measures.current", "answer": [value(11.5)]}]}]}]}))
        pdf, fhir = tmp_path / f"{kind}.pdf", tmp_path / f"{kind}-again.json"
        code, _, err = run_cli("fill", str(saved), "--pdf", str(pdf), "--fhir", str(fhir), cwd=ROOT)
        assert code == 0, err
        fields = pypdf.PdfReader(pdf).get_fields()
        assert (fields["measures.0.baseline"]["/V"], fields["measures.0.current"]["/V"]) == ("14", "11.5"), kind
        again = json.loads(fhir.read_text())
        QuestionnaireResponse.model_validate(again)
        answers = {it["linkId"]: it["answer"][0] for it in _items(again["item"]) if "answer" in it}
        assert answers["measures.current"] == {"valueQuantity": {"value": 11.5, **seconds}}, kind


@pytest.mark.parametrize("content, message", [
    ("{not json", "expected a saved form (JSON), found JSONDecodeError"),
    ('{"resourceType": "Patient"}', "expected a FHIR QuestionnaireResponse saved by a metdocs form"),
    ('{"resourceType": "QuestionnaireResponse", "questionnaire": "https://x.org/Questionnaire/y|1"}',
     "expected a response to one of this project's forms (change-in-status, discharge-summary"),
])
def test_fill_rejects_what_is_not_a_saved_form_and_writes_nothing(tmp_path, run_cli, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    code, out, err = run_cli("fill", str(bad), "--pdf", str(tmp_path / "out.pdf"), cwd=ROOT)
    assert code == 1 and message in err and "Traceback" not in err
    assert err.splitlines()[0].startswith(f"{bad}: error: ")
    assert not (tmp_path / "out.pdf").exists()
    code, _, err = run_cli("fill", str(bad), cwd=ROOT)
    assert code == 2 and "expected --pdf FILE, --fhir FILE or both" in err


def test_every_required_element_is_covered_in_every_rendering(forms, catalog):
    from metdocs.forms.fhir.questionnaire import ELEMENT_SYSTEM
    for form in forms:
        html = _html(form, catalog)
        pdf = _field_names(form_pdf(form, catalog))
        q = questionnaire(form, catalog)
        fhir_codes = {c["code"]: it["linkId"] for it in _items(q["item"]) for c in it.get("code", [])
                      if c["system"] == ELEMENT_SYSTEM}
        for e in catalog.elements:
            if form.document_type not in e.required_in:
                continue
            fields = [f for f in form.fields() if e.id in f.covers]
            assert fields, (form.id, e.id)
            names = {n for f in fields for n in form.names() if n == f.id or n.startswith(f.id + ".")}
            assert any(e.id in html.controls[n].get("data-covers", "").split() for n in names), (form.id, e.id)
            assert names & pdf, (form.id, e.id)
            assert fhir_codes.get(e.id) in {f.id for f in fields}, (form.id, e.id)


def test_radio_and_checkbox_appearances_are_centred_in_their_box(forms, catalog):
    for form in forms:
        reader = pypdf.PdfReader(io.BytesIO(form_pdf(form, catalog)))
        for page in reader.pages:
            for a in page.get("/Annots") or []:
                w = a.get_object()
                if "/AP" not in w or "/AS" not in w:
                    continue
                x0, y0, x1, y1 = (float(v) for v in w["/Rect"])
                for state, stream in w["/AP"]["/N"].items():
                    s = stream.get_object()
                    assert [float(v) for v in s["/BBox"]] == pytest.approx([0, 0, x1 - x0, y1 - y0], abs=0.01), (form.id, state)
                    data = s.get_data().decode()
                    # Each circle (a radio's ring and dot) is drawn from " m" through four " c" curves:
                    # its points must be centred on the box, or two offset circles show.
                    for circle in re.findall(r"([-\d. ]+) m ((?:[-\d. ]+ c ?){4})", data):
                        xy = [float(n) for n in " ".join(circle).replace("c", " ").split()]
                        cx = (max(xy[0::2]) + min(xy[0::2])) / 2
                        cy = (max(xy[1::2]) + min(xy[1::2])) / 2
                        assert abs(cx - (x1 - x0) / 2) < 0.05 and abs(cy - (y1 - y0) / 2) < 0.05, (form.id, state)


def test_new_definition_checks_are_collected(tmp_path, catalog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = _copy_forms(tmp_path)
    log = folder / "session-log.yaml"
    text = log.read_text()
    for old, new in [
        ("date_of_service: session_date", "date_of_service: start_time"),
        ("- {id: medexpro_signature_date, label: Date signed, type: date, required: true}\n", ""),
        ("calculate: timed-minutes\n        based_on: minutes", "calculate: timed-minutes\n        based_on: exercises"),
        # the session log leaves these relations to the rulebook now: written in, each wrong
        ("        covers: [total-session-minutes]", "        at_least: client_name\n        within: [start_time]\n"
                                                 "        covers: [total-session-minutes]"),
        ("        covers: [session-start-stop]\n        help: The time",
         "        not_before: session_date\n        covers: [session-start-stop]\n        help: The time"),
    ]:
        assert old in text, old
        text = text.replace(old, new, 1)
    log.write_text(text)
    ia = folder / "initial-assessment.yaml"
    ia.write_text(ia.read_text().replace('options: ["Yes", "No", Not yet known]', 'options: ["Yes", "yes!"]', 1))
    log.write_text(log.read_text().replace("{id: icd10, label: ICD-10-CM code, type: icd10, required: true}",
                                           "{id: icd10, label: ICD-10-CM code, type: text, required: true}", 1))
    _, problems = load_forms(folder, catalog)
    messages = "\n".join(map(str, problems))
    assert "expected date_of_service to name a required date field, found 'start_time' (a required time field)" in messages
    assert ("field 'medexpro_signature': expected the signature to be followed by its date field "
            "'medexpro_signature_date' (type date, required as the signature is), found nothing") in messages
    assert "field 'total_timed_minutes': expected an integer field whose based_on names a 'units' table" in messages
    assert "field 'total_minutes': expected at_least on a number field to name a number field, found 'client_name'" in messages
    assert "field 'end_time': expected not_before on a date or time field to name a field of the same type" in messages
    assert "field 'total_minutes': expected within on a number field to name a start and a stop time field" in messages
    assert "field 'preauth_required': expected options that differ in letters or digits" in messages
    assert "column 'icd10': expected a 'diagnoses' table with an icd10 column to take the choices from" in messages
    assert messages.count("error:") >= 7
