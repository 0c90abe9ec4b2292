"""Timed-units engine: turn the minutes spent on each CPT code into billable units.

Pure functions, stdlib only. `site_src/assets/javascripts/units.js` is a line-for-line
port; any change here (numbers or explanation wording) must be made there too, and
`tests/test_units_js.py` checks that both agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

RULES = ("cms", "ama")
RULE_NAMES = {"cms": "CMS 8-minute rule", "ama": "per-code (midpoint) rule"}
"""Each rule's name in running text."""
MAX_MINUTES = 480  # per code per day; more is "absurd" (callers reject it)
UNIT = 15  # length of one timed unit in minutes
_MINUTES_RE = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() accepts "²", which int() rejects
_CODE_RE = re.compile(r"[A-Za-z0-9]+")


class UsageError(ValueError):
    """A command-line visit argument is malformed; the message is one line for the user."""

    exit_code = 2  # same as click/argparse and metdocs.errors.UsageError


@dataclass(frozen=True)
class Allocation:
    """The units billed for one visit under one rule.

    Attributes:
        rule: "cms" or "ama".
        total_timed_minutes: Sum of the minutes of timed codes only.
        total_units: All units, untimed codes included.
        units: Code -> units for every input code (0 allowed), ordered by code.
        explanation: Short step-by-step sentences a person can check by hand.
    """

    rule: str
    total_timed_minutes: int
    total_units: int
    units: dict[str, int]
    explanation: tuple[str, ...]

    def to_json(self) -> dict:
        """Return a JSON-ready dict (the same shape the JavaScript port returns)."""
        return {"rule": self.rule, "total_timed_minutes": self.total_timed_minutes,
                "total_units": self.total_units, "units": dict(self.units),
                "explanation": list(self.explanation)}


def cms_units_for(total_minutes: int) -> int:
    """Units the CMS unit table gives for a number of timed minutes (0–7 → 0, 8–22 → 1, ...).

    Raises:
        ValueError: If `total_minutes` is negative or not an int.
    """
    _check_minutes("total", total_minutes, limit=None)
    return (total_minutes + 7) // UNIT if total_minutes >= 8 else 0


def allocate(minutes: Mapping[str, int], timed: Callable[[str], bool] | Collection[str],
             rule: str = "cms") -> Allocation:
    """Allocate billable units for one visit.

    Args:
        minutes: Code -> minutes of direct treatment on that code this day.
        timed: Tells which codes are timed: a predicate or a collection of codes.
            The catalog decides this; the engine never hard-codes code numbers.
        rule: "cms" pools timed minutes (8-minute rule, Pub 100-04 ch.5 §20.2);
            "ama" counts each timed code on its own minutes (midpoint rule).

    Returns:
        The allocation, with an explanation of every step.

    Raises:
        ValueError: Unknown rule, a code that is not a non-empty str, or minutes
            that are not an int in 0..MAX_MINUTES.
        TypeError: `timed` is a single str (ambiguous: substring matching).
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}: expected one of {', '.join(RULES)}")
    if isinstance(timed, str):  # a str is a Collection too, and "in" would match substrings
        raise TypeError("timed must be a predicate or a collection of codes, not a str")
    is_timed = timed if callable(timed) else timed.__contains__
    for code in minutes:
        if not isinstance(code, str) or not code:
            raise ValueError(f"code {code!r}: expected a non-empty string")
        _check_minutes(code, minutes[code], limit=MAX_MINUTES)
    codes = sorted(minutes)
    # One visit is allocated by the audit, the case page and the prose placeholders alike: the
    # same question, asked about five times per session of every case, is answered once.
    key = (rule, tuple((c, minutes[c], bool(is_timed(c))) for c in codes))
    known = _ANSWERS.get(key)
    if known is None:
        if len(_ANSWERS) >= 65536:  # a long `serve` session sees many visits: stay bounded
            _ANSWERS.clear()
        known = _ANSWERS[key] = _allocate(dict(minutes), codes, dict((c, t) for c, _, t in key[1]), rule)
    return known


_ANSWERS: dict = {}
"""(rule, ((code, minutes, timed), ...)) -> Allocation. Allocations are never changed after they
are made (no caller writes to `units`), so one can be shared."""


def _allocate(minutes: dict[str, int], codes: list[str], timed_flags: dict[str, bool], rule: str) -> Allocation:
    timed_codes = [c for c in codes if timed_flags[c]]
    units = {c: 0 for c in codes}
    total_timed = sum(minutes[c] for c in timed_codes)
    worked = [c for c in timed_codes if minutes[c] > 0]
    terms = " + ".join(f"{c} {minutes[c]}" for c in worked)
    lines = [f"Timed minutes: {terms} = {total_timed}." if worked else "Timed minutes: 0."]
    if rule == "cms":
        lines += _cms(minutes, timed_codes, total_timed, units)
    else:
        lines.append("Per-code (midpoint) rule: each timed code is counted on its own minutes.")
        for c in timed_codes:
            m = minutes[c]
            units[c] = cms_units_for(m)  # same table, applied per code instead of to the pool
            lines.append(f"{c}: {m} min → {_units(units[c])} ({_table_row(units[c])})."
                         if m else f"{c}: 0 min, not billed.")
    timed_total = sum(units.values())
    untimed_codes = [c for c in codes if not timed_flags[c]]
    for c in untimed_codes:
        # Untimed codes are billed once per day however long they took (domain.md §2.3).
        units[c] = 1 if minutes[c] > 0 else 0
        lines.append(f"{c} is untimed: 1 unit; its {minutes[c]} min do not count as timed minutes."
                     if units[c] else f"{c} is untimed and has 0 min: not billed.")
    total = sum(units.values())
    if untimed_codes:
        lines.append(f"Total: {timed_total} timed + {total - timed_total} untimed = {_units(total)}.")
    return Allocation(rule, total_timed, total, units, tuple(lines))


def _cms(minutes: Mapping[str, int], timed_codes: list[str], total: int,
         units: dict[str, int]) -> list[str]:
    """Apply the CMS 8-minute rule to the timed codes; fill `units` and return the sentences."""
    target = cms_units_for(total)
    lines = [f"{total} timed minute{'s' if total != 1 else ''} → {_units(target)} ({_table_row(target)})."]
    for c in timed_codes:
        m = minutes[c]
        units[c] = m // UNIT
        full = f"{units[c]} full 15-minute unit{'s' if units[c] != 1 else ''}" if units[c] else "0 full units"
        lines.append(f"{c}: {m} min = {full}, {m % UNIT} min left over." if m else f"{c}: 0 min, not billed.")
    # Always >= 0 and <= the number of codes with a leftover, since target - full units
    # == (sum of leftovers + 7) // 15 and each leftover is at most 14.
    left = target - sum(units.values())
    ranked = sorted((c for c in timed_codes if minutes[c] % UNIT),
                    key=lambda c: (-(minutes[c] % UNIT), -minutes[c], c))
    chosen, rest = ranked[:left], ranked[left:]
    for c in chosen:
        units[c] += 1
    if not chosen:
        lines.append("No units left to assign.")
    elif len(chosen) == 1:
        c = chosen[0]
        lines.append(f"1 unit left to assign: goes to {c} (largest leftover, {minutes[c] % UNIT} min).")
    else:
        each = _join([f"{c} ({minutes[c] % UNIT} min left over)" for c in chosen])
        lines.append(f"{left} units left to assign: one each to {each}.")
    if chosen and rest and minutes[rest[0]] % UNIT == minutes[chosen[-1]] % UNIT:
        # A tie at the cut-off: CMS leaves the pick to the clinician, so say what we did.
        cut = minutes[chosen[-1]] % UNIT
        winners = [c for c in chosen if minutes[c] % UNIT == cut]
        losers = [c for c in rest if minutes[c] % UNIT == cut]
        group = sorted(winners + losers)
        lower = "the lower code" + ("s" if len(winners) > 1 else "")
        if len({minutes[c] for c in group}) == 1:
            why = "same total minutes, so " + lower
        elif min(minutes[c] for c in winners) > max(minutes[c] for c in losers):
            why = "more total minutes"
        else:
            why = "more total minutes, then " + lower
        lines.append(f"Tie: {_join(group)} {'both' if len(group) == 2 else 'all'} have {cut} min left over. "
                     f"CMS lets the clinician choose; metdocs picks {_join(sorted(winners))} ({why}).")
    return lines


def format_allocation(a: Allocation) -> str:
    """Render an allocation for the terminal: numbered explanation, then a "Bill:" line."""
    width = len(str(len(a.explanation)))
    lines = [f"{i:>{width}}. {s}" for i, s in enumerate(a.explanation, 1)]
    billed = ", ".join(f"{c} × {n}" for c, n in a.units.items() if n)
    lines.append(f"Bill: {billed or 'nothing'} ({_units(a.total_units)})")
    return "\n".join(lines)


def parse_visit_args(args: list[str]) -> dict[str, int]:
    """Parse command-line arguments like ["97110=33", "97140=7"] into code -> minutes.

    Raises:
        UsageError: Empty input, or an argument that is not CODE=MINUTES with MINUTES
            a whole number 0–480, or a code given twice.
    """
    if not args:
        raise UsageError("no visit given: expected one or more CODE=MINUTES arguments, e.g. 97110=33")
    visit: dict[str, int] = {}
    for arg in args:
        code, sep, value = arg.partition("=")
        code, value = code.strip(), value.strip()
        if not sep:
            raise UsageError(f"{arg!r}: expected CODE=MINUTES, found no '='")
        if not _CODE_RE.fullmatch(code):
            raise UsageError(f"{arg!r}: expected CODE=MINUTES with CODE letters and digits, found {code!r}")
        if not _MINUTES_RE.fullmatch(value) or int(value) > MAX_MINUTES:
            raise UsageError(f"{arg!r}: expected CODE=MINUTES with MINUTES a whole number "
                             f"0–{MAX_MINUTES}, found {value!r}")
        if code in visit:
            raise UsageError(f"{arg!r}: code {code} given twice; expected each code once")
        visit[code] = int(value)
    return visit


def _check_minutes(code: str, m: object, limit: int | None) -> None:
    """Raise ValueError unless `m` is an int in 0..limit (bool is refused: True is not 1 minute)."""
    if isinstance(m, bool) or not isinstance(m, int) or m < 0 or (limit is not None and m > limit):
        bound = f"0–{limit}" if limit is not None else "0 or more"
        raise ValueError(f"{code}: minutes must be a whole number {bound}, got {m!r}")


def _table_row(u: int) -> str:
    """The unit-table row for `u` units, e.g. "38–52 minutes = 3 units"."""
    low, high = (0, 7) if u == 0 else (UNIT * u - 7, UNIT * u + 7)
    return f"{low}–{high} minutes = {_units(u)}"


def _units(n: int) -> str:
    return f"{n} unit{'s' if n != 1 else ''}"


def _join(items: list[str]) -> str:
    """Join as English: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
