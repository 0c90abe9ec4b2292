"""My progress with what a browser's storage may hold: entries edited by hand, left by another
version or damaged. Each hostile value ends with the page drawn (valid scores shown, every
unreadable entry left out and listed), the reset there and working, no error on the console and
nothing in a stored value run as markup. The drill pages ignore such entries too."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

KEY = "/:metdocs-progress-v1"  # progress.js: the site root's path (Material's __md_scope), then the name
DRILL = "drill-no-referral"
GOOD = {"title": "A drill", "score": 50, "right": 1, "missed": 1, "wrong": 0, "total": 2, "at": "2026-04-01T10:00:00Z"}
CLAIM = {"seed": 7, "rule": "cms", "rule_name": "CMS 8-minute rule", "score": 100, "right": 3, "total": 3,
         "at": "2026-04-01T10:00:00Z"}
MARKUP = '<img src=x onerror="window.__ran = 1">'

STORED = {
    # name: (the stored text, how many entries are reported)
    "not-json": ("{", 1),
    "null": ("null", 1),
    "a-number": ("42", 1),
    "text": ('"scores"', 1),
    "a-list": ("[]", 1),
    "an-unknown-part-holding-null": ('{"k": null}', 1),
    "a-drill-score-that-is-null": (json.dumps({"drills": {DRILL: None}}), 1),
    "a-claim-that-is-null": (json.dumps({"claims": {"k": None}}), 1),
    "drills-as-a-list": (json.dumps({"drills": [GOOD]}), 1),
    "claims-as-text": (json.dumps({"claims": "x"}), 1),
    "a-score-holding-markup": (json.dumps({"drills": {DRILL: {**GOOD, "score": "100" + MARKUP}}}), 1),
    "a-score-above-100": (json.dumps({"drills": {DRILL: {**GOOD, "score": 1000}}}), 1),
    "a-count-that-is-a-fraction": (json.dumps({"drills": {DRILL: {**GOOD, "right": 0.5}}}), 1),
    "a-title-that-is-an-object": (json.dumps({"drills": {DRILL: {**GOOD, "title": {"x": 1}}}}), 1),
    "marks-as-text": (json.dumps({"drills": {DRILL: {**GOOD, "marks": MARKUP}}}), 1),
    "a-date-that-is-markup": (json.dumps({"drills": {DRILL: {**GOOD, "at": MARKUP}}}), 1),
    "a-claim-rule-that-is-a-script-url": (json.dumps({"claims": {"7:cms": {**CLAIM, "rule": "javascript:alert(1)"}}}), 1),
    "a-claim-seed-that-is-an-object": (json.dumps({"claims": {"7:cms": {**CLAIM, "seed": {"toString": 1}}}}), 1),
    "a-claim-rule-name-holding-markup": (json.dumps({"claims": {"7:cms": {**CLAIM, "rule_name": 5}}}), 1),
    "nested-100000-deep": ("[" * 100_000 + "]" * 100_000, 1),
    "a-proto-key": ('{"drills": {"__proto__": {"score": 1}}}', 1),
    "one-good-and-two-bad": (json.dumps({"drills": {DRILL: GOOD, "other": "x"}, "claims": {"7:cms": CLAIM, "x": []}}), 2),
    "good-entries-only": (json.dumps({"drills": {DRILL: GOOD}, "claims": {"7:cms": CLAIM}}), 0),
    "empty": ("", 0),
}


def _open(page, site, stored: str) -> None:
    page.goto(site.url + "practice/progress/", wait_until="load")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, stored])
    page.reload(wait_until="load")
    page.wait_for_selector("[data-metdocs-progress][data-ready]")


def test_every_hostile_storage_value_leaves_the_page_drawn_with_its_reset(page, guard, site):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    wrong = []
    for name, (stored, reported) in STORED.items():
        _open(page, site, stored)
        listed = page.eval_on_selector_all(".metdocs-progress__problems li", "ls => ls.map(l => l.textContent)")
        if len(listed) != reported:
            wrong.append(f"{name}: {len(listed)} reported, not {reported}: {listed}")
        if not page.get_by_role("button", name="Reset my progress").is_visible():
            wrong.append(f"{name}: no reset button")
        if page.evaluate("window.__ran") is not None or page.locator("[data-metdocs-progress] img").count():
            wrong.append(f"{name}: markup from storage ran")
        if name in ("one-good-and-two-bad", "good-entries-only"):
            row = " ".join(page.inner_text(f"tr[data-drill='{DRILL}']").split())
            if "50%" not in row or page.locator("tr[data-exercise='7:cms']").count() != 1:
                wrong.append(f"{name}: the good scores are not shown: {row}")
        problems = guard.problems()
        if problems:
            wrong.append(f"{name}: {problems}")
            guard.reset()
    assert wrong == []
    assert dialogs == []


def test_the_reset_clears_what_could_not_be_read(page, guard, site):
    _open(page, site, json.dumps({"claims": {"k": None}}))
    assert page.locator(".metdocs-progress__problems li").count() == 1
    page.click("text=Reset my progress")
    page.click("text=Yes, delete my scores")
    page.wait_for_function("() => !document.querySelector('.metdocs-progress__problems')")
    assert page.evaluate("k => localStorage.getItem(k)", KEY) is None
    assert guard.problems() == []


@pytest.mark.parametrize("name", ["a-drill-score-that-is-null", "marks-as-text", "a-score-holding-markup", "not-json"])
def test_a_drill_page_ignores_an_unreadable_saved_score(page, guard, site, name):
    page.goto(site.url + f"drills/{DRILL}/", wait_until="load")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, STORED[name][0]])
    page.reload(wait_until="load")
    page.wait_for_selector("[data-metdocs-drill][data-ready]")
    assert page.get_attribute("[data-metdocs-drill]", "data-score") is None  # no saved result shown
    assert page.evaluate("window.__ran") is None
    assert guard.problems() == []
