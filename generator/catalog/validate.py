"""Stage 3, validate: cross-reference checks on a shape-clean catalog.

Shape is already right when these run (see `schema.py`), so every check here is
about meaning: duplicates, dangling ids, ICD-10-CM codes that do not exist or
cannot be billed, rules past their review-by date. Checks yield problems and
never raise, so one run reports everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

from metdocs.errors import Problem
from metdocs.catalog.model import Catalog
from metdocs.catalog.reviews import check_reviews, stale


def check_catalog(cat: Catalog, *, today: dt.date, strict: bool = False, icd=None,
                  reviews_file: Path | None = None) -> list[Problem]:
    """All cross-reference problems of `cat`; `icd` is a code set with `lookup_many` (see icd.py).

    `reviews_file` is where a course records its reviews of shipped entries (see reviews.py).
    """
    problems: list[Problem] = []
    problems += _duplicates(cat)
    problems += _references(cat)
    problems += _coverage(cat)
    problems += _numbers(cat)
    problems += _dates(cat)
    problems += stale(cat, today, strict, reviews_file)
    problems += check_reviews(cat, today)
    if icd is not None:
        problems += _icd(cat, icd)
    return problems


def duplicates(items: Iterable, key: str, kind: str) -> Iterator[Problem]:
    """A problem for every item whose `key` was already used by an earlier item."""
    first = {}
    for item in items:
        k = getattr(item, key)
        if k in first:
            yield Problem(item.where, f"expected each {kind} once, found '{k}' again (first defined at {first[k]})")
        else:
            first[k] = item.where


def _duplicates(cat: Catalog) -> Iterator[Problem]:
    yield from duplicates(cat.sources, "id", "source id")
    yield from duplicates(cat.cpt_codes, "code", "CPT code")
    yield from duplicates(cat.categories, "id", "category id")
    yield from duplicates(cat.diagnoses, "code", "ICD-10-CM code")
    yield from duplicates(cat.document_types, "id", "document type id")
    yield from duplicates(cat.elements, "id", "element id")
    yield from duplicates(cat.rules, "id", "rule id")
    yield from duplicates(cat.measures, "id", "measure id")
    yield from duplicates(cat.populations, "id", "population id")


def _refs(owner, values, known: set, kind: str, hint: str) -> Iterator[Problem]:
    for v in values:
        if v not in known:
            yield Problem(owner.where, f"expected a known {kind}, found '{v}' ({hint})")


def _references(cat: Catalog) -> Iterator[Problem]:
    sources = {s.id for s in cat.sources}
    cpts = {c.code for c in cat.cpt_codes}
    doc_types = {d.id for d in cat.document_types}
    categories = {c.id for c in cat.categories}
    src_hint = "add it to a sources: list in data/catalog/"
    for item in (*cat.cpt_codes, *cat.diagnoses, *cat.elements, *cat.rules, *cat.measures):
        yield from _refs(item, item.sources, sources, "source id", src_hint)
    for c in cat.cpt_codes:
        yield from _refs(c, c.confused_with, cpts, "CPT code", "add it to cpt_codes: or remove it from confused_with")
        for m in c.misfits:
            yield from _refs(m, [m.belongs_under], cpts, "CPT code", "add it to cpt_codes: or correct belongs_under")
        if not c.in_scope and not c.scope_reason.strip():
            yield Problem(c.where, f"expected a code outside MedExPRO scope ({c.code}) to say why in scope_reason "
                                   "(a few words, such as 'a group code, not one-on-one'), found none")
        elif c.in_scope and c.scope_reason.strip():
            yield Problem(c.where, f"expected scope_reason only on a code a MedExPRO may not bill, found it on "
                                   f"{c.code}, which is in scope (it is never shown)", "warning")
    for d in cat.diagnoses:
        yield from _refs(d, [d.category], categories, "category id", "add it to categories:")
        for p in d.pairings:
            yield from _refs(p, [p.cpt], cpts, "CPT code", "add it to cpt_codes: first")
            c = cat.cpt(p.cpt)
            if c is not None and not c.in_scope:
                yield Problem(p.where, f"expected a pairing with an in-scope MET code, found {p.cpt}, "
                                       "which is outside MedExPRO scope", "warning")
    for e in cat.elements:
        yield from _refs(e, e.required_in, doc_types, "document type id", "add it to document_types:")
    populations = {p.id for p in cat.populations}
    pop_hint = "add it to a populations: list in data/catalog/"
    for m in cat.measures:
        if (m.meaningful_change is None) != (m.change_population is None):
            yield Problem(m.where, f"expected measure '{m.id}' to give meaningful_change and change_population "
                                   "together (a figure is only meaningful for the population it was measured in)")
        yield from _refs(m, [m.change_population] if m.change_population else [], populations,
                         "population id", pop_hint)
        for f in m.by_population:
            yield from _refs(f, [f.population], populations, "population id", pop_hint)
            yield from _refs(f, f.sources, sources, "source id", src_hint)
    for c in cat.categories:
        yield from _refs(c, c.precaution_sources, sources, "source id", src_hint)
        if c.precautions and not c.precaution_sources:
            yield Problem(c.where, f"expected the precautions of category '{c.id}' to name their sources "
                                   "(precaution_sources), found none")


MAX_THRESHOLD = 10_000
"""Largest rule threshold: 10,000 days is 27 years, far above any interval or minute count a
rule sets, and small enough that adding it to a date never overflows."""


def _numbers(cat: Catalog) -> Iterator[Problem]:
    """Numbers the engine computes with must be in a range where the arithmetic means something."""
    for r in cat.rules:
        if r.threshold is not None and not 0 <= r.threshold.value <= MAX_THRESHOLD:
            yield Problem(r.threshold.where.key("value"), f"expected a threshold value from 0 to {MAX_THRESHOLD:,}, "
                                             f"found {r.threshold.value:g}")
    for m in cat.measures:
        if m.meaningful_change is not None and m.meaningful_change < 0:
            yield Problem(m.where.key("meaningful_change"), "expected meaningful_change 0 or more (a size of change, "
                                                            f"whatever the direction), found {m.meaningful_change:g}")


def _coverage(cat: Catalog) -> Iterator[Problem]:
    """Every document type must require something, or its forms could prove nothing."""
    required = {t for e in cat.elements for t in e.required_in}
    for d in cat.document_types:
        if d.id not in required:
            yield Problem(d.where, f"expected at least one element with '{d.id}' in required_in, found none")


def _dates(cat: Catalog) -> Iterator[Problem]:
    for r in cat.rules:
        if r.effective > r.review_by:
            yield Problem(r.where.key("review_by"),
                          f"expected review_by after effective, found {r.review_by} before {r.effective}")


def _icd(cat: Catalog, icd) -> Iterator[Problem]:
    infos = icd.lookup_many([d.code for d in cat.diagnoses])
    for d, info in zip(cat.diagnoses, infos):
        if not info.valid:
            yield Problem(d.where.key("code"), f"expected an ICD-10-CM code of the FY2026 code set, found '{d.code}', "
                                   "which does not exist")
        elif not info.billable:
            kids = ", ".join(info.children[:12]) + (" ..." if len(info.children) > 12 else "")
            yield Problem(d.where.key("code"), f"expected a billable ICD-10-CM code, found header '{d.code}' "
                                   f"({info.title}), which is not billable; use one of: {kids}")
