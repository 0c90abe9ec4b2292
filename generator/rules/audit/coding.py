"""Audit checks on how the referral is coded, by the conventions of ICD-10-CM.

Rules enforced:
- icd10-conventions (`check_coding`): no two referral codes an Excludes1 note forbids together (the
  code set's own notes, through the code set's `excludes1`); a referral that gives only status or
  history codes (Z86-Z99), which name no condition being treated; and a side (right or left) in a
  diagnosis that the sessions' words contradict for the same body part.
"""

from __future__ import annotations

import re

from metdocs.rules.audit.findings import Context, session_name

STATUS_FAMILIES = ("Z86", "Z87", "Z89", "Z93", "Z94", "Z95", "Z96", "Z97", "Z98", "Z99")
"""Status and history codes: they say a procedure was done or a device is present, not what is treated.
The aftercare codes (Z47.-) and Z91.81 (history of falling, a risk the exercise addresses) are not here."""
_CODE = r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?"
NOTE_CODE = re.compile(r"\((" + _CODE + r")(?:\.?-)?(?:-(" + _CODE + r"))?\)")
"""A code in an Excludes1 note: '(R26.81)', '(M79.1-)' (the code and all below it) or '(G11.0-G11.9)'."""
PARTS = ("knee", "hip", "shoulder", "ankle", "elbow", "wrist", "foot", "hand")
SIDED = re.compile(r"(?<![a-z])(right|left)\s+(?:artificial\s+|lower\s+|upper\s+)?(" + "|".join(PARTS)
                   + r")s?(?![a-z])", re.I)


def _excluded(other: str, note: str) -> bool:
    """Whether the code `other` falls under the code (a header covers every code below it) or the
    range an Excludes1 note names."""
    m = NOTE_CODE.search(note)
    if m is None:
        return False
    first, last = m.group(1), m.group(2)
    if last:
        return first <= other[:len(first)] and other[:len(last)] <= last
    return other.startswith(first)


def check_coding(ctx: Context) -> None:
    ref = ctx.case.referral
    if ref is None or not ref.diagnoses:
        return
    codes = [d.code for d in ref.diagnoses]
    excludes = getattr(ctx.icd, "excludes1", None)
    if excludes is not None and len(codes) > 1:
        for d in ref.diagnoses:
            for other in codes:
                note = next((n for n in excludes(d.code) if other != d.code and _excluded(other, n)), None)
                if note:
                    ctx.breach(d.where, "icd10-conventions", f"expected no two referral codes that an Excludes1 "
                               f"note keeps apart, found {d.code} with {other}: the code set's Excludes1 note "
                               f"for {d.code} names \"{note}\"; ask the referrer which one applies")
    if all(c.startswith(STATUS_FAMILIES) for c in codes):
        ctx.breach(ref.where, "icd10-conventions", f"expected the referral to name the condition being treated "
                   f"(or its aftercare code), found only status or history codes ({', '.join(codes)}), which say "
                   "a procedure was done or a device is present")
    _laterality(ctx, ref)


def _laterality(ctx: Context, ref) -> None:
    sides: dict[str, set[str]] = {}
    for d in ref.diagnoses:
        title = ctx.icd.lookup(d.code).title or ""
        for m in SIDED.finditer(title):
            sides.setdefault(m.group(2).lower(), set()).add(m.group(1).lower())
    for s in ctx.case.sessions:
        for a in s.activities:
            for m in SIDED.finditer(a.description or ""):
                part, side = m.group(2).lower(), m.group(1).lower()
                if part in sides and side not in sides[part]:
                    ctx.breach(a.where, "icd10-conventions", f"expected the sessions to work the side the "
                               f"diagnosis names ({' and '.join(sorted(sides[part]))} {part}), found "
                               f"'{m.group(0)}' in {session_name(s)}", s)
                    return
