"""Where the shipped project lives: the catalog, cases, forms, page templates, site assets and
mkdocs.yml that metdocs comes with.

In a source checkout (an editable install included) they are the repository's own top-level
folders, next to this package. An installed wheel carries copies of them as package data in
`metdocs/_shipped/` (written by the build hook in `_packaging.py`).

A course project made by `metdocs new` builds on them by reference: its mkdocs.yml says
`INHERIT: !!python/name:metdocs.shipped.MKDOCS_YML` (see `files/course.py`). That name is
public: it must not move.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
_PACKED = _HERE / "_shipped"

PACKED: bool = (_PACKED / "mkdocs.yml").is_file()
"""True in an installed wheel (the shipped project is package data), False in a source checkout."""

ROOT: Path = _PACKED if PACKED else _HERE.parent
"""The shipped project's folder (holding mkdocs.yml, data/, templates/ and site_src/)."""

MKDOCS_YML: str = str(ROOT / "mkdocs.yml")
"""The shipped configuration, as a string: MkDocs' INHERIT takes a path."""
