"""Practice pages: their index, the claim builder, practice sets and the student's "My progress" page.

All three are drawn in the browser (claims.js, progress.js) from data written here at build time:
the claim builder's visits are drawn from the catalog (`claimbuilder.builder_data`), and the
progress page lists every drill with its final URL. Links inside that data are not rewritten by
MkDocs, so they are made final here in the site's URL style (`casepages.page_context`'s `url`).
"""

from __future__ import annotations

from metdocs.pages.casepages import case_path, page_context
from metdocs.rules.claimbuilder import builder_data
from metdocs.rules.practiceset import DEFAULT_SEED, SIZE, series
from metdocs.catalog.model import Catalog
from metdocs.pages.plan import Page, anchor
from metdocs.escape import json_attr

BUILDER = "practice/claim-builder.md"
PROGRESS = "practice/progress.md"
INDEX = "practice/index.md"
SET = "practice/set.md"


def practice_pages(catalog: Catalog, cases, *, directory_urls: bool = True) -> list[Page]:
    """The practice index, the claim builder and progress pages (kept out of the generated
    sidebar, like the packets: mkdocs.yml's nav names them)."""
    builder = page_context(BUILDER, directory_urls)
    data = builder_data(catalog, rule_url=lambda rule: builder["url"](f"standards/index.md#{anchor('rule', rule)}"))
    progress = page_context(PROGRESS, directory_urls)
    drills = [{"id": c.id, "title": c.title, "url": progress["url"](case_path(c))}
              for c in sorted(cases, key=lambda c: c.id) if c.kind == "drill"]
    return [
        _set_page(catalog, drills, data is not None, directory_urls),
        Page(INDEX, "practice_index.md.j2", {**page_context(INDEX, directory_urls), "builder": BUILDER,
                                             "progress": PROGRESS, "set": SET}, in_nav=False),
        Page(BUILDER, "claim_builder.md.j2", {**builder, "data": json_attr(data) if data else None},
             in_nav=False),
        Page(PROGRESS, "progress.md.j2",
             {**progress, "data": json_attr({"drills": drills, "claims_url": progress["url"](BUILDER),
                                    "set_url": progress["url"](SET)}),
              "drills": drills}, in_nav=False, key=tuple((d["id"], str(d["title"]), d["url"]) for d in drills)),
    ]


def _set_page(catalog: Catalog, drills: list[dict], claims: bool, directory_urls: bool) -> Page:
    """The practice set page: what practiceset.js needs to draw a set and its summary, with every
    link final (drill pages, the claim builder, each rule on the standards page, units, pairing)."""
    ctx = page_context(SET, directory_urls)
    url = ctx["url"]
    # A finding names a rule or an element; each has its entry on the standards page.
    rules = {e.id: {"title": e.title if kind == "rule" else e.name,
                    "url": url(f"standards/index.md#{anchor(kind, e.id)}")}
             for kind, entries in (("element", catalog.elements), ("rule", catalog.rules)) for e in entries}
    data = {"size": SIZE, "default_seed": DEFAULT_SEED, "claims": claims, "set_url": url(SET),
            "drills": [{**d, "url": url(f"drills/{d['id']}.md")} for d in drills], "claims_url": url(BUILDER),
            "rules": rules, "standards_url": url("standards/index.md"), "units_url": url("units/index.md"),
            "pairing_url": url("pairing/index.md"), "progress_url": url(PROGRESS)}
    # Without JavaScript the page still lists the default set, drawn here by the same derivation.
    titles = {d["id"]: d["title"] for d in data["drills"]}
    plain = [{"label": f"Claim builder exercise {i['seed']}", "url": f"{data['claims_url']}?seed={i['seed']}"}
             if i["kind"] == "claim" else {"label": f"Audit drill: {titles[i['id']]}", "url": url(f"drills/{i['id']}.md")}
             for i in series(DEFAULT_SEED, SIZE["default"], sorted(titles), claims)]
    return Page(SET, "practice_set.md.j2", {**ctx, "data": json_attr(data), "size": SIZE, "default_seed": DEFAULT_SEED,
                                            "plain": plain}, in_nav=False, key=json_attr(data))
