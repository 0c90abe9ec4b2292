"""Fault tests: concurrent builds, and builds killed (SIGKILL) at random and at chosen moments.

Two data folders, A and B, give two different sites; reference builds of each (with a fixed
SOURCE_DATE_EPOCH, so builds are byte-identical) are what "one whole build" is compared to.
Whatever happens, the site folder holds exactly reference A or reference B, and the next
build leaves nothing behind next to it.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fs_helpers import make_tiny, metdocs, site_bytes

pytestmark = pytest.mark.slow

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}
SEEDS = (11, 23, 37, 41, 59, 73)
PROJECT_FILES = {"data", "data-a", "data-b", "mkdocs.yml", "site_src", "templates"}


class Refs:
    def __init__(self, root: Path):
        self.root = root
        self.sites: dict[tuple[str, bool], dict[str, bytes]] = {}
        self.zips: dict[str, bytes] = {}
        self.seconds = 0.0


@pytest.fixture(scope="module")
def refs(tmp_path_factory) -> Refs:
    """The tiny project with data-a/ and data-b/ (B renames a CPT code), and each one's reference sites."""
    root = make_tiny(tmp_path_factory.mktemp("faults") / "tiny")
    shutil.copytree(root / "data", root / "data-a")
    shutil.copytree(root / "data", root / "data-b")
    catalog = root / "data-b" / "catalog" / "catalog.yaml"
    text = catalog.read_text()
    assert "name: Exercise for strength" in text
    catalog.write_text(text.replace("name: Exercise for strength", "name: Exercise for strength, version B"))
    refs = Refs(root)
    for data in ("a", "b"):
        for offline in (False, True):
            start = time.monotonic()
            code, _, err = metdocs("build", "--data", f"data-{data}", *(["--offline"] if offline else []),
                                   cwd=root, env=EPOCH)
            assert code == 0, err
            if not offline:
                refs.seconds = max(refs.seconds, time.monotonic() - start)
        keep = root.parent / f"ref-{data}"
        keep.mkdir()
        for name in ("site", "site-offline", "site-offline.zip"):
            (root / name).rename(keep / name)
        refs.sites[(data, False)] = site_bytes(keep / "site")
        refs.sites[(data, True)] = site_bytes(keep / "site-offline")
        refs.zips[data] = (keep / "site-offline.zip").read_bytes()
    assert refs.sites[("a", False)] != refs.sites[("b", False)]
    return refs


@pytest.fixture
def project(refs, tmp_path) -> Path:
    """A copy of the project whose site/ (and site-offline/ with its zip) is reference A."""
    root = tmp_path / "tiny"
    shutil.copytree(refs.root, root, symlinks=True)
    for name in ("site", "site-offline"):  # marked: metdocs built them
        shutil.copytree(refs.root.parent / "ref-a" / name, root / name)
    shutil.copy(refs.root.parent / "ref-a" / "site-offline.zip", root / "site-offline.zip")
    return root


def assert_whole(refs: Refs, project: Path, offline: bool) -> str:
    """The site is exactly one reference build; return which ("a" or "b")."""
    site = project / ("site-offline" if offline else "site")
    got = site_bytes(site)
    match = [d for d in ("a", "b") if refs.sites[(d, offline)] == got]
    assert match, f"{site.name}/ is not one whole build: {len(got)} files"
    if offline:
        assert (project / "site-offline.zip").read_bytes() in refs.zips.values(), "the zip is not one whole build"
    return match[0]


def assert_no_clutter(project: Path) -> None:
    assert {p.name for p in project.iterdir()} == PROJECT_FILES | {"site", "site-offline", "site-offline.zip"}


def test_two_builds_at_once_give_one_whole_site_and_no_clutter(refs, project):
    procs = [subprocess.Popen([sys.executable, "-m", "metdocs", "build", "--data", data], cwd=project,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **EPOCH})
             for data in ("data-a", "data-b")]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    for p in procs:
        p.stderr.close()
    assert [code for code, _ in results] == [0, 0], results
    assert_whole(refs, project, offline=False)
    assert_no_clutter(project)


def _kill_during(project: Path, args: list[str], delay: float) -> int | None:
    proc = subprocess.Popen([sys.executable, "-m", "metdocs", *args], cwd=project, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **EPOCH})
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)  # the build and any helper it forked
    return proc.wait(timeout=60)


@pytest.mark.parametrize("seed", SEEDS)
def test_sigkill_at_a_random_moment_leaves_one_whole_site_and_the_next_build_cleans_up(refs, project, seed):
    rng = random.Random(seed)
    offline = seed in SEEDS[-2:]
    args = ["build", "--data", "data-b", *(["--offline"] if offline else [])]
    delay = rng.uniform(0.3, 1.2 * refs.seconds * (1.6 if offline else 1.0))
    _kill_during(project, args, delay)
    assert_whole(refs, project, offline)
    code, _, err = metdocs(*args, cwd=project, env=EPOCH)
    assert code == 0, err
    assert assert_whole(refs, project, offline) == "b"
    assert_no_clutter(project)


KILL_AT = """
import os, signal, sys
from metdocs.site import build
from metdocs.files import sitedir

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

point = sys.argv[1]
if point == "build-folder-made":      # a marked, empty temporary folder
    made = sitedir.new_build_dir
    sitedir.new_build_dir = lambda site: (made(site), die())[0]
elif point == "before-swap":          # the whole new site built next to the old one
    sitedir.swap_in = die
elif point == "after-exchange":       # the old site now under the temporary name, not yet removed
    exchange = sitedir.EXCHANGE
    sitedir.EXCHANGE = lambda a, b: (exchange(a, b), die())[0]
elif point == "between-renames":      # the fallback swap, killed between its two renames
    sitedir.EXCHANGE = lambda a, b: False
    rename = os.rename
    def once(a, b):
        rename(a, b)
        if ".site-old-" in str(b):
            die()
    os.rename = once
elif point == "mid-zip":              # half a zip in its temporary file
    write = build.write_zip
    def half(target, members, **kw):
        with open(target, "wb") as f:
            f.write(b"PK\\x03\\x04 half written")
        die()
    build.write_zip = half
from metdocs.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("point", ["build-folder-made", "before-swap", "after-exchange", "between-renames", "mid-zip"])
def test_sigkill_at_each_step_of_the_swap(refs, project, point):
    offline = point == "mid-zip"
    args = ["build", "--data", "data-b", *(["--offline"] if offline else [])]
    proc = subprocess.run([sys.executable, "-c", KILL_AT, point, *args], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **EPOCH}, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    leftovers = {p.name for p in project.iterdir()} - PROJECT_FILES - {"site", "site-offline", "site-offline.zip"}
    assert leftovers, "the kill should have left something behind to clean up"
    if point == "between-renames":  # the one moment with no site: the fallback's gap, which the exchange closes
        assert not (project / "site").exists()
    else:
        assert_whole(refs, project, offline)
    code, _, err = metdocs(*args, cwd=project, env=EPOCH)
    assert code == 0, err
    assert "Removed what an interrupted build left" in err
    assert assert_whole(refs, project, offline) == "b"
    assert_no_clutter(project)
