"""Render a form definition as a fillable page: Markdown around one raw HTML block.

The HTML is plain and script-free apart from one JSON data block: behaviour
comes from `site_src/assets/javascripts/forms.js`, which finds the controls by
`name` and by `data-*` attributes. That keeps the page CSP-friendly (no inline
handlers) and means nothing is sent anywhere: the form has no submit button
and no action; files are saved and loaded by the browser itself.

Every control has a `<label for>`; table cells get a visually hidden label
("Minutes, row 2") because the column header alone is not announced reliably.
All text from the definition or the catalog goes through `html.escape` (HTML)
or `md_text` (Markdown), so a label can never become markup.

Each control is followed by an `aria-hidden` print mirror that forms.js keeps
equal to what the control shows: on paper a select shows its whole label and a
text area all its lines, which the controls themselves would cut off.
"""

from __future__ import annotations

import json
from html import escape

from metdocs.forms.fhir.questionnaire import canonical, measure_quantity
from metdocs.forms.fhir.response import answer_map
from metdocs.forms.definition import CPT_NOTICE, DISCLAIMER, Column, Form, FormField, choice_options
from metdocs.catalog.model import Catalog
from metdocs.escape import md_text
from metdocs.rules.audit import records
from metdocs.rules.measures import reassess_days

_INPUT_TYPE = {"text": "text", "signature": "text", "icd10": "text", "date": "date", "time": "time",
               "number": "number", "integer": "number"}

CHAINS = {
    # form id -> what "Fill in from the initial assessment" copies: plain fields (target <- source)
    # and table rows (target table <- source table, with target column <- source column).
    "progress-report": {"fields": {"client_name": "client_name", "last_assessment_date": "assessment_date"},
                        "tables": {"diagnoses": ["diagnoses", {"icd10": "icd10", "description": "description"}],
                                   "measures": ["baseline_measures", {"measure": "measure", "baseline": "baseline"}]}},
    "discharge-summary": {"fields": {"client_name": "client_name", "start_date": "assessment_date"},
                          "tables": {"diagnoses": ["diagnoses", {"icd10": "icd10", "description": "description"}],
                                     "measures": ["baseline_measures", {"measure": "measure", "baseline": "baseline"}]}},
    "session-log": {"fields": {"client_name": "client_name"},
                    "tables": {"diagnoses": ["diagnoses", {"icd10": "icd10", "description": "description"}],
                               "minutes": ["planned_codes", {"cpt": "cpt", "icd10": "icd10"}]}},
}
"""Documents that chain: each reads a saved initial assessment (never sent anywhere)."""
CHAIN_SOURCE = "initial-assessment"

RECORDS = {
    # document type -> the record forms.js builds for rulebook.js: its kind, the record keys read
    # from plain fields, the tables it reads (by their field id), and the saved totals it keeps
    # from a loaded file to compare with the rows (a saved record is never silently rewritten).
    "session-log": {"kind": "session-log",
                    "fields": {"date": "session_date", "start": "start_time", "end": "end_time",
                               "group_size": "group_size", "unit_rule": "unit_rule",
                               "last_assessment": "last_assessment_date", "signed_by": "medexpro_signature"},
                    "tables": {"diagnoses": "diagnoses", "activities": "minutes", "claim": "minutes"},
                    "totals": {"timed_minutes": "total_timed_minutes", "units_billed": "units_billed",
                               "units_allowed": "units_allowed"},
                    "typed_totals": {"session_minutes": "total_minutes"}},
    "progress-report": {"kind": "progress-report",
                        "fields": {"last_assessment": "last_assessment_date", "measured": "measured_date"},
                        "tables": {"measures": "measures"},
                        "report": {"period_start": "period_start", "period_end": "period_end",
                                   "written": "report_date", "sent_to": "sent_to"},
                        "totals": {"due": "next_reassessment_due"}},
}
"""What each document type's web form gives the rulebook (see site/matrix.py for what that enforces)."""


def record_spec(form: Form) -> dict | None:
    """The record forms.js builds from `form`, limited to the fields the form has; None for a
    document type no record-level rule reads."""
    spec = RECORDS.get(form.document_type)
    if spec is None:
        return None
    have = {f.id for f in form.fields()}
    out = {"kind": spec["kind"]}
    for part in ("fields", "tables", "totals", "typed_totals", "report"):
        if part in spec:
            out[part] = {k: v for k, v in spec[part].items() if v in have}
    return out


def record_keys(form: Form) -> set[str]:
    """The record keys the form fills (what a record-level rule `needs`, see records.RECORD_RULES)."""
    spec = record_spec(form)
    if spec is None:
        return set()
    keys = {*spec.get("fields", {}), *spec.get("tables", {})}
    if spec.get("totals") or spec.get("typed_totals"):
        keys.add("totals")
    if spec.get("report"):
        keys.add("report")
    return keys


def control_id(name: str) -> str:
    """The HTML id of the control named `name` (ids may contain dots; JS uses getElementById)."""
    return f"mf-{name}"


def part_id(name: str, part: str) -> str:
    """The HTML id of a part of control `name` ('help', 'icd'): 'mf-weight.help'. A control's name
    has one dot-separated piece (a field) or three (a table cell), never two or four, so these
    can never equal a control's id, whatever the fields and columns are called."""
    return f"{control_id(name)}.{part}"


def other_id(kind: str, ident: str = "") -> str:
    """The HTML id of anything else on a form page: 'mf--section-visit', 'mf--load'. A field id
    never holds '--', so these can never equal a control's id either."""
    return f"mf--{kind}-{ident}" if ident else f"mf--{kind}"


def _attr(name: str, value) -> str:
    return f' {name}="{escape(str(value), quote=True)}"'


def _control(name: str, kind: str, *, options=(), required=False, covers=(), extra="", computed=False) -> str:
    """One control and its print mirror; `kind` is a field or column type other than table."""
    attrs = _attr("id", control_id(name)) + _attr("name", name)
    if covers:
        attrs += _attr("data-covers", " ".join(covers))
    if required:
        attrs += " required"
    if computed:
        attrs += ' readonly aria-readonly="true" class="mf-computed"'
    attrs += extra
    mirror = f"<span class=\"mf-print\" aria-hidden=\"true\"{_attr('data-print-for', name)}></span>"
    if kind == "long-text":
        return f"<textarea{attrs} rows=\"3\"></textarea>{mirror}"
    if kind == "checkbox":
        return f"<input type=\"checkbox\"{attrs} value=\"yes\">"
    if kind == "choice":
        opts = "".join(f"<option{_attr('value', v)}>{escape(t)}</option>" for v, t in options)
        return f"<select{attrs}><option value=\"\"></option>{opts}</select>{mirror}"
    if kind == "integer":
        attrs += ' step="1" min="0" inputmode="numeric"'
    elif kind == "number":
        attrs += ' step="any" inputmode="decimal"'
    elif kind == "icd10":
        attrs += ' data-icd10="true" autocomplete="off" spellcheck="false" placeholder="e.g. M17.11"'
    return f"<input type=\"{_INPUT_TYPE[kind]}\"{attrs}>{mirror}"


def _field(f: FormField, catalog: Catalog) -> list[str]:
    req = ' <span class="mf-required">(required)</span>' if f.required else ""
    help_id = part_id(f.id, "help")
    described = _attr("aria-describedby", help_id) if f.help else ""
    help_html = f"<p class=\"mf-help\"{_attr('id', help_id)}>{escape(f.help)}</p>" if f.help else ""
    if f.type == "table":
        return _table(f, catalog, req, help_html)
    extra = described
    if f.calculate == "due-30-days":
        extra += _attr("data-due-from", f.based_on) + _attr("data-due-days", 30)
    elif f.calculate != "none":
        extra += _attr("data-calculate", f.calculate) + _attr("data-based-on", f.based_on)
    if f.type == "icd10":
        extra += _attr("aria-describedby", part_id(f.id, "icd"))
    control = _control(f.id, f.type, options=choice_options(f, catalog), required=f.required, covers=f.covers,
                       extra=extra, computed=f.calculate != "none")
    if f.type == "icd10":
        control += f"<span class=\"mf-icd\" aria-live=\"polite\"{_attr('id', part_id(f.id, 'icd'))}></span>"
    label = f"<label{_attr('for', control_id(f.id))}>{escape(f.caption)}{req}</label>"
    # A checkbox reads best with its box first, like on paper.
    body = f"{control} {label}" if f.type == "checkbox" else f"{label}{control}"
    cls = f"mf-field mf-{f.type}" + (" mf-wide" if f.type in ("long-text", "choice", "checkbox", "signature") else "")
    return [f"<div{_attr('class', cls)}{_attr('data-field', f.id)}>{body}{help_html}</div>"]


def _cell(f: FormField, row: int, c: Column, catalog: Catalog) -> str:
    name = f"{f.id}.{row}.{c.id}"
    hidden = f"<label class=\"mf-sr\"{_attr('for', control_id(name))}>{escape(c.caption)}, row {row + 1}</label>"
    extra = _attr("data-column", c.id) + _attr("data-row", row)
    if c.options_from == "diagnoses":
        extra += ' data-options-from="diagnoses"'
    status = part_id(name, "icd")  # where forms.js says whether the code is billable
    if c.type == "icd10":
        extra += _attr("aria-describedby", status)
    computed = f.calculate == "change" and c.id == "change"
    kind = "number" if computed else c.type
    control = _control(name, kind, options=choice_options(c, catalog), covers=f.covers, extra=extra, computed=computed)
    if c.type == "icd10":
        control += f"<span class=\"mf-icd\" aria-live=\"polite\"{_attr('id', status)}></span>"
    if computed:
        control += f"<output class=\"mf-change\"{_attr('data-row', row)}{_attr('for', control_id(name))}></output>"
    return f"<td{_attr('class', 'mf-col-' + c.type)}>{hidden}{control}</td>"


def _table(f: FormField, catalog: Catalog, req: str, help_html: str) -> list[str]:
    attrs = _attr("id", control_id(f.id)) + _attr("data-field", f.id) + _attr("data-covers", " ".join(f.covers))
    if f.required:
        attrs += ' data-required="true"'
    if f.calculate != "none":
        attrs += _attr("data-calculate", f.calculate)
    if f.calculate == "units":
        attrs += _attr("data-timed-codes", " ".join(c.code for c in catalog.cpt_codes if c.timed))
    star = ' <span class="mf-required">*</span>'
    heads = "".join(f"<th scope=\"col\"{_attr('class', 'mf-col-' + c.type)}>{escape(c.caption)}"
                    f"{star if f.required and c.required else ''}</th>" for c in f.columns)
    lines = [f"<div class=\"mf-field mf-table-field mf-wide\"{_attr('data-field', f.id)}>",
             f"<table class=\"mf-table\"{attrs}>",
             f"<caption>{escape(f.label)}{req}</caption>",
             f"<thead><tr>{heads}</tr></thead>", "<tbody>"]
    for r in range(f.rows):
        cells = "".join(_cell(f, r, c, catalog) for c in f.columns)
        lines.append(f"<tr{_attr('data-row', r)}>{cells}</tr>")
    lines += ["</tbody>", "</table>"]
    if f.calculate == "units":
        lines.append(f"<div class=\"mf-units\" aria-live=\"polite\"{_attr('data-units-for', f.id)}></div>")
    lines.append(f"{help_html}</div>")
    return lines


def page_data(form: Form, catalog: Catalog, icd_asset: dict | None = None) -> dict:
    """What forms.js needs, embedded as JSON: fields, elements, measures, FHIR answer shapes."""
    doc_type = next((t for t in catalog.document_types if t.id == form.document_type), None)

    def field(f: FormField, section: str) -> dict:
        out = {"id": f.id, "label": f.label, "type": f.type, "required": f.required, "covers": list(f.covers),
               "section": section, "calculate": f.calculate, "based_on": f.based_on,
               "at_least": f.at_least, "not_before": f.not_before, "within": list(f.within)}
        if f.type == "table":
            out["rows"] = f.rows
            out["columns"] = [{"id": c.id, "label": c.label, "type": c.type, "required": c.required,
                               "options_from": c.options_from} for c in f.columns]
        return out
    return {
        "form": form.id,
        "title": form.title,
        "version": form.version,
        "questionnaire": canonical(form),
        "document_type": form.document_type,
        "document_type_name": doc_type.name if doc_type else form.document_type,
        "elements": {e.id: e.name for e in catalog.elements},
        "required_elements": [e.id for e in catalog.elements if form.document_type in e.required_in],
        "fields": [field(f, s.id) for s in form.sections for f in s.fields],
        "answers": answer_map(form, catalog),
        "measures": {m.id: {"name": m.name, "unit": m.unit, "better": m.better,
                            "meaningful_change": m.meaningful_change, "change_kind": m.change_kind,
                            "quantity": measure_quantity(catalog, m.id)}
                     for m in catalog.measures},
        "record": record_spec(form),
        "book": records.book(catalog, reassess_days(catalog)) if record_spec(form) else None,
        "icd": icd_asset or {},
        "chain": CHAINS.get(form.id),
        "chain_source": CHAIN_SOURCE,
    }


def _json_script(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    # '<', '>' and '&' as \u escapes: a label containing "</script>" cannot end the block early.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"<script type=\"application/json\" class=\"mf-data\">{text}</script>"


def form_html(form: Form, catalog: Catalog, icd_asset: dict | None = None) -> str:
    """The form itself (one raw HTML block): the web page and the offline file both use it."""
    html = [f"<div class=\"mf-wrap\"{_attr('data-form', form.id)}>", _json_script(page_data(form, catalog, icd_asset)),
            f"<form class=\"mf-form\" autocomplete=\"off\"{_attr('id', other_id('form', form.id))}"
            f"{_attr('aria-label', form.title)}>"]
    chain = CHAINS.get(form.id)
    if chain:
        html += ["<div class=\"mf-chain\">",
                 f"<label class=\"md-button\" for=\"{other_id('chain')}\">Fill in from a saved initial assessment</label>"
                 f"<input type=\"file\" id=\"{other_id('chain')}\" class=\"mf-sr\" accept=\".json,application/json\" "
                 "data-action=\"chain\">",
                 f"<p class=\"mf-help\">Copies the client, the diagnoses and "
                 f"{'the baseline values' if 'measures' in chain['tables'] else 'the planned codes'} "
                 "from an initial assessment you saved with this site. The file is read here, in your browser.</p>",
                 "</div>"]
    for s in form.sections:
        html.append(f"<fieldset{_attr('id', other_id('section', s.id))}><legend>{escape(s.title)}</legend>")
        if s.help:
            html.append(f"<p class=\"mf-help\">{escape(s.help)}</p>")
        html.append("<div class=\"mf-grid\">")
        for f in s.fields:
            html += _field(f, catalog)
        html.append("</div></fieldset>")
    html += [
        f"<p class=\"mf-notice\">{escape(DISCLAIMER)} {escape(CPT_NOTICE)}</p>",
        "<div class=\"mf-actions\">",
        '<button type="button" class="md-button" data-action="check">Check the record</button>',
        '<button type="button" class="md-button" data-action="save">Save to a file</button>',
        f'<label class="md-button" for="{other_id("load")}">Load a saved file</label>'
        f'<input type="file" id="{other_id("load")}" class="mf-sr" accept=".json,application/json" data-action="load">',
        '<button type="button" class="md-button" data-action="print">Print</button>',
        "</div>",
        '<div class="mf-status" role="status" aria-live="polite"></div>',
        "</form>", "</div>",
    ]
    # No blank line inside the block: Markdown keeps it as one raw HTML block.
    return "\n".join(html)


def form_page(form: Form, catalog: Catalog, icd_asset: dict | None = None) -> str:
    """The Markdown of `forms/<form-id>.md`."""
    md = [f"# {md_text(form.title)}", "", md_text(form.description), ""]
    if form.notice:
        md += ['!!! warning "Scope of practice"', "", f"    {md_text(form.notice)}", ""]
    md += [f"Version {md_text(form.version)}. Download: [fillable PDF]({form.id}.pdf){{: .mf-pdf }} · "
           f"[FHIR Questionnaire (JSON)]({form.id}.questionnaire.json). "
           "What you type stays in this browser: save it to a file on your computer (a FHIR "
           "QuestionnaireResponse) and load it back later.", "{: .mf-downloads }", ""]
    return "\n".join(md) + "\n" + form_html(form, catalog, icd_asset) + "\n"
