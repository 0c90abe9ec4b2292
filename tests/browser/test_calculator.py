"""The unit calculator page agrees with the Python engine (metdocs.rules.units) on random visits."""

from __future__ import annotations

import json
import random

import pytest

from metdocs.rules.units import allocate

pytestmark = pytest.mark.browser

VISITS = 300
SEED = 20260401


def test_random_visits_match_the_python_engine(page, guard, catalog):
    page.goto("/units/calculator/", wait_until="load")
    page.wait_for_selector("[data-metdocs-calculator][data-ready]")
    codes = [c["code"] for c in json.loads(
        page.get_attribute("[data-metdocs-calculator]", "data-metdocs-calculator"))["codes"]]
    assert {"97110", "97112", "97530"} <= set(codes)
    rng = random.Random(SEED)
    filled: set[str] = set()
    current_rule = page.eval_on_selector("input[name=rule]:checked", "el => el.value")
    mismatches = []
    for i in range(VISITS):
        visit = {c: rng.randint(0, 90) for c in rng.sample(codes, rng.randint(1, 4))}
        rule = rng.choice(("cms", "ama"))
        for code in sorted(filled - visit.keys()):  # clear the previous visit's other inputs
            page.fill(f"#calc-{code}", "")
        if rule != current_rule:
            page.check(f"input[name=rule][value={rule}]")
            current_rule = rule
        for code, minutes in visit.items():
            page.fill(f"#calc-{code}", str(minutes))
        filled = set(visit)
        want = allocate(visit, catalog.is_timed, rule).to_json()
        # Wait until the page has worked out this visit (not the one before), however long that
        # takes on a busy machine; then compare what it shows.
        entered = " ".join(f"{c}={m}" for c, m in sorted(visit.items())) + f" {rule}"
        page.wait_for_selector(f".metdocs-calculator__summary[data-visit='{entered}']", state="attached")
        got = page.eval_on_selector(
            ".metdocs-calculator__summary",
            "el => [JSON.parse(el.getAttribute('data-units')), Number(el.getAttribute('data-total-units'))]")
        if got != [want["units"], want["total_units"]]:
            mismatches.append(f"visit {i} {rule} {visit}: page {got}, engine {want['units']} "
                              f"total {want['total_units']}")
    assert not mismatches, f"{len(mismatches)} of {VISITS} visits differ:\n" + "\n".join(mismatches[:20])
    assert guard.problems() == []


def test_codes_a_medexpro_may_not_bill_are_marked(page, guard, catalog):
    page.goto("/units/calculator/", wait_until="load")
    page.wait_for_selector("[data-metdocs-calculator][data-ready]")
    out = sorted(c.code for c in catalog.cpt_codes if not c.in_scope)
    ours = sorted(c.code for c in catalog.cpt_codes if c.in_scope)
    for code in out:
        assert "not billable by a MedExPRO" in page.inner_text(f"label[for=calc-{code}]")
    for code in ours:
        assert "not billable" not in page.inner_text(f"label[for=calc-{code}]")
    note = page.locator(".metdocs-calculator__scope")
    page.fill(f"#calc-{ours[0]}", "23")
    assert note.is_hidden()
    page.fill(f"#calc-{out[0]}", "10")
    note.wait_for(state="visible")
    assert f"Not billable by a MedExPRO: {out[0]}." in note.inner_text()
    assert all(code in note.inner_text() for code in ours)
    page.fill(f"#calc-{out[0]}", "")
    note.wait_for(state="hidden")
    assert guard.problems() == []
