"""Escaping exactly once, as a property: any text, through the site's own Markdown, reads back as itself.

`md_text` (Markdown contexts), `html_value` + autoescape (raw HTML blocks), `link` and
`front_matter_title` are each rendered with the site's Markdown extensions or YAML reader, and
the result must be the context's own markup holding exactly the text (whitespace collapsed):
no extra element or attribute, no backslash or entity left showing, nothing lost.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

import markdown
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from metdocs.escape import front_matter_title, html_value, link, md_text

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details", "pymdownx.superfences"]
"""As in mkdocs.yml."""

SYNTAX = list("\\`*_[]{}()#+-.!|<>&\"'~=:?;/@$%^ \t\n") + ["&amp;", "&#60;", "<!--", "-->", "](", "![", "---",
                                                          "???", "!!!", "~~~", "```", "1. ", "- ", "<b>", "{: #x }"]
TEXT = st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(alphabet="aZ09é→\u00a0９ ", max_size=3)),
                max_size=12).map("".join)


class _Read(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(sorted(attrs))))

    def handle_data(self, data):
        self.text.append(data)


def _read(html: str) -> tuple[list, str]:
    r = _Read(html)
    return r.tags, " ".join("".join(r.text).split())


def _md(source: str) -> str:
    return markdown.markdown(source, extensions=EXTENSIONS)


def _words(s: str) -> str:
    return " ".join(s.split())


CONTEXTS = {
    "paragraph": (lambda v: v, [("p", ())]),
    "after text": (lambda v: "Before " + v, [("p", ())]),
    "list item": (lambda v: "- " + v, [("ul", ()), ("li", ())]),
    "numbered": (lambda v: "1. " + v, [("ol", ()), ("li", ())]),
    "heading": (lambda v: "## " + v + " { #h }", [("h2", (("id", "h"),))]),
    "admonition": (lambda v: '!!! note "T"\n    ' + v, [("div", (("class", "admonition note"),)),
                                                          ("p", (("class", "admonition-title"),)), ("p", ())]),
    "table cell": (lambda v: "| A | B |\n| --- | --- |\n| " + v + " | x |",
                   [("table", ()), ("thead", ()), ("tr", ()), ("th", ()), ("th", ()), ("tbody", ()), ("tr", ()),
                    ("td", ()), ("td", ())]),
}


@settings(max_examples=300, deadline=None)
@given(TEXT)
@example("９1. \\")  # a full-width digit opens an ordered list too (found by this test)
def test_md_text_reads_back_as_the_same_text_in_every_markdown_context(text):
    value = md_text(text)
    for name, (place, tags) in CONTEXTS.items():
        got_tags, got_text = _read(_md(place(value)))
        prefix = "Before " if name == "after text" else ""
        extra = {"admonition": "T ", "table cell": "A B "}.get(name, "")
        suffix = " x" if name == "table cell" else ""
        if not _words(text):
            continue  # an empty value: the context's own markup may collapse
        assert got_tags == tags, (name, value)
        assert got_text == _words(extra + prefix + text + suffix), (name, value)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_html_value_in_a_raw_block_reads_back_as_the_same_text(text):
    # What a template inside {% autoescape true %} writes: html_value, then Jinja's HTML escape.
    block = f'<div class="x"><p>{escape(html_value(text))}</p> <a href="#" title="{escape(html_value(text))}">y</a></div>'
    tags, got = _read(_md("Intro\n\n" + block + "\n\nOutro"))
    assert tags == [("p", ()), ("div", (("class", "x"),)), ("p", ()),
                    ("a", (("href", "#"), ("title", _words(text)))), ("p", ())]
    assert got == _words(f"Intro {text} y Outro")


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_link_text_reads_back_and_the_target_stays(text):
    tags, got = _read(_md(str(link(text, "../cpt/97110.md"))))
    assert tags == [("p", ()), ("a", (("href", "../cpt/97110.md"),))]
    assert got == _words(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_front_matter_title_always_parses_to_the_same_text(text):
    front = f"---\ntitle: {front_matter_title(text)}\n---\n"
    # STX and ETX are Markdown's placeholder marks: every value drops them (see render._text).
    # The block between the fences (a title may itself hold "---").
    assert yaml.safe_load(front[len("---\n"):-len("\n---\n")])["title"] == _words(text.replace("\x02", "").replace("\x03", ""))


def test_links_never_get_a_script_scheme():
    for url in ("javascript:alert(1)", "JavaScript:x", "data:text/html,x", "vbscript:x"):
        assert "(#)" in str(link("x", url))


def test_block_openings_are_written_as_entities():
    assert md_text("- item") == "&#45; item"
    assert md_text("12. x") == "12&#46; x"
    assert md_text("??? note") == "&#63;?? note"
    assert md_text("1.5 kg") == "1.5 kg"  # not a list: no space after the dot
    assert md_text("a ~ b") == "a ~ b"  # Python-Markdown shows a backslash before ~, so none is written
