"""A default build (no site_url, as `metdocs build` makes it unless told the address) served from
any static host: no console error on any page. Material's instant navigation asks the host for
/sitemap.xml, which a build without site_url has not got; metdocs turns it off there."""

from __future__ import annotations

import functools
import http.server
import json
import threading

import pytest

from conftest import install_guard, page_paths
from fs_helpers import make_tiny, metdocs

pytestmark = pytest.mark.browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def default_build(tmp_path_factory):
    root = make_tiny(tmp_path_factory.mktemp("static-host") / "tiny")
    (root / "data" / "cases").mkdir(exist_ok=True)
    code, _, err = metdocs("build", cwd=root, env={"SITE_URL": None})
    assert code == 0, err
    site = root / "site"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_default_build_asks_for_no_sitemap_and_logs_no_error(browser, default_build):
    site, url = default_build
    assert not (site / "sitemap.xml").exists()
    context = browser.new_context()
    page = context.new_page()
    guard = install_guard(context, page, (url,))
    asked = []
    page.on("request", lambda r: asked.append(r.url))
    paths = page_paths(site)
    assert len(paths) > 5
    for path in paths:
        page.goto(url + path.lstrip("/"), wait_until="load")
        features = json.loads(page.text_content("#__config"))["features"]
        assert not [f for f in features if f.startswith("navigation.instant")], path
    page.goto(url, wait_until="networkidle")
    context.close()
    assert not [u for u in asked if u.endswith("sitemap.xml")]
    assert guard.problems() == []
