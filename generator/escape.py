"""Escaping by construction: every value a page shows passes through one of these.

Catalog and case text is typed by hand and pasted from anywhere; it must show as text, never
as markup. `md_text` makes a value safe inside Markdown, `html_value` inside raw HTML (Jinja's
autoescape then HTML-escapes it), `json_attr` inside an HTML attribute a page script reads,
`front_matter_title` inside YAML front matter, and `link` builds a link whose target can only
be a page or a web address. The page templates (pages/render.py) and the web forms
(forms/webform.py) both use them, so they live below both.
"""

from __future__ import annotations

import html
import json
import re

from markupsafe import Markup

# Characters that Markdown or HTML would treat as syntax inside running text.
_MD_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                            **{c: "\\" + c for c in "\\`*_[]{}|#!"}})
"""One pass: HTML's &, <, > as entities, Markdown punctuation backslash-escaped (only characters
Python-Markdown accepts a backslash before: on any other, such as ~, the backslash would show)."""
_MD_ANY = re.compile(r"[&<>\\`*_\[\]{}|#!]")
_BLOCK_START = re.compile(r"[-+=?~:]|\d+[.)](?=\s|$)")
"""What starts a block when it opens a line (list, rule, setext underline, details, fence, ...).
A value may open a line (`- {{ item }}`), so its first character is written as an entity there.
`\\d`, not [0-9]: Python-Markdown's list pattern takes a digit of any script ("９1. x" is a list)."""


_PLACEHOLDERS = str.maketrans("", "", "\x02\x03")
"""Python-Markdown's stash placeholders are wrapped in STX/ETX; text must never forge one."""


def _text(value) -> str:
    """A template value as plain text: None empty, 3.0 as 3, and no forged stash placeholder."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if "\x02" in text or "\x03" in text:
        text = text.translate(_PLACEHOLDERS)
    return text


def md_text(value) -> str:
    """Escape a value for inline Markdown: it renders as the same text, never as markup."""
    if isinstance(value, Markup):
        return str(value)
    text = _text(value)
    if _MD_ANY.search(text):  # most values have nothing to escape; translate is the slow part
        text = text.translate(_MD_ESCAPE)
    # Newlines would break table rows and list items; a space keeps the words apart.
    text = " ".join(text.split())
    m = _BLOCK_START.match(text)
    if m is not None:
        end = m.end() - 1  # the last character of the match: '-' of "- x", '.' of "1. x"
        text = f"{text[:end]}&#{ord(text[end])};{text[end + 1:]}"
    return text


def html_value(value) -> str:
    """A value for raw HTML: as text, without Markdown escapes; Jinja's autoescape then HTML-escapes it."""
    if isinstance(value, Markup):
        return value
    # As in md_text: no blank line may end the raw HTML block early; a space keeps words apart.
    return " ".join(_text(value).split())


def link(text, url: str) -> Markup:
    """A Markdown link whose text is escaped and whose target can only be a page or a web address."""
    url = str(url)
    if re.match(r"[a-z][a-z0-9+.-]*:", url, re.I) and not re.match(r"https?://", url, re.I):
        url = "#"  # javascript:, data: and friends never become links
    # Characters that would end the link target early are percent-encoded.
    url = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return Markup(f"[{md_text(text)}]({url})")


_YAML_UNPRINTABLE = re.compile("[\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""What JSON leaves raw but YAML refuses in a file (JSON escapes the C0 controls itself)."""


def json_attr(data) -> Markup:
    """Data for a page script, as an HTML attribute value: JSON, then HTML-escaped (&, <, >, quotes),
    so no text in it can end the attribute or open a tag; the script reads it back with
    JSON.parse(element.getAttribute(...)). Control characters (Markdown's stash markers among them)
    are escaped by json.dumps."""
    return Markup(html.escape(json.dumps(data, ensure_ascii=False, sort_keys=True), quote=True))


def front_matter_title(text) -> Markup:
    """A page title for YAML front matter: the exact text, as a JSON string (valid YAML too).

    Nothing is dropped or escaped for HTML here: MkDocs prints titles into <title>, the nav and
    the header without escaping them, so the plugin HTML-escapes every page's title once after
    MkDocs has read it (`plugin.escape_title`). What YAML cannot hold raw is written as an
    escape, so the front matter always parses (the load stage refuses such characters in the
    data; this keeps any other text from turning front matter into page text).
    """
    dumped = json.dumps(" ".join(_text(text).split()), ensure_ascii=False)
    return Markup(_YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped))
