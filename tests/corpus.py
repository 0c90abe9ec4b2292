"""The bad-input corpus harness, shared by test_bad_inputs.py (cases, forms) and test_check_messages.py (catalog).

A fault is a fixture under tests/fixtures/invalid/<area>/: one YAML file, or a folder of files
that only fail together (x.yaml next to x.yml). It goes into a fresh copy of the shipped
project in place of that area's files, and the project is run through `metdocs check` and then
`metdocs build` over an existing site. Each run must:

* exit 1 and print exactly the expected problem lines, each one `path:line:col: severity: ...`;
* print no traceback;
* leave every input file as it was;
* (build) leave the existing site exactly as it was (same files, inodes, sizes and times) and
  nothing new next to it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import FIXTURES, REPO

AREAS = {"catalog": "data/catalog", "cases": "data/cases", "forms": "templates/forms"}
PROBLEM = re.compile(r"^\S.*?: (?:error|warning): ")
LOCATED = re.compile(r"^[^:\s]+:[0-9]+:[0-9]+: (?:error|warning): ")


def fixtures(area: str) -> dict[str, Path]:
    """Fault name -> its fixture (a .yaml/.yml file, or a folder)."""
    folder = FIXTURES / "invalid" / area
    return {p.name if p.is_dir() else p.stem: p for p in sorted(folder.iterdir())
            if p.is_dir() or p.suffix in (".yaml", ".yml")}


def project(tmp_path: Path, area: str, fixture: Path) -> Path:
    """A copy of the shipped project with the area's files replaced by the fixture's."""
    root = tmp_path / "proj"
    root.mkdir()
    for name in ("data", "templates", "site_src"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    emptied = [AREAS[area]] + (["data/cases"] if area == "catalog" else [])  # cases need the real catalog
    for rel in emptied:
        shutil.rmtree(root / rel)
        (root / rel).mkdir()
    dest = root / AREAS[area]
    if fixture.is_dir():
        for f in sorted(fixture.iterdir()):
            shutil.copy(f, dest / f.name)
    elif area == "forms":
        shutil.copy(fixture, dest / "session-log.yaml")  # one broken form in place of the session log
    else:
        shutil.copy(fixture, dest / fixture.name)
    return root


def inputs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def site_state(site: Path) -> dict:
    """What a replaced or touched site would change: every entry's inode, size and time, and the
    names next to the site folder (a half-done build would leave a temporary folder there)."""
    state = {p.relative_to(site).as_posix(): (st.st_ino, st.st_size, st.st_mtime_ns)
             for p in [site, *site.rglob("*")] for st in [p.lstat()]}
    state["next to it"] = sorted(p.name for p in site.parent.iterdir())
    return state


def problem_lines(err: str, area: str) -> list[str]:
    lines = [line for line in err.splitlines() if PROBLEM.match(line)]
    if area == "catalog":  # a catalog alone also lacks forms and cases; only its own lines are the fault's
        lines = [line for line in lines if line.startswith("data/catalog/")]
    return lines


def assert_fault(run_cli, tmp_path: Path, site: Path, area: str, name: str, expected: list[str]) -> None:
    assert expected and all(LOCATED.match(line) for line in expected), "every message names file:line:col"
    root = project(tmp_path, area, fixtures(area)[name])
    before, site_before = inputs(root), site_state(site)
    for command in (["check"], ["build", "--site-dir", str(site)]):
        code, out, err = run_cli(*command, cwd=root)
        assert "Traceback" not in out + err, (command, err)
        assert problem_lines(err, area) == expected, command
        assert code == 1, (command, err)
        assert inputs(root) == before, f"{command[0]} changed an input file"
        assert site_state(site) == site_before, f"{command[0]} touched the existing site"
