"""`metdocs build --offline`: the zipped edition works from file:// with no server and no network."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

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
    assert "CPT" in page.inner_text("h1")

    # Search runs from the inlined index (search_index.js) in the iframe-worker shim.
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially("97112", delay=20)
    page.wait_for_selector(".md-search-result__item")
    hrefs = page.eval_on_selector_all(".md-search-result__list > .md-search-result__item a.md-search-result__link",
                                      "els => els.map(a => a.href)")
    assert any(urlparse(h).path.endswith("/cpt/97112.html") for h in hrefs[:3]), hrefs[:3]
    page.keyboard.press("Escape")

    page.goto((offline_root / "units" / "calculator.html").as_uri(), wait_until="load")
    page.wait_for_selector("[data-metdocs-calculator][data-ready]")
    page.fill("#calc-97110", "33")
    page.fill("#calc-97112", "7")
    assert page.get_attribute(".metdocs-calculator__summary", "data-total-units") == "3"

    assert others == [], f"requests that are not file://: {others}"
    assert errors == []
