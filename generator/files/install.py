"""How this metdocs was installed, so an upgrade command can be given that works.

pip records where a package came from in its dist-info (PEP 610 `direct_url.json`): a wheel
or other archive (a file or a URL), a folder (a checkout, editable or not) or a VCS URL; no
record means an index. `pip install --upgrade metdocs` only upgrades from an index: for the
others the command must name where the new version is.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Installed:
    """Where the running metdocs came from."""

    kind: str
    """'index', 'archive' (a wheel or sdist, file or URL), 'folder', 'editable', 'git' (or another VCS), 'unknown'."""
    where: str = ""
    """The archive, folder or repository URL; empty for an index."""
    revision: str = ""
    """For a VCS install, the branch or tag asked for (empty: the default branch)."""


def installed() -> Installed:
    """What pip recorded about this installation (see the module docstring)."""
    import importlib.metadata as md
    found = False
    for dist in md.distributions(name="metdocs"):
        if not str(getattr(dist, "_path", "")).endswith(".dist-info"):
            continue  # a checkout's build leftovers (metdocs.egg-info), not an installation
        found = True
        raw = dist.read_text("direct_url.json")
        if raw:
            try:
                return _from_direct_url(json.loads(raw))
            except (ValueError, TypeError, AttributeError):
                return Installed("unknown")
    return Installed("index") if found else Installed("unknown")


def _from_direct_url(d: dict) -> Installed:
    url = str(d.get("url", ""))
    where = unquote(urlsplit(url).path) if url.startswith("file://") else url
    if "vcs_info" in d:
        vcs = d["vcs_info"]
        revision = vcs.get("requested_revision") or ""
        return Installed(vcs.get("vcs", "git"), url, "" if revision == vcs.get("commit_id") else revision)
    if "dir_info" in d:
        return Installed("editable" if d["dir_info"].get("editable") else "folder", where)
    return Installed("archive", where)


def upgrade_command(how: Installed | None = None, python: str | None = None) -> str:
    """The shell command that upgrades metdocs where it was installed from (`how`, default: this one)."""
    how = how or installed()
    pip = f"{shlex.quote(python or sys.executable)} -m pip install --upgrade"
    if how.kind in ("editable", "folder"):
        folder = Path(how.where)
        install = f"{pip} {'-e ' if how.kind == 'editable' else ''}{shlex.quote(how.where)}"
        return f"git -C {shlex.quote(how.where)} pull && {install}" if (folder / ".git").exists() else install
    if how.kind == "archive":  # the new version's file, where the old one came from
        head, _, name = how.where.rpartition("/")
        version = _version_in(name)
        new = name.replace(f"-{version}", "-NEW-VERSION", 1) if version else "metdocs-NEW-VERSION-py3-none-any.whl"
        return f"{pip} {shlex.quote(f'{head}/{new}' if head else new)}"
    if how.kind in ("git", "hg", "svn", "bzr"):
        at = f"@{how.revision}" if how.revision else ""
        return f"{pip} {shlex.quote(f'{how.kind}+{how.where}{at}')}"
    return f"{pip} metdocs"


def described(how: Installed | None = None) -> str:
    """Where metdocs was installed from, in words (for the course README and `metdocs --version`)."""
    how = how or installed()
    return {"index": "from a package index", "editable": f"from the checkout {how.where} (editable)",
            "folder": f"from the folder {how.where}", "archive": f"from {how.where}",
            "unknown": "from an unknown place"}.get(how.kind, f"from {how.kind}+{how.where}"
                                                         + (f"@{how.revision}" if how.revision else ""))


def _version_in(name: str) -> str:
    """The version in a wheel or sdist file name ('metdocs-0.1.0-py3-none-any.whl' -> '0.1.0'), or ''."""
    m = re.match(r"metdocs-([0-9][^-]*?)(?:-|\.tar\.gz$|\.zip$)", name)
    return m.group(1) if m else ""
