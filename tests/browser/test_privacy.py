"""Form data never leaves the browser: no cookies, no storage writes, no requests while filling."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FORMS = ("referral-request", "initial-assessment", "session-log", "progress-report", "change-in-status",
         "discharge-summary")


@pytest.mark.parametrize("form", FORMS)
def test_filling_a_form_sets_no_cookie_and_sends_nothing(page, context, guard, site, form):
    page.goto(f"/forms/{form}/", wait_until="networkidle")
    requests_after_load = []
    page.on("request", lambda r: requests_after_load.append((r.method, r.url, r.post_data)))
    for box in page.locator("form input[type=text], form textarea").all()[:5]:
        box.fill("Synthetic text typed by a test")
    page.locator("form").first.evaluate("f => f.dispatchEvent(new Event('input', {bubbles: true}))")
    # Not a fixed sleep: wait until the page has run everything the typing queued (a handler
    # that fetched or stored something would have done it by then).
    page.evaluate("() => new Promise(done => requestIdleCallback(() => done(), {timeout: 5000}))")
    assert context.cookies() == []
    assert page.evaluate("document.cookie") == ""
    typed = page.evaluate("JSON.stringify(Object.assign({}, localStorage, sessionStorage))")
    assert "Synthetic text" not in typed
    # Typing may fetch one thing: the ICD-10-CM code set, a static file of this site that forms.js
    # loads the first time a code is checked. A late favicon or search worker of the page load is
    # a static file too. Nothing is sent: only GETs of files in the built site, no typed text.
    for method, url, body in requests_after_load:
        assert method == "GET" and body is None, (method, url)
        assert url.startswith(site.url) and "Synthetic" not in url, url
        path = url[len(site.url):].split("?")[0]
        assert (site.dir / path).is_file() or (site.dir / path / "index.html").is_file(), url
    fetched = [u for _, u, _ in requests_after_load if "/forms/icd10cm-" in u]
    assert len(fetched) <= 1, "the code set was fetched more than once"
    assert guard.problems() == []
