"""Render a form definition as a fillable page: Markdown around one raw HTML block.

The HTML is plain and script-free apart from one JSON data block: behaviour
comes from `site_src/assets/javascripts/forms.js`, which finds the controls by
`name` and by `data-*` attributes. That keeps the page CSP-friendly (no inline
handlers) and means nothing is sent anywhere: the form has no submit button
and no action.

Every control has a `<label for>`; table cells get a visually hidden label
("Minutes, row 2") because the column header alone is not announced reliably.
All text from the definition or the catalog goes through `html.escape` (HTML)
or `md_text` (Markdown), so a label can never become markup.
"""

from __future__ import annotations

import json
from html import escape

from .forms import Column, Form, FormField, column_options
from .model import Catalog
from .render import md_text

_INPUT_TYPE = {"text": "text", "date": "date", "number": "number"}


def control_id(name: str) -> str:
    """The HTML id of the control named `name` (ids may contain dots; JS uses getElementById)."""
    return f"mf-{name}"


def _attr(name: str, value) -> str:
    return f' {name}="{escape(str(value), quote=True)}"'


def _control(name: str, kind: str, *, options=(), required=False, covers=(), extra="") -> str:
    """One control; `kind` is a field or column type other than table."""
    attrs = _attr("id", control_id(name)) + _attr("name", name)
    if covers:
        attrs += _attr("data-covers", " ".join(covers))
    if required:
        attrs += " required"
    attrs += extra
    if kind == "long-text":
        return f"<textarea{attrs} rows=\"3\"></textarea>"
    if kind == "checkbox":
        return f"<input type=\"checkbox\"{attrs} value=\"yes\">"
    if kind == "choice":
        opts = "".join(f"<option{_attr('value', v)}>{escape(t)}</option>" for v, t in options)
        return f"<select{attrs}><option value=\"\"></option>{opts}</select>"
    step = ' step="any" inputmode="decimal"' if kind == "number" else ""
    return f"<input type=\"{_INPUT_TYPE[kind]}\"{attrs}{step}>"


def _field(f: FormField, catalog: Catalog) -> list[str]:
    req = ' <span class="mf-required">(required)</span>' if f.required else ""
    help_id = control_id(f.id) + "-help"
    described = _attr("aria-describedby", help_id) if f.help else ""
    help_html = f"<p class=\"mf-help\"{_attr('id', help_id)}>{escape(f.help)}</p>" if f.help else ""
    if f.type == "table":
        return _table(f, catalog, req, help_html)
    extra = described
    if f.calculate == "due-30-days":
        extra += _attr("data-due-from", f.based_on) + _attr("data-due-days", 30)
    control = _control(f.id, f.type, options=[(o, o) for o in f.options], required=f.required,
                       covers=f.covers, extra=extra)
    label = f"<label{_attr('for', control_id(f.id))}>{escape(f.caption)}{req}</label>"
    # A checkbox reads best with its box first, like on paper.
    body = f"{control} {label}" if f.type == "checkbox" else f"{label}{control}"
    return [f"<div class=\"mf-field mf-{f.type}\"{_attr('data-field', f.id)}>{body}{help_html}</div>"]


def _cell(f: FormField, row: int, c: Column, catalog: Catalog) -> str:
    name = f"{f.id}.{row}.{c.id}"
    hidden = f"<label class=\"mf-sr\"{_attr('for', control_id(name))}>{escape(c.caption)}, row {row + 1}</label>"
    control = _control(name, c.type, options=column_options(c, catalog), covers=f.covers,
                       extra=_attr("data-column", c.id) + _attr("data-row", row))
    return f"<td>{hidden}{control}</td>"


def _table(f: FormField, catalog: Catalog, req: str, help_html: str) -> list[str]:
    attrs = _attr("id", control_id(f.id)) + _attr("data-field", f.id) + _attr("data-covers", " ".join(f.covers))
    if f.required:
        attrs += ' data-required="true"'
    if f.calculate != "none":
        attrs += _attr("data-calculate", f.calculate)
    if f.calculate == "units":
        attrs += _attr("data-timed-codes", " ".join(c.code for c in catalog.cpt_codes if c.timed))
    heads = "".join(f"<th scope=\"col\">{escape(c.caption)}</th>" for c in f.columns)
    result = "<th scope=\"col\">Change</th>" if f.calculate == "change" else ""
    lines = [f"<div class=\"mf-field mf-table-field\"{_attr('data-field', f.id)}>",
             f"<table class=\"mf-table\"{attrs}>",
             f"<caption>{escape(f.label)}{req}</caption>",
             f"<thead><tr>{heads}{result}</tr></thead>", "<tbody>"]
    for r in range(f.rows):
        cells = "".join(_cell(f, r, c, catalog) for c in f.columns)
        if f.calculate == "change":
            cells += f"<td><output class=\"mf-change\"{_attr('data-row', r)}></output></td>"
        lines.append(f"<tr>{cells}</tr>")
    lines += ["</tbody>", "</table>"]
    if f.calculate == "units":
        lines.append(f"<div class=\"mf-units\" aria-live=\"polite\"{_attr('data-units-for', f.id)}></div>")
    lines.append(f"{help_html}</div>")
    return lines


def page_data(form: Form, catalog: Catalog) -> dict:
    """What forms.js needs, embedded as JSON: element names, required fields, measures."""
    doc_type = next((t for t in catalog.document_types if t.id == form.document_type), None)
    return {
        "form": form.id,
        "version": form.version,
        "document_type": form.document_type,
        "document_type_name": doc_type.name if doc_type else form.document_type,
        "elements": {e.id: e.name for e in catalog.elements},
        "required_elements": [e.id for e in catalog.elements if form.document_type in e.required_in],
        "fields": [{"id": f.id, "label": f.label, "type": f.type, "required": f.required, "covers": list(f.covers)}
                   for f in form.fields()],
        "measures": {m.id: {"name": m.name, "unit": m.unit, "better": m.better,
                            "meaningful_change": m.meaningful_change, "change_kind": m.change_kind}
                     for m in catalog.measures},
    }


def _json_script(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    # '<', '>' and '&' as \u escapes: a label containing "</script>" cannot end the block early.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"<script type=\"application/json\" class=\"mf-data\">{text}</script>"


def form_page(form: Form, catalog: Catalog) -> str:
    """The Markdown of `forms/<form-id>.md`."""
    md = [f"# {md_text(form.title)}", "", md_text(form.description), ""]
    if form.notice:
        md += ['!!! warning "Scope of practice"', "", f"    {md_text(form.notice)}", ""]
    md += [f"Version {md_text(form.version)}. Download: [fillable PDF]({form.id}.pdf) · "
           f"[FHIR Questionnaire (JSON)]({form.id}.questionnaire.json). "
           "What you type stays in this browser: save it to a file on your computer and load it back later.", ""]
    html = [f"<div class=\"mf-wrap\"{_attr('data-form', form.id)}>", _json_script(page_data(form, catalog)),
            f"<form class=\"mf-form\" autocomplete=\"off\"{_attr('id', 'mf-form-' + form.id)}"
            f"{_attr('aria-label', form.title)}>"]
    for s in form.sections:
        html.append(f"<fieldset{_attr('id', 'mf-section-' + s.id)}><legend>{escape(s.title)}</legend>")
        if s.help:
            html.append(f"<p class=\"mf-help\">{escape(s.help)}</p>")
        for f in s.fields:
            html += _field(f, catalog)
        html.append("</fieldset>")
    html += [
        "<div class=\"mf-actions\">",
        '<button type="button" class="md-button" data-action="check">Check required elements</button>',
        '<button type="button" class="md-button" data-action="save">Save to a file</button>',
        '<label class="md-button" for="mf-load">Load a saved file</label>'
        '<input type="file" id="mf-load" class="mf-sr" accept=".json,application/json" data-action="load">',
        '<button type="button" class="md-button" data-action="print">Print</button>',
        "</div>",
        '<div class="mf-status" role="status" aria-live="polite"></div>',
        "</form>", "</div>",
    ]
    # No blank line inside the block: Markdown keeps it as one raw HTML block.
    return "\n".join(md + html) + "\n"
