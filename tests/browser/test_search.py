"""Material search in the browser: codes, conditions and documentation terms find the right page."""

from __future__ import annotations

import re

import pytest

from browser_search import search_results as search

pytestmark = pytest.mark.browser

TOP = 3


@pytest.mark.parametrize(("term", "expected"), [
    ("97112", r"^/cpt/97112/$"),                 # CPT code
    ("R26.81", r"^/icd10/R26\.81/$"),            # ICD-10-CM code (dot kept inside the token)
    ("Parkinson", r"^/icd10/G20\.[A-Z0-9]+/$"),  # condition name -> a Parkinson's disease code
    ("reassessment", r"^/standards/$"),         # documentation term -> the documentation standard
    ("progress report", r"^/standards/$"),       # documentation terms
    ("plan of care", r"^/standards/$"),
])
def test_search_finds_the_right_page_in_the_top_3(page, guard, term, expected):
    page.goto("/", wait_until="networkidle")
    paths = search(page, term)
    assert any(re.search(expected, p) for p in paths[:TOP]), f"{term!r}: top {TOP} = {paths[:TOP]}"
    assert guard.problems() == []


@pytest.mark.parametrize(("term", "case_path"), [
    ("Parkinson", "/cases/parkinsons/"),            # condition name
    ("G20.A1", "/cases/parkinsons/"),               # its ICD-10-CM code
    ("osteoporosis", "/cases/osteoporosis/"),
    ("M17.11", "/cases/knee-osteoarthritis/"),
])
def test_search_finds_the_cases_of_a_condition_or_code(page, guard, term, case_path):
    page.goto("/", wait_until="networkidle")
    paths = search(page, term)
    assert case_path in paths, f"{term!r}: results = {paths}"
    assert guard.problems() == []


@pytest.mark.parametrize(("term", "path", "label"), [
    ("Parkinson", "/cases/parkinsons/", "Worked case"),
    ("osteoporosis", "/cases/osteoporosis/", "Worked case"),
    ("GP modifier", "/drills/drill-medicare-gp-modifier/", "Audit drill"),
])
def test_search_results_label_cases_and_drills(page, guard, term, path, label):
    """A worked case or a drill says what it is in the results (its page's front-matter tags)."""
    page.goto("/", wait_until="networkidle")
    assert path in search(page, term), term
    tags = page.eval_on_selector_all(
        ".md-search-result__list > .md-search-result__item",
        """items => items.map(li => [new URL(li.querySelector('a.md-search-result__link').href).pathname,
                                     [...li.querySelectorAll('.md-tag')].map(t => t.textContent.trim())])""")
    shown = {p: t for p, t in tags}
    assert label in shown[path], tags
    assert all(not t for p, t in tags if not p.startswith(("/cases/", "/drills/"))), tags
    assert guard.problems() == []
