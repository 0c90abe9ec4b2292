"""Hostile text in ANY text field of ANY model type reaches the browser as text, escaped exactly once.

The text fields are enumerated from the frozen dataclasses (catalog, cases, forms), so a field
added later is poisoned too, and the test fails until the shipped data (or the filler below)
gives it a value. Every such value in a copy of the shipped project gets a unique token, one
of several block-level Markdown openings, and a tail of script, event-handler, link, image,
entity, Markdown and placeholder-forging payloads. The project is then built for real, and the
BUILT site is compared with the clean build of the same project, page by page:

* the same elements with the same attribute names, in the same order (no injected tag,
  attribute, script, link or image, nothing removed: a forged answer marker would remove one);
* the same URLs (only same-page fragments may differ, as headings get other slugs), none to
  another host and none with a script scheme;
* the same search index entries, with the same markup in their titles and texts;
* inline JSON that parses and holds no '<'.

The print packets are pages of the site, so they are compared too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import types
import typing
from html.parser import HTMLParser
from pathlib import Path
from typing import Annotated, Literal, get_args, get_origin, get_type_hints

import pytest
from ruamel.yaml import YAML

from conftest import REPO

pytestmark = pytest.mark.slow

OPENINGS = ["- ", "+ ", "1. ", '??? note "x" ', "!!! danger ", "--- ", "~~~ ", "# ", "> ", "| a | b | ",
            "= ", ": ", "<div markdown=\"1\"> ", "{: .x } ", "*** ", "[TOC] "]
"""Block-level Markdown a value may start with (a value can open a line: `- {{ item }}`)."""
TAIL = ("</title><script>alert(1)</script><title> <img src=x onerror=alert(2)> [x](javascript:alert(3)) "
        "![i](http://outside.example/i.png) <http://outside.example/a> <a href=\"http://outside.example/\">a</a> "
        "<svg onload=alert(5)> &lt;b&gt; &#60;i&#62; &amp;amp; {: onclick=\"alert(4)\" } **b** _i_ `c` \\ | # "
        "<!--metdocs:raw:0--> <!-- metdocs:answer --> <!-- /metdocs:answer --> {{ 7*7 }} {% raw %} "
        "javascript&colon;alert(6) \" ' ]]> </textarea></script></style>")
"""Inline payloads, the same in every value."""
HOST = "outside.example"

NOT_TEXT = {("FormField", "based_on"): "the id of another field of the form, checked as such",
            ("FormField", "at_least"): "the id of another field of the form, checked as such",
            ("FormField", "not_before"): "the id of another field of the form, checked as such",
            ("Threshold", "unit"): "prose.py matches hand-written figures ('30 days') against it"}
"""Plain `str` fields that are references, not text shown to a reader."""
NOT_ADDED = {("Rule", "review"): "its presence says the audit does not check the rule",
             ("Category", "precautions"): "its presence makes every case of the category record them",
             ("Plan", "balance_why"): "its presence excuses a plan with no balance work for a client at fall risk",
             ("ProgressReport", "sent_to_why"): "its presence excuses a report sent elsewhere (a drill declares one)"}
"""Optional texts whose mere presence changes what `check` demands: poisoned where the data has
them, never added where it has none."""
PROSE_SAFE = re.compile(r"\{[^{}]*\}|[{}]")
"""Case prose (`schema.Text`) takes {placeholders}: a brace there is refused at load (prose.py),
so its payloads leave braces out."""


# --- the text fields, from the dataclasses --------------------------------------------------------

def _classify(tp):
    """('text' | 'texts' | 'record' | 'records' | None, record class)."""
    origin, args = get_origin(tp), get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _classify(inner[0]) if len(inner) == 1 else (None, None)
    if isinstance(tp, type) and issubclass(tp, str):  # str, and schema.Text (case prose)
        return "text", None
    if origin is tuple:
        kind, cls = _classify(args[0])
        return {"text": "texts", "record": "records"}.get(kind), cls
    if dataclasses.is_dataclass(tp):
        return "record", tp
    if origin in (Annotated, Literal) or tp in (bool, int, float, dt.date):
        return None, None  # formats (ids, codes, URLs), choices and numbers are not free text
    return None, None


def _fields(cls) -> list[tuple[str, str, type | None]]:
    hints = get_type_hints(cls, include_extras=True)
    out = []
    for f in dataclasses.fields(cls):
        if f.name == "where" or (cls.__name__, f.name) in NOT_TEXT:
            continue
        kind, inner = _classify(hints[f.name])
        if kind:
            out.append((f.name, kind, inner))
    return out


def _is_prose(cls, name: str) -> bool:
    """Whether the field is case prose (`schema.Text`, alone, optional or in a tuple)."""
    from metdocs.catalog.schema import Text
    tp = get_type_hints(cls, include_extras=True)[name]
    while get_args(tp):
        tp = next(a for a in get_args(tp) if a is not type(None) and a is not Ellipsis)
    return tp is Text


def text_fields(*roots) -> set[tuple[str, str]]:
    """Every (class name, field name) holding free text, reachable from the root classes."""
    out, todo, seen = set(), list(roots), set()
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for name, kind, inner in _fields(cls):
            if kind in ("text", "texts"):
                out.add((cls.__name__, name))
            else:
                todo.append(inner)
    return out


def _roots():
    from metdocs.cases.model import Case
    from metdocs.forms.definition import Form
    from metdocs.catalog.model import CatalogFile
    return {"data/catalog": CatalogFile, "data/cases": Case, "templates/forms": Form}


# --- poisoning a copy of the shipped project ---------------------------------------------------------

class Poisoner:
    """Gives every text value a unique token and, when `payloads`, the hostile opening and tail.

    The clean build uses the same Poisoner without payloads, so both builds have the same values
    present (an optional text added here adds an admonition or a paragraph to both)."""

    def __init__(self, payloads: bool):
        self.payloads = payloads
        self.n = 0
        self.poisoned: set[tuple[str, str]] = set()
        self.tokens: dict[str, tuple[str, str]] = {}

    def value(self, original, cls, name) -> str:
        self.n += 1
        token = f"ZQ{self.n}QZ"
        self.tokens[token] = (cls.__name__, name)
        self.poisoned.add((cls.__name__, name))
        if not self.payloads:
            return f"{token} {original or ''}"
        value = f"{OPENINGS[self.n % len(OPENINGS)]}{token} {original or ''} {TAIL}"
        return PROSE_SAFE.sub("", value) if _is_prose(cls, name) else value

    def record(self, node, cls, *, drill: bool) -> None:
        for name, kind, inner in _fields(cls):
            value = node.get(name)
            if kind == "text":
                # An absent optional text is added, except in a drill, where leaving it out may be
                # the fault the drill teaches (an unsigned note) and the audit must still find it.
                if value is not None or not (drill or (cls.__name__, name) in NOT_ADDED):
                    node[name] = self.value(value, cls, name)
            elif kind == "texts" and value:
                node[name] = [self.value(v, cls, name) for v in value]
            elif kind == "record" and value is not None:
                self.record(value, inner, drill=drill)
            elif kind == "records" and value:
                for item in value:
                    self.record(item, inner, drill=drill)


def poison_project(root: Path, *, payloads: bool = True) -> Poisoner:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    p = Poisoner(payloads)
    for folder, cls in _roots().items():
        for path in sorted((root / folder).glob("*.y*ml")):
            data = yaml.load(path.read_text(encoding="utf-8"))
            p.record(data, cls, drill=data.get("kind") == "drill")
            with path.open("w", encoding="utf-8") as f:
                yaml.dump(data, f)
    return p


# --- reading a built page -----------------------------------------------------------------------------

URL_ATTRS = {"href", "src", "action", "formaction", "srcset", "poster", "data", "cite", "background",
             "xlink:href", "manifest", "ping", "longdesc", "usemap", "icon"}


class Page(HTMLParser):
    """A page's element structure, URLs, ids, inline scripts and <title> text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.structure: list[tuple] = []
        self.urls: list[str] = []
        self.ids: list[str] = []
        self.scripts: list[tuple[str, str]] = []
        self.title = ""
        self._stack: list[str] = []
        self._script: tuple | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.structure.append((tag, tuple(sorted(k for k, _ in attrs))))
        for k, v in attrs:
            if k in URL_ATTRS and v is not None:
                self.urls.append(v)
            if k == "id" and v is not None:
                self.ids.append(v)
            if k == "content" and v and "url=" in v.lower():
                self.urls.append(v)  # <meta http-equiv="refresh" content="0; url=...">
        if tag == "script" and not dict(attrs).get("src"):
            self._script = (dict(attrs).get("type") or "", [])
        self._stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._stack.pop()

    def handle_endtag(self, tag):
        self.structure.append(("/" + tag,))
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        if tag in self._stack:
            while self._stack.pop() != tag:
                pass

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
        if self._stack and self._stack[-1] == "title":
            self.title += data


def read_site(site: Path) -> dict[str, Page]:
    return {p.relative_to(site).as_posix(): Page(p.read_text(encoding="utf-8")) for p in sorted(site.rglob("*.html"))}


_SAFE_FRAGMENT = re.compile(r"#[\w.-]*")


def url_problems(clean: list[str], dirty: list[str]) -> list[str]:
    """URLs of the poisoned page that the clean page does not have (fragments of the same target aside)."""
    out = []
    if len(clean) != len(dirty):
        return [f"{len(dirty)} URLs instead of {len(clean)}"]
    for a, b in zip(clean, dirty):
        if HOST in b or re.match(r"\s*(?:javascript|data|vbscript)\s*:", b, re.I) or "alert(" in b:
            out.append(f"payload URL {b!r}")
        elif a != b:
            base_a, _, _ = a.partition("#")
            base_b, sep, frag = b.partition("#")
            if not (base_a == base_b and sep and _SAFE_FRAGMENT.fullmatch("#" + frag)):
                out.append(f"{b!r} instead of {a!r}")
    return out


# --- the test -----------------------------------------------------------------------------------------

def _build(root: Path, payloads: bool) -> tuple[Path, Poisoner]:
    import contextlib
    import io

    from metdocs.cli.main import main
    root.mkdir(parents=True)
    for name in ("data", "templates", "site_src"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    # The shipped data records no review (catalog/reviews.py): one here, so its texts are poisoned too.
    (root / "data" / "catalog" / "reviews.yaml").write_text(
        "reviews:\n  - id: no-gp-modifier\n    reviewed: {by: Reviewer, on: 2026-12-01, note: Checked.}\n",
        encoding="utf-8")
    poisoner = poison_project(root, payloads=payloads)
    err = io.StringIO()
    # The packets' volumes follow the pages' sizes, which the payloads change: one volume in both
    # builds, so that the two sites hold the same pages (tests/test_scale.py covers volumes).
    from unittest import mock
    from metdocs.pages import volumes
    with contextlib.redirect_stderr(err), mock.patch.object(volumes, "VOLUME_BYTES", 10**9):
        code = main(["build", "--config", str(root / "mkdocs.yml"), "--site-dir", str(root / "site")])
    assert code == 0, err.getvalue()[-3000:]
    return root / "site", poisoner


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    """The shipped project with every text value present and tokened, but no payloads."""
    return _build(tmp_path_factory.mktemp("clean") / "proj", payloads=False)[0]


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory) -> tuple[Path, Poisoner]:
    return _build(tmp_path_factory.mktemp("poisoned") / "proj", payloads=True)


def test_every_text_field_of_every_model_is_poisoned(poisoned):
    _, poisoner = poisoned
    expected = text_fields(*_roots().values())
    assert len(expected) > 40  # catalog, cases and forms all have many
    missing = sorted(expected - poisoner.poisoned)
    assert missing == [], f"text fields with no value anywhere in the shipped data to poison: {missing}"


def test_built_pages_have_the_clean_structure_and_urls(clean, poisoned):
    dirty_site, poisoner = poisoned
    clean, dirty = read_site(clean), read_site(dirty_site)
    assert sorted(clean) == sorted(dirty)
    problems = []
    for path in sorted(clean):
        a, b = clean[path], dirty[path]
        if a.structure != b.structure:
            at = next(i for i, (x, y) in enumerate(zip(a.structure + [None], b.structure + [None])) if x != y)
            problems.append(f"{path}: element {at}: {b.structure[at - 2:at + 3]} instead of {a.structure[at - 2:at + 3]}")
        problems += [f"{path}: {p}" for p in url_problems(a.urls, b.urls)]
        for kind, text in b.scripts:
            if "json" in kind:
                json.loads(text)  # parses
                if "<" in text:
                    problems.append(f"{path}: a JSON block holds a raw '<'")
        if [s for s in b.scripts if "json" not in s[0]] != [s for s in a.scripts if "json" not in s[0]]:
            problems.append(f"{path}: an inline script changed")
    assert problems == [], "\n".join(problems[:40])
    # The payloads did reach the pages, as text: in titles of generated and form pages, and widely.
    assert "</title><script>alert(1)" in dirty["forms/session-log/index.html"].title
    assert any("</title><script>alert(1)" in p.title for k, p in dirty.items() if k.startswith("cases/"))
    reached = {t for t in poisoner.tokens if any(t in p.read_text() for p in dirty_site.rglob("*.html"))}
    print(f"poisoned {len(poisoner.tokens)} values in {len(poisoner.poisoned)} text fields; "
          f"{len(reached)} values reached a built page")
    assert len(reached) > len(poisoner.tokens) // 2


def test_search_index_entries_have_the_clean_markup(clean, poisoned):
    dirty_site, _ = poisoned
    clean = json.loads((clean / "search" / "search_index.json").read_text())["docs"]
    dirty = json.loads((dirty_site / "search" / "search_index.json").read_text())["docs"]
    assert len(clean) == len(dirty)
    problems = []
    for a, b in zip(clean, dirty):
        problems += [f"{b['location']}: {p}" for p in url_problems([a["location"]], [b["location"]])]
        for key in ("title", "text"):
            if Page(a[key]).structure != Page(b[key]).structure:
                problems.append(f"{b['location']} {key}: markup {Page(b[key]).structure[:6]}")
    assert problems == [], "\n".join(problems[:40])
    assert any("&lt;/title&gt;&lt;script&gt;alert(1)" in d["title"] for d in dirty)


def test_every_anchor_on_every_page_is_unique(site, poisoned):
    """The shipped site and the poisoned one (where headings have odd slugs)."""
    for built in (site, poisoned[0]):
        dupes = {path: sorted({i for i in p.ids if p.ids.count(i) > 1}) for path, p in read_site(built).items()}
        assert {k: v for k, v in dupes.items() if v} == {}


def test_entries_and_fields_that_share_a_name_get_distinct_anchors(tiny_project, run_cli):
    """One name for a source, a category, an element and a rule; form fields named like the page's
    other ids ('load', 'a' and 'a-help', 'section-visit' next to section 'visit')."""
    catalog = tiny_project / "data" / "catalog" / "catalog.yaml"
    text = catalog.read_text().replace("tiny-source", "fall-risk").replace("reassess-every-30-days", "session-date")
    # Renamed, the rule is no longer one the audit enforces, so it says why a person reviews it.
    statement = "    statement: Re-test the baseline measures at least every 30 days.\n"
    assert statement in text
    catalog.write_text(text.replace(statement, statement + "    review: A person compares the dates.\n"))
    form = tiny_project / "templates" / "forms" / "session-log.yaml"
    form.write_text(form.read_text() + "".join(
        f"      - {{id: {i}, label: {i}, type: text{', help: Some help' if i == 'a' else ''}}}\n"
        for i in ("load", "a", "a-help", "section-visit", "form-session-log")))
    code, _, err = run_cli("build", cwd=tiny_project)
    assert code == 0, err
    pages = read_site(tiny_project / "site")
    dupes = {path: sorted({i for i in p.ids if p.ids.count(i) > 1}) for path, p in pages.items()}
    assert {k: v for k, v in dupes.items() if v} == {}
    assert {"element-session-date", "rule-session-date"} <= set(pages["standards/index.html"].ids)


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
    from metdocs.escape import html_value, md_text
    forged = "before \x02wzxhzdk:0\x03 after"
    assert "\x02" not in md_text(forged) and "\x03" not in md_text(forged)
    assert "\x02" not in html_value(forged) and "\x03" not in html_value(forged)
