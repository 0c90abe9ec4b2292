"""`metdocs icd`: look ICD-10-CM codes up (valid? billable? title?); exit 1 when any is not billable."""

from __future__ import annotations

import json

from metdocs.cli.common import add, check_cache, text_arg


def add_parser(sub) -> None:
    sp = add(sub, "icd", "look up ICD-10-CM codes: valid? billable? title? billable children?",
             "Look codes up in the FY2026 ICD-10-CM code set. Exit 1 when any code is not billable.")
    sp.add_argument("codes", nargs="+", metavar="CODE", type=text_arg("CODE"))
    sp.add_argument("--json", action="store_true", help="print a JSON list")


def run(args) -> int:
    from metdocs.catalog.icd import code_set, format_info
    check_cache(None)  # no project here: still never in a site, the home or the root folder
    infos = code_set().lookup_many(args.codes)
    if args.json:
        print(json.dumps([i.to_json() for i in infos], indent=2))
    else:
        print("\n".join(format_info(i) for i in infos))
    return 0 if all(i.billable for i in infos) else 1
