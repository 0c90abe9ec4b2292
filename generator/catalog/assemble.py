"""Stage 2, model: turn the YAML files of data/catalog/ into one `Catalog`.

Each file is shape-checked against `CatalogFile` on its own; the lists of all
files are then merged in file order. A course project's catalog folder is a second
layer on top of the shipped one (`layers.py`). Cross-file checks live in `validate.py`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from metdocs.errors import Location, Problem
from metdocs.catalog.layers import merge
from metdocs.catalog.load import load_dir
from metdocs.catalog.model import Catalog, CatalogFile
from metdocs.catalog.reviews import renew
from metdocs.catalog.schema import parse

LISTS = tuple(f.name for f in dataclasses.fields(CatalogFile) if f.name != "where")


KEYS = {"sources": ("id", "source id"), "cpt_codes": ("code", "CPT code"), "categories": ("id", "category id"),
        "diagnoses": ("code", "ICD-10-CM code"), "document_types": ("id", "document type id"),
        "elements": ("id", "element id"), "rules": ("id", "rule id"), "measures": ("id", "measure id"),
        "populations": ("id", "population id")}
"""Each list -> (the field that identifies an entry, what the entry is called in messages)."""

UNMERGED = ("reviews",)
"""Lists every layer adds to rather than replacing by id: a course's reviews of shipped entries."""
"""Each list -> (the field that identifies an entry, what the entry is called in messages)."""


def load_catalog(catalog_dirs: Path | Sequence[Path]) -> tuple[Catalog | None, list[Problem]]:
    """Read and shape-check every catalog file; the catalog is None when any file is broken.

    `catalog_dirs` is one folder, or the folders of each layer, the shipped one first (a course
    project's own folder may be missing: it need not add anything).
    """
    dirs = [catalog_dirs] if isinstance(catalog_dirs, Path) else list(catalog_dirs)
    problems: list[Problem] = []
    layers: list[list[CatalogFile]] = []
    for depth, catalog_dir in enumerate(dirs):
        if not catalog_dir.is_dir():
            if depth:
                continue
            return None, [Problem(Location.of(catalog_dir),
                                  "expected a folder of catalog YAML files, found no such folder (use --data DIR)")]
        docs, probs = load_dir(catalog_dir)
        problems.extend(probs)
        parts: list[CatalogFile] = []
        for doc in docs:
            part, probs = parse(CatalogFile, doc)
            problems.extend(probs)
            if part is not None:
                parts.append(part)
        if not docs and not probs and not depth:
            problems.append(Problem(Location.of(catalog_dir), "expected catalog YAML files (*.yaml), found none"))
        layers.append(parts)
    if any(p.is_error for p in problems):
        return None, problems
    merged, shipped = {}, set()
    for name in LISTS:
        per_layer = [[item for part in parts for item in getattr(part, name)] for parts in layers]
        if name in UNMERGED:
            merged[name] = tuple(item for items in per_layer for item in items)
            continue
        key, kind = KEYS[name]
        merged[name], probs = merge(per_layer, key, kind)
        merged[name] = tuple(merged[name])
        problems.extend(probs)
        if len(per_layer) > 1:  # a course: which entries it takes from the shipped layer as they are
            below = {id(item) for item in per_layer[0]}
            shipped |= {(name, getattr(item, key)) for item in merged[name] if id(item) in below}
    return renew(Catalog(**merged, shipped=frozenset(shipped))), problems
