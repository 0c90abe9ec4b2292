"""axe with focus on each control, not only at rest (WCAG 2.1 A/AA, axe-core via axe-playwright-python).

A control can pass at rest and fail once focused or hovered: Material paints a focused or hovered
button in its accent colour (white on #526cfe, 4.25:1). On a drill, the claim builder (after a check,
so its results are on screen), My progress (with the reset confirmation open) and a form page, every
control in the page's content is focused in turn, and every button and link hovered, and axe
checks that control as it then looks. Served and from file://.
"""

from __future__ import annotations

import pytest

from conftest import AXE_OPTIONS, axe_violations

pytestmark = pytest.mark.browser

CONTROLS = ("button, input:not([type=hidden]), select, textarea, summary, a[href], [tabindex='0']")


def _axe_on(page, handle) -> list[str]:
    from axe_playwright_python.base import AxeResults
    from axe_playwright_python.sync_playwright import Axe
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(Axe().axe_script)
    options = {**AXE_OPTIONS, "preload": False} if page.url.startswith("file:") else AXE_OPTIONS
    return axe_violations(AxeResults(handle.evaluate("(el, options) => axe.run(el, options)", options)))


def _each_control_focused_and_hovered(page, scope: str = ".md-content") -> tuple[int, list[str]]:
    """Focus (and hover) each visible control of a kind not seen yet on the page (kind: its tag,
    type, class and its parent's tag and class: what decides its style), waiting for the style's
    transitions to finish, then let axe check it."""
    found, seen = [], set()
    for handle in page.query_selector_all(f"{scope} :is({CONTROLS})"):
        kind = handle.evaluate("e => [e.tagName, e.type, e.className, e.parentElement.tagName,"
                               " e.parentElement.className].join('|')")
        if kind in seen or not handle.is_visible():
            continue
        seen.add(kind)
        for how in ("focused", "hovered"):
            if how == "focused":
                handle.focus()
            elif handle.evaluate("e => e.matches('button, a[href], .md-button')"):
                handle.hover()
            else:
                continue
            handle.evaluate("e => Promise.all(e.getAnimations({subtree: true}).map(a => a.finished))")
            found += [f"{how} {handle.evaluate('e => e.outerHTML.slice(0, 80)')}: {v}" for v in _axe_on(page, handle)]
    count = len(seen)
    page.mouse.move(0, 0)
    return count, found


def test_a_drill_with_focus_on_each_control(page, where):
    page.goto(where.url("drills/drill-units-over-minutes"), wait_until="load")
    page.wait_for_selector("[data-metdocs-drill][data-ready]")
    page.select_option("#dq-rule", index=1)
    page.click("text=Add this fault")
    page.click("text=Check my audit")
    page.wait_for_selector("[data-metdocs-drill][data-score]")
    count, found = _each_control_focused_and_hovered(page, ".metdocs-drill")
    assert count >= 6 and not found, "\n".join(found)
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_the_claim_builder_with_focus_on_each_control(page, where):
    page.goto(where.url("practice/claim-builder", "?seed=7"), wait_until="load")
    page.wait_for_selector("[data-metdocs-claims][data-ready]")
    page.click("text=Check my claim")
    page.wait_for_selector("[data-metdocs-claims][data-score]")
    count, found = _each_control_focused_and_hovered(page)
    assert count >= 10 and not found, "\n".join(found)
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_my_progress_with_focus_on_each_control(page, where):
    page.goto(where.url("drills/drill-units-over-minutes"), wait_until="load")
    page.wait_for_selector("[data-metdocs-drill][data-ready]")
    page.click("text=Check my audit")
    page.wait_for_selector("[data-metdocs-drill][data-score]")
    page.goto(where.url("practice/progress"), wait_until="load")
    page.wait_for_selector("[data-metdocs-progress][data-ready]")
    page.click("text=Reset my progress")
    count, found = _each_control_focused_and_hovered(page)
    assert count >= 3 and not found, "\n".join(found)
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_a_form_with_focus_on_each_control(page, where):
    page.goto(where.url("forms/session-log"), wait_until="load")
    page.wait_for_selector("form.mf-form")
    count, found = _each_control_focused_and_hovered(page)
    assert count >= 8 and not found, "\n".join(found)
    assert not where.guard.problems(), "\n".join(where.guard.problems())
