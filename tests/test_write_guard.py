"""The one write guard (fsguard.why_not_write, check_writes): what `fill`, `export`, `new` and the
cache folder refuse to write, run as a user would.

Every refusal asserts exit 2, one line naming the path the user gave and why, no traceback, and
that nothing changed on disk: every file under the test's folder (the project, its site, the
home folder, the saved record, the user's own files) is hashed before and after. The valid
cases assert what was written, and that a second run may replace what metdocs wrote.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from fs_helpers import metdocs, one_line_error, snapshot
from metdocs.files import sitedir

pytestmark = pytest.mark.slow

EXAMPLE = REPO / "site_src" / "examples" / "session-log-filled.json"


@pytest.fixture
def world(tmp_path, monkeypatch) -> Path:
    """tmp/proj: a copy of the shipped project with a (fake) built site, a saved record and the
    user's own files; tmp/home: the home folder; tmp/cache: the cache folder."""
    root = tmp_path / "proj"
    root.mkdir()
    for name in ("data", "templates", "site_src"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    site = root / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>the published site</p>")
    sitedir.mark(site)
    shutil.copy(EXAMPLE, root / "saved.json")
    os.link(root / "saved.json", root / "saved-hard-link.json")
    (root / "notes.txt").write_text("my own notes")
    (root / "a-folder").mkdir()
    os.mkfifo(root / "a-fifo")
    (root / "link-to-notes").symlink_to("notes.txt")
    (root / "link-to-data").symlink_to("data")
    (root / "busy").mkdir()
    (root / "busy" / "quiz-moodle.xml").write_text("<quiz>my own bank</quiz>")
    home = tmp_path / "home"
    home.mkdir()
    (home / "keep.txt").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("METDOCS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(root)
    return root


def _refused(run_cli, world: Path, args: list[str], start: str, reason: str) -> None:
    before = snapshot(world.parent)
    code, out, err = run_cli(*args)
    line = one_line_error(err)
    assert code == 2, err
    assert line.startswith(f"metdocs: error: {start}") and line.endswith(f": it {reason}"), line
    assert snapshot(world.parent) == before, "a refused command changed something on disk"


def _home(path: str, world: Path) -> str:
    return path.replace("~", str(world.parent / "home"))


# --- fill --pdf / --fhir -------------------------------------------------------------------------------

NOT_OURS = "is a file metdocs did not write (or one changed since); pass --force to replace it, or choose another name"
FILL_REFUSED = [
    # (option, path given, the reason after "it ")
    ("--pdf", "saved.json", "is the saved record, which this run reads"),
    ("--fhir", "saved.json", "is the saved record, which this run reads"),
    ("--pdf", "saved-hard-link.json", "is the saved record, which this run reads"),
    ("--pdf", "busy/../saved.json", "is the saved record, which this run reads"),
    ("--pdf", "mkdocs.yml", "is the project's mkdocs.yml, which this run reads"),
    ("--fhir", "mkdocs.yml", "is the project's mkdocs.yml, which this run reads"),
    ("--pdf", "data/catalog/rules.yaml", "lies inside the input folder data/"),
    ("--pdf", "data/catalog/new.pdf", "lies inside the input folder data/"),
    ("--fhir", "templates/forms/session-log.yaml", "lies inside the input folder templates/"),
    ("--pdf", "site_src/index.md", "lies inside the input folder site_src/"),
    ("--fhir", "site_src/examples/new.json", "lies inside the input folder site_src/"),
    ("--pdf", "link-to-data/catalog/out.pdf", "lies inside the input folder data/"),
    ("--pdf", "data", "is the input folder data/"),
    ("--pdf", "site/index.html", "lies inside a site metdocs built (site/)"),
    ("--pdf", "site/filled.pdf", "lies inside a site metdocs built (site/)"),
    ("--pdf", "notes.txt", NOT_OURS),
    ("--fhir", "busy/quiz-moodle.xml", NOT_OURS),
    ("--pdf", ".", "is the project folder"),
    ("--pdf", "~", "is the home folder"),
    ("--pdf", "~/keep.txt", NOT_OURS),
    ("--pdf", "/", "is the root folder /"),
    ("--pdf", "a-folder", "is a folder, not a file metdocs may write"),
    ("--pdf", "a-fifo", "is a FIFO (named pipe), not a file metdocs may write"),
    ("--pdf", "link-to-notes", "is a symbolic link; name a file, not a link"),
    ("--pdf", "missing/out.pdf", "lies in a folder that does not exist (missing/); make the folder first"),
]


@pytest.mark.parametrize(("option", "target", "reason"), FILL_REFUSED, ids=[f"{o} {t}" for o, t, _ in FILL_REFUSED])
def test_fill_refuses_what_it_must_not_write(world, run_cli, option, target, reason):
    given = _home(target, world)
    _refused(run_cli, world, ["fill", "saved.json", option, given],
             f"refusing to write the {'filled PDF' if option == '--pdf' else 'QuestionnaireResponse'} to {given} ({option})",
             reason)


def test_fill_refuses_one_path_for_both_outputs(world, run_cli):
    _refused(run_cli, world, ["fill", "saved.json", "--pdf", "out", "--fhir", "./out"],
             "refusing to write the QuestionnaireResponse to out (--fhir)",
             "is where the filled PDF (--pdf) goes too; give each output its own name")


@pytest.mark.parametrize("target", ["data/catalog/rules.yaml", "saved.json", "mkdocs.yml", "site/index.html"])
def test_force_never_lets_fill_write_over_an_input_or_a_site(world, run_cli, target):
    code, _, err = run_cli("fill", "saved.json", "--pdf", target, "--force")
    assert code == 2 and one_line_error(err).startswith(f"metdocs: error: refusing to write the filled PDF to {target}")


def test_fill_replaces_what_it_wrote_and_what_force_names_only(world, run_cli):
    code, _, err = run_cli("fill", "saved.json", "--pdf", "out.pdf", "--fhir", "out.json")
    assert code == 0, err
    first = (world / "out.pdf").read_bytes()
    code, _, err = run_cli("fill", "saved.json", "--pdf", "out.pdf", "--fhir", "out.json")
    assert code == 0, err  # metdocs wrote these: replaced without --force
    assert (world / "out.pdf").read_bytes() == first
    (world / "out.json").write_text((world / "out.json").read_text() + "\n")  # edited by the user since
    _refused(run_cli, world, ["fill", "saved.json", "--fhir", "out.json"],
             "refusing to write the QuestionnaireResponse to out.json (--fhir)", NOT_OURS)
    code, _, err = run_cli("fill", "saved.json", "--pdf", "notes.txt", "--force")
    assert code == 0, err
    assert (world / "notes.txt").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(("command", "written"), [
    (["fill", "saved.json", "--pdf", "locked/out.pdf"], "locked/out.pdf"),
    (["export", "--out", "locked"], "locked/quiz-moodle.xml"),
], ids=["fill", "export"])
def test_a_write_error_names_the_users_path_not_a_temporary_file(world, run_cli, monkeypatch, command, written):
    """A folder that refuses the write (as a read-only one does; root ignores modes, so the refusal
    is made where metdocs makes its temporary file) is named as the user named the output."""
    from metdocs.files import fsguard
    (world / "locked").mkdir()

    def refuse(*args, prefix="", dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", f"{dir}/{prefix}abc123")

    monkeypatch.setattr(fsguard.tempfile, "mkstemp", refuse)
    code, _, err = run_cli(*command)
    assert code == 3
    # progress lines (the data check, a cold code-set cache) may come first: the error is the one line after them
    assert one_line_error(err[err.index("metdocs: error:"):]) == (
        f"metdocs: error: the system refused {written}: Permission denied (EACCES); check the folder's permissions")
    assert list((world / "locked").iterdir()) == []


# --- export --out -------------------------------------------------------------------------------------

EXPORT_REFUSED = [
    ("site_src/quiz", "the quiz", "lies inside the input folder site_src/"),
    ("site_src", "the quiz", "is the input folder site_src/"),
    ("data", "the quiz", "is the input folder data/"),
    ("data/quiz", "the quiz", "lies inside the input folder data/"),
    ("templates/pages", "the quiz", "lies inside the input folder templates/"),
    ("link-to-data", "the quiz", "is the input folder data/"),
    ("site", "the quiz", "is a site metdocs built (site/)"),
    ("site/quiz", "the quiz", "lies inside a site metdocs built (site/)"),
    (".", "the quiz", "is the project folder"),
    ("~", "the quiz", "is the home folder"),
    ("/", "the quiz", "is the root folder /"),
    ("mkdocs.yml", "the quiz", "is a file, not a folder"),
    ("a-fifo", "the quiz", "is a FIFO (named pipe), not a folder"),
    ("busy", "the Moodle quiz", NOT_OURS),
]


@pytest.mark.parametrize(("target", "what", "reason"), EXPORT_REFUSED, ids=[t for t, _, _ in EXPORT_REFUSED])
def test_export_refuses_what_it_must_not_write(world, run_cli, target, what, reason):
    given = _home(target, world)
    shown = f"{given}/quiz-moodle.xml" if what == "the Moodle quiz" else given
    _refused(run_cli, world, ["export", "--out", given], f"refusing to write {what} to {shown} (--out)", reason)


def test_export_writes_a_fresh_folder_replaces_its_own_files_and_others_only_with_force(world, run_cli):
    for args in (["export", "--out", "quiz"], ["export", "--out", "quiz"], ["export", "--out", "busy", "--force"]):
        code, _, err = run_cli(*args)
        assert code == 0, err
    assert (world / "quiz" / "quiz-qti.zip").is_file()
    assert (world / "busy" / "quiz-moodle.xml").read_text().startswith("<?xml")


# --- new DIR --------------------------------------------------------------------------------------

NEW_REFUSED = [
    ("notes.txt", "is a file, not a folder; choose a new folder"),
    ("busy", "is a folder with files in it; choose a new or empty folder"),
    ("data/my-course", "lies inside the input folder data/"),
    ("site_src/my-course", "lies inside the input folder site_src/"),
    ("templates/forms/my-course", "lies inside the input folder templates/"),
    ("site/my-course", "lies inside a site metdocs built (site/)"),
    (".", "is the project folder"),
    ("~", "is the home folder"),
    ("/", "is the root folder /"),
    ("link-to-data", "is a symbolic link; name a new folder"),
]


@pytest.mark.parametrize(("target", "reason"), NEW_REFUSED, ids=[t for t, _ in NEW_REFUSED])
def test_new_refuses_what_it_must_not_write(world, run_cli, target, reason):
    given = _home(target, world)
    _refused(run_cli, world, ["new", given], f"refusing to write the course to {given} (DIR)", reason)


def test_new_never_writes_into_the_shipped_project(world, run_cli):
    target = REPO / "data" / "cases" / "my-course"
    before = snapshot(REPO / "data")
    code, _, err = run_cli("new", str(target))
    assert code == 2 and "lies inside the input folder" in one_line_error(err)
    assert snapshot(REPO / "data") == before


NAMES_REFUSED = [
    ("Knee\x7fcourse", "expected plain text, found U+007F (a control character) at character 5 of the text; remove it"),
    ("Knee \u202ecourse", "expected plain text, found U+202E (RIGHT-TO-LEFT OVERRIDE, a bidirectional control that "
                          "can make text show differently from what it holds) at character 6 of the text; remove it"),
    ("Knee\x1b[31mcourse", "expected plain text, found U+001B (a control character) at character 5 of the text; "
                           "remove it"),
    ("Knee\u2028course", "expected plain text, found U+2028 (LINE SEPARATOR, an invisible line break) at character 5 "
                         "of the text; remove it"),
]


@pytest.mark.parametrize(("name", "reason"), NAMES_REFUSED, ids=["DEL", "U+202E", "ESC", "U+2028"])
def test_new_refuses_a_name_a_course_could_not_check(world, run_cli, name, reason):
    before = snapshot(world.parent)
    code, _, err = run_cli("new", "course", "--name", name)
    assert code == 2 and "Traceback" not in err
    assert err.splitlines()[-1] == f"metdocs new: error: argument --name: --name: {reason}"
    assert snapshot(world.parent) == before


@pytest.mark.parametrize("command", [["new", "course", "--name"], ["icd"], ["export", "--out", "quiz", "--name"]])
def test_an_argument_that_is_not_utf8_is_a_usage_error(world, command):
    before = snapshot(world.parent)
    proc = subprocess.run([sys.executable, "-m", "metdocs", *command, b"Knee \xff course"], cwd=world,
                          capture_output=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, timeout=120)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2 and "Traceback" not in err, err
    assert "as UTF-8 text, found bytes that are not UTF-8 (b'Knee \\xff course')" in err.splitlines()[-1]
    assert snapshot(world.parent) == before


def test_a_hostile_course_name_is_text_in_the_title(tmp_path, run_cli):
    """metdocs new --name reaches mkdocs.yml's site_name, which the theme prints unescaped."""
    from fs_helpers import make_tiny
    root = make_tiny(tmp_path / "tiny")
    (root / "data" / "cases").mkdir(exist_ok=True)
    name = '</title><script>alert("x")</script> & "Knee"'
    config = root / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_name: .*$", lambda m: f"site_name: {name!r}", config.read_text(), count=1))
    code, _, err = run_cli("build", cwd=root)
    assert code == 0, err
    page = (root / "site" / "index.html").read_text()
    assert "<script>alert" not in page
    assert "&lt;/title&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;Knee&#34;" in page


# --- the cache folder ----------------------------------------------------------------------------

CACHE_REFUSED = [
    ("METDOCS_CACHE_DIR", "data/cache", "data/cache", "lies inside the input folder data/"),
    ("METDOCS_CACHE_DIR", "data", "data", "is the input folder data/"),
    ("METDOCS_CACHE_DIR", "site_src/cache", "site_src/cache", "lies inside the input folder site_src/"),
    ("METDOCS_CACHE_DIR", "templates/pages/cache", "templates/pages/cache", "lies inside the input folder templates/"),
    ("METDOCS_CACHE_DIR", "site/cache", "site/cache", "lies inside a site metdocs built (site/)"),
    ("METDOCS_CACHE_DIR", ".", ".", "is the project folder"),
    ("METDOCS_CACHE_DIR", "~", "~", "is the home folder"),
    ("XDG_CACHE_HOME", "data", "data/metdocs", "lies inside the input folder data/"),
]


@pytest.mark.parametrize(("variable", "value", "shown", "reason"), CACHE_REFUSED, ids=[v for _, v, _, _ in CACHE_REFUSED])
@pytest.mark.parametrize("command", [["check"], ["build"], ["export", "--out", "quiz"],
                                     ["fill", "saved.json", "--pdf", "out.pdf"]], ids=lambda c: c[0])
def test_a_cache_folder_in_an_input_folder_or_a_site_is_refused(world, run_cli, monkeypatch, variable, value, shown,
                                                                 reason, command):
    monkeypatch.delenv("METDOCS_CACHE_DIR")
    monkeypatch.setenv(variable, _home(value, world))
    named = "METDOCS_CACHE_DIR" if variable == "METDOCS_CACHE_DIR" else "XDG_CACHE_HOME"
    _refused(run_cli, world, command, f"refusing to write the cache to {_home(shown, world)} ({named})", reason)


def test_plain_mkdocs_build_refuses_a_cache_folder_in_the_data_too(world):
    env = {"METDOCS_CACHE_DIR": "data/cache"}
    before = snapshot(world.parent)
    code, out, err = metdocs("build", cwd=world, env=env)  # the CLI first
    assert code == 2
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=world, capture_output=True, text=True,
                          env={**os.environ, **env, "NO_MKDOCS_2_WARNING": "1"}, timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "refusing to write the cache to data/cache (METDOCS_CACHE_DIR): it lies inside the input folder data/" \
        in proc.stderr
    assert snapshot(world.parent) == before
