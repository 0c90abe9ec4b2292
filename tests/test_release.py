"""The release: its date holds the shipped review-by dates to half a year ahead.

A course made from a release must not start warning about the shipped catalog within six months
of it. The release process (README.md, "Releasing") renews what is due before it sets the date;
this test is what fails when it did not.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from metdocs.release import RELEASED, REVIEW_MARGIN_DAYS, VERSION

from conftest import REPO


def due_too_soon(catalog, released: dt.date, margin_days: int) -> list[str]:
    """Every dated rule, element and measure whose review-by date is less than `margin_days` after `released`."""
    limit = released + dt.timedelta(days=margin_days)
    return [f"{kind} {e.id}: review by {e.review_by}, before {limit}"
            for kind, entries in (("rule", catalog.rules), ("element", catalog.elements), ("measure", catalog.measures))
            for e in entries if e.review_by is not None and e.review_by < limit]


def test_every_shipped_review_by_date_is_half_a_year_past_the_release(catalog):
    assert REVIEW_MARGIN_DAYS == 180
    assert due_too_soon(catalog, RELEASED, REVIEW_MARGIN_DAYS) == [], (
        f"renew these before releasing {VERSION} (README.md, 'Releasing'), or they expire under the courses")


def test_the_check_finds_an_entry_due_too_soon(catalog):
    rule = catalog.rules[0]
    soon = dataclasses.replace(catalog, rules=(dataclasses.replace(rule, review_by=RELEASED + dt.timedelta(days=179)),
                                               *catalog.rules[1:]))
    assert due_too_soon(soon, RELEASED, REVIEW_MARGIN_DAYS) == [
        f"rule {rule.id}: review by {RELEASED + dt.timedelta(days=179)}, before {RELEASED + dt.timedelta(days=180)}"]


def test_the_readme_describes_the_release_process_with_the_same_numbers():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Releasing", 1)[1].split("\n## ", 1)[0]
    assert "generator/release.py" in section and "RELEASED" in section and "VERSION" in section
    assert f"{REVIEW_MARGIN_DAYS} days" in section
    assert re.search(r"tests/test_release\.py", section)
