"""Shape checks driven by the model's own type hints.

The frozen dataclasses in `model.py` are the schema: a field's annotation says
what the YAML must hold, a default makes it optional, and `Annotated[str,
Pattern(...)]` adds a format. `parse()` walks a ruamel node against a
dataclass, collects every mismatch as a `Problem` with its line and column,
and returns the object only when that part of the file is clean. Keeping one
source of truth means a new field cannot be documented in one place and
checked differently in another.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import math
import re
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints


from metdocs.errors import Location, Problem, did_you_mean
from metdocs.catalog.load import Document
from metdocs.catalog.yamlnodes import QuotedStr

MAX_TEXT = 20_000
"""Longest text value accepted; longer ones are almost certainly a paste accident."""

MAX_NUMBER = 1_000_000_000
"""Largest size of any number (whole or not). Every number here is minutes, units, a score or a
day count; a bound keeps sums, differences and date arithmetic from overflowing later. Fields
with a meaning get tighter bounds where they are checked (cases/read.py, validate.py, forms/definition.py)."""

FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
"""Dates accepted: adding a reassessment interval to any of them stays a valid date."""


@dataclass(frozen=True)
class Pattern:
    """A format for a string field: a regular expression plus how to describe it to a person."""

    regex: str
    describe: str
    quoted: bool = False
    """Codes must be quoted: unquoted 97110 is a number and unquoted 00100 loses its zeros."""
    reserved: frozenset = frozenset()
    """Values that match but are not allowed (ids that would name a part of the site)."""

    def matches(self, value: str) -> bool:
        return _compiled(self.regex).fullmatch(value) is not None


@functools.lru_cache(maxsize=256)
def _compiled(regex: str) -> re.Pattern:
    # ASCII: \d and \w would otherwise match any script's digits and letters ("９７１１０").
    return re.compile(regex, re.ASCII)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


RESERVED_IDS = frozenset({"index", "standards", "scope", "cpt", "icd10", "pairing", "measures", "sources", "units",
                          "forms", "cases", "drills", "practice", "print", "examples", "assets", "search", "404",
                          "sitemap"})
"""Names of the site's own pages and folders (every section, `index`, MkDocs' search, 404 and sitemap).
An entry's id names its page (measures/<id>/, cases/<id>/, forms/<id>/) or its anchor, so it may
not be one of these (tests/test_site.py checks the list against the built site's folders)."""

Ident = Annotated[str, Pattern(r"[a-z0-9]+(?:-[a-z0-9]+)*", "a lower-case id such as 'fall-risk'")]
"""An id, as written where something refers to an entry."""
EntryId = Annotated[str, Pattern(r"[a-z0-9]+(?:-[a-z0-9]+)*", "a lower-case id such as 'fall-risk'",
                                 reserved=RESERVED_IDS)]
"""The id an entry is defined with: it names a page or an anchor, so the site's own names are taken."""
CptCode = Annotated[str, Pattern(r"[0-9]{5}", "a quoted 5-digit CPT code such as \"97110\"", quoted=True)]
IcdCode = Annotated[str, Pattern(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?",
                                 "a quoted ICD-10-CM code with its dot, such as \"R26.81\"", quoted=True)]
Url = Annotated[str, Pattern(r"https?://[A-Za-z0-9][A-Za-z0-9._~:/?#@!$&'()*+,;=%-]*",
                             "a web address starting with https:// or http://, with characters outside "
                             "A-Z, a-z, 0-9 and -._~:/?#@!$&'()*+,;=% percent-encoded")]
"""What a URL may hold unencoded (RFC 3986): no space, quote, angle bracket or backslash that could end
an attribute or a Markdown link early, and no look-alike letters from other scripts in the host."""


class Text(str):
    """Prose that remembers where it was read (`where`), so a check made after loading (the
    placeholders and figures in case prose) can still point at its file, line and column."""

    where: Location


def describe(value: Any) -> str:
    """How a found value is shown in a message: the type in words, plus the value if short."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"the number {'.nan (not a number)' if math.isnan(value) else ('-' if value < 0 else '') + '.inf (infinity)'}"
    if isinstance(value, (int, float)):
        shown = str(value)
        return f"the number {shown if len(shown) <= 40 else shown[:37] + f'... ({len(shown):,} digits)'}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


class _Walker:
    """Holds the document and the problems found while walking it.

    A `where` below is a Location or, to save making one per value, the parser's 0-based
    (line, column) tuple; `loc()` turns it into a Location when a problem or a record needs it.
    """

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []

    def loc(self, where) -> Location:
        return where if isinstance(where, Location) else self.doc.at(*where)

    def fail(self, where, message: str) -> None:
        self.problems.append(Problem(self.loc(where), message))

    def value(self, tp: Any, node: Any, where, what: str) -> Any:
        """Check `node` against type `tp`; return the converted value or `_BAD`."""
        kind, a, b = _kind(tp)
        if kind == "annotated":
            return self.annotated(a, b, node, where, what)
        if kind == "optional":
            if node is None:
                return None
            return self.value(a, node, where, what)
        if kind == "literal":
            if node in a and isinstance(node, str):
                return str(node)
            choices = ", ".join(f"'{x}'" for x in a)
            return self.bad(where, f"{what} must be one of {choices}; found {describe(node)}")
        if kind == "tuple":
            return self.sequence(a, node, where, what)
        if kind == "record":
            return self.record(tp, node, where, what)
        return self.scalar(tp, node, where, what)

    def bad(self, where, message: str) -> Any:
        self.fail(where, message)
        return _BAD

    def scalar(self, tp: Any, node: Any, where: Location, what: str) -> Any:
        if tp is Text:
            value = self.scalar(str, node, where, what)
            if value is _BAD:
                return value
            text = Text(value)
            text.where = self.loc(where)
            return text
        if tp is str:
            if not isinstance(node, str):
                return self.bad(where, f"{what} must be text; found {describe(node)}")
            if not node.strip():
                return self.bad(where, f"{what} must not be empty; found empty text")
            if len(node) > MAX_TEXT:
                return self.bad(where, f"{what} must be at most {MAX_TEXT:,} characters; found {len(node):,}")
            return str(node)
        if tp is bool:
            if not isinstance(node, bool):
                return self.bad(where, f"{what} must be true or false; found {describe(node)}")
            return node
        if tp is int:
            if isinstance(node, bool) or not isinstance(node, int):
                return self.bad(where, f"{what} must be a whole number; found {describe(node)}")
            if abs(node) > MAX_NUMBER:
                return self.bad(where, f"{what} must be a whole number from {-MAX_NUMBER:,} to {MAX_NUMBER:,}; "
                                       f"found {describe(node)}")
            return int(node)
        if tp is float:
            if isinstance(node, bool) or not isinstance(node, (int, float)):
                return self.bad(where, f"{what} must be a number; found {describe(node)}")
            if not (isinstance(node, int) or math.isfinite(node)):
                return self.bad(where, f"{what} must be a finite number; found {describe(node)}")
            if abs(node) > MAX_NUMBER:
                return self.bad(where, f"{what} must be a number from {-MAX_NUMBER:,} to {MAX_NUMBER:,}; "
                                       f"found {describe(node)}")
            return float(node)
        if tp is dt.date:
            text = str(node) if isinstance(node, (str, dt.date)) else None
            if not (text and _ISO_DATE.fullmatch(text)):
                return self._nodate(node, where, what)
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                return self.bad(where, f"{what} must be a real calendar date; found '{text}', which does not exist")
            if not FIRST_DATE <= day <= LAST_DATE:
                return self.bad(where, f"{what} must be a date from {FIRST_DATE} to {LAST_DATE}; found '{text}'")
            return day
        raise TypeError(f"schema: unsupported type {tp!r}")  # a bug in model.py, not user data

    def _nodate(self, node, where, what):
        return self.bad(where, f"{what} must be a date written YYYY-MM-DD; found {describe(node)}")

    def unknown_keys(self, node: dict, fields: dict, what: str) -> set[str]:
        """Report each key `fields` does not have, at its line, with the field it was probably meant to
        be (difflib); return the missing fields so named, whose 'missing' error would only repeat it."""
        meant: set[str] = set()
        unknown = [key for key in node if key not in fields]
        for key in unknown:
            missing = [name for name in fields if name not in node and name not in meant]
            close = difflib.get_close_matches(str(key), missing, n=1, cutoff=0.7)
            loc = self.doc.at(*node.lc.key(key))
            if close:
                meant.add(close[0])
                self.fail(loc, f"unknown key '{key}' in {what}; did you mean '{close[0]}'?")
            else:
                self.fail(loc, f"unknown key '{key}' in {what}{did_you_mean(str(key), fields)}; expected one of: "
                               f"{', '.join(sorted(fields))}")
        return meant

    def annotated(self, base, pattern: Pattern, node, where, what):
        if pattern.quoted and isinstance(node, (int, float)) and not isinstance(node, bool):
            return self.bad(where, f"{what} must be {pattern.describe}; found the number {node} "
                                   "(unquoted codes are read as numbers: put the code in quotes)")
        value = self.scalar(base, node, where, what)
        if value is _BAD:
            return value
        if not pattern.matches(value):
            return self.bad(where, f"{what} must be {pattern.describe}; found '{value}'")
        if value in pattern.reserved:
            return self.bad(where, f"{what} must not be '{value}', which names a part of the site "
                                   f"(reserved: {', '.join(sorted(pattern.reserved))}); choose another id")
        if pattern.quoted and not isinstance(node, QuotedStr):
            return self.bad(where, f"{what} must be {pattern.describe}; found {value} without quotes")
        return value

    def sequence(self, item_tp, node, where, what):
        if not isinstance(node, list):
            return self.bad(where, f"{what} must be a list; found {describe(node)}")
        out, ok = [], True
        lc = getattr(node, "lc", None)
        for i, item in enumerate(node):
            loc = lc.item(i) if lc is not None else where
            v = self.value(item_tp, item, loc, f"item {i + 1} of {what}")
            ok = ok and v is not _BAD
            out.append(v)
        return tuple(out) if ok else _BAD

    def record(self, cls, node, where, what):
        if not isinstance(node, dict):
            return self.bad(where, f"{what} must be a mapping of keys to values; found {describe(node)}")
        hints, fields, has_where = _shape(cls)
        kwargs, ok = {}, True
        lc = getattr(node, "lc", None)
        meant = self.unknown_keys(node, fields, what)
        ok = not meant and all(key in fields for key in node)
        for name, f in fields.items():
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if name not in node:
                if required and name not in meant:  # a misspelt key was reported as such, once, at its line
                    self.fail(where, f"{what} is missing the required key '{name}'")
                    ok = False
                continue
            loc = lc.value(name) if lc is not None else where
            v = self.value(hints[name], node[name], loc, f"'{name}'")
            ok = ok and v is not _BAD
            kwargs[name] = v
        if not ok:
            return _BAD
        if has_where:
            at = self.loc(where)
            # The keys' places ride along, so a check made later can point at the key it is about.
            kwargs["where"] = Location(at.path, at.line, at.column, lc.keys) if lc is not None else at
        return cls(**kwargs)


_BAD = object()


@functools.cache
def _shape(cls: type) -> tuple[dict, dict, bool]:
    """Type hints, fields (but `where`) and whether it has a `where` field, for a model class;
    worked out once (it is slow, and asked per record)."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    has_where = fields.pop("where", None) is not None
    return get_type_hints(cls, include_extras=True), fields, has_where


def _kind(tp: Any) -> tuple[str, Any, Any]:
    """How `value` checks a type: ('annotated', base, pattern), ('optional', inner, None), ...

    Cached by identity: hashing a typing alias (`Annotated[...]`, `X | None`) walks all its
    arguments, and `value` asks once per YAML node (170,000 times for 1,000 cases)."""
    hit = _KINDS.get(id(tp))
    if hit is None or hit[0] is not tp:
        hit = _KINDS[id(tp)] = (tp, _kind_of(tp))  # holding `tp` keeps its id from being reused
    return hit[1]


_KINDS: dict[int, tuple] = {}


def _kind_of(tp: Any) -> tuple[str, Any, Any]:
    origin, args = get_origin(tp), get_args(tp)
    if origin is Annotated:
        return "annotated", args[0], args[1]
    if origin in (typing.Union, types.UnionType):
        return "optional", [a for a in args if a is not type(None)][0], None
    if origin is Literal:
        return "literal", args, None
    if origin is tuple:
        return "tuple", args[0], None
    if dataclasses.is_dataclass(tp):
        return "record", None, None
    return "scalar", None, None


def parse(cls: type, doc: Document) -> tuple[Any | None, list[Problem]]:
    """Check a whole document against dataclass `cls`; return (object or None, problems)."""
    walker = _Walker(doc)
    where = doc.at(0, 0)
    if doc.root is None:
        keys = ", ".join(f.name for f in dataclasses.fields(cls) if f.name != "where")
        walker.fail(where, f"expected a mapping with keys such as {keys}; found an empty file")
        return None, walker.problems
    obj = walker.value(cls, doc.root, where, "the file")
    return (None if obj is _BAD else obj), walker.problems
