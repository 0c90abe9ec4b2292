"""Stage 1, load: read YAML files into position-carrying nodes.

The round-trip loader of ruamel.yaml keeps the line and column of every key,
value and list item, which is what lets later stages point at the exact place
of a mistake. Nothing here judges the content; it only turns files into
`Document`s, or into `Problem`s when a file cannot be read as YAML at all.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import Location, Problem, display_path
from .yamlnodes import ComposeError, compose

MAX_BYTES = 2_000_000
"""Refuse files above this size: no catalog or case file is anywhere near it."""

MAX_DEPTH = 64
"""Deepest nesting accepted. The parser recurses per level; a hostile file could exhaust the stack."""


@dataclass(frozen=True)
class Document:
    """One parsed YAML file."""

    path: Path
    """The file on disk."""

    root: Any
    """The parsed content: Mapping / Sequence / scalars (see yamlnodes.py), or None for an empty file."""

    shown: str = ""
    """The path as messages show it (computed once: resolving paths is slow at scale)."""

    def at(self, line0: int = -1, col0: int = -1) -> Location:
        """Location from the parser's 0-based line and column (-1 means the whole file)."""
        return Location(self.shown or display_path(self.path), line0 + 1, col0 + 1)


_cache: dict[tuple[Path, str], tuple[bytes, tuple]] = {}
"""path -> (digest of its bytes, (document, problems)): `serve` re-parses only files that changed."""


def load_file(path: Path) -> tuple[Document | None, list[Problem]]:
    """Read one YAML file; return the document or the problems that stopped it.

    Parsing is cached per file by a digest of its bytes (not its time stamp, which is
    too coarse to tell two quick saves apart). Documents are never changed after
    loading, so sharing them is safe.
    """
    try:
        raw = path.read_bytes()
    except OSError as e:
        return None, [Problem(Location.of(path), f"expected a readable file, found an error: {e.strerror}")]
    digest = hashlib.blake2b(raw, digest_size=16).digest()
    key = (path, os.getcwd())  # messages show paths relative to the working folder
    hit = _cache.get(key)
    if hit is not None and hit[0] == digest:
        return hit[1][0], list(hit[1][1])
    result = _parse(path, raw)
    _cache[key] = (digest, result)
    return result[0], list(result[1])


def _parse(path: Path, raw: bytes) -> tuple[Document | None, list[Problem]]:
    where = Location.of(path)
    if len(raw) > MAX_BYTES:
        return None, [Problem(where, f"expected a YAML file under {MAX_BYTES:,} bytes, found {len(raw):,} bytes")]
    if b"\x00" in raw:
        return None, [Problem(where, "expected a UTF-8 text file, found binary data (a NUL byte)")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        return None, [Problem(Location.of(path, line, col),
                              f"expected UTF-8 text, found the byte 0x{raw[e.start]:02x} (save the file as UTF-8)")]
    too_deep = _too_deep(path, text)
    if too_deep is not None:
        return None, [too_deep]
    try:
        root = compose(text)
    except ComposeError as e:
        return None, [Problem(Location.of(path, e.line0 + 1, e.col0 + 1), e.message)]
    except MarkedYAMLError as e:
        return None, [_marked_problem(path, e, text)]
    except (YAMLError, ValueError, TypeError, RecursionError) as e:
        return None, [Problem(where, f"expected valid YAML, found an error the parser could not place: {e}")]
    return Document(path, root, where.path), []


def _too_deep(path: Path, text: str) -> Problem | None:
    """Find nesting deeper than MAX_DEPTH before the recursive parser does (cheap, approximate).

    Block nesting shows as indentation (two spaces a level at least); flow nesting as
    brackets. Brackets inside quotes are skipped; a stray bracket in plain text cannot
    reach the limit in any real file.
    """
    for n, line in enumerate(text.splitlines(), 1):
        indent = len(line) - len(line.lstrip(" "))
        if indent > 2 * MAX_DEPTH:
            return Problem(Location.of(path, n, indent + 1),
                           f"expected at most {MAX_DEPTH} levels of nesting, found {indent} spaces of indentation")
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None  # too few brackets to nest that deep: skip the slow scan
    depth, quote = 0, ""
    for n, line in enumerate(text.splitlines(), 1):
        for col, ch in enumerate(line, 1):
            if quote:
                quote = "" if ch == quote else quote
            elif ch in "\"'" and (col == 1 or line[col - 2] in " [{,:"):
                quote = ch
            elif ch == "#" and (col == 1 or line[col - 2] == " "):
                break
            elif ch in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return Problem(Location.of(path, n, col),
                                   f"expected at most {MAX_DEPTH} levels of nesting, found deeper brackets")
            elif ch in "]}":
                depth = max(depth - 1, 0)
        quote = ""  # a quote never legitimately spans lines in our files' flow collections
    return None


def _marked_problem(path: Path, e: MarkedYAMLError, text: str) -> Problem:
    mark = e.problem_mark or e.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    what = (e.problem or "").strip()
    if "duplicate key" in what:
        # ruamel: 'found duplicate key "a" with value "2" (original value: "1")'; its context
        # mark is the start of the mapping, so find the first use of the key ourselves.
        key = what.split('"')[1] if '"' in what else "?"
        first = _first_key_line(text, key, e.context_mark.line if e.context_mark else 0, mark.line, mark.column)
        return Problem(Location.of(path, line, col),
                       f"expected each key once per mapping, found duplicate key '{key}' (first defined on line {first})")
    lines = text.splitlines()
    at = lines[mark.line][mark.column:mark.column + 1] if mark and mark.line < len(lines) else ""
    if "tab" in what or at == "\t":
        return Problem(Location.of(path, line, col),
                       "expected spaces for indentation, found a tab character (YAML does not allow tabs)")
    context = f" {e.context}" if e.context else ""
    return Problem(Location.of(path, line, col), f"expected valid YAML, found a syntax error: {what}{context}".rstrip())


def _first_key_line(text: str, key: str, start: int, stop: int, column: int) -> int | str:
    """1-based line of the first `key:` at `column` between lines start and stop (0-based)."""
    lines = text.splitlines()
    for i in range(start, min(stop, len(lines))):
        rest = lines[i][column:]
        if lines[i][:column].strip(" -") == "" and rest.startswith((f"{key}:", f"'{key}':", f'"{key}":')):
            return i + 1
    return "?"


def yaml_files(folder: Path, pattern: str = "*.yaml") -> list[Path]:
    """The YAML files in `folder` (.yaml and .yml), sorted so output order never depends on the disk."""
    return sorted({*folder.glob(pattern), *folder.glob(pattern.replace(".yaml", ".yml"))})


def load_dir(folder: Path, pattern: str = "*.yaml") -> tuple[list[Document], list[Problem]]:
    """Load every YAML file in `folder` (sorted, so output order never depends on the disk)."""
    docs, problems = [], []
    for path in yaml_files(folder, pattern):
        doc, probs = load_file(path)
        problems.extend(probs)
        if doc is not None:
            docs.append(doc)
    return docs, problems


PARALLEL_MIN = 200
"""Per-file work (loading, auditing, rendering cases) is split over processes from this many items up."""

_task: tuple | None = None
"""(function, items) for the forked workers of `map_chunks`; inherited through fork, never pickled."""


def map_chunks(fn, items, *, at_least: int | None = None) -> list:
    """`fn(items)` (a list in, a list out, one result per item and in order), split over processes.

    With many items on a machine with several idle CPUs, the items are cut into one
    contiguous chunk per free CPU (see `_free_cpus`); forked workers run `fn` on all chunks
    but the first, which this process runs meanwhile, and the results are joined in order,
    so the output is exactly the serial one. `fn` and the items reach the workers through fork (no pickling); only the
    results come back pickled. Small inputs, a single CPU, no `fork` (Windows, macOS) or
    other threads running (`mkdocs serve`: forking a threaded process is unsafe) keep it
    in this process.
    """
    global _task
    items = list(items)
    if (len(items) < (PARALLEL_MIN if at_least is None else at_least) or _task is not None
            or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods()):
        return list(fn(items))
    n = min(_free_cpus(), len(items))
    if n < 2:
        return list(fn(items))
    bounds = [(len(items) * k // n, len(items) * (k + 1) // n) for k in range(n)]
    _task = (fn, items)
    try:
        with ProcessPoolExecutor(max_workers=n - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_run_chunk, lo, hi) for lo, hi in bounds[1:]]
            out = list(fn(items[bounds[0][0]:bounds[0][1]]))
            for f in futures:
                out.extend(f.result())
    finally:
        _task = None
    return out


def _free_cpus() -> int:
    """CPUs this process could use now: os.cpu_count() less what other processes keep busy.

    On a saturated machine a second process only adds fork and pickling costs (measured:
    slower than one process), so the load average (which counts this process too) decides.
    """
    cpus = os.cpu_count() or 1
    try:
        busy = max(0.0, os.getloadavg()[0] - 1.0)
    except (AttributeError, OSError):  # pragma: no cover - no load average on this platform
        busy = 0.0
    return max(1, min(cpus, int(cpus - busy + 0.5)))


def _run_chunk(lo: int, hi: int) -> list:
    fn, items = _task
    return list(fn(items[lo:hi]))
