"""The MkDocs plugin: plain `mkdocs build` / `mkdocs serve` work as MkDocs users expect.

Registered as `metdocs` in pyproject.toml's `mkdocs.plugins` entry points and
listed under `plugins:` in mkdocs.yml. It runs the pipeline in `on_config`,
expands the nav, adds the generated pages as in-memory files (nothing is written
into site_src/), and watches every input folder when serving (serve/watch.py).

Under a dirty `serve` (`metdocs serve`, `mkdocs serve --dirty`) each rebuild regenerates only
what the edit touched (site/memo.py) and hands MkDocs only the pages whose content changed
(site/serve/dirty.py). The plugin keeps its state from one rebuild to the next: MkDocs keeps a plugin
that has `on_startup` for the whole server.
"""

from __future__ import annotations

import html as htmllib
import logging
import os
import re
from pathlib import Path

from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel, set_exclusions

from metdocs.files import sitedir
from metdocs.files.cache import check_cache_dir
from metdocs.errors import UsageError
from metdocs.pages.packets import Piece, answers_in, fill, url_dir
from metdocs.files.project import Project
from metdocs.site.serve import dirty
from metdocs.site.memo import Memo
from metdocs.site.pieces import Spool
from metdocs.site.pipeline import Generated, generate
from metdocs.site.serve.serving import keep_serving
from metdocs.site.serve.watch import watch_inputs
from metdocs.work import chunks

log = logging.getLogger("mkdocs.plugins.metdocs")  # under "mkdocs." so warnings count for --strict
progress = logging.getLogger("mkdocs.plugins.metdocs.serve")
"""What a dirty rebuild rebuilds (`metdocs serve` shows it)."""

MAX_NAV_CHILDREN = 60
"""Sections with more pages than this list only their index in the sidebar.

Material renders the whole nav into every page, so a long section makes the
build quadratic in its size; the index page links every child instead.
"""
MAX_CASES_IN_NAV = 24
"""The same for the worked cases and the drills, which grow with a course and are what an
educator edits under `serve`: a case's new title changes the sidebar of every page of its section
(site/serve/dirty.py rebuilds them all), so past this many the section index lists them instead."""
CASE_SECTIONS = ("cases", "drills")

_memos: dict[tuple, Memo] = {}
"""(project, strict, directory_urls) -> what the last generation worked out (site/memo.py); one
project at a time."""

_RAW_BLOCK = re.compile(r"(?<=\n\n)<(?:div|p|table|details|blockquote|ul|ol|section)[ >][^\n]*"
                        r"(?:\n<(?:div|p|table|details|blockquote|ul|ol|section)[ >][^\n]*)*(?=\n\n|\n?\Z)")
"""Raw HTML blocks, one element per line between blank lines, as the case templates write them (`tight`)."""
_SET_ASIDE = re.compile(r"<!--metdocs:raw:([0-9]+)-->")


def set_aside(markdown: str) -> tuple[str, list[str]]:
    """Replace each run of one-line raw HTML blocks of a generated case or drill page with a comment.

    Python-Markdown passes such a block through verbatim, but only after MkDocs (anchor
    check) and md_in_html have each parsed it tag by tag; most of a case page is such blocks
    (see partials/case_record.md.j2). A comment is one event for both; `put_back` restores the
    block in the HTML, so the page comes out byte for byte the same. Values in the templates
    are escaped, so no text can forge a block start or a marker.
    """
    blocks: list[str] = []

    def stash(m: re.Match) -> str:
        blocks.append(m.group(0))
        return f"<!--metdocs:raw:{len(blocks) - 1}-->"

    return _RAW_BLOCK.sub(stash, markdown), blocks


def put_back(html: str, blocks: list[str]) -> str:
    return _SET_ASIDE.sub(lambda m: blocks[int(m.group(1))], html) if blocks else html


_UNSEARCHED = re.compile(r"<(section|div)\b[^>]*\bdata-search-exclude\b[^>]*>")
_HELD = re.compile(r"<!--metdocs:unsearched:([0-9]+)-->")


def hold_back(html: str) -> tuple[str, list[str]]:
    """Take each element marked `data-search-exclude` out of a page's HTML, leaving a comment.

    Material's search skips such an element but still parses it tag by tag, and on a case or
    drill page the claim lines, the units engine's working and the CMS-1500 view are most of the
    tags (search was the build's largest cost at a thousand cases). Held back until
    `on_post_page`, they never reach the search plugin, which reads `page.content`, yet the
    page comes out whole. Values in the templates are escaped, so no text holds a '<' that could
    open or close an element here, or forge a marker.
    """
    if "data-search-exclude" not in html:
        return html, []
    held: list[str] = []
    out, pos = [], 0
    while (m := _UNSEARCHED.search(html, pos)) is not None:
        end = _element_end(html, m.group(1), m.end())
        if end is None:  # not closed: leave the rest for search to read, as before
            break
        out.append(html[pos:m.start()] + f"<!--metdocs:unsearched:{len(held)}-->")
        held.append(html[m.start():end])
        pos = end
    out.append(html[pos:])
    return "".join(out), held


def _element_end(html: str, tag: str, pos: int) -> int | None:
    """Where the element of `tag` opened just before `pos` ends (after its closing tag)."""
    depth = 1
    for m in re.compile(rf"<(/?){tag}[\s>]").finditer(html, pos):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return html.index(">", m.start()) + 1
    return None


def put_back_held(output: str, held: list[str]) -> str:
    return _HELD.sub(lambda m: held[int(m.group(1))], output, count=len(held)) if held else output


def escape_title(page) -> None:
    """Make the page's title HTML text, escaped exactly once, wherever the theme prints it.

    Material prints `page.meta.title` raw into <title> and the header, `page.title` raw into the
    nav and footer, and, for a page without a front-matter title, `page.title | striptags` into
    <title>, which turns a heading's &lt;/title&gt; back into a live tag. So every page but the
    home page gets `meta.title` as escaped `Markup`: printed raw it is right, `| e` leaves it
    alone, and `page.title` returns it. The plain text is the front-matter title, or else the
    title MkDocs took from the first heading (entities there are decoded first, so they are
    escaped once, not twice) or from the nav.
    """
    title = page.meta.get("title")
    if title is not None:
        page.meta["title"] = Markup.escape(title if isinstance(title, Markup) else str(title))
    elif not page.is_homepage and page.title:
        page.meta["title"] = Markup.escape(htmllib.unescape(str(page.title)))


DATA_ENV = "METDOCS_DATA_DIR"
"""Set by `metdocs build/serve --data DIR` (and usable with plain `mkdocs`): the data folder to
build from, instead of `data_dir`. MkDocs loads the config afresh on every build and serve
reload, so the CLI's choice has to reach the plugin from outside the config file."""


class MetdocsConfig(Config):
    data_dir = c.Type(str, default="data")
    """Folder holding catalog/ (and cases/), relative to mkdocs.yml; $METDOCS_DATA_DIR overrides it."""
    strict = c.Type(bool, default=False)
    """Treat warnings (such as a rule past its review-by date) as errors."""


class MetdocsPlugin(BasePlugin[MetdocsConfig]):
    """Generate the catalog pages into the MkDocs build."""

    serving = False
    """True under `serve`: state is kept from one build to the next."""
    dirty = False
    """True under a dirty `serve`: only changed pages are rebuilt (site/serve/dirty.py)."""

    def on_startup(self, *, command, dirty):
        # Having on_startup makes MkDocs keep this instance for the whole server (config_options.Plugins).
        self.serving, self.dirty = command == "serve", bool(dirty) and command == "serve"
        self.served = self.spool = self.theme = None

    def on_shutdown(self):
        if getattr(self, "spool", None) is not None:
            self.spool.close()
        if getattr(self, "theme", None) is not None:
            self.theme.uninstall()
        self.serving = self.dirty = False
        self.served = self.spool = self.theme = None

    def on_config(self, config, **kwargs):
        root = Path(config.config_file_path).parent
        self.project = Project.for_config(Path(config.config_file_path), data_dir(root, self.config.data_dir))
        # Plain `mkdocs build` empties its site_dir first: the same rules as `metdocs build`.
        try:
            protected = sitedir.protected_for(self.project, Path(config.config_file_path), Path(config.docs_dir))
            sitedir.check_target(Path(config.site_dir), protected, what="site_dir")
            check_cache_dir(protected)
        except UsageError as e:
            raise PluginError(str(e)) from None
        settle_config(config)
        if self.dirty and self.theme is None:
            self.theme = dirty.ThemeCache(self.project.root)
            self.theme.install()
        # The offline plugin (listed before this one) has already set use_directory_urls false.
        self.generated = generated(self.project, strict=self.config.strict,
                                   directory_urls=config.use_directory_urls, apart=not self.serving)
        for w in self.generated.warnings:
            log.info(str(w))  # warnings are the CLI's to show; --strict must not trip on them here
        config.nav = expand_nav(config.nav, sidebar(self.generated.nav))
        return config

    def on_files(self, files: Files, *, config) -> Files:
        sitemap = files.get_file_from_path("sitemap.xml")
        if not config.site_url and sitemap is not None and not sitemap.abs_src_path.startswith(config.docs_dir):
            files.remove(sitemap)
        for layer in reversed(self.project.layers[:-1]):
            add_layer_docs(files, layer.docs, config, skip=self.generated.files)
        in_nav = {p for kids in sidebar(self.generated.nav).values() for p in kids}
        made = []
        for path, content in sorted(self.generated.files.items()):
            file = dirty.GeneratedFile.generated(config, path, content=content)
            if path.endswith(".md") and not path.endswith("index.md") and path not in in_nav:
                # Reachable from its section index and search, deliberately not in the sidebar.
                file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)
            made.append(file)
        self.files = files
        if self.dirty:
            self._mark_changes(files, made, config)
        return files

    def _mark_changes(self, files: Files, made: list, config) -> None:
        """Under a dirty serve: which generated files changed (site/serve/dirty.py); on_nav adds the
        pages whose navigation changed."""
        self.served = getattr(self, "served", None) or dirty.Served()
        self.changed = dirty.mark_changes(made, self.served, self.generated.depends)

    def on_nav(self, nav, *, config, files):
        if not self.dirty:
            return nav
        served = self.served
        self.signature = dirty.nav_signature(nav, self.generated.files,
                                             [layer.root / "mkdocs.yml" for layer in self.project.layers])
        touched = dirty.touched(nav, served.signature, self.signature)
        self.full = touched is None
        dirty.force_modified(files, touched)
        if self.full:
            if served.signature is not None:
                progress.info("metdocs: the navigation's top or the configuration changed: rebuilding every page")
        else:
            progress.info(f"metdocs: {self.changed} of {len(self.generated.files)} generated files changed"
                          + (f", and the navigation of {len(touched)} pages" if touched else "")
                          + "; rebuilding those")
            dirty.keep_titles(nav, served)
        return nav

    def on_template_context(self, context, *, template_name, config):
        if template_name == "404.html" and _offline(config):
            # MkDocs gives the error page URLs from the server root ('/cpt/...') because a server
            # shows it at any path; a file:// edition has no server root, and the page is at the
            # top of the site, so links relative to it work.
            context["base_url"] = "."
        return context

    def on_pre_build(self, *, config):
        self.set_aside: dict[str, list[str]] = {}
        self.held: dict[str, list[str]] = {}
        """Source path -> the elements `hold_back` kept from search, until `on_post_page`."""
        self.built_search: dict[str, list] = {}
        self._search_mark = 0
        self.full = True
        if not self.serving or getattr(self, "spool", None) is None:
            self.spool = Spool(keep_prepared=self.serving)

    def on_page_markdown(self, markdown, *, page, config, files):
        if markdown.startswith("---\n") and page.file.src_uri in self.generated.files:
            # MkDocs reads front matter it cannot parse as page text, silently; for a generated
            # page that would publish a title unescaped, so it is a bug to stop on.
            raise PluginError(f"metdocs: the front matter of generated page {page.file.src_uri} could not be read "
                              "(this is a bug in metdocs; please report it)")
        folder, _, name = page.file.src_uri.partition("/")
        if folder in ("cases", "drills") and name != "index.md" and page.file.src_uri in self.generated.files:
            markdown, self.set_aside[page.file.src_uri] = set_aside(markdown)
        return markdown

    def on_page_content(self, html, *, page, config, files):
        escape_title(page)
        folder, _, name = page.file.src_uri.partition("/")
        html = put_back(html, self.set_aside.pop(page.file.src_uri, []))
        # Keep each case and drill page's HTML on disk for the print packets (packets.py, pieces.py).
        # (Listing pages, such as cases/by_cpt_97110.md, have an underscore, which no case id has.)
        if folder in ("cases", "drills") and name != "index.md" and page.file.src_uri in self.generated.files \
                and "_" not in name:
            self.spool.put(page.file.src_uri, Piece(name.removesuffix(".md"), url_dir(page.url), html))
        if self.dirty:
            self.served.titles[page.file.src_uri] = page.title
        html, self.held[page.file.src_uri] = hold_back(html)
        return html

    def on_page_context(self, context, *, page, config, nav):
        if self.dirty:  # the entries Material's search plugin just made for this page
            search = _search(config)
            if search is not None:
                entries = search.search_index.entries
                self.built_search[page.file.src_uri] = entries[self._search_mark:]
                self._search_mark = len(entries)
        return context

    def on_post_page(self, output, *, page, config):
        output = put_back_held(output, self.held.pop(page.file.src_uri, []))
        answers = answers_in(page.file.src_uri)
        if answers is None:
            return output
        packet_dir = url_dir(page.url)
        return fill(output, lambda path: self.spool.prepared(path, packet_dir, answers))

    @event_priority(50)  # before Material's search plugin, which writes the search index
    def on_post_build(self, *, config):
        sitedir.mark(Path(config.site_dir))  # a site plain `mkdocs build` made is ours to replace too
        if self.dirty:
            self._after_dirty_build(config)
        if not self.serving:
            self.spool.close()

    def _after_dirty_build(self, config) -> None:
        served = self.served
        dests = {f.src_uri: f.abs_dest_path for f in self.files}
        dirty.remove_gone(served, dests)  # pages and files gone since the last build (hand-written ones too)
        served.dests = dests
        served.digests = {f.src_uri: f.digest for f in self.files if isinstance(f, dirty.GeneratedFile)}
        served.signature = self.signature
        order = [f.src_uri for f in self.files.documentation_pages()]
        served.search = {uri: self.built_search.get(uri, served.search.get(uri, [])) for uri in order}
        search = _search(config)
        if search is not None:
            dirty.merge_search_index(search, order, served)

    def on_build_error(self, *, error):
        if getattr(self, "served", None) is not None:
            self.served.forget()
        if not self.serving and getattr(self, "spool", None) is not None:
            self.spool.close()

    def on_serve(self, server, *, config, builder):
        watch_inputs(server, self.project)  # data/, templates/ and site_src/, also when created later
        keep_serving(server)  # every request answered, also while the data has an error (serve/serving.py)
        return server


def settle_config(config) -> None:
    """What mkdocs.yml says, made safe to print and to serve from any static host.

    The theme prints site_name and site_description unescaped (into <title>, an attribute):
    as escaped `Markup` they read right there and are not escaped twice where the theme
    escapes (`| e`); a course's name is the educator's text. Without site_url there is no
    sitemap (it needs absolute URLs; MkDocs would write relative ones), and Material's instant
    navigation, which asks every host for /sitemap.xml and logs the 404 as a console error,
    could not work anyway (it needs site_url to be the address the pages come from): off."""
    for key in ("site_name", "site_description"):
        if config.get(key):
            config[key] = Markup.escape(config[key] if isinstance(config[key], Markup) else str(config[key]))
    if not config.site_url:
        # Not rendered, the sitemap would be copied as a theme file instead: on_files drops that.
        config.theme.static_templates.discard("sitemap.xml")
        config.theme["features"] = [f for f in config.theme.get("features", []) if not f.startswith("navigation.instant")]


def _search(config):
    """Material's search plugin, when it is on."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    return plugin if plugin is not None and hasattr(plugin, "search_index") else None


def _offline(config) -> bool:
    """True when Material's offline plugin is on: this build is the file:// edition."""
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return bool(plugin is not None and plugin.config.get("enabled"))


def add_layer_docs(files: Files, docs: Path, config, *, skip) -> None:
    """Add the pages and assets of a lower layer's docs folder (the shipped site_src/ under a
    course) that the files so far do not have: a course's own file replaces the shipped one."""
    if not docs.is_dir():
        return
    have = {f.src_uri for f in files}
    extra = [File(p.relative_to(docs).as_posix(), str(docs), config.site_dir, config.use_directory_urls)
             for p in sorted(docs.rglob("*")) if p.is_file()]
    extra = [f for f in extra if f.src_uri not in have and f.src_uri not in skip]
    set_exclusions(extra, config)  # the same exclude_docs as MkDocs applies to docs_dir
    for f in extra:
        files.append(f)


def data_dir(root: Path, configured: str) -> Path:
    """The data folder: $METDOCS_DATA_DIR when set (see DATA_ENV), else `data_dir` from mkdocs.yml."""
    chosen = os.environ.get(DATA_ENV)
    if not chosen:
        return root / configured  # a missing folder is the pipeline's located error
    if not Path(chosen).is_dir():
        raise PluginError(f"expected ${DATA_ENV} to name a data folder, found no folder at {chosen}")
    return Path(chosen)


def generated(project: Project, *, strict: bool, timings: dict | None = None,
              directory_urls: bool = True, apart: bool = False) -> Generated:
    """Generate, working out again only what changed since the last generation of the same
    project (site/memo.py: fast serve reloads), and nothing while no input file changed (`metdocs
    build` generates before MkDocs starts, and the plugin asks again in on_config).

    `apart`: generate in a forked process that hands back the result alone (work.chunks.apart),
    so the model never takes this process's memory: for one build, not for `serve`."""
    key = (project, strict, bool(directory_urls))
    if key not in _memos:
        _memos.clear()  # one project at a time
    memo = _memos.setdefault(key, Memo())
    fingerprint = project.fingerprint()
    if memo.last is not None and memo.last[0] == fingerprint and timings is None:
        return memo.last[1]
    if apart:
        result, spent = chunks.apart(_generate_alone, project, strict, bool(directory_urls), timings is not None)
        if timings is not None:
            timings.update(spent)
    else:
        result = generate(project, strict=strict, timings=timings, directory_urls=bool(directory_urls), memo=memo)
    memo.last = (fingerprint, result)
    return result


def _generate_alone(project: Project, strict: bool, directory_urls: bool, timed: bool) -> tuple[Generated, dict]:
    """`generate` from nothing, with its timings (in a process of its own: see `generated`)."""
    timings: dict = {} if timed else None
    return generate(project, strict=strict, timings=timings, directory_urls=directory_urls), timings or {}


def sidebar(children: dict[str, list[str]]) -> dict[str, list[str]]:
    """The generated sections small enough to list their pages in the sidebar (see MAX_NAV_CHILDREN)."""
    return {folder: kids for folder, kids in children.items()
            if len(kids) <= (MAX_CASES_IN_NAV if folder in CASE_SECTIONS else MAX_NAV_CHILDREN)}


def expand_nav(nav, children: dict[str, list[str]]):
    """Turn each nav entry `Title: <section>/index.md` into a section holding its generated pages."""
    if not nav:
        return nav
    out = []
    for entry in nav:
        if isinstance(entry, dict) and len(entry) == 1:
            (title, target), = entry.items()
            if isinstance(target, str) and target.endswith("/index.md"):
                kids = children.get(target.split("/")[0], [])
                if kids:
                    entry = {title: [target, *kids]}
            elif isinstance(target, list):
                entry = {title: expand_nav(target, children)}
        out.append(entry)
    return out
