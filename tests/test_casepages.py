"""Tests for metdocs.pages.casepages: worked-case and drill pages and the print editions.

They render the shipped data (data/cases/, data/catalog/) with the shipped templates, so a
template that drops an answer, leaks one into the student packet, or types a number by hand
fails here. The last tests check the case-kind validation in metdocs.cases.model.
"""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest
from markupsafe import escape

from metdocs.rules import prose

from metdocs import escape as escaping
from metdocs.pages import render
from metdocs.rules.audit.core import case_findings
from metdocs.pages.casepages import case_pages, case_path, packet_pages
from metdocs.cases.read import _kind_rules
from metdocs.catalog.icd import code_set
from metdocs.pages.packets import ANSWER_END, ANSWER_START
from metdocs.site.pipeline import Project, check
from metdocs.rules.units import allocate

REPO = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def checked():
    result = check(Project.at(REPO))
    assert result.ok, "shipped data must check clean:\n" + "\n".join(map(str, result.problems))
    return result


@pytest.fixture(scope="module")
def icd():
    return code_set()


def _render_all(catalog, cases, icd) -> dict[str, str]:
    """The case and drill pages, their indexes and the print packets, rendered as the pipeline does."""
    env = render.environment(REPO / "templates" / "pages")
    views: dict = {}
    out = {p.path: render.render(env, p.template, p.context, page=p.path)
           for p in case_pages(catalog, cases, icd, views=views)}
    packets, _ = packet_pages(catalog, cases, views, {k: len(v) for k, v in out.items()})
    return {**out, **{p.path: render.render(env, p.template, p.context, page=p.path) for p in packets}}


@pytest.fixture(scope="module")
def site(checked, icd) -> dict[str, str]:
    return _render_all(checked.catalog, checked.cases, icd)


def _worked(checked):
    return [c for c in checked.cases if c.kind == "worked"]


def _drills(checked):
    return [c for c in checked.cases if c.kind == "drill"]


ANSWER_OPEN = '<details class="success metdocs-answer"><summary>Answer</summary>'


def _answer_block(text: str) -> str:
    """The body of the first (collapsed) `Answer` block; raw HTML, see partials/drill_answer.md.j2."""
    m = re.search(re.escape(ANSWER_OPEN) + r"(.*?)</details>", text, re.S)
    assert m, "no Answer block"
    return m.group(1)


def _shown(value) -> str:
    """A value as raw HTML shows it (escaping.html_value, then autoescape)."""
    return str(escape(escaping.html_value(value)))


def _said(case, text, checked) -> str:
    """Case prose as the page shows it: its placeholders filled from the engine (prose.py)."""
    return prose.fill(text, prose.facts(case, checked.catalog))


def _findings(case, checked, icd) -> list[str]:
    found = case_findings(case, checked.catalog, icd)
    return [f.problem.message for b in case.expected_breaches for f in found
            if f.problem.rule == b.rule and f.session == b.session]


def test_shipped_data_has_both_kinds(checked):
    assert _worked(checked), "expected at least one worked case"
    assert _drills(checked), "expected at least one drill"


def test_every_case_and_drill_has_a_page(checked, site):
    for case in checked.cases:
        path = case_path(case)
        assert path == f"{'drills' if case.kind == 'drill' else 'cases'}/{case.id}.md"
        assert path in site, path
        assert escaping.md_text(case.title) in site[path]
    for path in ("cases/index.md", "drills/index.md", *(f"print/{e}/{p}.md" for e in ("student", "instructor")
                                                       for p in ("index",))):
        assert path in site, path


def test_drill_answer_lists_exactly_the_declared_breaches_collapsed(checked, site, icd):
    for case in _drills(checked):
        page = site[case_path(case)]
        assert page.count("<summary>Answer</summary>") == 1
        assert ANSWER_OPEN in page and '<p class="admonition-title">Answer</p>' not in page, case.id
        block = _answer_block(page)
        items = re.findall(r"<li><strong>", block)
        assert len(items) == len(case.expected_breaches), case.id
        rules = {r.id: r for r in case_catalog_rules(checked)}
        for b in case.expected_breaches:
            assert f"<li>Lesson: {_shown(_said(case, b.note, checked))}</li>" in block, (case.id, b.rule)
            if b.rule in rules:
                assert f">{_shown(rules[b.rule].title)}</a></strong>" in block
        messages = _findings(case, checked, icd)
        assert len(messages) >= len(case.expected_breaches)
        for m in messages:
            assert f"<li>Engine finding: {_shown(m)}</li>" in block, (case.id, m)
        # the answer is the last thing on the page, between the packets' answer markers
        assert page.index(ANSWER_START) < page.index(ANSWER_OPEN) < page.index(ANSWER_END), case.id
        # ...and nowhere before it but in the interactive audit's data, which no packet prints (packets.py)
        from metdocs.pages.packets import WEB_END, WEB_START
        before = page[:page.index(WEB_START)] + page[page.index(WEB_END):page.index(ANSWER_OPEN)]
        for b in case.expected_breaches:
            assert _shown(_said(case, b.note, checked)) not in before


def case_catalog_rules(checked):
    return checked.catalog.rules


def test_packet_pages_carry_a_slot_per_case_and_a_table_of_contents(checked, site):
    """The shipped cases fit one volume: each edition's page holds every case's slot, which the
    plugin fills (packets.fill), and a contents table linking each slot's anchor."""
    from metdocs.pages.packets import slot
    for edition in ("student", "instructor"):
        page = site[f"print/{edition}/index.md"]
        contents = page.split("## Contents")[1].split("## Worked cases and audit drills")[0]
        for case in checked.cases:
            assert f"\n{slot(case_path(case), case.id)}\n" in page, (edition, case.id)
            assert f"<a href=\"#packet-{case.id}\">{escape(case.title)}</a>" in contents, (edition, case.id)
        assert page.count('class="metdocs-packet-item"') == len(checked.cases)
    assert "answers are in the instructor edition" in site["print/student/index.md"]


def test_print_pages_hide_navigation_and_toc(site):
    for path, text in site.items():
        if path.startswith("print/"):
            assert text.startswith("---\nhide:\n  - navigation\n  - toc\n"), path


def test_case_page_numbers_equal_the_units_engine(checked, site):
    cat = checked.catalog
    for case in _worked(checked):
        page = site[case_path(case)]
        sections = re.split(r"^### Session ", page, flags=re.M)[1:]
        assert len(sections) == len(case.sessions) >= 3
        for s, text in zip(case.sessions, sections):
            assert text.startswith(f"{s.id}:")
            minutes: dict[str, int] = {}
            for a in s.activities:
                minutes[a.cpt] = minutes.get(a.cpt, 0) + a.minutes
            for line in s.claim:
                minutes.setdefault(line.cpt, 0)
            other = "ama" if case.payer.unit_rule == "cms" else "cms"
            for rule, label in ((case.payer.unit_rule, "(this payer's rule)"), (other, "(for contrast)")):
                alloc = allocate(minutes, cat.is_timed, rule)
                # The session record is raw HTML (see partials/case_record.md.j2).
                rows = [r for r in re.findall(r"<tr>(.*?)</tr>", text.split("\n### ", 1)[0]) if label in r]
                assert len(rows) == 1, (case.id, s.id, rule, rows)
                row = rows[0]
                cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)]
                assert len(cells) == 3, (case.id, s.id, rule, row)
                shown = ", ".join(f"{c} × {u}" for c, u in alloc.units.items())
                assert cells[1] == shown, (case.id, s.id, rule, row)
                assert cells[2] == str(alloc.total_units), (case.id, s.id, rule, row)
                summary = f"<summary>{'How the engine got there' if rule == case.payer.unit_rule else 'For contrast'}: "
                steps = re.findall(r"<li>(.*?)</li>", text.split(summary, 1)[1].split("</ol>", 1)[0])
                assert steps == [str(escape(step)) for step in alloc.explanation], (case.id, s.id, rule)
            assert f"{sum(minutes.values())} minutes logged" in text
            billed = sum(ln.units for ln in s.claim)
            assert f"billed {billed} units" in text
        assert '<details class="note"><summary>' in page and "??? note" not in page


def test_index_lists_every_case_with_its_codes(checked, site):
    index = site["cases/index.md"]
    rows = [r for t in re.findall(r'<table><caption>Worked cases: .*?</table>', index) for r in t.split("<tr>")]
    for case in _worked(checked):
        # one row per case, linked in the site's URL style (raw HTML: casepages.page_context's url)
        row = next((r for r in rows if f'<a href="{case.id}/">' in r), None)
        assert row, case.id
        for d in case.referral.diagnoses:
            assert d.code in row, (case.id, d.code)
        for code in {ln.cpt for s in case.sessions for ln in s.claim}:
            assert code in row, (case.id, code)
        find_cpt = index.split("## Find a case by CPT code")[1].split("## Find a case by ICD-10-CM code")[0]
        find_icd = index.split("## Find a case by ICD-10-CM code")[1]
        # one link a line: each code a list item, each case a list item below it
        for code in {ln.cpt for s in case.sessions for ln in s.claim}:
            assert re.search(rf"^- \*\*{code}\*\*\n(    - .*\n)*    - \[.*\]\(\.\./{re.escape(case_path(case))}\)$",
                             find_cpt, re.M)
        for d in case.referral.diagnoses:
            assert re.search(rf"^- \*\*{re.escape(d.code)}\*\* .*\n(    - .*\n)*    - \[.*\]\(\.\./{re.escape(case_path(case))}\)$",
                             find_icd, re.M)
    drills = site["drills/index.md"]
    for case in _drills(checked):
        assert f'<a href="{case.id}/">' in drills


def test_case_page_is_searchable_by_codes_and_condition(checked, site):
    dx = {d.code: d for d in checked.catalog.diagnoses}
    cats = {c.id: c.name for c in checked.catalog.categories}
    for case in _worked(checked):
        page = site[case_path(case)]
        assert "search:\n  boost:" in page.split("---")[1]
        for d in case.referral.diagnoses:
            assert d.code in page
            if d.code in dx:
                assert _shown(cats[dx[d.code].category]) in page  # raw HTML (case_record.md.j2)
        for code in {a.cpt for s in case.sessions for a in s.activities}:
            assert code in page


def test_hostile_summary_renders_escaped(checked, icd):
    case = _worked(checked)[0]
    # The summary is Markdown; payable and the session log are raw HTML (case_record.md.j2).
    forged = "\x02wzxhzdk:0\x03"  # Python-Markdown's placeholder for stashed raw HTML
    session = dataclasses.replace(case.sessions[0], response=f"Fine {HOSTILE} {forged} & <b>bold</b>",
                                  activities=(dataclasses.replace(case.sessions[0].activities[0],
                                                                  description="</td></tr></table></div>\n\n# Hi"),
                                              *case.sessions[0].activities[1:]))
    bad = dataclasses.replace(case, summary=f"Client story {HOSTILE} ends.",
                              payable=(HOSTILE, *case.payable), sessions=(session, *case.sessions[1:]))
    pages = _render_all(checked.catalog, [bad, *[c for c in checked.cases if c is not case]], icd)
    for path in (case_path(bad),):
        page = pages[path]
        assert "<script>" not in page and "<b>" not in page and "\x02" not in page, path
        assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3, path
        assert "Fine &lt;script&gt;alert(1)&lt;/script&gt; wzxhzdk:0 &amp; &lt;b&gt;bold&lt;/b&gt;" in page
        assert "<td>&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;/div&gt; # Hi</td>" in page


def test_kind_rules(checked):
    worked, drill = _worked(checked)[0], _drills(checked)[0]
    assert list(_kind_rules(worked)) == [] and list(_kind_rules(drill)) == []
    msgs = [p.message for p in _kind_rules(dataclasses.replace(drill, prompt=None, expected_breaches=()))]
    assert any("expected a drill to have a prompt" in m and "found none" in m for m in msgs)
    assert any("at least 1 expected breach, found 0" in m for m in msgs)
    msgs = [p.message for p in _kind_rules(dataclasses.replace(
        worked, payable=(), denied_if=(), sessions=worked.sessions[:2]))]
    assert any("'payable'" in m for m in msgs) and any("'denied_if'" in m for m in msgs)
    assert any("at least 3 sessions, found 2" in m for m in msgs)
    msgs = [p.message for p in _kind_rules(dataclasses.replace(worked, expected_breaches=drill.expected_breaches))]
    assert msgs == [f"expected a worked case to declare no expected breaches, found {len(drill.expected_breaches)}; "
                    "make it 'kind: drill' or fix the record"]
    # at the key that is wrong, not at the case's first line
    assert [p.where for p in _kind_rules(dataclasses.replace(worked, payable=()))] == [worked.where.key("payable")]
    assert worked.where.key("payable").line > worked.where.line


@pytest.mark.slow
@pytest.mark.parametrize("offline", [False, True], ids=["directory-urls", "offline-file-urls"])
def test_every_link_on_case_and_drill_pages_resolves(tmp_path, offline):
    """Raw HTML parts of a case page are not rewritten by MkDocs: every relative link must still land."""
    from urllib.parse import unquote

    from metdocs.cli.main import main
    out = tmp_path / "site"
    args = ["build", "--config", str(REPO / "mkdocs.yml"), "--site-dir", str(out)] + (["--offline"] if offline else [])
    assert main(args) == 0
    pages = [p for folder in ("cases", "drills") for p in (out / folder).rglob("*.html")]
    assert len(pages) > 2
    checked_links = 0
    for page in pages:
        for url in re.findall(r'\b(?:href|src)="([^"]*)"', page.read_text()):
            if not url or url.startswith("#") or re.match(r"[a-z][a-z0-9+.-]*:", url, re.I):
                continue
            target = (page.parent / unquote(url.split("#")[0].split("?")[0])).resolve()
            if url.split("#")[0].endswith("/") or target.is_dir():
                target = target / "index.html"
            assert target.is_file(), (page.relative_to(out).as_posix(), url)
            checked_links += 1
    assert checked_links > 10 * len(pages)


def test_parallel_check_and_generate_equal_the_serial_ones(monkeypatch):
    """Many cases are worked through in forked processes (work.chunks.map_chunks): same output, same order."""
    from metdocs.catalog import load
    from metdocs.site import pipeline
    from metdocs.work import chunks
    serial_checked, serial = check(Project.at(REPO)), pipeline.generate(Project.at(REPO))
    pools = []

    class Pool(chunks.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(chunks, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(chunks, "PARALLEL_MIN", 2)
    monkeypatch.setattr(chunks, "_free_cpus", lambda: 3)
    monkeypatch.setattr(chunks.threading, "active_count", lambda: 1)
    load._cache.clear()
    parallel_checked, parallel = check(Project.at(REPO)), pipeline.generate(Project.at(REPO))
    assert len(pools) >= 3  # cases in check, cases again in generate's check, and the pages
    assert parallel_checked.problems == serial_checked.problems
    assert parallel_checked.cases == serial_checked.cases
    assert list(parallel.files) == list(serial.files) and parallel.files == serial.files
    assert parallel.nav == serial.nav


def test_raw_blocks_set_aside_come_back_byte_for_byte(site):
    """The plugin hides a case page's raw HTML blocks from Markdown (plugin.set_aside): same HTML out."""
    import markdown

    from metdocs.site.plugin import put_back, set_aside
    exts = ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details", "pymdownx.superfences"]
    pages = [p for p in site if p.split("/")[0] in ("cases", "drills") and not p.endswith("index.md")]
    assert pages
    for path in pages:
        body = site[path].split("---\n", 2)[2]
        text, blocks = set_aside(body)
        assert len(blocks) >= 6 and text.count("<table") == 0, path
        plain = markdown.Markdown(extensions=exts, extension_configs={"toc": {"permalink": True}}).convert(body)
        fast = markdown.Markdown(extensions=exts, extension_configs={"toc": {"permalink": True}}).convert(text)
        assert put_back(fast, blocks) == plain, path


# --- prose filled from the engine; cut-offs and figures for the client -----------------------------

def test_no_placeholder_reaches_a_page(checked, site):
    """Every {placeholder} in case prose is filled: a page never shows a brace-name to the reader."""
    for case in checked.cases:
        page = site[case_path(case)]
        left = re.findall(r"\{[a-z0-9_.:-]+\}", page)
        assert left == [], (case.id, left)


def test_case_prose_shows_the_engine_figures(checked, site):
    by_id = {c.id: c for c in checked.cases}
    page = site["cases/osteoporosis.md"]
    # The old hand-written '4 units for 47 minutes' about s2 was wrong: s2 is 25 + 20 = 45 minutes, 3 units.
    assert "s2 logged 25 + 20 = 45 minutes, which bill 2 + 1 = 3 units under the per-code (midpoint) rule" in page
    falls = site["cases/fall-risk-older-adult.md"]
    assert "Billing sessions after 2026-06-06 without a third reassessment" in falls  # not 2026-05-08
    r1 = next(r for r in by_id["fall-risk-older-adult"].reassessments if str(r.date) == "2026-04-09")
    assert "13 s (within the range &#39;At risk of falling&#39;" in falls and r1.measures[0].value == 13.0
    weak = site["cases/general-deconditioning.md"]
    assert "gait speed 0.74 → 0.86 m/s" in weak and "still within the range &#39;High fall risk" in weak


def test_baseline_shows_only_the_clients_cut_offs(checked, site):
    page = site["cases/osteoporosis.md"]  # a woman aged 65-69
    table = page.split("Baseline measures", 1)[1].split("Plan of exercise", 1)[0]
    assert "Fewer than 11 stands" in table  # women 65-69
    for other in ("Fewer than 14 stands", "Fewer than 12 stands", "Fewer than 9 stands", "Fewer than 4 stands"):
        assert other not in table, other
    assert "Cut-offs for this client (age band 65-69, female)" in table


def test_each_figure_names_its_population_and_fallback(checked, site):
    knee = site["cases/knee-osteoarthritis.md"]  # knee OA: the 30CST MDC was measured in knee OA
    assert "MDC 2.5 stands in 30 seconds (measured in people with early to moderate knee osteoarthritis)" in knee
    bones = site["cases/osteoporosis.md"]  # not knee OA: the same figure is a named fallback
    assert ("measured in people with early to moderate knee osteoarthritis; no figure for this client&#39;s "
            "population, used as the fallback") in bones
    copd = site["cases/copd-deconditioning.md"]
    assert "MCID 30 metres (measured in people with COPD)" in copd


# --- claims shown as claims (CMS-1500 items 21 and 24) ------------------------------------------

def _claim_tables(text: str) -> list[str]:
    """Each claim view's HTML (partials/claim_form.md.j2, one line), in page order."""
    views = text.split('<section class="metdocs-claim" data-search-exclude>')[1:]
    return [re.split(r"\n|</details>", part, maxsplit=1)[0] for part in views]


def _rows(table_html: str) -> list[list[str]]:
    return [[html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)]
            for r in re.findall(r"<tr>(.*?)</tr>", table_html)]


def test_every_case_and_drill_shows_its_claim_as_a_cms1500(checked, site):
    from metdocs.pages.casepages import LINES_PER_FORM, NPI_PLACEHOLDER, PLACE_OF_SERVICE
    for case in checked.cases:
        page = site[case_path(case)]
        record = page.split(ANSWER_START)[0]
        views = _claim_tables(record)
        assert len(views) == 1, case.id
        view = views[0]
        assert "CMS-1500 (02/12)" in view and "ICD Ind. 0 (ICD-10-CM)" in view
        assert '<th scope="col">' in view and "<caption>" in view  # accessible table markup
        tables = re.findall(r"<table[^>]*>(.*?)</table>", view)
        box21 = _rows(tables[0])[1:]
        dx = sorted(case.referral.diagnoses if case.referral else (), key=lambda d: d.pointer)
        if dx:
            assert box21 == [[d.pointer, d.code.replace(".", ""), d.code] for d in dx], case.id
        lines = [(s, ln) for s in case.sessions for ln in s.claim]
        shown = [r for t in tables[1:] for r in _rows(t)[1:]]
        assert len(tables) - 1 == max(1, -(-len(lines) // LINES_PER_FORM)), case.id
        for (s, ln), row in zip(lines, shown, strict=True):
            date = s.date.strftime("%m %d %y")
            assert row[1:] == [date, date, PLACE_OF_SERVICE, ln.cpt, " ".join(ln.modifiers) or "none",
                               " ".join(ln.pointers) or "none", str(ln.units), NPI_PLACEHOLDER], (case.id, s.id, row)
        assert [r[0] for r in shown] == [str(i % LINES_PER_FORM + 1) for i in range(len(lines))]
        assert "Faults the audit finds" not in record  # the answer columns stay in the answer


def test_drill_answer_claim_places_every_declared_fault(checked, site, icd):
    for case in _drills(checked):
        page = site[case_path(case)]
        answer = page[page.index(ANSWER_START):page.index(ANSWER_END)]
        views = _claim_tables(answer)
        assert len(views) == 1 and "Faults the audit finds on this line" in views[0], case.id
        rows = [r for t in re.findall(r"<table[^>]*>(.*?)</table>", views[0])[1:] for r in _rows(t)[1:]]
        on_lines = [rule for r in rows for rule in r[-1].split(", ") if r[-1] != "none"]
        listed = re.findall(r"<li>([a-z0-9-]+): ", views[0])
        assert sorted(on_lines + listed) == sorted(b.rule for b in case.expected_breaches), case.id
        lines = [(s, ln) for s in case.sessions for ln in s.claim]
        found = case_findings(case, checked.catalog, icd)
        for (s, ln), row in zip(lines, rows, strict=True):
            at_line = sorted({f.problem.rule for f in found if f.problem.where == ln.where and f.session == s.id
                              and (f.problem.rule, s.id) in {(b.rule, b.session) for b in case.expected_breaches}})
            assert sorted(r for r in row[-1].split(", ") if r != "none") == at_line, (case.id, s.id, row)


# --- interactive drills: the grading data the page carries ---------------------------------------

def _quiz(page: str) -> dict:
    import json
    m = re.search(r'data-metdocs-drill="([^"]*)"', page)
    assert m, "no drill data"
    return json.loads(html.unescape(m.group(1)))


def test_drill_quiz_key_is_the_declared_breaches_with_the_engine_findings(checked, site, icd):
    from metdocs.rules.audit.core import ENFORCED, reported_at
    from metdocs.pages.packets import WEB_END, WEB_START
    rule_ids = {r.id for r in checked.catalog.rules if r.id in ENFORCED}
    for case in _drills(checked):
        page = site[case_path(case)]
        assert page.index(WEB_START) < page.index("data-metdocs-drill") < page.index(WEB_END) < page.index(ANSWER_START)
        quiz = _quiz(page)
        assert quiz["id"] == case.id and quiz["title"] == case.title
        assert [(k["rule"], k["place"]) for k in quiz["key"]] == [
            (b.rule, (f"{b.session}/{b.line}" if b.line else b.session) if b.session else "@case")
            for b in case.expected_breaches]
        assert [k["lesson"] for k in quiz["key"]] == [_said(case, b.note, checked) for b in case.expected_breaches]
        found = case_findings(case, checked.catalog, icd)
        for k in quiz["key"]:
            want = [f.problem.message for f in found if f.problem.rule == k["rule"]
                    and ((f"{f.session}/{f.line}" if f.line else f.session) or "@case") == k["place"]]
            assert k["findings"] == want and want, (case.id, k["rule"])
        places = [p["id"] for p in quiz["places"]]
        assert places == ["@case", *(x for s in case.sessions
                                     for x in [s.id, *(f"{s.id}/{i}" for i in range(1, len(s.claim) + 1))])]
        options = {r["id"] for kind in quiz["rules"].values() for r in kind}
        reported = {i for i in rule_ids if reported_at(i)}
        assert reported <= options and {b.rule for b in case.expected_breaches} <= options, case.id


def test_hostile_drill_text_cannot_break_the_embedded_data(checked, icd):
    drill = _drills(checked)[0]
    evil = 'Title </div><script>alert(1)</script> "quoted" & \'single\' \u2028 {x}'
    bad = dataclasses.replace(drill, title=evil)
    pages = _render_all(checked.catalog, [bad, *[c for c in checked.cases if c is not drill]], icd)
    page = pages[case_path(bad)]
    attr = re.search(r'data-metdocs-drill="([^"]*)"', page).group(1)
    assert "<" not in attr and ">" not in attr and "'" not in attr
    assert _quiz(page)["title"] == evil
    assert "<script>alert" not in page.split("\n---\n", 1)[1], "only the front-matter title holds it raw"
