"""The enforcement matrix: for every rule, every place it is enforced, and why where it cannot be.

The audit (`metdocs check`) enforces the rules `rules/audit/core.py` lists. The rules one record
can show (`records.RECORD_RULES`) are enforced in the browser too, by rulebook.js, in each checker
whose records hold what the rule reads: each web form of the rule's document type (the record its
form builds, `forms/webform.py` RECORDS), the claim builder (its visits, `claimbuilder.RECORD_KEYS`)
and the drills (a case's records), and by each Questionnaire that carries it as a calculation or
an SDC constraint (`forms/fhir/expressions.py` QUESTIONNAIRE_RULES). Where a checker cannot, the
catalog says why (`not_checked_by:` on the rule or element), and `problems` makes `check` fail
on a record-level rule a checker neither enforces nor has a reason for, and on a stale reason.
"""

from __future__ import annotations

from metdocs.catalog.model import Catalog, Rule
from metdocs.errors import Problem
from metdocs.forms.definition import Form
from metdocs.forms.fhir.expressions import QUESTIONNAIRE_RULES
from metdocs.forms.webform import record_keys
from metdocs.rules.audit.core import ENFORCED, SESSION_LOG, enforcement
from metdocs.rules.audit.records import CASE_RECORD_KEYS, RECORD_RULES
from metdocs.rules.claimbuilder import RECORD_KEYS as CLAIM_BUILDER_KEYS
from metdocs.rules.sessionlog import ELEMENT_FIELDS

CLAIM_BUILDER, DRILLS = "claim-builder", "drills"


def checkers(forms: list[Form]) -> list[dict]:
    """Every checker besides the audit: {id, name, kinds (record kinds it checks), keys, browser}."""
    out = []
    for f in sorted(forms, key=lambda f: f.id):
        kind = f.document_type
        if kind in ("session-log", "progress-report"):
            out.append({"id": f"form:{f.id}", "name": f"{f.title} web form", "kinds": (kind,),
                        "keys": record_keys(f), "browser": True})
    out.append({"id": CLAIM_BUILDER, "name": "claim builder", "kinds": ("session-log",), "keys": CLAIM_BUILDER_KEYS,
                "browser": True})
    out.append({"id": DRILLS, "name": "drills", "kinds": ("session-log", "progress-report"), "keys": CASE_RECORD_KEYS,
                "browser": True})
    for f in sorted(forms, key=lambda f: f.id):
        if f.document_type in QUESTIONNAIRE_RULES:
            out.append({"id": f"questionnaire:{f.id}", "name": f"{f.title} Questionnaire",
                        "kinds": (f.document_type,), "rules": QUESTIONNAIRE_RULES[f.document_type], "browser": False})
    return out


def _how(checker: dict, rule: str) -> str | None:
    """How `checker` enforces record-level `rule`, or None if it cannot."""
    spec = RECORD_RULES[rule]
    if not set(spec["kinds"]) & set(checker["kinds"]):
        return None
    if "rules" in checker:
        return checker["rules"].get(rule)
    if not set(spec["needs"]) <= set(checker["keys"]):
        return None
    return "rulebook.js on the records it builds" if checker["id"] != DRILLS else \
        "rulebook.js on the case's records (the grading key)"


def matrix(catalog: Catalog, forms: list[Form]) -> list[dict]:
    """`enforcement(catalog)` with, for each rule, where it is enforced besides the audit and why not elsewhere."""
    rows = enforcement(catalog)
    items = {**{r.id: r for r in catalog.rules}, **{e.id: e for e in catalog.elements}}
    all_checkers = checkers(forms)
    for row in rows:
        row["record_level"] = row["id"] in RECORD_RULES
        row["enforced_in"], row["not_enforced_in"] = [], []
        if row["enforced_by"] == "audit":
            row["enforced_in"].append({"checker": "audit", "how": row["how"]})
        if not row["record_level"]:
            continue
        reasons = {n.checker: n.why for n in getattr(items.get(row["id"]), "not_checked_by", ())}
        for c in all_checkers:
            if not set(RECORD_RULES[row["id"]]["kinds"]) & set(c["kinds"]):
                continue
            how = _how(c, row["id"])
            if how:
                row["enforced_in"].append({"checker": c["id"], "how": how})
            else:
                row["not_enforced_in"].append({"checker": c["id"], "why": " ".join(reasons.get(c["id"], "").split())})
    return rows


def problems(catalog: Catalog, forms: list[Form]) -> list[Problem]:
    """A record-level rule a checker neither enforces nor says why (`not_checked_by:`), and the contrary."""
    out = []
    known = {c["id"]: c for c in checkers(forms)}
    items = [*catalog.rules, *(e for e in catalog.elements if SESSION_LOG in e.required_in and e.id in ELEMENT_FIELDS)]
    for item in items:
        if item.id not in RECORD_RULES or (isinstance(item, Rule) and item.id not in ENFORCED):
            for n in item.not_checked_by:  # harmless, but says something no checker needs said
                out.append(Problem(n.where, f"expected not_checked_by only on a rule one record shows, found it on "
                                            f"'{item.id}', which no checker in the browser checks; remove it",
                                   "warning"))
            continue
        reasons = {n.checker: n for n in item.not_checked_by}
        for c in known.values():
            if not set(RECORD_RULES[item.id]["kinds"]) & set(c["kinds"]):
                continue
            how, why = _how(c, item.id), reasons.pop(c["id"], None)
            if how is None and why is None:
                out.append(Problem(item.where, f"expected '{item.id}', a rule one record shows, to be enforced by "
                                               f"the {c['name']} ({c['id']}) or to say why not, found neither; add "
                                               f"'not_checked_by: [{{checker: {c['id']}, why: <what its records "
                                               "lack>}]'"))
            elif how is not None and why is not None:
                out.append(Problem(why.where, f"expected no reason for {c['id']}, which enforces '{item.id}' ({how}), "
                                              "found one; remove it"))
        mine = ", ".join(c for c in known if set(RECORD_RULES[item.id]["kinds"]) & set(known[c]["kinds"]))
        for n in reasons.values():
            out.append(Problem(n.where, f"expected not_checked_by to name a checker of '{item.id}' ({mine}), "
                                        f"found '{n.checker}'"))
    return out


def markdown(rows: list[dict], forms: list[Form]) -> str:
    """The matrix as README.md shows it: one row per record-level rule, one column per checker ("n/a":
    the checker does not check that kind of document), then the reasons behind each "no"."""
    cols = ["audit", *(c["id"] for c in checkers(forms))]
    lines = ["| rule | " + " | ".join(f"`{c}`" for c in cols) + " |", "| --- |" + " :-: |" * len(cols)]
    notes = []
    for r in sorted((r for r in rows if r["record_level"]), key=lambda r: r["id"]):
        cells = []
        for c in cols:
            if any(e["checker"] == c for e in r["enforced_in"]):
                cells.append("yes")
            else:
                gap = next((g for g in r["not_enforced_in"] if g["checker"] == c), None)
                if gap is None:
                    cells.append("n/a")  # not a checker of this rule's documents
                else:
                    notes.append(f"{len(notes) + 1}. `{r['id']}` in `{c}`: {gap['why'] or 'no reason given'}")
                    cells.append(f"no ({len(notes)})")
        lines.append(f"| `{r['id']}` | " + " | ".join(cells) + " |")
    return "\n".join(lines + [""] + notes)
