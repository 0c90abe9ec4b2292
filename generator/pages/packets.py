"""Print packets assembled from the case and drill pages MkDocs already rendered.

A packet holds every worked case and drill, in volumes (pages/volumes.py). Rendering all of them
a second and third time through Markdown made the packets the most expensive pages of a large
site, so a volume page carries only a slot per case (`slot`), and the plugin fills each slot
after MkDocs has rendered the volume (`on_post_page`), from the case page's HTML, which it kept
on disk (`fill`; one case in memory at a time):

* the student edition drops everything between the answer markers that
  `drill.md.j2` writes around each answer;
* the instructor edition keeps the answers and prints them open;
* both drop what only works on the web page (between the web-only markers: a drill's
  interactive audit, whose data holds the answers);
* ids are prefixed per case so that anchors stay unique in one document, and
  relative links are rewritten from the case page's folder to the packet's.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from markupsafe import Markup

ANSWER_START = "<!-- metdocs:answer -->"
ANSWER_END = "<!-- /metdocs:answer -->"
WEB_START = "<!-- metdocs:web-only -->"
WEB_END = "<!-- /metdocs:web-only -->"
PACKET_FOLDERS = {"print/student/": False, "print/instructor/": True}
"""Folder of a packet's pages -> whether it prints answers."""
_SLOT = re.compile(r'<section class="metdocs-packet-item" id="packet-([a-z0-9-]+)" data-metdocs-piece="([^"<>&]+)"></section>')


def slot(path: str, key: str) -> Markup:
    """Where the case page `path` goes in a volume (raw HTML: MkDocs sees the anchor 'packet-KEY'
    its table of contents links to). Paths and ids are the site's own (lower case, digits,
    hyphens), never text from the data."""
    if not re.fullmatch(r"[a-z0-9-]+", key) or not re.fullmatch(r"[a-z0-9][a-z0-9/._-]*", path):
        raise ValueError(f"not a case page: {path!r}")  # a bug, not bad data: ids are checked on load
    return Markup(f'<section class="metdocs-packet-item" id="packet-{key}" data-metdocs-piece="{path}"></section>')


def answers_in(page: str) -> bool | None:
    """Whether the packet page `page` prints answers; None when it is no packet page."""
    return next((answers for folder, answers in PACKET_FOLDERS.items() if page.startswith(folder)), None)


def fill(output: str, prepared) -> str:
    """The volume page `output` with each slot filled with `prepared(path)`: the case page's HTML
    as `prepare` makes it for this packet (None when the page is not there: the slot stays empty)."""
    def one(m: re.Match) -> str:
        html = prepared(m.group(2))
        return m.group(0) if html is None else m.group(0).replace("></section>", f">\n{html}\n</section>")
    return _SLOT.sub(one, output)


_ANSWER = re.compile(re.escape(ANSWER_START) + r".*?" + re.escape(ANSWER_END), re.S)
_WEB_ONLY = re.compile(re.escape(WEB_START) + r".*?" + re.escape(WEB_END), re.S)
_ATTR = re.compile(r'(?<=\s)(id|href|src)="([^"]*)"(?=[^<>]*>)')
"""An id, href or src attribute, inside a tag: text holds no raw '<' or '>' (MkDocs escapes them),
so what is followed by a '>' before any '<' is in a tag. Text that merely reads 'id="x"' stays."""
_EXTERNAL = re.compile(r"[a-z][a-z0-9+.-]*:|/", re.I)


@dataclass(frozen=True)
class Piece:
    """One rendered case or drill page."""

    key: str
    """A short unique name (the case id), used to prefix its anchors."""
    url_dir: str
    """The folder of the page's URL, relative to the site root (e.g. 'cases/post-tka-clean/')."""
    html: str
    """The page's rendered content."""


def assemble(pieces: list[Piece], packet_dir: str, *, answers: bool) -> str:
    """Pieces in order, each in a section of its own that starts a new printed page."""
    return "\n".join(f'<section class="metdocs-packet-item">\n{prepare(p, packet_dir, answers)}\n</section>'
                     for p in pieces)


def prepare(piece: Piece, packet_dir: str, answers: bool) -> str:
    """One piece as a packet prints it (see the module docstring)."""
    html = _WEB_ONLY.sub("", piece.html) if WEB_START in piece.html else piece.html
    if answers:
        html = html.replace("<details", "<details open")  # printed open, nothing to click on paper
    else:
        html = _ANSWER.sub("", html)
    return _rewrite(html, piece.url_dir, packet_dir, piece.key)


def _rewrite(html: str, src_dir: str, dest_dir: str, key: str) -> str:
    """One pass over the piece's attributes: ids get the piece's prefix, and relative links are
    rewritten so they work from `dest_dir` (in-page anchors get the prefix too)."""
    depth = src_dir.count("/") + 1 if src_dir else 0
    # From the same depth, a link that first climbs to the site root reads the same from both folders.
    to_root = "../" * depth if depth == (dest_dir.count("/") + 1 if dest_dir else 0) else None
    # ...unless it leads into the packet's own top folder: relpath shortens those below.
    to_dest = f"{to_root}{dest_dir.partition('/')[0]}"

    def fix(m: re.Match) -> str:
        attr, url = m.groups()
        if attr == "id":
            return f'id="{key}--{url}"' if url else m.group(0)
        if url.startswith("#"):
            return f'{attr}="#{key}--{url[1:]}"'
        if to_root and url.startswith(to_root) and url[len(to_root):len(to_root) + 1] not in ("", ".", "#", "?") \
                and not (url.startswith(to_dest) and url[len(to_dest):len(to_dest) + 1] in ("", "/", "#", "?")):
            return m.group(0)
        if not url or _EXTERNAL.match(url):
            return m.group(0)  # absolute or external: unchanged
        path, sep, frag = url.partition("#")
        target = posixpath.normpath(posixpath.join(src_dir, path)) + ("/" if path.endswith("/") else "")
        rel = posixpath.relpath(target, dest_dir or ".") + ("/" if path.endswith("/") and target != "./" else "")
        return f'{attr}="{rel.replace("//", "/")}{sep}{frag}"'

    return _ATTR.sub(fix, html)


def url_dir(url: str) -> str:
    """The folder part of a page URL ('cases/x/' -> 'cases/x', 'cases/x.html' -> 'cases')."""
    return url.rstrip("/") if url.endswith("/") else posixpath.dirname(url)
