"""The MkDocs plugin: plain `mkdocs build` / `mkdocs serve` work as MkDocs users expect.

Registered as `metdocs` in pyproject.toml's `mkdocs.plugins` entry points and
listed under `plugins:` in mkdocs.yml. It runs the pipeline in `on_config`,
expands the nav, adds the generated pages as in-memory files (nothing is written
into site_src/), and watches every input folder when serving (watch.py).
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
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel, set_exclusions

from metdocs.files import sitedir
from metdocs.files.cache import check_cache_dir
from metdocs.errors import UsageError
from metdocs.pages.packets import PACKETS, SLOT, Piece, assemble, url_dir
from metdocs.files.project import Project
from metdocs.site.pipeline import Generated, generate
from metdocs.site.serving import keep_serving
from metdocs.site.watch import watch_inputs

log = logging.getLogger("mkdocs.plugins.metdocs")  # under "mkdocs." so warnings count for --strict

MAX_NAV_CHILDREN = 60
"""Sections with more pages than this list only their index in the sidebar.

Material renders the whole nav into every page, so a long section makes the
build quadratic in its size; the index page links every child instead.
"""

_memo: dict[tuple, Generated] = {}

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
        # The offline plugin (listed before this one) has already set use_directory_urls false.
        self.generated = generated(self.project, strict=self.config.strict,
                                   directory_urls=config.use_directory_urls)
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
        for path, content in sorted(self.generated.files.items()):
            file = File.generated(config, path, content=content)
            if path.endswith(".md") and not path.endswith("index.md") and path not in in_nav:
                # Reachable from its section index and search, deliberately not in the sidebar.
                file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)
        return files

    def on_template_context(self, context, *, template_name, config):
        if template_name == "404.html" and _offline(config):
            # MkDocs gives the error page URLs from the server root ('/cpt/...') because a server
            # shows it at any path; a file:// edition has no server root, and the page is at the
            # top of the site, so links relative to it work.
            context["base_url"] = "."
        return context

    def on_pre_build(self, *, config):
        self.pieces: dict[str, Piece] = {}
        self.set_aside: dict[str, list[str]] = {}

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
        # Keep each case and drill page's HTML for the print packets (see packets.py).
        if folder in ("cases", "drills") and name != "index.md":
            self.pieces[page.file.src_uri] = Piece(name.removesuffix(".md"), url_dir(page.url), html)
        return html

    def on_post_page(self, output, *, page, config):
        answers = PACKETS.get(page.file.src_uri)
        if answers is None or SLOT not in output:
            return output
        order = sorted(self.pieces, key=lambda k: (not k.startswith("cases/"), k))
        packet = assemble([self.pieces[k] for k in order], url_dir(page.url), answers=answers)
        return output.replace(SLOT, packet, 1)

    def on_post_build(self, *, config):
        sitedir.mark(Path(config.site_dir))  # a site plain `mkdocs build` made is ours to replace too

    def on_serve(self, server, *, config, builder):
        watch_inputs(server, self.project)  # data/, templates/ and site_src/, also when created later
        keep_serving(server)  # every request answered, also while the data has an error (serving.py)
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
              directory_urls: bool = True) -> Generated:
    """Generate, reusing the last result while no input file changed (fast serve reloads)."""
    key = (project, strict, bool(directory_urls), project.fingerprint())
    if key not in _memo:
        _memo.clear()
        _memo[key] = generate(project, strict=strict, timings=timings, directory_urls=bool(directory_urls))
    return _memo[key]


def sidebar(children: dict[str, list[str]]) -> dict[str, list[str]]:
    """The generated sections small enough to list their pages in the sidebar (see MAX_NAV_CHILDREN)."""
    return {folder: kids for folder, kids in children.items() if len(kids) <= MAX_NAV_CHILDREN}


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
