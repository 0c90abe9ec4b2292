"""`metdocs export`: the audit drills (and, optionally, worked cases) as a quiz an LMS imports.

questions.py turns checked cases into questions (every answer computed by the engine);
moodle.py writes Moodle XML; qti.py writes an IMS QTI 1.2 package for Canvas. Both
files are made in memory and only then written, each through a temporary file and a
rename, so a failed run leaves the previous export as it was.
"""

from __future__ import annotations

import io
from pathlib import Path

from metdocs.files.archive import write_zip
from metdocs.errors import DataError, UsageError, display_path
from metdocs.files.fsguard import Protected, check_folder, check_writes, write_output
from metdocs.export.moodle import moodle_xml
from metdocs.export.qti import qti_package
from metdocs.export.questions import Question, questions

MOODLE_FILE = "quiz-moodle.xml"
QTI_FILE = "quiz-qti.zip"


def export_quiz(project, out: Path, *, worked_cases: bool = False, strict: bool = False,
                bank: str = "metdocs", with_shipped: bool = False, places: Protected | None = None,
                force: bool = False) -> tuple[list[Path], list[Question]]:
    """Check the project, then write the Moodle XML and the QTI package into `out`.

    A course exports its own cases only, and the shipped ones too `with_shipped` (see
    `own_cases`). Returns the files written and the questions they hold. Raises DataError
    (nothing written) when the data has errors, UsageError (nothing written) when the write
    guard refuses `out` or a file in it (see `check_outputs`) or there is nothing to export.
    """
    from metdocs.catalog.icd import code_set
    from metdocs.site.pipeline import check

    check_outputs(out, places, force=force)
    checked = check(project, strict=strict)
    if not checked.ok:
        raise DataError(checked.problems)
    cases = checked.cases if with_shipped else own_cases(project, checked.cases)
    qs = questions(checked.catalog, cases, code_set(), worked_cases=worked_cases)
    if not qs:
        raise UsageError(f"expected {'drills' if not worked_cases else 'drills or worked cases'} of this course's own "
                         f"to export, found none in {display_path(project.data / 'cases')}/; add one (copy "
                         "data/cases/course-example-drill.yaml), or pass --with-shipped to export the shipped ones too")
    drills = [q for q in qs if q.group == "drills"]
    worked = [q for q in qs if q.group == "worked"]
    assessments = [("metdocs-audit-drills", f"{bank}: audit drills", drills)]
    if worked:
        assessments.append(("metdocs-worked-cases", f"{bank}: worked cases, units", worked))
    package = io.BytesIO()
    write_zip(package, qti_package(assessments))
    files = {MOODLE_FILE: moodle_xml(qs, bank=bank), QTI_FILE: package.getvalue()}
    check_outputs(out, places, force=force)  # again: a file may have appeared meanwhile
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        written.append(write_output(out / name, data))
    return written, qs


def own_cases(project, cases) -> list:
    """The cases of the project's own layer: in a course, those in its data/cases/ (one that
    replaces a shipped case included), not the shipped ones it builds on; in any other project,
    all of them. A case's file name is its id (cases/read.py checks it)."""
    if project.base is None:
        return list(cases)
    from metdocs.catalog.load import yaml_files
    folder = project.data / "cases"
    mine = {p.stem for p in yaml_files(folder)} if folder.is_dir() else set()
    return [c for c in cases if c.id in mine]


def check_outputs(out: Path, places: Protected | None, *, force: bool = False) -> None:
    """The write guard on `--out` and the two files it gets (fsguard): never an input folder or a
    site, never a quiz file metdocs did not write unless `force`."""
    check_folder(out, places, "the quiz", "--out")
    if out.is_dir():  # else metdocs makes it: nothing in it to replace
        check_writes([(out / MOODLE_FILE, "the Moodle quiz", "--out"), (out / QTI_FILE, "the QTI quiz", "--out")],
                     places, force=force)
