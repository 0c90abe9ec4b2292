"""Incremental generation (site/memo.py): an edit works out again only what it touched.

Each test asserts the mechanism, never a time: which case files a generation read again
(`Generated.screened`) and which pages it rendered again (`Generated.rendered`), and that the
result is byte for byte what a generation from scratch makes.
"""

from __future__ import annotations

import re

import pytest

from metdocs.files.project import Project
from metdocs.site.memo import Memo
from metdocs.site.pipeline import generate

pytestmark = pytest.mark.slow


def _retitle(path, word: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: ([\"']?)", rf"title: \g<1>{word} ", text, count=1), encoding="utf-8")


def _fresh(root):
    return generate(Project.at(root)).files


@pytest.fixture
def memo_run(shipped_copy):
    memo = Memo()
    project = Project.at(shipped_copy)
    return shipped_copy, (lambda: generate(project, memo=memo))


def test_a_first_run_does_everything_and_a_second_nothing(memo_run):
    root, run = memo_run
    first = run()
    cases = sorted((root / "data" / "cases").glob("*.yaml"))
    assert sorted(first.screened) == cases
    assert set(first.rendered) == set(first.files)  # every page, and the forms' files
    again = run()
    assert again.screened == () and again.rendered == ()
    assert again.files == first.files


def test_a_title_edit_reworks_that_case_and_the_pages_that_list_it(memo_run):
    root, run = memo_run
    run()
    case = root / "data" / "cases" / "post-tka-clean.yaml"
    _retitle(case, "Edited")
    after = run()
    assert after.screened == (case,)  # one file read, privacy-scanned and audited again
    # the case's page, the index listing it, and the packets' tables of contents; nothing else
    assert set(after.rendered) == {"cases/post-tka-clean.md", "cases/index.md",
                                   "print/student/index.md", "print/instructor/index.md"}
    assert "Edited Back to the stairs" in after.files["cases/post-tka-clean.md"]
    assert after.files == _fresh(root)


def test_an_edit_that_no_index_shows_reworks_the_case_page_alone(memo_run):
    root, run = memo_run
    before = run()
    case = root / "data" / "cases" / "knee-osteoarthritis.yaml"
    text = case.read_text(encoding="utf-8")
    assert "in the garden" in text
    case.write_text(text.replace("in the garden", "in the allotment", 1), encoding="utf-8")
    after = run()
    assert after.screened == (case,) and after.rendered == ("cases/knee-osteoarthritis.md",)
    # the packets print the case page's HTML: they say so, for serve (site/serve/dirty.py)
    assert "cases/knee-osteoarthritis.md" in after.depends["print/student/index.md"]
    assert after.files["print/student/index.md"] is before.files["print/student/index.md"]
    assert after.files == _fresh(root)


def test_a_drill_edit_reworks_its_page_the_drills_index_my_progress_and_the_set_page(memo_run):
    root, run = memo_run
    run()
    drill = root / "data" / "cases" / "drill-pt-codes.yaml"
    _retitle(drill, "Edited")
    after = run()
    assert after.screened == (drill,)
    # practice/set.md: the set page lists every drill's title (and the packets' sets may print it).
    assert set(after.rendered) == {"drills/drill-pt-codes.md", "drills/index.md", "practice/progress.md",
                                   "practice/set.md", "print/student/index.md", "print/instructor/index.md"}
    assert after.files == _fresh(root)


def test_in_volumes_a_drill_edit_reworks_its_own_volume_and_the_index_pages_alone(memo_run, monkeypatch):
    """Only an edition's own page lists the practice sets, whose drills a title edit may change, so
    the other volumes stay as they were."""
    from metdocs.pages import volumes
    from metdocs.rules.practiceset import COURSE_SETS, series
    monkeypatch.setattr(volumes, "VOLUME_BYTES", 150_000)
    root, run = memo_run
    first = run()
    drills = sorted(p.removeprefix("drills/").removesuffix(".md") for p in first.files
                    if re.match(r"drills/[a-z0-9-]+\.md$", p) and p != "drills/index.md")
    listed = next(i["id"] for i in series(*COURSE_SETS[0], drills, True) if i["kind"] == "drill")
    drill = root / "data" / "cases" / f"{listed}.yaml"
    holding = {p for p, text in first.files.items() if re.match(r"print/\w+/volume-\d+\.md$", p)
               and f"drills/{listed}.md" in text}
    assert len([p for p in first.files if "/volume-" in p]) > 2 * len(holding) > 0
    _retitle(drill, "Edited")
    after = run()
    printed = {p for p in after.rendered if p.startswith("print/")}
    assert printed == holding | {"print/student/index.md", "print/instructor/index.md"}
    assert after.files == _fresh(root)


def test_adding_and_removing_a_case(memo_run):
    root, run = memo_run
    run()
    cases = root / "data" / "cases"
    new = cases / "knee-twin.yaml"
    new.write_text((cases / "knee-osteoarthritis.yaml").read_text(encoding="utf-8")
                   .replace("id: knee-osteoarthritis", "id: knee-twin", 1), encoding="utf-8")
    added = run()
    assert added.screened == (new,)
    assert "cases/knee-twin.md" in added.rendered and "cases/index.md" in added.rendered
    assert "cases/knee-osteoarthritis.md" not in added.rendered
    assert added.files == _fresh(root)
    (cases / "post-tka-clean.yaml").unlink()
    removed = run()
    assert removed.screened == ()
    assert "cases/post-tka-clean.md" not in removed.files and "cases/index.md" in removed.rendered
    assert removed.files == _fresh(root)


def test_a_catalog_or_template_edit_reworks_everything(memo_run):
    root, run = memo_run
    run()
    rules = root / "data" / "catalog" / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = run()
    assert len(after.screened) == len(list((root / "data" / "cases").glob("*.yaml")))
    assert set(after.rendered) == set(after.files)
    template = root / "templates" / "pages" / "case.md.j2"
    template.write_text(template.read_text(encoding="utf-8").replace("Worked case:", "A worked case:"),
                        encoding="utf-8")
    again = run()
    assert "A worked case:" in again.files["cases/post-tka-clean.md"]
    assert set(again.rendered) == set(again.files)
    assert again.files == _fresh(root)


def test_a_bad_edit_is_reported_and_fixing_it_reworks_that_case_alone(memo_run):
    from metdocs.errors import DataError
    root, run = memo_run
    run()
    case = root / "data" / "cases" / "osteoporosis.yaml"
    good = case.read_text(encoding="utf-8")
    case.write_text(re.sub(r"(?m)^title: \"", 'title: "Call 555-123-4567. ', good, count=1), encoding="utf-8")
    with pytest.raises(DataError) as raised:
        run()
    assert "osteoporosis.yaml" in str(raised.value) and "phone number" in str(raised.value)
    case.write_text(good, encoding="utf-8")
    fixed = run()
    assert fixed.screened == (case,)
    assert fixed.files == _fresh(root)
