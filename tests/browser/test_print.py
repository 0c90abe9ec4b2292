"""Printing: no site chrome on paper; a drill page prints without its answer unless it was opened."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ANSWER_BODY = "() => [...document.querySelectorAll('details.metdocs-answer > ol')].map(e => getComputedStyle(e).display)"


def test_drill_page_prints_answer_only_when_opened(page, guard):
    page.goto("/drills/drill-no-referral/", wait_until="networkidle")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).display") == "none"
    assert page.evaluate(ANSWER_BODY) == ["none"]
    page.emulate_media(media="screen")
    # With the script on, the answer opens only once the audit has been checked (drills.js).
    page.wait_for_selector("[data-metdocs-drill][data-ready]")
    page.click("text=Check my audit")
    page.locator("details.metdocs-answer > summary").click()
    expect(page.locator("details.metdocs-answer")).to_have_attribute("open", "")
    page.emulate_media(media="print")
    assert page.evaluate(ANSWER_BODY) != ["none"]
    assert guard.problems() == []


def _packet_answers(page, edition: str) -> list[str]:
    """How every answer of an edition's packet prints: its index page and each of its volumes (a
    packet too big for one page is cut into volumes, which the index lists: pages/volumes.py)."""
    page.goto(f"/print/{edition}/", wait_until="networkidle")
    page.emulate_media(media="print")
    shown = page.evaluate(ANSWER_BODY)
    volumes = page.evaluate("() => [...new Set([...document.querySelectorAll('a[href*=\"volume-\"]')]"
                            ".map(a => a.href))]")
    for url in volumes:
        page.goto(url, wait_until="networkidle")
        shown += page.evaluate(ANSWER_BODY)
    return shown


def test_instructor_packet_prints_every_answer_student_packet_none(page, guard):
    shown = _packet_answers(page, "instructor")
    assert shown and "none" not in shown
    assert _packet_answers(page, "student") == []
    assert guard.problems() == []
