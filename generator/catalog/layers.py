"""Layering: a course project's catalog entries, cases and forms on top of the shipped ones.

A course made by `metdocs new` builds on the shipped project (see `shipped.py`). Its items
are added after the shipped ones; an item whose id is already shipped replaces it only when
it says so (`replaces: true`), in the shipped item's place, so the order of pages stays
put. An id used again without it is a mistake: an error naming both files, and the shipped
item is kept. `replaces: true` with nothing to replace is an error too (a typo in the id
would otherwise add a second, unintended entry). Duplicates within one layer are left for
the usual duplicate checks (`validate.duplicates`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from metdocs.errors import Problem

T = TypeVar("T")

HINT = "to replace the shipped one, add 'replaces: true' to this entry; otherwise choose a new id"


def merge(layers: Sequence[Sequence[T]], key: str, kind: str) -> tuple[list[T], list[Problem]]:
    """The items of every layer (lowest first) merged by `key`, and the layering problems.

    Args:
        layers: Each layer's items in file order; the shipped layer first.
        key: The attribute that identifies an item ('id', or 'code' for codes).
        kind: What an item is, for messages ('CPT code', 'case or drill id' ...).
    """
    merged: list[T] = []
    problems: list[Problem] = []
    below: dict[object, int] = {}  # key -> index in `merged` of the item from a lower layer
    for depth, items in enumerate(layers):
        here: dict[object, int] = {}
        replaced: set = set()
        for item in items:
            k = getattr(item, key)
            replaces = getattr(item, "replaces", False)
            if k in below and k not in replaced:
                if replaces:
                    merged[below[k]] = item
                    replaced.add(k)
                else:
                    problems.append(Problem(item.where, f"expected each {kind} once, found '{k}' again (first "
                                                        f"defined at {merged[below[k]].where}); {HINT}"))
                continue
            if replaces and k not in below:
                problems.append(Problem(item.where, (
                    f"expected a shipped {kind} '{k}' for 'replaces: true' to replace, found none; check the id "
                    "or remove 'replaces: true'") if depth else (
                    f"expected 'replaces: true' only in a course project built on the shipped catalog, found it "
                    f"on '{k}'; remove it")))
            here.setdefault(k, len(merged))
            merged.append(item)  # a second item with one id in one layer: validate.duplicates reports it
        for k, i in here.items():
            below.setdefault(k, i)
    return merged, problems
