"""Helpers for the file-system tests: the tiny project, snapshots of a folder tree, `metdocs` as a subprocess.

Imported by name from test modules and tests/conftest.py (a `from conftest import ...` can get
tests/browser/conftest.py instead, depending on collection order).

A snapshot records every entry under a folder without opening anything that is not a
regular file (a FIFO would hang the test), so "nothing changed" covers the previous site,
every input file, and the absence of leftovers.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CI = os.environ.get("CI") == "true"
"""Under CI=true a test that cannot run fails instead of skipping (see conftest.py)."""


def need_module(name: str):
    """Import `name` for a test module; without it skip, but under CI=true fail (pytest.importorskip
    would skip there too, and a skipped module tests nothing)."""
    import importlib
    import pytest
    try:
        return importlib.import_module(name)
    except ImportError as e:
        if CI:
            pytest.fail(f"{name} is required under CI=true and could not be imported: {e}", pytrace=False)
        pytest.skip(f"{name} could not be imported: {e}", allow_module_level=True)


def need_command(name: str, package: str) -> str:
    """The path of the program `name` (from Debian's `package`); skip without it, fail under CI=true."""
    import pytest
    path = shutil.which(name)
    if path is None:
        message = f"{name} ({package}) is not installed"
        if CI:
            pytest.fail(f"{message}; it is required under CI=true", pytrace=False)
        pytest.skip(message)
    return path


def make_tiny(root: Path) -> Path:
    """Copy tests/fixtures/tiny, with the repo's page templates, assets and mkdocs.yml, to `root`."""
    shutil.copytree(REPO / "tests" / "fixtures" / "tiny", root)
    shutil.copytree(REPO / "templates" / "pages", root / "templates" / "pages")
    shutil.copytree(REPO / "site_src" / "assets", root / "site_src" / "assets")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def snapshot(root: Path) -> dict[str, tuple]:
    """relative path -> ("file", sha256) | ("link", target) | ("dir",) | ("other", mode)."""
    out: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir",)
            elif stat.S_ISREG(st.st_mode):
                out[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                out[rel] = ("other", stat.S_IFMT(st.st_mode))
    return out


def site_bytes(site: Path) -> dict[str, bytes]:
    """Every file of a built site and its bytes (what "one whole build" is compared by)."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def metdocs(*args: str, cwd: Path, env: dict | None = None, timeout: float = 300) -> tuple[int, str, str]:
    """Run `python -m metdocs ARGS` in `cwd`; (exit code, stdout, stderr). A hang fails the test."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    full_env = {k: v for k, v in full_env.items() if v is not None}
    proc = subprocess.run([sys.executable, "-m", "metdocs", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def one_line_error(err: str) -> str:
    """The single `metdocs: error: ...` line of a refused command (asserting there is exactly one)."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err, err
    assert len(lines) == 1, err
    return lines[0]
