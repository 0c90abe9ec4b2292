"""Inputs are read only when they are what they claim to be: regular files inside the project.

Anything else in an input folder (a FIFO, which would hang the build; a socket or device;
a link to /dev/zero, which would be read without end; a symlink loop; a symlink that leaves
the project; a file too big to be an input) is a located problem, and is never opened.
`scan` walks the input folders before anything is read; `read_regular` is the one way the
loader reads a file, and checks again on the open file, so a file swapped after the scan is
still never read past the limit.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from metdocs.errors import Location, Problem

MAX_BYTES = 2_000_000
"""Largest YAML file or page template: no catalog, case or template file is anywhere near it."""

MAX_PAGE_BYTES = 20_000_000
"""Largest hand-written page (site_src/**/*.md), which MkDocs reads whole."""


def _kind(mode: int) -> str:
    from metdocs.files.sitedir import file_kind
    return file_kind(mode)


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
        return f"expected a regular file, found {_kind(st.st_mode)}; metdocs never reads one"
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
            return None, Problem(Location.of(path), f"expected a regular file, found {_kind(st.st_mode)}; "
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
    and nothing is left behind when writing fails. The file is made readable by all (0644)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; what we write is meant to be read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
