"""`metdocs new DIR`: create a course project that builds on the shipped catalog."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from metdocs.cli.common import add, text_arg
from metdocs.errors import display_path


def add_parser(sub) -> None:
    sp = add(sub, "new", "create a course project that builds on the shipped catalog",
             "Create DIR (new or empty) holding a course project: its own mkdocs.yml (name,\n"
             "colours, logo), data/ for the catalog entries and cases it adds, one example case,\n"
             "a README for the educator and a .gitignore. The shipped catalog, cases, forms and\n"
             "pages are used by reference, so metdocs updates reach the course.\n\n"
             "example:\n  metdocs new my-course --name \"Knee rehab MET course\"\n  cd my-course && metdocs build")
    sp.add_argument("dir", metavar="DIR", type=Path, help="folder to create (must be new or empty)")
    sp.add_argument("--name", default="Medical exercise training course", type=text_arg("--name"),
                    help="the course's name, shown as the site name (default: %(default)s)")


def run(args) -> int:
    from metdocs.files.course import new_course
    target = args.dir.resolve()
    written = new_course(args.dir, args.name, places=_places())
    print(f"Created the course project {display_path(target)}/ ({len(written)} files):", file=sys.stderr)
    for path in written:
        print(f"  {display_path(path)}", file=sys.stderr)
    # Quoted for the shell, so the line can be pasted as it is ("cd 'My Course'").
    print(f"Next: cd {shlex.quote(display_path(target))} && metdocs build   (then read README.md)", file=sys.stderr)
    return 0


def _places():
    """What a new course must not be written into (fsguard.Protected): the shipped project's input
    folders, and those of the project in the working folder when there is one."""
    from metdocs import shipped
    from metdocs.files.fsguard import MAX_BYTES, Protected, protected_for, why_not
    from metdocs.files.project import Project
    places = protected_for(Project.at(shipped.ROOT), Path(shipped.MKDOCS_YML))
    here = Path("mkdocs.yml")
    if why_not(here, None, MAX_BYTES) is not None or not here.is_file():
        return places
    mine = protected_for(Project.for_config(here.resolve()), here)
    return Protected(mine.project, (*mine.inputs, *places.inputs), mine.config_dir, mine.files)
