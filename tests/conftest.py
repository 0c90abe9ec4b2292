"""Shared fixtures: the repository root, a tiny fixture project, and CLI running; and the rules
that keep the suite deterministic under CI=true (see `HYPOTHESIS_PROFILES` and `pytest_runtest_makereport`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from fs_helpers import CI, make_tiny, metdocs

# Property tests: no deadline and no "too slow" health check anywhere (both measure the machine,
# not the code); under CI=true derandomized with no example database, so every run draws the
# same examples and a failure saved by one run cannot decide the next; on a developer's machine
# random and remembered, so each run explores further.
HYPOTHESIS_PROFILES = {
    "ci": dict(derandomize=True, database=None, deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow]),
    "dev": dict(deadline=None, suppress_health_check=[HealthCheck.too_slow]),
}
for _name, _values in HYPOTHESIS_PROFILES.items():
    # On Hypothesis's own defaults, not on whatever profile is loaded now (Hypothesis loads a
    # profile of its own when it sees a CI variable, which "dev" must not inherit).
    settings.register_profile(_name, parent=settings.get_profile("default"), **_values)
settings.load_profile("ci" if CI else "dev")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skipped test is a failure: a skip there hides a test that could not run
    (a module that did not install, a browser or a tool that is missing)."""
    outcome = yield
    report = outcome.get_result()
    if CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CI=true: a skip counts as a failure ({reason})"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """The same for a whole module skipped while it was collected (a module-level importorskip)."""
    outcome = yield
    report = outcome.get_result()
    if CI and report.outcome == "skipped":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CI=true: a skipped module counts as a failure ({reason})"

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
        if CI:
            pytest.fail("node is required in CI to test the browser scripts")
        pytest.skip("node not installed")
    return path


@pytest.fixture(scope="session")
def real():
    """The shipped catalog and the ICD-10-CM code set (test_content*.py)."""
    from metdocs.catalog.assemble import load_catalog
    from metdocs.catalog.icd import code_set
    catalog, problems = load_catalog(REPO / "data" / "catalog")
    assert catalog is not None, [str(p) for p in problems]
    return catalog, code_set()


@pytest.fixture(scope="session")
def cases():
    """The shipped cases by id (test_content*.py)."""
    from metdocs.cases.read import load_cases
    found, problems = load_cases(REPO / "data" / "cases")
    assert problems == []
    return {c.id: c for c in found}
