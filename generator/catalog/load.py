"""Stage 1, load: read YAML files into position-carrying nodes.

The composer in `yamlnodes.py` (on ruamel.yaml's C parser) keeps the line and
column of every key, value and list item, which is what lets later stages point
at the exact place of a mistake. Nothing here judges what the values mean; it
turns files into `Document`s, or into `Problem`s when a file cannot be read as
YAML or holds characters no text may hold (see `odd_character`).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from metdocs.errors import Location, Problem, display_path
from metdocs.files.fsguard import MAX_BYTES, read_regular
from metdocs.catalog.yamlnodes import ComposeError, compose, strings


MAX_DEPTH = 64
"""Deepest nesting accepted. The parser recurses per level; a hostile file could exhaust the stack."""


_NONCHARACTERS = r"\ufdd0-\ufdef" + "".join(fr"\U{p:04x}fffe\U{p:04x}ffff" for p in range(17))
_SHARED = r"\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff" + _NONCHARACTERS
_ODD_IN_FILE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f" + _SHARED + "]")
"""Characters no text in a data file may hold: C0 and C1 controls and DEL (tab and line breaks
aside), Unicode noncharacters and lone surrogates, invisible line and paragraph separators, and
the bidirectional overrides and isolates that make text display differently from what it holds
(the "Trojan Source" characters). Each breaks or disguises something downstream: YAML front
matter, JSON, a terminal showing a message, or a reader's trust in what the page says."""
_ODD = re.compile(r"[\x00-\x08\x0b-\x1f" + _SHARED + "]")
"""The same for one parsed value, which may not hold a carriage return either (only an escape in
double quotes can put one there; a line break in a file always reads as a line feed)."""
_ODD_BUT_NUL = re.compile(_ODD.pattern.replace(r"\x00-", r"\x01-"))
"""`_ODD` without NUL, which separates the values in `Document.scalars`."""
_PLAIN_IN_FILE = re.compile(r"[\t\n\r\x20-\x7e]+")
_PLAIN_IN_VALUE = re.compile(r"[\t\n\x20-\x7e]+")
"""Runs of characters that are never odd in a file / in a value (a value may not hold a carriage return)."""


def odd_character(ch: str) -> str:
    """What a character matched by `_ODD_IN_FILE` is, in words, for a message."""
    cp = ord(ch)
    if 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069:
        what = f"{unicodedata.name(ch)}, a bidirectional control that can make text show differently from what it holds"
    elif cp in (0x2028, 0x2029):
        what = f"{unicodedata.name(ch)}, an invisible line break"
    elif unicodedata.category(ch) == "Cs":
        what = "a lone surrogate"
    elif unicodedata.category(ch) == "Cc":
        what = "a control character"
    else:
        what = "a Unicode noncharacter"
    return f"U+{cp:04X} ({what})"


@dataclass(frozen=True)
class Document:
    """One parsed YAML file."""

    path: Path
    """The file on disk."""

    root: Any
    """The parsed content: Mapping / Sequence / scalars (see yamlnodes.py), or None for an empty file."""

    shown: str = ""
    """The path as messages show it (computed once: resolving paths is slow at scale)."""

    scalars: str | None = None
    """The text of every scalar in the file, in order, joined by NUL characters (None: unknown).
    One string to search for whole-file checks such as the privacy guard's quick test."""

    def at(self, line0: int = -1, col0: int = -1) -> Location:
        """Location from the parser's 0-based line and column (-1 means the whole file)."""
        return Location(self.shown or display_path(self.path), line0 + 1, col0 + 1)


_cache: dict[tuple[Path, str], tuple[bytes, tuple]] = {}
"""path -> (digest of its bytes, (document, problems)): `serve` re-parses only files that changed."""


def load_file(path: Path, *, cache: bool = True) -> tuple[Document | None, list[Problem]]:
    """Read one YAML file; return the document or the problems that stopped it.

    Parsing is cached per file by a digest of its bytes (not its time stamp, which is
    too coarse to tell two quick saves apart). Documents are never changed after
    loading, so sharing them is safe. `cache=False` for files whose documents are not needed
    again (the case files: the pipeline keeps what it made of each, see site/memo.py; a
    thousand cases' documents held here were much of a build's memory).
    """
    raw, problem = read_regular(path, MAX_BYTES)  # never a FIFO, device or endless file
    if problem is not None:
        return None, [problem]
    digest = hashlib.blake2b(raw, digest_size=16).digest()
    key = (path, os.getcwd())  # messages show paths relative to the working folder
    hit = _cache.get(key)
    if hit is not None and hit[0] == digest:
        return hit[1][0], list(hit[1][1])
    result = _parse(path, raw)
    if cache:
        _cache[key] = (digest, result)
    return result[0], list(result[1])


def _parse(path: Path, raw: bytes) -> tuple[Document | None, list[Problem]]:
    where = Location.of(path)
    if len(raw) > MAX_BYTES:
        return None, [Problem(Location.of(path, *_line_col(raw, MAX_BYTES, b"\n")),
                              f"expected a YAML file under {MAX_BYTES:,} bytes, found {len(raw):,} bytes")]
    if b"\x00" in raw:
        return None, [Problem(Location.of(path, *_line_col(raw, raw.index(b"\x00"), b"\n")),
                              "expected a UTF-8 text file, found binary data (a NUL byte)")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, [Problem(Location.of(path, *_line_col(raw, e.start, b"\n")),
                              f"expected UTF-8 text, found the byte 0x{raw[e.start]:02x} (save the file as UTF-8)")]
    odd = _odd_in_file(path, text)
    if odd:
        return None, odd
    too_deep = _too_deep(path, text)
    if too_deep is not None:
        return None, [too_deep]
    scalars: list[str] = []
    try:
        root = compose(text, scalars)
    except ComposeError as e:
        return None, [Problem(Location.of(path, e.line0 + 1, e.col0 + 1), e.message)]
    except MarkedYAMLError as e:
        return None, [_marked_problem(path, e, text)]
    except ReaderError as e:  # a character the YAML reader refuses (the scan above should have found it)
        at = e.position if isinstance(e.position, int) and 0 <= e.position < len(text) else 0
        return None, [Problem(Location.of(path, *_line_col(text, at, "\n")),
                              f"expected YAML text, found a character YAML does not allow: {e.reason}")]
    except (YAMLError, ValueError, TypeError, RecursionError) as e:
        return None, [Problem(where, f"expected valid YAML, found an error the parser could not place: {e}")]
    doc = Document(path, root, where.path, "\x00".join(scalars))
    # One search of all the file's text: values hold an odd character only through escapes ("\x7f").
    text_only = _PLAIN_IN_VALUE.sub("", doc.scalars)
    if doc.scalars.count("\x00") != max(len(scalars) - 1, 0) or _ODD_BUT_NUL.search(text_only):
        return doc, _odd_values(doc)
    return doc, []


def _line_col(data, index: int, newline) -> tuple[int, int]:
    """1-based line and column of position `index` in `data` (text or bytes)."""
    start = data.rfind(newline, 0, index) + 1
    return data.count(newline, 0, index) + 1, index - start + 1


MAX_REPORTED = 20
"""Odd characters reported per file: a file full of them needs fixing as a whole, not 1,000 lines."""


def _odd_in_file(path: Path, text: str) -> list[Problem]:
    """A problem at each odd character written as such into the file (first per line; see `_ODD_IN_FILE`)."""
    # Searching 10 MB of case text with the big character class costs most of a second; runs of
    # printable ASCII (never odd) go first, and the class searches what little is left.
    if not _ODD_IN_FILE.search(_PLAIN_IN_FILE.sub("", text)):
        return []
    out, last_line = [], 0
    for m in _ODD_IN_FILE.finditer(text):
        line, col = _line_col(text, m.start(), "\n")
        if line != last_line:
            out.append(Problem(Location.of(path, line, col), f"expected plain text, found {odd_character(m.group())}; "
                                                             "remove it"))
            last_line = line
        if len(out) == MAX_REPORTED:
            break
    return out


def not_plain_text(value: str) -> str | None:
    """Why `value` is not plain text (the rule every text in a data file follows; a course name
    given to `metdocs new` too), or None."""
    m = _ODD.search(value)
    if m is None:
        return None
    return f"expected plain text, found {odd_character(m.group())} at character {m.start() + 1} of the text; remove it"


def _odd_values(doc: Document) -> list[Problem]:
    """A problem for each key or value holding an odd character (written as an escape such as "\\x7f")."""
    out = []
    for (line0, col0), value in strings(doc.root, keys=True):
        why = not_plain_text(value)
        if why is not None:
            out.append(Problem(doc.at(line0, col0), why))
            if len(out) == MAX_REPORTED:
                break
    return out


_DEEP_INDENT = re.compile(r"^ {%d,}" % (2 * MAX_DEPTH + 1), re.M)
"""A line indented past MAX_DEPTH levels of two spaces."""
_DEEP_SPACES = " " * (2 * MAX_DEPTH + 1)
_DEEP_LINE = "\n" + _DEEP_SPACES
_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(path: Path, text: str) -> Problem | None:
    """Find nesting deeper than MAX_DEPTH before the recursive parser does (cheap, approximate).

    Block nesting shows as indentation (two spaces a level at least); flow nesting as
    brackets. Brackets inside quotes are skipped; a stray bracket in plain text cannot
    reach the limit in any real file.
    """
    # A literal search finds a candidate line far faster than the regex tries every line start.
    deep = _DEEP_INDENT.search(text) if text.startswith(_DEEP_SPACES) or _DEEP_LINE in text else None
    if deep is not None:
        indent = len(deep.group())
        return Problem(Location.of(path, _line_col(text, deep.start(), "\n")[0], indent + 1),
                       f"expected at most {MAX_DEPTH} levels of nesting, found {indent} spaces of indentation")
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None  # too few brackets to nest that deep: skip the slow scan
    depth, quote = 0, ""
    for n, line in enumerate(text.splitlines(), 1):
        if not _BRACKET.search(line):
            continue  # a quote ends with its line, so a line with no bracket leaves the depth as it was
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
    if mark is not None and any(m in what for m in _INDENT_ERRORS):
        broken = indentation_problem(path, lines, mark.line)
        if broken is not None:
            return broken
    context = f" {e.context}" if e.context else ""
    return Problem(Location.of(path, line, col), f"expected valid YAML, found a syntax error: {what}{context}".rstrip())


_INDENT_ERRORS = ("did not find expected key", "did not find expected '-' indicator",
                  "mapping values are not allowed here", "mapping values are not allowed in this context")
"""What libyaml says when a key is indented wrongly: often about the line after the mistake."""
_KEY_LINE = re.compile(r"( *)(- +)?([A-Za-z0-9_][\w-]*|\"[^\"]*\"|'[^']*'): *(.*)$")
"""A line holding `key:` or `key: value` (maybe as a list item): its indentation, dash, key and value."""


def indentation_problem(path: Path, lines: list[str], line0: int) -> Problem | None:
    """The line whose key broke the indentation, and the indentation it should have, for a
    parser error reported at 0-based `line0`; None when the lines around it are not plain
    `key: value` lines (the parser's own message is used then).

    The parser notices a key indented too little only on the next line when the key fits a
    mapping further out: in `date: ...` / `start: ...` (dedented) / `end: ...`, `start` is read
    as a key of the outer mapping, and `end` is the error. So: when the line before the error
    is indented less than both its neighbours, it is the mistake, and the lines around it say
    what its indentation should be; otherwise the error's own line is, measured against the
    line before it.
    """
    content = [i for i in range(min(line0, len(lines) - 1) + 1) if lines[i].strip() and not
               lines[i].lstrip().startswith("#")]
    if len(content) < 2 or content[-1] != line0:
        return None
    prev_i, err_i = content[-2:]
    prev, err = _KEY_LINE.match(lines[prev_i]), _KEY_LINE.match(lines[err_i])
    if prev is None or err is None or not prev.group(4).strip():
        return None  # a `key:` opening a block, or not a key line: the parser's message stands
    if _inside(prev) < _inside(err) and len(content) >= 3:
        outer = _KEY_LINE.match(lines[content[-3]])
        if outer is not None and _inside(outer) >= _inside(err):  # the line before the error is the dedented one
            return _misindented(path, prev_i, prev, _inside(err), err_i)
    if _inside(prev) == _inside(err):
        return None
    return _misindented(path, err_i, err, _inside(prev), prev_i)


def _inside(m: re.Match) -> int:
    """Where the keys of the mapping a `key:` line belongs to start (after its dash, if any)."""
    return len(m.group(1)) + len(m.group(2) or "")


def _misindented(path: Path, line0: int, m: re.Match, expected: int, like0: int) -> Problem:
    found = _inside(m)
    key = m.group(3).strip("'\"")
    return Problem(Location.of(path, line0 + 1, found + 1),
                   f"expected '{key}' indented {_spaces(expected)}, like the key on line {like0 + 1}, found "
                   f"{_spaces(found)}; indent it to line up with the other keys of its mapping")


def _spaces(n: int) -> str:
    return f"{n} space{'s' if n != 1 else ''}"


def _first_key_line(text: str, key: str, start: int, stop: int, column: int) -> int | str:
    """1-based line of the first `key:` at `column` between lines start and stop (0-based)."""
    lines = text.splitlines()
    for i in range(start, min(stop, len(lines))):
        rest = lines[i][column:]
        if lines[i][:column].strip(" -") == "" and rest.startswith((f"{key}:", f"'{key}':", f'"{key}":')):
            return i + 1
    return "?"


YAML_SUFFIXES = (".yaml", ".yml")


def yaml_files(folder: Path, pattern: str = "*.yaml") -> list[Path]:
    """The YAML files in `folder` whose names match `pattern` but for the suffix, which may be .yaml
    or .yml in any capitals (knee.YAML is read, never silently skipped), sorted so output order
    never depends on the disk."""
    stem = pattern.rsplit(".", 1)[0]
    return sorted(p for p in folder.glob(stem) if p.suffix.lower() in YAML_SUFFIXES)


def load_dir(folder: Path, pattern: str = "*.yaml") -> tuple[list[Document], list[Problem]]:
    """Load every YAML file in `folder` (sorted, so output order never depends on the disk)."""
    docs, problems = [], []
    for path in yaml_files(folder, pattern):
        doc, probs = load_file(path)
        problems.extend(probs)
        if doc is not None:
            docs.append(doc)
    return docs, problems
