"""Incremental `serve`: MkDocs rebuilds only the pages whose content changed.

MkDocs' dirty build (`mkdocs serve --dirty`, and always under `metdocs serve`) skips every page
whose `File.is_modified()` is false; a file generated in memory always says true, so every edit
rebuilt every page. Here each generated file carries a digest of its content (`GeneratedFile`),
and it counts as modified only when that differs from the last build's, or its output is missing.
A packet volume's digest covers the case pages it prints (`Generated.depends`).

A dirty build leaves alone what MkDocs does not know changed, so a `Served` state, kept by the
plugin from one build of a `serve` to the next, covers the rest:

* the nav: when the sidebar (its structure, or a title in it), the page list it is built from or
  the config changes, every page is rebuilt (`signature`);
* titles: a page MkDocs does not read again has no title; the pages built now still show it in
  their sidebar and footer, so it gets the title it had (`titles`);
* the search index: Material's search plugin merges a dirty build's entries as if one page had
  changed; here the index is written again from every page's entries (`search`);
* pages gone: their output is removed (MkDocs never removes anything in a dirty build).

A `metdocs build` or plain `mkdocs build` is never dirty: it builds everything.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from mkdocs.structure.files import File

_TITLE = re.compile(r"\A---\n(?:.*\n)*?title: (.*)\n(?:.*\n)*?---\n|^# (.*)$", re.M)


class GeneratedFile(File):
    """A page or download made by metdocs, modified only when its digest changed (see the module)."""

    digest: str = ""
    changed: bool = True

    def is_modified(self) -> bool:
        return self.changed or not os.path.isfile(self.abs_dest_path)


class Served:
    """What one build of a `serve` leaves for the next (see the module docstring)."""

    def __init__(self):
        self.digests: dict[str, str] = {}
        self.dests: dict[str, str] = {}
        self.signature: tuple | None = None
        self.titles: dict[str, str] = {}
        self.search: dict[str, list] = {}
        """Page source path -> its search index entries."""
        self._texts: dict[str, tuple[object, str]] = {}
        """Page source path -> (the content last digested, its digest): unchanged content is the
        very same object (site/memo.py), so it is not hashed again."""

    def digest(self, path: str, content) -> str:
        kept = self._texts.get(path)
        if kept is not None and kept[0] is content:
            return kept[1]
        data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
        value = hashlib.sha256(data).hexdigest()
        self._texts[path] = (content, value)
        return value

    def forget(self) -> None:
        """After a failed build: the next one rebuilds everything."""
        self.signature = None
        self.digests.clear()


def mark_changes(files: list[GeneratedFile], served: Served, depends: dict, full: bool) -> int:
    """Give each generated file its digest and say whether it changed; returns how many did."""
    by_path = {f.src_uri: f for f in files}
    for f in files:
        f.digest = served.digest(f.src_uri, f._content)
    for page, members in depends.items():  # a packet volume prints its cases' HTML
        f = by_path.get(page)
        if f is not None and members:
            f.digest = hashlib.sha256("\0".join([f.digest, *(by_path[m].digest for m in members
                                                             if m in by_path)]).encode()).hexdigest()
    changed = 0
    for f in files:
        f.changed = full or served.digests.get(f.src_uri) != f.digest
        changed += f.changed
    return changed


def signature(config, files, contents: dict, config_files: list) -> tuple:
    """What every page's sidebar, footer and head depend on: the config files (each layer's
    mkdocs.yml), the nav and the source title of every page in it."""
    stamps = []
    for path in config_files:
        if os.path.isfile(path):
            st = os.stat(path)
            stamps.append((str(path), st.st_mtime_ns, st.st_size))
    in_nav = sorted(f.src_uri for f in files.documentation_pages() if not f.inclusion.is_not_in_nav())
    titles = tuple((uri, source_title(contents.get(uri), files.get_file_from_path(uri))) for uri in in_nav)
    return tuple(stamps), json.dumps(config.nav, default=str), titles


def source_title(content, file) -> str | None:
    """The title a page's source gives (front matter, else its first heading): for change
    detection only, never shown."""
    if content is None and file is not None and file.abs_src_path:
        try:
            content = Path(file.abs_src_path).read_text(encoding="utf-8", errors="replace")[:4000]
        except OSError:
            return None
    if not isinstance(content, str):
        return None
    m = _TITLE.search(content)
    return (m.group(1) or m.group(2)) if m else None


def force_modified(files) -> None:
    """Make every file (hand-written ones too) count as modified in this build."""
    for f in files:
        if not isinstance(f, GeneratedFile):
            f.is_modified = lambda: True  # noqa: B023 - the same answer for every file


def keep_titles(nav, served: Served) -> None:
    """Give each page of the nav that this build does not read the title it had (see the module)."""
    for page in nav.pages:
        if not page.file.is_modified() and page.file.src_uri in served.titles:
            page.title = served.titles[page.file.src_uri]


def remove_gone(served: Served, now: dict[str, str]) -> None:
    """Remove the output of generated files that the last build had and this one has not."""
    for uri, dest in served.dests.items():
        if uri not in now:
            try:
                os.unlink(dest)
            except OSError:
                pass


def write_search_index(config, search, order: list[str], served: Served) -> None:
    """Write Material's search index from every page's entries: those built now, and the last
    build's for the rest (`order`: the pages, in the order a full build indexes them)."""
    index = search.search_index
    index.entries = [e for uri in order for e in served.search.get(uri, ())]
    from mkdocs import utils
    utils.write_file(index.generate_search_index(None).encode("utf-8"),
                     os.path.join(config.site_dir, "search", "search_index.json"))
