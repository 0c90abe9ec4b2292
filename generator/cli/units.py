"""`metdocs units`: billable units for a visit (CMS 8-minute rule or per-code (midpoint) rule), explained."""

from __future__ import annotations

import json
import sys

from metdocs.cli.common import add, config_opt, data_opt, project_catalog


def add_parser(sub) -> None:
    sp = add(sub, "units", "billable units for a visit (CMS 8-minute rule or per-code (midpoint) rule)",
             "Compute billable units from minutes per CPT code and explain the allocation.\n"
             "Timed and untimed codes come from the catalog.")
    sp.add_argument("visit", nargs="+", metavar="CODE=MINUTES", help="minutes per CPT code, e.g. 97110=33")
    sp.add_argument("--rule", choices=("cms", "ama"), default="cms",
                    help="cms: the CMS 8-minute rule, which pools the day's timed minutes (the default); "
                         "ama: the per-code (midpoint) rule, each code on its own minutes, 8 minutes "
                         "minimum (some commercial payers)")
    sp.add_argument("--json", action="store_true", help="print one JSON object")
    data_opt(sp)
    config_opt(sp)


def run(args) -> int:
    from metdocs.rules import units
    try:
        visit = units.parse_visit_args(args.visit)
    except units.UsageError as e:
        print(f"metdocs units: error: {e}", file=sys.stderr)
        return 2
    catalog = project_catalog(args)
    unknown = sorted(c for c in visit if catalog.cpt(c) is None)
    if unknown:
        known = ", ".join(sorted(c.code for c in catalog.cpt_codes))
        print(f"metdocs units: error: expected CPT codes from the catalog ({known}), "
              f"found {', '.join(unknown)}", file=sys.stderr)
        return 2  # a code the catalog does not have is a bad argument, like a malformed one
    result = units.allocate(visit, catalog.is_timed, args.rule)
    print(json.dumps(result.to_json(), indent=2) if args.json else units.format_allocation(result))
    out_of_scope = sorted(c for c in visit if not catalog.cpt(c).in_scope)
    if out_of_scope and not args.json:
        ours = ", ".join(c.code for c in catalog.cpt_codes if c.in_scope)
        print(f"note: not billable by a MedExPRO: {', '.join(out_of_scope)} (a MedExPRO bills {ours} only; "
              "shown to compare with a clinician's claim)", file=sys.stderr)
    return 0
