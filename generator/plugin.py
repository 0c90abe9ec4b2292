"""The MkDocs plugin: plain `mkdocs build` / `mkdocs serve` work as MkDocs users expect.

Registered as `metdocs` in pyproject.toml's `mkdocs.plugins` entry points and
listed under `plugins:` in mkdocs.yml. It runs the pipeline in `on_config`,
expands the nav, adds the generated pages as in-memory files (nothing is written
into site_src/), and watches data/ and templates/ when serving.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from .packets import PACKETS, SLOT, Piece, assemble, url_dir
from .pipeline import Generated, Project, generate

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
_SET_ASIDE = re.compile(r"<!--metdocs:raw:(\d+)-->")


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


class MetdocsConfig(Config):
    data_dir = c.Type(str, default="data")
    """Folder holding catalog/ (and cases/), relative to mkdocs.yml."""
    strict = c.Type(bool, default=False)
    """Treat warnings (such as a rule past its review-by date) as errors."""


class MetdocsPlugin(BasePlugin[MetdocsConfig]):
    """Generate the catalog pages into the MkDocs build."""

    def on_config(self, config, **kwargs):
        root = Path(config.config_file_path).parent
        self.project = Project.at(root, root / self.config.data_dir)
        # The offline plugin (listed before this one) has already set use_directory_urls false.
        self.generated = generated(self.project, strict=self.config.strict,
                                   directory_urls=config.use_directory_urls)
        for w in self.generated.warnings:
            log.info(str(w))  # warnings are the CLI's to show; --strict must not trip on them here
        config.nav = expand_nav(config.nav, sidebar(self.generated.nav))
        return config

    def on_files(self, files: Files, *, config) -> Files:
        in_nav = {p for kids in sidebar(self.generated.nav).values() for p in kids}
        for path, content in sorted(self.generated.files.items()):
            file = File.generated(config, path, content=content)
            if path.endswith(".md") and not path.endswith("index.md") and path not in in_nav:
                # Reachable from its section index and search, deliberately not in the sidebar.
                file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)
        return files

    def on_pre_build(self, *, config):
        self.pieces: dict[str, Piece] = {}
        self.set_aside: dict[str, list[str]] = {}

    def on_page_markdown(self, markdown, *, page, config, files):
        folder, _, name = page.file.src_uri.partition("/")
        if folder in ("cases", "drills") and name != "index.md" and page.file.src_uri in self.generated.files:
            markdown, self.set_aside[page.file.src_uri] = set_aside(markdown)
        return markdown

    def on_page_content(self, html, *, page, config, files):
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

    def on_serve(self, server, *, config, builder):
        for folder in (self.project.data, self.project.templates):
            if folder.is_dir():
                server.watch(str(folder))
        return server


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
