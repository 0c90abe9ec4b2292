"""Incremental `serve` (site/serve/dirty.py): a rebuild writes exactly the pages whose content or whose
navigation changed, and leaves a site equal, file for file, to a whole build of the same sources.

The builds run as `metdocs serve` makes them (MkDocs' dirty build, the plugin kept from one
build to the next) in a process of their own (tests/dirty_builds.py). "Written" is told by the
files' modification times; nothing here measures a time.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from metdocs.bench.synth import synthesise
from metdocs.files.project import Project
from metdocs.site.pipeline import generate

pytestmark = pytest.mark.slow

HELPER = Path(__file__).resolve().parent / "dirty_builds.py"
REPO = Path(__file__).resolve().parent.parent
EVERY_BUILD = {"404.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json"}
"""Written by every build, dirty or not: they list every page."""


def _run(*args) -> str:
    proc = subprocess.run([sys.executable, str(HELPER), *map(str, args)], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1", "HOME": str(Path.home())})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def _html(md: str) -> str:
    """The output file of a docs page (directory URLs)."""
    stem = md.removesuffix(".md")
    return f"{stem.removesuffix('index')}index.html" if stem == "index" or stem.endswith("/index") \
        else f"{stem}/index.html"


def _expected(before, after) -> set[str]:
    """The pages whose Markdown changed, and the packet volumes that print one of them."""
    changed = {p for p, text in after.files.items() if p.endswith(".md") and before.files.get(p) != text}
    changed |= {page for page, members in after.depends.items() if set(members) & changed}
    return {_html(p) for p in changed}


def _pages(written: list[str]) -> set[str]:
    return {w for w in written if w.endswith(".html") and w not in EVERY_BUILD}


def _same_site(dirty: Path, whole: Path) -> None:
    files = {p.relative_to(dirty).as_posix() for p in dirty.rglob("*") if p.is_file()}
    assert files == {p.relative_to(whole).as_posix() for p in whole.rglob("*") if p.is_file()}
    for name in sorted(files):
        a, b = (dirty / name).read_bytes(), (whole / name).read_bytes()
        if name.endswith(".gz"):  # gzip stamps its own time
            a, b = gzip.decompress(a), gzip.decompress(b)
        if name == "search/search_index.json":
            assert json.loads(a) == json.loads(b)
        else:
            assert a == b, name


def _steps_and_expectations(root: Path, steps: list[dict]) -> list[set[str]]:
    """For each step, the pages a rebuild must write (the generation's own account, see _expected)."""
    import shutil
    shadow = root.parent / "shadow"
    shutil.copytree(root, shadow)
    out, before = [], generate(Project.at(shadow))
    for step in steps:
        path = shadow / step.get("remove", step.get("path", ""))
        if "remove" in step:
            path.unlink()
        else:
            path.write_text(path.read_text(encoding="utf-8").replace(step["old"], step["new"], 1), encoding="utf-8")
        after = generate(Project.at(shadow))
        out.append(_expected(before, after))
        before = after
    return out


def test_a_rebuild_writes_only_changed_pages_and_ends_equal_to_a_whole_build(tmp_path):
    """A course too big for its cases to be in the sidebar: an edit touches the case's page, the
    listings that show it and the packet volume that prints it; a removed case's page goes."""
    root = tmp_path / "course"
    synthesise(REPO, root, 64)  # about 30 worked cases, the rest drills
    worked = sorted(p.name for p in (root / "data" / "cases").glob("knee-osteoarthritis-*.yaml"))
    # The premise: more worked cases than the sidebar lists (with 50 cases that stopped holding
    # once the shipped drills grew: 24 worked cases, all in the sidebar, and a title edit then
    # rightly rebuilds the whole section).
    from metdocs.site.plugin import MAX_CASES_IN_NAV
    drills = sum("kind: drill" in p.read_text(encoding="utf-8") for p in (root / "data" / "cases").glob("*.yaml"))
    assert 64 - drills > MAX_CASES_IN_NAV
    body = {"path": f"data/cases/{worked[0]}", "old": "in the garden", "new": "in the allotment"}
    title = {"path": f"data/cases/{worked[1]}", "old": 'title: "Right knee', "new": 'title: "Left knee'}
    gone = {"remove": "data/cases/" + sorted(p.name for p in (root / "data" / "cases").glob("parkinsons-*.yaml"))[0]}
    steps = [body, title, gone]
    expected = _steps_and_expectations(root, steps)
    builds = json.loads(_run("dirty", root, tmp_path / "site", json.dumps(steps)).strip().splitlines()[-1])
    first, *rebuilds = builds
    assert len(_pages(first["written"])) > 100  # the first build is whole
    body_page = _html(f"cases/{worked[0].removesuffix('.yaml')}.md")
    title_page = _html(f"cases/{worked[1].removesuffix('.yaml')}.md")
    assert body_page in expected[0] and title_page in expected[1]
    assert any(p.startswith("print/student/") for p in expected[0])  # its volume prints it
    assert any(p.startswith("cases/by_") for p in expected[1])  # the listings show its title
    for build, pages in zip(rebuilds, expected):
        assert _pages(build["written"]) == pages
        assert len(pages) < 12
    assert _html(f"cases/{Path(gone['remove']).stem}.md") in rebuilds[2]["removed"]  # a worked case's page
    _run("full", root, tmp_path / "whole")
    _same_site(tmp_path / "site", tmp_path / "whole")


def test_a_title_in_the_sidebar_rebuilds_the_pages_whose_navigation_shows_it(shipped_copy, tmp_path):
    """The shipped cases are in the sidebar: a new title changes the sidebar of every page of the
    worked cases' section and the footer of its neighbours, and nothing else."""
    case = "data/cases/post-tka-clean.yaml"
    step = {"path": case, "old": 'title: "Back to the stairs', "new": 'title: "Up the stairs'}
    text = (shipped_copy / case).read_text(encoding="utf-8")
    assert step["old"] in text
    expected = _steps_and_expectations(shipped_copy, [step])[0]
    builds = json.loads(_run("dirty", shipped_copy, tmp_path / "site", json.dumps([step])).strip().splitlines()[-1])
    written = _pages(builds[1]["written"])
    section = {_html(f"cases/{p.stem}.md") for p in (shipped_copy / "data" / "cases").glob("*.yaml")
               if "kind: drill" not in p.read_text(encoding="utf-8")} | {"cases/index.html"}
    assert expected <= written and section <= written
    assert not any(p.startswith(("cpt/", "icd10/", "forms/", "standards/")) for p in written)
    assert len(written) <= len(section) + len(expected) + 2  # the neighbours' footers
    _run("full", shipped_copy, tmp_path / "whole")
    _same_site(tmp_path / "site", tmp_path / "whole")
