"""ICD-10-CM code validation backed by a per-release SQLite cache.

``simple_icd_10_cm`` parses a 10 MB XML file on import (about 2.5 s and 190 MB),
which is too slow for a site build or a CLI call. We import it once per code-set
release to write a small SQLite file, and afterwards only read that file.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import json
import os
import re
import sqlite3
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from metdocs.files.cache import cache_dir as default_cache_dir
from metdocs.files.cache import digest, read_entry, write_entry
from metdocs.files.fsguard import write_atomically

_MONTHS = ("january", "february", "march", "april", "may", "june", "july",
           "august", "september", "october", "november", "december")
_DATA_FILE = re.compile(r"icd10c\w*-tabular-([a-z]+)-[0-9]+-([0-9]{4})\.xml$", re.IGNORECASE)
# Billable descendants of a header, following the parent column down.
_LEAVES_SQL = ("WITH RECURSIVE d(code) AS (SELECT code FROM codes WHERE parent = ?"
               " UNION SELECT c.code FROM codes c JOIN d ON c.parent = d.code)"
               " SELECT code FROM d JOIN codes USING (code) WHERE leaf = 1 ORDER BY code")
# How many codes format_info lists; large headers (e.g. S72) have thousands.
_SHOWN_CHILDREN = 20


def _find_release() -> str:
    """Derives "YYYY-MM" from the package's data file name, without importing it."""
    spec = importlib.util.find_spec("simple_icd_10_cm")  # locates, does not execute
    found = []
    for folder in (spec and spec.submodule_search_locations) or []:
        for data_file in Path(folder, "data").glob("icd10c*-tabular-*.xml"):
            m = _DATA_FILE.search(data_file.name)
            if m and m[1].lower() in _MONTHS:
                found.append(f"{m[2]}-{_MONTHS.index(m[1].lower()) + 1:02d}")
    if found:
        return max(found)
    try:  # unknown layout: the package version still changes whenever the data does
        from importlib.metadata import version
        return "pkg-" + version("simple-icd-10-cm")
    except Exception:
        return "unknown"


RELEASE: str = _find_release()


def _fiscal_year() -> str:
    """Returns e.g. "FY2026"; US fiscal years start on 1 October."""
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})", RELEASE)
    return f"FY{int(m.group(1)) + (int(m.group(2)) >= 10)}" if m else "unknown FY"


def fiscal_year_of(day: dt.date) -> str:
    """The ICD-10-CM fiscal year a date of service falls in, e.g. 2026-10-01 -> "FY2027"."""
    return f"FY{day.year + (day.month >= 10)}"


def fiscal_year_span(label: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of "FY2026" (2025-10-01, 2026-09-30); None for an unknown year."""
    m = re.fullmatch(r"FY([0-9]{4})", label)
    if not m:
        return None
    year = int(m.group(1))
    return dt.date(year - 1, 10, 1), dt.date(year, 9, 30)


@dataclass(frozen=True)
class IcdInfo:
    """What the code set says about one code.

    Attributes:
        code: Normalised code, dotted and upper case, e.g. "M54.5".
        valid: True if it is a category, subcategory or code (not a chapter/block).
        billable: True if valid and a leaf.
        title: Official description, or None if invalid.
        children: For a valid header, its billable descendants, sorted; else ().
    """

    code: str
    valid: bool
    billable: bool
    title: str | None
    children: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """Returns a JSON-serialisable dict of all fields."""
        return {"code": self.code, "valid": self.valid, "billable": self.billable,
                "title": self.title, "children": list(self.children)}


def normalise(code: str) -> str:
    """Normalises user input: strips spaces, upper-cases and puts the dot after 3 chars.

    Example: " m6281 " -> "M62.81". Input that is not alphanumeric apart from
    dots (e.g. "A00-A09") is only stripped and upper-cased.
    """
    s = "".join(code.split()).upper()
    bare = s.replace(".", "")
    if not (bare.isascii() and bare.isalnum()):
        return s
    return bare[:3] + "." + bare[3:] if len(bare) > 3 else bare


def _fill(conn: sqlite3.Connection) -> None:
    """Writes every category/subcategory/code of the release into ``conn``."""
    with warnings.catch_warnings():
        # The package calls the deprecated importlib.resources.read_text on import.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as cm
    rows, notes = [], []
    for c in set(cm.get_all_codes()):  # a block named like its only category repeats
        if cm.is_category_or_subcategory(c):
            parent = cm.get_parent(c)
            rows.append((c, cm.get_description(c), int(cm.is_leaf(c)),
                         parent if parent != c else None))  # avoid self-loops
            notes.extend((c, i, n) for i, n in enumerate(cm.get_excludes1(c)))
    conn.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE codes(code TEXT PRIMARY KEY, title TEXT NOT NULL,"
        " leaf INTEGER NOT NULL, parent TEXT) WITHOUT ROWID;"
        "CREATE INDEX codes_parent ON codes(parent);"
        "CREATE TABLE excludes1(code TEXT NOT NULL, n INTEGER NOT NULL, note TEXT NOT NULL,"
        " PRIMARY KEY (code, n)) WITHOUT ROWID;")
    conn.executemany("INSERT INTO codes VALUES (?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO excludes1 VALUES (?, ?, ?)", notes)
    # Written last: a file without this row is treated as incomplete.
    conn.execute("INSERT INTO meta VALUES ('release', ?)", (RELEASE,))
    conn.commit()


def _digest_file(path: Path) -> Path:
    """Where the digest of the SQLite cache, recorded when it was made, is kept."""
    return path.with_name(path.name + ".digest")


def _as_recorded(path: Path) -> bool:
    """True when the cache file holds exactly the bytes it was made with (its titles reach the site)."""
    try:
        return digest(path.read_bytes()) == _digest_file(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeError):
        return False


def _open_cache(path: Path) -> sqlite3.Connection | None:
    """Opens a complete cache of this release read-only, or returns None (also when its bytes are
    not those recorded when it was made: cut short, changed or foreign)."""
    if not _as_recorded(path):
        return None
    try:  # read-only: the file is only ever replaced whole, never written in place
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               check_same_thread=False)
    except sqlite3.Error:  # missing
        return None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'release'").fetchone()
        conn.execute("SELECT 1 FROM excludes1 LIMIT 1")  # a cache made before it had Excludes1 notes is rebuilt
        if row and row[0] == RELEASE:
            return conn
    except sqlite3.Error:  # garbage, truncated or foreign file
        pass
    conn.close()
    return None


def _build_cache(path: Path) -> sqlite3.Connection:
    """Builds the cache atomically; falls back to memory if ``path`` is not writable."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
        os.close(fd)
        conn = sqlite3.connect(tmp)
        _fill(conn)
        conn.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())  # data on disk before the rename makes it visible
            made = digest(f.read())
        write_atomically(_digest_file(path), (made + "\n").encode())
        os.replace(tmp, path)  # readers see the old file or the complete new one
    except (OSError, sqlite3.Error):  # read-only dir, disk full...: still work, from memory
        pass
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    conn = _open_cache(path)
    if conn is None:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(conn)
    return conn


class CodeSet:
    """Read access to one ICD-10-CM release; builds the cache on first use.

    Args:
        cache_dir: Folder for ``icd10cm-<RELEASE>.sqlite``; None for the default
            ($METDOCS_CACHE_DIR, $XDG_CACHE_HOME/metdocs or ~/.cache/metdocs).
    """

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.path = Path(cache_dir or default_cache_dir()) / f"icd10cm-{RELEASE}.sqlite"
        self.release = RELEASE
        self.fiscal_year = _fiscal_year()
        """The code-set year this release belongs to, e.g. "FY2026"; dates of service outside it
        were checked against another year's codes (the audit says so)."""
        self._conn = _open_cache(self.path)
        if self._conn is None:
            if _on_prepare is not None:
                _on_prepare()
            self._conn = _build_cache(self.path)
        self._memo: dict[str, IcdInfo] = {}
        self._excludes: dict[str, tuple[str, ...]] = {}

    def lookup(self, code: str) -> IcdInfo:
        """Returns what the release says about ``code`` (normalised first)."""
        code = normalise(code)
        if code in self._memo:
            return self._memo[code]
        row = self._conn.execute("SELECT title, leaf FROM codes WHERE code = ?",
                                 (code,)).fetchone()
        if row is None:
            info = IcdInfo(code, False, False, None)
        else:
            leaves = () if row[1] else self._conn.execute(_LEAVES_SQL, (code,)).fetchall()
            info = IcdInfo(code, True, bool(row[1]), row[0], tuple(r[0] for r in leaves))
        self._memo[code] = info
        return info

    def excludes1(self, code: str) -> tuple[str, ...]:
        """The Excludes1 notes of ``code`` and of every header above it (a header's note covers all
        its codes), as the code set words them, e.g. 'unsteadiness on feet (R26.81)'."""
        code = normalise(code)
        if code not in self._excludes:
            notes: list[str] = []
            at: str | None = code
            while at:
                notes += [r[0] for r in self._conn.execute("SELECT note FROM excludes1 WHERE code = ? ORDER BY n",
                                                           (at,))]
                row = self._conn.execute("SELECT parent FROM codes WHERE code = ?", (at,)).fetchone()
                at = row[0] if row else None
            self._excludes[code] = tuple(notes)
        return self._excludes[code]

    def lookup_many(self, codes: Iterable[str]) -> list[IcdInfo]:
        """Looks up each code, keeping input order."""
        return [self.lookup(c) for c in codes]

    def web_asset(self) -> tuple[str, bytes]:
        """(file name, script) of the whole release for the web forms, which load it on demand.

        One line per category, its codes as suffixes without the dot, sorted:
        `M54:,1,16,...,5,50,51,59,...`. A code is billable exactly when no other code extends
        it (true for every code of the release; tests/test_icd.py checks it), so no flag is
        needed and the file stays small (about 75 KB gzipped for 98,000 codes).
        """
        # Kept next to the SQLite cache: making it walks all 98,000 codes (about 0.4 s, a tenth
        # of a 1,000-case build's own work), and it changes only with the release or its format.
        # It is published as a script, so the copy is sealed with its digest and made again when
        # its bytes are not what was made (a line appended, cut short): see cache.read_entry.
        name, cached = f"icd10cm-{self.release}.js", self.path.with_name(
            f"icd10cm-{self.release}.web{_WEB_FORMAT}.sealed")
        script = read_entry(cached)
        if script is None:
            script = self._web_script()
            write_entry(cached, script)  # an unwritable cache only costs the time again
        return name, script

    def _web_script(self) -> bytes:
        by_category: dict[str, list[str]] = {}
        for (code,) in self._conn.execute("SELECT code FROM codes ORDER BY code"):
            bare = code.replace(".", "")
            by_category.setdefault(bare[:3], []).append(bare[3:])
        lines = "\n".join(f"{cat}:{','.join(rest)}" for cat, rest in sorted(by_category.items()))
        data = {"release": self.release, "fy": self.fiscal_year, "codes": lines}
        script = ("/* ICD-10-CM " + self.fiscal_year + " (release " + self.release + "), from simple-icd-10-cm; "
                  "generated by metdocs for its web forms. */\nwindow.metdocsIcd10cm = "
                  + json.dumps(data, sort_keys=True, separators=(",", ":")) + ";\n")
        return script.encode()


_WEB_FORMAT = 2
"""Version of `web_asset`'s format: bump it when `_web_script` changes, so no cached copy is used
(2: the cached copy is sealed with its digest)."""


@functools.lru_cache(maxsize=None)
def _code_set(cache_dir: Path) -> CodeSet:
    return CodeSet(cache_dir)


def when_preparing(callback) -> None:
    """Call `callback()` before the code set is first made (about 5 s, once per release and cache
    folder), so a command can say why it is quiet; only the CLI prints (cli/main.py)."""
    global _on_prepare
    _on_prepare = callback


_on_prepare = None


def code_set(cache_dir: Path | None = None) -> CodeSet:
    """Returns the process-wide CodeSet for ``cache_dir`` (default cache dir if None)."""
    return _code_set(Path(cache_dir or default_cache_dir()).resolve())


def format_info(info: IcdInfo) -> str:
    """Formats one code for CLI output, suggesting billable codes for headers."""
    if not info.valid:
        return f"{info.code}  not an ICD-10-CM code ({_fiscal_year()} release {RELEASE})"
    if info.billable:
        return f"{info.code}  billable — {info.title}"
    shown = ", ".join(info.children[:_SHOWN_CHILDREN])
    more = len(info.children) - _SHOWN_CHILDREN
    if more > 0:
        shown += f", … ({more} more)"
    return (f"{info.code}  valid, NOT billable — {info.title}\n"
            f"  use a billable code instead: {shown}")
