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


def test_instructor_packet_prints_every_answer_student_packet_none(page, guard):
    page.goto("/print/instructor/", wait_until="networkidle")
    page.emulate_media(media="print")
    shown = page.evaluate(ANSWER_BODY)
    assert shown and "none" not in shown
    page.goto("/print/student/", wait_until="networkidle")
    assert page.evaluate(ANSWER_BODY) == []
    assert guard.problems() == []
