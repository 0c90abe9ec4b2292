"""Searching the built site the way the browser tests need it: the results of the whole term only."""

from __future__ import annotations

from urllib.parse import urlparse

from playwright.sync_api import expect


def search_results(page, term: str) -> list[str]:
    """Search Material's box for `term`; return the result links' URL paths, best first.

    Material searches in a Web Worker on every keyup, so typing character by character shows
    the results of each half-typed prefix for a while (a loaded machine once read "G20.A"'s).
    Here the box gets the whole term and one keyup: the only queries ever sent are the empty
    one (on focus, which lists nothing) and `term`, so the first results shown are `term`'s.
    """
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    items = page.locator(".md-search-result__list > .md-search-result__item")
    if box.input_value():  # an earlier search on this page: clear its results first
        box.fill("")
        box.press("End")
        expect(items).to_have_count(0)
    box.fill(term)
    box.press("End")  # the keyup Material listens for
    assert box.input_value() == term
    items.first.wait_for()
    hrefs = page.eval_on_selector_all(
        ".md-search-result__list > .md-search-result__item",
        "items => items.map(li => (li.querySelector('a.md-search-result__link') || {}).href || '')")
    return [urlparse(h).path for h in hrefs if h]
