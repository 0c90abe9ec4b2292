"""Form data never leaves the browser: no cookies, no storage writes, no requests while filling."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FORMS = ("referral-request", "initial-assessment", "session-log", "progress-report", "change-in-status",
         "discharge-summary")


@pytest.mark.parametrize("form", FORMS)
def test_filling_a_form_sets_no_cookie_and_sends_nothing(page, context, guard, form):
    page.goto(f"/forms/{form}/", wait_until="networkidle")
    requests_after_load = []
    page.on("request", lambda r: requests_after_load.append(r.url))
    for box in page.locator("form input[type=text], form textarea").all()[:5]:
        box.fill("Synthetic text typed by a test")
    page.locator("form").first.evaluate("f => f.dispatchEvent(new Event('input', {bubbles: true}))")
    page.wait_for_timeout(200)
    assert context.cookies() == []
    assert page.evaluate("document.cookie") == ""
    typed = page.evaluate("JSON.stringify(Object.assign({}, localStorage, sessionStorage))")
    assert "Synthetic text" not in typed
    assert requests_after_load == [], "typing into a form made the page fetch something"
    assert guard.problems() == []
