"""Practice sets: a fixed series of claim-builder exercises and audit drills, drawn from a seed.

An instructor hands out "set 7 of 10 exercises" as an address (`practice/set/?seed=7&n=10`):
every browser draws the same series from it, so `series` is the one derivation and
`site_src/assets/javascripts/practiceset.js`'s `series` its port (same pseudo-random numbers from
claimbuilder.mulberry32, same draws in the same order); `tests/test_practiceset.py` runs both on
many seeds and sizes. Change the two files together.

A series mixes both kinds whenever the course has both and the set has room (n >= 2): about
two in five are drills, the rest claim-builder exercises, in shuffled order. Drills are dealt
from the course's drills shuffled, without a repeat until each was dealt once. Claim-builder
exercises are dealt from two whole runs of the builder's deck (`claimbuilder.DECK`: 40 seeds
after `40 * (seed % RUNS)`), so a set practises both unit rules and the scope problems the
deck holds in their proportions.
"""

from __future__ import annotations

from metdocs.rules.claimbuilder import MAX_SEED, _Dice

SIZE = {"min": 1, "max": 30, "default": 10}
"""How many exercises a set may have, and how many the set page offers first."""
DEFAULT_SEED = 1
COURSE_SETS = ((1, 10),)
"""The course's practice sets (seed, n) whose exercises the print packets list (the instructor's
with answers). One for now; the catalog has no place for an educator to name more yet."""
SALT = 0x5E75E75E
"""Mixed into the seed so set 42's draws are not claim-builder exercise 42's."""
CLAIM_POOL = 40
"""Claim-builder seeds a set deals from: two whole runs of the deck (20 each)."""
RUNS = 100_000_000
"""Set seeds wrap here so that 40 * run + 40 stays a claim-builder seed (<= MAX_SEED)."""
assert CLAIM_POOL * RUNS + CLAIM_POOL <= MAX_SEED and SIZE["max"] <= CLAIM_POOL


def drill_count(n: int, drills: int, claims: bool, dice: _Dice) -> int:
    """How many of the n exercises are drills (the rest claim-builder exercises)."""
    if not drills:
        return 0
    if not claims:
        return n
    if n == 1:
        return dice.below(2)
    return max(1, min(n - 1, (2 * n + 2) // 5))


def series(seed: int, n: int, drills: list[str], claims: bool) -> list[dict]:
    """The set's exercises in order: {"kind": "claim", "seed": s} or {"kind": "drill", "id": d}.

    Args:
        seed: 0 to MAX_SEED.
        n: SIZE["min"] to SIZE["max"].
        drills: The course's drill ids, sorted.
        claims: Whether the claim builder has exercises (claimbuilder.builder_data is not None).
    """
    if not (0 <= seed <= MAX_SEED and SIZE["min"] <= n <= SIZE["max"]):
        raise ValueError(f"no such set: seed {seed}, n {n}")
    dice = _Dice((seed ^ SALT) & 0xFFFFFFFF)
    if not drills and not claims:
        return []
    d = drill_count(n, len(drills), claims, dice)
    kinds = dice.shuffled(["drill"] * d + ["claim"] * (n - d))
    dealt: list[str] = []
    while len(dealt) < d:
        dealt += dice.shuffled(list(drills))
    base = CLAIM_POOL * (seed % RUNS)
    pool = dice.shuffled(list(range(1, CLAIM_POOL + 1)))
    out, i, j = [], 0, 0
    for kind in kinds:
        if kind == "drill":
            out.append({"kind": "drill", "id": dealt[i]})
            i += 1
        else:
            out.append({"kind": "claim", "seed": base + pool[j]})
            j += 1
    return out
