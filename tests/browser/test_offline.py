"""`metdocs build --offline`: the zipped edition works from file:// with no server and no network."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_search import search_results

pytestmark = pytest.mark.browser


def test_offline_zip_works_from_file_urls(page, offline_root):
    others: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(("file://", "data:", "blob:", "about:"))
            else others.append(r.url))
    page.context.route("http*://**/*", lambda route: (others.append(route.request.url), route.abort()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto((offline_root / "index.html").as_uri(), wait_until="load")
    # Navigation to another page (file:// has no instant navigation: a normal link follow).
    page.locator(".md-nav--primary a.md-nav__link", has_text="CPT codes").first.click()
    page.wait_for_url("**/cpt/index.html")
    expect(page.locator("h1")).to_contain_text("CPT")

    # Search runs from the inlined index (search_index.js) in the iframe-worker shim.
    paths = search_results(page, "97112")
    assert any(p.endswith("/cpt/97112.html") for p in paths[:3]), paths[:3]
    page.keyboard.press("Escape")

    page.goto((offline_root / "units" / "calculator.html").as_uri(), wait_until="load")
    page.wait_for_selector("[data-metdocs-calculator][data-ready]")
    page.fill("#calc-97110", "33")
    page.fill("#calc-97112", "7")
    expect(page.locator(".metdocs-calculator__summary")).to_have_attribute("data-total-units", "3")

    assert others == [], f"requests that are not file://: {others}"
    assert errors == []
