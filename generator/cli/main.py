"""The `metdocs` command: a thin layer that parses arguments, calls the library and prints.

This is the only module that prints or chooses exit codes: 0 success, 1 data
errors (or, for `icd`, a code that is not billable), 2 usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from metdocs.errors import DataError, MetdocsError, display_path

# Material 9.7+ prints a multi-line notice on every build; it is noise for our users.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

DESCRIPTION = """\
metdocs builds a training site on documenting and billing Medical Exercise
Training (CPT 97110, 97112, 97530) from the YAML catalog in data/.

Run it from the project folder (the one holding mkdocs.yml), or make a course
project of your own that builds on the shipped catalog with `metdocs new DIR`."""

EPILOG = """\
examples:
  metdocs new my-course             a course project of your own on the shipped catalog
  metdocs check                     validate data/ and list every problem
  metdocs build                     validate, then build the site into site/
  metdocs build --offline           a file:// edition in site-offline/ plus site-offline.zip
  metdocs serve                     live preview at http://127.0.0.1:8000/
  metdocs units 97110=33 97530=7    units for a visit under the CMS 8-minute rule
  metdocs units --rule ama 97112=10 97110=10
  metdocs icd M54.5 M54.50          is a code billable in ICD-10-CM FY2026?
  metdocs rules --json              every rule: source, review-by date, how it is enforced
  metdocs export --out quiz/        the audit drills as a Moodle and a Canvas (QTI) quiz
  metdocs bench --cases 1000        time a 1,000-case build against stock Material
  metdocs fill saved.json --pdf out.pdf   a record saved by a web form as a filled PDF

global option: --debug (before or after COMMAND) shows a traceback with an error.

exit codes: 0 ok, 1 data errors (or a code that is not billable), 2 usage errors
(command line, environment variables, a --site-dir metdocs may not replace),
3 the system refused (permission denied, disk full, name too long, port in use),
70 an internal error (a bug: please report it with the --debug output)"""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's default exits 2 too; keep its one-line style
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


DEBUG_HELP = "on an error, show the Python traceback too (for bug reports)"


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="metdocs", description=DESCRIPTION, epilog=EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def add(name, help_, description):
        sp = sub.add_parser(name, help=help_, description=description,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
        # SUPPRESS: after the command it is optional too, without overwriting `metdocs --debug COMMAND`
        sp.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
        return sp

    def data_opt(sp):
        sp.add_argument("--data", metavar="DIR", type=Path,
                        help="data folder to check and build from (default: data/ next to mkdocs.yml, "
                             "or $METDOCS_DATA_DIR)")

    def data_opts(sp):
        data_opt(sp)
        sp.add_argument("--config", metavar="FILE", type=Path, default=Path("mkdocs.yml"),
                        help="the project's mkdocs.yml (default: ./mkdocs.yml)")
        sp.add_argument("--strict", action="store_true",
                        help="treat warnings (e.g. a rule past its review-by date) as errors")

    sp = add("new", "create a course project that builds on the shipped catalog",
             "Create DIR (new or empty) holding a course project: its own mkdocs.yml (name,\n"
             "colours, logo), data/ for the catalog entries and cases it adds, one example case,\n"
             "a README for the educator and a .gitignore. The shipped catalog, cases, forms and\n"
             "pages are used by reference, so metdocs updates reach the course.\n\n"
             "example:\n  metdocs new my-course --name \"Knee rehab MET course\"\n  cd my-course && metdocs build")
    sp.add_argument("dir", metavar="DIR", type=Path, help="folder to create (must be new or empty)")
    sp.add_argument("--name", default="Medical exercise training course",
                    help="the course's name, shown as the site name (default: %(default)s)")
    sp = add("check", "validate the data and list every problem",
             "Load and validate every catalog file. Prints each problem as\n"
             "path:line:col: severity: message, sorted by file and line. Writes nothing.")
    data_opts(sp)
    sp = add("build", "validate, then build the site",
             "Validate the data, generate the pages and run the MkDocs build into a\n"
             "temporary folder, then swap it in. On any error the previous site is left as it was.\n"
             "The site folder must be absent, empty or a site metdocs built (it holds a\n"
             ".metdocs-site file): metdocs never replaces anything else. A second build of\n"
             "the same site waits for the first to finish.")
    data_opts(sp)
    sp.add_argument("--site-dir", metavar="DIR", type=Path, default=None,
                    help="output folder (default: site/, or site-offline/ with --offline); never the "
                         "project, an input folder, your home folder or a folder metdocs did not build")
    sp.add_argument("--offline", action="store_true",
                    help="build the offline edition that works from file:// (no server needed) and "
                         "zip it into <site-dir>.zip next to the folder")
    sp = add("serve", "live preview that rebuilds when data/, templates/ or site_src/ change",
             "Serve the site with live reload. Edits to data/, templates/ and site_src/ rebuild it.")
    sp.add_argument("--config", metavar="FILE", type=Path, default=Path("mkdocs.yml"), help="the project's mkdocs.yml")
    data_opt(sp)
    sp.add_argument("--dev-addr", metavar="IP:PORT", default="127.0.0.1:8000", help="address to serve on")
    sp = add("export", "the audit drills as a quiz for Moodle (XML) and Canvas (QTI 1.2)",
             "Check the data, then write the audit drills as quiz questions an LMS imports:\n"
             "  quiz-moodle.xml  Moodle: Question bank > Import > Moodle XML format\n"
             "  quiz-qti.zip     Canvas: Settings > Import course content > QTI .zip file\n"
             "One multiple-choice question per declared fault of each drill (which rule does\n"
             "this session break?), with the drill's lesson and the audit's finding as feedback.")
    data_opts(sp)
    sp.add_argument("--out", metavar="DIR", type=Path, required=True, help="folder to write the two files into")
    sp.add_argument("--worked-cases", action="store_true",
                    help="add one question per worked case: how many units for one session under its payer's rule")
    sp.add_argument("--name", default="metdocs", help="name of the question bank and quizzes (default: metdocs)")
    sp = add("units", "billable units for a visit (CMS 8-minute rule or per-code rule)",
             "Compute billable units from minutes per CPT code and explain the allocation.\n"
             "Timed and untimed codes come from the catalog.")
    sp.add_argument("visit", nargs="+", metavar="CODE=MINUTES", help="minutes per CPT code, e.g. 97110=33")
    sp.add_argument("--rule", choices=("cms", "ama"), default="cms",
                    help="cms: pool the day's timed minutes (Medicare 8-minute rule, the default); "
                         "ama: each code on its own, 8 minutes minimum (some commercial payers)")
    sp.add_argument("--json", action="store_true", help="print one JSON object")
    sp.add_argument("--data", metavar="DIR", type=Path, help="data folder (default: $METDOCS_DATA_DIR or data/)")
    sp = add("icd", "look up ICD-10-CM codes: valid? billable? title? billable children?",
             "Look codes up in the FY2026 ICD-10-CM code set. Exit 1 when any code is not billable.")
    sp.add_argument("codes", nargs="+", metavar="CODE")
    sp.add_argument("--json", action="store_true", help="print a JSON list")
    sp = add("rules", "list every rule and session-log element with its source, review-by date and enforcement",
             "List every catalog rule, and every element the session log requires, with its sources,\n"
             "its review-by date and how it is enforced: by the audit that `metdocs check` runs\n"
             "(and what it checks), or by a person's review (and why the audit cannot check it).")
    out = sp.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print a JSON list")
    out.add_argument("--markdown", action="store_true",
                     help="print the list of enforced rules as README.md's 'What gets checked' shows it")
    sp.add_argument("--data", metavar="DIR", type=Path, help="data folder (default: $METDOCS_DATA_DIR or data/)")
    sp = add("fill", "write a record saved by a web form as a filled PDF and/or FHIR response",
             "Read a file saved by one of the web forms (a FHIR QuestionnaireResponse, or the JSON of\n"
             "version 1 of the forms) and write the same form's fillable PDF with every value filled in,\n"
             "and/or the record as a FHIR R4 QuestionnaireResponse of the current form version.")
    sp.add_argument("saved", type=Path, metavar="SAVED.json", help="the file the web form saved")
    sp.add_argument("--pdf", type=Path, metavar="FILE", help="write the filled PDF here")
    sp.add_argument("--fhir", type=Path, metavar="FILE", help="write the QuestionnaireResponse here")
    sp.add_argument("--config", metavar="FILE", type=Path, default=Path("mkdocs.yml"), help="the project's mkdocs.yml")
    sp = add("bench", "time a build with N synthetic cases against stock Material",
             "Copy the project into a temporary folder with N cases made from the shipped ones,\n"
             "build it the metdocs way (timing each phase and the peak memory), then build the\n"
             "same pages with a stock Material configuration (no pruning, every page in the\n"
             "nav) as the baseline. Nothing in the project is changed.")
    sp.add_argument("--cases", type=int, default=100, metavar="N", help="number of cases (default 100)")
    sp.add_argument("--json", action="store_true", help="print one JSON object")
    sp.add_argument("--config", metavar="FILE", type=Path, default=Path("mkdocs.yml"), help="the project's mkdocs.yml")
    data_opt(sp)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        from metdocs.files.envvars import check_environment
        check_environment()
        return COMMANDS[args.command](args)
    except DataError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        print(e.summary, file=sys.stderr)
        _traceback(args)
        return 1
    except MetdocsError as e:
        print(f"metdocs: error: {e}", file=sys.stderr)
        _traceback(args)
        return e.exit_code
    except KeyboardInterrupt:
        print("metdocs: interrupted; nothing was changed.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:  # not met on a path we foresaw: still one line, exit 3
        from metdocs.errors import os_problem
        print(f"metdocs: error: {os_problem(e, 'the system refused')}", file=sys.stderr)
        _traceback(args)
        return 3
    except Exception as e:  # noqa: BLE001 - a bug: one line unless --debug
        print(f"metdocs: internal error: {type(e).__name__}: {e} (run with --debug for the traceback, "
              "and please report it)", file=sys.stderr)
        _traceback(args)
        return 70


def _traceback(args) -> None:
    if getattr(args, "debug", False):
        import traceback
        traceback.print_exc(file=sys.stderr)


def _project(args):
    from metdocs.errors import UsageError
    from metdocs.files.fsguard import MAX_BYTES, why_not
    from metdocs.files.project import Project
    if not os.path.lexists(args.config):
        raise UsageError(f"expected {display_path(args.config)} (the project's mkdocs.yml), found no such file; "
                         "run metdocs from the project folder, pass --config, or make a course with 'metdocs new DIR'")
    why = why_not(args.config, None, MAX_BYTES)  # never a FIFO, device or link loop
    if why is None and args.config.is_dir():
        why = "expected the project's mkdocs.yml file, found a folder"
    if why is not None:
        raise UsageError(f"{display_path(args.config)}: {why}")
    config = args.config.resolve()
    return Project.for_config(config, _data_arg(args))


def _data_arg(args) -> Path | None:
    """--data DIR, else $METDOCS_DATA_DIR (checked by envvars), else None (data/ next to mkdocs.yml)."""
    from metdocs.errors import UsageError
    from metdocs.site.plugin import DATA_ENV
    data = getattr(args, "data", None)
    if data is None:
        return Path(os.environ[DATA_ENV]).resolve() if os.environ.get(DATA_ENV) else None
    if not data.is_dir():
        raise UsageError(f"expected --data to name a data folder (holding catalog/), found "
                         f"{'a file' if data.exists() else 'nothing'} at {display_path(data)}")
    return data.resolve()


@contextmanager
def _data_for_mkdocs(project):
    """Hand the data folder to the MkDocs plugin, which MkDocs creates from mkdocs.yml (see plugin.DATA_ENV)."""
    from metdocs.site.plugin import DATA_ENV
    saved = os.environ.get(DATA_ENV)
    os.environ[DATA_ENV] = str(project.data)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(DATA_ENV, None)
        else:
            os.environ[DATA_ENV] = saved


def cmd_new(args) -> int:
    from metdocs.files.course import new_course
    target = args.dir.resolve()
    written = new_course(target, args.name)
    print(f"Created the course project {display_path(target)}/ ({len(written)} files):", file=sys.stderr)
    for path in written:
        print(f"  {display_path(path)}", file=sys.stderr)
    print(f"Next: cd {display_path(target)} && metdocs build   (then read README.md)", file=sys.stderr)
    return 0


def cmd_check(args) -> int:
    from metdocs.site.pipeline import check
    project = _project(args)
    start = time.perf_counter()
    checked = check(project, strict=args.strict)
    from metdocs.errors import sort_problems
    problems = sort_problems(checked.problems)
    for p in problems:
        print(p, file=sys.stderr)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    status = "ok" if errors == 0 else "failed"
    print(f"check {status}: {errors} error(s), {warnings} warning(s) in {display_path(project.data)}/ "
          f"({time.perf_counter() - start:.2f} s)", file=sys.stderr)
    return 1 if errors else 0


def cmd_build(args) -> int:
    from metdocs.site.build import build_site
    project = _project(args)
    site_dir = args.site_dir or project.root / ("site-offline" if args.offline else "site")
    with _data_for_mkdocs(project):
        return build_site(project, args.config.resolve(), site_dir, strict=args.strict, offline=args.offline)


def cmd_serve(args) -> int:
    from mkdocs.commands.serve import serve
    from metdocs.errors import os_problem
    config = args.config.resolve()
    project = _project(args)
    host, port = _dev_addr(args.dev_addr)
    _port_free(host, port)  # before the first build, which can take a while
    # Material's instant navigation needs site_url to be the address the pages come from.
    os.environ.setdefault("SITE_URL", f"http://{host}:{port}/")
    _serve_messages()
    with _data_for_mkdocs(project):
        try:
            serve(config_file=str(config), dev_addr=f"{host}:{port}", livereload=True)
        except OSError as e:
            raise os_problem(e, f"cannot serve on {host}:{port}") from None
    return 0


def _serve_messages() -> None:
    """Show MkDocs' own serve messages (the address, "Detected file changes", "Building
    documentation...") on stderr: the CLI adds no logging handler of its own otherwise."""
    import logging
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.setLevel(logging.INFO)
    for name in ("mkdocs.commands.serve", "mkdocs.livereload", "mkdocs.commands.build"):
        log = logging.getLogger(name)
        log.setLevel(logging.INFO)
        log.addHandler(handler)


def cmd_export(args) -> int:
    from metdocs.export import export_quiz
    project = _project(args)
    print(f"Checking {display_path(project.data)}/ ...", file=sys.stderr, flush=True)
    written, qs = export_quiz(project, args.out.resolve(), worked_cases=args.worked_cases, strict=args.strict,
                              bank=args.name)
    drills = sum(q.group == "drills" for q in qs)
    print(f"Exported {drills} drill question(s)"
          + (f" and {len(qs) - drills} worked-case question(s)" if args.worked_cases else "") + ":", file=sys.stderr)
    for path in written:
        print(f"  {display_path(path)}", file=sys.stderr)
    return 0


def _dev_addr(value: str) -> tuple[str, int]:
    from metdocs.errors import UsageError
    host, _, port = value.rpartition(":")
    if not host or not port.isascii() or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise UsageError(f"expected --dev-addr as IP:PORT with a port from 1 to 65535 (e.g. 127.0.0.1:8000), "
                         f"found {value!r}")
    return host, int(port)


def _port_free(host: str, port: int) -> None:
    """Raise a one-line SystemProblem when host:port cannot be served on (in use, not ours)."""
    import socket
    from metdocs.errors import UsageError, os_problem
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise UsageError(f"expected --dev-addr to name this machine, found {host!r} ({e.strerror})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as MkDocs' server does
        try:
            s.bind(address)
        except OSError as e:
            raise os_problem(e, f"cannot serve on {host}:{port}") from None


def cmd_units(args) -> int:
    from metdocs.rules import units
    try:
        visit = units.parse_visit_args(args.visit)
    except units.UsageError as e:
        print(f"metdocs units: error: {e}", file=sys.stderr)
        return 2
    catalog = _catalog_for_units(args)
    unknown = sorted(c for c in visit if catalog.cpt(c) is None)
    if unknown:
        known = ", ".join(sorted(c.code for c in catalog.cpt_codes))
        print(f"metdocs units: error: expected CPT codes from the catalog ({known}), "
              f"found {', '.join(unknown)}", file=sys.stderr)
        return 2  # a code the catalog does not have is a bad argument, like a malformed one
    result = units.allocate(visit, catalog.is_timed, args.rule)
    print(json.dumps(result.to_json(), indent=2) if args.json else units.format_allocation(result))
    out_of_scope = sorted(c for c in visit if not catalog.cpt(c).in_scope)
    if out_of_scope and not args.json:
        ours = ", ".join(c.code for c in catalog.cpt_codes if c.in_scope)
        print(f"note: not billable by a MedExPRO: {', '.join(out_of_scope)} (a MedExPRO bills {ours} only; "
              "shown to compare with a clinician's claim)", file=sys.stderr)
    return 0


def _catalog_for_units(args):
    from metdocs.catalog.assemble import load_catalog
    data = _data_arg(args) or Path("data").resolve()
    catalog, problems = load_catalog(data / "catalog")
    if catalog is None:
        raise DataError(problems)
    return catalog


def cmd_icd(args) -> int:
    from metdocs.catalog.icd import code_set, format_info
    infos = code_set().lookup_many(args.codes)
    if args.json:
        print(json.dumps([i.to_json() for i in infos], indent=2))
    else:
        print("\n".join(format_info(i) for i in infos))
    return 0 if all(i.billable for i in infos) else 1


def cmd_rules(args) -> int:
    from metdocs.rules.audit.core import enforcement
    rows = enforcement(_catalog_for_units(args))
    if args.json:
        print(json.dumps(rows, indent=2))
    elif args.markdown:
        print(rules_markdown(rows))
    else:
        print(format_rules(rows))
    return 0


def rules_markdown(rows: list[dict]) -> str:
    """Every rule and element the audit enforces, one Markdown list item each (README.md's list,
    which a test keeps equal to this output)."""
    return "\n".join(f"- `{r['id']}` ({r['kind']}): {r['how']}." for r in
                     sorted(rows, key=lambda r: (r["kind"] != "rule", r["id"])) if r["enforced_by"] == "audit")


def format_rules(rows: list[dict]) -> str:
    """The rules as text: one block per rule, enforced ones first (the README lists the same)."""
    out = []
    for r in sorted(rows, key=lambda r: (r["enforced_by"] != "audit", r["kind"] != "rule", r["id"])):
        how = "enforced by the audit" if r["enforced_by"] == "audit" else "a person's review"
        out.append(f"{r['kind']} {r['id']}: {r['title']}\n"
                   f"  {how}: {r['how']}\n"
                   f"  review by {r['review_by'] or 'not set'}; sources: {'; '.join(r['sources'])}")
    return "\n".join(out)


def cmd_bench(args) -> int:
    from metdocs.bench.run import bench, format_report
    if not 1 <= args.cases <= 20000:
        print("metdocs bench: error: expected --cases from 1 to 20000, found " + str(args.cases), file=sys.stderr)
        return 2
    project = _project(args)
    # In a course project, time the shipped project it builds on (its cases are the bench's seed),
    # unless --data names the data to time.
    seed = project.layers[0]
    data = project.data if seed is project or getattr(args, "data", None) else seed.data
    report = bench(seed.root, args.cases, data=data, say=lambda m: print(m, file=sys.stderr, flush=True))
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


def cmd_fill(args) -> int:
    from metdocs.forms.fill import filled_pdf, read_saved, response_json
    from metdocs.files.fsguard import write_atomically
    from metdocs.site.pipeline import check
    if not args.pdf and not args.fhir:
        print("metdocs fill: error: expected --pdf FILE, --fhir FILE or both, found neither", file=sys.stderr)
        return 2
    checked = check(_project(args))
    if not checked.ok:
        raise DataError([p for p in checked.problems if p.is_error])
    form, values = read_saved(args.saved, list(checked.forms), checked.catalog)
    outputs = []  # made in full first: nothing is written unless everything could be made
    if args.pdf:
        outputs.append((args.pdf, filled_pdf(form, checked.catalog, values)))
    if args.fhir:
        outputs.append((args.fhir, response_json(form, checked.catalog, values)))
    for path, data in outputs:
        write_atomically(path, data)
        print(f"Wrote {display_path(path)} ({form.title}, version {form.version})", file=sys.stderr)
    return 0


COMMANDS = {"new": cmd_new, "check": cmd_check, "build": cmd_build, "serve": cmd_serve, "export": cmd_export, "units": cmd_units,
            "icd": cmd_icd, "rules": cmd_rules, "bench": cmd_bench, "fill": cmd_fill}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
