"""This release of metdocs: its version and its date, renewed together by the release process
(README.md, "Releasing").

The date is what the shipped catalog's review-by dates are held to: every rule and element
that ships must stay reviewed for REVIEW_MARGIN_DAYS after it (tests/test_release.py), so a
course made from a release starts at least half a year from its first review warning.
"""

from __future__ import annotations

import datetime as dt

VERSION = "0.1.0"
"""The version (pyproject.toml reads it from here)."""

RELEASED = dt.date(2026, 12, 7)
"""The day this version was released: the day its shipped review-by dates were last renewed."""

REVIEW_MARGIN_DAYS = 180
"""Days past RELEASED that every shipped review-by date must reach."""
