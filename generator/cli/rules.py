"""`metdocs rules`: every rule and session-log element with its sources, review-by date and enforcement:
the audit, and for a rule one record shows, every checker in the browser and every Questionnaire
that enforces it, and why where one cannot (the enforcement matrix, site/matrix.py)."""

from __future__ import annotations

import json

from metdocs.cli.common import add, config_opt, data_opt, load_project
from metdocs.errors import DataError


def add_parser(sub) -> None:
    sp = add(sub, "rules", "list every rule and session-log element with its source, review-by date and enforcement",
             "List every catalog rule, and every element the session log requires, with its sources,\n"
             "its review-by date and how it is enforced: by the audit that `metdocs check` runs\n"
             "(and what it checks), or by a person's review (and why the audit cannot check it).\n"
             "A rule one record shows also lists every checker that enforces it (each web form,\n"
             "the claim builder, the drills, each FHIR Questionnaire) and why where one cannot.")
    out = sp.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print a JSON list")
    out.add_argument("--markdown", action="store_true",
                     help="print the list of enforced rules and the enforcement matrix as README.md's "
                          "'What gets checked' shows them")
    data_opt(sp)
    config_opt(sp)


def run(args) -> int:
    from metdocs.site.matrix import markdown, matrix
    catalog, forms = _catalog_and_forms(args)
    rows = matrix(catalog, forms)
    if args.json:
        print(json.dumps(rows, indent=2))
    elif args.markdown:
        print(rules_markdown(rows) + "\n\n" + markdown(rows, forms))
    else:
        print(format_rules(rows))
    return 0


def _catalog_and_forms(args):
    """The catalog and forms of the project `load_project` finds: every layer of a course (the
    shipped one under it), as a build reads them; raises DataError."""
    from metdocs.catalog.assemble import load_catalog
    from metdocs.site.pipeline import forms_of_layers
    project = load_project(args, say_shipped=False)
    catalog, problems = load_catalog(project.catalog_folders())
    if catalog is None:
        raise DataError(problems)
    forms, _ = forms_of_layers(project, catalog)  # a form with problems still shows; `check` reports them
    return catalog, forms


def rules_markdown(rows: list[dict]) -> str:
    """Every rule and element the audit enforces, one Markdown list item each (README.md's list,
    which a test keeps equal to this output)."""
    return "\n".join(f"- `{r['id']}` ({r['kind']}): {r['how']}." for r in
                     sorted(rows, key=lambda r: (r["kind"] != "rule", r["id"])) if r["enforced_by"] == "audit")


def format_rules(rows: list[dict]) -> str:
    """The rules as text: one block per rule, enforced ones first (the README lists the same)."""
    out = []
    for r in sorted(rows, key=lambda r: (r["enforced_by"] != "audit", r["kind"] != "rule", r["id"])):
        how = "enforced by the audit" if r["enforced_by"] == "audit" else "a person's review"
        out.append(f"{r['kind']} {r['id']}: {r['title']}\n"
                   f"  {how}: {r['how']}\n"
                   + "".join(f"  also enforced by {e['checker']}: {e['how']}\n" for e in r.get("enforced_in", [])
                             if e["checker"] != "audit")
                   + "".join(f"  not enforced by {g['checker']}: {g['why']}\n" for g in r.get("not_enforced_in", []))
                   + f"  review by {r['review_by'] or 'not set'}"
                   + (f" (renewed: reviewed by {r['reviewed']['by']} on {r['reviewed']['on']})"
                      if "reviewed" in r else "")
                   + f"; sources: {'; '.join(r['sources'])}")
    return "\n".join(out)
