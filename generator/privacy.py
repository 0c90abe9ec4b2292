"""Privacy guard: worked cases must be synthetic, so text that looks like a real identifier is an error.

Educators paste from real notes. A case that carries a Social Security number,
a phone number, an e-mail address, a medical record number or a full date of
birth is rejected with its location before it can reach a public site. The
patterns are deliberately broad: a false alarm costs a rewording, a miss costs
a privacy breach.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .errors import Problem
from .load import Document, load_dir

PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("a Social Security number", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),
    ("a phone number", re.compile(r"(?<![\d.])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b")),
    ("an e-mail address", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("a medical record number", re.compile(r"\b(?:MRN|medical record (?:number|no\.?|#))\s*[:#]?\s*[\w-]*\d", re.I)),
    ("a full date of birth", re.compile(
        r"\b(?:DOB|D\.O\.B\.|date of birth|born(?: on)?)\s*[:\-]?\s*"
        r"(?:\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|[A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})", re.I)),
)


# One pass per string over all patterns; the per-kind patterns only run on the rare hit.
_ANY = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in PATTERNS), re.I)
# Cheap necessary conditions, checked first (`_suspect`): every pattern above needs an @, three
# digits after a non-digit then a separator and a digit (SSN, phone), or one of these words (MRN,
# date of birth). Under re.I only four non-ASCII characters match ASCII letters (measured over all
# of Unicode): U+0130 and U+0131 match "i", U+017F "s" and U+212A "k"; a text with any of them
# takes the regex, so str.lower() is exact here.
_DIGITS = re.compile(r"\d{3}\)?[\s.-]\d")
_WORDS = ("mrn", "medical record", "dob", "d.o.b", "birth", "born")
_KEYWORDS = re.compile("|".join(re.escape(w) for w in _WORDS), re.I)
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"


def _suspect(text: str) -> bool:
    """False when no pattern can match `text`: one string, or a whole file's scalars joined by NULs.

    Plain `in` tests and a regex without look-behind (one with it ran 50 times slower) keep
    it at some 50 microseconds a file."""
    if "@" in text:
        return True
    pos = 0
    while (m := _DIGITS.search(text, pos)) is not None:
        # SSN and phone digits follow a non-digit; this skips dates such as 2026-03-14.
        if m.start() == 0 or not text[m.start() - 1].isdecimal():
            return True
        pos = m.start() + 1
    if any(c in text for c in _FOLDS_TO_ASCII):
        return _KEYWORDS.search(text) is not None
    low = text.lower()
    return any(w in low for w in _WORDS)


def scan_text(text: str) -> list[str]:
    """Names of the identifier kinds that `text` appears to contain."""
    if not _suspect(text) or not _ANY.search(text):
        return []
    return [name for name, rx in PATTERNS if rx.search(text)]


def _walk(node, where: tuple[int, int]) -> Iterator[tuple[tuple[int, int], str]]:
    """Every string in a parsed tree (keys' values and list items) with its 0-based (line, column).

    Positions stay tuples: a Location is only made for the rare string that is reported.
    """
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        lc = getattr(node, "lc", None)
        for key, value in node.items():
            yield from _walk(value, lc.value(key) if lc is not None else where)
    elif isinstance(node, list):
        lc = getattr(node, "lc", None)
        for i, item in enumerate(node):
            yield from _walk(item, lc.item(i) if lc is not None else where)


def check_documents(docs: list[Document]) -> list[Problem]:
    """A problem for every string that looks like a real identifier."""
    problems = []
    for doc in docs:
        if doc.scalars is not None and not _suspect(doc.scalars):
            continue  # nothing in the file could match: the usual case, one search instead of a walk
        for where, text in _walk(doc.root, (0, 0)):
            for kind in scan_text(text):
                problems.append(Problem(doc.at(*where), f"expected synthetic case text with no real identifiers, "
                                                         f"found what looks like {kind}; remove or fictionalise it"))
    return problems


def check_cases(cases_dir: Path) -> list[Problem]:
    """Scan every case file (files that do not parse are reported by the case loader instead)."""
    if not cases_dir.is_dir():
        return []
    docs, _ = load_dir(cases_dir)
    return check_documents(docs)
