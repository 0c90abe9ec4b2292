"""Practice in the browser: graded audit drills, the claim builder and the "My progress" page.

Each test that matters runs twice: on the served site and on the offline edition from file://
(`where`). Expected answers come from the Python engines (the audit, prose, claimbuilder), never
from the page itself. Tests wait for the state they assert (data-ready, data-score ...).
"""

from __future__ import annotations

import random

import pytest

from conftest import REPO, Where, axe_check

pytestmark = pytest.mark.browser

DRILL = "drill-medicare-gp-modifier"  # case-level and session faults, on claim lines and off them


@pytest.fixture(scope="module")
def engine():
    """The checked project, the drills' expected answers and the claim builder's data."""
    from metdocs.rules import prose
    from metdocs.rules.audit.core import case_findings
    from metdocs.rules.claimbuilder import builder_data
    from metdocs.catalog.icd import code_set
    from metdocs.site.pipeline import Project, check
    checked = check(Project.at(REPO))
    assert checked.ok
    drills = {}
    for case in checked.cases:
        if case.kind != "drill":
            continue
        found = case_findings(case, checked.catalog, code_set())
        facts = prose.facts(case, checked.catalog)
        drills[case.id] = (case, [{"rule": b.rule, "session": b.session, "line": b.line,
                                   "place": (f"{b.session}/{b.line}" if b.line else b.session) or "@case",
                                   "lesson": " ".join(prose.fill(b.note, facts).split()),
                                   "findings": [f.problem.message for f in found
                                                if (f.problem.rule, f.place) == (b.rule, (b.session, b.line))]}
                                  for b in case.expected_breaches])
    return checked, drills, builder_data(checked.catalog)


def _open_drill(page, where: Where, drill_id: str) -> None:
    page.goto(where.url(f"drills/{drill_id}"), wait_until="load")
    page.wait_for_selector("[data-metdocs-drill][data-ready]")


def _mark(page, place: str, rule: str) -> None:
    count = page.locator(".metdocs-drill__marks > li").count()
    page.select_option("#dq-place", place)
    page.select_option("#dq-rule", rule)
    page.click(".metdocs-drill__add button")
    page.wait_for_function("n => document.querySelectorAll('.metdocs-drill__marks > li').length === n", arg=count + 1)


def _check(page) -> int:
    page.evaluate("document.querySelector('[data-metdocs-drill]').removeAttribute('data-score')")
    page.click("text=Check my audit")
    page.wait_for_selector("[data-metdocs-drill][data-score]")
    return int(page.get_attribute("[data-metdocs-drill]", "data-score"))


def _elsewhere(case, k: dict) -> str | None:
    """A place in the same session that is not where the audit names fault `k` (None if there is none)."""
    if k["session"] is None:
        return None
    s = next(s for s in case.sessions if s.id == k["session"])
    places = [s.id, *(f"{s.id}/{i}" for i in range(1, len(s.claim) + 1))]
    kind = "line" if k["line"] else "session"
    return next((p for p in places if p != k["place"] and ("/" in p) == (kind == "line")), None)


def _text(page, selector: str) -> list[str]:
    return [" ".join(t.split()) for t in page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")]


def _item(page, part: str, k: dict) -> str:
    """The text of the result item for declared fault `k` in the right or missed list."""
    item = f".metdocs-drill__{part} > li[data-rule='{k['rule']}'][data-place='{k['place']}']"
    return " ".join(page.inner_text(item).split())


def _accessible(page) -> None:
    """axe finds no WCAG 2.1 A/AA violation in the page as the script left it."""
    found = axe_check(page)
    assert not found, "\n".join(found)


def _stored(page) -> dict:
    return page.evaluate("window.metdocsProgress.load()")


def test_a_drill_completed_right_then_wrong_is_graded_and_its_score_kept(page, where, engine):
    from metdocs.rules.claimbuilder import percent
    _, drills, _ = engine
    case, key = drills[DRILL]
    assert len(key) >= 3 and any(k["session"] is None for k in key)
    _open_drill(page, where, DRILL)
    assert _stored(page)["drills"] == {}

    # Right: every declared fault, each at the place the audit names it.
    for k in key:
        _mark(page, k["place"], k["rule"])
    assert _check(page) == 100
    right = _text(page, ".metdocs-drill__right > li")
    assert len(right) == len(key)
    for k in key:  # each with the engine's finding and the lesson
        item = _item(page, "right", k)
        assert all(f"Engine finding: {f}" in item for f in k["findings"]) and f"Lesson: {k['lesson']}" in item
    assert _text(page, "p.metdocs-drill__missed") == ["None."] and _text(page, "p.metdocs-drill__wrong") == ["None."]
    saved = _stored(page)["drills"][DRILL]
    assert [saved[k] for k in ("score", "right", "missed", "wrong", "total")] == [100, len(key), 0, 0, len(key)]
    _accessible(page)

    # Wrong: one fault found, one flagged where the audit finds nothing, the rest missed.
    page.click("text=Start again")
    page.wait_for_selector("p.metdocs-drill__none:not([hidden])")
    _mark(page, key[0]["place"], key[0]["rule"])
    assert not any(k["rule"] == "own-services-own-npi" for k in key)
    _mark(page, case.sessions[0].id, "own-services-own-npi")  # a rule the audit finds broken nowhere here
    score = _check(page)
    assert score == percent(1, len(key) + 1)
    assert len(_text(page, ".metdocs-drill__right > li")) == 1
    missed = _text(page, ".metdocs-drill__missed > li")
    assert len(missed) == len(key) - 1
    for k in key[1:]:
        item = _item(page, "missed", k)
        assert f"Engine finding: {k['findings'][0]}" in item and f"Lesson: {k['lesson']}" in item, k["rule"]
    wrong = _text(page, ".metdocs-drill__wrong > li")
    assert len(wrong) == 1 and "finds no breach of this rule there" in wrong[0]
    saved = _stored(page)["drills"][DRILL]
    assert (saved["score"], saved["right"], saved["missed"], saved["wrong"]) == (score, 1, len(key) - 1, 1)

    # Back on the page later: the marks and the result as saved.
    _open_drill(page, where, DRILL)
    page.wait_for_selector("[data-metdocs-drill][data-score]")
    assert page.get_attribute("[data-metdocs-drill]", "data-score") == str(score)
    assert page.locator(".metdocs-drill__marks > li").count() == 2

    # My progress lists it, and the reset forgets it.
    page.goto(where.url("practice/progress"), wait_until="load")
    page.wait_for_selector("[data-metdocs-progress][data-ready]")
    row = " ".join(page.inner_text(f"tr[data-drill='{DRILL}']").split())
    assert f"{score}%" in row and f"1 of {len(key)}" in row
    others = [d for d in drills if d != DRILL]
    for d in others:
        assert "not tried yet" in page.inner_text(f"tr[data-drill='{d}']")
    assert f"1 of {len(drills)} drills checked" in page.inner_text(".metdocs-progress__summary")
    _accessible(page)
    page.click("text=Reset my progress")
    page.click("text=Yes, delete my scores")
    page.wait_for_function("id => document.querySelector(`tr[data-drill='${id}']`).textContent"
                           ".includes('not tried yet')", arg=DRILL)
    assert _stored(page) == {"drills": {}, "claims": {}, "sets": {}, "history": [], "problems": []}
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_every_drill_can_be_completed_right(page, guard, site, engine):
    _, drills, _ = engine
    for drill_id, (case, key) in drills.items():
        page.goto(f"/drills/{drill_id}/", wait_until="load")
        page.wait_for_selector("[data-metdocs-drill][data-ready]")
        for k in key:
            _mark(page, k["place"], k["rule"])
        assert _check(page) == 100, drill_id
    assert sorted(_stored(page)["drills"]) == sorted(drills)
    assert guard.problems() == []


def _choose(page, selector: str, value: str) -> None:
    """Pick an option of the focused <select> with the keyboard only (Home, then arrow down)."""
    index = page.eval_on_selector(selector, "(s, v) => [...s.options].findIndex(o => o.value === v)", value)
    assert index >= 0, (selector, value)
    page.keyboard.press("Home")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    assert page.eval_on_selector(selector, "s => s.value") == value


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


def test_a_drill_by_keyboard_alone(page, where, engine):
    _, drills, _ = engine
    case, key = drills["drill-units-over-minutes"]
    _open_drill(page, where, "drill-units-over-minutes")
    page.focus("#dq-place")  # the start; from here on only keys
    for k in key:
        assert _focused(page) == "dq-place"
        _choose(page, "#dq-place", k["place"])
        page.keyboard.press("Tab")
        assert _focused(page) == "dq-rule"
        _choose(page, "#dq-rule", k["rule"])
        page.keyboard.press("Tab")
        assert _focused(page) == "Add this fault"
        page.keyboard.press("Enter")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
    assert page.locator(".metdocs-drill__marks > li").count() == len(key)
    for _ in range(20):
        if _focused(page) == "Check my audit":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-metdocs-drill][data-score='100']")
    assert _focused(page) == "dq-results"  # the result is announced where focus lands
    # Remove a mark by keyboard: the button says what it removes.
    first = page.locator(".metdocs-drill__remove").first
    assert first.get_attribute("aria-label").startswith("Remove: Session s2")
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('.metdocs-drill__marks > li').length === 1")
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_printing_a_drill_shows_the_answers_and_score_not_the_controls(page, guard, site, engine):
    _, drills, _ = engine
    case, key = drills["drill-units-over-minutes"]
    page.goto("/drills/drill-units-over-minutes/", wait_until="load")
    page.wait_for_selector("[data-metdocs-drill][data-ready]")
    for k in key:
        _mark(page, k["place"], k["rule"])
    _check(page)
    page.emulate_media(media="print")
    shown = page.evaluate("""() => Object.fromEntries(['.metdocs-drill__add', '.metdocs-drill__buttons',
        '.metdocs-drill__marks', '.metdocs-drill__score', '.metdocs-drill__result']
        .map(s => [s, getComputedStyle(document.querySelector(s)).display]))""")
    assert shown[".metdocs-drill__add"] == "none" and shown[".metdocs-drill__buttons"] == "none"
    assert "none" not in [shown[f".metdocs-drill__{part}"] for part in ("marks", "score", "result")]
    assert "100%" in page.inner_text(".metdocs-drill__score")
    assert guard.problems() == []


def test_without_javascript_the_answer_still_opens_and_no_dead_controls_show(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site.url + "drills/drill-no-referral/", wait_until="load")
        assert not page.locator("[data-metdocs-drill]").is_visible()
        assert page.locator(".metdocs-drill-nojs").is_visible()
        assert "open the answer at the end" in page.inner_text(".metdocs-drill-intro")
        page.locator("details.metdocs-answer > summary").click()
        assert page.locator("details.metdocs-answer[open] ol").first.is_visible()
        page.goto(site.url + "practice/claim-builder/?seed=3", wait_until="load")
        assert page.locator("[data-metdocs-nojs]").is_visible()
        assert not page.locator("[data-metdocs-claims]").is_visible()
        page.goto(site.url + "practice/progress/", wait_until="load")
        assert page.locator("[data-metdocs-nojs] a").count() >= 5
    finally:
        context.close()


# --- the claim builder ----------------------------------------------------------------------------

def _open_exercise(page, where: Where, seed: int, rule: str | None) -> None:
    page.goto(where.url("practice/claim-builder", f"?seed={seed}" + (f"&rule={rule}" if rule else "")),
              wait_until="load")
    page.wait_for_selector(f"[data-metdocs-claims][data-ready][data-seed='{seed}']")


def _fill(page, ex: dict, given: dict) -> None:
    for c in ex["codes"]:
        value = given["units"].get(c["code"])
        if c["in_scope"]:  # a code a MedExPRO may not bill has no units box
            page.fill(f"#cb-units-{c['code']}", "" if value is None else str(value))
        else:
            assert page.locator(f"#cb-units-{c['code']}").count() == 0
            assert "may not bill this code" in page.inner_text(f"[data-unbillable='{c['code']}']")
        for d in ex["diagnoses"]:
            ticked = d["pointer"] in given["pointers"].get(c["code"], [])
            page.set_checked(f"#cb-ptr-{c['code']}-{d['pointer']}", ticked)
    if given["billable"]:
        page.check(f"#cb-billable-{given['billable']}")


def _submit_claim(page) -> dict:
    page.evaluate("document.querySelector('[data-metdocs-claims]').removeAttribute('data-score')")
    page.click("text=Check my claim")
    page.wait_for_selector("[data-metdocs-claims][data-score]")
    return {"score": int(page.get_attribute("[data-metdocs-claims]", "data-score")),
            "steps": page.eval_on_selector_all("[data-step]", "els => els.map(e => [e.dataset.step, e.dataset.ok])")}


def test_the_claim_builder_grades_like_the_python_engine(page, where, engine):
    from metdocs.rules.claimbuilder import PROBLEMS, generate, grade
    _, _, data = engine
    rnd = random.Random(42)
    runs = [(42, None), (1, "cms"), (1, "ama"), (7, None), (13, None), (16, "cms")]
    # and visits that cannot be billed: an out-of-scope code (one untimed), GP, a group, a Medicare plan
    for problem in ("scope-code", "gp-modifier", "group", "payer"):
        runs.append((next(s for s in range(200) if generate(data, s)["answer"]["billable"] == problem), None))
    untimed = next(s for s in range(2000) if any(not c["in_scope"] and c["code"] in ("97150", "97161", "97164")
                                                 for c in generate(data, s)["codes"]))
    runs.append((untimed, None))
    for seed, rule in runs:
        ex = generate(data, seed, rule)
        _open_exercise(page, where, seed, rule)
        tables = page.locator(".metdocs-claims table")
        rows = "t => [...t.rows].slice(1).map(r => [...r.cells].map(c => c.textContent))"
        assert tables.nth(0).evaluate(rows) == [[c["code"], c["name"], str(c["minutes"])] for c in ex["codes"]]
        assert tables.nth(1).evaluate(rows) == [[d["pointer"], d["code"], d["title"]] for d in ex["diagnoses"]]
        right = {"units": dict(ex["answer"]["units"]), "pointers": ex["answer"]["pointers"],
                 "billable": ex["answer"]["billable"]}
        _fill(page, ex, right)
        assert _submit_claim(page)["score"] == 100
        assert ex["explain"]["billable"] in " ".join(page.inner_text("[data-step='billable']").split())
        if ex["explain"]["rule"]:  # the rule the rulebook found, by its id, with a link to it
            assert f"rule '{ex['explain']['rule']}'" in page.inner_text("[data-step='billable']")
        for _ in range(2):
            letters_ = [d["pointer"] for d in ex["diagnoses"]]
            given = {"units": {c["code"]: rnd.choice([ex["answer"]["units"].get(c["code"]), rnd.randint(0, 5), None])
                               for c in ex["codes"]},
                     "pointers": {c["code"]: rnd.sample(letters_, rnd.randint(0, len(letters_))) for c in ex["codes"]},
                     "billable": rnd.choice(["yes", *PROBLEMS, "no-units"])}
            _fill(page, ex, given)
            got = _submit_claim(page)
            want = grade(ex, given)
            assert got["score"] == want["score"], (seed, rule, given)
            assert got["steps"] == ([["units", str(u["ok"]).lower()] for u in want["units"]]
                                    + [["pointers", str(p["ok"]).lower()] for p in want["pointers"]]
                                    + [["billable", str(want["billable"]["ok"]).lower()]])
            said = " ".join(page.inner_text("[data-step='billable']").split())
            # A wrong answer names the right one; the explanation quotes the rule the rulebook found.
            assert (f"The right answer is “{want['billable']['label']}”." in said) == (not want["billable"]["ok"])
        saved = _stored(page)["claims"][f"{seed}:{ex['rule']}"]
        assert saved["seed"] == seed and saved["score"] == want["score"]
    _accessible(page)
    page.goto(where.url("practice/progress"), wait_until="load")
    page.wait_for_selector("[data-metdocs-progress][data-ready]")
    assert page.locator("tr[data-exercise]").count() == len({(s, generate(data, s, r)["rule"]) for s, r in runs})
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_the_claim_builder_by_keyboard_alone_and_a_new_seed(page, where, engine):
    from metdocs.rules.claimbuilder import generate
    _, _, data = engine
    page.goto(where.url("practice/claim-builder", "?seed=5"), wait_until="load")
    page.wait_for_selector("[data-metdocs-claims][data-ready][data-seed='5']")
    page.focus("#cb-seed")  # the start; from here on only keys
    page.keyboard.press("Control+A")
    page.keyboard.type("42")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-metdocs-claims][data-seed='42']")
    assert "seed=42" in page.url
    assert _focused(page) == "cb-exercise"
    ex = generate(data, 42)
    for c in (c for c in ex["codes"] if c["in_scope"]):
        page.keyboard.press("Tab")
        assert _focused(page) == f"cb-units-{c['code']}"
        page.keyboard.type(str(ex["answer"]["units"][c["code"]]))
    for c in ex["codes"]:
        for d in ex["diagnoses"]:
            page.keyboard.press("Tab")
            assert _focused(page) == f"cb-ptr-{c['code']}-{d['pointer']}"
            if d["pointer"] in ex["answer"]["pointers"][c["code"]]:
                page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert _focused(page) == "cb-billable-yes"
    page.keyboard.press("Space")
    reasons = [r["id"] for r in data["reasons"]]
    for _ in range(reasons.index(ex["answer"]["billable"])):
        page.keyboard.press("ArrowDown")
    assert _focused(page) == f"cb-billable-{ex['answer']['billable']}"
    page.keyboard.press("Tab")
    assert _focused(page) == "Check my claim"
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-metdocs-claims][data-score='100']")
    assert _focused(page) == "cb-results"
    # Printing shows the answers given and the score, not the controls to change them.
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.metdocs-claims__seed')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('.metdocs-claims__answer')).display") != "none"
    assert page.input_value(f"#cb-units-{ex['codes'][0]['code']}") == str(ex["answer"]["units"][ex["codes"][0]["code"]])
    assert "100%" in page.inner_text(".metdocs-claims__summary")
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_a_drill_offers_the_rules_of_each_place_and_credits_only_the_place_the_audit_names(page, guard, site, engine):
    """Parkinson's drill: s3's line 2 points at a letter the referral lacks, line 1 is fine."""
    from metdocs.rules.audit.core import reported_at
    _, drills, _ = engine
    case, key = drills["drill-parkinson-header-code"]
    page.goto("/drills/drill-parkinson-header-code/", wait_until="load")
    page.wait_for_selector("[data-metdocs-drill][data-ready]")
    offered = {}
    for place, kind in (("@case", "case"), ("s3", "session"), ("s3/1", "line")):
        page.select_option("#dq-place", place)
        offered[kind] = set(page.eval_on_selector_all("#dq-rule option", "os => os.map(o => o.value)")) - {""}
        assert offered[kind] and all(kind in reported_at(r) for r in offered[kind]), (kind, offered[kind])
    assert "icd10-link-per-cpt" in offered["line"] and "icd10-link-per-cpt" not in offered["session"]
    assert "home-program" in offered["case"] and "home-program" not in offered["line"]
    assert not {"daily-note-content", "cms-unit-table"} & set().union(*offered.values())
    for k in key:
        if k["rule"] != "icd10-link-per-cpt":
            _mark(page, k["place"], k["rule"])
    _mark(page, "s3/1", "icd10-link-per-cpt")  # the right rule on the wrong line
    assert _check(page) < 100
    wrong = _text(page, ".metdocs-drill__wrong > li")
    assert len(wrong) == 1 and "s3/2" not in wrong[0] and "finds no breach of this rule there" in wrong[0]
    assert page.locator(".metdocs-drill__missed > li[data-rule='icd10-link-per-cpt'][data-place='s3/2']").count() == 1
    assert guard.problems() == []


# --- the flow around the grading (issue 24) --------------------------------------------------------

def _announcers(page, text: str) -> list[str]:
    """Live regions (role=status/alert or aria-live) whose text contains `text`."""
    return page.eval_on_selector_all(
        "[aria-live]:not([aria-live=off]), [role=status], [role=alert]",
        "(els, t) => els.filter(e => e.textContent.includes(t)).map(e => e.outerHTML.slice(0, 120))", text)


def test_a_drill_leads_on_the_answer_opens_after_the_check_and_a_new_mark_clears_the_old_score(page, where, engine):
    _, drills, _ = engine
    case, key = drills[DRILL]
    page.set_viewport_size({"width": 1280, "height": 900})
    _open_drill(page, where, DRILL)
    # The intro speaks of the audit, not of opening the answer at the end; the TOC lists the audit.
    intro = page.locator(".metdocs-drill-intro")
    assert "check it: the answer opens once you have checked" in intro.inner_text()
    assert "open the answer at the end" not in intro.inner_text()
    assert not page.locator(".metdocs-drill-nojs").first.is_visible()
    assert page.locator(".md-sidebar--secondary a[href$='#your-audit']").count() == 1
    assert page.locator("h2#your-audit").count() == 1
    # The answer cannot be opened before the audit is checked.
    assert not page.locator("details.metdocs-answer").is_visible()
    assert "opens here once you have checked" in page.inner_text(".metdocs-drill__locked")
    _mark(page, key[0]["place"], key[0]["rule"])
    score = _check(page)
    assert page.locator("details.metdocs-answer").is_visible() and page.locator(".metdocs-drill__locked").count() == 0
    # Announced once: focus on the result's heading, which states the score; no live region repeats it.
    assert _focused(page) == "dq-results" and f"{score}%" in page.inner_text("#dq-results")
    assert _announcers(page, f"{score}%") == []
    # A new mark after the check: the old score and result go, and the note says to check again.
    _mark(page, key[1]["place"], key[1]["rule"])
    assert page.get_attribute("[data-metdocs-drill]", "data-score") is None
    assert page.inner_text(".metdocs-drill__result").strip() == "" and page.inner_text(".metdocs-drill__score").strip() == ""
    assert "check your audit again" in page.inner_text(".metdocs-drill__note")
    assert _check(page) > score
    # Removing a mark does the same.
    page.locator(".metdocs-drill__remove").first.click()
    assert page.get_attribute("[data-metdocs-drill]", "data-score") is None
    assert "check your audit again" in page.inner_text(".metdocs-drill__note")
    # Right, missed and flagged-wrongly results are told apart by more than their words.
    _mark(page, case.sessions[0].id, "own-services-own-npi")
    _check(page)
    borders = page.evaluate("""() => ['right', 'missed', 'wrong'].map(p => {
        const li = document.querySelector('.metdocs-drill__' + p + ' > li');
        return li ? getComputedStyle(li).borderLeftColor + ' ' + getComputedStyle(li).borderLeftStyle : null; })""")
    assert None not in borders and len(set(borders)) == 3, borders
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_the_claim_builder_announces_once_and_a_changed_answer_clears_the_old_score(page, where, engine):
    from metdocs.rules.claimbuilder import generate
    _, _, data = engine
    ex = generate(data, 42)
    page.goto(where.url("practice/claim-builder", "?seed=42"), wait_until="load")
    page.wait_for_selector("[data-metdocs-claims][data-ready]")
    _fill(page, ex, {"units": dict(ex["answer"]["units"]), "pointers": ex["answer"]["pointers"],
                     "billable": ex["answer"]["billable"]})
    assert _submit_claim(page)["score"] == 100
    assert _focused(page) == "cb-results" and "100%" in page.inner_text("#cb-results")
    assert _announcers(page, "100%") == []
    # Step 3's radio labels sit beside their buttons, not under them.
    beside = page.eval_on_selector_all(".metdocs-claims__check", """els => els.every(d => {
        const i = d.querySelector('input').getBoundingClientRect(), l = d.querySelector('label').getBoundingClientRect();
        return l.left >= i.right; })""")
    assert beside
    # Right or wrong beside each answer: every units box, every pointer group and step 3.
    in_scope = [c for c in ex["codes"] if c["in_scope"]]
    marks = page.eval_on_selector_all(".metdocs-claims__mark", "ms => ms.map(m => m.dataset.ok)")
    assert marks == ["true"] * (len(in_scope) + len(ex["codes"]) + 1)
    code = in_scope[0]["code"]
    page.fill(f"#cb-units-{code}", "9")
    assert page.get_attribute("[data-metdocs-claims]", "data-score") is None
    assert page.inner_text(".metdocs-claims__feedback").strip() == ""
    assert "check your claim again" in page.inner_text(".metdocs-claims__summary")
    assert page.locator(".metdocs-claims__mark").count() == 0
    assert _submit_claim(page)["score"] < 100
    wrong = page.locator(f".metdocs-claims__row:has(#cb-units-{code}) .metdocs-claims__mark")
    assert wrong.get_attribute("data-ok") == "false" and wrong.inner_text().startswith("\u2717 Wrong")
    assert page.get_attribute(f"#cb-units-{code}", "aria-invalid") == "true"
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_my_progress_reset_keeps_focus_and_asks_with_apart_safe_first_buttons(page, where):
    page.goto(where.url("drills/drill-units-over-minutes"), wait_until="load")
    page.wait_for_selector("[data-metdocs-drill][data-ready]")
    _check(page)
    page.goto(where.url("practice/progress"), wait_until="load")
    page.wait_for_selector("[data-metdocs-progress][data-ready]")
    # The score tables are styled: cells have borders and room.
    cell = page.locator(".metdocs-progress td").first
    assert cell.evaluate("c => parseFloat(getComputedStyle(c).borderTopWidth) > 0 && parseFloat(getComputedStyle(c).paddingLeft) >= 8")
    page.click("text=Reset my progress")
    assert _focused(page) == "Keep them"
    keep, yes = page.locator("[data-no]"), page.locator("[data-yes]")
    gap = yes.bounding_box()["x"] - (keep.bounding_box()["x"] + keep.bounding_box()["width"])
    assert gap >= 8 or yes.bounding_box()["y"] > keep.bounding_box()["y"] + keep.bounding_box()["height"]
    assert "metdocs-primary" in keep.get_attribute("class") and "metdocs-primary" not in yes.get_attribute("class")
    page.keyboard.press("Tab")
    assert _focused(page) == "Yes, delete my scores"
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.metdocs-progress__status').textContent.includes('deleted')")
    assert _focused(page) == "reset"
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_the_home_page_and_the_practice_index_lead_students_to_every_practice_page(page, where):
    wanted = {"cases", "drills", "practice/claim-builder", "practice/progress"}

    def targets(selector: str) -> set[str]:
        hrefs = page.eval_on_selector_all(selector, "as => as.map(a => a.href)")
        found = set()
        for h in hrefs:
            path = h.split("?")[0].split("#")[0].removesuffix("index.html").removesuffix(".html").rstrip("/")
            found |= {w for w in wanted if path.endswith("/" + w)}
        return found

    page.goto(where.url("index") if where.kind == "file" else where.url("").rstrip("/") + "/", wait_until="load")
    students = page.locator(".grid p", has_text="Course students")
    assert students.count() == 1
    assert targets(".grid p:has(strong:text('Course students')) a") == wanted
    page.goto(where.url("practice/index") if where.kind == "file" else where.url("practice"), wait_until="load")
    assert page.inner_text("h1").startswith("Practice")
    assert targets(".md-content ol a") == wanted
    assert not where.guard.problems(), "\n".join(where.guard.problems())


def test_after_a_check_the_claim_builder_offers_the_next_exercise_and_a_try_again_by_keyboard(page, where, engine):
    from metdocs.rules.claimbuilder import generate
    _, _, data = engine
    _open_exercise(page, where, 42, None)
    ex = generate(data, 42)
    _fill(page, ex, {"units": dict(ex["answer"]["units"]), "pointers": ex["answer"]["pointers"], "billable": "yes"})
    _submit_claim(page)
    assert _focused(page) == "cb-results"

    def tab_to(name: str) -> None:
        for _ in range(10):
            page.keyboard.press("Tab")
            if _focused(page) == name:
                return
        raise AssertionError(f"no {name!r} after the results")

    tab_to("Next exercise (43)")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-metdocs-claims][data-seed='43']")
    assert _focused(page) == "cb-exercise"
    if where.kind == "served":
        assert page.url.endswith("?seed=43")
    nxt = generate(data, 43)
    first = next(c["code"] for c in nxt["codes"] if c["in_scope"])
    page.fill(f"#cb-units-{first}", "7")
    page.click("text=Check my claim")
    page.wait_for_selector("[data-metdocs-claims][data-score]")
    tab_to("Try again")
    page.keyboard.press("Enter")
    page.wait_for_function("!document.querySelector('[data-metdocs-claims]').hasAttribute('data-score')")
    assert page.input_value(f"#cb-units-{first}") == "" and page.get_attribute("[data-metdocs-claims]", "data-seed") == "43"
    assert page.evaluate("document.activeElement.tagName") == "INPUT"
    assert "the same visit, exercise 43" in page.inner_text(".metdocs-claims__summary")
    assert not where.guard.problems(), "\n".join(where.guard.problems())
