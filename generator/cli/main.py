"""The `metdocs` command: the top-level parser, the commands' assembly and the exit codes of errors.

cli/ is a thin layer that parses arguments, calls the library and prints: one module per
command (its options and its `run`), what they share in common.py. It is the only package
that prints or chooses exit codes: 0 success, 1 data errors (or, for `icd`, a code that is
not billable), 2 usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys

from metdocs.cli import bench, build, check, export, fill, icd, new, rules, serve, units
from metdocs.cli.common import DEBUG_HELP
from metdocs.errors import DataError, MetdocsError

# Material 9.7+ prints a multi-line notice on every build; it is noise for our users.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

DESCRIPTION = """\
metdocs builds a training site on documenting and billing Medical Exercise
Training (CPT 97110, 97112, 97530) from the YAML catalog in data/.

Run it in a project folder (the one holding mkdocs.yml, or any folder inside
it), or make a course project of your own that builds on the shipped catalog
with `metdocs new DIR`. Outside any project, every command works on the project
metdocs ships."""

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
  metdocs --version                 the version, its release date, where it was installed from
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


# The order `metdocs --help` lists the commands in.
_IN_HELP_ORDER = (new, check, build, serve, export, units, icd, rules, fill, bench)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="metdocs", description=DESCRIPTION, epilog=EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    p.add_argument("--version", action=_Version, nargs=0,
                   help="print metdocs' version, its release date and where it was installed from, then exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for command in _IN_HELP_ORDER:
        command.add_parser(sub)
    return p


class _Version(argparse.Action):
    """`--version`, worked out only when asked (where metdocs was installed from takes a look at sys.path)."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_line())  # on stdout, as argparse's own version action does
        parser.exit(0)


def version_line() -> str:
    """`metdocs --version`: the version, its release date and where this copy was installed from."""
    from metdocs.release import RELEASED, VERSION
    from metdocs.files.install import described
    return f"metdocs {VERSION} (released {RELEASED}; installed {described()})"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        from metdocs.files.envvars import check_environment
        check_environment()
        from metdocs.catalog.icd import when_preparing
        when_preparing(_preparing)
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


def _preparing() -> None:
    """Said before the first, slow load of the ICD-10-CM code set, rather than waiting in silence."""
    print("Preparing the ICD-10-CM code set (once; a few seconds) ...", file=sys.stderr, flush=True)


def _traceback(args) -> None:
    if getattr(args, "debug", False):
        import traceback
        traceback.print_exc(file=sys.stderr)


COMMANDS = {"new": new.run, "check": check.run, "build": build.run, "serve": serve.run, "export": export.run,
            "units": units.run, "icd": icd.run, "rules": rules.run, "bench": bench.run, "fill": fill.run}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
