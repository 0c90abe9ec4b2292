"""Which pages explain each rule: the links every piece of feedback carries (issue 24).

A finding in a drill's result, the claim builder's feedback or a web form's "Check the record"
links to its rule on the standards page, and where a page teaches the rule's family, to that page
too: the units page for unit rules, the CPT/ICD-10-CM pairing guides for pairing and diagnosis
rules, the scope page for scope rules. It is decided here once, as data (`EXPLAINED_BY`), and
handed to the browser in the rulebook's data (BOOK_JS, `explain`); no script chooses a page.
"""

from __future__ import annotations

from metdocs.catalog.model import Catalog
from metdocs.pages.plan import anchor
from metdocs.pages.unitpages import SECTION_IDS
from metdocs.rules.audit.records import SCOPE_RULE, UNIT_RULES

STANDARDS = "standards/index.md"
UNITS = "units/index.md"
PAIRING = "pairing/index.md"
SCOPE = "scope/index.md"

UNIT_ANCHORS = {UNIT_RULES[r]: SECTION_IDS[r] for r in UNIT_RULES}
"""The units page's section on each unit rule."""

EXPLAINED_BY: dict[str, tuple[str, str, str]] = {
    **{rule: (UNITS, UNIT_ANCHORS[rule], "How units are counted") for rule in UNIT_ANCHORS},
    **{rule: (UNITS, "", "How units are counted") for rule in ("cms-unit-split", "untimed-one-unit",
                                                                  "check-payer-unit-rule", "minutes-per-code",
                                                                  "total-timed-minutes")},
    **{rule: (PAIRING, "", "Which diagnosis supports which code") for rule in ("icd10-link-per-cpt",
                                                                               "billable-icd10-leaf",
                                                                               "icd10-conventions")},
    **{rule: (SCOPE, "", "What a MedExPRO may bill") for rule in (SCOPE_RULE, "private-payers-only", "no-gp-modifier",
                                                                  "own-services-own-npi",
                                                                  "never-bill-as-physical-therapy",
                                                                  "one-on-one-vs-group")},
}
"""Rule id -> (page, anchor on it or '', link text) of the page that teaches the rule's family."""


def reportable(catalog: Catalog) -> list[tuple[str, str]]:
    """(kind, id) of every rule and element a checker can report: the audit's and the rulebook's
    rules, the session-log elements, and every element a web form's completeness check names
    (any document's), so every catalog rule and element (each has its entry on the standards page)."""
    return sorted([("rule", r.id) for r in catalog.rules] + [("element", e.id) for e in catalog.elements],
                  key=lambda k: k[1])


def explain_links(catalog: Catalog, url) -> dict[str, list[dict]]:
    """Rule or element id -> the links that explain it, first the entry on the standards page.

    Args:
        catalog: The checked catalog.
        url: `url(md_path_with_anchor) -> str`, the final URL of a page in the site's URL style,
            relative to the site's root (see `book_script`).
    """
    out = {}
    for kind, id_ in reportable(catalog):
        links = [{"href": url(f"{STANDARDS}#{anchor(kind, id_)}"), "text": "Read the rule"}]
        if id_ in EXPLAINED_BY:
            page, at, text = EXPLAINED_BY[id_]
            links.append({"href": url(page + (f"#{at}" if at else "")), "text": text})
        out[id_] = links
    return out
