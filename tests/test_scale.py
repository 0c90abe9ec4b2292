"""A big course stays usable: indexes, listings and packets keep their shape at thousands of cases.

Nothing here times anything: the guards are structural. Python-Markdown 3.11 re-scans a paragraph
for every link in it, so no generated Markdown block may hold many links (one link a line or a
table row; long tables are raw HTML, which Markdown passes through); no page lists more than
PAGE_SIZE cases; no list item or search section exceeds 64 KB (the limit Zensical's search
enforces); packets come in volumes of a bounded size, answers in the instructor's only.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

import markdown
import pytest

from metdocs.catalog.assemble import load_catalog
from metdocs.pages import indexes, volumes
from metdocs.pages.casepages import page_context
from metdocs.pages.indexes import PAGE_SIZE, Entry
from metdocs.pages.render import environment, render

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
SEARCH_LIMIT = 64 * 1024
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details", "pymdownx.superfences"]
_MD_LINK = re.compile(r"\]\((?!#)[^)\s]+\)")


@pytest.fixture(scope="module")
def catalog():
    cat, problems = load_catalog(REPO / "data" / "catalog")
    assert cat is not None, problems
    return cat


def _entries(catalog, n: int, *, drills: bool = False) -> list[Entry]:
    """n synthetic index entries spread over the catalog's categories and codes, with long texts."""
    cats = [c for c in catalog.categories]
    dx = sorted(d.code for d in catalog.diagnoses)
    out = []
    for i in range(n):
        cat = cats[i % len(cats)]
        folder = "drills" if drills else "cases"
        out.append(Entry(f"{folder}/case-{i:05d}.md", f"Synthetic client {i}: a long enough title for a real course",
                         (cat.name,), ("97110", "97112") if i % 3 else ("97110", "97530"),
                         (dx[i % len(dx)], dx[(i * 7) % len(dx)]), "CMS 8-minute rule",
                         "Find every fault in this record and say what should have been billed. " * 3 if drills else "",
                         3 if drills else 0, cat.id))
    return out


def _render(pages) -> dict[str, str]:
    env = environment(REPO / "templates" / "pages")
    return {p.path: render(env, p.template, p.context, page=p.path) for p in pages}


def _blocks(text: str):
    """The Markdown blocks Python-Markdown parses inline one by one: paragraphs, list items,
    table rows; raw HTML lines are passed through, not parsed."""
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    for line in body.splitlines():
        if not line.strip() or line.lstrip().startswith("<"):
            continue
        yield line


def _most_links_in_a_block(text: str) -> int:
    return max((len(_MD_LINK.findall(b)) for b in _blocks(text)), default=0)


def _case_links(text: str) -> int:
    return len(re.findall(r'<a href="[^"#]*case-\d{5}/?"', text)) + len(re.findall(r"\]\([^)]*case-\d{5}\.md\)", text))


@pytest.fixture(scope="module")
def big(catalog):
    """Indexes for 3,000 worked cases and 3,000 drills."""
    worked, drills = _entries(catalog, 3000), _entries(catalog, 3000, drills=True)
    titles = {code: f"Title of {code}" for e in worked for code in e.icd_codes}
    context = lambda path: page_context(path, True)  # noqa: E731
    pages = indexes.worked_index_pages(worked, catalog, titles, {}, context) + \
        indexes.drills_index_pages(drills, {}, context)
    return pages, _render(pages)


def test_no_index_page_lists_more_than_a_page_of_cases(big):
    pages, rendered = big
    assert len(pages) > 60  # the 3,000 cases are listed on pages of their own
    for path, text in rendered.items():
        assert _case_links(text) <= PAGE_SIZE, path
    every = [e.path for p in pages if p.path.startswith("cases/by_condition_") for e in p.context["entries"]]
    assert len(every) == len(set(every)) == 3000  # each case under its condition exactly once
    listed = [e.path for p in pages if p.path.startswith("drills/") for e in p.context["entries"]]
    assert len(listed) == 3000


def test_no_markdown_block_holds_many_links(big):
    """One link a line or table row: the only blocks with more are an index's rows that link a
    group's listing pages, one link per PAGE_SIZE cases of the group."""
    _, rendered = big
    for path, text in rendered.items():
        assert _most_links_in_a_block(text) <= 3000 // PAGE_SIZE + 3, path


def test_every_generated_page_of_the_shipped_site_keeps_links_apart():
    from metdocs.files.project import Project
    from metdocs.site.pipeline import generate
    for path, text in generate(Project.at(REPO)).files.items():
        if path.endswith(".md"):
            assert _most_links_in_a_block(text) <= 12, path


def _sections(html: str) -> list[str]:
    """Text of each search section: what lies between one heading and the next."""
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", part)) for part in re.split(r"<h[1-6][^>]*>", html)]


def test_no_search_section_or_list_item_exceeds_64_kb(big):
    _, rendered = big
    for path, text in rendered.items():
        body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
        html = markdown.markdown(body, extensions=EXTENSIONS)
        for section in _sections(html):
            assert len(section.encode("utf-8")) < SEARCH_LIMIT, path
        for item in re.findall(r"<li>(.*?)</li>", html, re.S):
            assert len(item.encode("utf-8")) < SEARCH_LIMIT, path


def test_listing_pages_stay_out_of_the_search_index(big):
    pages, rendered = big
    listings = [p.path for p in pages if "_" in p.path.rpartition("/")[2]]
    assert listings
    for path in listings:
        assert rendered[path].startswith("---\n") and "\nsearch:\n  exclude: true\n---\n" in rendered[path]


def test_a_small_course_lists_everything_on_its_index(catalog):
    worked = _entries(catalog, 12)
    titles = {code: "t" for e in worked for code in e.icd_codes}
    pages = indexes.worked_index_pages(worked, catalog, titles, {}, lambda p: page_context(p, True))
    assert [p.path for p in pages] == ["cases/index.md"]
    text = _render(pages)["cases/index.md"]
    assert _case_links(text) >= 12 * 3  # by condition, by CPT code, by ICD-10-CM code


def test_volumes_keep_sections_apart_and_under_the_budget():
    worked = [Entry(f"cases/c{i}.md", f"C{i}", (), (), (), "", "", 0, None) for i in range(230)]
    drills = [Entry(f"drills/d{i}.md", f"D{i}", (), (), (), "", "", 1, None) for i in range(70)]
    sizes = {e.path: 25_000 + 90 * (i % 40) for i, e in enumerate(worked + drills)}
    sizes["cases/c7.md"] = 3_000_000  # one case bigger than a volume gets one of its own
    found = volumes.plan_volumes([("Worked cases", worked), ("Audit drills", drills)], sizes, 1_000_000)
    assert [e for v in found for e in v.entries] == worked + drills  # all, once, in order
    for v in found:
        assert len({e.path.partition("/")[0] for e in v.entries}) == 1
        size = sum(int(sizes[e.path] * volumes.HTML_PER_MARKDOWN) for e in v.entries)
        assert size <= 1_000_000 or len(v.entries) == 1
    assert any(len(v.entries) == 1 and v.entries[0].path == "cases/c7.md" for v in found)


def test_packet_pages_have_a_contents_table_and_a_slot_per_case(catalog):
    worked = [Entry(f"cases/c{i}.md", f"Case {i}", (), (), (), "", "", 0, None) for i in range(120)]
    drills = [Entry(f"drills/d{i}.md", f"Drill {i}", (), (), (), "", "", 1, None) for i in range(40)]
    sizes = {e.path: 30_000 for e in worked + drills}
    pages, depends = volumes.packet_pages(catalog, worked, drills, sizes, lambda p: page_context(p, True),
                                          budget=1_000_000)
    rendered = _render(pages)
    for edition in volumes.EDITIONS:
        index = rendered[f"print/{edition}/index.md"]
        vols = sorted(p for p in rendered if p.startswith(f"print/{edition}/volume-"))
        assert len(vols) >= 5 and index.count("](../../print/" + edition + "/volume-") == len(vols)
        assert depends[f"print/{edition}/index.md"] == ()
        printed = [m for v in vols for m in depends[v]]
        assert printed == [e.path for e in worked + drills]
        for v in vols:
            text = rendered[v]
            slots = re.findall(r'<section class="metdocs-packet-item" id="(packet-[a-z0-9-]+)"', text)
            assert len(slots) == len(depends[v]) and re.findall(r'<a href="#(packet-[a-z0-9-]+)">', text) == slots
            assert "search:\n  exclude: true" in text.split("\n---\n")[0]
            assert "Claim builder exercises" not in text  # those are on the edition's index page
        assert "Claim builder exercises" in index


def test_a_build_with_small_volumes(tmp_path, monkeypatch):
    """The shipped cases in volumes of about 150 KB: each volume a page of its own, each case in
    one volume of each edition, answers only in the instructor's, contents that link to anchors
    on the page, and no packet page in the search index."""
    from metdocs.cli.main import main
    monkeypatch.setattr(volumes, "VOLUME_BYTES", 150_000)
    # A build of the same project earlier in this process (test_site's) left its pages in the
    # plugin's memo, which does not know of the patched budget: start this build without it.
    from metdocs.site import plugin
    monkeypatch.setattr(plugin, "_memos", {})
    out = tmp_path / "site"
    assert main(["build", "--config", str(REPO / "mkdocs.yml"), "--site-dir", str(out)]) == 0
    cases = sorted(p.stem for p in (REPO / "data" / "cases").glob("*.yaml"))
    for edition in volumes.EDITIONS:
        files = sorted((out / "print" / edition).glob("volume-*/index.html"))
        assert len(files) >= 3
        seen = []
        for f in files:
            page = f.read_text(encoding="utf-8")
            assert len(page.encode("utf-8")) < 150_000 + 100_000  # the theme's page around the cases
            ids = re.findall(r'<section class="metdocs-packet-item" id="packet-([a-z0-9-]+)"', page)
            seen += ids
            for key in ids:
                assert f'href="#packet-{key}"' in page
            assert ("Engine finding:" in page) == (edition == "instructor" and any(i.startswith(("drill-", "balance", "low-back")) for i in ids))
        assert sorted(seen) == cases
    index = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d for d in index["docs"] if d["location"].startswith("print/")]
