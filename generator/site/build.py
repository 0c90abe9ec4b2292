"""Write stage: run the MkDocs build into a temporary folder, then swap it in.

The site folder is only ever replaced whole (see sitedir.py for what may be
replaced and how). Data errors stop the run before MkDocs starts; a MkDocs
failure leaves the temporary folder to be removed and the previous site untouched.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from metdocs.files import sitedir
from metdocs.files.archive import write_zip
from metdocs.errors import DataError, MetdocsError, display_path, os_problem
from metdocs.files.project import Project
from metdocs.site.plugin import generated


class BuildFailed(MetdocsError):
    """MkDocs reported errors (broken links, strict-mode warnings ...)."""


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build_site(project: Project, config_file: Path, site_dir: Path, *, strict: bool = False,
               offline: bool = False) -> int:
    """Validate, build into a temporary sibling of `site_dir`, then replace `site_dir` with it.

    `site_dir` must be a folder metdocs may replace (see sitedir.check_target). With
    `offline`, Material's offline plugin is enabled (METDOCS_OFFLINE, read by mkdocs.yml)
    and the site is also zipped into `<site_dir>.zip` next to it.
    """
    start = time.perf_counter()
    site_dir = sitedir.target_path(site_dir)
    protected = sitedir.protected_for(project, config_file)
    sitedir.check_target(site_dir, protected)  # usage errors come before any work
    archive = site_dir.with_name(f"{site_dir.name}.zip") if offline else None
    _check_targets(site_dir, archive, protected)
    _say(f"Checking {display_path(project.data)}/ ...")
    # raises DataError before anything is written; the offline edition uses .html URLs
    result = generated(project, strict=strict, directory_urls=not offline, apart=True)
    for w in result.warnings:
        _say(str(w))
    _say(f"{_generated_summary(result.files)}; building the site with MkDocs ...")
    shown: dict[str, str] = {}
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        with sitedir.lock(site_dir, waiting=_say):
            _check_targets(site_dir, archive, protected)  # another build may have run while we waited
            removed = sitedir.remove_leftovers(site_dir)
            if removed:
                _say(f"Removed what an interrupted build left: {', '.join(sorted(removed))}")
            tmp = sitedir.new_build_dir(site_dir)
            shown[str(tmp)] = str(site_dir)
            try:
                with _offline_env(offline):
                    _mkdocs_build(config_file, tmp, offline=offline)
                if site_dir.is_dir():
                    _keep_unchanged_times(tmp, site_dir)
                sitedir.mark(tmp)
                sitedir.swap_in(tmp, site_dir)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            pages = sum(1 for _ in site_dir.rglob("*.html"))
            _say(f"Site written to {display_path(site_dir)}/ ({pages} HTML pages: the generated and hand-written "
                 f"pages, the 404 page) in {time.perf_counter() - start:.1f} s")
            if archive is not None:
                _zip(site_dir, archive)
                _say(f"Offline edition zipped into {display_path(archive)}")
    except OSError as e:
        raise os_problem(e, "cannot write", shown=shown) from None
    return 0


def _generated_summary(files: dict) -> str:
    """'Generated 118 pages and 14 other files (...)': pages become HTML pages; the rest are the forms'
    downloads, copied as they are (so the HTML count at the end differs, and says why)."""
    pages = sum(1 for path in files if path.endswith(".md"))
    other = len(files) - pages
    return (f"Generated {pages} pages" + (f" and {other} other files (the forms' PDFs, FHIR Questionnaires and "
                                          "downloads)" if other else ""))


def _check_targets(site_dir: Path, archive: Path | None, protected) -> None:
    sitedir.check_target(site_dir, protected)
    if archive is not None:
        sitedir.check_archive(archive, protected)


@contextmanager
def _offline_env(offline: bool):
    saved = os.environ.get("METDOCS_OFFLINE")
    os.environ["METDOCS_OFFLINE"] = "true" if offline else "false"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("METDOCS_OFFLINE", None)
        else:
            os.environ["METDOCS_OFFLINE"] = saved


def _zip(site_dir: Path, archive: Path) -> Path:
    """Zip site_dir into `archive` (members under <name>/, sorted, fixed timestamps), atomically.

    The marker file stays out: the zip is what trainers unpack, not a folder metdocs replaces."""
    tmp = sitedir.zip_temp(archive)
    try:
        files = sorted(p for p in site_dir.rglob("*") if p.is_file() and p.name != sitedir.MARKER)
        write_zip(tmp, ((f"{site_dir.name}/{p.relative_to(site_dir).as_posix()}", p.read_bytes()) for p in files),
                  comment=sitedir.ZIP_COMMENT)
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600
        os.replace(tmp, archive)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return archive


def _mkdocs_build(config_file: Path, out: Path, *, offline: bool = False) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("mkdocs: %(levelname)s: %(message)s"))
    handler.addFilter(_not_os_errors)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        cfg = load_config(str(config_file), site_dir=str(out), strict=True)
        if offline:
            # On file:// Material turns instant navigation off by completing document$ before it
            # ever emits, so document$.subscribe(...) page scripts (the calculator) never run.
            cfg.theme["features"] = [f for f in cfg.theme.get("features", [])
                                     if not f.startswith("navigation.instant")]
            # A file:// edition has no address: no canonical links, no sitemap (see plugin.py).
            cfg["site_url"] = None
        elif is_loopback(cfg.site_url):
            _say(f"metdocs: warning: site_url is {cfg.site_url}, a local address: canonical links and the "
                 "sitemap will point at it. Set site_url (or $SITE_URL) to the published address before "
                 "you publish this site, or leave it empty.")
        build(cfg)
    except DataError:
        raise
    except (Abort, MkDocsException) as e:
        raise BuildFailed(f"MkDocs build failed: {e.format_message() if hasattr(e, 'format_message') else e}; "
                          "the previous site was left as it was") from None
    finally:
        logger.removeHandler(handler)


def is_loopback(url: str | None) -> bool:
    """True for a URL on this machine (localhost, 127.0.0.0/8, ::1): never a published address."""
    import ipaddress
    from urllib.parse import urlsplit
    host = urlsplit(url or "").hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _not_os_errors(record: logging.LogRecord) -> bool:
    """Drop MkDocs' "Error building page 'x': [Errno 28] ..." line: the OSError reaches the CLI,
    which says it once, in one line, naming the site path instead of the temporary one."""
    return not re.match(r"Error building page '.*': \[Errno \d+\]", record.getMessage())


def _keep_unchanged_times(new: Path, previous: Path) -> None:
    """Give every output file whose bytes did not change its previous modification time.

    The site is still swapped in whole, but a file that did not change looks unchanged
    to rsync, web servers and browsers' caches, so a one-case edit republishes one case.
    """
    for path in new.rglob("*"):
        before = previous / path.relative_to(new)
        try:
            st = before.stat()
            if stat.S_ISREG(st.st_mode) and path.is_file() and st.st_size == path.stat().st_size and before.read_bytes() == path.read_bytes():
                os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        except OSError:
            continue  # new file, or gone: nothing to keep
