"""The print packets' pages: each edition cut into volumes that a browser can print.

A packet of a thousand cases was one 25 MB page. Here each edition (student, instructor) is cut
into volumes of at most about VOLUME_BYTES of case HTML: by section first (worked cases, then
audit drills), then by count. The volumes are planned once the case and drill pages are rendered,
from the size of their Markdown (they are mostly raw HTML, which Markdown passes through). Each
volume is a page of its own with a table of contents; its cases are slots (`packets.slot`) that
the plugin fills from the rendered case pages, one at a time (packets.py). While everything fits
in one volume, the edition's index page is that volume; otherwise it lists the volumes. The claim
builder's exercises and the course's practice sets (`practiceset.COURSE_SETS`) are on the index
page. Answers are in the instructor edition only: the student edition drops them when it fills its
slots, and lists the exercises without them.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from metdocs.catalog.model import Catalog
from metdocs.pages.packets import slot
from metdocs.pages.plan import Page
from metdocs.rules.claimbuilder import PACKET_SEEDS, builder_data, generate
from metdocs.rules.practiceset import COURSE_SETS, series

EDITIONS = ("student", "instructor")
VOLUME_BYTES = 1_500_000
"""Estimated case HTML per volume at most: with the page around it, a volume stays under 2 MB."""
HTML_PER_MARKDOWN = 1.25
"""Rendered (and packet-rewritten) HTML per character of a case page's Markdown, with a margin."""


class Volume(NamedTuple):
    section: str
    """'Worked cases' or 'Audit drills'."""
    first: int
    """The number of its first case within its section (from 1)."""
    entries: tuple
    """indexes.Entry of each case in it."""


def plan_volumes(sections: list[tuple[str, list]], sizes: dict[str, int], budget: int | None = None) -> list[Volume]:
    """Cut the sections' entries into volumes of at most `budget` estimated HTML bytes (a case
    bigger than that gets a volume of its own); a section never shares a volume with another."""
    budget = budget or VOLUME_BYTES
    out = []
    for section, entries in sections:
        grows = [int(sizes.get(e.path, 0) * HTML_PER_MARKDOWN) for e in entries]
        # As many volumes as the budget needs, filled evenly: no last volume of a handful of cases.
        target = sum(grows) / max(1, -(-sum(grows) // budget))
        start, size = 0, 0
        for i, grow in enumerate(grows):
            if i > start and (size + grow > budget or size >= target):
                out.append(Volume(section, start + 1, tuple(entries[start:i])))
                start, size = i, 0
            size += grow
        if len(entries) > start:
            out.append(Volume(section, start + 1, tuple(entries[start:])))
    return out


def course_sets(data: dict | None, drills: list, faults: dict) -> list[dict]:
    """The course's practice sets as the packets list them: each exercise with its answer (a claim
    builder exercise as `generate` makes it; a drill with the faults it holds, from `faults`:
    drill id -> ((rule title, where), ...))."""
    titles = {e.path.rpartition("/")[2].removesuffix(".md"): e for e in drills}
    out = []
    for seed, n in COURSE_SETS:
        items = []
        for k, item in enumerate(series(seed, n, sorted(titles), data is not None), 1):
            if item["kind"] == "claim":
                items.append({"kind": "claim", "k": k, "ex": generate(data, item["seed"])})
            else:
                entry = titles[item["id"]]
                items.append({"kind": "drill", "k": k, "id": item["id"], "title": entry.title, "path": entry.path,
                              "faults": faults.get(item["id"], ())})
        if items:
            out.append({"seed": seed, "n": n, "items": items})
    return out


def packet_pages(catalog: Catalog, worked: list, drills: list, sizes: dict[str, int], context,
                 budget: int | None = None, faults: dict | None = None) -> tuple[list[Page], dict[str, tuple[str, ...]]]:
    """Each edition's pages, and for each page the case pages whose HTML it prints.

    `worked`, `drills`: indexes.Entry of each; `sizes`: page path -> length of its Markdown;
    `context(path)`: casepages.page_context bound to the site's URL style; `faults`: drill id ->
    the faults it holds, for the practice sets' answers (`course_sets`)."""
    budget = budget or VOLUME_BYTES
    data = builder_data(catalog)
    exercises = [generate(data, seed) for seed in PACKET_SEEDS] if data else []
    sets = course_sets(data, drills, faults or {})
    sections = [("Worked cases", worked), ("Audit drills", drills)]
    total = sum(int(sizes.get(e.path, 0) * HTML_PER_MARKDOWN) for _, entries in sections for e in entries)
    # Everything on the edition's own page while it fits; otherwise volumes, each of one section.
    volumes = plan_volumes(sections, sizes, budget) if total > budget else \
        [Volume("Worked cases and audit drills", 1, tuple(worked) + tuple(drills))] if worked or drills else []
    pages, depends = [], {}
    for edition in EDITIONS:
        answers = edition == "instructor"
        index = f"print/{edition}/index.md"
        paths = [index] if len(volumes) <= 1 else [f"print/{edition}/volume-{n}.md" for n in range(1, len(volumes) + 1)]
        listed = tuple((n, _label(v), p) for n, (v, p) in enumerate(zip(volumes, paths), 1)) if len(volumes) > 1 else ()
        common = {"answers": answers, "edition": edition, "worked": len(worked), "drills": len(drills),
                  "of": len(volumes), "exercises": exercises,
                  "sets": sets}
        if listed:
            pages.append(_page(index, context, {**common, "number": 0, "volumes": listed, "contents": ()}))
            depends[index] = ()
        for n, (volume, path) in enumerate(zip(volumes, paths), 1):
            contents = tuple((_section(e), e.title, e.path, e.path.rpartition("/")[2].removesuffix(".md"))
                             for e in volume.entries)
            pages.append(_page(path, context, {**common, "number": n if listed else 0, "volumes": (),
                                               "label": _label(volume), "contents": contents}))
            depends[path] = tuple(c[2] for c in contents)
        if not volumes:
            pages.append(_page(index, context, {**common, "number": 0, "volumes": (), "contents": ()}))
            depends[index] = ()
    return pages, depends


def _section(entry) -> str:
    return "Audit drills" if entry.path.startswith("drills/") else "Worked cases"


def _page(path: str, context, data: dict) -> Page:
    if data["number"]:  # a numbered volume lists no sets (print_edition.md.j2): an edit to a set's drill
        data = {**data, "sets": ()}  # must not make every volume again under serve
    key = tuple(sorted((k, v) for k, v in data.items() if k not in ("exercises", "sets")))
    key += (("sets", json.dumps(data["sets"], sort_keys=True, default=str)),)  # a drill's faults may change
    return Page(path, "print_edition.md.j2", {**context(path), **data, "slot": slot}, in_nav=False, key=key)


def _label(volume: Volume) -> str:
    last = volume.first + len(volume.entries) - 1
    return f"{volume.section.lower()} {volume.first}–{last}" if last > volume.first else \
        f"{volume.section.lower()} {volume.first}"
