"""Stage 4, plan: decide which pages exist, where they live and what each template gets.

All slugs, links, sorting and grouping are decided here, so templates stay
dumb. Every generated page lives one folder deep (`cpt/97110.md`), so a link
from any generated page to another is `../<folder>/<file>.md`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from metdocs.catalog.model import Catalog

SECTIONS = ("standards", "scope", "cpt", "icd10", "pairing", "measures", "sources")
"""Top-level generated folders, each with an index.md that mkdocs.yml's nav may name."""


@dataclass(frozen=True)
class Page:
    """A page to generate: destination under the docs folder, template and its context."""

    path: str
    template: str
    context: dict
    in_nav: bool = True
    """False keeps the page out of the sidebar (it stays reachable and searchable)."""
    key: object = None
    """What the page shows besides the catalog and the templates, as plain comparable data (a case
    page: its case; an index: its entries). A later generation whose catalog and templates did not
    change reuses the page's Markdown while its key is equal (site/pipeline.py). None: the page
    shows the catalog and templates only."""


ANCHOR_KINDS = ("element", "rule", "source", "category")
"""Catalog entries with an anchor on a section page. Each kind has its own prefix, so an element
and a rule with the same id (say 'measurable-improvement') get two ids, and no id can equal a
heading's own slug (fixed headings such as 'Elements' never start with a kind and a dash)."""


def anchor(kind: str, id_: str) -> str:
    """The HTML id of a catalog entry on its section page: 'rule-reassess-every-30-days'."""
    if kind not in ANCHOR_KINDS:
        raise ValueError(f"no anchors for {kind!r}")  # a template bug, not user data
    return f"{kind}-{id_}"


def href(path: str) -> str:
    """Link from a generated page (one folder deep) to `path`."""
    return "../" + path


def cpt_path(code: str) -> str:
    return f"cpt/{code}.md"


def icd_path(code: str) -> str:
    return f"icd10/{code}.md"


def measure_path(id_: str) -> str:
    return f"measures/{id_}.md"


def plan(cat: Catalog) -> list[Page]:
    """Every page of the catalog part of the site, in nav order."""
    common = {"catalog": cat, "href": href, "cpt_path": cpt_path, "icd_path": icd_path,
              "measure_path": measure_path, "icd": cat.icd, "sources": {s.id: s for s in cat.sources},
              "populations": {p.id: p for p in cat.populations}}
    by_cpt = _diagnoses_by_cpt(cat)
    by_category = _diagnoses_by_category(cat)
    pages = [
        Page("standards/index.md", "standards.md.j2", {**common, "matrix": _matrix(cat)}),
        Page("scope/index.md", "scope.md.j2", {**common, "rules": {r.id: r for r in cat.rules}}),
        Page("cpt/index.md", "cpt_index.md.j2", common),
    ]
    for c in sorted(cat.cpt_codes, key=lambda c: (not c.in_scope, c.code)):
        pages.append(Page(cpt_path(c.code), "cpt_code.md.j2", {**common, "cpt": c, "diagnoses": by_cpt[c.code]}))
    pages.append(Page("icd10/index.md", "icd_index.md.j2", {**common, "groups": by_category}))
    for d in sorted(cat.diagnoses, key=lambda d: d.code):
        pages.append(Page(icd_path(d.code), "icd_code.md.j2",
                          {**common, "dx": d, "category": _category(cat, d.category)}))
    pages.append(Page("pairing/index.md", "pairing_index.md.j2", common))
    pages.append(Page("pairing/by-code.md", "pairing_by_code.md.j2", {**common, "by_cpt": by_cpt}))
    pages.append(Page("pairing/by-condition.md", "pairing_by_condition.md.j2", {**common, "groups": by_category}))
    pages.append(Page("measures/index.md", "measures_index.md.j2", common))
    for m in cat.measures:
        pages.append(Page(measure_path(m.id), "measure.md.j2", {**common, "m": m}))
    pages.append(Page("sources/index.md", "sources.md.j2", {**common, "cited_by": _cited_by(cat)}))
    return pages


def _category(cat: Catalog, id_: str):
    return next(c for c in cat.categories if c.id == id_)


def _diagnoses_by_cpt(cat: Catalog) -> dict[str, list]:
    """CPT code -> [(diagnosis, pairing)], sorted by ICD code."""
    out = defaultdict(list)
    for d in sorted(cat.diagnoses, key=lambda d: d.code):
        for p in d.pairings:
            out[p.cpt].append((d, p))
    return out


def _diagnoses_by_category(cat: Catalog) -> list[tuple]:
    """[(category, [diagnoses sorted by code])] in catalog order, empty categories left out."""
    groups = []
    for c in cat.categories:
        members = sorted((d for d in cat.diagnoses if d.category == c.id), key=lambda d: d.code)
        if members:
            groups.append((c, members))
    return groups


def _matrix(cat: Catalog) -> list[tuple]:
    """[(element, [True/False per document type])] for the requirements table."""
    return [(e, [t.id in e.required_in for t in cat.document_types]) for e in cat.elements]


def _cited_by(cat: Catalog) -> dict[str, list[str]]:
    """Source id -> sorted labels of the entries that cite it."""
    out = defaultdict(set)
    for c in cat.cpt_codes:
        for s in c.sources:
            out[s].add(f"CPT {c.code}")
    for d in cat.diagnoses:
        for s in d.sources:
            out[s].add(f"ICD-10 {d.code}")
    for kind, items in (("element", cat.elements), ("rule", cat.rules), ("measure", cat.measures)):
        for item in items:
            for s in item.sources:
                out[s].add(f"{kind} {item.id}")
    return {k: sorted(v) for k, v in out.items()}
