"""Practice pages: their index, the claim builder and the student's "My progress" page.

Both are drawn in the browser (claims.js, progress.js) from data written here at build time:
the claim builder's visits are drawn from the catalog (`claimbuilder.builder_data`), and the
progress page lists every drill with its final URL. Links inside that data are not rewritten by
MkDocs, so they are made final here in the site's URL style (`casepages.page_context`'s `url`).
"""

from __future__ import annotations

from metdocs.pages.casepages import case_path, page_context
from metdocs.rules.claimbuilder import builder_data
from metdocs.catalog.model import Catalog
from metdocs.pages.plan import Page, anchor
from metdocs.escape import json_attr

BUILDER = "practice/claim-builder.md"
PROGRESS = "practice/progress.md"
INDEX = "practice/index.md"


def practice_pages(catalog: Catalog, cases, *, directory_urls: bool = True) -> list[Page]:
    """The practice index, the claim builder and progress pages (kept out of the generated
    sidebar, like the packets: mkdocs.yml's nav names them)."""
    builder = page_context(BUILDER, directory_urls)
    data = builder_data(catalog, rule_url=lambda rule: builder["url"](f"standards/index.md#{anchor('rule', rule)}"))
    progress = page_context(PROGRESS, directory_urls)
    drills = [{"id": c.id, "title": c.title, "url": progress["url"](case_path(c))}
              for c in sorted(cases, key=lambda c: c.id) if c.kind == "drill"]
    return [
        Page(INDEX, "practice_index.md.j2", {**page_context(INDEX, directory_urls), "builder": BUILDER,
                                             "progress": PROGRESS}, in_nav=False),
        Page(BUILDER, "claim_builder.md.j2", {**builder, "data": json_attr(data) if data else None},
             in_nav=False),
        Page(PROGRESS, "progress.md.j2",
             {**progress, "data": json_attr({"drills": drills, "claims_url": progress["url"](BUILDER)}),
              "drills": drills}, in_nav=False, key=tuple((d["id"], str(d["title"]), d["url"]) for d in drills)),
    ]
