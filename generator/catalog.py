"""Stage 2, model: turn the YAML files of data/catalog/ into one `Catalog`.

Each file is shape-checked against `CatalogFile` on its own; the lists of all
files are then merged in file order. Cross-file checks live in `validate.py`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .errors import Location, Problem
from .load import load_dir
from .model import Catalog, CatalogFile
from .schema import parse

LISTS = tuple(f.name for f in dataclasses.fields(CatalogFile) if f.name != "where")


def load_catalog(catalog_dir: Path) -> tuple[Catalog | None, list[Problem]]:
    """Read and shape-check every catalog file; the catalog is None when any file is broken."""
    if not catalog_dir.is_dir():
        return None, [Problem(Location.of(catalog_dir),
                              "expected a folder of catalog YAML files, found no such folder (use --data DIR)")]
    docs, problems = load_dir(catalog_dir)
    parts: list[CatalogFile] = []
    for doc in docs:
        part, probs = parse(CatalogFile, doc)
        problems.extend(probs)
        if part is not None:
            parts.append(part)
    if not docs and not problems:
        problems.append(Problem(Location.of(catalog_dir), "expected catalog YAML files (*.yaml), found none"))
    if any(p.is_error for p in problems):
        return None, problems
    merged = {name: tuple(item for part in parts for item in getattr(part, name)) for name in LISTS}
    return Catalog(**merged), problems
