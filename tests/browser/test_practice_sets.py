"""Practice sets in the browser, served and from file:// (`where`).

* A set of 3 is completed from its page to its summary at 375, 1280 and 640 px (1280 at 200%
  zoom) with no sideways scroll after any step; the series the page deals is the one Python
  derives (rules/practiceset.py), and the summary prints without nav or buttons, its tables whole.
* By keyboard alone (Tab and Enter) a set is completed; each result is announced once: focus moves
  to its heading, and no live region repeats it.
* axe finds nothing with focus on each control of the set page, the summary, and My progress
  with its history, print and export controls; the export is a CSV made in the browser.
* Bad set numbers and sizes get a clear message; hostile saved steps and history are left out.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import REPO, Where
from test_focus_contrast import _each_control_focused_and_hovered

from metdocs.rules.practiceset import series

pytestmark = pytest.mark.browser

WIDTHS = {"phone": (375, 812), "desktop": (1280, 900), "zoom-200": (640, 450)}
DRILLS = sorted(p.stem for p in (REPO / "data" / "cases").glob("*.yaml")
                if "\nkind: drill" in p.read_text(encoding="utf-8"))
READY = "[data-metdocs-claims][data-ready], [data-metdocs-drill][data-ready]"


def _no_sideways_scroll(page, step: str) -> None:
    got = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})")
    assert got["scroll"] <= got["client"], f"{step}: the page scrolls sideways: {got}"


def _open_set(page, where: Where, seed: int, n: int) -> None:
    page.goto(where.url("practice/set", f"?seed={seed}&n={n}"), wait_until="load")
    page.wait_for_selector("[data-metdocs-set][data-ready]")


def _on_step(page, k: int, n: int) -> str:
    """Wait for step k's page; returns its kind."""
    page.wait_for_function("([k, n]) => { const b = document.querySelector('.metdocs-set-banner');"
                           " return b && b.textContent.includes('exercise ' + k + ' of ' + n); }", arg=[k, n])
    page.wait_for_selector(READY)
    return "claim" if page.query_selector("[data-metdocs-claims]") else "drill"


def _check(page, kind: str) -> None:
    if kind == "claim":
        for box in page.locator(".metdocs-claims input[type=number]").all():
            box.fill("1")
        page.click("text=Check my claim")
    else:
        page.click("text=Check my audit")
    page.wait_for_selector("[data-set-next]")
    if kind == "claim":  # inside a set, no way to another exercise that would leave it
        assert not page.locator(".metdocs-claims__seed").is_visible()
        assert page.locator("[data-next]").count() == 1 and not page.locator("[data-next]").is_visible()
        assert page.locator("[data-again]").is_visible()


def _complete(page, where: Where, seed: int, n: int, after_each=None) -> list[str]:
    _open_set(page, where, seed, n)
    if after_each:
        after_each("the set page")
    page.click("[data-set-start]")
    kinds = []
    for k in range(1, n + 1):
        kinds.append(_on_step(page, k, n))
        if after_each:
            after_each(f"exercise {k} open")
        _check(page, kinds[-1])
        if after_each:
            after_each(f"exercise {k} checked")
        page.click("[data-set-next]")
    page.wait_for_selector("#set-summary")
    return kinds


@pytest.fixture(params=list(WIDTHS))
def width(request, page) -> int:
    w, h = WIDTHS[request.param]
    page.set_viewport_size({"width": w, "height": h})
    return w


def test_a_set_of_three_completed_without_sideways_scroll_and_its_summary_printed(page, where, width):
    want = series(1, 3, DRILLS, True)
    kinds = _complete(page, where, 1, 3, lambda step: _no_sideways_scroll(page, step))
    assert kinds == [i["kind"] for i in want]  # the series Python derives, in its order
    _no_sideways_scroll(page, "the summary")
    assert page.evaluate("document.activeElement.id") == "set-summary"
    summary = page.inner_text(".metdocs-set__summary")
    assert "over 3 of 3 exercises" in summary
    rows = page.locator(".metdocs-set__summary table").first.locator("tr")
    assert rows.count() == 4  # a heading row and one row per exercise
    for i in want:
        assert (f"Claim builder exercise {i['seed']}" if i["kind"] == "claim" else "Audit drill") in summary
    assert "Score per rule" in summary or "No exercise done so far names a rule" in summary
    # The set page, opened again, knows each step is done.
    _open_set(page, where, 1, 3)
    assert page.locator(".metdocs-set__list li[data-done=true]").count() == 3
    page.goto(where.url("practice/set", "?seed=1&n=3&step=4"), wait_until="load")
    page.wait_for_selector("#set-summary")
    page.emulate_media(media="print")
    shown = page.evaluate("""() => { const d = s => [...document.querySelectorAll(s)].map(e => getComputedStyle(e).display);
        return {chrome: d('.md-header, .md-sidebar, .md-footer'), buttons: d('.metdocs-set button, .metdocs-set .md-button'),
                pick: d('.metdocs-set__pick'), tables: d('.metdocs-set__summary table'),
                scroll: [...document.querySelectorAll('.metdocs-set__scroll')].map(e => getComputedStyle(e).overflowX)}; }""")
    assert shown["chrome"] and set(shown["chrome"]) == {"none"}
    assert shown["buttons"] and set(shown["buttons"]) == {"none"} and shown["pick"] == ["none"]
    assert shown["tables"] and "none" not in shown["tables"] and set(shown["scroll"]) == {"visible"}
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def _focused(page) -> str:
    return page.evaluate("(() => { const e = document.activeElement; return e.id || e.getAttribute('data-set-next') !== null"
                         " && 'next' || e.getAttribute('data-set-start') !== null && 'start' || e.textContent.trim(); })()")


def _tab_to(page, target: str, most: int = 400) -> None:
    for _ in range(most):
        if _focused(page) == target:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target!r}")


def _live_text(page) -> str:
    return page.evaluate("[...document.querySelectorAll('[role=status], [aria-live], [role=alert]')]"
                         ".map(e => e.textContent).join(' | ')")


def test_a_set_by_keyboard_alone_announces_each_result_once(page, where):
    want = series(5, 3, DRILLS, True)
    _open_set(page, where, 5, 3)
    _tab_to(page, "start")
    page.keyboard.press("Enter")
    for k, item in enumerate(want, 1):
        assert _on_step(page, k, 3) == item["kind"]
        if item["kind"] == "claim":
            _tab_to(page, "Check my claim")
            page.keyboard.press("Enter")
            page.wait_for_selector("[data-metdocs-claims][data-score]")
            assert _focused(page) == "cb-results"
        else:
            _tab_to(page, "Check my audit")
            page.keyboard.press("Space")
            page.wait_for_selector("[data-metdocs-drill][data-score]")
            assert _focused(page) == "dq-results"
        # Announced once: the focused heading says the result; no live region says it again.
        assert "%" not in _live_text(page) and "result" not in _live_text(page).lower()
        _tab_to(page, "next", 60)
        page.keyboard.press("Enter")
    page.wait_for_selector("#set-summary")
    assert _focused(page) == "set-summary"
    assert "Your summary" not in _live_text(page)
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_the_set_page_and_summary_with_focus_on_each_control(page, where):
    _open_set(page, where, 2, 2)
    count, found = _each_control_focused_and_hovered(page, ".metdocs-set")
    assert count >= 4 and not found, "\n".join(found)
    _complete(page, where, 2, 2)
    count, found = _each_control_focused_and_hovered(page, ".metdocs-set")
    assert page.locator(".metdocs-set__summary button").count() == 2
    assert count >= 6 and not found, "\n".join(found)
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_a_step_page_with_focus_on_each_control(page, where):
    _complete(page, where, 3, 1)  # leaves the step's page once checked: open it again
    page.go_back()
    page.wait_for_selector(".metdocs-set-banner")
    page.wait_for_selector(READY)
    kind = "claim" if page.query_selector("[data-metdocs-claims]") else "drill"
    _check(page, kind)
    count, found = _each_control_focused_and_hovered(page, ".metdocs-set-banner, .metdocs-set-next")
    assert count >= 2 and not found, "\n".join(found)
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_bad_set_numbers_and_sizes_get_a_clear_message(page, where):
    page.goto(where.url("practice/set", "?seed=abc&n=99"), wait_until="load")
    page.wait_for_selector("[data-metdocs-set][data-ready]")
    note = page.inner_text(".metdocs-set__note")
    assert "Set numbers are whole numbers from 0 to 4294967295: showing set 1." in note
    assert "A set has 1 to 30 exercises: showing 10." in note
    assert page.locator(".metdocs-set__list li").count() == 10
    page.fill("#set-n", "0")
    page.click("text=Open this set")
    assert page.get_attribute("#set-n", "aria-invalid") == "true"
    assert "Enter a number of exercises from 1 to 30." in page.inner_text(".metdocs-set__note")
    page.fill("#set-seed", "7")
    page.fill("#set-n", "4")
    page.click("text=Open this set")
    page.wait_for_selector("[data-metdocs-set][data-ready][data-n='4'][data-seed='7']")
    want = series(7, 4, DRILLS, True)
    assert page.eval_on_selector_all(".metdocs-set__list li", "ls => ls.map(l => l.dataset.kind)") == [i["kind"] for i in want]
    assert not where.guard.problems(), "\n".join(where.guard.problems())


STORE = "(window.__md_scope && __md_scope.pathname ? __md_scope.pathname : '/') + ':metdocs-progress-v1'"


def test_my_progress_history_print_and_export_and_hostile_entries_left_out(page, where):
    _complete(page, where, 1, 2)
    # Hostile additions: a formula as a label, an attempt of no known kind, a step of the wrong shape.
    page.evaluate(f"""() => {{ const key = {STORE}; const d = JSON.parse(localStorage.getItem(key));
        d.history.push({{at: '2026-01-02T03:04:05.000Z', kind: 'drills', id: 'x', label: '=HYPERLINK("http://evil")', score: 50}});
        d.history.push({{at: 'yesterday', kind: 'drills', id: 'y', label: 'bad', score: 10}});
        d.history.push({{at: '2026-01-02T03:04:05.000Z', kind: 'script', id: 'z', label: '<img src=x onerror=alert(1)>', score: 1}});
        d.sets['1:2'].steps['2'] = {{kind: 'claim', score: 900}};
        d.sets['1:99'] = {{steps: {{}}}};
        localStorage.setItem(key, JSON.stringify(d)); }}""")
    page.goto(where.url("practice/progress"), wait_until="load")
    page.wait_for_selector("[data-metdocs-progress][data-ready]")
    problems = page.inner_text(".metdocs-progress__problems")
    assert "history item 4: expected 'at' to be a date and time" in problems
    assert "history item 5: expected 'kind' to be drills or claims" in problems
    assert "sets '1:2' step '2': expected a score from 0 to 100" in problems and "sets '1:99': not a practice set" in problems
    assert page.locator("img[src=x]").count() == 0
    rows = page.locator(".metdocs-progress__attempts tr")
    assert rows.count() == 1 + 3  # two checked exercises and the formula label
    assert "Combined score: " in page.inner_text(".metdocs-progress__combined")
    assert page.locator(".metdocs-progress__sets tr[data-set='1:2'] td").first.inner_text() == "1 of 2"
    with page.expect_download() as got:
        page.click("text=Download my history (CSV)")
    download = got.value
    assert download.suggested_filename == "metdocs-progress.csv" and download.url.startswith("blob:")
    table = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert table[0] == ["When (UTC)", "Kind", "Exercise", "Score (%)"] and len(table) == 4
    assert ["2026-01-02T03:04:05.000Z", "audit drill", "'=HYPERLINK(\"http://evil\")", "50"] in table
    assert "made in this browser" in page.inner_text(".metdocs-progress__history [role=status]")
    count, found = _each_control_focused_and_hovered(page)
    assert count >= 5 and not found, "\n".join(found)
    page.emulate_media(media="print")
    shown = page.evaluate("[...document.querySelectorAll('.metdocs-progress button, .md-header, .md-sidebar')]"
                          ".map(e => getComputedStyle(e).display)")
    assert shown and set(shown) == {"none"}
    assert page.evaluate("getComputedStyle(document.querySelector('.metdocs-progress__attempts')).display") != "none"
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_the_history_keeps_the_last_200_attempts(page, where):
    page.goto(where.url("practice/progress"), wait_until="load")
    page.wait_for_selector("[data-metdocs-progress][data-ready]")
    page.evaluate("""() => { for (let i = 0; i < 205; i++) metdocsProgress.save('claims', i + ':cms',
        {seed: i, rule: 'cms', rule_name: 'CMS 8-minute rule', score: i % 101, right: 1, total: 2}); }""")
    history = page.evaluate("metdocsProgress.load().history")
    assert len(history) == 200 and history[0]["id"] == "5:cms" and history[-1]["id"] == "204:cms"
    assert json.loads(json.dumps(history[-1]))["label"] == "Claim builder exercise 204 (CMS 8-minute rule)"
    assert not where.guard.problems(), "\n".join(where.guard.problems())
