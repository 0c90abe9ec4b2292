"""`metdocs fill`: a record saved by a web form, written out as a filled PDF and a FHIR response.

A trainer who filled a form in the browser has a saved file: a FHIR R4
QuestionnaireResponse (or, from version 1 of the forms, `{form, version,
values}`). This turns it into the same form's PDF with every field filled in
(pypdf writes the values and their appearance; the PDF stays fillable), and
into a QuestionnaireResponse of the current version. It is the Python twin of
the web form's loading code (forms.js `valuesFromResponse`).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from metdocs.errors import DataError, Location, Problem
from metdocs.forms.fhir.questionnaire import BASE_URL
from metdocs.forms.fhir.response import questionnaire_response
from metdocs.forms.definition import Form, choice_options
from metdocs.catalog.model import Catalog
from metdocs.forms.pdf.layout import form_pdf
from metdocs.forms.saved import load_record


def read_saved(path: Path, forms: list[Form], catalog: Catalog, saved=None) -> tuple[Form, dict]:
    """The form a saved file belongs to, and its control values (`{"minutes.0.cpt": "97110", ...}`).
    `saved`: the file's content as `saved.load_record` read it already.

    Raises:
        DataError: The file is missing, not JSON, not a record of one of `forms`, or of a shape
            no form saves (every problem located: saved.py).
    """
    where = Location.of(path)
    saved = load_record(path) if saved is None else saved
    by_id = {f.id: f for f in forms}
    if isinstance(saved, dict) and saved.get("resourceType") == "QuestionnaireResponse":
        url = saved.get("questionnaire", "").split("|")[0]
        form_id = url.removeprefix(f"{BASE_URL}/Questionnaire/")
        if form_id not in by_id:
            raise DataError([Problem(where, f"expected a response to one of this project's forms "
                                            f"({', '.join(sorted(by_id))}), found questionnaire '{url}'")])
        form = by_id[form_id]
        return form, _codes(form, catalog, _values(form, saved.get("item") or []))
    if isinstance(saved, dict) and isinstance(saved.get("form"), str) and saved["form"] in by_id \
            and isinstance(saved.get("values"), dict):
        form = by_id[saved["form"]]
        return form, _codes(form, catalog, dict(saved["values"]))
    raise DataError([Problem(where, "expected a FHIR QuestionnaireResponse saved by a metdocs form, "
                                    "found another kind of JSON")])


def _codes(form: Form, catalog: Catalog, values: dict) -> dict:
    """Choices saved as their words (version 1 files) become their codes, as the web form does."""
    out = dict(values)
    for f in form.fields():
        items = [(f.id, f)] if f.type != "table" else [(f"{f.id}.{r}.{c.id}", c) for r in range(f.rows)
                                                       for c in f.columns]
        for name, item in items:
            if item.type == "choice" and name in out:
                by_label = {label: code for code, label in choice_options(item, catalog)}
                out[name] = by_label.get(out[name], out[name])
    return out


def _values(form: Form, items: list) -> dict:
    fields = {f.id: f for f in form.fields()}
    values: dict = {}
    rows: dict[str, int] = {}

    def walk(items):
        for it in items:
            f = fields.get(it.get("linkId"))
            if f is not None and f.type == "table":
                r = rows[f.id] = rows.get(f.id, -1) + 1
                for cell in it.get("item") or []:
                    values[f"{f.id}.{r}.{cell['linkId'][len(f.id) + 1:]}"] = _value(cell)
            elif f is not None:
                values[f.id] = _value(it)
            else:
                walk(it.get("item") or [])
    walk(items)
    return values


def _value(item: dict):
    answers = item.get("answer") or [{}]
    for key, v in answers[0].items():
        if key == "valueCoding":
            return v.get("code", "")
        if key == "valueTime":
            return str(v)[:5]
        if key == "valueQuantity":
            return v.get("value", "") if isinstance(v, dict) else ""
        if key.startswith("value"):
            return v
    return ""


def filled_pdf(form: Form, catalog: Catalog, values: dict) -> bytes:
    """The form's PDF with `values` in its fields (checkboxes ticked, radio options chosen)."""
    from pypdf import PdfWriter
    kinds = {f.id: f for f in form.fields()}
    out = {}
    for name in form.names():
        v = values.get(name)
        if v in (None, "", False):
            continue
        f = kinds.get(name)
        if f is not None and f.type == "checkbox":
            out[name] = "/Yes"
        elif f is not None and f.type == "choice":
            out[name] = f"/{v}"  # a radio button's export value is its code
        else:
            out[name] = str(v)
    writer = PdfWriter(clone_from=io.BytesIO(form_pdf(form, catalog)))
    writer.update_page_form_field_values(None, out, auto_regenerate=False)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def response_json(form: Form, catalog: Catalog, values: dict) -> bytes:
    return (json.dumps(questionnaire_response(form, catalog, values), indent=2, ensure_ascii=False) + "\n").encode()
