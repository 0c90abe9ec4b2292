"""What several commands share: the project they work on (found the same way by every command), its
data folder and catalog, and their options."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from metdocs.errors import DataError, display_path

DEBUG_HELP = "on an error, show the Python traceback too (for bug reports)"


def add(sub, name, help_, description) -> argparse.ArgumentParser:
    """The subparser of one command, in `sub` (the top-level parser's subparsers)."""
    sp = sub.add_parser(name, help=help_, description=description,
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    # SUPPRESS: after the command it is optional too, without overwriting `metdocs --debug COMMAND`
    sp.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
    return sp


def data_opt(sp) -> None:
    sp.add_argument("--data", metavar="DIR", type=Path,
                    help="data folder to check and build from (default: data/ next to mkdocs.yml, "
                         "or $METDOCS_DATA_DIR)")


def data_opts(sp) -> None:
    data_opt(sp)
    config_opt(sp)
    sp.add_argument("--strict", action="store_true",
                    help="treat warnings (e.g. a rule past its review-by date) as errors")


def config_opt(sp) -> None:
    sp.add_argument("--config", metavar="FILE", type=Path, default=None,
                    help="the project's mkdocs.yml (default: mkdocs.yml in this folder or the nearest folder "
                         "above it; outside any project, the project metdocs ships)")


def load_project(args, *, say_shipped: bool = True):
    """The project a command works on, the same way for every command.

    `--config FILE` names it; else the nearest mkdocs.yml in this folder or above (as git finds
    its repository); outside any project, the shipped project metdocs comes with (its catalog,
    cases and forms), which `say_shipped` announces on stderr. Sets `args.config` to the
    mkdocs.yml used and `args.home` to the folder default outputs go in (the project folder; the
    working folder outside a project, never the installed package).
    """
    from metdocs import shipped
    from metdocs.errors import UsageError
    from metdocs.files.fsguard import MAX_BYTES, why_not
    from metdocs.files.project import Project
    config = args.config if args.config is not None else find_config(Path.cwd())
    if config is None:
        args.config, args.home = Path(shipped.MKDOCS_YML), Path.cwd()
        if say_shipped:
            print("metdocs: no mkdocs.yml in this folder or above it: using the project metdocs ships (its "
                  "catalog, cases and forms); run metdocs in a course folder or pass --config for your own",
                  file=sys.stderr, flush=True)
        project = Project.at(shipped.ROOT, data_arg(args))
        check_cache(protected(args, project))
        return project
    if not os.path.lexists(config):
        raise UsageError(f"expected {display_path(config)} (the project's mkdocs.yml), found no such file; "
                         "run metdocs from the project folder, pass --config, or make a course with 'metdocs new DIR'")
    why = why_not(config, None, MAX_BYTES)  # never a FIFO, device or link loop
    if why is None and config.is_dir():
        why = "expected the project's mkdocs.yml file, found a folder"
    if why is not None:
        raise UsageError(f"{display_path(config)}: {why}")
    args.config = config.resolve()
    args.home = args.config.parent
    project = Project.for_config(args.config, data_arg(args))
    check_cache(protected(args, project))
    return project


def require_docs(project) -> None:
    """MkDocs needs the project's own site_src/ (its docs_dir) to exist, even in a course that adds no
    page of its own: say so, and how to fix it, before MkDocs stops with a bare configuration error."""
    from metdocs.errors import UsageError
    if not project.docs.is_dir():
        raise UsageError(f"expected the folder {display_path(project.docs)}/ (the project's own pages and assets, "
                         f"MkDocs' docs_dir), found none; create it (mkdir {display_path(project.docs)}), even empty")


def find_config(folder: Path) -> Path | None:
    """mkdocs.yml in `folder` or the nearest folder above it (anything by that name: a folder or a FIFO
    there is reported as such), or None outside any project."""
    for candidate in (folder, *folder.parents):
        path = candidate / "mkdocs.yml"
        if os.path.lexists(path):
            return path if candidate != folder else Path("mkdocs.yml")
    return None


def protected(args, project):
    """What this command must never write over (fsguard.Protected): the project's inputs, its
    mkdocs.yml, the project and home folders."""
    from metdocs.files.fsguard import protected_for
    return protected_for(project, args.config)


def check_cache(places) -> None:
    """Refuse (exit 2) a cache folder inside an input folder or a site, before anything is cached."""
    from metdocs.files.cache import check_cache_dir
    check_cache_dir(places)


def text_arg(what: str):
    """An argparse `type` for a text argument (not a path): UTF-8 plain text, else a usage error.

    An argument holding bytes that are not UTF-8 reaches Python as lone surrogates, which no
    file, page or terminal can take; control and bidirectional characters would disguise or
    break what is written. argparse reports the ValueError as a one-line usage error (exit 2)."""
    def parse(value: str) -> str:
        from metdocs.catalog.load import not_plain_text
        if any("\udc80" <= ch <= "\udcff" for ch in value):
            raise argparse.ArgumentTypeError(f"expected {what} as UTF-8 text, found bytes that are not UTF-8 "
                                             f"({os.fsencode(value)!r})")
        why = not_plain_text(value)
        if why is not None:
            raise argparse.ArgumentTypeError(f"{what}: {why}")
        return value
    parse.__name__ = what  # argparse names the type in some messages
    return parse


def data_arg(args) -> Path | None:
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
def data_for_mkdocs(project):
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


def project_catalog(args):
    """The catalog of the project `load_project` finds (every layer of a course, the shipped one
    under it), for the commands that read the catalog only (units, rules); raises DataError."""
    from metdocs.catalog.assemble import load_catalog
    project = load_project(args, say_shipped=False)
    catalog, problems = load_catalog(project.catalog_folders())
    if catalog is None:
        raise DataError(problems)
    return catalog
