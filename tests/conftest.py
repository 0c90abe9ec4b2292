"""Shared fixtures: the repository root, a tiny fixture project, and CLI running."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output instead of comparing")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def catalog():
    """The shipped catalog, shape-checked (one load per test run)."""
    from generator.catalog import load_catalog
    cat, problems = load_catalog(REPO / "data" / "catalog")
    assert cat is not None, [str(p) for p in problems]
    return cat


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/tiny with the repo's templates and mkdocs.yml."""
    root = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", root)
    shutil.copytree(REPO / "templates" / "pages", root / "templates" / "pages")
    shutil.copytree(REPO / "site_src" / "assets", root / "site_src" / "assets")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


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
    from generator.cli import main

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
