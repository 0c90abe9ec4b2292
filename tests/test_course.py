"""`metdocs new` and layering: a course's catalog entries, cases and forms on top of the shipped ones."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from metdocs.files.course import EXAMPLE_DRILL_ID, EXAMPLE_ID, builds_on_shipped, new_course
from metdocs.site.pipeline import Project, check

from conftest import REPO

NAME = 'Knee & hip: "advanced" <MET> course'


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "my-course"
    new_course(root, NAME)
    return root


def checked_ok(root: Path):
    """The course checked, asserting it has no errors."""
    checked = check(Project.for_config(root / "mkdocs.yml"))
    assert checked.ok, [str(p) for p in checked.problems if p.is_error]
    return checked


def shipped_form(course: Path, name: str) -> tuple[Path, str]:
    """The course's (new) templates/forms/ folder, and the text of a shipped form."""
    forms = course / "templates" / "forms"
    forms.mkdir(parents=True, exist_ok=True)
    return forms, (REPO / "templates" / "forms" / f"{name}.yaml").read_text()


def errors_of(root: Path, **kw) -> list[str]:
    checked = check(Project.for_config(root / "mkdocs.yml"), **kw)
    return [str(p) for p in checked.problems if p.is_error]


def test_new_writes_a_course_that_checks_clean_on_the_shipped_catalog(course):
    assert sorted(p.relative_to(course).as_posix() for p in course.rglob("*") if p.is_file()) == [
        ".gitignore", "README.md", f"data/cases/{EXAMPLE_DRILL_ID}.yaml", f"data/cases/{EXAMPLE_ID}.yaml",
        "data/catalog/course.yaml", "mkdocs.yml",
        "site_src/assets/logo.svg"]
    assert builds_on_shipped(course / "mkdocs.yml")
    project = Project.for_config(course / "mkdocs.yml")
    assert project.base is not None and project.base.root == REPO
    checked = check(project)
    assert checked.ok, [str(p) for p in checked.problems]
    ids = {c.id for c in checked.cases}
    assert EXAMPLE_ID in ids and "post-tka-clean" in ids  # its own case and the shipped ones
    assert {s.id for s in checked.catalog.sources} >= {"course-notes", "cms-pub100-04-ch5"}


def test_a_course_made_under_the_old_import_name_is_told_the_fix(course, run_cli):
    config = course / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    line = text.splitlines().index("INHERIT: !!python/name:metdocs.shipped.MKDOCS_YML") + 1
    config.write_text(text.replace("metdocs.shipped.MKDOCS_YML", "generator.shipped.MKDOCS_YML"), encoding="utf-8")
    code, _, err = run_cli("check", cwd=course)
    assert code == 2 and "Traceback" not in err
    assert f"mkdocs.yml:{line}: expected 'INHERIT: !!python/name:metdocs.shipped.MKDOCS_YML'" in err
    assert "change 'generator.' to 'metdocs.'" in err


def test_new_course_config_keeps_a_hostile_name_as_text(course):
    from mkdocs.config import load_config
    cfg = load_config(str(course / "mkdocs.yml"))
    assert cfg.site_name == NAME
    assert cfg.theme["palette"]["primary"] == "teal" and cfg.theme["logo"] == "assets/logo.svg"
    assert "navigation.prune" in cfg.theme["features"]  # inherited from the shipped configuration
    assert Path(cfg.docs_dir) == course / "site_src"


def test_the_repository_and_its_copies_are_not_courses(shipped_copy):
    assert not builds_on_shipped(REPO / "mkdocs.yml")
    assert not builds_on_shipped(shipped_copy / "mkdocs.yml")
    assert Project.for_config(REPO / "mkdocs.yml").base is None


def test_new_refuses_a_folder_with_files(tmp_path, run_cli):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    code, _, err = run_cli("new", str(target))
    assert code == 2 and "empty folder" in err and "Traceback" not in err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_new_then_check_from_inside_the_course(tmp_path, run_cli):
    code, _, err = run_cli("new", "course", "--name", "Balance course", cwd=tmp_path)
    assert code == 0 and "course/mkdocs.yml" in err
    code, _, err = run_cli("check", cwd=tmp_path / "course")
    assert code == 0, err


# ---- layering ---------------------------------------------------------------------------------

NEW_CODE = """\
cpt_codes:
  - code: "97113"
    name: Aquatic exercise
    description: Therapeutic exercise done in a pool, using the water's support and resistance.
    timed: true
    one_on_one: true
    in_scope: false
    scope_reason: aquatic exercise, a clinician's service
    scope_note: Not one of the three codes a MedExPRO bills; listed so students recognise it on a PT claim.
    qualifies: [Walking and squats in chest-deep water]
    note_must_show: [Minutes in the pool]
    sources: [course-notes]
"""


def _shipped_code(code: str) -> str:
    """The YAML of one shipped CPT entry, as a list item, taken from the shipped file."""
    text = (REPO / "data" / "catalog" / "cpt_codes.yaml").read_text()
    start = text.index(f'  - code: "{code}"')
    end = text.find("\n  - code:", start + 1)
    return text[start:end if end > 0 else len(text)].rstrip() + "\n"


def test_a_shipped_id_again_is_an_error_naming_both_files(course):
    (course / "data" / "catalog" / "codes.yaml").write_text("cpt_codes:\n" + _shipped_code("97110"))
    errs = errors_of(course)
    assert len(errs) == 1, errs
    (err,) = errs
    assert err.startswith(f"{course.resolve()}/data/catalog/codes.yaml:2:5: error: expected each CPT code once, "
                          "found '97110' again (first defined at ") or err.startswith("data/catalog/codes.yaml")
    assert "data/catalog/cpt_codes.yaml:" in err and "replaces: true" in err


def test_replaces_true_takes_the_shipped_entry_s_place(course):
    entry = _shipped_code("97110").replace("name: ", "replaces: true\n    name: Course wording, ", 1)
    (course / "data" / "catalog" / "codes.yaml").write_text("cpt_codes:\n" + entry)
    checked = checked_ok(course)
    codes = [c.code for c in checked.catalog.cpt_codes]
    assert codes.count("97110") == 1
    assert checked.catalog.cpt("97110").name.startswith("Course wording, ")
    shipped = [c.code for c in check(Project.at(REPO)).catalog.cpt_codes]
    assert codes == shipped  # same place in the order


def test_replaces_true_with_nothing_to_replace_is_an_error(course):
    (course / "data" / "catalog" / "codes.yaml").write_text(NEW_CODE.replace("    name:", "    replaces: true\n    name:", 1))
    errs = errors_of(course)
    assert any("expected a shipped CPT code '97113' for 'replaces: true' to replace, found none" in e for e in errs), errs


def test_replaces_true_in_the_shipped_project_is_an_error(shipped_copy):
    path = shipped_copy / "data" / "catalog" / "cpt_codes.yaml"
    path.write_text(path.read_text().replace('  - code: "97110"\n', '  - code: "97110"\n    replaces: true\n', 1))
    errs = errors_of(shipped_copy)
    assert any("expected 'replaces: true' only in a course project" in e for e in errs), errs


def test_a_new_code_adds_to_the_shipped_ones(course):
    (course / "data" / "catalog" / "codes.yaml").write_text(NEW_CODE)
    checked = checked_ok(course)
    assert checked.catalog.cpt("97113").name == "Aquatic exercise"
    assert checked.catalog.cpt("97110") is not None


def test_a_case_under_a_shipped_id_needs_replaces(course):
    shutil.copy(REPO / "data" / "cases" / "post-tka-clean.yaml", course / "data" / "cases" / "post-tka-clean.yaml")
    errs = errors_of(course)
    assert len(errs) == 1 and "expected each case or drill id once, found 'post-tka-clean' again" in errs[0], errs
    assert "data/cases/post-tka-clean.yaml" in errs[0].split(": error:")[1]  # the shipped file, named too
    path = course / "data" / "cases" / "post-tka-clean.yaml"
    path.write_text(path.read_text().replace("id: post-tka-clean\n", "id: post-tka-clean\nreplaces: true\n"
                                             'title: "Course version"\n', 1).replace(
        'title: "Back to the stairs after a right total knee replacement"\n', "", 1))
    checked = checked_ok(course)
    (case,) = [c for c in checked.cases if c.id == "post-tka-clean"]
    assert case.title == "Course version"


def test_a_course_form_replaces_the_shipped_one_only_when_it_says_so(course):
    forms, text = shipped_form(course, "discharge-summary")
    (forms / "discharge-summary.yaml").write_text(text)
    errs = errors_of(course)
    assert any("expected each form id once, found 'discharge-summary' again" in e for e in errs), errs
    (forms / "discharge-summary.yaml").write_text(re.sub(r"(?m)^title: .*$", "replaces: true\ntitle: Course discharge",
                                                         text, count=1))
    checked = checked_ok(course)
    (form,) = [f for f in checked.forms if f.id == "discharge-summary"]
    assert form.title == "Course discharge"


def test_a_second_form_for_a_shipped_document_type_is_an_error(course):
    forms, text = shipped_form(course, "discharge-summary")
    (forms / "my-discharge.yaml").write_text(text.replace("id: discharge-summary", "id: my-discharge", 1))
    errs = errors_of(course)
    assert any("expected one form per document type" in e and "my-discharge.yaml" in e for e in errs), errs


@pytest.mark.slow
def test_a_course_page_replaces_the_shipped_one_and_the_rest_is_shipped(course, run_cli, monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    (course / "site_src" / "index.md").write_text("# Welcome to the knee course\n\nOur own home page.\n")
    code, _, err = run_cli("build", cwd=course)
    assert code == 0, err
    site = course / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Welcome to the knee course" in home and "Document medical exercise training" not in home
    assert 'data-md-color-primary="teal"' in home and "assets/logo.svg" in home
    for shipped in ("assets/stylesheets/metdocs.css", "assets/javascripts/calculator.js", "units/calculator/index.html",
                    "cases/post-tka-clean/index.html", f"cases/{EXAMPLE_ID}/index.html"):
        assert (site / shipped).is_file(), shipped


@pytest.mark.parametrize("inside", ["data", "templates", "site_src"])
def test_a_course_cannot_build_into_the_shipped_folders_it_builds_on(course, inside):
    """The shipped data, templates and pages are a course's input folders too (sitedir.protected_for).

    Asked of the guard itself, not of a whole build: a build that wrongly went ahead would
    write into the repository's own folders."""
    from metdocs.files import sitedir
    from metdocs.errors import UsageError
    from metdocs.shipped import ROOT
    config = course / "mkdocs.yml"
    protected = sitedir.protected_for(Project.for_config(config), config)
    for target in (ROOT / inside, ROOT / inside / "site-from-a-course"):
        with pytest.raises(UsageError, match="input folder"):
            sitedir.check_target(target, protected)
    sitedir.check_target(course.parent / "elsewhere", protected)  # a folder of its own is fine
