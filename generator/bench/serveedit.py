"""`metdocs bench --serve-edit`: how long one case edit takes to show under `metdocs serve`.

It starts `metdocs serve` on the benchmark's throwaway project (on 127.0.0.1, a free port), waits
for the first build, then edits one worked case's title several times. For each edit it times
from the moment the file is written to the moment the case's page, fetched over HTTP, shows the
new title: the time an educator waits for a saved edit to show. Requests bounded in number and
time, to this machine only.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

FIRST_BUILD_LIMIT = 1800.0
"""Seconds the server may take to start (its first build is a whole one)."""
EDIT_LIMIT = 300.0
"""Seconds one edit may take to show."""
WORDS = ("Amber", "Birch", "Cedar", "Dune", "Ember", "Fjord", "Grove", "Heath", "Inlet", "Juniper")
"""Title words the edits add: letters only (digits could look like an identifier to the privacy guard)."""


def serve_edit(project: Path, edits: int, *, say=lambda msg: None) -> dict:
    """Time `edits` one-word title edits of one worked case under `metdocs serve`; the JSON-able result."""
    case = _worked_case(project)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "METDOCS_DATA_DIR")}
    proc = subprocess.Popen([sys.executable, "-m", "metdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=project, env={**env, "NO_MKDOCS_2_WARNING": "1"}, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True).start()
    original = case.read_text(encoding="utf-8")
    try:
        start = time.perf_counter()
        say(f"Starting metdocs serve on 127.0.0.1:{port} (a whole first build) ...")
        while not any("Serving on" in line for line in lines):
            if proc.poll() is not None or time.perf_counter() - start > FIRST_BUILD_LIMIT:
                raise RuntimeError("metdocs serve did not start:\n" + "".join(lines[-30:]))
            time.sleep(0.2)
        first = time.perf_counter() - start
        url = f"http://127.0.0.1:{port}/cases/{case.stem}/"
        _fetch(url, lines)
        seconds = []
        for n in range(edits):
            time.sleep(1.0)  # a separate save, as a person makes them
            word = WORDS[n % len(WORDS)] + WORDS[(n // len(WORDS)) % len(WORDS)].lower()
            text = re.sub(r"(?m)^title: ([\"']?)", rf"title: \g<1>{word} ", original, count=1)
            t = time.perf_counter()
            case.write_text(text, encoding="utf-8")
            while word not in _fetch(url, lines):
                if time.perf_counter() - t > EDIT_LIMIT or proc.poll() is not None:
                    raise RuntimeError(f"edit {n + 1} did not show:\n" + "".join(lines[-30:]))
                time.sleep(0.02)
            seconds.append(round(time.perf_counter() - t, 3))
            say(f"  edit {n + 1}: shown after {seconds[-1]:.2f} s")
        rebuilt = [line.strip() for line in lines if line.startswith("metdocs: ")]
        return {"edits": edits, "seconds": seconds, "median_s": round(statistics.median(seconds), 3),
                "max_s": max(seconds), "first_build_s": round(first, 1), "page": f"cases/{case.stem}/",
                "rebuilt": rebuilt[-1] if rebuilt else None}
    finally:
        case.write_text(original, encoding="utf-8")
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _worked_case(project: Path) -> Path:
    """A worked case from the middle of the project (a drill's page lives under drills/)."""
    worked = [p for p in sorted((project / "data" / "cases").glob("*.yaml"))
              if not re.search(r"(?m)^kind: *drill\s*$", p.read_text(encoding="utf-8"))]
    if not worked:
        from metdocs.errors import UsageError
        raise UsageError("expected at least one worked case to edit for --serve-edit, found none")
    return worked[len(worked) // 2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str, lines: list[str]) -> str:
    try:
        with urllib.request.urlopen(url, timeout=EDIT_LIMIT) as response:
            return response.read().decode("utf-8", "replace")
    except OSError as e:  # a rebuild that failed leaves the server waiting for one that works
        raise RuntimeError(f"{url} did not answer ({e}):\n" + "".join(lines[-30:])) from None
