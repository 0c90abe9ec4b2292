"""Where metdocs keeps what it can rebuild: the ICD-10-CM tables, compiled page templates and the
forms' PDFs; and the record of the output files it wrote.

Everything here is an optimisation. A cache that cannot be read or written is
skipped, never an error, and every entry is keyed by what it was made from, so
a stale entry cannot be used. Nothing is taken from the cache on trust: every
entry carries the digest of its bytes, recorded when it was made (`seal`), and
an entry whose bytes no longer match it (cut short, something appended, edited)
is made again (`read_entry`). The cache folder itself must not lie in an input
folder or a site (`check_cache_dir`): its files would be read as inputs or published.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import stat
import sys
from pathlib import Path

from jinja2 import Environment
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from metdocs.files.fsguard import Protected, check_folder, write_atomically


def cache_dir() -> Path:
    """$METDOCS_CACHE_DIR, else $XDG_CACHE_HOME/metdocs, else ~/.cache/metdocs."""
    if os.environ.get("METDOCS_CACHE_DIR"):
        return Path(os.environ["METDOCS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "metdocs"


def check_cache_dir(protected: Protected | None) -> None:
    """Raise UsageError (exit 2) when the cache folder lies where metdocs must not write (see
    fsguard.why_not_write): inside an input folder its files would be read as data, inside a site
    they would be published."""
    named = ("METDOCS_CACHE_DIR" if os.environ.get("METDOCS_CACHE_DIR") else
             "XDG_CACHE_HOME" if os.environ.get("XDG_CACHE_HOME") else "~/.cache/metdocs")
    check_folder(cache_dir(), protected, "the cache", named)


# --- entries sealed with their digest ---------------------------------------------------------------

_SEAL = b"metdocs cache entry; blake2b-256 of the rest: "


def digest(data: bytes) -> str:
    """The digest that seals cache entries and records written files (BLAKE2b, 256 bits)."""
    return hashlib.blake2b(data, digest_size=32).hexdigest()


def seal(data: bytes) -> bytes:
    """`data` behind a first line holding its digest, as an entry is stored."""
    return _SEAL + digest(data).encode() + b"\n" + data


def unseal(blob: bytes) -> bytes | None:
    """The data a sealed entry holds, or None when its bytes do not match the digest recorded with them."""
    if not blob.startswith(_SEAL):
        return None
    end = blob.find(b"\n", len(_SEAL))
    data = blob[end + 1:]
    return data if end >= 0 and blob[len(_SEAL):end] == digest(data).encode() else None


def read_entry(path: Path) -> bytes | None:
    """A sealed entry's data; None when it is missing, unreadable or not what was recorded."""
    try:
        return unseal(path.read_bytes())
    except OSError:
        return None


def write_entry(path: Path, data: bytes) -> None:
    """Store `data` sealed, whole or not at all; a cache that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, seal(data))
    except OSError:  # full disk, read-only cache: the build goes on without it
        pass


# --- the output files metdocs wrote --------------------------------------------------------------------

def _written_record(path: Path) -> Path:
    return cache_dir() / "written" / f"{digest(os.fsencode(path))}.txt"


def remember_written(path: Path, data: bytes) -> None:
    """Record that metdocs wrote `data` to `path` (absolute): `written_here` then lets it replace the file."""
    record = _written_record(path)
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(record, f"{len(data)} {digest(data)}\n".encode())
    except OSError:  # unrecorded: the next run asks for --force instead
        pass


def written_here(path: Path) -> bool:
    """True when `path` (absolute) holds exactly the bytes metdocs last recorded writing there."""
    try:
        size, _, want = _written_record(path).read_text(encoding="ascii").strip().partition(" ")
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != int(size):
            return False  # not read at all: another size is another file
        with open(path, "rb") as f:
            return digest(f.read(st.st_size + 1)) == want
    except (OSError, ValueError, UnicodeError):
        return False


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's compiled templates, keyed by template name, file, source and environment settings.

    Compiling the page templates takes about 0.08 s, as long as loading a hundred
    cases; loading them compiled takes 3 ms. Jinja's own key is the template's name and
    path only, which would reuse code compiled under other settings, so the source and
    settings are in this key too. The file stays in it: compiled code carries the file name
    it was compiled from (tracebacks and profiles point there), so code compiled in one
    checkout must never be loaded by another; a copy of a project starts cold, once.
    """

    def __init__(self, directory: Path, environment: Environment):
        super().__init__(str(directory), "%s.sealed.jinja")
        settings = (environment.block_start_string, environment.block_end_string,
                    environment.variable_start_string, environment.variable_end_string,
                    environment.comment_start_string, environment.comment_end_string,
                    environment.line_statement_prefix, environment.line_comment_prefix,
                    environment.trim_blocks, environment.lstrip_blocks, environment.newline_sequence,
                    environment.keep_trailing_newline, environment.autoescape,
                    environment.finalize is not None, tuple(sorted(environment.extensions)))
        self.settings = repr(settings)

    def get_bucket(self, environment, name, filename, source) -> Bucket:
        key = hashlib.sha256("\0".join((name, str(filename), source, self.settings)).encode("utf-8",
                                                                                 "surrogatepass")).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        # Jinja unpickles and unmarshals what it reads: only bytes this cache sealed get that far.
        data = read_entry(Path(self._get_cache_filename(bucket)))
        if data is None:
            return  # missing, or not what was written: compile afresh
        try:
            bucket.load_bytecode(io.BytesIO(data))
        except (ValueError, EOFError, TypeError, pickle.UnpicklingError):  # written by another Python
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        out = io.BytesIO()
        bucket.write_bytecode(out)
        write_entry(Path(self._get_cache_filename(bucket)), out.getvalue())


def template_cache(environment: Environment) -> TemplateCache | None:
    """A compiled-template cache in `cache_dir()/templates`, or None when the folder cannot be made."""
    folder = cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return TemplateCache(folder, environment)


# --- built files: bytes a pure function made from model objects -------------------------------------

def _code_digest() -> bytes:
    """The metdocs source that made an entry, with the versions of the libraries it drew with:
    a cached file is only reused by exactly the code that would make it again."""
    global _CODE
    if _CODE is None:
        import reportlab
        h = hashlib.sha256(f"{sys.version_info[:2]} reportlab {reportlab.Version}".encode())
        package = Path(__file__).resolve().parents[1]  # the whole metdocs package (this is files/cache.py)
        for source in sorted(package.rglob("*.py")):
            h.update(str(source.relative_to(package)).encode() + b"\0" + source.read_bytes() + b"\0")
        _CODE = h.digest()
    return _CODE


_CODE: bytes | None = None


def fingerprint(*objects) -> str:
    """A digest of model objects' content, wherever their files lie: every field of every
    dataclass in them but `where` (the source position: a copied project makes the same file).
    Anything else is taken by its type and repr, so an object this does not know can only make
    a key that is never found again, never one that is found wrongly."""
    h = hashlib.sha256(_code_digest())
    for obj in objects:
        _feed(h, obj)
    return h.hexdigest()


def _feed(h, obj) -> None:
    if isinstance(obj, str):  # Text (a str with a .where) included
        h.update(b"s%d:" % len(obj) + obj.encode("utf-8", "surrogatepass"))
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        h.update(b"d" + type(obj).__qualname__.encode() + b"(")
        for f in dataclasses.fields(obj):
            if f.name != "where":
                h.update(f.name.encode() + b"=")
                _feed(h, getattr(obj, f.name))
        h.update(b")")
    elif isinstance(obj, (tuple, list)):
        h.update(b"[%d" % len(obj))
        for item in obj:
            _feed(h, item)
        h.update(b"]")
    elif isinstance(obj, dict):
        h.update(b"{%d" % len(obj))
        for key in sorted(obj, key=repr):
            _feed(h, key)
            _feed(h, obj[key])
        h.update(b"}")
    else:
        h.update(b"r" + type(obj).__qualname__.encode() + b":" + repr(obj).encode("utf-8", "backslashreplace") + b";")


def cached_file(kind: str, key: str, make, *, valid=lambda data: True) -> bytes:
    """`make()`, or the bytes it made before under `key` (in `cache_dir()/kind/`).

    An entry that cannot be read, whose bytes differ from the digest recorded when it was made,
    or that `valid` refuses, is made afresh; one that cannot be written is skipped. Entries are
    written whole or not at all."""
    path = cache_dir() / kind / f"{key}.sealed"
    data = read_entry(path)
    if data is not None and valid(data):
        return data
    data = make()
    write_entry(path, data)
    return data
