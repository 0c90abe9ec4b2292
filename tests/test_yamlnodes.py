"""The fast composer resolves scalars like ruamel's YAML 1.2 loader and keeps positions and quoting."""

from __future__ import annotations

import math

import pytest
from ruamel.yaml import YAML

from metdocs.catalog.yamlnodes import ComposeError, QuotedStr, compose

SAMPLE = """\
a: "97110"
b: 97110
c: 1.5
d: true
e: null
f: 2026-01-01
g: [x, 'y', 31, -15, .inf, ~]
h:
  - k: v
"""


def test_values_match_ruamel_safe_loader_except_dates():
    ours = compose(SAMPLE)
    theirs = YAML(typ="safe", pure=True).load(SAMPLE)
    theirs["f"] = "2026-01-01"  # dates stay text so the schema can place a bad one
    assert ours == theirs
    assert isinstance(ours["a"], QuotedStr) and not isinstance(ours["b"], str)
    assert isinstance(ours["g"][1], QuotedStr) and not isinstance(ours["g"][0], QuotedStr)
    assert math.isinf(ours["g"][4]) and ours["g"][2:4] == [31, -15]


def test_positions_are_zero_based_line_and_column():
    root = compose(SAMPLE)
    assert root.lc.key("b") == (1, 0) and root.lc.value("b") == (1, 3)
    assert root["g"].lc.item(1) == (6, 7)
    assert root["h"][0].lc.value("k") == (8, 7)


@pytest.mark.parametrize("text, message", [
    ("a: 1\na: 2\n", "found duplicate key 'a' (first defined on line 1)"),
    ("a: &x 1\nb: *x\n", "found the alias *x"),
    ("a: !!binary aGk=\n", "found the tag"),
    ("a: 1\n---\nb: 2\n", "found a second one"),
    ("? [1, 2]\n: x\n", "found a mapping or list used as a key"),
])
def test_refused_constructs(text, message):
    with pytest.raises(ComposeError) as e:
        compose(text)
    assert message in e.value.message


def test_scalar_texts_are_collected_in_file_order():
    texts: list = []
    compose("a: x\nb: [1, 'two']\nc: {d: 3}\n", texts)
    assert texts == ["a", "x", "b", "1", "two", "c", "d", "3"]


def test_without_the_c_parser_the_pure_one_gives_the_same_tree(monkeypatch):
    from metdocs.catalog import yamlnodes

    fast = compose(SAMPLE)
    monkeypatch.setattr(yamlnodes, "CParser", None)
    slow = compose(SAMPLE)
    assert slow == fast
    assert slow.lc.keys == fast.lc.keys and slow["g"].lc.items == fast["g"].lc.items
    with pytest.raises(ComposeError):
        compose("a: 1\n---\nb: 2\n")


@pytest.mark.parametrize("written, how", [
    ("0o27", "an octal number"), ("0x1F", "a hexadecimal number"), ("0b101", "a binary number"),
    ("2_3", "digits grouped with '_'"), ("1_000.5", "digits grouped with '_'"), ("1e3", "a number with an exponent"),
    ("1.5E-3", "a number with an exponent"), ("023", "a leading zero, which some YAML readers take for an octal number"),
    ("+23", "a sign or a point where plain decimal has none"), (".5", "a sign or a point where plain decimal has none"),
    ("5.", "a sign or a point where plain decimal has none"),
])
def test_numbers_are_plain_decimal_or_a_located_error(written, how):
    with pytest.raises(ComposeError) as e:
        compose(f"minutes:\n  - 20\n  - {written}\n")
    shown = written
    assert (e.value.line0, e.value.col0) == (2, 4)
    assert e.value.message == (f"expected a number in plain decimal digits (such as 23 or 7.5), found {shown!r}, {how}; "
                               "write the number plainly, or quote it if it is text")


@pytest.mark.parametrize("written, value", [("23", 23), ("-4", -4), ("0", 0), ("7.5", 7.5), ("-0.25", -0.25),
                                            ("'0o27'", "0o27"), ('"1e3"', "1e3"), ("0o27 minutes", "0o27 minutes")])
def test_plain_decimal_numbers_and_quoted_text_read_as_written(written, value):
    assert compose(f"a: {written}\n")["a"] == value
