"""Form data never leaves the browser: no cookies, no storage writes, nothing sent while filling."""

from __future__ import annotations

from urllib.parse import unquote, urlparse

import pytest

pytestmark = pytest.mark.browser

FORMS = ("referral-request", "initial-assessment", "session-log", "progress-report", "change-in-status",
         "discharge-summary")
TYPED = "Synthetic text typed by a test"


def could_carry_data(request, site) -> str | None:
    """Why `request` could carry what was typed, or None for a plain GET of a file of the built site.

    Typing may fetch one thing: the ICD-10-CM code set, a static file of this site that forms.js
    loads the first time a code is checked. Material also goes on loading after "networkidle" on
    a loaded machine (its search index, the sitemap for instant navigation, the favicon). So "no
    request at all" is not the test: a request that could send something is."""
    url = urlparse(request.url)
    if request.method != "GET" or request.post_data:
        return f"{request.method} {request.url} {request.post_data or ''}"
    if url.query or TYPED.split()[0] in unquote(request.url):
        return f"a query: {request.url}"
    path = url.path.lstrip("/")
    file = site.dir / path / "index.html" if path == "" or path.endswith("/") else site.dir / path
    if f"{url.scheme}://{url.netloc}/" != site.url or not file.is_file():
        return f"not a file of the site: {request.url}"
    return None


@pytest.mark.parametrize("form", FORMS)
def test_filling_a_form_sets_no_cookie_and_sends_nothing(page, context, guard, site, form):
    page.goto(f"/forms/{form}/", wait_until="networkidle")
    requests_after_load = []
    page.on("request", lambda r: requests_after_load.append(r))
    for box in page.locator("form input[type=text], form textarea").all()[:5]:
        box.fill(TYPED)
    page.locator("form").first.evaluate("f => f.dispatchEvent(new Event('input', {bubbles: true}))")
    # Not a fixed sleep: wait until the page has run everything the typing queued (a handler
    # that fetched or stored something would have done it by then).
    page.evaluate("() => new Promise(done => requestIdleCallback(() => done(), {timeout: 5000}))")
    assert context.cookies() == []
    assert page.evaluate("document.cookie") == ""
    typed = page.evaluate("JSON.stringify(Object.assign({}, localStorage, sessionStorage))")
    assert "Synthetic text" not in typed
    sent = [why for r in requests_after_load if (why := could_carry_data(r, site))]
    assert sent == [], "typing into a form made the page send something"
    fetched = [r.url for r in requests_after_load if "/forms/icd10cm-" in r.url]
    assert len(fetched) <= 1, "the code set was fetched more than once"
    assert guard.problems() == []


def test_the_request_check_catches_a_form_sent_away(page, guard, site):
    """Negative control: a GET with the typed text in its query and a POST are both caught."""
    page.goto("/forms/session-log/", wait_until="networkidle")
    seen = []
    page.on("request", lambda r: seen.append(r))
    page.evaluate("t => { fetch('/search/?q=' + encodeURIComponent(t)).catch(() => 0);"
                  " fetch('/', {method: 'POST', body: t}).catch(() => 0); }", TYPED)
    page.wait_for_function("() => performance.getEntriesByType('resource').filter(e => e.name.includes('?q=')).length")
    whys = [why for r in seen if (why := could_carry_data(r, site))]
    assert any(w.startswith("a query:") for w in whys) and any(w.startswith("POST ") for w in whys), whys
