"""Where metdocs keeps what it can rebuild: the ICD-10-CM tables and compiled page templates.

Everything here is an optimisation. A cache that cannot be read or written is
skipped, never an error, and every entry is keyed by what it was made from, so
a stale entry cannot be used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from jinja2 import Environment
from jinja2.bccache import Bucket, FileSystemBytecodeCache


def cache_dir() -> Path:
    """$METDOCS_CACHE_DIR, else $XDG_CACHE_HOME/metdocs, else ~/.cache/metdocs."""
    if os.environ.get("METDOCS_CACHE_DIR"):
        return Path(os.environ["METDOCS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "metdocs"


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's compiled templates, keyed by template name, source and environment settings.

    Compiling the page templates takes about 0.08 s, as long as loading a hundred
    cases; loading them compiled takes 3 ms. Jinja's own key is the template's name and
    path, which would make a copy of a project (or `metdocs bench`'s throwaway one) start
    cold and would reuse code compiled under other settings; the source and settings
    are in this key instead.
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
        key = hashlib.sha256("\0".join((name, source, self.settings)).encode("utf-8")).hexdigest()
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
