"""The FHIRPath a form's Questionnaire computes and checks with.

An SDC renderer evaluates these over the response being filled in
(`sdc-questionnaire-calculatedExpression`): total timed minutes, the units the
form's unit rule allows (the CMS rule pools the timed minutes of the codes a
MedExPRO may bill; the per-code (midpoint) rule counts each code on its minutes summed over
every row that has it; an untimed code is one unit), billed units, and the next
reassessment date. `answers` also gives the codes typed into the diagnoses table,
which a row's pointer to a referral diagnosis offers
(`sdc-questionnaire-answerExpression`).

`constraints` are the record-level rules FHIRPath can say, as SDC
`questionnaire-constraint`s on the Questionnaire (each named by its catalog rule
id, true when the response keeps the rule); `QUESTIONNAIRE_RULES` says, per
document type, which rules the Questionnaire carries and how (the enforcement
matrix, site/matrix.py, reads it). metdocs.forms.fhir.questionnaire puts them on
the Questionnaire; this module only writes the FHIRPath text.
"""

from __future__ import annotations

from metdocs.forms.definition import Form, FormField
from metdocs.catalog.model import Catalog
from metdocs.rules.measures import reassess_days
from metdocs.rules.units import RULE_NAMES


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


def _code_minutes(form: Form, table: FormField, code: str) -> str:
    """A code's minutes, summed over every row that has it."""
    rows = f"{_item_path(form, table.id)}.where(item.where(linkId={quoted(table.id + '.cpt')}).answer.value.code = " \
           f"{quoted(code)})"
    return f"{rows}.item.where(linkId={quoted(table.id + '.minutes')}).answer.value.sum()"


def _code_units(form: Form, table: FormField, catalog: Catalog, code: str, units: str) -> str:
    """A code's units billed, summed over its rows."""
    rows = f"{_item_path(form, table.id)}.where(item.where(linkId={quoted(table.id + '.cpt')}).answer.value.code = " \
           f"{quoted(code)})"
    return f"{rows}.item.where(linkId={quoted(table.id + '.' + units)}).answer.value.sum()"


def _per_code(catalog: Catalog, form: Form, table: FormField, code: str) -> str:
    """The units a code's own minutes give: the 8-to-22-minute table if timed, else one unit."""
    m = _code_minutes(form, table, code)
    if catalog.cpt(code).timed:
        return f"iif(({m}) >= 8, (({m}) + 7) div 15, 0)"
    return f"iif(({m}) > 0, 1, 0)"


def _billable(catalog: Catalog) -> list:
    return [c for c in catalog.cpt_codes if c.in_scope]


def allowed(form: Form, table: FormField, catalog: Catalog, rule: str) -> str:
    """The units the unit rule allows: only the codes a MedExPRO may bill, as the units engine counts."""
    untimed = [_per_code(catalog, form, table, c.code) for c in _billable(catalog) if not c.timed]
    if rule == "ama":
        terms = [_per_code(catalog, form, table, c.code) for c in _billable(catalog)]
        return " + ".join(f"({t})" for t in terms) or "0"
    timed = " | ".join(quoted(c.code) for c in _billable(catalog) if c.timed)
    pooled = (f"{_item_path(form, table.id)}.where(item.where(linkId={quoted(table.id + '.cpt')}).answer.value.code "
              f"in ({timed})).item.where(linkId={quoted(table.id + '.minutes')}).answer.value.sum()") if timed else "0"
    cms = f"iif(({pooled}) >= 8, (({pooled}) + 7) div 15, 0)"
    return " + ".join(f"({t})" for t in [cms, *untimed])


def calculation(form: Form, f: FormField, catalog: Catalog) -> str | None:
    """The FHIRPath of a calculated field, or None."""
    if f.calculate == "due-30-days":
        return f"{answers(form, f.based_on)} + {reassess_days(catalog)} days"
    if f.calculate not in ("timed-minutes", "units-billed", "units-allowed"):
        return None
    table = form.field(f.based_on)
    minutes = f"item.where(linkId={quoted(table.id + '.minutes')}).answer.value"
    if f.calculate == "timed-minutes":
        return f"{_timed_rows(form, table, catalog)}.{minutes}.sum()"
    if f.calculate == "units-billed":
        return f"{answers(form, table.id + '.units')}.sum()"
    rule = next(g for g in form.fields() if g.options_from == "unit-rules")
    return (f"iif({answers(form, rule.id)}.code = 'cms', {allowed(form, table, catalog, 'cms')}, "
            f"{allowed(form, table, catalog, 'ama')})")


QUESTIONNAIRE_RULES: dict[str, dict[str, str]] = {
    "session-log": {
        "cms-8-minute-rule": "calculation of units_allowed (the CMS rule's pooled minutes) and a constraint that "
                             "the units billed equal it",
        "ama-midpoint-rule": "calculation of units_allowed (each code on its minutes over all its rows) and a "
                             "constraint that each code's units billed equal its own",
        "untimed-one-unit": "calculation of units_allowed: an untimed code a MedExPRO may bill is one unit",
        "total-timed-minutes": "calculation of total_timed_minutes from the rows",
        "units-per-code": "calculation of units_billed from the rows",
        "medexpro-codes-only": "answer options (only the codes a MedExPRO may bill) and a constraint",
        "no-gp-modifier": "constraint on every row's modifiers",
        "one-on-one-vs-group": "constraint: no one-on-one code with more than one client",
        "icd10-link-per-cpt": "answer expression (the diagnoses typed above) and a constraint",
        "session-start-stop": "constraint: the stop after the start",
        "total-session-minutes": "constraint: at least the minutes of the rows",
        "reassess-every-30-days": "constraint: the session within the catalog's reassessment interval of the last assessment",
    },
    "progress-report": {
        "reassess-every-30-days": "calculation of next_reassessment_due and a constraint: measured within the "
                                  "catalog's reassessment interval of the last assessment",
        "progress-report-content": "constraint: the period from the last assessment to the measures, written not "
                                   "before it ends, every baseline measure re-tested",
    },
}
"""Document type -> the record-level rules its Questionnaire carries, and how (site/matrix.py)."""


def _field(form: Form, field_id: str) -> str:
    return f"{_item_path(form, field_id)}.answer.value"


def constraints(form: Form, catalog: Catalog) -> list[dict]:
    """The SDC questionnaire-constraints of the form: (key, severity, human, expression) each, the key
    the catalog rule id; [] for a document type no record-level rule reads."""
    out = []
    if form.document_type == "session-log" and form.field("minutes") is not None:
        out = _session_constraints(form, catalog)
    elif form.document_type == "progress-report" and form.field("measures") is not None:
        out = _report_constraints(form, catalog)
    return [{"key": k, "severity": "error", "human": h, "expression": e} for k, h, e in out
            if k in QUESTIONNAIRE_RULES.get(form.document_type, {})]


def _session_constraints(form: Form, catalog: Catalog) -> list[tuple[str, str, str]]:
    table = form.field("minutes")
    rows = _item_path(form, table.id)
    cell = lambda col: f"{rows}.item.where(linkId={quoted(table.id + '.' + col)}).answer.value"  # noqa: E731
    codes = lambda cs: " | ".join(quoted(c) for c in cs) or "''"  # noqa: E731
    one = [c.code for c in catalog.cpt_codes if c.one_on_one]
    mine = [c.code for c in _billable(catalog)]
    columns = {c.id for c in table.columns}
    out = [("medexpro-codes-only", "Every row bills a code a MedExPRO may use.",
            f"{cell('cpt')}.code.all($this in ({codes(mine)}))")]
    if "modifiers" in columns:
        out.append(("no-gp-modifier", "No row carries the GP modifier.",
                    f"{cell('modifiers')}.where(upper().matches('(^|[^A-Z0-9])GP([^A-Z0-9]|$)')).empty()"))
    diagnoses = form.field("diagnoses")
    if "icd10" in columns and diagnoses is not None and any(c.id == "icd10" for c in diagnoses.columns):
        out.append(("icd10-link-per-cpt", "Every row's diagnosis is one of the referral's diagnoses above.",
                    f"{cell('icd10')}.code.all($this in {answers(form, 'diagnoses.icd10')}.code)"))
    if form.field("group_size"):
        g = _field(form, "group_size")
        out.append(("one-on-one-vs-group", "No one-on-one code is billed for more than one client at once.",
                    f"{g}.empty() or {g} <= 1 or {cell('cpt')}.code.where($this in ({codes(one)})).empty()"))
    if form.field("start_time") and form.field("end_time"):
        a, b = _field(form, "start_time"), _field(form, "end_time")
        out.append(("session-start-stop", "The stop time is after the start time.",
                    f"{a}.empty() or {b}.empty() or {b} > {a}"))
    if form.field("total_minutes"):
        t = _field(form, "total_minutes")
        out.append(("total-session-minutes", "The session minutes include every minute of the rows.",
                    f"{t}.empty() or {t} >= {cell('minutes')}.sum()"))
    if form.field("session_date") and form.field("last_assessment_date"):
        d, last = _field(form, "session_date"), _field(form, "last_assessment_date")
        days = reassess_days(catalog)  # the catalog's threshold, as the audit reads it
        out.append(("reassess-every-30-days", f"The session is at most {days} days after the last assessment.",
                    f"{d}.empty() or {last}.empty() or {d} <= {last} + {days} days"))
    rule = next((g for g in form.fields() if g.options_from == "unit-rules"), None)
    if rule is not None and "units" in columns:
        billed = f"{cell('units')}.sum()"
        per_code = " and ".join(f"({_code_units(form, table, catalog, c.code, 'units')}) = "
                                f"({_per_code(catalog, form, table, c.code)})" for c in _billable(catalog)) or "true"
        chosen = f"{_field(form, rule.id)}.code"
        out.append(("cms-8-minute-rule", f"Under the {RULE_NAMES['cms']}, the units billed equal the units the pooled minutes give.",
                    f"{chosen} != 'cms' or {cell('units')}.empty() or "
                    f"({billed}) = ({allowed(form, table, catalog, 'cms')})"))
        out.append(("ama-midpoint-rule", f"Under the {RULE_NAMES['ama']}, each code's units equal its own minutes' units.",
                    f"{chosen} != 'ama' or {cell('units')}.empty() or ({per_code})"))
    return out


def _report_constraints(form: Form, catalog: Catalog) -> list[tuple[str, str, str]]:
    out = []
    f = {i: _field(form, i) for i in ("measured_date", "last_assessment_date", "period_start", "period_end",
                                       "report_date") if form.field(i)}
    if {"measured_date", "last_assessment_date"} <= set(f):
        m, last = f["measured_date"], f["last_assessment_date"]
        days = reassess_days(catalog)
        out.append(("reassess-every-30-days", f"The measures are taken at most {days} days after the last assessment.",
                    f"{m}.empty() or {last}.empty() or {m} <= {last} + {days} days"))
    if len(f) == 5:
        rows = _item_path(form, "measures")
        retested = (f"{rows}.where(item.where(linkId='measures.baseline').answer.exists())"
                    ".all(item.where(linkId='measures.current').answer.exists())")
        period = (f"({f['period_start']}.empty() or {f['last_assessment_date']}.empty() or "
                  f"{f['period_start']} = {f['last_assessment_date']}) and ({f['period_end']}.empty() or "
                  f"{f['measured_date']}.empty() or {f['period_end']} = {f['measured_date']}) and "
                  f"({f['report_date']}.empty() or {f['period_end']}.empty() or {f['report_date']} >= "
                  f"{f['period_end']})")
        out.append(("progress-report-content", "The report covers the period since the last assessment, is "
                    "written after it, and re-tests every baseline measure.", f"{retested} and {period}"))
    return out
