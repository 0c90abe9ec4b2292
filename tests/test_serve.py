"""`metdocs serve` says where it serves and when it rebuilds, and answers every request (a real
server on 127.0.0.1): hostile addresses get one line, never a traceback; while the data has an
error it keeps serving the last build instead of holding every request."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
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
            lines.append(chunk)
            if text in chunk:
                return
        elif proc.poll() is not None:
            break
        else:
            time.sleep(0.2)
    raise AssertionError(f"no {text!r} within the time limit; stderr so far:\n{''.join(lines)}")


class Served:
    def __init__(self, proc, port: int, lines: list[str]):
        self.proc, self.port, self.lines = proc, port, lines

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=60) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def wait_for(self, text: str, seconds: float = 120) -> None:
        _wait_for(self.proc, self.lines, text, time.monotonic() + seconds)

    def stderr(self) -> str:
        return "".join(self.lines)


def _serve(folder) -> Served:
    """`metdocs serve` of the project in `folder` on a free port. A port is only known free until it
    is bound: when another program takes it in between, serve says so (exit 3) and this tries
    another, so the outcome never depends on what else the machine runs."""
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    for _ in range(10):
        port, lines = _free_port(), []
        proc = subprocess.Popen([sys.executable, "-m", "metdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                                cwd=folder, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        try:
            _wait_for(proc, lines, f"Serving on http://127.0.0.1:{port}/", time.monotonic() + 180)
            return Served(proc, port, lines)
        except AssertionError:
            proc.kill()
            proc.wait()
            if "EADDRINUSE" not in "".join(lines):
                raise
    pytest.fail("ten free ports were all taken before serve bound them")


def _stop(served: Served) -> None:
    served.proc.terminate()
    try:
        served.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        served.proc.kill()
        served.proc.wait()


@pytest.fixture
def served(tiny_project):
    """`metdocs serve` of the tiny project (see _serve)."""
    server = _serve(tiny_project)
    try:
        yield server
    finally:
        _stop(server)


def test_serve_watches_a_templates_folder_created_after_it_started(tmp_path):
    """A course has no templates/ until the educator makes one (its README says to): serve must see it."""
    from metdocs.files.course import new_course
    from conftest import REPO
    course = tmp_path / "course"
    new_course(course, "Knee course")
    assert not (course / "templates").exists()
    served = _serve(course)
    try:
        assert "MARKER-25" not in served.get("/scope/")[1]
        pages = course / "templates" / "pages"
        pages.mkdir(parents=True)
        shipped = (REPO / "templates" / "pages" / "scope.md.j2").read_text(encoding="utf-8")
        (pages / "scope.md.j2").write_text(shipped + "\nMARKER-25 from the course's own template.\n", encoding="utf-8")
        served.wait_for("Watching templates/ too", 60)
        served.wait_for("Reloading browsers", 180)
        assert "MARKER-25 from the course" in served.get("/scope/")[1]
        # and a later edit inside the new folder rebuilds too
        (pages / "scope.md.j2").write_text(shipped + "\nMARKER-26 edited.\n", encoding="utf-8")
        served.wait_for("Detected file changes", 60)
        served.wait_for("Reloading browsers", 180)
        assert "MARKER-26 edited." in served.get("/scope/")[1]
    finally:
        _stop(served)


def test_serve_prints_its_address_and_each_rebuild(served, tiny_project):
    code, page = served.get("/")
    assert code == 200
    assert f'<link rel="canonical" href="http://127.0.0.1:{served.port}/">' in page  # serve sets SITE_URL
    rule = tiny_project / "data" / "catalog" / "catalog.yaml"
    rule.write_text(rule.read_text() + "\n")
    served.wait_for("Detected file changes", 60)
    served.wait_for("Building documentation", 60)


HOSTILE = [
    # (address, the status it gets)
    ("/%00", 400), ("/index.html%00", 400), ("/%00/../index.html", 400), ("/cpt/%00.html", 400),
    ("/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 404), ("/..%2f..%2f..%2f..%2fetc%2fpasswd", 404),
    ("/%ff%fe%fd", 200),  # bytes that are no UTF-8 are dropped (MkDocs): the home page
    ("/" + "a" * 5000, 404), ("/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", 404),
]


def test_serve_answers_hostile_addresses_in_one_line(served):
    for path, status in HOSTILE:
        code, body = served.get(path)
        assert code == status, (path, code, body[:200])
        assert "root:" not in body
    served.get("/")  # a request after them: the server still answers
    assert "Traceback" not in served.stderr(), served.stderr()


def _page(html: str) -> str:
    """A served page without its live-reload script's build stamps."""
    return re.sub(r"reload\([0-9]+, [0-9]+\)", "reload()", html)


def test_serve_keeps_serving_the_last_build_while_the_data_has_an_error(served, tiny_project):
    code, before = served.get("/")
    assert code == 200
    catalog = tiny_project / "data" / "catalog" / "catalog.yaml"
    good = catalog.read_text()
    catalog.write_text(good + "broken: [\n")
    served.wait_for("the site was not rebuilt", 120)
    assert "data/catalog/catalog.yaml:" in served.stderr() and "error: expected valid YAML" in served.stderr()
    code, during = served.get("/")  # held until a rebuild succeeded, before: the request would time out
    assert code == 200 and _page(during) == _page(before)
    catalog.write_text(good)
    served.wait_for("Reloading browsers", 120)
    assert served.get("/")[0] == 200
    assert "Traceback" not in served.stderr()
