"""Every generated file of the forms section, as data (docs-relative path → content).

Nothing is written here: the pipeline hands these to MkDocs in memory like the
other generated pages. Binary outputs (PDF, JSON, zip) are bytes and are
reproducible: the same definitions give the same bytes on every build.
"""

from __future__ import annotations

import io

from .archive import write_zip
from .fhir import questionnaire_json
from .forms import Form
from .htmlform import form_page
from .model import Catalog
from .pdf import form_pdf
from .render import md_text

FOLDER = "forms"
ZIP_NAME = "metdocs-forms.zip"


def _zip(files: dict[str, bytes]) -> bytes:
    """A zip of `files` with sorted names (see archive.write_zip)."""
    buf = io.BytesIO()
    write_zip(buf, ((name, files[name]) for name in sorted(files)), compresslevel=9)
    return buf.getvalue()


def _index(forms: list[Form], catalog: Catalog) -> str:
    types = {t.id: t.name for t in catalog.document_types}
    lines = [
        "# Forms",
        "",
        "Fillable forms for every document a Medical Exercise Professional writes. Fill them in on the page "
        "(what you type stays in your browser), or download the fillable PDF. Each form is also published as a "
        "FHIR R4 Questionnaire for software that reads structured forms.",
        "",
        f"Download everything: [all forms as a zip file]({ZIP_NAME}) (PDF and JSON).",
        "",
        "| Form | Document | Version | PDF | FHIR Questionnaire |",
        "|---|---|---|---|---|",
    ]
    for f in forms:
        lines.append(f"| [{md_text(f.title)}]({f.id}.md) | {md_text(types.get(f.document_type, f.document_type))} "
                     f"| {md_text(f.version)} | [{f.id}.pdf]({f.id}.pdf) "
                     f"| [{f.id}.questionnaire.json]({f.id}.questionnaire.json) |")
    return "\n".join(lines) + "\n"


def form_files(forms: list[Form], catalog: Catalog) -> dict[str, str | bytes]:
    """All files of the forms section, keyed by docs-relative path.

    Returns:
        `forms/index.md`, and for each form `forms/<id>.md`, `forms/<id>.pdf`,
        `forms/<id>.questionnaire.json`, plus `forms/metdocs-forms.zip` with
        every PDF and JSON.
    """
    forms = sorted(forms, key=lambda f: f.id)
    out: dict[str, str | bytes] = {f"{FOLDER}/index.md": _index(forms, catalog)}
    downloads: dict[str, bytes] = {}
    for f in forms:
        out[f"{FOLDER}/{f.id}.md"] = form_page(f, catalog)
        downloads[f"{f.id}.pdf"] = form_pdf(f, catalog)
        downloads[f"{f.id}.questionnaire.json"] = questionnaire_json(f, catalog)
    out.update({f"{FOLDER}/{name}": data for name, data in downloads.items()})
    out[f"{FOLDER}/{ZIP_NAME}"] = _zip(downloads)
    return out
