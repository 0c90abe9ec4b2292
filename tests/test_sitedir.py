"""The site folder belongs to metdocs: what `build` refuses, marks, cleans up, locks and swaps.

Every refusal asserts the exit code (2), the one-line reason, no traceback, and that nothing
changed on disk: the previous site, every input file, and no new file next to them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from fs_helpers import one_line_error, snapshot
from metdocs.files import sitedir


@pytest.fixture
def project(built_project) -> Path:
    return built_project


REFUSED = [
    # --site-dir, the reason after "it "
    ("data", "is the input folder data/"),
    (".", "is the project folder"),
    ("..", "holds the project folder"),
    ("templates", "is the input folder templates/"),
    ("site_src", "is the input folder site_src/"),
    ("data/catalog", "lies inside the input folder data/"),
    ("site_src/assets/new-site", "lies inside the input folder site_src/"),
    ("templates/pages/new-site", "lies inside the input folder templates/"),
    ("mkdocs.yml", "is a file, not a folder"),
    ("data/catalog/catalog.yaml", "lies inside the input folder data/"),
    ("/", "is the root folder /"),
    ("~", "is the home folder"),
    ("~/..", "holds the home folder"),
    ("notes", "is a folder metdocs did not build (no .metdocs-site inside) and is not empty"),
    ("link-to-site", "is a symbolic link; point --site-dir at a real folder"),
    ("a-fifo", "is a FIFO (named pipe), not a folder"),
]


@pytest.mark.parametrize(("target", "reason"), REFUSED, ids=[t for t, _ in REFUSED])
@pytest.mark.parametrize("offline", [False, True], ids=["site", "offline"])
def test_build_refuses_a_folder_it_does_not_own(project, tmp_path, run_cli, monkeypatch, target, reason, offline):
    home = tmp_path / "users" / "home"
    home.mkdir(parents=True)
    (home / "keep.txt").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    (project / "notes").mkdir()
    (project / "notes" / "todo.txt").write_text("my own notes")
    (project / "link-to-site").symlink_to("site")
    os.mkfifo(project / "a-fifo")
    before = snapshot(tmp_path)
    site_dir = target.replace("~", str(home))
    code, out, err = run_cli("build", "--site-dir", site_dir, *(["--offline"] if offline else []), cwd=project)
    line = one_line_error(err)
    assert code == 2
    assert line.startswith("metdocs: error: refusing to write the site to ") and f"(--site-dir): it {reason}" in line
    assert snapshot(tmp_path) == before, "a refused build changed something on disk"


def test_a_site_inside_a_data_folder_given_with_data_is_refused(project, tmp_path, run_cli):
    elsewhere = tmp_path / "mydata"
    shutil.copytree(project / "data", elsewhere)
    before = snapshot(tmp_path)
    code, _, err = run_cli("build", "--data", str(elsewhere), "--site-dir", str(elsewhere / "site"), cwd=project)
    assert code == 2 and "lies inside the input folder" in one_line_error(err)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("kind", ["foreign file", "folder", "fifo", "symlink"])
def test_offline_build_refuses_a_zip_path_it_does_not_own(project, run_cli, kind):
    archive = project / "site-offline.zip"
    if kind == "foreign file":
        archive.write_bytes(b"my own archive, not a metdocs build")
    elif kind == "folder":
        archive.mkdir()
    elif kind == "fifo":
        os.mkfifo(archive)
    else:
        archive.symlink_to(project / "mkdocs.yml")
    before = snapshot(project)
    code, _, err = run_cli("build", "--offline", cwd=project)
    line = one_line_error(err)
    assert code == 2 and line.startswith("metdocs: error: refusing to write the site to site-offline.zip (the offline zip)")
    assert snapshot(project) == before


def test_build_marks_its_site_and_replaces_only_marked_or_empty_folders(project, run_cli):
    site = project / "site"
    assert (site / sitedir.MARKER).read_text() == sitedir.MARKER_TEXT
    (site / "stale.html").write_text("left from an earlier build")  # inside a marked site: ours to drop
    empty = project / "empty"
    empty.mkdir()
    for args in (["build"], ["build", "--site-dir", "empty"]):
        code, _, err = run_cli(*args, cwd=project)
        assert code == 0, err
    assert not (site / "stale.html").exists() and (site / sitedir.MARKER).is_file()
    assert (empty / "index.html").is_file() and (empty / sitedir.MARKER).is_file()
    leftovers = sorted(p.name for p in project.iterdir() if p.name.startswith("."))
    assert leftovers == [], "a finished build leaves nothing next to the site (not even its lock file)"


@pytest.mark.slow
def test_offline_zip_is_marked_by_its_comment_and_leaves_the_marker_out(project, run_cli):
    for _ in range(2):  # the second build replaces the first one's zip: it carries our comment
        code, _, err = run_cli("build", "--offline", cwd=project)
        assert code == 0, err
    with zipfile.ZipFile(project / "site-offline.zip") as z:
        assert z.comment == sitedir.ZIP_COMMENT
        names = z.namelist()
    assert "site-offline/index.html" in names
    assert not [n for n in names if n.endswith(sitedir.MARKER)]
    assert (project / "site-offline" / sitedir.MARKER).is_file()


def test_plain_mkdocs_build_marks_its_site_and_refuses_an_input_folder(project):
    shutil.rmtree(project / "site")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (project / "site" / sitedir.MARKER).is_file()
    before = snapshot(project)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", "data"], cwd=project,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "refusing to write the site to data (site_dir): it is the input folder data/" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(project) == before


def test_next_build_removes_only_what_killed_builds_left(project, run_cli):
    parent = project
    own = {".site-build-abcd1234": "marked", ".site-build-efgh5678": "empty", ".site-old-4242": "marked"}
    for name, how in own.items():
        (parent / name).mkdir()
        if how == "marked":
            sitedir.mark(parent / name)
            (parent / name / "index.html").write_text("half a site")
    (parent / ".site-offline.zip-abcd1234").write_bytes(b"PK\x03\x04 half a zip")
    (parent / ".site-offline.zip-efgh5678").write_bytes(b"")
    keep = {
        ".site-build-zzzz9999": "a folder without the marker",
        ".site-build-notmine": "a name tempfile never makes",
        ".site-offline.zip-mine0000": "a file that is not a zip",
        ".site-build-link0000": "a symlink",
    }
    (parent / ".site-build-zzzz9999").mkdir()
    (parent / ".site-build-zzzz9999" / "thesis.txt").write_text("not a site")
    (parent / ".site-build-notmine").mkdir()
    sitedir.mark(parent / ".site-build-notmine")
    (parent / ".site-offline.zip-mine0000").write_text("my notes")
    (parent / ".site-build-link0000").symlink_to(parent / "data")
    code, _, err = run_cli("build", cwd=project)
    assert code == 0, err
    code, _, err2 = run_cli("build", "--offline", cwd=project)
    assert code == 0, err2
    assert "Removed what an interrupted build left: .site-build-abcd1234, .site-build-efgh5678, .site-old-4242" in err
    assert "Removed what an interrupted build left: .site-offline.zip-abcd1234, .site-offline.zip-efgh5678" in err2
    left = sorted(p.name for p in parent.iterdir() if p.name.startswith("."))
    assert left == sorted(keep), "only our own leftovers are removed"
    assert (parent / ".site-build-zzzz9999" / "thesis.txt").read_text() == "not a site"
    assert (parent / "data" / "catalog" / "catalog.yaml").is_file()


def _fake_site(folder: Path, text: str) -> Path:
    folder.mkdir()
    (folder / "index.html").write_text(text)
    (folder / "assets").mkdir()
    (folder / "assets" / "x.css").write_text(text)
    sitedir.mark(folder)
    return folder


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2(RENAME_EXCHANGE) is Linux's")
def test_swap_exchanges_in_one_step_so_a_reader_always_finds_a_whole_site(tmp_path):
    """A reader opens the site over and over while builds swap new ones in: it must always find
    one whole version. Each swap waits until the reader has read the site since the last one, so
    reads and swaps interleave however busy the machine is (no count of loops to hope for)."""
    site = _fake_site(tmp_path / "site", "v0")
    stop, misses, reads = threading.Event(), [], [0]
    read_since_swap = threading.Semaphore(0)

    def read(folder: int, name: str) -> str:
        fd = os.open(name, os.O_RDONLY, dir_fd=folder)
        with open(fd, encoding="utf-8") as f:
            return f.read()

    def reader():
        while not stop.is_set():
            try:
                folder = os.open(site, os.O_RDONLY | os.O_DIRECTORY)
            except FileNotFoundError:
                misses.append("no site")
                continue
            try:  # the folder the path named at that instant: one whole version of the site
                if read(folder, "index.html") != read(folder, "assets/x.css"):
                    misses.append("mixed")
            except FileNotFoundError:
                pass  # the previous version, removed after the swap while this reader was in it
            finally:
                os.close(folder)
            reads[0] += 1
            read_since_swap.release()

    thread = threading.Thread(target=reader)
    thread.start()
    hows = set()
    try:
        for i in range(1, 150):
            assert read_since_swap.acquire(timeout=300), "the reader stopped reading"
            hows.add(sitedir.swap_in(_fake_site(tmp_path / f".site-build-{i:08d}", f"v{i}"), site))
    finally:
        stop.set()
        thread.join()
    assert hows == {"exchange"}
    assert reads[0] >= 149 and misses == []
    assert (site / "index.html").read_text() == "v149"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_swap_falls_back_to_two_renames_where_there_is_no_exchange(tmp_path, monkeypatch):
    monkeypatch.setattr(sitedir, "EXCHANGE", lambda a, b: False)
    site = _fake_site(tmp_path / "site", "old")
    assert sitedir.swap_in(_fake_site(tmp_path / ".site-build-aaaaaaaa", "new"), site) == "two renames"
    assert (site / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert sitedir.swap_in(_fake_site(tmp_path / "fresh-build", "first"), tmp_path / "fresh") == "rename"
    assert oct((tmp_path / "fresh").stat().st_mode & 0o777) == "0o755"


def test_a_second_build_waits_for_the_first(project):
    """Hold the build lock here (as a running build does); a build started meanwhile waits for it."""
    errors = project / "stderr.txt"
    with sitedir.lock(project / "site"):
        with open(errors, "w") as err:
            proc = subprocess.Popen([sys.executable, "-m", "metdocs", "build"], cwd=project, stderr=err,
                                    stdout=subprocess.DEVNULL, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        try:
            deadline = time.monotonic() + 120
            while "Waiting for another metdocs build of site/" not in errors.read_text():
                assert proc.poll() is None, errors.read_text()
                assert time.monotonic() < deadline, "the second build neither waited nor said so"
                time.sleep(0.1)
            time.sleep(0.5)
            assert proc.poll() is None, "the second build went on while the lock was held"
        except BaseException:
            proc.kill()
            raise
    assert proc.wait(timeout=300) == 0, errors.read_text()
    assert "Site written to site/" in errors.read_text()
    assert not (project / ".site.lock").exists()
