"""Pages for the worked cases and audit drills, and their print editions.

Every number shown is computed here by the engine (`units.allocate`,
`rules.measures.measure_changes`, `rules.audit.core.case_findings`), never typed in a template.
Web pages and print editions render the same partials (`partials/case_record.md.j2`,
`partials/drill_answer.md.j2`); only the `answers` and `collapsed` flags differ,
so the student and instructor editions cannot drift apart.

Case and drill pages live one folder deep like every generated page; the print
editions live two deep (`print/student/index.md`), so each page gets its own
`href` that climbs the right number of folders.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup
from mkdocs.utils import get_relative_url

from metdocs.rules import prose
from metdocs.rules.audit import records
from metdocs.rules.audit.core import (CASE, ENFORCED, LINE, SESSION, SESSION_LOG, UNIT_RULES, case_findings,
                                      reported_at)
from metdocs.cases.model import Case, billed_by_code, minutes_by_code
from metdocs.rules.measures import beyond, cutoffs_for, figure_for, measure_changes, reassess_days
from metdocs.catalog.model import Catalog
from metdocs.pages import indexes, volumes
from metdocs.pages.explain import explain_links
from metdocs.pages.plan import Page, cpt_path, icd_path, measure_path
from metdocs.escape import json_attr
from metdocs.rules.audit.findings import session_name
from metdocs.rules.audit.records import billable_visit
from metdocs.rules.sessionlog import ELEMENT_FIELDS
from metdocs.rules.units import RULE_NAMES, allocate

SEARCH_TAGS = {"worked": "Worked case", "drill": "Audit drill"}
"""The label each case page carries in the search results: its front matter `tags`, which
Material's search plugin writes into the search index and its results show (no tags plugin)."""
CASE_PLACE = "@case"
"""A drill's place id for faults of the case as a whole (never a session id: ids have no '@')."""
PLACE_OF_SERVICE = "11"
"""Box 24B on the claim view: 11 (office), a placeholder the page explains; cases do not record one."""
NPI_PLACEHOLDER = "NPI on file"
"""Box 24J: never a real-looking number (cases are synthetic), and never another provider's NPI."""
LINES_PER_FORM = 6
"""Claim lines one CMS-1500 holds; more lines need another form."""
CLAIM_FORM_SOURCE = "nucc-1500-manual"
"""The catalog source the claim view cites, when the catalog has it."""


def case_path(case: Case) -> str:
    """Where a case's own page lives: cases/<id>.md, or drills/<id>.md for a drill."""
    return f"{'drills' if case.kind == 'drill' else 'cases'}/{case.id}.md"


def case_pages(catalog: Catalog, cases, icd, *, directory_urls: bool = True, findings: dict | None = None,
               views: dict | None = None) -> list[Page]:
    """The case and drill pages and their indexes (pages/indexes.py); the print packets are planned
    once these are rendered (pages/volumes.py).

    Args:
        catalog: The checked catalog.
        cases: The checked cases (`Checked.cases`), worked and drill.
        icd: The ICD-10-CM code set (`icd.code_set()`), for official titles.
        directory_urls: MkDocs' `use_directory_urls`; case and drill pages are raw HTML
            (which MkDocs does not rewrite), so their links are final URLs in that style.
        findings: drill id -> its raw audit findings (`Checked.findings`); a drill missing
            from it is audited here.
        views: a dict this function keeps each case's view in (case id -> (case, view)), for a
            later call with the same catalog: a case that is the very same object keeps its view.
    """
    findings = findings or {}
    views = {} if views is None else views
    out = []
    for c in sorted(cases, key=lambda c: c.id):
        kept = views.get(c.id)
        if kept is None or kept[0] is not c:
            kept = views[c.id] = (c, _view(c, catalog, icd, findings.get(c.id)))
        out.append(kept[1])
    for gone in views.keys() - {c.id for c in cases}:
        del views[gone]
    worked = [v for v in out if v["kind"] == "worked"]
    drills = [v for v in out if v["kind"] == "drill"]
    context = lambda path: page_context(path, directory_urls)  # noqa: E731 - the indexes' tables are raw HTML
    pages = indexes.worked_index_pages([indexes.entry(v) for v in worked], catalog, _titles(worked), {}, context)
    for v in worked:
        pages.append(Page(v["path"], "case.md.j2", {**page_context(v["path"], directory_urls), "c": v,
                                                      "tag": SEARCH_TAGS["worked"]},
                          key=v["case"]))
    pages += indexes.drills_index_pages([indexes.entry(v) for v in drills], {}, context)
    for v in drills:
        pages.append(Page(v["path"], "drill.md.j2", {**page_context(v["path"], directory_urls), "c": v,
                                                       "tag": SEARCH_TAGS["drill"]},
                          key=v["case"]))
    return pages


def packet_pages(catalog: Catalog, cases, views: dict, sizes: dict[str, int], *,
                 directory_urls: bool = True) -> tuple[list[Page], dict]:
    """The print packets' pages (pages/volumes.py), once the case pages are rendered: `views` as
    `case_pages` left them, `sizes` the length of each page's Markdown."""
    entries = [indexes.entry(views[c.id][1]) for c in sorted(cases, key=lambda c: c.id)]
    worked = [e for e in entries if not e.path.startswith("drills/")]
    drills = [e for e in entries if e.path.startswith("drills/")]
    return volumes.packet_pages(catalog, worked, drills, sizes, lambda path: page_context(path, directory_urls),
                                faults=drill_faults(catalog, cases))


def drill_faults(catalog: Catalog, cases) -> dict[str, tuple[tuple[str, str], ...]]:
    """Drill id -> (rule title, where) of each fault it holds: its expected breaches, which
    `metdocs check` proves are exactly what the audit finds."""
    def where(b) -> str:
        if b.session is None:
            return "the case as a whole"
        return f"session {b.session}" + (f", claim line {b.line}" if b.line else "")

    return {c.id: tuple((breached(catalog, b.rule)[1], where(b)) for b in c.expected_breaches)
            for c in cases if c.kind == "drill"}


def breached(cat: Catalog, rule_id: str) -> tuple[str, str, object]:
    """(kind, title, entry) of what a drill's fault breaches: a catalog rule (its title) or a
    documentation element (its name); the id itself when the catalog has neither."""
    rule = cat.rule(rule_id)
    element = None if rule else next((e for e in cat.elements if e.id == rule_id), None)
    if rule:
        return "rule", rule.title, rule
    return ("element", element.name, element) if element else ("unknown", rule_id, None)


def page_context(page: str, directory_urls: bool = True) -> dict:
    """What every template gets: `href` relative to this page, `url` (the same as MkDocs would
    rewrite it, for links inside raw HTML), and the path helpers."""
    up = "../" * page.count("/")
    here = site_url(page, directory_urls)

    def href(path: str) -> str:
        return up + path

    here_top = here.partition("/")[0]
    climb = "../" * here.count("/")

    def url(path: str) -> str:
        target, sep, anchor = path.partition("#")
        to = site_url(target, directory_urls)
        if to and to.partition("/")[0] != here_top:
            rel = climb + to  # another top folder: what get_relative_url gives, without its work
        else:
            rel = get_relative_url(to, here)
        return _safe_url(rel + sep + anchor)

    return {"href": href, "url": url, "cpt_path": cpt_path, "icd_path": icd_path, "measure_path": measure_path,
            "case_path": case_path, "page": page}


def site_url(path: str, directory_urls: bool) -> str:
    """The URL MkDocs gives the docs file `path` ('cpt/97110.md' -> 'cpt/97110/' or 'cpt/97110.html')."""
    stem = path.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def _root_url(path: str, directory_urls: bool) -> str:
    target, sep, at = path.partition("#")
    return site_url(target, directory_urls) + sep + at


def _safe_url(url: str) -> str:
    """Percent-encode what would end or break an attribute value (autoescape handles & and quotes)."""
    return url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")


def _rule_view(unit_rule: str, rules: dict) -> dict:
    name = RULE_NAMES[unit_rule]
    return Record({"id": unit_rule, "name": name, "label": name[0].upper() + name[1:], "rule": rules.get(UNIT_RULES[unit_rule])})


class Record(dict):
    """A dict whose keys also read as attributes. Jinja reads `x.key` as getattr(x, "key") first and
    x["key"] only after an AttributeError; a plain dict raised one for every value a page shows.

    The record is its own attribute dictionary, so getattr finds a key at once (no failed
    lookup, no Python-level __getattr__: about a twentieth of our stages' work at 1,000 cases).
    A key named like a dict method (`items`, `get`) would hide that method from attribute
    access; none is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__ = self

    def __getattr__(self, name):  # only for a key not there yet: a View's lazy rest
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class View(Record):
    """A case's view: what the indexes need at once, the rest (the engine's units, measure
    changes) computed on first use. Pages render in forked workers (`work.chunks.map_chunks`), so
    each worker works out only the cases it renders, instead of the parent working out all."""

    __slots__ = ("_rest", "_light")

    def __init__(self, light: dict, rest):
        super().__init__(light)
        self._rest = rest
        self._light = frozenset(light)

    def __missing__(self, key):
        if self._rest is not None and not self.keys() - self._light:
            self.update(self._rest())
            if key in self:
                return self[key]
        raise KeyError(key)

    def lighten(self) -> None:
        """Drop the rest once the case's page is rendered: it is worked out again if needed (the
        views of a thousand cases, kept whole, took much of a generation's memory)."""
        for key in self.keys() - self._light:
            del self[key]


COLUMNS = {"what": ("intervention-detail", "What was done"), "why": ("exercise-rationale", "Why (rationale)")}
"""A session's exercise-table headings: the catalog's names of the elements the columns hold, the
names the audit's findings use for them (the text after each id: a catalog without the element)."""


def _columns(cat: Catalog) -> dict[str, str]:
    names = {e.id: e.name for e in cat.elements}
    return {key: names.get(element, fallback) for key, (element, fallback) in COLUMNS.items()}


def _view(case: Case, cat: Catalog, icd, found: list | None = None) -> dict:
    """Everything a template shows about one case, computed once."""
    dx_by_code = {d.code: d for d in cat.diagnoses}
    cats = {c.id: c for c in cat.categories}
    diagnoses = []
    for d in sorted(case.referral.diagnoses if case.referral else (), key=lambda d: d.pointer):
        info = icd.lookup(d.code)
        entry = dx_by_code.get(d.code)
        category = cats.get(entry.category) if entry else None
        diagnoses.append(Record({"pointer": d.pointer, "code": d.code, "title": info.title, "valid": info.valid,
                                 "billable": info.billable, "in_catalog": entry is not None, "category": category}))
    conditions = _unique(d["category"].name for d in diagnoses if d["category"])
    cpts = sorted({a.cpt for s in case.sessions for a in s.activities if a.cpt}
                  | {ln.cpt for s in case.sessions for ln in s.claim})
    rules = {r.id: r for r in cat.rules}
    payer_rule = case.payer.unit_rule
    other_rule = next(r for r in RULE_NAMES if r != payer_rule)

    said = prose.filler(case, cat)  # the text with its placeholders filled from the engine

    def rest() -> dict:
        measures = {m.id: m for m in cat.measures}
        changes = measure_changes(case, cat)
        days = reassess_days(cat)
        assessed = sorted([case.baseline.date, *(r.date for r in case.reassessments)])
        sessions = [_session(s, cat, payer_rule, other_rule) for s in case.sessions]
        answer = _answer(case, cat, icd, said, found) if case.kind == "drill" else []
        return {
            "cpt_names": {c: (cat.cpt(c).name if cat.cpt(c) else None) for c in cpts},
            "other_rule": _rule_view(other_rule, rules),
            "summary": said(case.summary),
            "payable": [said(t) for t in case.payable],
            "denied_if": [said(t) for t in case.denied_if],
            "baseline": [_baseline(mv, measures.get(mv.measure), case, cat) for mv in case.baseline.measures],
            "precaution_sources": _precaution_sources(case, cat),
            "plan_codes": [Record({"p": p, "name": cat.cpt(p.cpt).name if cat.cpt(p.cpt) else None})
                           for p in case.plan.codes],
            "sessions": sessions,
            "columns": _columns(cat),
            "reassessments": [Record({"r": r, "summary": said(r.summary),
                                      "changes": [_change(c) for c in changes if c.reassessment == i]})
                              for i, r in enumerate(case.reassessments)],
            "reassess_days": days,
            "next_due": assessed[-1] + dt.timedelta(days=days),
            "answer": answer,
            "claim": _claim_view(case, sessions, answer, cat.source(CLAIM_FORM_SOURCE)),
            "quiz": _quiz(case, cat, icd, answer) if case.kind == "drill" else None,
        }

    return View({
        "id": case.id, "kind": case.kind, "case": case, "path": case_path(case),
        "diagnoses": diagnoses, "conditions": conditions, "cpts": cpts,
        "icd_codes": [d["code"] for d in diagnoses],
        "pointers": {d.pointer: d.code for d in (case.referral.diagnoses if case.referral else ())},
        "payer_rule": _rule_view(payer_rule, rules),
        "prompt": said(case.prompt),
    }, rest)


def _session(s, cat: Catalog, payer_rule: str, other_rule: str) -> dict:
    """One session: its logs, the engine's units under both rules, and the claim lines."""
    billed = billed_by_code(s)
    out = Record({"s": s, "billed": dict(billed), "billed_total": sum(billed.values()),
                  "payer": None, "other": None, "total_minutes": None, "timed_minutes": None, "error": None})
    if s.activities and all(a.minutes is not None and a.cpt for a in s.activities):
        minutes = minutes_by_code(s)
        visit = billable_visit(minutes, billed, cat)  # a MedExPRO's units: only the codes it may bill
        try:
            out["payer"] = allocate(visit, cat.is_timed, payer_rule)
            out["other"] = allocate(visit, cat.is_timed, other_rule)
        except ValueError as e:
            out["error"] = str(e)
        out["visit"] = visit
        out["total_minutes"] = sum(minutes.values())
        out["matches"] = (out["payer"] is not None and set(billed) <= set(visit)
                          and out["payer"].units == {c: billed.get(c, 0) for c in visit})
    return out


def _change(c) -> dict:
    """A measure change with its numbers formatted by Python, not by the template."""
    return Record({"c": c, "change": f"{c.change:+g}", "baseline": f"{c.baseline:g}", "value": f"{c.value:g}",
                   "threshold": None if c.threshold is None else f"{c.threshold:g}",
                   "figure": c.figure.label(c.unit) if c.figure else None})


def _baseline(mv, m, case: Case, cat: Catalog) -> dict:
    """One baseline result with the cut-offs for this client's age band and sex only, and the
    meaningful-change figure the case will judge it by."""
    if m is None:
        return Record({"mv": mv, "m": None, "value": f"{mv.value:g}", "cutoffs": [], "banded": False, "figure": None})
    cuts = []
    for c in cutoffs_for(m, case.client):
        side = beyond(c, mv.value)
        cuts.append(Record({"c": c, "side": None if side is None else ("yes" if side else "no")}))
    fig = figure_for(m, case.client, cat)
    return Record({"mv": mv, "m": m, "value": f"{mv.value:g}", "cutoffs": cuts,
                   "banded": any(c.ages or c.sex for c in m.cutoffs),
                   "figure": fig.label(m.unit) if fig else None})


def _precaution_sources(case: Case, cat: Catalog) -> list:
    """Catalog categories of the referral's diagnoses that carry precautions."""
    return cat.precautions_for(d.code for d in case.referral.diagnoses) if case.referral else []


def _answer(case: Case, cat: Catalog, icd, said, found: list | None = None) -> list[dict]:
    """Each declared breach with its rule, source, note and the engine's own finding messages
    (`found`: the audit's raw findings when the check kept them)."""
    if found is None:
        found = case_findings(case, cat, icd)
    out = []
    for b in case.expected_breaches:
        kind, title, item = breached(cat, b.rule)
        out.append(Record({
            "b": b, "note": said(b.note), "kind": kind, "title": title,
            "source": cat.source(item.sources[0]) if item and item.sources else None,
            "findings": [f.problem.message for f in found if (f.problem.rule, f.place) == (b.rule, (b.session, b.line))],
            "spots": {f.problem.where for f in found if (f.problem.rule, f.place) == (b.rule, (b.session, b.line))},
        }))
    return out


def _claim_view(case: Case, sessions: list, answer: list, source) -> Record:
    """The case's claim lines laid out as items 21 and 24 of the CMS-1500 (02/12), six lines a form.

    For a drill, each line also carries the declared faults whose audit finding sits on that line;
    the rest (on a session's record or the case as a whole) are listed under the form. Only the
    drill's answer shows those (partials/claim_form.md.j2, `answers`)."""
    diagnoses = sorted(case.referral.diagnoses if case.referral else (), key=lambda d: d.pointer)
    box21 = [Record({"letter": d.pointer, "code": d.code, "entry": d.code.replace(".", "")}) for d in diagnoses]
    lines, placed = [], set()
    for sv in sessions:
        s = sv["s"]
        for line in s.claim:
            found = [a for a in answer if line.where in a["spots"]]
            placed.update(id(a) for a in found)
            lines.append(Record({
                "date": f"{s.date:%m %d %y}" if s.date else "", "cpt": line.cpt,
                "modifiers": " ".join(line.modifiers), "pointers": " ".join(line.pointers), "units": line.units,
                "supported": sv["payer"].units.get(line.cpt) if sv["payer"] else None,
                "faults": [a["b"].rule for a in found]}))
    count = max(1, -(-len(lines) // LINES_PER_FORM))
    forms = [Record({"number": i + 1, "of": count,
                     "lines": lines[i * LINES_PER_FORM:(i + 1) * LINES_PER_FORM]}) for i in range(count)]
    return Record({"box21": box21, "forms": forms, "pos": PLACE_OF_SERVICE, "npi": NPI_PLACEHOLDER, "source": source,
                   "elsewhere": [a for a in answer if id(a) not in placed]})


def _quiz(case: Case, cat: Catalog, icd, answer: list) -> Markup:
    """What a drill page's interactive audit grades with (drills.js), as an HTML-escaped JSON attribute.

    The key is the drill's declared breaches, which `check` proves are exactly what the audit
    finds, each at the place the audit names: the case as a whole, a session, or one claim line; a
    mark counts only there. Each place offers exactly the rules the audit can report at that kind
    of place (`reported_at`). The page also carries the case's records, and drills.js works the
    record-level part of the key out again with rulebook.js, the checker the web forms and the
    claim builder use (entries marked `rulebook`); tests/test_drills_js.py proves it equal.
    """
    places = [{"id": CASE_PLACE, "kind": CASE, "label": "The case as a whole: referral, payer, plan, reassessments",
               "group": ""}]
    for s in case.sessions:
        name = session_name(s)
        group = name[0].upper() + name[1:]  # as the findings name it: "Session s2 (12 March 2026)"
        places.append({"id": s.id, "kind": SESSION, "label": group, "group": group,
                       "option": "the session log as a whole"})
        for i, line in enumerate(s.claim, 1):
            what = f"claim line {i}: {line.cpt} × {line.units}" + "".join(f" {m}" for m in line.modifiers)
            places.append({"id": f"{s.id}/{i}", "kind": LINE, "label": f"{group}, {what}", "group": group,
                           "option": what})
    where = {p["id"]: p["label"] for p in places}
    titles = {r.id: r.title for r in cat.rules if r.id in ENFORCED}
    titles.update({e.id: e.name for e in cat.elements if SESSION_LOG in e.required_in and e.id in ELEMENT_FIELDS})
    offered = {kind: sorted(({"id": i, "title": t} for i, t in titles.items() if kind in reported_at(i)),
                            key=lambda r: r["title"]) for kind in (CASE, SESSION, LINE)}
    recs = [{"place": s.id, "record": records.session_record(case, s)} for s in case.sessions]
    recs += [{"place": CASE_PLACE, "record": r} for r in records.report_records(case)]
    bk = records.book(cat, reassess_days(cat))
    by_rulebook = {(f["rule"], drill_place(r["place"], f["place"])) for r in recs
                   for f in records.check(r["record"], bk, icd)}
    key = []
    for a in answer:
        place = drill_place(a["b"].session, f"line:{a['b'].line}" if a["b"].line else "record")
        key.append({"rule": a["b"].rule, "place": place, "title": a["title"], "where": where.get(place, place),
                    "lesson": a["note"], "findings": a["findings"], "rulebook": (a["b"].rule, place) in by_rulebook})
    codes = sorted({d.code for d in case.referral.diagnoses} if case.referral else ())
    facts = {c: {"valid": (i := icd.lookup(c)).valid, "billable": i.billable, "children": list(i.children)}
             for c in codes}
    # The rulebook's catalog data (`bk`) is the same for every drill: the site carries it once, in
    # BOOK_JS (book_script), not in every drill page (39 KB each, most of a drill page's weight).
    data = {"id": case.id, "title": case.title, "places": places, "key": key, "rules": offered,
            "records": recs, "icd": {"fy": getattr(icd, "fiscal_year", None), "facts": facts}}
    return json_attr(data)


BOOK_JS = "assets/javascripts/book.js"
"""The generated script that gives the drill pages the rulebook's catalog data (mkdocs.yml loads
it before drills.js)."""


def book_script(cat: Catalog, directory_urls: bool = True) -> str:
    """BOOK_JS's text: `window.metdocsBook`, the catalog data rulebook.js checks a record against, and
    the links that explain each rule (`explain`: URLs relative to the site's root, in its URL style)."""
    import json
    explain = explain_links(cat, lambda path: _safe_url(_root_url(path, directory_urls)))
    book = json.dumps({**records.book(cat, reassess_days(cat)), "explain": explain}, ensure_ascii=True,
                      sort_keys=True)
    # JSON is a JavaScript expression; "<" escaped so no text in it can close a script element.
    book = book.replace("<", "\\u003c")
    return ("/* metdocs: the rulebook's catalog data for the drills (generated from the catalog). */\n"
            f"window.metdocsBook = {book};\n")


def drill_place(session: str | None, place: str) -> str:
    """A drill's place for a finding at `place` in the record of `session` (None: a progress
    report): the session's claim line ('s2/1'), the session ('s2'), or the case as a whole. As
    placeOf in drills.js."""
    kind, _, at = place.partition(":")
    if session is None or session == CASE_PLACE or kind in ("payer", "diagnosis", "report"):
        return CASE_PLACE
    return f"{session}/{at}" if kind == "line" else session



def _titles(views: list[dict]) -> dict:
    """ICD-10 code -> official title, for the find-by-code list."""
    return {d["code"]: d["title"] for v in views for d in v["diagnoses"]}


def _unique(items) -> list:
    seen: list = []
    for i in items:
        if i not in seen:
            seen.append(i)
    return seen

