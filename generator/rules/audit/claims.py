"""Audit checks on the claim lines: diagnosis pointers, scope, modifiers and units.

Rules enforced:
- icd10-link-each-cpt (`check_claims`: every line points at a referral diagnosis, in a listed pairing);
- no-gp-modifier, no-eval-or-manual-therapy-codes, one-on-one-vs-group (`check_claims`, line by line);
- cms-8-minute-rule, ama-midpoint-rule, cms-unit-split, with cms-unit-table and untimed-one-unit
  through the units engine (`check_units`).
"""

from __future__ import annotations

from metdocs.cases.model import Session, billed_by_code, minutes_by_code
from metdocs.rules.audit.findings import Context
from metdocs.rules.units import UNIT, allocate

UNIT_RULES = {"cms": "cms-8-minute-rule", "ama": "ama-midpoint-rule"}
"""Payer unit_rule -> catalog rule id cited for unit errors."""
EVAL_OR_MANUAL = frozenset({"97140", "97161", "97162", "97163", "97164"})
"""Named by rule no-eval-or-manual-therapy-codes; only flagged while the catalog has them in_scope: false."""


def check_claims(ctx: Context) -> None:
    """Diagnosis pointers, pairings and scope, line by line."""
    ref = ctx.case.referral
    by_letter = {d.pointer: d.code for d in ref.diagnoses} if ref else {}
    for s in ctx.case.sessions:
        for line in s.claim:
            # Without a referral, or with one that gives no diagnosis, that gap is the one finding.
            _pointers(ctx, s, line, by_letter, bool(by_letter))
            _scope(ctx, s, line)


def _pointers(ctx: Context, s: Session, line, by_letter: dict, have_referral: bool) -> None:
    if not line.pointers and have_referral:
        ctx.breach(line.where, "icd10-link-each-cpt",
                   f"expected {line.cpt} to point at a referral diagnosis (A-L), found no pointer", s)
    for letter in line.pointers:
        code = by_letter.get(letter)
        if code is None:
            if have_referral:
                ctx.breach(line.where, "icd10-link-each-cpt", f"expected a pointer to one of the referral's "
                           f"letters ({', '.join(sorted(by_letter))}), found '{letter}'", s)
        elif ctx.icd.lookup(code).billable:  # a non-billable code is already reported on the referral
            dx = next((d for d in ctx.catalog.diagnoses if d.code == code), None)
            if dx is None or line.cpt not in {p.cpt for p in dx.pairings}:
                listed = ", ".join(p.cpt for p in dx.pairings) if dx else "none (diagnosis not in the catalog)"
                ctx.breach(line.where, "icd10-link-each-cpt", f"expected a pairing the catalog lists for {code} "
                           f"({listed}), found {line.cpt}; the note must justify it", s, "warning")


def _scope(ctx: Context, s: Session, line) -> None:
    cpt = ctx.catalog.cpt(line.cpt)
    if cpt is None:
        ctx.other(line.where, f"expected a CPT code from the catalog, found '{line.cpt}'")
        return
    if "GP" in line.modifiers:
        ctx.breach(line.where, "no-gp-modifier", "expected no GP modifier (it declares a physical-therapy "
                   f"plan of care, which a MedExPRO does not have), found GP on {line.cpt}", s)
    if line.cpt in EVAL_OR_MANUAL and not cpt.in_scope:
        ctx.breach(line.where, "no-eval-or-manual-therapy-codes", f"expected only in-scope MET codes, found "
                   f"{line.cpt} ({cpt.name}), an evaluation or manual-therapy code", s)
    elif not cpt.in_scope:
        ctx.other(line.where, f"expected an in-scope MET code, found {line.cpt} ({cpt.name}): "
                  f"{cpt.scope_note}", "warning")
    if (s.group_size or 1) > 1 and cpt.one_on_one:
        ctx.breach(line.where, "one-on-one-vs-group", f"expected a group code for {s.group_size} clients "
                   f"trained at once, found one-on-one code {line.cpt} ({cpt.name})", s)


def check_units(ctx: Context) -> None:
    rule = ctx.case.payer.unit_rule
    for s in ctx.case.sessions:
        if any(a.minutes is None or a.cpt is None for a in s.activities):
            continue  # no minutes or no code, no units to check: reported as a missing element instead
        minutes, billed = minutes_by_code(s), billed_by_code(s)
        try:
            alloc = allocate({c: minutes.get(c, 0) for c in {*minutes, *billed}}, ctx.catalog.is_timed, rule)
        except ValueError as e:  # e.g. one code logged for more than 8 hours in total
            ctx.other(s.where, f"expected minutes the units engine accepts, found: {e}")
            continue
        _compare_units(ctx, s, minutes, billed, alloc)


def _compare_units(ctx: Context, s: Session, minutes, billed, alloc) -> None:
    rule = ctx.case.payer.unit_rule
    codes = sorted(alloc.units)
    shown_min = " + ".join(f"{c} {minutes.get(c, 0)} min" for c in codes)
    shown_exp = ", ".join(f"{c} {alloc.units[c]}" for c in codes)
    shown_got = ", ".join(f"{c} {billed.get(c, 0)}" for c in codes)
    wrong = [c for c in codes if billed.get(c, 0) != alloc.units[c]]
    if not wrong:
        return
    where = next((ln.where for ln in s.claim if ln.cpt == wrong[0]), s.where)
    got = sum(billed.values())
    basis = (f"{alloc.total_timed_minutes} timed minutes" if rule == "cms" else "each code on its own minutes")
    if got != alloc.total_units:
        kind = "over-billed" if got > alloc.total_units else "under-billed"
        ctx.breach(where, UNIT_RULES[rule], f"{kind}: expected {alloc.total_units} units ({shown_min}; "
                   f"{basis} → {shown_exp}), found {got} billed ({shown_got})", s)
    elif rule == "ama" or not _valid_cms_split(minutes, billed, ctx.catalog.is_timed):
        rid = "cms-unit-split" if rule == "cms" else UNIT_RULES[rule]
        ctx.breach(where, rid, f"expected the {alloc.total_units} units split as {shown_exp} ({shown_min}; "
                   "full 15-minute blocks first, then the largest leftovers), found " + shown_got, s)


def _valid_cms_split(minutes, billed, is_timed) -> bool:
    """True if a CMS split with the right total is one the clinician may choose (ties allowed)."""
    extra = {}
    for c in {*minutes, *billed}:
        m, u = minutes.get(c, 0), billed.get(c, 0)
        if not is_timed(c):
            if u != (1 if m > 0 else 0):
                return False
            continue
        extra[c] = u - m // UNIT
        if extra[c] not in (0, 1) or (extra[c] == 1 and m % UNIT == 0):
            return False
    got = [minutes.get(c, 0) % UNIT for c in extra if extra[c] == 1]
    rest = [minutes.get(c, 0) % UNIT for c in extra if extra[c] == 0]
    return not got or not rest or min(got) >= max(rest)
