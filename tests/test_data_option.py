"""`--data DIR` means DIR, for check, build, build --offline, serve, bench and units.

The project's own data/ is broken on purpose in every test: a command that still read it
would fail, and the BUILT site is searched for a name that only DIR holds.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from fs_helpers import one_line_error

pytestmark = pytest.mark.slow

ONLY_IN_DIR = "Exercise for strength from the educator's own data"


@pytest.fixture
def project(tiny_project) -> Path:
    """The tiny project with a broken data/ and a good, different mydata/ next to it."""
    mine = tiny_project.parent / "mydata"
    shutil.copytree(tiny_project / "data", mine)
    catalog = mine / "catalog" / "catalog.yaml"
    catalog.write_text(catalog.read_text().replace("name: Exercise for strength", f"name: {ONLY_IN_DIR}", 1))
    broken = tiny_project / "data" / "catalog" / "catalog.yaml"
    broken.write_text(broken.read_text().replace('code: "97110"', "code: 97110"))  # unquoted code: an error
    return tiny_project


def test_check_reads_dir(project, run_cli):
    code, _, err = run_cli("check", "--data", "../mydata", cwd=project)
    assert code == 0, err
    code, _, err = run_cli("check", cwd=project)
    assert code == 1, "the project's own data/ is broken on purpose"


@pytest.mark.parametrize("offline", [False, True], ids=["site", "offline"])
def test_the_built_site_holds_dir_and_a_broken_data_folder_does_not_matter(project, run_cli, offline):
    code, _, err = run_cli("build", "--data", "../mydata", *(["--offline"] if offline else []), cwd=project)
    assert code == 0, err
    site = project / ("site-offline" if offline else "site")
    page = site / ("cpt/97110.html" if offline else "cpt/97110/index.html")
    assert ONLY_IN_DIR in page.read_text(encoding="utf-8")
    index = (site / "search" / ("search_index.js" if offline else "search_index.json")).read_text(encoding="utf-8")
    assert ONLY_IN_DIR in index
    assert os.environ.get("METDOCS_DATA_DIR") is None, "build must not leave the data folder in the environment"


def test_plain_mkdocs_takes_the_data_folder_from_the_environment(project):
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "METDOCS_DATA_DIR": str(project.parent / "mydata")})
    assert proc.returncode == 0, proc.stderr
    assert ONLY_IN_DIR in (project / "site" / "cpt" / "97110" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["check", "build", "serve", "bench", "units", "rules"])
def test_a_data_folder_that_does_not_exist_is_a_usage_error(project, run_cli, command):
    extra = {"units": ["97110=30"]}.get(command, [])
    code, _, err = run_cli(command, *extra, "--data", "no-such-folder", cwd=project)
    assert code == 2
    assert one_line_error(err) == ("metdocs: error: expected --data to name a data folder (holding catalog/), "
                                   "found nothing at no-such-folder")


def test_units_reads_dir_and_the_environment_too(project, run_cli, monkeypatch):
    mine = project.parent / "mydata" / "catalog" / "catalog.yaml"
    mine.write_text(mine.read_text().replace('"97530"', '"97150"'))
    code, _, err = run_cli("units", "97530=30", "--data", "../mydata", cwd=project)
    assert code == 2 and "97150" in err  # an unknown code is a usage error; the codes listed are DIR's
    monkeypatch.setenv("METDOCS_DATA_DIR", str(project.parent / "mydata"))
    code, _, err = run_cli("units", "97530=30", cwd=project)
    assert code == 2 and "97150" in err


def test_bench_makes_its_cases_from_dir(project, run_cli, monkeypatch, tmp_path):
    from metdocs.bench import run as bench, synth
    from conftest import REPO

    mine = tmp_path / "benchdata"
    shutil.copytree(REPO / "data", mine)
    (mine / "catalog" / "marker.yaml").write_text("sources: []\n")
    shutil.rmtree(mine / "cases")
    (mine / "cases").mkdir()
    shutil.copy(REPO / "data" / "cases" / "parkinsons.yaml", mine / "cases")
    synth.synthesise(REPO, tmp_path / "copy", 3, mine)
    assert (tmp_path / "copy" / "data" / "catalog" / "marker.yaml").is_file()
    made = sorted(p.name for p in (tmp_path / "copy" / "data" / "cases").iterdir())
    assert made == ["parkinsons-0000.yaml", "parkinsons-0001.yaml", "parkinsons-0002.yaml"]

    seen = {}
    monkeypatch.setattr(bench, "bench", lambda root, n, *, data, say, **options: seen.update(data=data) or {})
    monkeypatch.setattr(bench, "format_report", lambda report: "")
    code, _, err = run_cli("bench", "--cases", "3", "--data", str(mine), cwd=project)
    assert code == 0, err
    assert seen["data"] == mine.resolve()


def test_serve_builds_from_dir(project):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "metdocs", "serve", "--data", "../mydata",
                             "--dev-addr", f"127.0.0.1:{port}"], cwd=project, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        deadline, page = time.monotonic() + 180, ""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/cpt/97110/", timeout=5) as r:
                    page = r.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.3)
        assert proc.poll() is None, proc.stderr.read()
        assert ONLY_IN_DIR in page
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stderr.close()
