"""`metdocs build`: validate, then build the site (or its offline edition) and swap it in."""

from __future__ import annotations

from pathlib import Path

from metdocs.cli.common import add, data_for_mkdocs, data_opts, load_project, require_docs


def add_parser(sub) -> None:
    sp = add(sub, "build", "validate, then build the site",
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


def run(args) -> int:
    from metdocs.site.build import build_site
    project = load_project(args)
    require_docs(project)
    site_dir = args.site_dir or args.home / ("site-offline" if args.offline else "site")
    _site_url_note(args.config)
    with data_for_mkdocs(project):
        return build_site(project, args.config.resolve(), site_dir, strict=args.strict, offline=args.offline)


def _site_url_note(config: Path) -> None:
    """Say when $SITE_URL is set but the project's mkdocs.yml fixes site_url, which MkDocs then uses."""
    import os
    import sys
    from metdocs.errors import display_path
    from metdocs.files.project import config_text
    wanted, fixed = os.environ.get("SITE_URL"), config_text(config, "site_url")
    if wanted and fixed is not None and fixed != wanted:
        shown = fixed or "''"
        print(f"{display_path(config)}: note: $SITE_URL ({wanted}) is not used: this file sets site_url: {shown}; "
              f"to let $SITE_URL choose, write site_url: !ENV [SITE_URL, {shown}] there", file=sys.stderr)
