"""Every piece of feedback links to the page that explains it (issue 24): the drills' result, the
claim builder's feedback and a web form's "Check the record" link each finding's rule on the
standards page, and the units, pairing or scope page where one teaches it. Followed in the
browser, served and from file://: each link opens a page that has the anchor it names.
"""

from __future__ import annotations

from conftest import Where
from test_practice import DRILL, _check, _fill, _mark, _open_drill, _open_exercise, _submit_claim, engine  # noqa: F401


def _follow(page, hrefs: list[str]) -> None:
    """Open each link; the page must load and hold the element its anchor names."""
    assert hrefs
    for href in sorted(set(hrefs)):
        page.goto(href, wait_until="load")
        _, _, at = href.partition("#")
        if at:
            assert page.locator(f"[id='{at}']").count() == 1, href
        assert page.locator("article h1").count() == 1, href


def _hrefs(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(a => a.href)")


def test_a_drills_result_links_each_rule_and_the_page_that_teaches_it(page, where: Where, engine):
    _, drills, _ = engine
    _, key = drills[DRILL]
    _open_drill(page, where, DRILL)
    _mark(page, key[0]["place"], key[0]["rule"])
    _check(page)
    rules = page.eval_on_selector_all(".metdocs-drill__right > li, .metdocs-drill__missed > li",
                                      "els => els.map(li => [li.dataset.rule, li.querySelector('strong a').href])")
    assert len(rules) == len(key)
    for rule, href in rules:  # the rule itself, on the standards page
        assert href.partition("#")[2] in (f"rule-{rule}", f"element-{rule}"), (rule, href)
    more = _hrefs(page, ".metdocs-drill__result a[data-explain], .metdocs-drill a[data-explain]")
    assert any("scope" in h for h in more), more  # this drill's GP modifier and Medicare payer are scope rules
    assert not where.guard.problems(), "\n".join(where.guard.problems())
    _follow(page, [h for _, h in rules] + more)


def test_the_claim_builders_feedback_links_each_step_to_its_pages(page, where: Where, engine):
    from metdocs.rules.claimbuilder import generate
    _, _, data = engine
    seed = next(s for s in range(1, 200) if generate(data, s)["answer"]["billable"] == "gp-modifier")
    ex = generate(data, seed, "cms")
    _open_exercise(page, where, seed, "cms")
    _fill(page, ex, {"units": {}, "pointers": {}, "billable": "yes"})
    _submit_claim(page)
    links = page.eval_on_selector_all(".metdocs-claims a[data-explain]", "els => els.map(a => [a.textContent, a.href])")
    hrefs = [h for _, h in links]
    assert any(h.endswith("#rule-cms-8-minute-rule") for h in hrefs), links  # step 1: the unit rule
    assert any("#cms-rule" in h for h in hrefs), links  # ... and its section on the units page
    assert any(h.endswith("#element-icd10-link-per-cpt") for h in hrefs), links  # step 2: pointers (an element)
    assert any(h.endswith("/pairing/") or h.endswith("/pairing/index.html") for h in hrefs), links
    assert any(h.endswith("#rule-no-gp-modifier") for h in hrefs), links  # step 3: the rule broken
    assert not where.guard.problems(), "\n".join(where.guard.problems())
    _follow(page, hrefs)


def test_check_the_record_links_each_gap(page, where: Where):
    page.goto(where.url("forms/session-log"), wait_until="load")
    page.wait_for_selector(".mf-wrap[data-form='session-log'][data-mf-bound]")
    page.click("text=Check the record")
    page.wait_for_selector("form.mf-form .mf-status li[data-rule]")
    gaps = page.eval_on_selector_all(
        "form.mf-form .mf-status li[data-rule]",
        "els => els.filter(li => li.dataset.rule).map(li => [li.dataset.rule, [...li.querySelectorAll('a[data-explain]')].map(a => a.href)])")
    assert gaps
    for rule, hrefs in gaps:
        assert hrefs and hrefs[0].partition("#")[2] in (f"rule-{rule}", f"element-{rule}"), (rule, hrefs)
    assert not where.guard.problems(), "\n".join(where.guard.problems())
    _follow(page, [h for _, hs in gaps for h in hs])
