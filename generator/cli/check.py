"""`metdocs check`: validate the data and list every problem; writes nothing."""

from __future__ import annotations

import sys
import time
from pathlib import Path

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
    if project.base is not None:
        version_note(args.config)
    print(f"check {status}: {errors} error(s), {warnings} warning(s) in {display_path(project.data)}/ "
          f"({time.perf_counter() - start:.2f} s)", file=sys.stderr)
    return 1 if errors else 0


def version_note(config: Path) -> None:
    """Say when the course was made with (or last set to) another metdocs than the one installed: the
    shipped catalog, cases and pages it builds on may have changed under it."""
    from metdocs.files.course import recorded_version
    from metdocs.release import VERSION
    recorded, line = recorded_version(config)
    shown = display_path(config)
    if recorded is None:
        print(f"{shown}: note: this course does not record the metdocs version it was made with; add "
              f"'metdocs_version: \"{VERSION}\"' under 'extra:' so that check can tell you after an upgrade",
              file=sys.stderr)
    elif recorded != VERSION:
        newer = "an upgrade" if _version_key(VERSION) > _version_key(recorded) else "another version"
        print(f"{shown}:{line}: note: this course was made with metdocs {recorded}, and metdocs {VERSION} is "
              f"installed ({newer}): the shipped rules, cases and pages it builds on may have changed; check the "
              f"site, then change this line to metdocs_version: \"{VERSION}\"", file=sys.stderr)


def _version_key(v: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in v.split("."))
