"""Every command finds its project the same way: in a course, in the repository, outside any project.

A course's `units` and `rules` see the shipped catalog under the course's own; outside any
project every command works on the shipped project (its catalog, cases and forms); from a
folder inside a project, the project is found above it. Also here: `--version`, `fill` on a
missing file (exit 3), the version a course records, and the upgrade command for how metdocs
was installed (PEP 610).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from metdocs.files.course import new_course
from metdocs.files.install import Installed, _from_direct_url, described, upgrade_command
from metdocs.release import RELEASED, VERSION

from conftest import REPO

SAVED = REPO / "site_src" / "examples" / "session-log-filled.json"


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "my-course"
    new_course(root, "Knee course")
    return root


@pytest.fixture
def nowhere(tmp_path) -> Path:
    folder = tmp_path / "nowhere"
    folder.mkdir()
    assert not any((p / "mkdocs.yml").exists() for p in (folder, *folder.parents))
    return folder


def test_units_in_a_course_uses_the_shipped_codes(course, run_cli):
    code, out, err = run_cli("units", "--json", "97110=33", "97530=7", cwd=course)
    assert code == 0, err
    assert json.loads(out)["units"] == {"97110": 2, "97530": 1}


def test_rules_in_a_course_lists_the_shipped_rules_and_the_course_s_own(course, run_cli):
    (course / "data" / "catalog" / "course.yaml").write_text(
        (course / "data" / "catalog" / "course.yaml").read_text() +
        "rules:\n  - id: sign-log-same-day\n    title: Sign each session log the same day\n"
        "    statement: The MedExPRO signs each log the day of the session.\n    applies_to: medexpro\n"
        "    sources: [course-notes]\n    effective: 2026-01-01\n    review_by: 2027-06-30\n"
        "    review: The record has no signing date.\n", encoding="utf-8")
    code, out, err = run_cli("rules", "--json", cwd=course)
    assert code == 0, err
    ids = {r["id"] for r in json.loads(out)}
    assert {"no-gp-modifier", "cms-8-minute-rule", "sign-log-same-day"} <= ids
    code, out, _ = run_cli("rules", cwd=course)
    assert code == 0 and "rule no-gp-modifier: " in out and "rule sign-log-same-day: " in out


@pytest.mark.parametrize("where", ["course", "repository", "nowhere"])
def test_units_and_rules_agree_in_a_course_the_repository_and_outside_any_project(request, run_cli, where):
    folder = {"course": lambda: request.getfixturevalue("course"), "repository": lambda: REPO,
              "nowhere": lambda: request.getfixturevalue("nowhere")}[where]()
    code, out, err = run_cli("units", "--json", "97112=10", "97110=10", "--rule", "ama", cwd=folder)
    assert code == 0 and json.loads(out)["units"] == {"97110": 1, "97112": 1}, err
    code, out, _ = run_cli("rules", "--json", cwd=folder)
    assert code == 0 and len(json.loads(out)) > 40
    code, out, _ = run_cli("rules", "--markdown", cwd=folder)
    assert code == 0 and "- `no-gp-modifier` (rule): " in out


def test_outside_any_project_check_says_it_uses_the_shipped_project(nowhere, run_cli):
    code, _, err = run_cli("check", cwd=nowhere)
    assert code == 0, err
    assert err.startswith("metdocs: no mkdocs.yml in this folder or above it: using the project metdocs ships")


def test_outside_any_project_export_and_fill_use_the_shipped_drills_and_forms(nowhere, run_cli):
    code, _, err = run_cli("export", "--out", "quiz", cwd=nowhere)
    assert code == 0 and (nowhere / "quiz" / "quiz-moodle.xml").is_file(), err
    code, _, err = run_cli("fill", str(SAVED), "--fhir", "filled.json", cwd=nowhere)
    assert code == 0, err
    assert json.loads((nowhere / "filled.json").read_text())["resourceType"] == "QuestionnaireResponse"
    assert "using the project metdocs ships" not in err  # fill, units and rules just use it


def test_build_outside_any_project_writes_the_site_here_not_into_the_package(nowhere, run_cli, monkeypatch):
    from metdocs.cli import build
    seen = {}
    monkeypatch.setattr("metdocs.site.build.build_site", lambda project, config, site_dir, **kw: seen.update(
        project=project, config=config, site=site_dir) or 0)
    assert run_cli("build", cwd=nowhere)[0] == 0
    assert seen["site"] == nowhere / "site" and seen["config"] == REPO / "mkdocs.yml" and seen["project"].root == REPO
    assert build  # the module whose `build_site` import the command uses


def test_a_folder_inside_a_project_finds_the_project_above_it(course, run_cli):
    inside = course / "data" / "cases"
    code, _, err = run_cli("check", cwd=inside)
    assert code == 0 and "using the project metdocs ships" not in err, err
    assert re.search(r"check ok: .* in \S*my-course/data/ ", err), err


def test_fill_a_missing_file_is_a_system_refusal(course, run_cli):
    code, _, err = run_cli("fill", "no-such-record.json", "--pdf", "out.pdf", cwd=course)
    assert code == 3
    assert err.strip() == ("metdocs: error: cannot read the saved record no-such-record.json: No such file or "
                           "directory (ENOENT)")
    assert not (course / "out.pdf").exists()


def test_version(run_cli):
    code, out, _ = run_cli("--version")
    assert code == 0
    assert out.startswith(f"metdocs {VERSION} (released {RELEASED}; installed ")
    import tomllib
    assert tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "metdocs.release.VERSION"}  # one home for the version


def test_new_prints_a_cd_line_that_can_be_pasted(tmp_path, run_cli):
    code, _, err = run_cli("new", "My Course", cwd=tmp_path)
    assert code == 0 and "Next: cd 'My Course' && metdocs build" in err


def test_check_says_when_the_course_was_made_with_another_metdocs(course, run_cli):
    config = course / "mkdocs.yml"
    assert f'  metdocs_version: "{VERSION}"' in config.read_text()
    from mkdocs.config import load_config
    extra = load_config(str(config)).extra  # merged with the shipped extra:, which it must not replace
    assert extra["metdocs_version"] == VERSION and extra["generator"] is False and extra["polyfills"]
    code, _, err = run_cli("check", cwd=course)
    assert code == 0 and "note:" not in err
    config.write_text(config.read_text().replace(f'metdocs_version: "{VERSION}"', 'metdocs_version: "0.0.1"'))
    line = config.read_text().splitlines().index('  metdocs_version: "0.0.1"') + 1
    code, _, err = run_cli("check", cwd=course)
    assert code == 0
    assert (f"mkdocs.yml:{line}: note: this course was made with metdocs 0.0.1, and metdocs {VERSION} is installed "
            "(an upgrade): ") in err
    assert f'change this line to metdocs_version: "{VERSION}"' in err


PY = "/venv/bin/python"


@pytest.mark.parametrize(("record", "command", "words"), [
    (None, f"{PY} -m pip install --upgrade metdocs", "from a package index"),
    ({"url": "file:///home/me/dist/metdocs-0.1.0-py3-none-any.whl", "archive_info": {}},
     f"{PY} -m pip install --upgrade /home/me/dist/metdocs-NEW-VERSION-py3-none-any.whl",
     "from /home/me/dist/metdocs-0.1.0-py3-none-any.whl"),
    ({"url": "https://example.org/files/metdocs-0.1.0.tar.gz", "archive_info": {"hashes": {}}},
     f"{PY} -m pip install --upgrade https://example.org/files/metdocs-NEW-VERSION.tar.gz",
     "from https://example.org/files/metdocs-0.1.0.tar.gz"),
    ({"url": "https://github.com/example/metdocs.git",
      "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": "0123abcd"}},
     f"{PY} -m pip install --upgrade git+https://github.com/example/metdocs.git@main",
     "from git+https://github.com/example/metdocs.git@main"),
    ({"url": "https://github.com/example/metdocs.git", "vcs_info": {"vcs": "git", "commit_id": "0123abcd"}},
     f"{PY} -m pip install --upgrade git+https://github.com/example/metdocs.git",
     "from git+https://github.com/example/metdocs.git"),
    ({"url": "file:///home/me/metdocs-src", "dir_info": {}},
     f"{PY} -m pip install --upgrade /home/me/metdocs-src", "from the folder /home/me/metdocs-src"),
], ids=["index", "wheel-file", "sdist-url", "git-branch", "git-default", "folder"])
def test_the_upgrade_command_follows_how_metdocs_was_installed(record, command, words):
    how = Installed("index") if record is None else _from_direct_url(record)
    assert upgrade_command(how, PY) == command
    assert described(how) == words


def test_an_editable_checkout_upgrades_with_git_pull(tmp_path):
    (tmp_path / ".git").mkdir()
    how = _from_direct_url({"url": tmp_path.as_uri(), "dir_info": {"editable": True}})
    assert upgrade_command(how, PY) == f"git -C {tmp_path} pull && {PY} -m pip install --upgrade -e {tmp_path}"


def test_the_course_readme_gives_the_upgrade_command_of_this_installation(course):
    readme = (course / "README.md").read_text()
    assert f"This course was made with metdocs {VERSION}, installed {described()}." in readme
    assert f"\n{upgrade_command()}\n" in readme and f"{sys.executable} -m pip install --upgrade" in readme
    # here metdocs is an editable checkout, not on an index: the index's command would do nothing
    assert "pip install --upgrade metdocs" not in readme


def test_a_course_without_site_src_is_told_to_create_it(course, run_cli):
    shutil.rmtree(course / "site_src")
    for command in ("build", "serve"):
        code, _, err = run_cli(command, cwd=course)
        assert code == 2 and err.strip() == ("metdocs: error: expected the folder site_src/ (the project's own pages "
                                             "and assets, MkDocs' docs_dir), found none; create it (mkdir site_src), "
                                             "even empty"), command
