"""Every generated file of the forms section, as data (docs-relative path -> content).

Nothing is written here: the pipeline hands these to MkDocs in memory like the
other generated pages. Binary outputs (PDF, JSON, zip) are bytes and are
reproducible: the same definitions give the same bytes on every build.

The download, `metdocs-forms.zip`, holds all three renderings of every form: the
fillable PDF, the FHIR Questionnaire and an offline copy of the web form (one
self-contained HTML file with its script and styles inline, which works opened
straight from the disk), plus the ICD-10-CM code set the web forms check codes
against and a short README.
"""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

from metdocs.files.archive import write_zip
from metdocs.files.cache import cached_file, fingerprint
from metdocs.forms.fhir.questionnaire import questionnaire_json
from metdocs.forms.definition import CPT_NOTICE, DISCLAIMER, Form
from metdocs.forms.webform import form_html, form_page
from metdocs.catalog.model import Catalog
from metdocs.forms.pdf.layout import form_pdf
from metdocs.escape import md_text

FOLDER = "forms"
ZIP_NAME = "metdocs-forms.zip"
SCRIPTS = ("javascripts/units.js", "javascripts/rulebook.js", "javascripts/forms.js")
"""The web form's scripts, in load order, under the docs folder's assets/ (inlined offline)."""
STYLES = ("stylesheets/forms-print.css",)


def _zip(files: dict[str, bytes]) -> bytes:
    """A zip of `files` with sorted names (see archive.write_zip)."""
    buf = io.BytesIO()
    write_zip(buf, ((name, files[name]) for name in sorted(files)), compresslevel=9)
    return buf.getvalue()


def _index(forms: list[Form], catalog: Catalog, offline: bool) -> str:
    types = {t.id: t.name for t in catalog.document_types}
    contents = "PDF, FHIR Questionnaire and an offline web form for each" if offline else "PDF and JSON"
    lines = [
        "# Forms",
        "",
        "Fillable forms for every document a Medical Exercise Professional writes. Fill them in on the page "
        "(what you type stays in your browser), or download the fillable PDF. Each form is also published as a "
        "FHIR R4 Questionnaire for software that reads structured forms; the web form saves a FHIR "
        "QuestionnaireResponse.",
        "",
        f"Download everything: [all forms as a zip file]({ZIP_NAME}) ({contents}; works without internet).",
        "",
        "| Form | Document | Version | PDF | FHIR Questionnaire |",
        "|---|---|---|---|---|",
    ]
    for f in forms:
        lines.append(f"| [{md_text(f.title)}]({f.id}.md) | {md_text(types.get(f.document_type, f.document_type))} "
                     f"| {md_text(f.version)} | [{f.id}.pdf]({f.id}.pdf) "
                     f"| [{f.id}.questionnaire.json]({f.id}.questionnaire.json) |")
    return "\n".join(lines) + "\n"


STANDALONE_CSS = """
:root { --md-default-fg-color: #1a1a1a; --md-default-fg-color--light: #555; --md-default-fg-color--lightest: #bbb;
  --md-default-bg-color: #fff; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif;
  color: var(--md-default-fg-color); margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
h1 { font-size: 1.7rem; margin: 0.3em 0; }
.mf-scope { border-left: 4px solid #c77700; padding: 0.3em 0.8em; background: #fff8ec; }
.md-button { display: inline-block; border: 2px solid #3f51b5; color: #3f51b5; background: #fff;
  border-radius: 3px; padding: 0.35em 1em; font: inherit; font-weight: 600; }
.md-button:hover, .md-button:focus { background: #3f51b5; color: #fff; }
"""


def _inline_script(code: str) -> str:
    # "</script" inside the code would end the element early; "<\\/" means the same to JavaScript.
    return "<script>" + code.replace("</", "<\\/") + "</script>"


def standalone_page(form: Form, catalog: Catalog, assets: Path, icd_asset: dict | None) -> bytes:
    """The web form as one HTML file that works from the disk (file://) with no network."""
    styles = "".join((assets / s).read_text(encoding="utf-8") for s in STYLES).replace("</", "<\\/")
    scripts = "".join(_inline_script((assets / s).read_text(encoding="utf-8")) for s in SCRIPTS)
    notice = f'<p class="mf-scope"><b>Scope of practice.</b> {escape(form.notice)}</p>' if form.notice else ""
    html = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(form.title)} (metdocs offline form)</title>
<style>{STANDALONE_CSS}{styles}</style>
</head>
<body>
<main>
<h1>{escape(form.title)}</h1>
<p>{escape(form.description)}</p>
{notice}
<p class="mf-downloads">Version {escape(form.version)}. In this folder: <a class="mf-pdf" href="{escape(form.id)}.pdf">fillable PDF</a> ·
<a href="{escape(form.id)}.questionnaire.json">FHIR Questionnaire (JSON)</a>. What you type stays on this computer:
save it to a file and load it back later.</p>
{form_html(form, catalog, icd_asset)}
</main>
{scripts}
</body>
</html>
"""
    return html.encode()


README = """metdocs forms, version {version}
================================

Six MedExPRO documents, each in three renderings made from one definition:

  <form>.pdf                  fillable PDF (US Letter): fill it in a PDF reader, or print it
  <form>.html                 web form: open it in a browser (works offline, straight from this
                              folder); totals, units, change and due dates are worked out as you
                              type, "Check the record" lists what an auditor would flag, and
                              "Save to a file" writes a FHIR R4 QuestionnaireResponse
  <form>.questionnaire.json   FHIR R4 Questionnaire, for EHRs and SDC form renderers
  {icd_name:<27} the ICD-10-CM {fy} code set the web forms check codes against

Forms: {forms}.

Keep the files together in one folder: the web forms find the PDF and the code set beside them.
Nothing you type is sent anywhere; saved files stay where you save them.

{disclaimer}
{cpt}
"""


def _whole_pdf(data: bytes) -> bool:
    """A cached PDF as form_pdf writes one: its header, and its end-of-file marker (not cut short)."""
    return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def form_files(forms: list[Form], catalog: Catalog, *, icd=None, assets: Path | None = None) -> dict[str, str | bytes]:
    """All files of the forms section, keyed by docs-relative path.

    Args:
        icd: The ICD-10-CM code set (icd.CodeSet); its compact copy is published for the web forms.
        assets: The docs folder's `assets/`; with it the zip also holds offline web forms.

    Returns:
        `forms/index.md`, and for each form `forms/<id>.md`, `forms/<id>.pdf`,
        `forms/<id>.questionnaire.json`, the code set `forms/icd10cm-<release>.js`, plus
        `forms/metdocs-forms.zip` with every PDF and JSON (and, with `assets`, the offline
        web forms, the code set and a README).
    """
    forms = sorted(forms, key=lambda f: f.id)
    offline = icd is not None and assets is not None and all((assets / s).is_file() for s in SCRIPTS + STYLES)
    out: dict[str, str | bytes] = {f"{FOLDER}/index.md": _index(forms, catalog, offline)}
    icd_asset, downloads = None, {}
    if icd is not None:
        name, script = icd.web_asset()
        icd_asset = {"asset": name, "release": icd.release, "fy": icd.fiscal_year}
        out[f"{FOLDER}/{name}"] = script
    catalog_key = fingerprint("form_pdf", catalog)  # once: it is the bigger part of each form's key
    for f in forms:
        out[f"{FOLDER}/{f.id}.md"] = form_page(f, catalog, icd_asset)
        # Drawing the PDFs is most of this stage, and the same form, catalog and code draw the same
        # bytes: they are kept between builds (cache.py), by content, not by where the files lie.
        downloads[f"{f.id}.pdf"] = cached_file("pdf", fingerprint(catalog_key, f), lambda f=f: form_pdf(f, catalog),
                                               valid=_whole_pdf)
        downloads[f"{f.id}.questionnaire.json"] = questionnaire_json(f, catalog)
    out.update({f"{FOLDER}/{name}": data for name, data in downloads.items()})
    if offline:
        for f in forms:
            downloads[f"{f.id}.html"] = standalone_page(f, catalog, assets, icd_asset)
        downloads[icd_asset["asset"]] = out[f"{FOLDER}/{icd_asset['asset']}"]
        downloads["README.txt"] = README.format(
            version=", ".join(sorted({f.version for f in forms})), icd_name=icd_asset["asset"],
            fy=icd.fiscal_year, forms=", ".join(f.id for f in forms), disclaimer=DISCLAIMER, cpt=CPT_NOTICE).encode()
    out[f"{FOLDER}/{ZIP_NAME}"] = _zip(downloads)
    return out
