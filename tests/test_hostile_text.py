"""Hostile text in any catalog field shows as text on every page, never as markup.

Every free-text field of the tiny project's catalog gets script, event-handler,
javascript: link and raw-HTML payloads; the built site must contain none of them
as live markup.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from ruamel.yaml import YAML

pytestmark = pytest.mark.slow

PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    "<iframe src=//evil.example></iframe>",
    "</title><script>alert(2)</script>",
    "**bold** _em_ `code` | pipe # hash {: #id }",
]
TEXT_KEYS = {"name", "description", "scope_note", "qualifies", "note_must_show", "distinguish", "unconfirmed",
             "title", "note", "language", "why", "statement", "label", "text", "what_it_tests", "change_note",
             "unit", "abbreviation"}

class _LiveMarkup(HTMLParser):
    """Collects markup a payload could have made live: tags, event handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found, self._in = [], ""

    def handle_starttag(self, tag, attrs):
        self._in = tag
        if tag == "script" and ("type", "application/json") in attrs:
            self._in = "json"  # data, not code: safe while it holds no '<' to break out with
        if tag in ("iframe", "img") and any(v and "evil" in v or k == "onerror" for k, v in attrs):
            self.found.append(f"<{tag}> from a payload")
        for k, v in attrs:
            if k.startswith("on"):
                self.found.append(f"<{tag} {k}=...>")
            if k in ("href", "src", "action") and v and v.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {k}={v}>")

    def handle_data(self, data):
        if self._in == "json" and "<" in data:
            self.found.append("JSON data block with a raw '<'")
        if self._in == "script" and "alert(" in data:
            self.found.append("<script> with a payload")
        if self._in == "title" and ("<" in data or ">" in data):
            self.found.append(f"<title> with markup characters: {data.strip()[:60]}")


def live_markup(html: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(html)
    return parser.found


def _poison(node, n=[0]):
    if isinstance(node, dict):
        for k in list(node):
            v = node[k]
            if k in TEXT_KEYS and isinstance(v, str):
                node[k] = f"{v} {PAYLOADS[n[0] % len(PAYLOADS)]}"
                n[0] += 1
            elif k in TEXT_KEYS and isinstance(v, list):
                node[k] = [f"{x} {PAYLOADS[(n[0] + i) % len(PAYLOADS)]}" for i, x in enumerate(v)]
                n[0] += 1
            else:
                _poison(v)
    elif isinstance(node, list):
        for item in node:
            _poison(item)


def test_hostile_strings_render_as_text(tiny_project, run_cli):
    yaml = YAML()
    yaml.preserve_quotes = True
    path = tiny_project / "data" / "catalog" / "catalog.yaml"
    data = yaml.load(path.read_text())
    _poison(data)
    with path.open("w") as f:
        yaml.dump(data, f)
    code, _, err = run_cli("build", cwd=tiny_project)
    assert code == 0, err
    pages = list((tiny_project / "site").rglob("*.html"))
    offenders = [(p.relative_to(tiny_project).as_posix(), f) for p in pages for f in live_markup(p.read_text())]
    assert offenders == []
    cpt = (tiny_project / "site" / "cpt" / "97110" / "index.html").read_text()
    # The words themselves are still there, as text.
    assert "&lt;script&gt;alert" in cpt or "&lt;img src=x onerror" in cpt or "javascript:alert" in cpt


def test_two_builds_are_byte_identical(tiny_project, run_cli, monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    monkeypatch.setenv("SITE_URL", "https://training.example.org/")  # so there is a sitemap to compare
    trees = []
    for name in ("a", "b"):
        out = tmp_path / name
        code, _, err = run_cli("build", "--site-dir", str(out), cwd=tiny_project)
        assert code == 0, err
        trees.append({p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert trees[0].keys() == trees[1].keys()
    assert [k for k in trees[0] if trees[0][k] != trees[1][k]] == []
    assert b"<lastmod>2026-01-01</lastmod>" in trees[0]["sitemap.xml"]
    assert any(k.endswith(".pdf") for k in trees[0])


def test_text_cannot_forge_a_markdown_placeholder():
    from generator.render import html_value, md_text
    forged = "before \x02wzxhzdk:0\x03 after"
    assert "\x02" not in md_text(forged) and "\x03" not in md_text(forged)
    assert "\x02" not in html_value(forged) and "\x03" not in html_value(forged)
