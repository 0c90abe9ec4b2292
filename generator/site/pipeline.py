"""The orchestrator: check, then generate, with nothing written.

`check` and `generate` read like the table of contents of the pipeline: one line per stage,
each stage a function of its own module. How the stages run (timed for `metdocs bench`,
per-case work shared over idle CPUs, the garbage collector paused) is `work/stages.py`'s
business: a `Stages` is handed through. `generate` returns the generated files as data; the
MkDocs plugin (`plugin.py`) hands them to MkDocs in memory, so a failed run can never leave
half a site behind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from jinja2 import TemplateError

from metdocs.cases.privacy import check_documents
from metdocs.cases.read import screen_cases
from metdocs.catalog.assemble import load_catalog
from metdocs.catalog.icd import code_set
from metdocs.catalog.layers import merge as merge_layers
from metdocs.catalog.model import Catalog
from metdocs.catalog.validate import check_catalog
from metdocs.errors import DataError, Location, Problem, sort_problems
from metdocs.files.envvars import today
from metdocs.files.fsguard import scan
from metdocs.files.project import Project
from metdocs.forms.definition import load_forms
from metdocs.forms.sitefiles import form_files
from metdocs.pages import plan as planner
from metdocs.pages.casepages import BOOK_JS, book_script, case_pages, packet_pages
from metdocs.pages.practice import practice_pages
from metdocs.pages.render import environment, render
from metdocs.pages.unitpages import unit_pages
from metdocs.rules import prose
from metdocs.rules.audit.core import audit_cases, audit_for_pages, unenforced
from metdocs.site.matrix import problems as matrix_problems
from metdocs.site.memo import Memo
from metdocs.work.stages import Stages


@dataclass(frozen=True)
class Checked:
    """The result of `check`: the catalog when it is sound, and every problem found."""

    catalog: Catalog | None
    problems: list[Problem] = field(default_factory=list)
    cases: tuple = ()
    """The worked cases (see cases/model.py), audited."""
    forms: tuple = ()
    """The document templates (see forms/definition.py), coverage-checked."""
    findings: dict = field(default_factory=dict)
    """Drill id -> the audit's raw findings from this check (`rules.audit.core.case_findings`), for the answers."""

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
    rendered: tuple = ()
    """The files made by this run: pages rendered, and the forms' files when they were drawn (the
    rest came from the memo, see site/memo.py)."""
    screened: tuple = ()
    """The case files read, privacy-scanned and audited by this run."""
    depends: dict = field(default_factory=dict)
    """Packet page -> the case pages whose rendered HTML it prints (pages/volumes.py)."""


def check(project: Project, *, strict: bool = False, on: dt.date | None = None,
          run: Stages | None = None, memo: Memo | None = None) -> Checked:
    """Load and validate everything; never raises for bad data.

    `on` is the day rules are judged on (default: today, or $METDOCS_TODAY). `run` runs the
    stages (see work/stages.py); `generate` hands in one that has a job of its own for meanwhile.
    `memo` keeps what this run works out for the next (site/memo.py): then only what changed
    since is worked out again.
    """
    run, day = run or Stages(), on or today()
    memo = memo or Memo()
    with run.gc_paused():
        with run.stage("load"):  # 0. only regular files inside the project are ever read (no FIFO, link loop ...)
            problems = scan(project.input_folders(), roots=project.read_roots())
        if problems:
            return Checked(None, problems)
        memo.refresh(project, day, strict)
        if memo.catalog is None:  # 1-3. the catalog, its ICD-10-CM facts and its problems
            memo.catalog = _check_catalog(project, run, day, strict)
        catalog, problems, icd = memo.catalog
        problems = list(problems)
        if catalog is None:
            return Checked(None, problems)
        audit = None if _errors(problems) else (lambda case: audit_for_pages(case, catalog, icd, today=day))
        with run.stage("load"):  # 4. the cases: read, privacy-scanned and audited in one pass over the files
            cases, case_problems, audited = _screen_layers(project, run, audit, memo)
        with run.stage("validate"):  # 5. the audit's verdicts, when the data has no errors
            problems += case_problems
            verdicts, findings = ([], {}) if _errors(problems) else _verdicts(cases, audited, catalog, icd, day)
            problems += verdicts
        if memo.forms is None:
            with run.stage("load"):  # 6. document templates: shape, and every element their document type requires
                forms, form_problems = forms_of_layers(project, catalog)
            if not _errors(form_problems):  # 7. every rule one record shows: enforced by each checker, or why not
                with run.stage("validate"):  # (forms with errors would only add noise)
                    form_problems = form_problems + matrix_problems(catalog, forms)
            memo.forms = forms, form_problems
        forms, form_problems = memo.forms
    return Checked(catalog, problems + form_problems, tuple(cases), tuple(forms), findings)


def _check_catalog(project: Project, run: Stages, day: dt.date, strict: bool) -> tuple:
    """(the catalog of every layer with its ICD-10-CM facts, or None; its problems; the code set)."""
    with run.stage("load"):  # 1. the catalog of every layer, shape-checked
        catalog, problems = load_catalog(project.catalog_folders())
    if catalog is None:
        return None, tuple(problems), None
    with run.stage("icd"):  # 2. official ICD-10-CM facts for every diagnosis (cached, see catalog/icd.py)
        icd = code_set()
        catalog = _with_icd(catalog, icd)
    with run.stage("validate"):  # 3. cross-references, codes, stale rules; every rule enforced or reviewed
        problems += check_catalog(catalog, today=day, strict=strict, icd=icd,
                                  reviews_file=project.reviews_file()) + unenforced(catalog)
    return catalog, tuple(problems), icd


def _errors(problems: list[Problem]) -> bool:
    return any(p.is_error for p in problems)


def _with_icd(catalog: Catalog, icd) -> Catalog:
    """The catalog, with the code set's facts for each of its diagnoses."""
    return dataclasses.replace(catalog, icd={d.code: icd.lookup(d.code) for d in catalog.diagnoses})


def _screen_layers(project: Project, run: Stages, audit, memo: Memo) -> tuple[list, list[Problem], list]:
    """`screen_cases` over each layer's cases folder, merged by id (see catalog/layers.py).

    One pass over the files does the per-case work (parse, shape, privacy scan, audit) in the
    helper processes of `run.each`; the third list holds each case's `audit` result from it.
    Files unchanged since the memo's last run are not read again (`memo.screened` lists the
    rest)."""
    layers, problems, audits = [], [], {}
    for layer in project.layers:
        folder = layer.data / "cases"
        cases, probs, audited = screen_cases(folder, scan=lambda doc: check_documents([doc]), audit=audit,
                                             each=run.each, memo=memo.screened.setdefault(folder, {}),
                                             screened=memo.read)
        layers.append(cases)
        problems += probs
        audits.update({id(c): a for c, a in zip(cases, audited)})
    cases, probs = merge_layers(layers, "id", "case or drill id")
    return cases, problems + probs, [audits[id(c)] for c in cases]


def _verdicts(cases: list, audited: list, catalog: Catalog, icd, day: dt.date) -> tuple[list[Problem], dict]:
    """The audit's problems (as `audit_cases` gives them), and each drill's raw findings.

    They come from the case pass (`audit_for_pages`), with the prose facts the audit worked
    out, which the pages reuse. Where an audit raised there, all run again here, where the error
    surfaces."""
    if any(a is None for a in audited):
        return audit_cases(cases, catalog, icd, today=day), {}
    for case, a in zip(cases, audited):
        if a.facts is not None:
            prose.remember(case, catalog, a.facts)
    return (sort_problems(p for a in audited for p in a.problems),
            {case.id: a.findings for case, a in zip(cases, audited) if a.findings})


def forms_of_layers(project: Project, catalog: Catalog) -> tuple[list, list[Problem]]:
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
             directory_urls: bool = True, memo: Memo | None = None) -> Generated:
    """Check, then render every generated page; raise DataError listing every problem.

    `timings`, when given, gets each phase's wall time (`metdocs bench`). `directory_urls` is
    MkDocs' `use_directory_urls` (False in the offline build): the case and drill pages are raw
    HTML, which MkDocs does not rewrite, so their links are made final here. `memo`, kept by the
    caller for the next run of the same project and `directory_urls`, makes that run work out
    only what changed (site/memo.py).
    """
    run = Stages(timings)
    memo = memo or Memo()
    with run.gc_paused():
        memo.refresh(project, today(), strict)
        memo.read, memo.rendered = [], []
        if memo.env is None:
            memo.env = env = environment(project.page_template_folders())
            # Compiling the page templates needs no data: done while helper processes read the cases.
            run.meanwhile(lambda: _compile_all(env), phase="render")
        checked = check(project, strict=strict, run=run, memo=memo)
        if not checked.ok:
            raise DataError(checked.problems)
        with run.stage("render"):
            plan = _plan(project, checked, directory_urls, memo)
            if memo.form_files is None:
                def draw() -> None:
                    memo.form_files = form_files(list(checked.forms), checked.catalog, icd=code_set(),
                                                 assets=project.docs / "assets")
                    memo.rendered += sorted(memo.form_files)
                # The forms (PDFs above all) are drawn here while helper processes render pages.
                run.meanwhile(draw, phase="forms")
            _render_pages(run, memo, plan)
            packets, depends = packet_pages(checked.catalog, checked.cases, memo.views,
                                            {p.path: len(memo.pages[p.path][1]) for p in plan},
                                            directory_urls=directory_urls)
            _no_clashes(project, packets)
            _render_pages(run, memo, packets, parallel=False)
            plan += packets
    for gone in memo.pages.keys() - {p.path for p in plan}:
        del memo.pages[gone]
    if memo.book is None:
        memo.book = book_script(checked.catalog, directory_urls)
        memo.rendered.append(BOOK_JS)
    files = {**{p.path: memo.pages[p.path][1] for p in plan}, **memo.form_files, BOOK_JS: memo.book}
    return Generated(files, _nav(plan, files), [p for p in checked.problems if not p.is_error],
                     rendered=tuple(memo.rendered), screened=tuple(memo.read), depends=depends)


def _render_pages(run: Stages, memo: Memo, plan: list, *, parallel: bool = True) -> None:
    """Render each page of `plan` whose Markdown the memo does not hold for its key, into the memo."""
    todo = [p for p in plan if memo.page(p) is None]
    env = memo.env

    def work(pages: list) -> list[str]:
        out = []
        for p in pages:
            out.append(render(env, p.template, p.context, page=p.path))
            if hasattr(p.context.get("c"), "lighten"):
                p.context["c"].lighten()  # a case view's heavy part, no longer needed (casepages.View)
        return out

    texts = run.each(work, todo) if parallel else work(todo)
    for p, text in zip(todo, texts):
        memo.pages[p.path] = (p.key, text)
    memo.rendered += [p.path for p in todo]


def _plan(project: Project, checked: Checked, directory_urls: bool, memo: Memo) -> list:
    """Every generated page (see pages/plan.py) but the print packets; none may land on a hand-written file."""
    plan = [*planner.plan(checked.catalog), *unit_pages(checked.catalog),
            *case_pages(checked.catalog, checked.cases, code_set(), directory_urls=directory_urls,
                        findings=checked.findings, views=memo.views),
            *practice_pages(checked.catalog, checked.cases, directory_urls=directory_urls)]
    _no_clashes(project, plan)
    return plan


def _no_clashes(project: Project, plan: list) -> None:
    """None of the pages may land on a hand-written file of any layer."""
    written = {(layer.docs, p.relative_to(layer.docs).as_posix()) for layer in project.layers if layer.docs.is_dir()
               for p in layer.docs.rglob("*.md")}
    clashes = [(docs, p) for p in plan for docs, path in ((layer.docs, p.path) for layer in project.layers)
               if (docs, path) in written]
    if clashes:
        raise DataError([Problem(Location.of(docs / p.path),
                                 f"expected no hand-written file where metdocs generates '{p.path}', "
                                 "found one; rename or remove it") for docs, p in clashes])


def _nav(plan: list, files: dict) -> dict[str, list[str]]:
    """Section folder -> the pages that belong in its sidebar, in order (the forms by file name)."""
    nav: dict[str, list[str]] = {}
    in_nav = [p.path for p in plan if p.in_nav] + sorted(k for k in files if k.startswith("forms/") and k.endswith(".md"))
    for path in in_nav:
        folder, _, name = path.partition("/")
        if name != "index.md" and path.endswith(".md"):
            nav.setdefault(folder, []).append(path)
    return nav


def _compile_all(env) -> None:
    """Compile every page template now; a broken one is left for `render` to report with its page."""
    for name in env.list_templates(extensions=["j2"]):
        try:
            env.get_template(name)
        except TemplateError:
            pass
