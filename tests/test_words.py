"""What a course student reads (issue 24): one name for each concept, no field paths in the
feedback, labelled cases in search, and link texts that are words.

Every check reads what reaches the student: the visible text of the built site (text outside
script, style and template elements, so the drill data JSON attributes may keep their ids),
`metdocs --help` of every command, and README.md.
"""

from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO

BANNED = {
    r"service lines?": "claim line",
    r"line items?": "claim line",
    r"claim rows?": "claim line",
    r"billing lines?": "claim line",
    r"dx[ -]pointers?": "diagnosis pointer",
    r"icd(?:-?10)?(?:-cm)?[ -]pointers?": "diagnosis pointer",
    r"per-code rule": "per-code (midpoint) rule",
    r"ama (?:per-code |midpoint )?rule": "per-code (midpoint) rule",
    r"8-minute-rule rule|eight-minute rule": "CMS 8-minute rule",
}
"""Names a student must not meet (regex, case-insensitive) -> the one name the site uses."""
BANNED_RE = re.compile("|".join(f"(?:{p})" for p in BANNED), re.I)

FIELD_PATH = re.compile(r"\b[a-z]+(?:_[a-z]+)*\[\]|\[\]\.|\b(?:sessions|activities|claim|diagnoses|measures)\[|"
                        r"\b[a-z]+_[a-z]+(?:_[a-z]+)*\b")
"""A case or record field path in prose: `activities[].minutes`, `sessions[2]`, `sent_to_why`."""


class _Visible(HTMLParser):
    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in self.HIDDEN

    def handle_endtag(self, tag):
        self.depth -= tag in self.HIDDEN

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(path: Path) -> str:
    """The text a reader sees on a built page (whitespace collapsed)."""
    v = _Visible()
    v.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(v.parts).split())


def _pages(site: Path, *folders: str) -> list[Path]:
    return sorted(p for f in folders for p in (site / f).rglob("*.html"))


def _hits(pattern: re.Pattern, text: str) -> list[str]:
    return [text[max(0, m.start() - 60):m.end() + 20] for m in pattern.finditer(text)]


def test_the_banned_names_match_what_they_should():
    # The scan below is only as good as its patterns: each must catch its word and spare the one name.
    for bad in ("Item 24: service lines", "a line item", "the dx pointer", "ICD-10 pointer", "the per-code rule",
                "the AMA rule", "AMA midpoint rule"):
        assert BANNED_RE.search(bad), bad
    for good in ("claim line 2", "diagnosis pointer", "the per-code (midpoint) rule", "the CMS 8-minute rule",
                 "rule 'ama-midpoint-rule'"):
        assert not BANNED_RE.search(good), good


def test_one_name_for_each_concept_in_the_built_site(site):
    found = {str(p.relative_to(site)): _hits(BANNED_RE, visible_text(p)) for p in _pages(site, ".")}
    assert {p: h for p, h in found.items() if h} == {}


def test_one_name_for_each_concept_in_readme_and_cli_help(run_cli):
    import argparse
    from metdocs.cli.main import parser
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    commands = list(sub.choices)
    assert {"build", "units", "check", "fill"} <= set(commands)
    texts = {"README.md": (REPO / "README.md").read_text(encoding="utf-8")}
    for cmd in [None, *commands]:
        code, out, err = run_cli(*([cmd] if cmd else []), "--help")
        assert code == 0, (cmd, err)
        texts[f"metdocs {cmd or ''} --help"] = out
    assert {k: _hits(BANNED_RE, " ".join(t.split())) for k, t in texts.items() if BANNED_RE.search(t)} == {}


def test_no_field_path_reaches_what_a_student_reads(site):
    assert FIELD_PATH.search("expected session 's2' to show minutes (activities[].minutes)")
    assert FIELD_PATH.search("a reason it went elsewhere (sent_to_why)")
    assert not FIELD_PATH.search("Session s2 (2026-03-12): the minutes of each exercise row are missing")
    pages = _pages(site, "cases", "drills", "practice", "forms")
    assert len(pages) > 20
    found = {str(p.relative_to(site)): _hits(FIELD_PATH, visible_text(p)) for p in pages}
    assert {p: h for p, h in found.items() if h} == {}


def test_practice_index_link_texts_are_words(site):
    html = (site / "practice" / "index.html").read_text(encoding="utf-8")
    article = html[html.index('<article'):html.index('</article>')]
    links = re.findall(r'<a href="([^"#]+)"[^>]*>(.*?)</a>', article, re.S)
    texts = [re.sub(r"<[^>]+>", "", t).strip() for _, t in links]
    assert texts == ["Worked cases", "Audit drills", "Claim builder", "Practice set", "My progress",
                     "student packet", "instructor packet"]
    for href, text in links:
        target = (site / "practice" / href).resolve()
        assert (target / "index.html").is_file() or target.is_file(), (href, text)
        assert not re.search(r"\.md\b|/|\\|index", text), text


def _book(site: Path) -> dict:
    import json
    text = (site / "assets" / "javascripts" / "book.js").read_text(encoding="utf-8")
    return json.loads(text.split("window.metdocsBook = ", 1)[1].strip().removesuffix(";"))


def test_every_rule_a_checker_reports_links_to_pages_that_exist(site, catalog):
    from metdocs.rules.audit.core import ENFORCED, SESSION_LOG
    from metdocs.rules.audit.records import RECORD_RULES
    from metdocs.rules.sessionlog import ELEMENT_FIELDS
    explain = _book(site)["explain"]
    elements = {e.id for e in catalog.elements if SESSION_LOG in e.required_in and e.id in ELEMENT_FIELDS}
    reportable = set(RECORD_RULES) | {r.id for r in catalog.rules if r.id in ENFORCED} | elements
    # and whatever a web form's completeness check names: any catalog rule or element
    reportable |= {r.id for r in catalog.rules} | {e.id for e in catalog.elements}
    assert reportable - set(explain) == set()
    ids: dict[Path, set] = {}
    for rule in sorted(reportable):
        links = explain[rule]
        assert links[0]["text"] == "Read the rule" and links[0]["href"].startswith("standards/#"), rule
        for link in links:
            page, _, at = link["href"].partition("#")
            path = site / page / "index.html" if page.endswith("/") or not page else site / page
            assert path.is_file(), (rule, link)
            if path not in ids:
                ids[path] = set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))
            assert not at or at in ids[path], (rule, link)
    # The family pages, decided once in pages/explain.py:
    assert [x["href"] for x in explain["cms-8-minute-rule"][1:]] == ["units/#cms-rule"]
    assert [x["href"] for x in explain["ama-midpoint-rule"][1:]] == ["units/#per-code-rule"]
    assert [x["href"] for x in explain["icd10-link-per-cpt"][1:]] == ["pairing/"]
    assert [x["href"] for x in explain["medexpro-codes-only"][1:]] == ["scope/"]
    assert explain["exercise-rationale"][1:] == []


def test_search_results_label_each_worked_case_and_drill(site):
    """Material's search plugin copies a page's front-matter `tags` into every entry of that page in
    the search index, and its results show them: a case or drill is labelled as such."""
    import json
    from metdocs.pages.casepages import SEARCH_TAGS
    from metdocs.site.pipeline import Project, check
    cases = check(Project.at(REPO)).cases
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    want = {f"{'cases' if c.kind == 'worked' else 'drills'}/{c.id}/": SEARCH_TAGS[c.kind] for c in cases}
    assert set(SEARCH_TAGS.values()) == {"Worked case", "Audit drill"} and len(want) > 20
    seen = set()
    for d in docs:
        page = d["location"].partition("#")[0]
        if page in want:
            assert d.get("tags") == [want[page]], d["location"]
            seen.add(page)
        else:  # the index pages and every other page carry no such label
            assert not set(d.get("tags", [])) & set(SEARCH_TAGS.values()), d["location"]
    assert seen == set(want)


def test_a_session_tables_columns_carry_the_names_the_findings_use(site, catalog):
    """A drill's finding names a missing rationale by the catalog element's name; the record's
    exercise table heads that column with the same name (one name per field)."""
    from metdocs.pages.casepages import COLUMNS
    names = {e.id: e.name for e in catalog.elements}
    heads = [f"<th>{htmllib.escape(names[element], quote=True)}</th>" for element, _ in COLUMNS.values()]
    pages = [p for p in (site / "cases").glob("*/index.html") if "_" not in p.parent.name]
    pages += [p for p in (site / "drills").glob("*/index.html") if "_" not in p.parent.name]
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert all(h in text for h in heads), page
        assert "Why (rationale)" not in text, page
