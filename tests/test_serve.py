"""`metdocs serve` says where it serves and when it rebuilds (a real server on 127.0.0.1)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(proc, lines: list[str], text: str, deadline: float) -> None:
    os.set_blocking(proc.stderr.fileno(), False)
    while time.monotonic() < deadline:
        chunk = proc.stderr.readline()
        if chunk:
            lines.append(f"{time.monotonic():.1f} {chunk}")
            if text in chunk:
                return
        elif proc.poll() is not None:
            break
        else:
            time.sleep(0.2)
    raise AssertionError(f"no {text!r} within the time limit; stderr so far:\n{''.join(lines)}")


def test_serve_prints_its_address_and_each_rebuild(tiny_project):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    proc = subprocess.Popen([sys.executable, "-m", "metdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=tiny_project, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    try:
        _wait_for(proc, lines, f"Serving on http://127.0.0.1:{port}/", time.monotonic() + 120)
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read().decode()
        assert f'<link rel="canonical" href="http://127.0.0.1:{port}/">' in page  # serve sets SITE_URL
        rule = tiny_project / "data" / "catalog" / "catalog.yaml"
        rule.write_text(rule.read_text() + "\n")
        _wait_for(proc, lines, "Detected file changes", time.monotonic() + 60)
        _wait_for(proc, lines, "Building documentation", time.monotonic() + 60)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_serve_watches_a_templates_folder_created_after_it_started(tmp_path):
    """A course has no templates/ until the educator makes one (its README says to): serve must see it."""
    from metdocs.files.course import new_course
    from conftest import REPO
    course = tmp_path / "course"
    new_course(course, "Knee course")
    assert not (course / "templates").exists()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    proc = subprocess.Popen([sys.executable, "-m", "metdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=course, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    try:
        _wait_for(proc, lines, f"Serving on http://127.0.0.1:{port}/", time.monotonic() + 180)
        assert "MARKER-25" not in urllib.request.urlopen(f"http://127.0.0.1:{port}/scope/", timeout=10).read().decode()
        pages = course / "templates" / "pages"
        pages.mkdir(parents=True)
        shipped = (REPO / "templates" / "pages" / "scope.md.j2").read_text(encoding="utf-8")
        (pages / "scope.md.j2").write_text(shipped + "\nMARKER-25 from the course's own template.\n", encoding="utf-8")
        _wait_for(proc, lines, "Watching templates/ too", time.monotonic() + 60)
        _wait_for(proc, lines, "Reloading browsers", time.monotonic() + 180)
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/scope/", timeout=10).read().decode()
        assert "MARKER-25 from the course" in page
        # and a later edit inside the new folder rebuilds too
        (pages / "scope.md.j2").write_text(shipped + "\nMARKER-26 edited.\n", encoding="utf-8")
        _wait_for(proc, lines, "Detected file changes", time.monotonic() + 60)
        _wait_for(proc, lines, "Reloading browsers", time.monotonic() + 180)
        assert "MARKER-26 edited." in urllib.request.urlopen(f"http://127.0.0.1:{port}/scope/", timeout=10).read().decode()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
