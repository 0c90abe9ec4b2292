"""`metdocs bench`: time a build with N synthetic cases against stock Material."""

from __future__ import annotations

import json
import sys

from metdocs.cli.common import add, config_opt, data_opt, load_project


def add_parser(sub) -> None:
    sp = add(sub, "bench", "time a build with N synthetic cases against MkDocs alone",
             "Copy the project into a temporary folder with N cases made from the shipped ones,\n"
             "build it the metdocs way (timing each phase, the peak memory and the largest HTML\n"
             "file), then build the same pages with MkDocs alone: with the same nav (time and peak\n"
             "memory), and with a stock Material configuration (no pruning, every page in the nav).\n"
             "With --serve-edit, also time one-case edits under `metdocs serve`. Nothing in the\n"
             "project is changed.")
    sp.add_argument("--cases", type=int, default=100, metavar="N", help="number of cases (default 100)")
    sp.add_argument("--serve-edit", type=int, nargs="?", const=5, default=0, metavar="EDITS",
                    help="also time EDITS one-case edits (default 5) from saving to the page served by "
                         "`metdocs serve`")
    sp.add_argument("--no-stock", action="store_true",
                    help="skip the stock Material build (every page in the nav: quadratic, most of an hour "
                         "at 3,000 cases)")
    sp.add_argument("--json", action="store_true", help="print one JSON object")
    config_opt(sp)
    data_opt(sp)


def run(args) -> int:
    from metdocs.bench.run import bench, format_report
    if not 1 <= args.cases <= 20000:
        print("metdocs bench: error: expected --cases from 1 to 20000, found " + str(args.cases), file=sys.stderr)
        return 2
    project = load_project(args)
    # In a course project, time the shipped project it builds on (its cases are the bench's seed),
    # unless --data names the data to time.
    seed = project.layers[0]
    data = project.data if seed is project or getattr(args, "data", None) else seed.data
    if not 0 <= args.serve_edit <= 100:
        print("metdocs bench: error: expected --serve-edit from 1 to 100, found " + str(args.serve_edit), file=sys.stderr)
        return 2
    report = bench(seed.root, args.cases, data=data, say=lambda m: print(m, file=sys.stderr, flush=True),
                   serve_edits=args.serve_edit, stock=not args.no_stock)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0
