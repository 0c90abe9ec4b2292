"""Shared fixtures: the repository root, a tiny fixture project, and CLI running."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from fs_helpers import make_tiny, metdocs

# Deterministic CI: property tests draw the same examples on every run there (and keep no example
# database from earlier runs); locally they explore.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output instead of comparing")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


def _shipped_catalog():
    from metdocs.catalog.assemble import load_catalog
    cat, problems = load_catalog(REPO / "data" / "catalog")
    assert cat is not None, [str(p) for p in problems]
    return cat


@pytest.fixture(scope="session")
def catalog():
    """The shipped catalog, shape-checked (one load per test run)."""
    return _shipped_catalog()


@pytest.fixture(scope="session")
def icd_catalog():
    """The shipped catalog with its official ICD-10-CM titles, as the build has it."""
    from metdocs.catalog.icd import code_set
    from metdocs.catalog.model import Catalog
    cat = _shipped_catalog()
    return Catalog(**{**cat.__dict__, "icd": {d.code: code_set().lookup(d.code) for d in cat.diagnoses}})


@pytest.fixture(scope="session")
def shipped_forms(icd_catalog) -> dict:
    """The shipped form definitions by id, checked against the catalog."""
    from metdocs.forms.definition import load_forms
    loaded, problems = load_forms(REPO / "templates" / "forms", icd_catalog)
    assert not [p for p in problems if p.is_error], problems
    return {f.id: f for f in loaded}


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/tiny with the repo's templates and mkdocs.yml."""
    return make_tiny(tmp_path / "tiny")


@pytest.fixture(scope="session")
def built_tiny(tmp_path_factory) -> Path:
    """The tiny project (with an empty data/cases/) and a site `metdocs build` made of it, once per
    run with a fixed SOURCE_DATE_EPOCH. Never change it: `built_project` gives a copy."""
    root = make_tiny(tmp_path_factory.mktemp("built") / "tiny")
    (root / "data" / "cases").mkdir()
    code, _, err = metdocs("build", cwd=root, env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert code == 0, err
    return root


@pytest.fixture
def built_project(built_tiny, tmp_path) -> Path:
    """A copy of `built_tiny`, its site included, to break on purpose."""
    root = tmp_path / "tiny"
    shutil.copytree(built_tiny, root, symlinks=True)
    return root


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The shipped project's site, built once per test session with `metdocs build` (strict MkDocs)."""
    from metdocs.cli.main import main
    out = tmp_path_factory.mktemp("built") / "site"
    code = main(["build", "--config", str(REPO / "mkdocs.yml"), "--site-dir", str(out)])
    assert code == 0
    return out


@pytest.fixture(scope="session")
def existing_site(site, tmp_path_factory) -> Path:
    """A copy of the shipped site for builds that must leave it alone (the bad-input corpus)."""
    out = tmp_path_factory.mktemp("existing") / "site"
    shutil.copytree(site, out)
    return out


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A copy of the shipped project (data, templates, site_src, mkdocs.yml) to break on purpose."""
    root = tmp_path / "proj"
    root.mkdir()
    for name in ("data", "templates", "site_src"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run `metdocs ARGS` in a folder; return (exit code, stdout, stderr)."""
    from metdocs.cli.main import main

    def run(*args: str, cwd: Path | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        try:
            code = main(list(args))
        except SystemExit as e:  # argparse usage errors
            code = e.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="session")
def node() -> str:
    """The node binary, for tests that run the browser scripts against the Python engines."""
    path = shutil.which("node")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is required in CI to test the browser scripts")
        pytest.skip("node not installed")
    return path
