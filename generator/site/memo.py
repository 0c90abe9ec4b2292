"""What one generation leaves for the next of the same project: incremental generation.

`metdocs serve` generates again on every save. Working everything out afresh cost as much as the
first build (22 s at a thousand cases for a one-word edit), so a `Memo` keeps, per input:

* the catalog part (the catalog, ICD-10-CM facts, the catalog's problems, the forms and their
  files), valid while no file but the case files changed (`base`: every file of data/ outside
  cases/, of templates/ and of site_src/assets/, with the day rules are judged on and `strict`);
  when it changes, everything is forgotten: a catalog or template edit regenerates everything;
* each case file's reading, privacy scan and audit (`screened`), valid while the file's stamp
  (modification time, size, inode) is the same;
* each case's view (`views`, see pages/casepages.py);
* each page's Markdown with the key it was made from (`pages`; see `Page.key`): a case page
  depends on its case, an index page on the entries it lists.

`site/pipeline.py` consults it; `Generated.rendered` and `Generated.screened` say what a run did
work out again (tests assert them).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from metdocs.files.project import Project


class Memo:
    """One project's generation state (see the module docstring)."""

    def __init__(self):
        self.base: tuple | None = None
        self.catalog: tuple | None = None
        """(catalog or None, its problems, the ICD-10-CM code set) from `pipeline.check`."""
        self.forms: tuple | None = None
        """(forms, their problems) from `pipeline.check`."""
        self.form_files: dict | None = None
        self.book: str | None = None
        """The rulebook's data for the drills (pages/casepages.book_script): the catalog's alone."""
        self.screened: dict = {}
        """Case file -> (stamp, what cases/read.py's per-file pass made of it)."""
        self.views: dict = {}
        self.pages: dict = {}
        """Page path -> (key, Markdown)."""
        self.env = None
        """The Jinja environment, its templates compiled."""
        self.read: list = []
        """The case files read by the current run."""
        self.rendered: list = []
        """The pages rendered by the current run."""
        self.last: tuple | None = None
        """(the inputs' fingerprint, the last result): plugin.generated returns it unchanged."""

    def refresh(self, project: Project, day: dt.date, strict: bool) -> None:
        """Forget everything when anything but a case file changed since the last run."""
        base = (day, strict, stamp(base_files(project)))
        if base != self.base:
            self.__init__()
            self.base = base

    def page(self, page) -> str | None:
        """The Markdown made for `page` before, if it was made from an equal key."""
        hit = self.pages.get(page.path)
        return hit[1] if hit is not None and hit[0] == page.key else None


def base_files(project: Project) -> list[Path]:
    """Every input file but the case files: what the catalog part and every page depend on."""
    out = []
    for layer in project.layers:
        cases = layer.data / "cases"
        for folder in (layer.data, layer.templates, layer.docs / "assets"):
            for root, dirs, files in os.walk(folder):
                if Path(root) == cases:
                    dirs.clear()
                    continue
                dirs.sort()
                out.extend(Path(root) / f for f in sorted(files))
    return out


def stamp(files) -> tuple:
    """(path, modification time, size, inode) of each file; a file that vanished stamps as None."""
    out = []
    for p in files:
        try:
            st = p.stat()
            out.append((str(p), st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            out.append((str(p), None))
    return tuple(out)
