"""Dated content: review-by dates, and the reviews a course records to renew shipped ones.

Every rule and documentation element (and an outcome measure that has one) says when someone
must check it against its sources again (`review_by`); past it, `check` warns (an error with
--strict). A course cannot edit the catalog that ships with metdocs, so it records its own
review instead, in any of its catalog files:

    reviews:
      - id: no-gp-modifier
        reviewed: {by: "J. Educator, MS", on: 2027-07-01, note: "Checked against ..."}

A review renews the entry for this course's site until a year after its date (`renew`, run
when the catalog is assembled, so every page and command sees the renewed date), and the
entry's page shows who reviewed it and what they checked. Each metdocs release renews the dates
it ships (README.md, "Releasing"), so an upgrade renews them too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from metdocs.catalog.model import Catalog
from metdocs.errors import Location, Problem, did_you_mean, display_path

DATED = {"rules": "rule", "elements": "element", "measures": "measure"}
"""The catalog lists whose entries carry a review-by date a review can renew, and what one is called."""


def a_year_after(day: dt.date) -> dt.date:
    """The same day a year later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def renew(cat: Catalog) -> Catalog:
    """The catalog with each reviewed entry's review_by moved to a year after its review (never earlier
    than it was). Reviews of unknown ids are left for `check_reviews` to report."""
    by_id = {r.id: r for r in cat.reviews}
    if not by_id:
        return cat
    changed = {}
    for name in DATED:
        entries = []
        for e in getattr(cat, name):
            review = by_id.get(e.id)
            if review is not None:
                until = a_year_after(review.reviewed.on)
                if e.review_by is None or until > e.review_by:
                    e = dataclasses.replace(e, review_by=until)
            entries.append(e)
        changed[name] = tuple(entries)
    return dataclasses.replace(cat, **changed)


def check_reviews(cat: Catalog, today: dt.date) -> Iterator[Problem]:
    """Reviews of ids no dated list of the catalog has, reviews dated after today, and an id reviewed twice."""
    known = {e.id for name in DATED for e in getattr(cat, name)}
    first: dict[str, Location] = {}
    for r in cat.reviews:
        if r.id not in known:
            yield Problem(r.where, f"expected the id of a rule, documentation element or measure to review, found "
                                   f"'{r.id}', which is none of them{did_you_mean(r.id, known)}")
        if r.reviewed.on > today:
            yield Problem(r.reviewed.where.key("on"), f"expected the review's date ('on') to be today or earlier, "
                                                      f"found {r.reviewed.on} (today is {today})")
        if r.id in first:
            yield Problem(r.where, f"expected one review of '{r.id}', found a second (the first is at {first[r.id]}); "
                                   "keep the latest and remove the other")
        first.setdefault(r.id, r.where)


def stale(cat: Catalog, today: dt.date, strict: bool, reviews_file: Path | None = None) -> Iterator[Problem]:
    """Rules, elements and measures past their review-by date.

    A project's own entry is reported at its file, to move its review_by forward. An entry a
    course takes from the shipped catalog is reported where the course records its review
    (`reviews_file`, or at the review it already recorded), with the record to add: the
    shipped file is never the place to fix it.
    """
    severity = "error" if strict else "warning"
    for name, kind in DATED.items():
        for e in getattr(cat, name):
            if e.review_by is None or e.review_by >= today:
                continue
            review = cat.review(e.id)
            if review is not None:
                yield Problem(review.reviewed.where.key("on"),
                              f"expected {kind} '{e.id}' to be reviewed by {e.review_by}, a year after this course's "
                              f"review of {review.reviewed.on}, found it past due (today is {today}); review it again "
                              "and change 'on' to the day you did", severity)
            elif (name, e.id) in cat.shipped and reviews_file is not None:
                yield Problem(Location.of(reviews_file), shipped_fix(kind, e, today, reviews_file), severity)
            else:
                yield Problem(e.where.key("review_by"), f"expected {kind} '{e.id}' to be reviewed by {e.review_by}, "
                                                        f"found it past due (today is {today}); check its sources and "
                                                        "move review_by forward", severity)


def shipped_fix(kind: str, entry, today: dt.date, reviews_file: Path) -> str:
    """What to do about a shipped entry past its review-by date, from the course's side."""
    return (f"expected the shipped {kind} '{entry.id}' to be reviewed by {entry.review_by}, found it past due (today "
            f"is {today}); check it against its sources (metdocs rules lists them), then renew it for this course "
            f"with this item under 'reviews:' in {display_path(reviews_file)}: "
            f'- {{id: {entry.id}, reviewed: {{by: "YOUR NAME", on: {today}, note: "WHAT YOU CHECKED"}}}} '
            "(or upgrade metdocs: each release renews what it ships)")
