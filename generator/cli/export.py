"""`metdocs export`: the audit drills as a quiz for Moodle (XML) and Canvas (QTI 1.2)."""

from __future__ import annotations

import sys
from pathlib import Path

from metdocs.cli.common import add, data_opts, load_project, protected, text_arg
from metdocs.errors import display_path


def add_parser(sub) -> None:
    sp = add(sub, "export", "the audit drills as a quiz for Moodle (XML) and Canvas (QTI 1.2)",
             "Check the data, then write the audit drills as quiz questions an LMS imports:\n"
             "  quiz-moodle.xml  Moodle: Question bank > Import > Moodle XML format\n"
             "  quiz-qti.zip     Canvas: Settings > Import course content > QTI .zip file\n"
             "One multiple-choice question per declared fault of each drill (which rule does\n"
             "this session break?), with the drill's lesson and the audit's finding as feedback.")
    data_opts(sp)
    sp.add_argument("--out", metavar="DIR", type=Path, required=True, help="folder to write the two files into")
    sp.add_argument("--worked-cases", action="store_true",
                    help="add one question per worked case: how many units for one session under its payer's rule")
    sp.add_argument("--name", default=None, type=text_arg("--name"),
                    help="name of the question bank and quizzes (default: the site_name in mkdocs.yml)")
    sp.add_argument("--with-shipped", action="store_true",
                    help="in a course, export the drills (and worked cases) that ship with metdocs too, not only "
                         "the course's own")
    sp.add_argument("--force", action="store_true",
                    help="replace quiz files in --out that metdocs did not write")


def run(args) -> int:
    from metdocs.export import check_outputs, export_quiz
    project = load_project(args)
    check_outputs(args.out, protected(args, project), force=args.force)  # a refusal comes before any work
    print(f"Checking {display_path(project.data)}/ ...", file=sys.stderr, flush=True)
    written, qs = export_quiz(project, args.out, worked_cases=args.worked_cases, strict=args.strict,
                              bank=args.name or _bank_name(args.config), with_shipped=args.with_shipped,
                              places=protected(args, project), force=args.force)
    drills = sum(q.group == "drills" for q in qs)
    print(f"Exported {drills} drill question(s)"
          + (f" and {len(qs) - drills} worked-case question(s)" if args.worked_cases else "") + ":", file=sys.stderr)
    for path in written:
        print(f"  {display_path(path)}", file=sys.stderr)
    return 0


def _bank_name(config: Path) -> str:
    """The project's site_name (a course's own name), else 'metdocs'."""
    from metdocs.files.project import site_name
    return site_name(config) or "metdocs"
