"""Audit checks on what the record's words say against its structured fields.

Rules enforced:
- activity-fits-code (`check_activity_codes`): every activity's description, read against the
  catalog's `misfits` of the code it is logged under (cpt_codes.yaml), next to `qualifies` and
  `note_must_show`. The words are data, so an educator extends the check by editing the catalog.
"""

from __future__ import annotations

import re

from metdocs.rules.audit.findings import Context


def phrase_pattern(phrases) -> re.Pattern | None:
    """One case-insensitive pattern matching any of `phrases` as whole words (a space or hyphen in a
    phrase matches either); None for no phrases."""
    alts = sorted({re.escape(p).replace(r"\ ", "[ -]").replace(r"\-", "[ -]") for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alts) + r")(?![a-z0-9])", re.I) if alts else None


def misfit_words(description: str, misfit) -> list[str]:
    """The words of `misfit` found in a part of `description` (the text between semicolons) that holds
    none of its `unless` words; [] when the description fits."""
    hits, unless = phrase_pattern(misfit.words), phrase_pattern(misfit.unless)
    out: list[str] = []
    for part in description.split(";"):
        if unless is not None and unless.search(part):
            continue
        for m in hits.finditer(part) if hits else ():
            if m.group(0).lower() not in out:
                out.append(m.group(0).lower())
    return out


def check_activity_codes(ctx: Context) -> None:
    for s in ctx.case.sessions:
        for a in s.activities:
            code = ctx.catalog.cpt(a.cpt) if a.cpt else None
            if code is None or not a.description:
                continue
            for misfit in code.misfits:
                words = misfit_words(a.description, misfit)
                if words:
                    quoted = ", ".join(f"'{w}'" for w in words)
                    ctx.breach(a.where, "activity-fits-code", f"expected the work logged under {a.cpt} in session "
                               f"'{s.id}' to be {code.name.lower()}, found {quoted} in \"{a.description}\": it "
                               f"belongs under {misfit.belongs_under}. {' '.join(misfit.why.split())}", s)
