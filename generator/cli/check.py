"""`metdocs check`: validate the data and list every problem; writes nothing."""

from __future__ import annotations

import sys
import time

from metdocs.cli.common import add, data_opts, load_project
from metdocs.errors import display_path


def add_parser(sub) -> None:
    sp = add(sub, "check", "validate the data and list every problem",
             "Load and validate every catalog file. Prints each problem as\n"
             "path:line:col: severity: message, sorted by file and line. Writes nothing.")
    data_opts(sp)


def run(args) -> int:
    from metdocs.site.pipeline import check
    project = load_project(args)
    start = time.perf_counter()
    checked = check(project, strict=args.strict)
    from metdocs.errors import sort_problems
    problems = sort_problems(checked.problems)
    for p in problems:
        print(p, file=sys.stderr)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    status = "ok" if errors == 0 else "failed"
    print(f"check {status}: {errors} error(s), {warnings} warning(s) in {display_path(project.data)}/ "
          f"({time.perf_counter() - start:.2f} s)", file=sys.stderr)
    return 1 if errors else 0
