"""Every built page: no request leaves the local server, no console/page errors, no WCAG 2.1 AA
violation found by axe. Plus a negative control proving the request guard catches an external
font and script."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import AXE_OPTIONS, axe_violations as _violations
from crawl import crawl

pytestmark = pytest.mark.browser


def test_every_page_is_local_error_free_and_accessible(site, browser_type_launch_args):
    """Every page, two at a time in one browser context (see crawl.py, which also says why every
    page but the first gets a small search index)."""
    assert len(site.pages) > 50, site.pages  # the shipped site, not an empty build
    launch = {k: v for k, v in browser_type_launch_args.items() if k in ("executable_path", "args", "headless")}
    failures, seconds = crawl(site, launch, Axe().axe_script, AXE_OPTIONS, _violations)
    report = "\n".join(f"{p}:\n  " + "\n  ".join(lines) for p, lines in failures.items())
    assert not failures, f"{len(failures)} of {len(site.pages)} pages failed ({seconds:.0f} s):\n{report}"


def test_guard_catches_an_external_font_and_script(page, guard, site):
    """Negative control: a page that loads a Google font and a CDN script makes the guard fire."""
    html = (site.dir / "index.html").read_text(encoding="utf-8")
    inject = ('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
              '<script src="https://cdn.example.com/x.js"></script>')
    assert "</head>" in html
    copy = site.dir / "guard-negative-control.html"  # same folder depth: relative assets still load
    copy.write_text(html.replace("</head>", inject + "</head>", 1), encoding="utf-8")
    try:
        page.goto("/guard-negative-control.html", wait_until="load")
    finally:
        copy.unlink()
    hosts = {u.split("/")[2] for u in guard.blocked}
    assert {"fonts.googleapis.com", "cdn.example.com"} <= hosts, guard.blocked
    assert guard.problems(), "the guard must report the page as failing"
