"""Environment variables metdocs reads, checked before any work.

A variable set to nonsense is a usage error (exit 2, one line) instead of a traceback deep
inside MkDocs or reportlab. An empty value means unset, except for SOURCE_DATE_EPOCH,
which MkDocs and reportlab would read as a number.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
from pathlib import Path

from metdocs.errors import UsageError

EARLIEST = dt.date(1970, 1, 1)
LATEST = dt.date(2999, 12, 31)
"""METDOCS_TODAY and SOURCE_DATE_EPOCH must fall in these years: date arithmetic (review-by,
reassessment due dates) stays far from the limits of Python's dates and of PDF timestamps."""


def today() -> dt.date:
    """Today, or the day in METDOCS_TODAY (YYYY-MM-DD) so tests and what-if runs are repeatable."""
    forced = os.environ.get("METDOCS_TODAY")
    return _day(forced) if forced else dt.date.today()


def _day(value: str) -> dt.date:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise UsageError(f"expected METDOCS_TODAY as YYYY-MM-DD (e.g. 2026-04-01), found {value!r}")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"expected METDOCS_TODAY to be a real date, found {value!r}, which does not exist") from None
    if not EARLIEST <= day <= LATEST:
        raise UsageError(f"expected METDOCS_TODAY from {EARLIEST} to {LATEST}, found {value}")
    return day


def _source_date_epoch(value: str) -> None:
    latest = int(dt.datetime.combine(LATEST, dt.time(23, 59, 59), dt.timezone.utc).timestamp())
    if not re.fullmatch(r"[0-9]{1,12}", value.strip()) or int(value) > latest:
        raise UsageError(f"expected SOURCE_DATE_EPOCH as whole seconds since 1970-01-01 UTC, from 0 to {latest} "
                         f"(e.g. 1767225600), found {value!r}; unset it to use the current time")


def _cache_dir(value: str) -> None:
    """A folder metdocs can write, or one it can make: nothing is made here, since where the
    cache may lie is only known with the project (cache.check_cache_dir)."""
    folder = Path(value)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"expected METDOCS_CACHE_DIR to be a folder, found a file at {value}")
    existing = folder if folder.is_dir() else next((p for p in Path(os.path.abspath(folder)).parents if p.exists()), None)
    if existing is not None and not existing.is_dir():  # a file where a folder of the path should be
        raise UsageError(f"expected METDOCS_CACHE_DIR to be a folder metdocs can create, found {value}: "
                         f"{os.strerror(errno.ENOTDIR)}")
    if existing is None or not os.access(existing, os.W_OK | os.X_OK):
        if folder.is_dir():
            raise UsageError(f"expected METDOCS_CACHE_DIR to be a folder metdocs can write to, found {value} read-only")
        raise UsageError(f"expected METDOCS_CACHE_DIR to be a folder metdocs can create, found {value}: "
                         f"{os.strerror(errno.EACCES)}")


def _data_dir(value: str) -> None:
    if not Path(value).is_dir():
        raise UsageError(f"expected METDOCS_DATA_DIR to name a data folder, found no folder at {value}")


def _offline(value: str) -> None:
    if value not in ("true", "false"):
        raise UsageError(f"expected METDOCS_OFFLINE to be true or false, found {value!r}")


CHECKS = {"METDOCS_TODAY": _day, "SOURCE_DATE_EPOCH": _source_date_epoch, "METDOCS_CACHE_DIR": _cache_dir,
          "METDOCS_DATA_DIR": _data_dir, "METDOCS_OFFLINE": _offline}


def check_environment() -> None:
    """Raise UsageError naming the first environment variable metdocs cannot use."""
    for name, check in CHECKS.items():
        value = os.environ.get(name)
        if value is None or (value == "" and name != "SOURCE_DATE_EPOCH"):
            continue
        check(value)
