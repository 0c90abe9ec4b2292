"""Section indexes that scale: the worked cases' and the drills' index pages and their listings.

A big course has thousands of cases. An index that put every case link of a CPT code into one
list item made a 400 KB page that no reader could use, that search engines refuse to index
(Zensical: a section over 64 KB), and that Python-Markdown 3.11 parses in quadratic time (it
re-scans a paragraph for every link in it). So here:

* every case link sits on a line of its own (a table row, or a nested list item);
* no page lists more than PAGE_SIZE cases;
* while a whole index needs at most INLINE_ROWS rows, it lists everything itself (by condition,
  by CPT code, by ICD-10-CM code); past that, each group gets listing pages of at most PAGE_SIZE
  cases (`cases/by_cpt_97110.md`, `..._2.md`, ...), and the index lists the groups with links to
  their pages. Listing page names hold an underscore, which no id may (so no case's page, and no
  category, can take one);
* listing pages repeat titles searched on the case pages: they stay out of the search index.

Each page carries its `key`: the plain data it shows, so an unchanged index is not rendered
again (see site/pipeline.py).
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from metdocs.catalog.model import Catalog
from metdocs.pages.plan import Page

PAGE_SIZE = 100
"""Cases listed on one page at most."""
PAGE_TEXT = 40_000
"""Characters of case text (titles, a drill's task ...) one listing page shows at most, so that
its table, one search section, stays far below the 64 KB search engines index (a case whose
text is longer still gets a page of its own)."""
INLINE_ROWS = 100
"""An index lists everything itself while that takes at most this many rows (case links)."""
UNCATEGORISED = "Other diagnoses"
UNCATEGORISED_SLUG = "other_diagnoses"
"""The listing of cases whose diagnoses have no category: no category id holds an underscore."""


class Entry(NamedTuple):
    """What an index shows of one case or drill (plain data: it is also the pages' key)."""

    path: str
    title: str
    conditions: tuple
    cpts: tuple
    icd_codes: tuple
    rule: str
    """The payer's unit rule, as a label."""
    prompt: str
    faults: int
    """Faults a drill declares (0 for a worked case)."""
    category: str | None
    """The category id of the first diagnosis that has one (the case's condition group)."""


class Group(NamedTuple):
    """One group of an index (a condition, a CPT code, an ICD-10-CM code) and where it is listed."""

    label: str
    title: str
    """What its listing pages are headed with."""
    entries: tuple
    pages: tuple
    """(label, path) of each listing page, empty while the index lists the group itself."""


def entry(view) -> Entry:
    """The index entry of a case view (casepages.View); reads only its light part."""
    first = next((d["category"] for d in view["diagnoses"] if d["category"]), None)
    return Entry(view["path"], str(view["case"].title), tuple(view["conditions"]), tuple(view["cpts"]),
                 tuple(view["icd_codes"]), view["payer_rule"]["label"], str(view["prompt"] or ""),
                 len(view["case"].expected_breaches), first.id if first else None)


def pages_of(prefix: str, entries) -> list[tuple[str, str, tuple]]:
    """[(page path, label such as '101–200', entries)] for a listing cut into pages of at most
    PAGE_SIZE entries and PAGE_TEXT characters."""
    entries = tuple(entries)
    cuts, size = [0], 0
    for i, e in enumerate(entries):
        grows = _text_size(e)
        if i > cuts[-1] and (i - cuts[-1] >= PAGE_SIZE or size + grows > PAGE_TEXT):
            cuts.append(i)
            size = 0
        size += grows
    out = []
    for n, (a, b) in enumerate(zip(cuts, [*cuts[1:], len(entries)]), 1):
        path = f"{prefix}.md" if n == 1 else f"{prefix}_{n}.md"
        out.append((path, f"{a + 1}–{b}" if b > a + 1 else f"{a + 1}" if b > a else "none", entries[a:b]))
    return out


def _text_size(e: Entry) -> int:
    """The characters an entry's row shows, with room for its markup."""
    return 200 + len(e.path) + len(e.title) + len(e.prompt) + sum(len(c) for c in e.conditions) \
        + 8 * (len(e.cpts) + len(e.icd_codes))


def worked_index_pages(worked: list[Entry], catalog: Catalog, titles: dict, common: dict, context) -> list[Page]:
    """The worked cases' index (cases/index.md) and, for a big section, its listing pages.

    `titles`: ICD-10-CM code -> official title; `common`: what every template gets;
    `context(path)`: casepages.page_context for a page."""
    by_condition = _by_condition(worked, catalog)
    by_cpt = _by_code(worked, "cpts")
    by_icd = _by_code(worked, "icd_codes")
    rows = len(worked) + sum(len(m) for _, m in by_cpt) + sum(len(m) for _, m in by_icd)
    inline = rows <= INLINE_ROWS
    groups = {"condition": [], "cpt": [], "icd": []}
    pages: list[Page] = []

    def add(kind: str, slug: str, label: str, title: str, members) -> None:
        listed = () if inline else tuple(pages_of(f"cases/by_{kind}_{slug}", members))
        groups[kind].append(Group(label, title, tuple(members), tuple((lab, path) for path, lab, _ in listed)))
        for n, (path, lab, part) in enumerate(listed, 1):
            data = {"heading": title, "entries": part, "number": n, "of": len(listed), "drills": False,
                    "first": listed[0][0], "previous": listed[n - 2][0] if n > 1 else None,
                    "next": listed[n][0] if n < len(listed) else None, "index": "cases/index.md",
                    "index_title": "all worked cases", "start": lab}
            pages.append(Page(path, "case_listing.md.j2", {**common, **context(path), **data}, in_nav=False,
                              key=tuple(sorted((k, v) for k, v in data.items()))))

    for name, cat_id, members in by_condition:
        add("condition", cat_id or UNCATEGORISED_SLUG, name, f"Worked cases: {name}", members)
    for code, members in by_cpt:
        add("cpt", code, code, f"Worked cases billing CPT {code}", members)
    for code, members in by_icd:
        title = titles.get(code) or ""
        add("icd", code, code, f"Worked cases with ICD-10-CM {code}" + (f" ({title})" if title else ""), members)
    data = {"inline": inline, "count": len(worked), "page_size": PAGE_SIZE, "by_condition": tuple(groups["condition"]),
            "by_cpt": tuple(groups["cpt"]), "by_icd": tuple(groups["icd"]), "titles": tuple(sorted(titles.items()))}
    index = Page("cases/index.md", "cases_index.md.j2", {**common, **context("cases/index.md"), **data,
                                                         "titles": titles},
                 key=tuple(sorted(data.items())))
    return [index, *pages]


def drills_index_pages(drills: list[Entry], common: dict, context) -> list[Page]:
    """The drills' index (drills/index.md: the first PAGE_SIZE drills) and the pages after it
    (drills/all_2.md, ...)."""
    listed = pages_of("drills/all", drills)
    listed[0] = ("drills/index.md", *listed[0][1:])
    out = []
    for n, (path, lab, part) in enumerate(listed, 1):
        data = {"entries": part, "number": n, "of": len(listed), "count": len(drills), "start": lab,
                "previous": listed[n - 2][0] if n > 1 else None, "next": listed[n][0] if n < len(listed) else None,
                "pages": tuple((label, p) for p, label, _ in listed)}
        if n == 1:
            out.append(Page(path, "drills_index.md.j2", {**common, **context(path), **data},
                            key=tuple(sorted(data.items()))))
            continue
        data.update({"heading": "Audit drills", "drills": True, "first": listed[0][0], "index": "drills/index.md",
                     "index_title": "the audit drills' index"})
        out.append(Page(path, "case_listing.md.j2", {**common, **context(path), **data}, in_nav=False,
                        key=tuple(sorted(data.items()))))
    return out


def _by_condition(entries: list[Entry], cat: Catalog) -> list[tuple]:
    """[(condition name, category id or None, [entries])]: each case under its first diagnosis's category."""
    groups: dict = defaultdict(list)
    for e in entries:
        groups[e.category].append(e)
    out = [(c.name, c.id, groups[c.id]) for c in cat.categories if groups.get(c.id)]
    if groups.get(None):
        out.append((UNCATEGORISED, None, groups[None]))
    return out


def _by_code(entries: list[Entry], field: str) -> list[tuple]:
    """[(code, [entries])] sorted by code, for the find-by-code lists."""
    out: dict[str, list] = defaultdict(list)
    for e in entries:
        for code in getattr(e, field):
            out[code].append(e)
    return sorted(out.items())
