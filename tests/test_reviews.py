"""Dated content an educator controls: a course's own reviews renew shipped rules and elements.

Eighteen months after a release, every shipped rule and element is past its review-by date.
The messages say, from the course's side, what to record; an educator who does what they
say gets a course that checks clean, even with --strict, and a site that shows the reviews.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from metdocs.catalog.reviews import a_year_after
from metdocs.files.course import new_course
from metdocs.release import RELEASED
from metdocs.site.pipeline import Project, check

from conftest import REPO

EIGHTEEN_MONTHS_LATER = (RELEASED.replace(day=1) + dt.timedelta(days=550)).replace(day=min(RELEASED.day, 28))
RECORD = re.compile(r"with this item under 'reviews:' in (\S+): (- \{id: [a-z0-9-]+, reviewed: \{by: \"YOUR NAME\", "
                    r"on: [0-9-]+, note: \"WHAT YOU CHECKED\"\}\})")


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "my-course"
    new_course(root, "Knee course")
    return root


def test_eighteen_months_on_every_shipped_entry_says_how_the_course_renews_it(course, run_cli, monkeypatch):
    assert (EIGHTEEN_MONTHS_LATER - RELEASED).days >= 540
    monkeypatch.setenv("METDOCS_TODAY", EIGHTEEN_MONTHS_LATER.isoformat())
    code, _, err = run_cli("check", cwd=course)
    assert code == 0
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    catalog = check(Project.for_config(course / "mkdocs.yml"), on=EIGHTEEN_MONTHS_LATER).catalog
    dated = {(kind, e.id) for kind, entries in (("rule", catalog.rules), ("element", catalog.elements),
                                                 ("measure", catalog.measures)) for e in entries if e.review_by}
    assert len(warnings) == len(dated) > 50
    for line in warnings:
        # at the course's own reviews file, never at the shipped file (in site-packages once installed)
        assert line.startswith("data/catalog/reviews.yaml: warning: expected the shipped "), line
        assert str(REPO) not in line and "site-packages" not in line and "_shipped" not in line
        assert RECORD.search(line), line
        assert "upgrade metdocs" in line
    code, _, err = run_cli("build", "--strict", "--site-dir", "site", cwd=course)
    assert code == 1 and "data/catalog/reviews.yaml: error: expected the shipped rule " in err


def test_doing_what_the_messages_say_makes_the_course_check_clean(course, run_cli, monkeypatch):
    monkeypatch.setenv("METDOCS_TODAY", EIGHTEEN_MONTHS_LATER.isoformat())
    _, _, err = run_cli("check", cwd=course)
    found = [RECORD.search(line) for line in err.splitlines() if ": warning: " in line]
    assert found and all(found)
    (target,) = {m.group(1) for m in found}
    records = sorted({m.group(2) for m in found})  # a rule and an element may share an id: one review renews both
    records = [r.replace("YOUR NAME", "J. Educator, MS").replace("WHAT YOU CHECKED", "Read the sources again")
               for r in records]
    (course / target).write_text("reviews:\n" + "".join(f"  {r}\n" for r in records), encoding="utf-8")
    code, _, err = run_cli("check", "--strict", cwd=course)
    assert code == 0 and "0 error(s), 0 warning(s)" in err, err
    code, out, _ = run_cli("rules", "--json", cwd=course)
    import json
    gp = next(r for r in json.loads(out) if r["id"] == "no-gp-modifier")
    assert gp["review_by"] == str(a_year_after(EIGHTEEN_MONTHS_LATER))
    assert gp["reviewed"] == {"by": "J. Educator, MS", "on": str(EIGHTEEN_MONTHS_LATER), "note": "Read the sources again"}


def test_a_review_renews_the_entry_for_a_year_and_the_site_says_who_reviewed_it(course):
    (course / "data" / "catalog" / "reviews.yaml").write_text(
        "reviews:\n  - id: no-gp-modifier\n"
        "    reviewed: {by: \"J. Educator, MS\", on: 2027-08-01, note: \"Checked the payer's 2027 policy: unchanged.\"}\n",
        encoding="utf-8")
    day = dt.date(2027, 9, 1)
    checked = check(Project.for_config(course / "mkdocs.yml"), on=day)
    assert checked.ok
    assert checked.catalog.rule("no-gp-modifier").review_by == dt.date(2028, 8, 1)
    assert checked.catalog.rule("private-payers-only").review_by == dt.date(2027, 6, 30)  # not reviewed: as shipped
    stale = {p.message.split("'")[1] for p in checked.problems if "past due" in p.message}
    assert "no-gp-modifier" not in stale and "private-payers-only" in stale
    from metdocs.pages.plan import plan
    from metdocs.pages.render import environment, render
    page = next(p for p in plan(checked.catalog) if p.path == "standards/index.md")
    text = render(environment(Project.for_config(course / "mkdocs.yml").page_template_folders()), page.template,
                  page.context, page=page.path)
    assert "Reviewed for this course by J. Educator, MS on 2027-08-01: Checked the payer" in text
    assert text.count("Reviewed for this course by") == 1


def test_a_review_past_a_year_asks_for_the_next_one_at_the_review(course):
    reviews = course / "data" / "catalog" / "reviews.yaml"
    reviews.write_text("reviews:\n  - id: no-gp-modifier\n    reviewed:\n      by: J. Educator\n      on: 2027-08-01\n"
                       "      note: Checked.\n", encoding="utf-8")
    problems = [str(p) for p in check(Project.for_config(course / "mkdocs.yml"), on=dt.date(2028, 8, 2)).problems
                if "no-gp-modifier" in p.message]
    assert problems == [f"{reviews}:5:7: warning: expected rule 'no-gp-modifier' to be reviewed by 2028-08-01, a year "
                        "after this course's review of 2027-08-01, found it past due (today is 2028-08-02); review it "
                        "again and change 'on' to the day you did"]


def test_review_records_are_checked(course):
    reviews = course / "data" / "catalog" / "reviews.yaml"
    reviews.write_text(
        "reviews:\n"
        "  - id: no-gp-modifer\n"
        "    reviewed: {by: A, on: 2027-01-01, note: typo in the id}\n"
        "  - id: home-program\n"
        "    reviewed: {by: A, on: 2027-03-01, note: a day after today}\n"
        "  - id: home-program\n"
        "    reviewed: {by: A, on: 2027-01-01, note: twice}\n", encoding="utf-8")
    errors = [str(p) for p in check(Project.for_config(course / "mkdocs.yml"), on=dt.date(2027, 2, 28)).problems
              if p.is_error]
    assert errors == [
        f"{reviews}:2:5: error: expected the id of a rule, documentation element or measure to review, found "
        "'no-gp-modifer', which is none of them; did you mean 'no-gp-modifier'?",
        f"{reviews}:5:23: error: expected the review's date ('on') to be today or earlier, found 2027-03-01 "
        "(today is 2027-02-28)",
        f"{reviews}:6:5: error: expected one review of 'home-program', found a second (the first is at {reviews}:4:5); "
        "keep the latest and remove the other",
    ]


def test_a_project_s_own_stale_rule_is_reported_at_its_review_by_line(tiny_project):
    rules = tiny_project / "data" / "catalog" / "catalog.yaml"
    line = next(n for n, text in enumerate(rules.read_text().splitlines(), 1) if text.strip().startswith("review_by:"))
    problems = [p for p in check(Project.for_config(tiny_project / "mkdocs.yml"), on=dt.date(2031, 1, 1)).problems
                if "past due" in p.message]
    assert problems and all(p.where.line == line for p in problems[:1])
    assert "move review_by forward" in problems[0].message


def test_a_year_after():
    assert a_year_after(dt.date(2027, 7, 1)) == dt.date(2028, 7, 1)
    assert a_year_after(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_a_measure_can_be_reviewed_and_a_dated_one_renewed(course):
    """Shipped measures carry no review-by date; a course's own (or replacing) one may, and a review renews it."""
    catalog = course / "data" / "catalog"
    (catalog / "reviews.yaml").write_text(
        "reviews:\n  - id: tug\n    reviewed: {by: J. Educator, on: 2027-08-01, note: Cut-offs re-read.}\n",
        encoding="utf-8")
    checked = check(Project.for_config(course / "mkdocs.yml"), on=dt.date(2027, 9, 1))
    assert checked.ok, [str(p) for p in checked.problems if p.is_error]
    assert checked.catalog.measure("tug").review_by == dt.date(2028, 8, 1)
    from metdocs.pages.plan import plan
    from metdocs.pages.render import environment, render
    page = next(p for p in plan(checked.catalog) if p.path == "measures/tug.md")
    text = render(environment(Project.for_config(course / "mkdocs.yml").page_template_folders()), page.template,
                  page.context, page=page.path)
    assert "*Review by 2028-08-01*" in text and "Reviewed for this course by J. Educator on 2027-08-01" in text
    problems = [str(p) for p in check(Project.for_config(course / "mkdocs.yml"), on=dt.date(2028, 8, 2)).problems
                if "tug" in p.message]
    assert len(problems) == 1 and "expected measure 'tug' to be reviewed by 2028-08-01" in problems[0]
