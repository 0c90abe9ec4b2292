"""Locations, problems and the small exception tree.

Every problem metdocs reports points at a place in a source file. The place is
data (`Location`), and `Problem.__str__` is the only code that formats it, so
every message has the same clickable `path:line:col: severity: message` shape.
"""

from __future__ import annotations

import errno
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError


@dataclass(frozen=True, order=True)
class Location:
    """A position in a source file, 1-based like editors show it."""

    path: str
    """The file as the user should see it (relative to the working folder when possible)."""

    line: int = 0
    """1-based line; 0 when the problem is about the whole file."""

    column: int = 0
    """1-based column; 0 when unknown."""

    keys: object = field(default=None, compare=False, hash=False, repr=False)
    """For a mapping read from YAML, where each of its keys is: {key: (0-based line, column)} (see
    schema.py). `key()` uses it, so a check made after loading points at the key it is about."""

    def key(self, name: str) -> "Location":
        """Where the key `name` of the mapping at this location is; this location when unknown."""
        at = self.keys.get(name) if self.keys else None
        return Location(self.path, at[0] + 1, at[1] + 1) if at else self

    @classmethod
    def of(cls, path: Path | str, line: int = 0, column: int = 0) -> "Location":
        """Build a location with `path` shown relative to the working folder if it lies inside it."""
        return cls(display_path(path), line, column)

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{max(self.column, 1)}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in the user's data."""

    where: Location
    """Where the problem is."""

    message: str
    """What was expected and what was found, in one sentence."""

    severity: str = "error"
    """`error` stops the build; `warning` is reported but does not."""

    rule: str = field(default="", compare=False)
    """The id of the catalog rule the problem breaks, when there is one."""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple:
        return (self.where.path, self.where.line, self.where.column, self.message)

    def __str__(self) -> str:
        message = _UNPRINTABLE.sub(lambda m: ascii(m.group())[1:-1], self.message)
        return f"{self.where}: {self.severity}: {message}"


_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters a message may quote from the data but a terminal must not receive as such (an escape
sequence could rewrite the screen, a bidi override reorder it): shown as \\x1b, \\u202e ..."""


def sort_problems(problems) -> list[Problem]:
    """Return problems sorted by file, line and column, without duplicates."""
    seen, out = set(), []
    for p in sorted(problems, key=Problem.sort_key):
        if (p.where, p.message, p.severity) not in seen:
            seen.add((p.where, p.message, p.severity))
            out.append(p)
    return out


def did_you_mean(word: str, choices) -> str:
    """'; did you mean 'x'?' for the choice closest to a mistyped `word` (difflib), or '' when none is close."""
    import difflib
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.75)
    return f"; did you mean '{close[0]}'?" if close else ""


def display_path(path: Path | str) -> str:
    """Show `path` relative to the working folder when it lies inside it."""
    p = Path(path)
    try:
        if p.name not in ("", ".", ".."):
            # Resolving costs a system call per folder level, once per file of a big case folder;
            # the folder's answer is shared by its files. A symbolic link is shown as itself,
            # not as what it points to (which may be a loop, or outside the project).
            folder = _shown_folder(str(p.parent), os.getcwd())
            if folder is None:
                folder = _shown_as(str(p.parent))
            if folder is None:
                return p.as_posix()
            return p.name if folder == "." else f"{folder}{'' if folder.endswith(':') else '/'}{p.name}"
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return p.as_posix()


SHOWN_AS: dict[Path, str] = {}
"""Folders whose files messages name by another name, outside the working folder: the shipped
project inside an installed metdocs is shown as 'metdocs:data/catalog/rules.yaml', never by its
place in site-packages, which no one should edit (files/project.py registers it)."""


def _shown_as(folder: str) -> str | None:
    return _shown_under(folder, tuple(SHOWN_AS.items())) if SHOWN_AS else None


@functools.lru_cache(maxsize=256)
def _shown_under(folder: str, roots: tuple) -> str | None:
    for root, name in roots:
        try:
            rel = Path(folder).resolve().relative_to(root)
        except (ValueError, OSError, RuntimeError):
            continue
        return name + rel.as_posix() if rel.parts else name
    return None


@functools.lru_cache(maxsize=256)
def _shown_folder(folder: str, cwd: str) -> str | None:
    """`folder` relative to `cwd` (both resolved), or None when it lies outside."""
    try:
        return Path(folder).resolve().relative_to(Path(cwd).resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return None


class MetdocsError(Exception):
    """Base of every error metdocs raises on purpose; the CLI shows it without a traceback."""

    exit_code = 1


class DataError(MetdocsError, PluginError):
    """Raised by the pipeline when the data has errors; carries all of them, sorted.

    It is also a MkDocs PluginError, so plain `mkdocs build` shows the list and
    stops without a traceback, before it touches the site folder.
    """

    def __init__(self, problems):
        self.problems = sort_problems(problems)
        errors = sum(1 for p in self.problems if p.is_error)
        self.summary = f"Aborted: {errors} error{'s' if errors != 1 else ''} in the data. Nothing was written."
        super().__init__("\n".join([*map(str, self.problems), self.summary]))

    def __reduce__(self):  # pickled whole (work.chunks.apart hands it from one process to another)
        return DataError, (self.problems,)


class UsageError(MetdocsError):
    """Raised for a bad command line or environment variable; exit code 2 as in click and argparse."""

    exit_code = 2


class SystemProblem(MetdocsError):
    """The operating system refused (permission, full disk, name too long, port in use); exit code 3."""

    exit_code = 3


def os_problem(e: OSError, doing: str, *, shown: dict[str, str] | None = None) -> SystemProblem:
    """One line for an OSError: what metdocs was doing, the file, and what the system said.

    `shown` maps path prefixes to what the user knows them as (a temporary build folder is
    shown as the site folder it becomes)."""
    name = e.filename if isinstance(e.filename, str) else (os.fsdecode(e.filename) if e.filename else "")
    for prefix, instead in (shown or {}).items():
        if name.startswith(prefix):
            name = instead + name[len(prefix):]
            break
    what = e.strerror or str(e)
    code = errno.errorcode.get(e.errno, "") if e.errno else ""
    hint = _HINTS.get(e.errno, "")
    where = f" {display_path(name)}" if name else ""
    return SystemProblem(f"{doing}{where}: {what}{f' ({code})' if code else ''}{hint}")


_HINTS = {
    errno.EACCES: "; check the folder's permissions",
    errno.EPERM: "; check the folder's permissions",
    errno.EROFS: "; the file system is read-only",
    errno.ENOSPC: "; free some disk space and build again (the previous site is unchanged)",
    errno.EDQUOT: "; free some disk space and build again (the previous site is unchanged)",
    errno.ENAMETOOLONG: "; shorten the id that names this page, or use a shorter --site-dir",
    errno.EADDRINUSE: "; another program is serving there: pass --dev-addr with another port",
}
