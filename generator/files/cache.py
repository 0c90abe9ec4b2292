"""Where metdocs keeps what it can rebuild: the ICD-10-CM tables, compiled page templates and the
forms' PDFs.

Everything here is an optimisation. A cache that cannot be read or written is
skipped, never an error, and every entry is keyed by what it was made from, so
a stale entry cannot be used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import sys
from pathlib import Path

from jinja2 import Environment
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from metdocs.files.fsguard import write_atomically


def cache_dir() -> Path:
    """$METDOCS_CACHE_DIR, else $XDG_CACHE_HOME/metdocs, else ~/.cache/metdocs."""
    if os.environ.get("METDOCS_CACHE_DIR"):
        return Path(os.environ["METDOCS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "metdocs"


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
        super().__init__(str(directory), "%s.jinja")
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
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError, TypeError, pickle.UnpicklingError):  # unreadable or damaged: compile afresh
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:  # full disk, read-only cache: the build goes on without it
            pass


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

    An entry that cannot be read, or that `valid` refuses (a damaged or cut file), is made
    afresh; one that cannot be written is skipped. Entries are written whole or not at all."""
    path = cache_dir() / kind / f"{key}.bin"
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    if data is not None and valid(data):
        return data
    data = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)
    except OSError:  # full disk, read-only cache: the build goes on without it
        pass
    return data
