"""Incremental `serve`: MkDocs rebuilds only the pages whose content changed.

MkDocs' dirty build (`mkdocs serve --dirty`, and always under `metdocs serve`) skips every page
whose `File.is_modified()` is false; a file generated in memory always says true, so every edit
rebuilt every page. Here each generated file carries a digest of its content (`GeneratedFile`),
and it counts as modified only when that differs from the last build's, or its output is missing.
A packet volume's digest covers the case pages it prints (`Generated.depends`).

A dirty build leaves alone what MkDocs does not know changed, so a `Served` state, kept by the
plugin from one build of a `serve` to the next, covers the rest:

* the nav: when an item of a section of the sidebar changes (added, removed, retitled), every
  page of that section and its neighbours (their footers link it) are rebuilt; when the top of
  the nav or the config changes, every page is (`nav_signature`, `touched`);
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

from jinja2.bccache import BytecodeCache
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


def mark_changes(files: list[GeneratedFile], served: Served, depends: dict) -> int:
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
        f.changed = served.digests.get(f.src_uri) != f.digest
        changed += f.changed
    return changed


def nav_signature(nav, contents: dict, config_files: list) -> tuple[tuple, dict]:
    """What the pages' sidebars, footers and heads depend on, as (what all pages show: the config
    files, each layer's mkdocs.yml, and the top of the nav; {top-level item: its pages with the
    title each page's source gives}). With navigation.prune a page's sidebar shows the top of the
    nav and the items of its own section only."""
    stamps = []
    for path in config_files:
        if os.path.isfile(path):
            st = os.stat(path)
            stamps.append((str(path), st.st_mtime_ns, st.st_size))
    top, sections = [], {}
    for n, item in enumerate(nav.items):
        key = (n, str(item.title), type(item).__name__,
               getattr(getattr(item, "file", None), "src_uri", None) or getattr(item, "url", None))
        top.append(key)
        sections[key] = tuple((p.file.src_uri, source_title(contents.get(p.file.src_uri), p.file))
                              for p in _pages(item))
    return (tuple(stamps), tuple(top)), sections


def _pages(item) -> list:
    if getattr(item, "file", None) is not None:
        return [item]
    return [p for child in (item.children or ()) for p in _pages(child)]


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


def touched(nav, last: tuple | None, now: tuple) -> set | None:
    """The pages whose sidebar or footer changed since the signature `last` (None: all of them):
    every page of a section whose items changed, and the pages next to them (their footers)."""
    if last is None or last[0] != now[0]:
        return None
    changed = {key for key, pages in now[1].items() if last[1].get(key) != pages}
    out: set = set()
    flat = nav.pages
    for i, page in enumerate(flat):
        top = page
        while top.parent is not None:
            top = top.parent
        if any(key[0] < len(nav.items) and nav.items[key[0]] is top for key in changed):
            out.update(p.file.src_uri for p in flat[max(i - 1, 0):i + 2])
    return out


def force_modified(files, only: set | None = None) -> None:
    """Make every file (or every file of `only`), hand-written ones too, count as modified now."""
    for f in files:
        if only is not None and f.src_uri not in only:
            continue
        if isinstance(f, GeneratedFile):
            f.changed = True
        else:
            f.is_modified = lambda: True  # noqa: B023 - the same answer for every file


def keep_titles(nav, served: Served) -> None:
    """Give each page of the nav that this build does not read the title it had (see the module)."""
    for page in nav.pages:
        if not page.file.is_modified() and page.file.src_uri in served.titles:
            page.title = served.titles[page.file.src_uri]


def remove_gone(served: Served, now: dict[str, str]) -> None:
    """Remove the output of files (pages, downloads, assets) that the last build had and this one
    has not."""
    for uri, dest in served.dests.items():
        if uri not in now:
            try:
                os.unlink(dest)
            except OSError:
                pass


def merge_search_index(search, order: list[str], served: Served) -> None:
    """Hand Material's search plugin every page's entries, before it writes its index: those
    built now, and the last build's for the rest (`order`: the pages, in the order a full build
    indexes them). Its own merge would assume a single page was rebuilt (and, after a rebuild of
    every page, would keep the last build's entries as well)."""
    search.search_index.entries = [e for uri in order for e in served.search.get(uri, ())]
    search.search_index_prev = None


class ThemeCache:
    """Under `serve`: the theme's compiled templates and its file list, kept from one build to
    the next. MkDocs makes a new Jinja environment for every build, which compiled Material's
    templates again (about half a second) and walked its folders (thousands of icons) again.
    Templates are still checked against their source (Jinja's checksum); folders inside the
    project (a theme's custom_dir) are walked every time."""

    def __init__(self, project_root: Path):
        self.root = project_root
        self.bytecode = _MemoryBytecode()
        self.lists: dict[str, list[str]] = {}
        self._original = None

    def install(self) -> None:
        from mkdocs.theme import Theme
        if self._original is not None:
            return
        self._original = original = Theme.get_env
        cache = self

        def get_env(theme):
            env = original(theme)
            env.bytecode_cache = cache.bytecode
            loader = env.loader
            if hasattr(loader, "searchpath") and not hasattr(loader, "loaders"):
                loader.list_templates = lambda: cache.list_templates(loader)
            return env
        Theme.get_env = get_env

    def uninstall(self) -> None:
        if self._original is not None:
            from mkdocs.theme import Theme
            Theme.get_env = self._original
            self._original = None

    def list_templates(self, loader) -> list[str]:
        """FileSystemLoader.list_templates, each folder outside the project walked once."""
        found: set[str] = set()
        for searchpath in loader.searchpath:
            names = self.lists.get(searchpath)
            if names is None:
                names = _walk(searchpath, loader.followlinks)
                if not Path(searchpath).resolve().is_relative_to(self.root):
                    # An installed theme. Its top-level dot folders (Material's .icons: thousands
                    # of files) are never a theme file MkDocs copies ('.*' in add_files_from_theme).
                    self.lists[searchpath] = names = [n for n in names if not n.startswith(".") or "/" not in n]
            found.update(names)
        return sorted(found)


def _walk(searchpath: str, followlinks: bool) -> list[str]:
    out = []
    for dirpath, _, filenames in os.walk(searchpath, followlinks=followlinks):
        for filename in filenames:
            name = os.path.join(dirpath, filename)[len(searchpath):].strip(os.path.sep).replace(os.path.sep, "/")
            out.append(name[2:] if name[:2] == "./" else name)
    return out


class _MemoryBytecode(BytecodeCache):
    """A Jinja bytecode cache in memory (Jinja keys it by template name and file, and checks the
    source's checksum before it uses an entry)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()
