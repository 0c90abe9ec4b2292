"""The orchestrator: load → validate → plan → render, with nothing written.

`generate()` reads like the table of contents of the pipeline. It returns the
generated files as data; the MkDocs plugin (`plugin.py`) hands them to MkDocs
in memory, so a failed run can never leave half a site behind.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from metdocs.pages import plan as planner
from metdocs.rules import prose
from metdocs.rules.audit.core import audit_cases, audit_for_pages, unenforced
from metdocs.cases.model import screen_cases
from metdocs.pages.casepages import case_pages
from metdocs.catalog.assemble import load_catalog
from metdocs.forms.definition import load_forms
from metdocs.forms.sitefiles import form_files
from metdocs.pages.practice import practice_pages
from metdocs.cases.privacy import check_documents
from metdocs.files.envvars import today
from metdocs.errors import DataError, Location, Problem, sort_problems
from metdocs.files.fsguard import MAX_BYTES, MAX_PAGE_BYTES, scan
from metdocs.catalog.load import map_chunks
from metdocs.catalog.model import Catalog
from metdocs.pages.render import environment, render
from metdocs.pages.unitpages import unit_pages
from metdocs.catalog.layers import merge as merge_layers
from metdocs.catalog.validate import check_catalog
from jinja2 import TemplateError


@dataclass(frozen=True)
class Project:
    """Where a metdocs project keeps its parts; all relative to the folder of mkdocs.yml."""

    root: Path
    data: Path
    templates: Path
    docs: Path
    base: "Project | None" = None
    """The shipped project this one builds on (a course made by `metdocs new`), or None."""

    @classmethod
    def at(cls, root: Path, data: Path | None = None, *, base: Path | None = None) -> "Project":
        root = root.resolve()
        below = cls.at(base) if base is not None and base.resolve() != root else None
        return cls(root, (data or root / "data").resolve(), root / "templates", root / "site_src", below)

    @classmethod
    def for_config(cls, config_file: Path, data: Path | None = None) -> "Project":
        """The project of a mkdocs.yml: built on the shipped one when it INHERITs its configuration."""
        from metdocs.files.course import builds_on_shipped
        from metdocs.shipped import ROOT
        return cls.at(config_file.parent, data, base=ROOT if builds_on_shipped(config_file) else None)

    @property
    def layers(self) -> "tuple[Project, ...]":
        """The shipped project (when this one builds on it), then this one."""
        return (*(self.base.layers if self.base else ()), self)

    def inputs(self) -> list[Path]:
        """Every file whose change must trigger a new generation."""
        files = [p for layer in self.layers for d in (layer.data, layer.templates) if d.is_dir()
                 for p in d.rglob("*") if p.is_file()]
        return sorted(files)

    def input_folders(self) -> dict[Path, tuple[int, tuple[str, ...]]]:
        """Each input folder of every layer -> (size limit, the suffixes it applies to) for fsguard.scan."""
        return {folder: limits for layer in self.layers for folder, limits in (
            (layer.data, (MAX_BYTES, ())), (layer.templates, (MAX_BYTES, ())), (layer.docs, (MAX_PAGE_BYTES, (".md",))))}

    def fingerprint(self) -> tuple:
        return tuple((str(p), st.st_mtime_ns, st.st_size) for p in self.inputs() for st in (p.stat(),))


@dataclass(frozen=True)
class Checked:
    """The result of `check`: the catalog when it is sound, and every problem found."""

    catalog: Catalog | None
    problems: list[Problem] = field(default_factory=list)
    cases: tuple = ()
    """The worked cases (see cases.py), audited."""
    forms: tuple = ()
    """The document templates (see forms.py), coverage-checked."""
    findings: dict = field(default_factory=dict)
    """Drill id -> the audit's raw findings from this check (`audit.case_findings`), for the answers."""

    @property
    def ok(self) -> bool:
        return self.catalog is not None and not any(p.is_error for p in self.problems)


@dataclass(frozen=True)
class Generated:
    """Everything the site needs from the data: file contents keyed by docs-relative path."""

    files: dict[str, str | bytes]
    nav: dict[str, list[str]]
    """Section folder -> child pages that belong in the sidebar, in order."""
    warnings: list[Problem]




class Stopwatch:
    """Adds the wall time of each `with watch("phase"):` block to a dict (for `metdocs bench`)."""

    def __init__(self, timings: dict[str, float] | None):
        self.timings = timings

    @contextmanager
    def __call__(self, phase: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            if self.timings is not None:
                self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - start

    def moved(self, fn, *, to: str, out_of: str):
        """`fn`, wrapped so that its time counts for phase `to` instead of `out_of`, the phase
        it runs inside of (a job done alongside another phase's shared work, see map_chunks)."""
        def timed():
            start = time.perf_counter()
            try:
                return fn()
            finally:
                if self.timings is not None:
                    spent = time.perf_counter() - start
                    self.timings[to] = self.timings.get(to, 0.0) + spent
                    self.timings[out_of] = self.timings.get(out_of, 0.0) - spent
        return timed


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while building the big, acyclic model.

    Loading a thousand cases allocates millions of objects that all survive; every automatic
    collection walks them again, which cost about a quarter of our time. Nothing here relies
    on collecting cycles, and the previous state is restored (nested calls are fine).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def check(project: Project, *, strict: bool = False, on: dt.date | None = None,
          timings: dict[str, float] | None = None, meanwhile=None) -> Checked:
    """Load and validate everything; never raises for bad data.

    `meanwhile()`, if given, runs in this process while the case files are worked through
    (see `load.map_chunks`' `first`); `generate` compiles the page templates there.
    """
    with _gc_paused():
        return _check(project, strict=strict, on=on, timings=timings, meanwhile=meanwhile)


def _check(project: Project, *, strict: bool, on: dt.date | None, timings: dict[str, float] | None,
           meanwhile=None) -> Checked:
    watch, day = Stopwatch(timings), on or today()
    # 0. only regular files inside the project are ever read (no FIFO, device, link loop ...)
    with watch("load"):
        problems = scan(project.input_folders(), roots=tuple(p for layer in project.layers for p in (layer.root, layer.data)))
    if problems:
        return Checked(None, problems)
    # 1. load + shape-check the catalog
    with watch("load"):
        catalog, problems = load_catalog([layer.data / "catalog" for layer in project.layers])
    if catalog is None:
        return Checked(None, problems)
    # 2. official ICD-10-CM facts (cached, see icd.py)
    with watch("icd"):
        from metdocs.catalog.icd import code_set
        icd = code_set()
        catalog = Catalog(**{**catalog.__dict__, "icd": {d.code: icd.lookup(d.code) for d in catalog.diagnoses}})
    # 3. cross-references, code validity, stale rules
    with watch("validate"):
        problems += check_catalog(catalog, today=day, strict=strict, icd=icd)
        problems += unenforced(catalog)  # every rule is checked by the audit or says why a person must
    # 4. worked cases: load, then audit each against the catalog's rules
    #    One pass over the case files does the per-case work (parse, shape, privacy scan, audit),
    #    split over processes for many cases (see cases.screen_cases); its time counts as "load".
    with watch("load"):
        catalog_ok = not any(p.is_error for p in problems)
        audit = (lambda case: audit_for_pages(case, catalog, icd, today=day)) if catalog_ok else None
        cases, case_problems, audited = _screen_layers(project, audit, meanwhile)
    findings: dict = {}
    with watch("validate"):
        problems += case_problems
        # Only with no errors so far (so the catalog was sound and `audit` ran in the pass above).
        if not any(p.is_error for p in problems):
            if all(a is not None for a in audited):
                problems += sort_problems(p for probs, _, _ in audited for p in probs)  # = audit_cases(cases, ...)
                for c, (_, found, known) in zip(cases, audited):
                    if found:
                        findings[c.id] = found
                    if known is not None:
                        prose.remember(c, catalog, known)
            else:  # an audit raised in the pass: run them here, where the error surfaces
                problems += audit_cases(cases, catalog, icd, today=day)
    # 5. document templates: shape, and coverage of every element their document type requires
    with watch("load"):
        forms, form_problems = _forms_of_layers(project, catalog)
    problems += form_problems
    return Checked(catalog, problems, tuple(cases), tuple(forms), findings)


def _screen_layers(project: Project, audit, meanwhile) -> tuple[list, list[Problem], list]:
    """`screen_cases` over each layer's cases folder, merged by id (see layers.py)."""
    layers, problems, audits = [], [], {}
    for i, layer in enumerate(project.layers):
        cases, probs, audited = screen_cases(layer.data / "cases", scan=lambda doc: check_documents([doc]),
                                             audit=audit, first=meanwhile if i == 0 else None)
        layers.append(cases)
        problems += probs
        audits.update({id(c): a for c, a in zip(cases, audited)})
    cases, probs = merge_layers(layers, "id", "case or drill id")
    return cases, problems + probs, [audits[id(c)] for c in cases]


def _forms_of_layers(project: Project, catalog: Catalog) -> tuple[list, list[Problem]]:
    """Each layer's forms, merged by id; still one form per document type across layers."""
    layers, problems = [], []
    for i, layer in enumerate(project.layers):
        folder = layer.templates / "forms"
        if i and not folder.is_dir():
            continue  # a course need not add forms
        forms, probs = load_forms(folder, catalog)
        layers.append(forms)
        problems += probs
    forms, probs = merge_layers(layers, "id", "form id")
    problems += probs
    if len(layers) > 1:
        by_type: dict[str, object] = {}
        for form in forms:
            first = by_type.setdefault(form.document_type, form)
            if first is not form:
                problems.append(Problem(form.where, f"expected one form per document type, found "
                                                    f"'{form.document_type}' also in form '{first.id}' "
                                                    f"({first.where.path}); give it 'replaces: true' and id '{first.id}'"))
    return sorted(forms, key=lambda f: f.id), problems


def generate(project: Project, *, strict: bool = False, timings: dict[str, float] | None = None,
             directory_urls: bool = True) -> Generated:
    """Check, then render every generated page; raise DataError listing every problem.

    `directory_urls` is MkDocs' `use_directory_urls` (False in the offline build): the case and
    drill pages are raw HTML, which MkDocs does not rewrite, so their links are made final here.
    """
    with _gc_paused():
        return _generate(project, strict=strict, timings=timings, directory_urls=directory_urls)


def _generate(project: Project, *, strict: bool, timings: dict[str, float] | None,
              directory_urls: bool) -> Generated:
    watch = Stopwatch(timings)
    # Compiling the page templates needs no data: it is done while other processes load cases.
    env = environment([layer.templates / "pages" for layer in reversed(project.layers)])
    checked = check(project, strict=strict, timings=timings,
                    meanwhile=watch.moved(lambda: _compile_all(env), to="render", out_of="load"))
    if not checked.ok:
        raise DataError(checked.problems)
    with watch("render"):
        from metdocs.catalog.icd import code_set
        plan = [*planner.plan(checked.catalog), *unit_pages(checked.catalog),
                *case_pages(checked.catalog, checked.cases, code_set(), directory_urls=directory_urls,
                               findings=checked.findings),
                *practice_pages(checked.catalog, checked.cases, directory_urls=directory_urls)]
        clashes = [(layer.docs, p) for p in plan for layer in project.layers if (layer.docs / p.path).exists()]
        if clashes:
            raise DataError([Problem(Location.of(docs / p.path),
                                     f"expected no hand-written file where metdocs generates '{p.path}', "
                                     "found one; rename or remove it") for docs, p in clashes])
        # The forms (PDFs above all) are drawn here while other processes render pages.
        forms: dict[str, str | bytes] = {}
        make_forms = watch.moved(lambda: forms.update(form_files(list(checked.forms), checked.catalog, icd=code_set(),
                                                                 assets=project.docs / "assets")),
                                 to="forms", out_of="render")
        texts = map_chunks(lambda pages: [render(env, p.template, p.context, page=p.path) for p in pages], plan,
                           first=make_forms)
        files: dict[str, str | bytes] = {p.path: text for p, text in zip(plan, texts)}
        files.update(forms)
    nav: dict[str, list[str]] = {}
    in_nav = [p.path for p in plan if p.in_nav] + sorted(k for k in files if k.startswith("forms/") and k.endswith(".md"))
    for path in in_nav:
        folder, _, name = path.partition("/")
        if name != "index.md" and path.endswith(".md"):
            nav.setdefault(folder, []).append(path)
    return Generated(files, nav, [p for p in checked.problems if not p.is_error])


def _compile_all(env) -> None:
    """Compile every page template now; a broken one is left for `render` to report with its page."""
    for name in env.list_templates(extensions=["j2"]):
        try:
            env.get_template(name)
        except TemplateError:
            pass
