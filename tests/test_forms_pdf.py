"""The fillable PDFs as a trainer files them: read, filled and rendered by tools other than the writer.

* pypdf reads the AcroForm: no /MaxLen on free text, /Ff required from the definition, /DA with
  ZapfDingbats on every checkbox and radio, both fonts in the AcroForm /DR, title and language set;
* the client's name and the date of service are one field each, with a widget on every page;
* every page says "Page N of M" and carries the disclaimer and the CPT notice (poppler's pdftotext);
* each signature has its date beside it; date and time fields show the format to write;
* no table row is split across pages, and a table that fits on a page is not split at all;
* pypdf fills every field, poppler renders and reads the flattened result: every value shows,
  inside its box (unclipped);
* PyMuPDF (MuPDF, the viewer family that drew a "3" for a tick) fills every field the same way:
  every value shows, and a ticked box is drawn with ZapfDingbats.
"""

from __future__ import annotations

import io
import re
import subprocess
from html import unescape
from pathlib import Path

import pytest

from fs_helpers import need_command, need_module

from metdocs.forms.definition import CPT_NOTICE, DISCLAIMER
from metdocs.forms.pdf.layout import form_pdf

pypdf = need_module("pypdf")
FF_REQUIRED, FF_MULTILINE, FF_RADIO = 1 << 1, 1 << 12, 1 << 15


def _tool(name: str) -> str:
    return need_command(name, "poppler-utils")


@pytest.fixture(scope="module")
def forms(shipped_forms):
    return list(shipped_forms.values())


@pytest.fixture(scope="module")
def pdfs(forms, catalog) -> dict[str, bytes]:
    return {f.id: form_pdf(f, catalog) for f in forms}


def _kinds(form) -> dict[str, tuple]:
    """Control name -> (type, required, the field or column, the owning field)."""
    out = {}
    for f in form.fields():
        if f.type != "table":
            out[f.id] = (f.type, f.required, f, f)
            continue
        for r in range(f.rows):
            for c in f.columns:
                out[f"{f.id}.{r}.{c.id}"] = (c.type, f.required and c.required and r == 0, c, f)
    return out


def _value(name: str, kind: str) -> str:
    """What a trainer would write in a field of this kind."""
    return {"date": "2026-03-02", "time": "09:05", "integer": "12", "number": "11.5", "icd10": "M17.11",
            "signature": "Jordan Trainer, MedExPRO (certified 2024)",
            "text": "Sit-to-stand from a 45 cm chair, arms crossed, 3 x 10",
            "long-text": "Tolerated all sets; knee pain 2/10 before and 3/10 after, settled within five minutes "
                         "of rest. Needed one hand on the rail for tandem stance and asked to stop once.\n"
                         "Plan: progress the step height to 20 cm next week if pain stays at 3/10 or less, and "
                         "add side-stepping with the red band; review the home program at the next visit.",
            }.get(kind, "Entry")


def _widgets(reader) -> list[tuple[int, str, list[float], dict]]:
    """(page index, fully qualified field name, rect, widget) for every widget."""
    out = []
    for i, page in enumerate(reader.pages):
        for a in page.get("/Annots") or []:
            w = a.get_object()
            if w.get("/Subtype") != "/Widget":
                continue
            parts, node = [], w
            while node is not None:
                if "/T" in node:
                    parts.append(str(node["/T"]))
                node = node.get("/Parent").get_object() if "/Parent" in node else None
            out.append((i, ".".join(reversed(parts)), [float(v) for v in w["/Rect"]], w))
    return out


def _field_attr(w, key):
    node = w
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent").get_object() if "/Parent" in node else None
    return None


def test_fields_are_free_text_with_required_flags_from_the_definition(forms, pdfs):
    for form in forms:
        reader = pypdf.PdfReader(io.BytesIO(pdfs[form.id]))
        kinds = _kinds(form)
        fields = {n: f for n, f in reader.get_fields().items() if "/FT" in f}
        assert set(fields) == set(form.names()), form.id
        for name, f in fields.items():
            kind, required, item, owner = kinds[name]
            assert "/MaxLen" not in f, f"{form.id}: {name} is capped at {f['/MaxLen']} characters"
            ff = int(f.get("/Ff", 0))
            assert bool(ff & FF_REQUIRED) == required, f"{form.id}: {name} required flag {ff & FF_REQUIRED}, definition {required}"
            assert bool(ff & FF_MULTILINE) == (kind == "long-text"), (form.id, name)
            if kind == "choice" and item is owner:
                assert ff & FF_RADIO and set(f["/_States_"]) - {"/Off"}, (form.id, name)
    # Required and optional fields of both kinds exist, so the flags are really told apart.
    flags = {(k[0] == "checkbox", k[1]) for form in forms for k in _kinds(form).values()}
    assert {(False, True), (False, False), (True, True)} <= flags


def test_checkboxes_and_radios_draw_with_zapfdingbats(forms, pdfs):
    for form in forms:
        reader = pypdf.PdfReader(io.BytesIO(pdfs[form.id]))
        acro = reader.trailer["/Root"]["/AcroForm"]
        fonts = acro["/DR"]["/Font"]
        assert fonts["/ZaDb"].get_object()["/BaseFont"] == "/ZapfDingbats"
        assert fonts["/Helv"].get_object()["/BaseFont"] == "/Helvetica"
        assert "/NeedAppearances" not in acro  # poppler would redraw radios badly (tech notes)
        buttons = [w for _, _, _, w in _widgets(reader) if _field_attr(w, "/FT") == "/Btn"]
        assert buttons, form.id
        for w in buttons:
            assert str(_field_attr(w, "/DA")).startswith("/ZaDb"), (form.id, w)
            states = set(w["/AP"]["/N"].keys())
            assert "/Off" in states and len(states) == 2, states
        for _, name, _, w in _widgets(reader):
            if _field_attr(w, "/FT") in ("/Tx", "/Ch"):
                assert str(_field_attr(w, "/DA")).startswith("/Helv 0 Tf"), (form.id, name)


def test_document_title_language_and_page_furniture(forms, pdfs, tmp_path):
    pdftotext = _tool("pdftotext")
    for form in forms:
        reader = pypdf.PdfReader(io.BytesIO(pdfs[form.id]))
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "en-US"
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True
        assert reader.metadata.title == form.title
        pages = len(reader.pages)
        path = tmp_path / f"{form.id}.pdf"
        path.write_bytes(pdfs[form.id])
        for n in range(1, pages + 1):
            text = subprocess.run([pdftotext, "-f", str(n), "-l", str(n), str(path), "-"],
                                  capture_output=True, text=True, check=True).stdout
            flat = " ".join(text.split())
            assert f"Page {n} of {pages}" in flat, (form.id, n)
            assert DISCLAIMER in flat, (form.id, n)
            assert " ".join(CPT_NOTICE.split()) in flat, (form.id, n)
        # One field each for the client and the date of service, a widget on every page.
        for name in ("client_name", form.date_of_service):
            field = reader.get_fields()[name]
            kids = [k.get_object() for k in field["/Kids"]]
            assert len(kids) == pages, (form.id, name)
            on = sorted(reader.get_page_number(k["/P"].get_object()) if "/P" in k else -1 for k in kids)
            assert on == list(range(pages)), (form.id, name, on)


def test_signatures_are_dated_and_dates_show_their_format(forms, pdfs):
    for form in forms:
        reader = pypdf.PdfReader(io.BytesIO(pdfs[form.id]))
        where = {name: (page, rect) for page, name, rect, _ in _widgets(reader)}
        signatures = [f for f in form.fields() if f.type == "signature"]
        assert signatures, form.id
        for sig in signatures:
            page, rect = where[sig.id]
            dpage, drect = where[f"{sig.id}_date"]
            assert dpage == page and abs(drect[1] - rect[1]) < 1 and drect[0] > rect[2], (form.id, sig.id)
        texts = [" ".join(p.extract_text().split()) for p in reader.pages]
        for f in form.fields():
            if f.type in ("date", "time") and f.id not in ("client_name",):
                page, _ = where[f.id] if f.id != form.date_of_service else (0, None)
                hint = "YYYY-MM-DD" if f.type == "date" else "HH:MM"
                assert f"{f.label} ({hint}" in texts[page], (form.id, f.id)


def test_no_table_row_is_split_and_short_tables_stay_together(forms, pdfs):
    for form in forms:
        reader = pypdf.PdfReader(io.BytesIO(pdfs[form.id]))
        where = {name: (page, rect) for page, name, rect, _ in _widgets(reader)}
        for f in form.fields():
            if f.type != "table":
                continue
            pages = set()
            for r in range(f.rows):
                cells = [where[f"{f.id}.{r}.{c.id}"] for c in f.columns]
                assert len({p for p, _ in cells}) == 1, f"{form.id}: {f.id} row {r + 1} is split across pages"
                assert max(rect[1] for _, rect in cells) - min(rect[1] for _, rect in cells) < 4, (form.id, f.id, r)
                pages.add(cells[0][0])
            assert len(pages) == 1, f"{form.id}: table {f.id} ({f.rows} rows) is split across pages {sorted(pages)}"


def _fill_values(form, reader) -> dict:
    kinds = _kinds(form)
    values = {}
    for name, f in reader.get_fields().items():
        if "/FT" not in f:
            continue
        kind = kinds[name][0]
        if f["/FT"] == "/Btn":
            values[name] = sorted(s for s in f["/_States_"] if s != "/Off")[0]
        elif f["/FT"] == "/Ch":
            values[name] = str(f["/Opt"][-1][0])
        else:
            values[name] = _value(name, kind)
    return values


def _words(pdftotext: str, path: Path) -> list[tuple[int, float, float, float, float, str]]:
    html = subprocess.run([pdftotext, "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    out, page = [], -1
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            out.append((page, *map(float, m.groups()[:4]), unescape(m[5])))
    return out


def test_pypdf_fills_every_field_and_poppler_shows_every_value_unclipped(forms, pdfs, tmp_path):
    pdftotext, pdftoppm = _tool("pdftotext"), _tool("pdftoppm")
    for form in forms:
        reader = pypdf.PdfReader(io.BytesIO(pdfs[form.id]))
        values = _fill_values(form, reader)
        boxes = [(p, name, rect) for p, name, rect, _ in _widgets(reader)]
        height = float(reader.pages[0].mediabox.height)
        writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdfs[form.id]))
        writer.update_page_form_field_values(None, values, auto_regenerate=False)
        filled = tmp_path / f"{form.id}-filled.pdf"
        writer.write(filled)
        run = subprocess.run([pdftoppm, "-r", "40", "-png", str(filled), str(tmp_path / form.id)],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0 and "Error" not in run.stderr, run.stderr
        # Flatten (every field passed, widgets removed) so pdftotext reads the drawn values.
        flat = pypdf.PdfWriter(clone_from=filled)
        flat.update_page_form_field_values(None, values, auto_regenerate=False, flatten=True)
        flat.remove_annotations(subtypes="/Widget")
        del flat._root_object["/AcroForm"]
        flat_path = tmp_path / f"{form.id}-flat.pdf"
        flat.write(flat_path)
        words = _words(pdftotext, flat_path)
        missing = []
        for page, name, (x0, y0, x1, y1) in boxes:
            value = values[name]
            if value.startswith("/"):
                continue  # a ticked box or chosen radio: no text to read
            top, bottom = height - y1, height - y0
            inside = {w[5] for w in words if w[0] == page and w[1] >= x0 - 1 and w[3] <= x1 + 1
                      and w[2] >= top - 1 and w[4] <= bottom + 1}
            lost = [t for t in value.split() if t not in inside]
            if lost:
                missing.append(f"{name} (page {page + 1}): {lost[:4]} not shown inside its box")
        assert not missing, f"{form.id}:\n" + "\n".join(missing[:20])


def test_pymupdf_fills_every_field_and_ticks_with_zapfdingbats(forms, pdfs):
    pymupdf = need_module("pymupdf")
    for form in forms:
        kinds = _kinds(form)
        doc = pymupdf.open(stream=pdfs[form.id], filetype="pdf")
        expected = []
        for page in doc:
            for w in page.widgets():
                kind = kinds[w.field_name][0]
                if w.field_type_string in ("CheckBox", "RadioButton"):
                    w.field_value = w.on_state()
                    expected.append((page.number, w.field_name, w.rect, None))
                elif w.field_type_string == "ComboBox":
                    w.field_value = w.choice_values[-1][0]
                    expected.append((page.number, w.field_name, w.rect, w.choice_values[-1][0]))
                else:
                    w.field_value = _value(w.field_name, kind)
                    expected.append((page.number, w.field_name, w.rect, w.field_value))
                w.update()
        doc = pymupdf.open(stream=doc.tobytes(), filetype="pdf")
        doc.bake()
        problems = []
        for page_no, name, rect, value in expected:
            page = doc[page_no]
            if value is None:
                fonts = {s["font"] for b in page.get_text("dict", clip=rect)["blocks"] for l in b.get("lines", [])
                         for s in l["spans"]}
                if fonts and not all("Dingbats" in f for f in fonts):
                    problems.append(f"{name}: ticked with {fonts}, not ZapfDingbats")
                continue
            shown = " ".join(page.get_text("text", clip=rect + (-1, -1, 1, 1)).split())
            if " ".join(value.split()) not in shown:
                problems.append(f"{name}: {value!r} shows as {shown!r}")
        assert not problems, f"{form.id}:\n" + "\n".join(problems[:20])
