"""The suite itself is deterministic: what CI=true changes, and the places that once depended on
timing or on what happened to be installed.

* property tests run derandomized under CI=true with no example database, and with no deadline
  or "too slow" health check anywhere (those measure the machine, not the code);
* under CI=true a skip (an importorskip, a missing tool) is a failure;
* tests/run stops when installing the test dependencies fails.
"""

from __future__ import annotations

import ast
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from hypothesis import settings

from fs_helpers import CI

TESTS = Path(__file__).resolve().parent


def test_property_tests_are_derandomized_in_ci_and_explore_elsewhere():
    ci, dev = settings.get_profile("ci"), settings.get_profile("dev")
    assert ci.derandomize and ci.database is None and ci.deadline is None
    assert not dev.derandomize and dev.database is not None and dev.deadline is None
    assert settings.default.derandomize == CI and settings.default.deadline is None


def _test_files():
    return sorted(p for p in TESTS.rglob("*.py") if p.name != "test_determinism.py")


def test_no_property_test_sets_a_deadline():
    found = []
    for path in _test_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "settings":
                for kw in node.keywords:
                    if kw.arg == "deadline" and not (isinstance(kw.value, ast.Constant) and kw.value.value is None):
                        found.append(f"{path.name}:{node.lineno}")
    assert found == []


def test_no_test_module_skips_itself_for_a_missing_module():
    """pytest.importorskip skips under CI=true too: fs_helpers.need_module fails there instead."""
    found = [f"{p.relative_to(TESTS)}:{n}" for p in _test_files() if p.name != "fs_helpers.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if "importorskip(" in line]
    assert found == []


PROBE = '''
import pytest
from fs_helpers import need_command, need_module

def test_importorskip():
    pytest.importorskip("metdocs_no_such_module")

def test_need_module():
    need_module("metdocs_no_such_module")

def test_need_command():
    need_command("metdocs-no-such-program", "no-such-package")

def test_plain_skip():
    pytest.skip("nothing to do here")
'''


def _probe(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess:
    for name in ("conftest.py", "fs_helpers.py"):
        shutil.copy(TESTS / name, tmp_path / name)
    (tmp_path / "test_probe.py").write_text(PROBE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": "true"} if ci else {})
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_under_ci_every_skip_is_a_failure(tmp_path):
    proc = _probe(tmp_path, ci=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "4 failed" in proc.stdout and "skipped" not in proc.stdout.splitlines()[-1], proc.stdout


def test_elsewhere_a_test_that_cannot_run_is_skipped(tmp_path):
    proc = _probe(tmp_path, ci=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 skipped" in proc.stdout, proc.stdout


def _executable(path: Path, text: str) -> None:
    path.write_text("#!/usr/bin/env bash\n" + text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_tests_run_stops_when_pip_install_fails(tmp_path):
    """A copy of tests/run in a project whose .venv's pip fails (and whose tools are all present)."""
    (tmp_path / "tests").mkdir()
    shutil.copy(TESTS / "run", tmp_path / "tests" / "run")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    calls = tmp_path / "calls.txt"
    _executable(tmp_path / ".venv" / "bin" / "python",
                f'echo "$*" >> {calls}\nif [ "$1 $2" = "-m pip" ]; then echo "ERROR: no matching distribution" >&2; exit 1; fi\n')
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("chromium", "pdftoppm", "npm", "dpkg"):
        _executable(tools / tool, "exit 0\n")
    lforms = tmp_path / ".cache" / "lforms" / "40.1.3" / "package" / "dist" / "lforms" / "webcomponent"
    lforms.mkdir(parents=True)
    (lforms / "lhc-forms.js").write_text("")
    proc = subprocess.run(["bash", str(tmp_path / "tests" / "run"), "-q"], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "PATH": f"{tools}:{os.environ['PATH']}"}, timeout=120)
    assert proc.returncode != 0, proc.stderr
    assert "installing metdocs and its test dependencies failed" in proc.stderr
    assert "-m pytest" not in calls.read_text(), "the tests ran although the install failed"
