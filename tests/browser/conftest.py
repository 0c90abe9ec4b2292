"""Browser suite harness: build the shipped site once, serve it, drive /usr/bin/chromium.

* The site is built ONCE per session into a temporary folder with SITE_URL set to the
  origin it is served from (a free port picked first), so Material's instant navigation
  works (it silently falls back to full reloads when site_url != the serving origin).
* Playwright never downloads a browser: the launch args point at Debian's /usr/bin/chromium.
  Missing Chromium skips the suite, except with CI=true where a skip would hide a failure.
* `guard` aborts and records every request that leaves the local server and records
  console errors and uncaught page errors.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Same values as tests/conftest.py: test modules do `from conftest import REPO`, and which
# conftest module is in sys.modules under that name depends on collection order.
REPO = Path(__file__).resolve().parent.parent.parent
FIXTURES = REPO / "tests" / "fixtures"

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}  # passes/incomplete stay summarised: much faster


def axe_violations(result) -> list[str]:
    """One line per WCAG 2.1 A/AA violation in an axe result (AxeResults)."""
    out = []
    for v in result.response["violations"]:
        targets = "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:5])
        more = f" (+{len(v['nodes']) - 5} more)" if len(v["nodes"]) > 5 else ""
        out.append(f"axe {v['id']} [{v['impact']}] x{len(v['nodes'])}: {v['help']} -> {targets}{more}")
    return out


def axe_check(page) -> list[str]:
    """Run axe on the page as it is now (after a script changed it, say)."""
    from axe_playwright_python.base import AxeResults
    from axe_playwright_python.sync_playwright import Axe
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(Axe().axe_script)
    # From file:// axe cannot fetch the stylesheets it preloads (CORS), and says so on the console.
    options = {**AXE_OPTIONS, "preload": False} if page.url.startswith("file:") else AXE_OPTIONS
    return axe_violations(AxeResults(page.evaluate("options => axe.run(document, options)", options)))


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ALLOWED_SCHEMES = ("data:", "blob:")


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} not found: the browser suite needs Debian's chromium package"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: a skipped browser suite counts as a failure)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Extend pytest-playwright's launch args (keeps --headed / --slowmo)."""
    require_chromium()
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@dataclass
class BuiltSite:
    dir: Path
    url: str  # "http://127.0.0.1:PORT/" == the site_url the site was built with
    pages: list[str]  # every built HTML page as a URL path ("/", "/cpt/97112/", "/404.html")


def page_paths(site_dir: Path) -> list[str]:
    paths = []
    for f in sorted(site_dir.rglob("*.html")):
        rel = f.relative_to(site_dir).as_posix()
        paths.append("/" + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel))
    return paths


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    """Bind the server first (free port), build with SITE_URL = its origin, then serve."""
    from metdocs.cli.main import main

    site_dir = tmp_path_factory.mktemp("browser") / "site"
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                          functools.partial(_QuietHandler, directory=str(site_dir)))
    srv.daemon_threads = True
    url = f"http://127.0.0.1:{srv.server_address[1]}/"
    saved = os.environ.get("SITE_URL")
    os.environ["SITE_URL"] = url
    try:
        code = main(["build", "--config", str(REPO / "mkdocs.yml"), "--site-dir", str(site_dir)])
    finally:
        if saved is None:
            os.environ.pop("SITE_URL", None)
        else:
            os.environ["SITE_URL"] = saved
    if code != 0:
        srv.server_close()
        pytest.fail(f"metdocs build failed with exit code {code}", pytrace=False)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield BuiltSite(site_dir, url, page_paths(site_dir))
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="session")
def base_url(site) -> str:
    """Overrides pytest-base-url's fixture: page.goto("/cpt/") resolves against the test server."""
    return site.url.rstrip("/")


@dataclass
class Guard:
    allowed_prefixes: tuple[str, ...]
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.blocked.clear()
        self.console_errors.clear()
        self.page_errors.clear()

    def problems(self) -> list[str]:
        return ([f"external request: {u}" for u in self.blocked]
                + [f"console error: {m}" for m in self.console_errors]
                + [f"page error: {m}" for m in self.page_errors])


def install_guard(context, page, allowed_prefixes: tuple[str, ...], pattern: str = "**/*") -> Guard:
    """Abort and record requests matching `pattern` that do not start with an allowed prefix.

    From file:// pass pattern "http*://**/*": routing file:// requests themselves makes Chromium
    refuse the XMLHttpRequests Material's offline search makes to its own files."""
    guard = Guard(allowed_prefixes + ALLOWED_SCHEMES)

    def handle(route):
        url = route.request.url
        if url.startswith(guard.allowed_prefixes):
            route.continue_()
        else:
            guard.blocked.append(url)
            route.abort("blockedbyclient")

    context.route(pattern, handle)
    page.on("console", lambda msg: guard.console_errors.append(f"{msg.text} @ {page.url}")
            if msg.type == "error" else None)
    page.on("pageerror", lambda err: guard.page_errors.append(f"{err} @ {page.url}"))
    return guard


@pytest.fixture
def guard(context, page, site) -> Guard:
    """Allow only the local server (and data:/blob:); abort + record anything else."""
    return install_guard(context, page, (site.url,))


@pytest.fixture(scope="session")
def offline_root(tmp_path_factory) -> Path:
    """Build the offline edition once, unzip the zip elsewhere, return the unzipped site folder
    (test_offline.py, and test_practice.py's file:// runs)."""
    from metdocs.cli.main import main

    out = tmp_path_factory.mktemp("offline-build")
    site_dir = out / "site-offline"
    saved = os.environ.pop("METDOCS_OFFLINE", None)
    try:
        assert main(["build", "--offline", "--config", str(REPO / "mkdocs.yml"),
                     "--site-dir", str(site_dir)]) == 0
        assert os.environ.get("METDOCS_OFFLINE") is None, "build must restore METDOCS_OFFLINE"
    finally:
        if saved is not None:
            os.environ["METDOCS_OFFLINE"] = saved
    archive = out / "site-offline.zip"
    assert archive.is_file()
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert names == sorted(names), "zip members must be in a deterministic (sorted) order"
        assert not [n for n in zf.infolist() if n.date_time != (1980, 1, 1, 0, 0, 0)]
        dest = tmp_path_factory.mktemp("offline-unzipped")
        zf.extractall(dest)
    root = dest / "site-offline"
    assert (root / "search" / "search_index.js").is_file()
    assert (root / "cpt" / "97112.html").is_file(), "offline build must not use directory URLs"
    html = (root / "index.html").read_text(encoding="utf-8")
    assert "unpkg.com" not in html and "assets/vendor/iframe-worker/shim.js" in html
    return root


@dataclass
class Where:
    """Where a test opens the site: served over HTTP, or the offline edition from file://."""

    kind: str
    base: str | Path
    guard: Guard

    def url(self, path: str, query: str = "") -> str:
        """`path` is a page's docs path without '.md' ('drills/x', 'practice/progress')."""
        if self.kind == "served":
            return f"{self.base}{path}/{query}"
        return (self.base / f"{path}.html").as_uri() + query


@pytest.fixture(params=["served", "file"])
def where(request, context, page) -> Where:
    if request.param == "served":
        site = request.getfixturevalue("site")
        return Where("served", site.url, install_guard(context, page, (site.url,)))
    root = request.getfixturevalue("offline_root")
    return Where("file", root, install_guard(context, page, (), pattern="http*://**/*"))

