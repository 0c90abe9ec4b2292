"""Reflow (WCAG 1.4.10): the practice pages and a form page work on a phone, on a desktop and at
200% zoom without the page scrolling sideways.

Widths: 375 CSS px (a phone), 1280 px (a desktop) and 640 px (a 1280 px window at 200% zoom: the
browser then lays the page out in half as many CSS pixels). At each, on the served site and on the
offline edition from file://, a drill is completed and checked, a claim-builder exercise is filled
in and checked, and the session log's drop-downs are used; after each step the document's
scrollWidth must not exceed its clientWidth. Only the CMS-1500 table may scroll, inside its own
focusable region, with a visible cue on a narrow screen.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WIDTHS = {"phone": (375, 812), "desktop": (1280, 900), "zoom-200": (640, 450)}
DRILL = "drill-medicare-gp-modifier"  # the longest rule titles and place names among the drills


@pytest.fixture(params=list(WIDTHS))
def width(request, page) -> int:
    w, h = WIDTHS[request.param]
    page.set_viewport_size({"width": w, "height": h})
    return w


def _no_sideways_scroll(page, step: str) -> None:
    got = page.evaluate("""() => { const d = document.documentElement;
        const wide = [...document.querySelectorAll('.md-content *')]
          .filter(e => !e.closest('.metdocs-claim__scroll') && e.getBoundingClientRect().right > d.clientWidth + 1)
          .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
        return {scroll: d.scrollWidth, client: d.clientWidth, wide}; }""")
    assert got["scroll"] <= got["client"], f"{step}: the page scrolls sideways: {got}"


def _shows_its_choice(page, selector: str, code_only: bool = False) -> None:
    """The drop-down is wide enough for the text of the option chosen (plus its arrow), or for
    the code at its start (`code_only`: a diagnosis title may be longer than a table cell)."""
    need, have = page.eval_on_selector(selector, """(s, codeOnly) => {
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = getComputedStyle(s).font;
        const text = s.options[s.selectedIndex].text;
        return [ctx.measureText(codeOnly ? text.split(' ')[0] : text).width, s.clientWidth]; }""", code_only)
    assert have >= need + 16, f"{selector} is {have}px wide for a {need:.0f}px choice"


def test_a_drill_completed_without_sideways_scroll(page, where, width):
    page.goto(where.url(f"drills/{DRILL}"), wait_until="load")
    page.wait_for_selector("[data-metdocs-drill][data-ready]")
    _no_sideways_scroll(page, "drill at rest")
    rules = page.eval_on_selector_all("#dq-rule option", "os => os.map(o => o.value).filter(Boolean)")
    longest = max(rules, key=lambda r: len(page.inner_text(f"#dq-rule option[value='{r}']")))
    page.select_option("#dq-rule", longest)
    _no_sideways_scroll(page, "a long rule chosen")
    page.click("text=Add this fault")
    page.wait_for_selector(".metdocs-drill__marks > li")
    assert page.eval_on_selector(".metdocs-drill__note", "e => e.scrollWidth <= e.clientWidth")
    _no_sideways_scroll(page, "a fault marked")
    page.click("text=Check my audit")
    page.wait_for_selector("[data-metdocs-drill][data-score]")
    _no_sideways_scroll(page, "the audit checked")
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_a_claim_builder_exercise_without_sideways_scroll(page, where, width):
    page.goto(where.url("practice/claim-builder", "?seed=3"), wait_until="load")
    page.wait_for_selector("[data-metdocs-claims][data-ready]")
    _no_sideways_scroll(page, "claim builder at rest")
    for box in page.locator(".metdocs-claims input[type=number]").all():
        box.fill("2")
    page.locator(".metdocs-claims input[type=checkbox]").first.check()
    page.locator("input[name=cb-billable]").first.check()
    page.click("text=Check my claim")
    page.wait_for_selector("[data-metdocs-claims][data-score]")
    _no_sideways_scroll(page, "the claim checked")
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_the_session_log_drop_downs_show_their_choice(page, where, width):
    page.goto(where.url("forms/session-log"), wait_until="load")
    page.wait_for_selector("form.mf-form")
    page.select_option("#mf-minutes\\.0\\.cpt", "97112")
    _shows_its_choice(page, "#mf-minutes\\.0\\.cpt")
    page.fill("#mf-diagnoses\\.0\\.icd10", "M17.11")
    page.fill("#mf-diagnoses\\.0\\.description", "Unilateral primary osteoarthritis, right knee")
    page.wait_for_function("document.querySelector('#mf-minutes\\\\.0\\\\.icd10').options.length > 1")
    page.select_option("#mf-minutes\\.0\\.icd10", index=1)
    _shows_its_choice(page, "#mf-minutes\\.0\\.icd10", code_only=width >= 720)
    _no_sideways_scroll(page, "session log filled")
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_the_cms1500_view_scrolls_in_its_own_region_with_a_cue(page, where, width):
    page.goto(where.url("cases/chronic-low-back-pain"), wait_until="load")
    _no_sideways_scroll(page, "case page")
    region = page.locator(".metdocs-claim__scroll").first
    overflows = region.evaluate("r => r.scrollWidth > r.clientWidth")
    assert overflows == (width < 400), "the claim lines fit on a desktop and at 200% zoom, and scroll on a phone"
    # The table's name is whole on screen, and a narrow screen says that the table scrolls.
    name = page.locator(".metdocs-claim__caption").first
    assert name.evaluate("e => e.getBoundingClientRect().right <= document.documentElement.clientWidth")
    assert region.get_attribute("aria-labelledby") == name.get_attribute("id")
    assert page.locator(".metdocs-claim__cue").first.is_visible() == (width < 720)
    # A date of service stays on one line.
    date = page.locator(".metdocs-claim__date").first
    assert date.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e);"
                         " return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }") == 1
    assert not where.guard.problems(), "\n".join(where.guard.problems())
