"""Write stage: run the MkDocs build into a temporary folder, then swap it in.

The site folder is only ever replaced whole. Data errors stop the run before
MkDocs starts; a MkDocs failure leaves the temporary folder to be removed and
the previous site untouched.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .archive import write_zip
from .errors import DataError, MetdocsError, display_path
from .pipeline import Project
from .plugin import generated


class BuildFailed(MetdocsError):
    """MkDocs reported errors (broken links, strict-mode warnings ...)."""


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build_site(project: Project, config_file: Path, site_dir: Path, *, strict: bool = False,
               offline: bool = False) -> int:
    """Validate, build into a temporary sibling of `site_dir`, then replace `site_dir` with it.

    With `offline`, Material's offline plugin is enabled (METDOCS_OFFLINE, read by mkdocs.yml)
    and the site is also zipped into `<site_dir>.zip` next to it.
    """
    start = time.perf_counter()
    _say(f"Checking {display_path(project.data)}/ ...")
    # raises DataError before anything is written; the offline edition uses .html URLs
    result = generated(project, strict=strict, directory_urls=not offline)
    for w in result.warnings:
        _say(str(w))
    _say(f"Generated {len(result.files)} pages; building the site with MkDocs ...")
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-build-", dir=site_dir.parent))
    try:
        saved = os.environ.get("METDOCS_OFFLINE")
        os.environ["METDOCS_OFFLINE"] = "true" if offline else "false"
        try:
            _mkdocs_build(config_file, tmp, offline=offline)
        finally:
            if saved is None:
                os.environ.pop("METDOCS_OFFLINE", None)
            else:
                os.environ["METDOCS_OFFLINE"] = saved
        _swap(tmp, site_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pages = sum(1 for _ in site_dir.rglob("*.html"))
    _say(f"Site written to {display_path(site_dir)}/ ({pages} HTML pages) in {time.perf_counter() - start:.1f} s")
    if offline:
        archive = _zip(site_dir)
        _say(f"Offline edition zipped into {display_path(archive)}")
    return 0


def _zip(site_dir: Path) -> Path:
    """Zip site_dir into <site_dir>.zip (members under <name>/, sorted, fixed timestamps), atomically."""
    archive = site_dir.with_name(f"{site_dir.name}.zip")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{archive.name}-", dir=archive.parent)
    os.close(fd)
    try:
        files = sorted(p for p in site_dir.rglob("*") if p.is_file())
        write_zip(tmp_name, ((f"{site_dir.name}/{p.relative_to(site_dir).as_posix()}", p.read_bytes()) for p in files))
        os.chmod(tmp_name, 0o644)  # mkstemp makes it 0600
        os.replace(tmp_name, archive)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return archive


def _mkdocs_build(config_file: Path, out: Path, *, offline: bool = False) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("mkdocs: %(levelname)s: %(message)s"))
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


def _keep_unchanged_times(new: Path, previous: Path) -> None:
    """Give every output file whose bytes did not change its previous modification time.

    The site is still swapped in whole, but a file that did not change looks unchanged
    to rsync, web servers and browsers' caches, so a one-case edit republishes one case.
    """
    for path in new.rglob("*"):
        before = previous / path.relative_to(new)
        try:
            st = before.stat()
            if path.is_file() and st.st_size == path.stat().st_size and before.read_bytes() == path.read_bytes():
                os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        except OSError:
            continue  # new file, or gone: nothing to keep


def _swap(new: Path, site_dir: Path) -> None:
    """Replace site_dir with new using renames, so readers never see a half-written site."""
    old = None
    if site_dir.exists():
        _keep_unchanged_times(new, site_dir)
        old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
        os.replace(site_dir, old)
    os.replace(new, site_dir)
    os.chmod(site_dir, 0o755)  # mkdtemp makes it 0700; a site is meant to be read
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
