"""The shipped site: a strict MkDocs build, and meta-tests that keep it honest.

The site is built once per test session into a temporary folder with
`metdocs build` (MkDocs strict mode: any broken link or warning fails it).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import REPO


pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def search_index(site) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text())["docs"]


def _page(site: Path, md_path: str) -> Path:
    return site / md_path.removesuffix(".md").removesuffix("index") / "index.html"


def test_every_cpt_code_has_a_page(site, catalog):
    for c in catalog.cpt_codes:
        html = _page(site, f"cpt/{c.code}.md").read_text()
        assert c.code in html and c.name in html.replace("&#39;", "'")


def test_every_diagnosis_has_a_page(site, catalog):
    for d in catalog.diagnoses:
        assert d.code in _page(site, f"icd10/{d.code}.md").read_text()


def test_every_measure_has_a_page(site, catalog):
    for m in catalog.measures:
        assert m.abbreviation in _page(site, f"measures/{m.id}.md").read_text()


def test_every_element_and_rule_has_an_anchor(site, catalog):
    html = _page(site, "standards/index.md").read_text()
    for kind, items in (("element", catalog.elements), ("rule", catalog.rules)):
        for item in items:
            assert html.count(f'id="{kind}-{item.id}"') == 1, item.id


def test_every_source_is_listed(site, catalog):
    html = _page(site, "sources/index.md").read_text()
    for s in catalog.sources:
        assert html.count(f'id="source-{s.id}"') == 1


def _search_hits(index: list[dict], term: str) -> list[str]:
    return [d["location"] for d in index if term in d["text"] or term in d["title"]]


def test_search_index_finds_core_codes_and_every_icd_code(search_index, catalog):
    for code in ("97110", "97112", "97530"):
        assert any(loc.startswith(f"cpt/{code}/") for loc in _search_hits(search_index, code)), code
    for d in catalog.diagnoses:
        assert any(loc.startswith(f"icd10/{d.code}/") for loc in _search_hits(search_index, d.code)), d.code


def test_search_keeps_dotted_codes_whole(site):
    config = json.loads((site / "search" / "search_index.json").read_text())["config"]
    separator = re.compile(config["separator"])
    assert separator.split("R26.81") == ["R26.81"]
    assert "end" in separator.split("the end. Next")


_URL_ATTR = re.compile(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', re.I)
_CSS_URL = re.compile(r'url\(\s*["\']?([^"\')]+)', re.I)


def test_no_page_loads_anything_from_another_host(site):
    offenders = []
    for page in site.rglob("*.html"):
        html = page.read_text()
        for tag in re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*>", html, re.I):
            if re.search(r'rel\s*=\s*["\'](?:canonical|alternate)["\']', tag):
                continue  # not fetched by the browser
            for url in _URL_ATTR.findall(tag):
                if urlparse(url).scheme in ("http", "https") or url.startswith("//"):
                    offenders.append(f"{page.relative_to(site)}: {tag}")
    for css in site.rglob("*.css"):
        for url in _CSS_URL.findall(css.read_text()):
            if url.startswith(("http:", "https:", "//")):
                offenders.append(f"{css.relative_to(site)}: {url}")
    assert offenders == []


def test_every_page_carries_the_disclaimer_and_ama_notice(site):
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert "not billing or legal advice" in html, page
        assert "American Medical Association" in html, page


def test_unconfirmed_facts_are_marked(site, catalog):
    flagged = [c for c in catalog.measures if c.unconfirmed]
    assert flagged, "the shipped catalog marks some measures unconfirmed (domain.md)"
    for m in flagged:
        assert "Unconfirmed" in _page(site, f"measures/{m.id}.md").read_text()


def test_nothing_generated_is_written_into_site_src(site):
    generated_dirs = ("cpt", "icd10", "pairing", "measures", "standards", "scope", "sources")
    assert not [d for d in generated_dirs if (REPO / "site_src" / d).exists()]


def test_unit_rules_page_shows_the_engine_results(site, catalog):
    from metdocs.pages.unitpages import EXAMPLES
    from metdocs.rules.units import allocate
    html = _page(site, "units/index.md").read_text()
    for _, visit in EXAMPLES:
        for rule in ("cms", "ama"):
            result = allocate(visit, catalog.is_timed, rule)
            billed = ", ".join(f"{c} × {u}" for c, u in result.units.items())
            assert f"{billed} | {result.total_units}" in _table_text(html), (visit, rule)


def _table_text(html: str) -> str:
    """Table rows as 'cell | cell' text, so a test can look for a row's content."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return "\n".join(" | ".join(re.sub(r"<[^>]+>", "", c).strip()
                                for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)) for r in rows)


def _text(html_path: Path) -> str:
    import html as html_lib
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html_path.read_text()))


def test_student_packet_has_no_answers_instructor_has_all(site):
    from metdocs.rules.audit.core import case_findings
    from metdocs.catalog.icd import code_set
    from metdocs.site.pipeline import Project, check
    checked = check(Project.at(REPO))
    drills = [c for c in checked.cases if c.kind == "drill"]
    from metdocs.rules import prose
    secrets = [prose.fill(b.note, prose.facts(c, checked.catalog)) for c in drills for b in c.expected_breaches]
    secrets += [f.problem.message for c in drills for f in case_findings(c, checked.catalog, code_set())]
    student = " ".join(_text(site / "print" / "student" / "index.html").split())
    instructor = " ".join(_text(site / "print" / "instructor" / "index.html").split())
    assert drills and secrets
    for s in secrets:
        s = " ".join(s.split())
        assert s not in student, s
        assert s in instructor, s
    for c in checked.cases:
        assert " ".join(c.title.split()) in student and " ".join(c.title.split()) in instructor
        if c.kind == "drill":
            assert " ".join(c.prompt.split()) in student


def test_packets_have_unique_ids_and_working_links(site):
    for edition in ("student", "instructor"):
        page = site / "print" / edition / "index.html"
        html = page.read_text()
        ids = re.findall(r'\bid="([^"]+)"', html)
        assert len(ids) == len(set(ids))
        for url in re.findall(r'href="([^"#][^"]*)"', html):
            if url.startswith(("http:", "https:", "mailto:")):
                continue
            target = (page.parent / url.split("#")[0].split("?")[0]).resolve()
            assert target.exists() or (target / "index.html").exists(), url


def test_packets_show_every_claim_and_the_claim_builder_exercises(site):
    """The CMS-1500 view of every case and drill is in both packets; the drills' answer views, the
    exercises' answers and nothing of the interactive audit is in the student packet."""
    from metdocs.rules.claimbuilder import PACKET_SEEDS, builder_data, generate
    from metdocs.site.pipeline import Project, check
    checked = check(Project.at(REPO))
    drills = sum(1 for c in checked.cases if c.kind == "drill")
    student = (site / "print" / "student" / "index.html").read_text()
    instructor = (site / "print" / "instructor" / "index.html").read_text()
    assert student.count('<section class="metdocs-claim" data-search-exclude>') == len(checked.cases)
    assert instructor.count('<section class="metdocs-claim" data-search-exclude>') == len(checked.cases) + drills
    assert "Faults the audit finds" not in student and "Faults the audit finds" in instructor
    for packet in (student, instructor):
        assert "data-metdocs-drill" not in packet and 'id="dq-' not in packet
    data = builder_data(checked.catalog)
    student_text = " ".join(_text(site / "print" / "student" / "index.html").split())
    instructor_text = " ".join(_text(site / "print" / "instructor" / "index.html").split())
    for seed in PACKET_SEEDS:
        ex = generate(data, seed)
        for packet in (student, instructor):
            assert f'<strong>Exercise {seed}</strong> (<a href="../../practice/claim-builder/?seed={seed}">' in packet
        said = " ".join(ex["explain"]["billable"].split())
        assert said in instructor_text and said not in student_text, seed
        for c in ex["codes"]:
            units = ex["answer"]["units"][c["code"]] if c["in_scope"] else "none: a MedExPRO may not bill it"
            row = f"{c['code']} {c['name']} {c['minutes']} {units} "
            assert row in instructor_text and f"{c['code']} {c['name']} {c['minutes']} " in student_text, (seed, row)


def test_claim_views_stay_out_of_the_search_index(search_index):
    """The CMS-1500 view repeats the session logs' claim lines: indexing it would only add noise."""
    from metdocs.pages.casepages import NPI_PLACEHOLDER
    cases = [d for d in search_index if d["location"].startswith("cases/")]
    assert cases and any("97110" in d["text"] for d in cases)
    assert not [d["location"] for d in search_index if NPI_PLACEHOLDER in d["text"] or "ICD Ind." in d["text"]]


def test_the_engines_working_stays_out_of_search_but_on_the_page(site, search_index):
    """A session's claim lines and the units engine's working are held back from the search
    plugin (plugin.hold_back) and put back into the page: searchable nowhere, shown everywhere."""
    cases = [d for d in search_index if d["location"].startswith(("cases/", "drills/"))]
    assert any(d["title"].startswith("Session ") for d in cases)
    assert not [d["location"] for d in cases if "Claim lines:" in d["text"] or "How the engine got there" in d["text"]]
    worked = [p for p in (site / "cases").glob("*/index.html") if "_" not in p.parent.name]
    assert worked
    for page in worked:
        html = page.read_text(encoding="utf-8")
        assert "<strong>Claim lines:</strong>" in html, page
        assert "metdocs:unsearched" not in html, page
    assert not [p for p in site.rglob("*.html") if "metdocs:unsearched" in p.read_text(encoding="utf-8")]


def _gz(path: Path) -> int:
    import gzip
    return len(gzip.compress(path.read_bytes(), 9))


def test_size_budgets(site):
    """First visit to a form page, a case, a drill or a practice page under 200 KB gzipped; the search
    index under 150 KB gzipped; the ICD-10-CM code set loaded on demand only."""
    assert _gz(site / "search" / "search_index.json") < 150_000
    pages = [*(site / "forms").glob("*/index.html"), *(site / "drills").glob("*/index.html"),
             *list((site / "cases").glob("*/index.html"))[:3], site / "practice" / "claim-builder" / "index.html",
             site / "practice" / "progress" / "index.html"]
    assert len(pages) > 15
    for page in pages:
        total = _gz(page)
        for url in re.findall(r'(?:src|href)="([^"]+\.(?:js|css|json))"', page.read_text()):
            asset = (page.parent / url).resolve()
            if asset.is_file():
                total += _gz(asset)
        assert total < 200_000, (page, total)
        assert "icd10cm-" not in re.sub(r'"icd":\{[^}]*\}', "", page.read_text()), "code set linked from the page"
    # The ICD-10-CM code set is fetched only when a code is checked (forms.js): not part of a first
    # visit, and small enough to fetch then.
    (icd,) = (site / "forms").glob("icd10cm-*.js")
    assert 40_000 < _gz(icd) < 150_000, _gz(icd)


def test_reserved_ids_name_every_part_of_the_site(site):
    """An entry id may not be a name the site uses itself; the list must keep up with the site."""
    from metdocs.catalog.schema import RESERVED_IDS
    used = {p.name for p in site.iterdir() if p.is_dir()} | {p.stem for p in site.glob("*.html")} | {"index"}
    used |= {p.stem for p in site.glob("*.xml")}
    assert used <= RESERVED_IDS, sorted(used - RESERVED_IDS)


def test_hold_back_puts_every_marked_element_back_whole():
    from metdocs.site.plugin import hold_back, put_back_held
    html = ('<p>a</p><section class="x" data-search-exclude><section>in</section><div>b</div></section>'
            '<div hidden data-search-exclude data-x="&lt;section&gt;"><p>c</p></div><p>keep</p>'
            '<section data-search-exclude><p>never closed</p>')
    light, held = hold_back(html)
    assert light == ('<p>a</p><!--metdocs:unsearched:0--><!--metdocs:unsearched:1--><p>keep</p>'
                     '<section data-search-exclude><p>never closed</p>')
    assert held[0].endswith("<div>b</div></section>") and held[1].endswith("<p>c</p></div>")
    assert put_back_held(light, held) == html
    assert hold_back("<p>nothing marked</p>") == ("<p>nothing marked</p>", [])
