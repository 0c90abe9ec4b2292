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


SENDS = """(() => {
  // Every way a page script could send something, noted as it is called (before the network).
  window.__sent = [];
  const note = (how, url, body) => window.__sent.push([how, String(url), body == null ? "" : String(body)]);
  const fetch0 = window.fetch;
  window.fetch = function (url, options) { note("fetch", url && url.url || url, options && options.body); return fetch0.apply(this, arguments); };
  const open0 = XMLHttpRequest.prototype.open, send0 = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) { this.__url = url; return open0.apply(this, arguments); };
  XMLHttpRequest.prototype.send = function (body) { note("xhr", this.__url, body); return send0.apply(this, arguments); };
  if (navigator.sendBeacon) { const beacon0 = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url, body) => { note("beacon", url, body); return beacon0(url, body); }; }
  const Socket = window.WebSocket;
  window.WebSocket = function (url) { note("websocket", url); return new Socket(url); };
})()"""


def _sent_by_scripts(page, site) -> list[str]:
    """What page scripts sent that could carry data: a body, the typed text, another host."""
    out = []
    for how, url, body in page.evaluate("window.__sent"):
        absolute = url if "://" in url else site.url + url.lstrip("/")
        if body or TYPED.split()[0] in unquote(url) or not absolute.startswith(site.url) or urlparse(url).query:
            out.append(f"{how} {url} {body}")
    return out


def _type_and_let_time_pass(page) -> None:
    for box in page.locator("form input[type=text], form textarea").all()[:5]:
        box.fill(TYPED)
    page.locator("form").first.evaluate("f => f.dispatchEvent(new Event('input', {bubbles: true}))")
    # Not a wait that could end first: the page runs on a fake clock, moved on an hour at once,
    # so a send its scripts delayed (a timer, a debounce) has happened before anything is checked.
    page.clock.run_for(60 * 60 * 1000)


@pytest.mark.parametrize("form", FORMS)
def test_filling_a_form_sets_no_cookie_and_sends_nothing(page, context, guard, site, form):
    page.add_init_script(SENDS)
    page.clock.install()
    page.goto(f"/forms/{form}/", wait_until="load")
    requests_after_load = []
    page.on("request", lambda r: requests_after_load.append(r))
    _type_and_let_time_pass(page)
    assert _sent_by_scripts(page, site) == []
    assert context.cookies() == []
    assert page.evaluate("document.cookie") == ""
    typed = page.evaluate("JSON.stringify(Object.assign({}, localStorage, sessionStorage))")
    assert "Synthetic text" not in typed
    sent = [why for r in requests_after_load if (why := could_carry_data(r, site))]
    assert sent == [], "typing into a form made the page send something"
    fetched = [r.url for r in requests_after_load if "/forms/icd10cm-" in r.url]
    assert len(fetched) <= 1, "the code set was fetched more than once"
    assert guard.problems() == []


def test_the_checks_catch_a_send_delayed_by_a_timer(page, guard, site):
    """Negative control: typed text sent ten seconds later, and once more an hour later, is caught."""
    page.add_init_script(SENDS)
    page.clock.install()
    page.goto("/forms/session-log/", wait_until="load")
    page.evaluate("""t => document.querySelector('form').addEventListener('input', () => {
        setTimeout(() => fetch('/search/?q=' + encodeURIComponent(t)).catch(() => 0), 10000);
        setTimeout(() => navigator.sendBeacon('/', t), 59 * 60 * 1000); }, {once: true})""", TYPED)
    _type_and_let_time_pass(page)
    sent = _sent_by_scripts(page, site)
    assert any(s.startswith("fetch /search/?q=Synthetic") for s in sent), sent
    assert any(s.startswith("beacon / Synthetic") for s in sent), sent


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
