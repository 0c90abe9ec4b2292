"""The site folder belongs to metdocs, and nothing else does.

`build` writes a new site into a temporary sibling folder and swaps it in whole. This module
holds every rule about the folders it touches:

* `check_target`: what may be replaced. Only a folder that is absent, empty or marked as a
  metdocs site (`MARKER` inside). Never the project, an ancestor of it, an input folder or
  anything inside one, the home folder, `/`, or a file (`UsageError`, exit 2).
* `lock`: one build of a site at a time (a POSIX record lock next to it; a second build waits).
* `remove_leftovers`: what a killed build left behind, and only that (marked or empty folders
  and zip temp files with our names).
* `swap_in`: the atomic replacement. On Linux `renameat2(RENAME_EXCHANGE)` swaps the two
  folders in one step, so a reader always finds a whole site; elsewhere two renames leave a
  moment with no site.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import stat
import tempfile
import zipfile
from contextlib import contextmanager, suppress
from pathlib import Path

from metdocs.errors import UsageError, display_path
from metdocs.files.fsguard import (FILE, FOLDER, SITE_MARKER, Protected, file_kind, protected_for, target_path,
                                   why_not_write)

__all__ = ["MARKER", "MARKER_TEXT", "ZIP_COMMENT", "Protected", "check_archive", "check_target", "file_kind",
           "is_ours", "lock", "mark", "new_build_dir", "protected_for", "remove_leftovers", "swap_in",
           "target_path", "zip_temp"]

MARKER = SITE_MARKER
"""A file in every site metdocs builds: the proof that the folder is ours to replace.
MkDocs never deletes or copies dotfiles, and the zip of the offline edition leaves it out."""
MARKER_TEXT = ("This folder is a site built by metdocs. `metdocs build` replaces it whole,\n"
               "so keep nothing else in it.\n")
ZIP_COMMENT = b"metdocs offline edition"
"""The archive comment of the offline zip: the proof that an existing zip is ours to replace."""


def check_target(site_dir: Path, protected: Protected, *, what: str = "--site-dir") -> None:
    """Raise UsageError unless `site_dir` is a folder metdocs may replace (where it lies: the
    write guard, fsguard.why_not_write; what it holds: ours, empty or absent)."""
    site = target_path(site_dir)
    shown = display_path(site)
    why = why_not_write(site, protected, FOLDER)
    if why is not None:
        _refuse(what, shown, why)
    try:
        st = os.lstat(site)
    except FileNotFoundError:
        return
    except OSError as e:
        _refuse(what, shown, f"cannot be examined ({e.strerror})")
    if stat.S_ISLNK(st.st_mode):
        _refuse(what, shown, "is a symbolic link; point --site-dir at a real folder")
    if not stat.S_ISDIR(st.st_mode):
        _refuse(what, shown, f"is {file_kind(st.st_mode)}, not a folder")
    if not is_ours(site):
        _refuse(what, shown, f"is a folder metdocs did not build (no {MARKER} inside) and is not empty; "
                             "metdocs only replaces its own sites: remove it or choose another folder")


def check_archive(archive: Path, protected: Protected | None = None) -> None:
    """Raise UsageError unless the offline zip path is absent, empty or a zip metdocs wrote (and,
    like every file metdocs writes, not where the write guard forbids: fsguard.why_not_write)."""
    shown = display_path(archive)
    why = why_not_write(archive, protected, FILE) if protected is not None else None
    if why is not None:
        _refuse("the offline zip", shown, why)
    try:
        st = os.lstat(archive)
    except FileNotFoundError:
        return
    except OSError as e:
        _refuse("the offline zip", shown, f"cannot be examined ({e.strerror})")
    if not stat.S_ISREG(st.st_mode):
        _refuse("the offline zip", shown, f"is {file_kind(st.st_mode)}, not a file metdocs wrote")
    if st.st_size and not _our_zip(archive):
        _refuse("the offline zip", shown, "is a file metdocs did not write; remove it or choose another --site-dir")


def _refuse(what: str, shown: str, why: str):
    raise UsageError(f"refusing to write the site to {shown} ({what}): it {why}")


def is_ours(folder: Path) -> bool:
    """A real folder that is empty or holds the marker file."""
    try:
        if os.path.isfile(folder / MARKER) and not os.path.islink(folder / MARKER):
            return True
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except OSError:
        return False


def _our_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return z.comment == ZIP_COMMENT
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def mark(folder: Path) -> None:
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def new_build_dir(site_dir: Path) -> Path:
    """A marked, empty temporary folder next to `site_dir` to build into."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-build-", dir=site_dir.parent))
    mark(tmp)  # at once: a build killed from here on leaves a folder the next build may remove
    return tmp


# --- one build at a time ---------------------------------------------------------------------------

@contextmanager
def lock(site_dir: Path, *, waiting=lambda msg: None):
    """Hold the build lock of `site_dir`; wait (telling `waiting`) while another build holds it.

    A POSIX record lock (fcntl.lockf) on `.<name>.lock` next to the site: the kernel drops it
    when the holder dies, even by SIGKILL, and forked helper processes do not inherit it. The
    holder removes the file when done; a waiter that then wakes on the removed file sees that
    the path no longer names the file it locked, and starts again on the new one.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no POSIX locks; builds are not serialised there
        yield
        return
    path = site_dir.parent / f".{site_dir.name}.lock"
    told = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                if e.errno not in (errno.EACCES, errno.EAGAIN):
                    raise
                if not told:
                    waiting(f"Waiting for another metdocs build of {display_path(site_dir)}/ to finish ...")
                    told = True
                fcntl.lockf(fd, fcntl.LOCK_EX)
            if _same_file(fd, path):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the previous holder removed that file: lock the current one
    try:
        yield
    finally:
        with suppress(OSError):
            os.unlink(path)  # while still holding the lock (see above)
        os.close(fd)  # releases the lock


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    here = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (here.st_dev, here.st_ino)


# --- what a killed build left behind ---------------------------------------------------------------

def leftover_patterns(site_dir: Path) -> tuple[re.Pattern, re.Pattern]:
    """(folders, zip temp files) a build of `site_dir` makes and a killed one may leave.

    The random part is exactly what tempfile makes (8 of [a-z0-9_]), so the leftovers of a
    site named `site` never match those of one named `site-build-x`."""
    name = re.escape(site_dir.name)
    return (re.compile(rf"\.{name}-(?:build-[a-z0-9_]{{8}}|old-\d+)"),
            re.compile(rf"\.{name}\.zip-[a-z0-9_]{{8}}"))


def remove_leftovers(site_dir: Path) -> list[str]:
    """Remove what killed builds of `site_dir` left; return the names removed.

    Call it holding `lock(site_dir)`, so no running build's folder is taken. Only our own
    leftovers go: folders that are marked or empty, and zip temp files that are empty or begin
    like a zip. Anything else with a matching name stays.
    """
    folders, zips = leftover_patterns(site_dir)
    removed = []
    try:
        entries = list(os.scandir(site_dir.parent))
    except OSError:
        return removed
    for entry in entries:
        path = Path(entry.path)
        if folders.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False) and is_ours(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(entry.name)
        elif zips.fullmatch(entry.name) and entry.is_file(follow_symlinks=False) and _zip_start(path):
            path.unlink(missing_ok=True)
            removed.append(entry.name)
    return removed


def _zip_start(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        return False
    return head in (b"", b"PK\x03\x04")


def zip_temp(archive: Path) -> Path:
    """A new temp file next to `archive`, named so that `remove_leftovers` knows it."""
    fd, name = tempfile.mkstemp(prefix=f".{archive.name}-", dir=archive.parent)
    os.close(fd)
    return Path(name)


# --- the swap --------------------------------------------------------------------------------------

AT_FDCWD = -100
RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step with Linux's renameat2; False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2  # glibc 2.28+
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):  # old kernel, file system
        return False
    raise OSError(err, os.strerror(err), str(b))


EXCHANGE = _exchange
"""The one-step swap (a module attribute so tests can take it away and exercise the fallback)."""


def swap_in(new: Path, site_dir: Path) -> str:
    """Replace `site_dir` by `new` (a sibling); return how: "exchange", "rename" or "two renames"."""
    os.chmod(new, 0o755)  # mkdtemp makes it 0700; a site is meant to be read
    if not os.path.lexists(site_dir):
        os.rename(new, site_dir)
        return "rename"
    if EXCHANGE(new, site_dir):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the previous site
        return "exchange"
    # No atomic exchange here (macOS, BSD, old Linux): between these two renames there is no site.
    old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
    os.rename(site_dir, old)
    os.rename(new, site_dir)
    shutil.rmtree(old, ignore_errors=True)
    return "two renames"
