"""Forms: definitions load and cover their elements; HTML, PDF and FHIR agree and are reproducible."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.catalog import load_catalog  # noqa: E402
from generator.fhir import BASE_URL, R4_ITEM_TYPES, link_id, questionnaire, questionnaire_json  # noqa: E402
from generator.forms import load_forms  # noqa: E402
from generator.formsite import form_files  # noqa: E402
from generator.htmlform import form_page  # noqa: E402
from generator.pdf import form_pdf  # noqa: E402

pypdf = pytest.importorskip("pypdf")
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
        html = form_page(form, catalog)
        assert f"({form.id}.pdf)" in html and f"({form.id}.questionnaire.json)" in html
        assert not re.search(r"\son[a-z]+=", html), "inline event handler"
        assert not re.search(r"(src|href|action)=\"?https?:", html), "external request"
        for action in ("check", "save", "load", "print"):
            assert f'data-action="{action}"' in html


def test_pdf_fields_equal_the_definition_and_render(forms, catalog, tmp_path):
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None and os.environ.get("CI") != "true":
        pytest.skip("pdftoppm (poppler-utils) is not installed")
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
    a, b = form_files(forms, catalog), form_files(forms, catalog)
    assert a == b
    assert set(a) == {"forms/index.md", "forms/metdocs-forms.zip"} | {
        f"forms/{f.id}{ext}" for f in forms for ext in (".md", ".pdf", ".questionnaire.json")}
    z = zipfile.ZipFile(io.BytesIO(a["forms/metdocs-forms.zip"]))
    names = z.namelist()
    assert names == sorted(names) and len(names) == 2 * len(forms)
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
    for name in names:
        assert z.read(name) == a[f"forms/{name}"]
    assert a["forms/session-log.questionnaire.json"].endswith(b"}\n")


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
