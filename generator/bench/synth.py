"""The benchmark's throwaway project: the shipped one, with N cases copied from its own.

Each copy is renamed, otherwise identical, so every copy passes the audit and the build does
the same work per case as for the shipped ones.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path


def synthesise(source: Path, dest: Path, n: int, data: Path | None = None) -> None:
    """Copy the project at `source` into `dest` with exactly `n` cases made from the ones in
    `data` (default: the project's data/), whose catalog it copies too."""
    data = data or source / "data"
    for name in ("templates", "site_src"):
        shutil.copytree(source / name, dest / name)
    shutil.copytree(data / "catalog", dest / "data" / "catalog")
    shutil.copy(source / "mkdocs.yml", dest / "mkdocs.yml")
    cases = dest / "data" / "cases"
    cases.mkdir(parents=True)
    shipped = sorted((data / "cases").glob("*.yaml"))
    if not shipped:
        from metdocs.errors import UsageError
        raise UsageError(f"expected case files to copy in {data / 'cases'}/, found none")
    for i in range(n):
        src = shipped[i % len(shipped)]
        new_id = f"{src.stem}-{i:04d}"
        text = re.sub(rf"(?m)^id: {re.escape(src.stem)}$", f"id: {new_id}", src.read_text(encoding="utf-8"), count=1)
        (cases / f"{new_id}.yaml").write_text(text, encoding="utf-8")
