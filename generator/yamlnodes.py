"""A small, fast YAML composer on top of ruamel.yaml's event parser.

ruamel's round-trip loader keeps positions but builds comment-preserving
objects we never use, at about 30 ms for a 140-line case file. Here we take
ruamel's parse events (from its C parser, ruamel.yaml.clib, when installed)
and build plain dicts and lists that remember where each key, value and item
started, in a few milliseconds. The tree answers the same questions as
ruamel's `CommentedMap.lc` (`key(k)`, `value(k)`, `item(i)`), so the schema
code does not care which built it.

We also refuse what a catalog never needs and an attacker might use: aliases
(exponential expansion), explicit tags such as `!!python/object`, and more than
one document per file. Timestamps stay text, so the schema can report an
impossible date like 2026-02-30 at its position.
"""

from __future__ import annotations

import functools
import math

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                                ScalarEvent, SequenceEndEvent, SequenceStartEvent)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

_T = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {None, "!", f"{_T}str", f"{_T}int", f"{_T}float", f"{_T}bool", f"{_T}null",
                 f"{_T}map", f"{_T}seq", f"{_T}timestamp"}


class ComposeError(Exception):
    """Something YAML allows but our files must not use; carries a 0-based position."""

    def __init__(self, line0: int, col0: int, message: str):
        super().__init__(message)
        self.line0, self.col0, self.message = line0, col0, message


class Positions:
    """Where each key, value or item of one mapping or sequence starts (0-based line, column)."""

    __slots__ = ("keys", "values", "items")

    def __init__(self):
        self.keys: dict = {}
        self.values: dict = {}
        self.items: list = []

    def key(self, k):
        return self.keys[k]

    def value(self, k):
        return self.values[k]

    def item(self, i):
        return self.items[i]


class Mapping(dict):
    """A YAML mapping with positions in `.lc`."""

    __slots__ = ("lc",)


class Sequence(list):
    """A YAML sequence with positions in `.lc`."""

    __slots__ = ("lc",)


class QuotedStr(str):
    """A scalar that was written in quotes: '97110' or "97110" (quoting is a rule for codes)."""

    __slots__ = ()


def _parser() -> YAML:
    try:
        return YAML(typ="safe", pure=False)  # C parser when ruamel.yaml.clib is installed
    except Exception:  # pragma: no cover - clib missing or broken: same events, slower
        return YAML(typ="safe", pure=True)


_RESOLVER = VersionedResolver(version=(1, 2))


def compose(text: str):
    """Parse `text` into Mapping / Sequence / scalars; raise MarkedYAMLError or ComposeError."""
    # A fresh parser each time: one that raised mid-stream keeps its state (pure-Python one).
    events = iter(_parser().parse(text))
    root, documents = None, 0
    for event in events:
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise ComposeError(event.start_mark.line, event.start_mark.column,
                                   "expected one YAML document per file, found a second one (---)")
        elif isinstance(event, (MappingStartEvent, SequenceStartEvent, ScalarEvent, AliasEvent)):
            root = _node(event, events)
    return root


def _check(event) -> None:
    """Refuse aliases and explicit tags (rare: only called when an event is not a plain node)."""
    if type(event) is AliasEvent:
        raise ComposeError(event.start_mark.line, event.start_mark.column,
                           f"expected plain values, found the alias *{event.anchor} (write the value out in full)")
    if event.tag not in _ALLOWED_TAGS:
        raise ComposeError(event.start_mark.line, event.start_mark.column,
                           f"expected plain YAML, found the tag {event.tag} (remove it)")


def _node(event, events):
    # The hot loop of loading: exact type tests and the raw tag (`ctag`, None for untagged
    # nodes) keep it cheap; anything unusual goes through `_check`.
    kind = type(event)
    if kind is AliasEvent or event.ctag is not None:
        _check(event)
    if kind is ScalarEvent:
        return _scalar(event)
    if kind is SequenceStartEvent:
        seq, lc = Sequence(), Positions()
        seq.lc = lc
        items, append = lc.items, seq.append
        for child in events:
            if type(child) is SequenceEndEvent:
                return seq
            mark = child.start_mark
            items.append((mark.line, mark.column))
            append(_node(child, events))
        return seq  # pragma: no cover - the parser always closes what it opens
    mapping, lc = Mapping(), Positions()
    mapping.lc = lc
    keys, values = lc.keys, lc.values
    for key_event in events:
        if type(key_event) is MappingEndEvent:
            return mapping
        key = _node(key_event, events)
        mark = key_event.start_mark
        where = (mark.line, mark.column)
        if isinstance(key, (dict, list)):
            raise ComposeError(*where, "expected a simple key, found a mapping or list used as a key")
        if key in mapping:
            first = keys[key][0] + 1
            raise ComposeError(*where, f"expected each key once per mapping, found duplicate key '{key}' "
                                       f"(first defined on line {first})")
        value_event = next(events)
        keys[key] = where
        mark = value_event.start_mark
        values[key] = (mark.line, mark.column)
        mapping[key] = _node(value_event, events)
    return mapping  # pragma: no cover - the parser always closes what it opens


@functools.lru_cache(maxsize=8192)
def _implicit_tag(value: str) -> str:
    """ruamel's YAML 1.2 tag for a plain scalar; cached because the same values recur a lot."""
    return _RESOLVER.resolve(ScalarNode, value, (True, False))


_PLAIN: dict = {}
"""Plain scalar text -> its value, for values that are not text (numbers, booleans, null)."""
_TEXT = object()


def _scalar(event: ScalarEvent):
    value, style = event.value, event.style
    if style or not event.implicit[0]:
        return QuotedStr(value) if style in ("'", '"') else value
    if event.ctag is not None:
        return _typed(value, event.tag)
    known = _PLAIN.get(value, _PLAIN)
    if known is _TEXT:
        return value
    if known is not _PLAIN:
        return known
    tag = _implicit_tag(value)
    if tag == f"{_T}str" or tag == f"{_T}timestamp":
        if len(_PLAIN) < 65536:
            _PLAIN[value] = _TEXT
        return value
    out = _typed(value, tag)
    if len(_PLAIN) < 65536 and not (isinstance(out, float) and math.isnan(out)):
        _PLAIN[value] = out
    return out


def _typed(value: str, tag: str):
    if tag == f"{_T}null":
        return None
    if tag == f"{_T}bool":
        return value.lower() == "true"
    if tag == f"{_T}int":
        digits = value.replace("_", "")
        return int(digits, 0) if digits.lower().lstrip("+-").startswith(("0o", "0x")) else int(digits)
    if tag == f"{_T}float":
        low = value.lower()
        if low.endswith(".inf"):
            return -math.inf if low.startswith("-") else math.inf
        return math.nan if low == ".nan" else float(value.replace("_", ""))
    return value


__all__ = ["ComposeError", "Mapping", "MarkedYAMLError", "QuotedStr", "Sequence", "compose"]
