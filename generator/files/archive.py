"""Reproducible zip files: the same members give the same bytes on every machine and build."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable
from typing import IO

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""The earliest time a zip can hold; no build clock leaks in."""


def write_zip(target: str | os.PathLike | IO[bytes], members: Iterable[tuple[str, bytes]], *,
              compresslevel: int | None = None, comment: bytes = b"") -> None:
    """Write `members` (name, bytes), in the order given, with a fixed time and Unix 0644 permissions."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        z.comment = comment
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so external_attr means the same on every OS
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
