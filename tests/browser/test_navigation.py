"""Material instant navigation: no full reload, and page scripts still run after it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_instant_navigation_keeps_the_window_and_runs_the_calculator(page, guard, site):
    page.goto("/", wait_until="networkidle")
    page.evaluate("window.__metdocsMarker = 'still-here'")
    loads = []
    page.on("load", lambda _: loads.append(page.url))

    page.locator(".md-nav--primary a.md-nav__link", has_text="Timed units").first.click()
    page.wait_for_url("**/units/")
    page.wait_for_function("document.querySelector('h1') && /unit/i.test(document.querySelector('h1').textContent)")
    assert page.evaluate("window.__metdocsMarker") == "still-here", "full page reload: instant navigation is off"

    page.locator("article a[href$='/units/calculator/']").first.click()
    page.wait_for_url("**/units/calculator/")
    page.wait_for_selector("[data-metdocs-calculator][data-ready]")
    assert page.evaluate("window.__metdocsMarker") == "still-here"
    assert loads == [], f"full page loads happened: {loads}"

    page.fill("#calc-97110", "33")
    page.fill("#calc-97112", "7")
    summary = page.locator(".metdocs-calculator__summary")
    expect(summary).to_have_attribute("data-total-units", "3")
    expect(summary).to_contain_text("97110")
    assert guard.problems() == []
