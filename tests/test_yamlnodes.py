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
g: [x, 'y', 0x1F, 0o17, .inf, ~]
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
    assert math.isinf(ours["g"][4]) and ours["g"][2:4] == [31, 15]


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
