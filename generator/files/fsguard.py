"""The one guard on what metdocs reads and what it writes.

Reading: inputs are read only when they are what they claim to be, regular files inside the
project. Anything else in an input folder (a FIFO, which would hang the build; a socket or
device; a link to /dev/zero, which would be read without end; a symlink loop; a symlink that
leaves the project; a file too big to be an input) is a located problem, and is never opened.
`scan` walks the input folders before anything is read; `read_regular` is the one way a file
is read, and checks again on the open file, so a file swapped after the scan is still never
read past the limit.

Writing: every path metdocs writes (the site and its offline zip, a new course, `fill`'s PDF
and response, `export`'s quiz files, the cache folder) is first judged by `why_not_write`
against the run's `Protected` places: never an input of the run, nothing in an input folder
or in a site metdocs built (but the site being replaced), never the project, home or root
folder, and never a file metdocs did not write unless the user says so (`--force`).
`check_writes` turns the first refusal into a one-line usage error (exit 2) naming the path
the user gave; `write_output` writes a plain output file and remembers that metdocs wrote it.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from metdocs.errors import Location, Problem, UsageError, display_path

MAX_BYTES = 2_000_000
"""Largest YAML file or page template: no catalog, case or template file is anywhere near it."""

MAX_PAGE_BYTES = 20_000_000
"""Largest hand-written page (site_src/**/*.md), which MkDocs reads whole."""


SITE_MARKER = ".metdocs-site"
"""A file in every site metdocs builds (see sitedir.py): the proof that the folder is ours to replace."""


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, in words."""
    for test, words in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                        (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                        (stat.S_ISBLK, "a block device"), (stat.S_ISLNK, "a symbolic link"),
                        (stat.S_ISREG, "a file")):
        if test(mode):
            return words
    return "a special file"




def why_not(path: Path, roots: tuple[Path, ...] | None, limit: int | None) -> str | None:
    """Why `path` must not be read (a sentence for a Problem), or None when it is a regular file
    inside one of `roots` (any place when None) of at most `limit` bytes (any size when None)."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            try:
                target = path.resolve(strict=True)
            except RuntimeError:  # Python 3.11 reports a loop so
                return "expected a file, found a symbolic link loop (the link leads back to itself)"
            except OSError as e:
                if e.errno == errno.ELOOP:
                    return "expected a file, found a symbolic link loop (the link leads back to itself)"
                return f"expected a file, found a symbolic link to {os.readlink(path)}, which does not exist"
            if roots is not None and not any(target.is_relative_to(r) for r in roots):
                what = "folder" if target.is_dir() else "file"
                return (f"expected a {what} inside the project, found a symbolic link to {target}, outside it; "
                        f"copy the {what} into the project instead")
            st = os.stat(target)
    except OSError as e:
        return f"expected a readable file, found an error: {e.strerror}"
    if stat.S_ISDIR(st.st_mode):
        return None  # the caller walks it, or fails to open it as a file
    if not stat.S_ISREG(st.st_mode):
        return f"expected a regular file, found {file_kind(st.st_mode)}; metdocs never reads one"
    if limit is not None and st.st_size > limit:
        return f"expected a file under {limit:,} bytes, found {st.st_size:,} bytes"
    return None


def read_regular(path: Path, limit: int = MAX_BYTES) -> tuple[bytes | None, Problem | None]:
    """The bytes of `path`, or the problem that kept it from being read.

    Opened without blocking, so a FIFO put in place after the checks cannot hang the read;
    the open file is checked again, and at most `limit` + 1 bytes are ever read."""
    why = why_not(path, None, limit)
    if why is not None:
        return None, Problem(Location.of(path), why)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        return None, Problem(Location.of(path), f"expected a readable file, found an error: {e.strerror}")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, Problem(Location.of(path), f"expected a regular file, found {file_kind(st.st_mode)}; "
                                                    "metdocs never reads one")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as e:
        return None, Problem(Location.of(path), f"expected a readable file, found an error: {e.strerror}")
    finally:
        os.close(fd)
    if size > limit:
        return None, Problem(Location.of(path), f"expected a file under {limit:,} bytes, found a larger one")
    return b"".join(chunks), None


def scan(folders: dict[Path, tuple[int, tuple[str, ...]]], roots: tuple[Path, ...]) -> list[Problem]:
    """Every entry of `folders` that is not a regular file or folder inside `roots`, and every file
    over its folder's size limit; nothing is opened.

    `folders` maps each input folder to (size limit, the suffixes it applies to; () for every
    file). Links to folders inside the project are followed (MkDocs and the loaders follow them
    too), each real folder once, so a loop of folder links ends."""
    problems: list[Problem] = []
    seen: set[Path] = set()
    for top, (limit, suffixes) in folders.items():
        if not os.path.lexists(top):
            continue  # a missing folder is the loaders' problem to report (or not)

        def limit_for(path: Path) -> int | None:
            return limit if not suffixes or path.suffix in suffixes else None

        why = why_not(top, roots, None)
        stack = [top] if why is None else []
        if why is not None:
            problems.append(Problem(Location.of(top), why))
        while stack:
            folder = stack.pop()
            real = folder.resolve()
            if real in seen:
                continue
            seen.add(real)
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as e:
                problems.append(Problem(Location.of(folder), f"expected a readable folder, found an error: {e.strerror}"))
                continue
            for entry in entries:
                path = Path(entry.path)
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif entry.is_file(follow_symlinks=False):  # the common case: no extra system call
                    cap = limit_for(path)
                    if cap is not None and entry.stat(follow_symlinks=False).st_size > cap:
                        problems.append(Problem(Location.of(path), f"expected a file under {cap:,} bytes, "
                                                                   f"found {entry.stat().st_size:,} bytes"))
                else:
                    why = why_not(path, roots, limit_for(path))
                    if why is not None:
                        problems.append(Problem(Location.of(path), why))
                    elif path.is_dir():
                        if folder.resolve().is_relative_to(path.resolve()):  # MkDocs would walk it forever
                            problems.append(Problem(Location.of(path), "expected a folder, found a symbolic link to "
                                                    "a folder that holds the link (a loop)"))
                        else:
                            stack.append(path)
    return problems


def write_atomically(path: Path, data: bytes) -> Path:
    """Write `data` to `path` so that readers see the old file or the whole new one, never a part,
    and nothing is left behind when writing fails. The file is made readable by all (0644).

    An error names `path`, never the temporary file next to it the user has never heard of."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    except OSError as e:
        raise OSError(e.errno, e.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; what we write is meant to be read
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise OSError(e.errno, e.strerror, str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# --- what metdocs may write -------------------------------------------------------------------------

@dataclass(frozen=True)
class Protected:
    """The places no file metdocs writes may be, replace or lie inside of (see `why_not_write`)."""

    project: Path
    inputs: tuple[Path, ...]
    """Input folders (data, templates, docs of every layer; --data): never written, nor anything in them."""
    config_dir: Path
    """The folder of mkdocs.yml: a site may lie inside it (site/ does), but may not be it or hold it."""
    files: tuple[tuple[Path, str], ...] = ()
    """The files this run reads, each with what it is ("the saved record"): never an output."""

    def reading(self, path: Path, what: str) -> "Protected":
        """These places, and `path` as a file this run reads."""
        return Protected(self.project, self.inputs, self.config_dir, (*self.files, (Path(path).resolve(), what)))


def protected_for(project, config_file: Path, *more_inputs: Path) -> Protected:
    """The protected places of a `files.project.Project` read through `config_file` (and `more_inputs`)."""
    # Every layer's inputs: a course's outputs must not land in the shipped data it builds on either.
    inputs = tuple(d for layer in project.layers for d in (layer.data, layer.templates, layer.docs))
    config = Path(config_file).resolve()
    return Protected(project.root, (*inputs, *more_inputs), config.parent, ((config, "the project's mkdocs.yml"),))


def target_path(path: Path) -> Path:
    """`path` made absolute with its folder resolved but its own name kept (a link is not followed)."""
    absolute = Path(os.path.abspath(path))
    if absolute.parent == absolute:  # "/"
        return absolute
    return absolute.parent.resolve() / absolute.name


FOLDER, INTO, FILE = "folder", "into", "file"
"""What `why_not_write` judges: a folder replaced whole (a site, a new course), a folder files are
written into (export --out, the cache folder), one plain output file (fill --pdf, export's files)."""


def why_not_write(path: Path, protected: Protected | None, kind: str) -> str | None:
    """Why metdocs must not write `path` (the words after "it" in a refusal), or None.

    Where `path` lies is judged here; what may already be there is its caller's business (a
    site's marker: `sitedir.check_target`; a file metdocs wrote: `check_writes`)."""
    target = Path(os.path.realpath(path)) if kind == INTO else target_path(path)
    if target == Path(target.anchor):
        return "is the root folder /"
    for label, folder in _named_folders(protected, kind).items():
        if target == folder:
            return f"is {label}"
        if kind == FOLDER and folder.is_relative_to(target):
            return f"holds {label}"
    for folder in protected.inputs if protected is not None else ():
        if target.is_relative_to(folder.resolve()):
            return f"lies inside the input folder {display_path(folder)}/"
    site = site_around(target if kind == INTO else target.parent)
    if site is not None:
        return f"{'is' if site == target else 'lies inside'} a site metdocs built ({display_path(site)}/)"
    return _why_not_file(target, protected) if kind == FILE else None


def _named_folders(protected: Protected | None, kind: str) -> dict[str, Path]:
    named = {} if protected is None else {"the project folder": protected.project.resolve(),
                                          "the config file's folder": protected.config_dir.resolve()}
    places = (("the home folder", Path.home), ("the working folder", Path.cwd))
    for label, where in places if kind == FOLDER else places[:1]:  # writing into the working folder is fine
        with suppress(RuntimeError, OSError):  # no home folder known; the working folder was removed
            named[label] = where().resolve()
    for p in protected.inputs if protected is not None else ():
        named[f"the input folder {display_path(p)}/"] = p.resolve()
    return named


def site_around(folder: Path) -> Path | None:
    """The site metdocs built that `folder` is or lies inside (a folder holding the marker), or None."""
    for candidate in (folder, *folder.parents):
        marker = candidate / SITE_MARKER
        if os.path.isfile(marker) and not os.path.islink(marker):
            return candidate
    return None


def _why_not_file(target: Path, protected: Protected | None) -> str | None:
    for path, what in protected.files if protected is not None else ():
        if target == path or _same_file(target, path):
            return f"is {what}, which this run reads"
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        if not target.parent.is_dir():
            return f"lies in a folder that does not exist ({display_path(target.parent)}/); make the folder first"
        return None
    except OSError as e:
        return f"cannot be examined ({e.strerror})"
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link; name a file, not a link"
    if not stat.S_ISREG(st.st_mode):
        return f"is {file_kind(st.st_mode)}, not a file metdocs may write"
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def shown(path: Path | str) -> str:
    """A path as the user gave it, for a message (undecodable bytes as escapes, not errors)."""
    return os.fsdecode(path).encode("utf-8", "backslashreplace").decode("utf-8")


def check_writes(outputs: Iterable[tuple[Path, str, str]], protected: Protected | None, *,
                 force: bool = False) -> None:
    """Raise UsageError (exit 2, one line naming the path the user gave) unless metdocs may write
    every one of `outputs`: (path as given, what it is, the option that named it).

    Besides `why_not_write`: no two outputs of one run at one path, and no existing file replaced
    unless metdocs wrote exactly what it holds now (see `wrote`) or `force` says so."""
    seen: dict[Path, str] = {}
    for given, what, option in outputs:
        target = target_path(given)
        why = why_not_write(given, protected, FILE)
        if why is None and target in seen:
            why = f"is where {seen[target]} goes too; give each output its own name"
        if why is None and not force and os.path.lexists(target) and not wrote(target):
            why = "is a file metdocs did not write (or one changed since); pass --force to replace it, or choose another name"
        if why is not None:
            raise UsageError(f"refusing to write {what} to {shown(given)} ({option}): it {why}")
        seen[target] = f"{what} ({option})"


def check_folder(given: Path, protected: Protected | None, what: str, option: str) -> None:
    """Raise UsageError unless metdocs may write files into the folder `given` (absent or a folder)."""
    why = why_not_write(given, protected, INTO)
    if why is None and os.path.lexists(given) and not os.path.isdir(given):
        why = f"is {file_kind(os.stat(given).st_mode) if os.path.exists(given) else 'a dangling link'}, not a folder"
    if why is not None:
        raise UsageError(f"refusing to write {what} to {shown(given)} ({option}): it {why}")


def write_output(path: Path, data: bytes) -> Path:
    """Write a plain output file whole (see `write_atomically`) and remember that metdocs wrote it."""
    target = target_path(path)
    write_atomically(target, data)
    from metdocs.files.cache import remember_written  # cache.py writes through this module
    remember_written(target, data)
    return path


def wrote(path: Path) -> bool:
    """True when `path` holds exactly the bytes metdocs last wrote there (see cache.remember_written)."""
    from metdocs.files.cache import written_here
    return written_here(target_path(path))
