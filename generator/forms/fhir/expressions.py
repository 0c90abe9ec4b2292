"""The FHIRPath a form's Questionnaire computes with: its calculated fields and the answers it points at.

An SDC renderer evaluates these over the response being filled in
(`sdc-questionnaire-calculatedExpression`): total timed minutes, the 8-minute-rule
total (or the per-code total, as the form's unit rule says), billed units, and
the next reassessment date. `answers` also gives the codes typed into the
diagnoses table, which a row's pointer to a referral diagnosis offers
(`sdc-questionnaire-answerExpression`). metdocs.forms.fhir.questionnaire puts
them on the items; this module only writes the FHIRPath text.
"""

from __future__ import annotations

from metdocs.forms.definition import Form, FormField
from metdocs.catalog.model import Catalog


def value_expression(text: str, name: str | None = None) -> dict:
    """A FHIRPath Expression (the value of a `valueExpression`); `name` makes it a variable."""
    value = {"language": "text/fhirpath", "expression": text}
    if name:
        value = {"name": name, **value}
    return value


def quoted(value: str) -> str:
    """`value` as a FHIRPath string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _item_path(form: Form, field_id: str) -> str:
    """The response items of a field, by their path: section group, then the field (one per row for
    a table). Not `repeat(item)`: it drops items equal to one already found, so two table rows with
    the same answer (two codes with 1 unit each) would count once."""
    section = next(s for s in form.sections if any(f.id == field_id for f in s.fields))
    return f"%resource.item.where(linkId={quoted(section.id)}).item.where(linkId={quoted(field_id)})"


def answers(form: Form, link: str) -> str:
    """Every answer given to the item `link` (a field id, or `<table>.<column>` for each row's cell)."""
    table, _, column = link.partition(".")
    path = _item_path(form, table)
    if column:
        path += f".item.where(linkId={quoted(link)})"
    return path + ".answer.value"


def _timed_rows(form: Form, table: FormField, catalog: Catalog) -> str:
    codes = " | ".join(quoted(c.code) for c in catalog.cpt_codes if c.timed)
    return (f"{_item_path(form, table.id)}"
            f".where(item.where(linkId={quoted(table.id + '.cpt')}).answer.value.code in ({codes}))")


def calculation(form: Form, f: FormField, catalog: Catalog) -> str | None:
    """The FHIRPath of a calculated field, or None."""
    if f.calculate == "due-30-days":
        return f"{answers(form, f.based_on)} + 30 days"
    if f.calculate not in ("timed-minutes", "units-billed", "units-allowed"):
        return None
    table = form.field(f.based_on)
    minutes = f"item.where(linkId={quoted(table.id + '.minutes')}).answer.value"
    if f.calculate == "timed-minutes":
        return f"{_timed_rows(form, table, catalog)}.{minutes}.sum()"
    if f.calculate == "units-billed":
        return f"{answers(form, table.id + '.units')}.sum()"
    # The CMS rule pools the timed minutes; the per-code rule counts each row's minutes on its own
    # (the web form asks for one row per code, so a row is a code). Both use the 8-to-22-minute table.
    pooled = f"{_timed_rows(form, table, catalog)}.{minutes}.sum()"
    cms = f"iif(({pooled}) >= 8, (({pooled}) + 7) div 15, 0)"
    per_code = f"{_timed_rows(form, table, catalog)}.select(iif({minutes} >= 8, ({minutes} + 7) div 15, 0)).sum()"
    rule = next(g for g in form.fields() if g.options_from == "unit-rules")
    return f"iif({answers(form, rule.id)}.code = 'cms', {cms}, {per_code})"
