"""`metdocs fill`: write a record saved by a web form as a filled PDF and/or FHIR response."""

from __future__ import annotations

import sys
from pathlib import Path

from metdocs.cli.common import add, config_opt, load_project, protected
from metdocs.errors import DataError, display_path


def add_parser(sub) -> None:
    sp = add(sub, "fill", "write a record saved by a web form as a filled PDF and/or FHIR response",
             "Read a file saved by one of the web forms (a FHIR QuestionnaireResponse, or the JSON of\n"
             "version 1 of the forms) and write the same form's fillable PDF with every value filled in,\n"
             "and/or the record as a FHIR R4 QuestionnaireResponse of the current form version.\n"
             "The forms are the project's (a course's own and the shipped ones); outside any project,\n"
             "the forms metdocs ships.")
    sp.add_argument("saved", type=Path, metavar="SAVED.json", help="the file the web form saved")
    sp.add_argument("--pdf", type=Path, metavar="FILE", help="write the filled PDF here")
    sp.add_argument("--fhir", type=Path, metavar="FILE", help="write the QuestionnaireResponse here")
    sp.add_argument("--force", action="store_true",
                    help="replace an existing --pdf or --fhir file that metdocs did not write (never an input "
                         "of this run, nor a file in the project's input folders or a site)")
    config_opt(sp)


def run(args) -> int:
    from metdocs.forms.fill import filled_pdf, read_saved, response_json
    from metdocs.forms.saved import load_record
    from metdocs.files.fsguard import write_output
    from metdocs.site.pipeline import check
    if not args.pdf and not args.fhir:
        print("metdocs fill: error: expected --pdf FILE, --fhir FILE or both, found neither", file=sys.stderr)
        return 2
    _readable(args.saved)
    project = load_project(args, say_shipped=False)  # outside a project: the shipped forms
    _check_outputs(args, project)  # before any work: a refused path costs the user no wait
    saved = load_record(args.saved)  # so is a file no form saved
    checked = check(project)
    if not checked.ok:
        raise DataError([p for p in checked.problems if p.is_error])
    form, values = read_saved(args.saved, list(checked.forms), checked.catalog, saved)
    outputs = []  # made in full first: nothing is written unless everything could be made
    if args.pdf:
        outputs.append((args.pdf, filled_pdf(form, checked.catalog, values)))
    if args.fhir:
        outputs.append((args.fhir, response_json(form, checked.catalog, values)))
    _check_outputs(args, project)  # again: a file may have appeared meanwhile
    for path, data in outputs:
        write_output(path, data)
        print(f"Wrote {display_path(path)} ({form.title}, version {form.version})", file=sys.stderr)
    return 0


def _readable(path: Path) -> None:
    """Raise a one-line SystemProblem (exit 3, as for any file the system will not give us) when the
    saved record is missing or unreadable, before any work; what it holds is read_saved's to judge."""
    import os
    from metdocs.errors import UsageError, os_problem
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))  # non-blocking: a FIFO must not hang us
    except OSError as e:
        raise os_problem(e, "cannot read the saved record") from None
    if path.is_dir():
        raise UsageError(f"expected SAVED.json to be a file saved by a web form, found a folder: {display_path(path)}")


def _check_outputs(args, project) -> None:
    """The write guard on --pdf and --fhir (fsguard.check_writes): never the saved record, an
    input of the project or a site's file, never both at one path, never a file metdocs did not
    write unless --force."""
    from metdocs.files.fsguard import check_writes
    places = protected(args, project).reading(args.saved, "the saved record")
    wanted = [(path, what, option) for path, what, option in ((args.pdf, "the filled PDF", "--pdf"),
                                                              (args.fhir, "the QuestionnaireResponse", "--fhir")) if path]
    check_writes(wanted, places, force=args.force)
