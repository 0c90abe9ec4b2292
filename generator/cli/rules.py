"""`metdocs rules`: every rule and session-log element with its sources, review-by date and enforcement."""

from __future__ import annotations

import json

from metdocs.cli.common import add, config_opt, data_opt, project_catalog


def add_parser(sub) -> None:
    sp = add(sub, "rules", "list every rule and session-log element with its source, review-by date and enforcement",
             "List every catalog rule, and every element the session log requires, with its sources,\n"
             "its review-by date and how it is enforced: by the audit that `metdocs check` runs\n"
             "(and what it checks), or by a person's review (and why the audit cannot check it).")
    out = sp.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print a JSON list")
    out.add_argument("--markdown", action="store_true",
                     help="print the list of enforced rules as README.md's 'What gets checked' shows it")
    data_opt(sp)
    config_opt(sp)


def run(args) -> int:
    from metdocs.rules.audit.core import enforcement
    rows = enforcement(project_catalog(args))
    if args.json:
        print(json.dumps(rows, indent=2))
    elif args.markdown:
        print(rules_markdown(rows))
    else:
        print(format_rules(rows))
    return 0


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
                   f"  review by {r['review_by'] or 'not set'}"
                   + (f" (renewed: reviewed by {r['reviewed']['by']} on {r['reviewed']['on']})"
                      if "reviewed" in r else "")
                   + f"; sources: {'; '.join(r['sources'])}")
    return "\n".join(out)
