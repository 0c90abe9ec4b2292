"""Pages that teach the two timed-unit rules, with every number computed by `units.py`.

The worked examples are CMS's published ones (Pub 100-04 ch. 5 §20.2) plus the
per-code contrast from the domain reference; the engine computes each result,
so a student never reads a hand-typed number.
"""

from __future__ import annotations

from metdocs.catalog.model import Catalog
from metdocs.pages.plan import Page
from metdocs.escape import json_attr
from metdocs.rules.units import allocate

EXAMPLES = (
    ("CMS example 1: two codes over 15 minutes", {"97112": 24, "97110": 23}),
    ("CMS example 2: equal minutes", {"97112": 20, "97110": 20}),
    ("CMS example 3: a short second code", {"97110": 33, "97140": 7}),
    ("Two short services that together reach 8 minutes", {"97110": 7, "97112": 5}),
    ("The contrast: 10 + 10 minutes", {"97110": 10, "97116": 10}),
)
"""(title, minutes per code) shown on the rules page, each under both rules."""
SECTION_IDS = {"cms": "cms-rule", "ama": "per-code-rule"}
"""The id of the units page's section on each unit rule, which feedback on that rule links to."""


def unit_pages(cat: Catalog) -> list[Page]:
    """The unit-rules page and the calculator page."""
    known = {c.code for c in cat.cpt_codes}
    examples = []
    for title, visit in EXAMPLES:
        if set(visit) <= known:  # a trimmed-down catalog simply shows fewer examples
            examples.append({"title": title, "visit": visit,
                             "cms": allocate(visit, cat.is_timed, "cms"),
                             "ama": allocate(visit, cat.is_timed, "ama")})
    rules = {r.id: r for r in cat.rules}
    # The three MET codes first: they are what a MedExPRO bills; the rest are for comparison.
    ordered = sorted(cat.cpt_codes, key=lambda c: (not c.in_scope, c.code))
    codes = [{"code": c.code, "name": c.name, "timed": c.timed, "in_scope": c.in_scope} for c in ordered]
    data = json_attr({"codes": codes})
    return [
        Page("units/index.md", "units_rules.md.j2", {"examples": examples, "rules": rules, "sections": SECTION_IDS}),
        Page("units/calculator.md", "calculator.md.j2",
             {"codes": codes, "data": data, "core": [c for c in cat.cpt_codes if c.in_scope]}),
    ]
