"""Plain text to the HTML an LMS shows, and to what XML 1.0 can hold.

Both formats carry question text as HTML inside an XML text node: the HTML is
escaped once here (so '<script>' in a case shows as text), and the XML writer
(ElementTree) escapes it once more. No CDATA: a ']]>' in a case cannot end it.
"""

from __future__ import annotations

import html
import re

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold at all, even escaped (C0 controls, lone surrogates, U+FFFE/F)."""


def xml_safe(text: str) -> str:
    """`text` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def to_html(paragraphs) -> str:
    """Paragraphs of plain text as escaped HTML: '<p>' each, lines starting '- ' as a list."""
    out = []
    for para in paragraphs:
        lines = xml_safe(para).split("\n")
        items = [ln[2:] for ln in lines if ln.startswith("- ")]
        rest = [ln for ln in lines if not ln.startswith("- ")]
        if rest:
            out.append("<p>" + "<br>".join(html.escape(ln) for ln in rest) + "</p>")
        if items:
            out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
    return "".join(out)

