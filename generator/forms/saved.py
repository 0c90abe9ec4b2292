"""A file a web form saved, read as hostile input: any shape is a located problem, never a crash.

A saved record comes from anywhere: a trainer's disk, an e-mail, a file edited by hand. Before
`fill.py` takes values from it, it is read here with limits (at most `MAX_BYTES`, only a regular
file, UTF-8, JSON nested at most `MAX_DEPTH` deep, no NaN or Infinity, no number longer than
`MAX_DIGITS` digits) and its shape is checked: a FHIR QuestionnaireResponse (items holding
items or answers, each answer one value[x] of a type a metdocs form saves) or the
`{form, version, values}` of version 1 of the forms. Every problem names the item it is in:
`saved.json: error: item 'minutes.minutes': expected a finite number, found NaN`.

forms.js `savedProblem` is the browser's twin of `shape_problems`, with the same messages
(tests/browser/test_saved_records_browser.py loads every file of the hostile corpus into both).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from metdocs.catalog.load import not_plain_text
from metdocs.errors import DataError, Location, Problem
from metdocs.files.fsguard import read_regular

MAX_BYTES = 2_000_000
"""Largest saved record: a filled form is a few kilobytes."""
MAX_DEPTH = 64
"""Deepest JSON nesting: a saved record is about eight levels deep."""
MAX_DIGITS = 15
"""Longest whole number: more digits than a double (and JavaScript) holds exactly."""
MAX_REPORTED = 20

VALUE_TYPES = {"valueString": "text", "valueDate": "text", "valueTime": "text", "valueDateTime": "text",
               "valueBoolean": "true or false", "valueInteger": "a whole number", "valueDecimal": "a number",
               "valueCoding": "a coding", "valueQuantity": "a quantity"}
"""The answer values a metdocs form saves (forms.js `answer`), and what each must hold."""


class BadNumber(str):
    """A number JSON allows but a saved record must not hold (NaN, Infinity, too many digits), as written."""

    __slots__ = ()

    def expected(self) -> str:
        if not re.fullmatch(r"-?[0-9]+", self):  # NaN, Infinity, or an exponent beyond a double
            return f"expected a finite number, found {self}"
        shown = self if len(self) <= 40 else f"{self[:37]}... ({len(self):,} characters)"
        return f"expected a number of at most {MAX_DIGITS} digits, found {shown}"


def _int(text: str):
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else BadNumber(text)


def _float(text: str):
    value = float(text)
    return value if math.isfinite(value) and len(text) <= 40 else BadNumber(text)


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> bool:
    """True when `text` nests brackets deeper than MAX_DEPTH (counted before parsing: a parser
    recurses per level, and Python's stops with a RecursionError)."""
    depth = 0
    for m in _BRACKET.finditer(_STRING.sub('""', text)):
        depth += 1 if m.group() in "[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def load_saved(path: Path):
    """The JSON value of a saved file; DataError (located at the file) when it cannot be read as one."""
    where = Location.of(path)
    raw, problem = read_regular(path, MAX_BYTES)  # never a FIFO, a device or an endless file
    if problem is not None:
        raise DataError([problem])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError([Problem(where, f"expected a saved form (UTF-8 JSON), found the byte 0x{raw[e.start]:02x} "
                                        f"at byte {e.start + 1}, which is not UTF-8")]) from None
    if _too_deep(text):
        raise DataError([Problem(where, f"expected a saved form (JSON nested at most {MAX_DEPTH} levels deep), "
                                        "found deeper nesting")])
    try:
        return json.loads(text, parse_constant=BadNumber, parse_int=_int, parse_float=_float)
    except (json.JSONDecodeError, ValueError, RecursionError) as e:
        raise DataError([Problem(where, f"expected a saved form (JSON), found {type(e).__name__}: {e}")]) from None


def load_record(path: Path):
    """A saved file's JSON, its shape checked (`shape_problems`); DataError with every problem, located."""
    saved = load_saved(path)
    problems = shape_problems(saved)
    if problems:
        raise DataError([Problem(Location.of(path), p) for p in problems])
    return saved


def kind(value) -> str:
    """What a JSON value is, in words."""
    if isinstance(value, BadNumber):
        return f"the number {value}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


def shape_problems(saved) -> list[str]:
    """What is wrong with the shape of a saved record (a QuestionnaireResponse, or version 1's
    `{form, version, values}`), each as `item 'x': expected ...`; [] when every value is usable."""
    out: list[str] = []
    if isinstance(saved, dict) and saved.get("resourceType") == "QuestionnaireResponse":
        if not isinstance(saved.get("questionnaire", ""), str):
            out.append(f"'questionnaire': expected text (the form's address), found {kind(saved['questionnaire'])}")
        _items(saved.get("item"), "the response", out)
    elif isinstance(saved, dict) and isinstance(saved.get("values"), dict):
        for name, value in saved["values"].items():
            why = _scalar(value)
            if why is not None:
                out.append(f"item {_name(name)}: {why}")
    return out[:MAX_REPORTED]


def _name(link: str) -> str:
    return f"'{link}'"


def _items(items, owner: str, out: list[str]) -> None:
    if items is None:
        return
    if not isinstance(items, list):
        out.append(f"{owner}: expected 'item' to be a list of items, found {kind(items)}")
        return
    for n, it in enumerate(items, 1):
        if not isinstance(it, dict):
            out.append(f"{owner}: expected each of its items to be an object, found {kind(it)} (item {n})")
            continue
        link = it.get("linkId")
        if not isinstance(link, str) or link == "":
            out.append(f"item {n} of {owner}: expected a linkId (text), found "
                       f"{kind(link) if 'linkId' in it else 'none'}")
            name = f"item {n} of {owner}"
        elif not_plain_text(link) is not None:
            out.append(f"item {n} of {owner}: in its linkId, {not_plain_text(link)}")
            name = f"item {n} of {owner}"
        else:
            name = f"item {_name(link)}"
        if "answer" in it:
            _answers(it["answer"], name, out)
        _items(it.get("item"), name, out)


def _answers(answers, name: str, out: list[str]) -> None:
    if not isinstance(answers, list):
        out.append(f"{name}: expected 'answer' to be a list of answers, found {kind(answers)}")
        return
    for n, a in enumerate(answers, 1):
        if not isinstance(a, dict):
            out.append(f"{name}: expected each answer to be an object such as {{\"valueString\": \"...\"}}, "
                       f"found {kind(a)} (answer {n})")
            continue
        keys = [k for k in a if k.startswith("value")]
        if len(keys) != 1:
            out.append(f"{name}: expected one value in each answer, found {len(keys) or 'none'}")
            continue
        why = _value(keys[0], a[keys[0]])
        if why is not None:
            out.append(f"{name}: {why}")


def _value(key: str, value) -> str | None:
    """Why an answer's value[x] cannot be used, or None."""
    want = VALUE_TYPES.get(key)
    if want is None:
        return f"expected an answer of one of the kinds a metdocs form saves ({', '.join(VALUE_TYPES)}), found {key}"
    if isinstance(value, BadNumber):
        return f"{key}: {value.expected()}"
    if want == "text":
        return None if isinstance(value, str) and _text(value) is None else f"{key}: {_text(value) or _found('text', value)}"
    if want == "true or false":
        return None if isinstance(value, bool) else f"{key}: {_found('true or false', value)}"
    if want == "a whole number":
        return None if _number(value) and isinstance(value, int) else f"{key}: {_found('a whole number', value)}"
    if want == "a number":
        return None if _number(value) else f"{key}: {_found('a number', value)}"
    fields = {"a coding": ("code", "system", "display"), "a quantity": ("value", "unit", "system", "code")}[want]
    if not isinstance(value, dict):
        return f"{key}: expected an object with {' and '.join(fields[:1])}, found {kind(value)}"
    for field in fields:
        inner = value.get(field)
        if field == fields[0] and inner is None:
            return f"{key}: expected an object with a {field}, found none"
        if inner is None:
            continue
        if isinstance(inner, BadNumber):
            return f"{key}.{field}: {inner.expected()}"
        if field == "value":
            if not _number(inner):
                return f"{key}.{field}: {_found('a number', inner)}"
        elif not isinstance(inner, str) or _text(inner) is not None:
            return f"{key}.{field}: {_text(inner) if isinstance(inner, str) else _found('text', inner)}"
    return None


def _scalar(value) -> str | None:
    """Why a version-1 value (text, a number, true or false, null) cannot be used, or None."""
    if isinstance(value, BadNumber):
        return value.expected()
    if value is None or isinstance(value, (bool, int, float)):
        return None
    if isinstance(value, str):
        return _text(value)
    return f"expected text, a number or true or false, found {kind(value)}"


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, (bool, BadNumber))


def _text(value) -> str | None:
    return not_plain_text(value) if isinstance(value, str) else None


def _found(want: str, value) -> str:
    return f"expected {want}, found {kind(value)}"
