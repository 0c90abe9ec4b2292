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
impossible date like 2026-02-30 at its position. Numbers are written in plain
decimal (`23`, `-4`, `7.5`): YAML also reads `0o27`, `2_3`, `0x1F` and `1e3` as
numbers, which no one means as minutes and other YAML readers read otherwise
(`012` is 10 to a YAML 1.1 reader), so each of those is a located error.
"""

from __future__ import annotations

import functools
import math
import re

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                                ScalarEvent, SequenceEndEvent, SequenceStartEvent, StreamEndEvent)
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


try:  # ruamel.yaml.clib's C parser: the same events as ruamel's pure-Python one, several times faster
    from _ruamel_yaml import CParser
except ImportError:  # pragma: no cover - clib missing or broken
    CParser = None


def _event_source(text: str):
    """(next_event, dispose) for `text`.

    We drive the C parser ourselves: `YAML().parse()` builds a new loader class on every call,
    which cost about a fifth of the time of loading a case file.
    """
    if CParser is not None:
        parser = CParser(text)
        return parser.get_event, parser.dispose
    events = iter(YAML(typ="safe", pure=True).parse(text))  # ruamel.yaml.clib missing: same events, slower
    return events.__next__, events.close


_RESOLVER = VersionedResolver(version=(1, 2))


def compose(text: str, scalars: list | None = None):
    """Parse `text` into Mapping / Sequence / scalars; raise MarkedYAMLError or ComposeError.

    When a list is given as `scalars`, the text of every scalar (keys included) is appended to
    it in file order: whole-file text checks (privacy.py) then need no second walk of the tree.
    """
    out = [] if scalars is None else scalars
    # A fresh parser each time: one that raised mid-stream keeps its state.
    get, dispose = _event_source(text)
    root, documents = None, 0
    try:
        while True:
            event = get()
            kind = type(event)
            if kind is StreamEndEvent:
                return root
            if kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise ComposeError(event.start_mark.line, event.start_mark.column,
                                       "expected one YAML document per file, found a second one (---)")
            elif kind in _NODE_STARTS:
                root = _node(event, get, out)
    finally:
        dispose()


_NODE_STARTS = (MappingStartEvent, SequenceStartEvent, ScalarEvent, AliasEvent)


def _check(event) -> None:
    """Refuse aliases and explicit tags (rare: only called when an event is not a plain node)."""
    if type(event) is AliasEvent:
        raise ComposeError(event.start_mark.line, event.start_mark.column,
                           f"expected plain values, found the alias *{event.anchor} (write the value out in full)")
    if event.tag not in _ALLOWED_TAGS:
        raise ComposeError(event.start_mark.line, event.start_mark.column,
                           f"expected plain YAML, found the tag {event.tag} (remove it)")


def _node(event, get, out):
    """The node that `event` starts; `get()` returns the next parse event; scalar texts go to `out`."""
    # The hot loop of loading: exact type tests and the raw tag (`ctag`, None for untagged
    # nodes) keep it cheap; anything unusual goes through `_check`.
    kind = type(event)
    if kind is AliasEvent or event.ctag is not None:
        _check(event)
    if kind is ScalarEvent:
        out.append(event.value)
        return _scalar(event)
    if kind is SequenceStartEvent:
        seq, lc = Sequence(), Positions()
        seq.lc = lc
        items, append = lc.items, seq.append
        while True:
            child = get()
            if type(child) is SequenceEndEvent:
                return seq
            mark = child.start_mark
            items.append((mark.line, mark.column))
            append(_node(child, get, out))
    mapping, lc = Mapping(), Positions()
    mapping.lc = lc
    keys, values = lc.keys, lc.values
    while True:
        key_event = get()
        if type(key_event) is MappingEndEvent:
            return mapping
        key = _node(key_event, get, out)
        mark = key_event.start_mark
        where = (mark.line, mark.column)
        if isinstance(key, (dict, list)):
            raise ComposeError(*where, "expected a simple key, found a mapping or list used as a key")
        if key in mapping:
            first = keys[key][0] + 1
            raise ComposeError(*where, f"expected each key once per mapping, found duplicate key '{key}' "
                                       f"(first defined on line {first})")
        value_event = get()
        keys[key] = where
        mark = value_event.start_mark
        values[key] = (mark.line, mark.column)
        mapping[key] = _node(value_event, get, out)


@functools.lru_cache(maxsize=8192)
def _implicit_tag(value: str) -> str:
    """ruamel's YAML 1.2 tag for a plain scalar; cached because the same values recur a lot."""
    return _RESOLVER.resolve(ScalarNode, value, (True, False))


_PLAIN: dict = {}
"""Plain scalar text -> its value, for values that are not text (numbers, booleans, null)."""
_TEXT = object()


def _scalar(event: ScalarEvent):
    try:
        return _plain_or_typed(event)
    except ValueError:  # Python refuses ints of more than 4,300 digits; a tag can name a type the text is not
        shown = event.value if len(event.value) <= 40 else f"{event.value[:37]}... ({len(event.value):,} characters)"
        raise ComposeError(event.start_mark.line, event.start_mark.column,
                           f"expected a number that can be read, found '{shown}'") from None


_PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_SPECIAL = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"}
"""Infinity and not-a-number: the schema says what it expected there (a finite number)."""


def _not_plain_decimal(value: str, tag: str) -> str | None:
    """Why a plain scalar YAML reads as a number is not written as one of ours, or None."""
    if value in _SPECIAL or _PLAIN_DECIMAL.fullmatch(value):
        return None
    low = value.lower().lstrip("+-")
    if low.startswith(("0o", "0x", "0b")):
        how = {"0o": "an octal", "0x": "a hexadecimal", "0b": "a binary"}[low[:2]] + " number"
    elif "_" in value:
        how = "digits grouped with '_'"
    elif "e" in low:
        how = "a number with an exponent"
    elif re.fullmatch(r"[-+]?0[0-9]+(\.[0-9]+)?", value):
        how = "a leading zero, which some YAML readers take for an octal number"
    else:
        how = "a sign or a point where plain decimal has none"
    return f"expected a number in plain decimal digits (such as 23 or 7.5), found {value!r}, {how}; " \
           "write the number plainly, or quote it if it is text"


def _plain_or_typed(event: ScalarEvent):
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
    if tag in (f"{_T}int", f"{_T}float"):
        why = _not_plain_decimal(value, tag)
        if why is not None:
            raise ComposeError(event.start_mark.line, event.start_mark.column, why)
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


def strings(node, where: tuple[int, int] = (0, 0), *, keys: bool = False):
    """Every string in a composed tree with its 0-based (line, column): mapping values and list
    items, and mapping keys too when `keys` is true. Positions stay tuples: callers make a
    Location only for the rare string they report."""
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        lc = getattr(node, "lc", None)
        for key, value in node.items():
            if keys and isinstance(key, str):
                yield (lc.key(key) if lc is not None else where), key
            yield from strings(value, lc.value(key) if lc is not None else where, keys=keys)
    elif isinstance(node, list):
        lc = getattr(node, "lc", None)
        for i, item in enumerate(node):
            yield from strings(item, lc.item(i) if lc is not None else where, keys=keys)


__all__ = ["ComposeError", "Mapping", "MarkedYAMLError", "QuotedStr", "Sequence", "compose", "strings"]
