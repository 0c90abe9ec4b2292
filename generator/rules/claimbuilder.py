"""The claim builder's exercises: seeded random visits, their answers, and the grading of a try.

`site_src/assets/javascripts/claims.js` ports `generate` (its random draws, `_draw_visit`, in the
same order) and `grade`: the practice page runs it in the browser, and the instructor packet
lists answers computed here, so both must agree exactly (same pseudo-random numbers, same visits, same grades, same wording);
`tests/test_claimbuilder.py` runs both on hundreds of seeds under both unit rules. Change the
two files together.

Everything an exercise can contain comes from the catalog (`builder_data`): the in-scope codes,
the out-of-scope ones, the diagnoses and the codes each supports, the reassessment interval and
the rules each "cannot be billed" answer cites. The same dict is embedded in the page for the
JavaScript, so both ports draw from identical lists.
"""

from __future__ import annotations

import datetime as dt
import math

from metdocs.rules.audit import records
from metdocs.rules.measures import reassess_days
from metdocs.catalog.model import Catalog
from metdocs.rules.units import RULE_NAMES, RULES, allocate, cms_units_for

PROBLEMS = ("payer", "gp-modifier", "scope-code", "group", "overdue")
"""The scope problems an exercise may carry, at most one; each is also an answer to 'can it be billed?'."""
PROBLEM_RULES = {"payer": "private-payers-only", "gp-modifier": "no-gp-modifier",
                 "scope-code": "medexpro-codes-only", "group": "one-on-one-vs-group",
                 "overdue": "reassess-every-30-days"}
"""Problem -> the catalog rule that says why such a visit cannot be billed. Which one a visit breaks
is what the rulebook (audit/records.py, rulebook.js) finds in it, not what was drawn."""
RECORD_KEYS = frozenset({"date", "payer", "diagnoses", "activities", "claim", "group_size", "unit_rule",
                         "last_assessment"})
"""What a visit's record holds for the rulebook (`_engine`): no clock times, signature or saved totals."""
POINTER_RULE = "icd10-link-per-cpt"
"""The rule step 2 (the diagnosis pointers) practises."""
VISIT_DAY = "2026-06-01"
"""The date every visit is given, so the rulebook can count the days since the last reassessment."""
DECK = {"size": 20, "clean": 11, "problems": {"payer": 2, "gp-modifier": 2, "scope-code": 2, "group": 2, "overdue": 1}}
"""Every run of 20 seeds (1-20, 21-40, ...; seed 0 ends the run before 1) holds exactly this mix,
in an order shuffled per run: 11 visits with no scope problem and each kind of scope problem at
the rate given, the unit rules taking turns down that list, so each rule gets 10 of the 20. So
"exercises 1-20" (the instructor packet's) practise both rules, clean visits and every kind of
problem. `deck_slot` deals it; claims.js's deckSlot is its port."""
SHAPE = {"short_share": 0.15, "short_minutes": [2, 7], "minutes": [8, 38],
         "extra_timed_minutes": [8, 30], "extra_untimed_minutes": [15, 45], "distractor_share": 0.5,
         "overdue_extra_days": 20, "group_sizes": [2, 5], "max_pointers": 4}
"""How visits are drawn: shares are probabilities, [low, high] ranges are inclusive."""
PAYERS = {
    "commercial": ["Bluestone Mutual (fictional)", "Harbor Peak Health Plan (fictional)",
                   "Prairie Lantern Insurance (fictional)", "Summit Crest Insurance (fictional)"],
    "medicare-advantage": ["Golden Years Advantage (fictional Medicare Advantage plan)",
                           "Silver Maple Medicare Advantage (fictional)"],
    "medicaid-managed-care": ["Community Care Partners (fictional Medicaid managed-care plan)",
                              "State Health Connect (fictional Medicaid managed-care plan)"],
}
PLAN_NAMES = {"commercial": "commercial plan", "medicare-advantage": "Medicare Advantage plan",
              "medicaid-managed-care": "Medicaid managed-care plan"}
PACKET_SEEDS = range(1, 21)
"""The exercises whose answers the instructor packet lists (the student packet lists them without)."""
MAX_SEED = 4294967295
"""Seeds are unsigned 32-bit numbers (what mulberry32 takes)."""


def builder_data(catalog: Catalog, rule_url=None) -> dict | None:
    """What an exercise is drawn from, as plain JSON-ready data; None if the catalog has no
    in-scope code or no diagnosis to build a visit from.

    Args:
        catalog: The checked catalog (with `icd` titles when available).
        rule_url: `rule_url(rule_id) -> str`, a link to the rule on the site, or None.
    """
    core = [{"code": c.code, "name": c.name, "timed": c.timed} for c in sorted(catalog.cpt_codes, key=_code)
            if c.in_scope]
    diagnoses = [{"code": d.code, "title": _title(catalog, d.code),
                  "supports": sorted({p.cpt for p in d.pairings})}
                 for d in sorted(catalog.diagnoses, key=_code)]
    if not core or not diagnoses:
        return None
    out_of_scope = [{"code": c.code, "name": c.name, "timed": c.timed, "scope_note": " ".join(c.scope_note.split())}
                    for c in sorted(catalog.cpt_codes, key=_code) if not c.in_scope]
    days = reassess_days(catalog)
    facts = {d.code: {"valid": True, "billable": bool(getattr(catalog.icd.get(d.code), "billable", True)),
                      "children": list(getattr(catalog.icd.get(d.code), "children", ()))} for d in catalog.diagnoses}
    return {"core": core, "out_of_scope": out_of_scope, "diagnoses": diagnoses, "reassess_days": days,
            "timed": sorted(c.code for c in catalog.cpt_codes if c.timed), "shape": SHAPE, "deck": DECK, "payers": PAYERS,
            "plan_names": PLAN_NAMES, "reasons": _reasons(catalog, days, rule_url), "rules": list(RULES),
            "rule_names": RULE_NAMES, "book": records.book(catalog, days), "icd": facts, "visit_day": VISIT_DAY,
            # The rules each step's feedback links to (the pages that explain them: pages/explain.py).
            "unit_rule_ids": dict(records.UNIT_RULES), "pointer_rule": POINTER_RULE}


def _code(item) -> str:
    return item.code


def _title(catalog: Catalog, code: str) -> str:
    info = catalog.icd.get(code)
    return info.title if info is not None and info.title else ""


def _reasons(catalog: Catalog, days: int, rule_url) -> list[dict]:
    """The answers to 'can this visit be billed?', each with the explanation and the rule behind it."""
    def cited(rule_id: str, label: str) -> dict:
        rule = catalog.rule(rule_id)
        said = f"{rule.title}: {' '.join(rule.statement.split())}" if rule else label
        return {"rule": rule_id if rule else "", "url": rule_url(rule_id) if rule and rule_url else "",
                "explain": f"No. {said}"}

    return [
        {"id": "yes", "label": "Yes: it can be billed as it stands", "rule": "", "url": "",
         "explain": f"Yes: a private payer, no GP modifier, only MedExPRO codes, a one-on-one session and a "
                    f"reassessment within the last {days} days."},
        {"id": "payer", "label": "No: the payer is Medicare or Medicaid (Medicare Advantage and Medicaid "
                                 "managed care included)", **cited("private-payers-only", "MedExPROs bill "
                                                                   "private payers only.")},
        {"id": "gp-modifier", "label": "No: the claim carries the GP modifier",
         **cited("no-gp-modifier", "A MedExPRO never uses the GP modifier.")},
        {"id": "scope-code", "label": "No: a code on it is outside a MedExPRO's scope",
         **cited("medexpro-codes-only", "A MedExPRO bills only the medical exercise codes.")},
        {"id": "group", "label": "No: it was a group session billed with one-on-one codes",
         **cited("one-on-one-vs-group", "One-on-one codes need a one-on-one session.")},
        {"id": "overdue", "label": f"No: the {days}-day reassessment is overdue",
         **cited("reassess-every-30-days", f"Reassess at least every {days} days.")},
        {"id": "no-units", "label": "No: the minutes give no billable unit", "rule": "", "url": "",
         "explain": "No: under the payer's unit rule the minutes logged give no billable unit (see the units "
                    "step), so there is nothing to bill."},
    ]


def mulberry32(seed: int):
    """The mulberry32 generator: floats in [0, 1), the same sequence as the JavaScript original."""
    state = seed & 0xFFFFFFFF

    def imul(a: int, b: int) -> int:  # Math.imul: the low 32 bits of the product
        return (a * b) & 0xFFFFFFFF

    def draw() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = imul(state ^ (state >> 15), 1 | state)
        t = ((t + imul(t ^ (t >> 7), 61 | t)) & 0xFFFFFFFF) ^ t
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return draw


def generate(data: dict, seed: int, rule: str | None = None) -> dict:
    """The exercise for `seed`: a visit, and its answers with their explanations.

    Args:
        data: `builder_data(catalog)`.
        seed: 0 to MAX_SEED; the same seed always gives the same visit.
        rule: 'cms' or 'ama' to override the payer's unit rule the seed draws; None keeps it.
    """
    return _exercise(data, seed, _draw_visit(data, _Dice(seed), rule, deck_slot(data, seed)))


class _Dice:
    """The seeded draws, and the ways the builder uses them (as `below`, `pick` ... in claims.js)."""

    def __init__(self, seed: int):
        self.draw = mulberry32(seed)

    def below(self, n: int) -> int:
        return int(self.draw() * n)

    def between(self, span: list) -> int:
        return span[0] + self.below(span[1] - span[0] + 1)

    def pick(self, items: list):
        return items[self.below(len(items))]

    def shuffled(self, items: list) -> list:
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self.below(i + 1)
            out[i], out[j] = out[j], out[i]
        return out


def deck_slot(data: dict, seed: int) -> tuple[str, str | None]:
    """(unit rule, scope problem or None) of `seed`: its place in its run's shuffled deck (DECK)."""
    deck = data["deck"]
    size = deck["size"]
    run, place = divmod(seed + size - 1, size)
    cards: list[str | None] = [None] * deck["clean"]
    for problem in PROBLEMS:
        cards += [problem] * deck["problems"].get(problem, 0)
    rules = data["rules"]
    slots = [(rules[i % len(rules)], p) for i, p in enumerate(cards)]
    order = _Dice(run ^ 0x5EED5EED).shuffled(list(range(len(slots))))
    return slots[order[place]]


def _draw_visit(data: dict, dice: _Dice, rule: str | None, slot: tuple[str, str | None]) -> dict:
    """Every random choice of one exercise. This stays one function, in the order claims.js
    draws: the order of the draws is the contract between the two ports (do not reorder them).
    The unit rule and the scope problem are dealt, not drawn (`deck_slot`)."""
    shape = data["shape"]
    drawn_rule, problem = slot
    core = dice.shuffled([c["code"] for c in data["core"]])
    chosen = sorted(core[:1 + dice.below(len(core))])
    minutes: dict[str, int] = {}
    for code in chosen:
        # Only a visit with no scope problem may be too short to bill: one answer per visit.
        short = problem is None and dice.draw() < shape["short_share"]
        minutes[code] = dice.between(shape["short_minutes"]) if short else dice.between(shape["minutes"])
    extra = None
    if problem == "scope-code":
        if data["out_of_scope"]:
            extra = dice.pick(data["out_of_scope"])
            span = shape["extra_timed_minutes" if extra["timed"] else "extra_untimed_minutes"]
            minutes[extra["code"]] = dice.between(span)
        else:
            problem = None
    picked: list[dict] = []
    for code in chosen:
        if any(code in d["supports"] for d in picked):
            continue
        candidates = [d for d in data["diagnoses"] if code in d["supports"] and d not in picked]
        if candidates:
            picked.append(dice.pick(candidates))
    if dice.draw() < shape["distractor_share"] or not picked:
        others = [d for d in data["diagnoses"] if d not in picked]
        if others:
            picked.append(dice.pick(others))
    picked = dice.shuffled(picked)
    due = data["reassess_days"]
    days = due + 1 + dice.below(shape["overdue_extra_days"]) if problem == "overdue" else dice.below(due + 1)
    group = dice.between(shape["group_sizes"]) if problem == "group" else 1
    plan = dice.pick(["medicare-advantage", "medicaid-managed-care"]) if problem == "payer" else "commercial"
    return {"rule": rule or drawn_rule, "problem": problem, "minutes": minutes, "extra": extra, "picked": picked,
            "days": days, "group": group, "plan": plan, "payer": dice.pick(data["payers"][plan])}


def _exercise(data: dict, seed: int, visit: dict) -> dict:
    """The drawn visit as the page shows it, with its answers and their explanations.

    Units are the engine's for the codes a MedExPRO may bill (no units are asked for the others);
    whether the visit can be billed is what the rulebook finds in the visit billed as it should be."""
    unit_rule, minutes, extra, picked = (visit[k] for k in ("rule", "minutes", "extra", "picked"))
    days, plan, due = visit["days"], visit["plan"], data["reassess_days"]
    names = {c["code"]: c for c in [*data["core"], *data["out_of_scope"]]}
    codes = sorted(minutes)
    billable_codes = [c for c in codes if extra is None or c != extra["code"]]
    diagnoses = [{"pointer": "ABCDEFGHIJKL"[i], "code": d["code"], "title": d["title"]} for i, d in enumerate(picked)]
    alloc = allocate({c: minutes[c] for c in billable_codes}, data["timed"], unit_rule)
    pointers = {c: [d["pointer"] for d, src in zip(diagnoses, picked) if c in src["supports"]] for c in codes}
    modifiers = ["GP"] if visit["problem"] == "gp-modifier" else []
    found = _engine(data, visit, diagnoses, alloc, pointers, modifiers)
    errors = [f for f in found if f["severity"] == "error"]
    reason = next((r for r in data["reasons"] if r["rule"] and any(f["rule"] == r["rule"] for f in errors)), None)
    if reason is None:
        reason = next(r for r in data["reasons"] if r["id"] == ("no-units" if alloc.total_units == 0 else "yes"))
        said = reason["explain"]
    else:
        said = "No. The rulebook finds " + next(f["message"] for f in errors if f["rule"] == reason["rule"]) + "."
    if extra is not None:
        said += f" What to do instead: {extra['scope_note']}"
    said += f" The last reassessment was {_days(days)} ago (due at least every {_days(due)})."
    return {
        "seed": seed, "rule": unit_rule, "rule_name": data["rule_names"][unit_rule], "problem": visit["problem"],
        "payer": {"name": visit["payer"], "type": plan, "plan": data["plan_names"][plan]},
        "codes": [{"code": c, "name": names[c]["name"], "minutes": minutes[c], "in_scope": c in billable_codes}
                  for c in codes],
        "diagnoses": diagnoses, "days_since_reassessment": days, "reassess_days": due, "group_size": visit["group"],
        "modifiers": modifiers,
        "answer": {"units": dict(alloc.units), "total_units": alloc.total_units, "pointers": pointers,
                   "billable": reason["id"], "billable_label": reason["label"]},
        "explain": {"units": list(alloc.explanation),
                    "pointers": {c: _pointer_text(c, diagnoses, pointers[c], data["shape"]["max_pointers"])
                                 for c in codes},
                    "billable": said, "rule": reason["rule"], "url": reason["url"],
                    "findings": [f["message"] for f in errors]},
    }


def _engine(data: dict, visit: dict, diagnoses: list, alloc, pointers: dict, modifiers: list) -> list[dict]:
    """What the rulebook finds in the visit billed as the answers say (the out-of-scope line with
    the units its minutes would give)."""
    minutes, timed = visit["minutes"], set(data["timed"])
    day = dt.date.fromisoformat(data["visit_day"])
    record = {
        "kind": "session-log", "date": data["visit_day"], "group_size": visit["group"], "unit_rule": visit["rule"],
        "payer": visit["plan"], "last_assessment": str(day - dt.timedelta(days=visit["days"])),
        "diagnoses": [{"pointer": d["pointer"], "code": d["code"]} for d in diagnoses],
        "activities": [{"cpt": c, "minutes": minutes[c]} for c in sorted(minutes)],
        "claim": [{"cpt": c, "units": alloc.units.get(c, cms_units_for(minutes[c]) if c in timed else 1),
                   "modifiers": modifiers, "pointers": pointers[c]} for c in sorted(minutes)],
    }
    return records.check(record, data["book"], _Facts(data["icd"]))


class _Facts:
    """The code set as far as the builder's diagnoses go (all from the catalog), as rulebook.js has it."""

    def __init__(self, facts: dict):
        self.facts = facts

    def lookup(self, code: str):
        fact = self.facts.get(code)
        return _Info(fact["valid"], fact["billable"], tuple(fact["children"])) if fact else None


class _Info:
    def __init__(self, valid: bool, billable: bool, children: tuple):
        self.valid, self.billable, self.children = valid, billable, children


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def _join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' (as units.py and units.js)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _pointer_text(code: str, diagnoses: list[dict], letters: list[str], most: int) -> str:
    """Why these letters, and only these, may be pointed at for `code`."""
    named = {d["pointer"]: f"{d['pointer']} ({d['code']})" for d in diagnoses}
    if not letters:
        return (f"No referral diagnosis supports {code} in the catalog's pairings: leave its pointer empty; "
                "the line cannot be justified.")
    others = [named[d["pointer"]] for d in diagnoses if d["pointer"] not in letters]
    text = f"{_join([named[x] for x in letters])} {'supports' if len(letters) == 1 else 'support'} {code} in the " \
           "catalog's pairings"
    if others:
        text += f"; {_join(others)} {'does' if len(others) == 1 else 'do'} not"
    return text + f". Point at one or more of {', '.join(letters)} (at most {most}). On a real claim the main reason comes first in 24E; the boxes here grade which letters, not their order."


def grade(exercise: dict, given: dict) -> dict:
    """Grade a student's try at one exercise, step by step.

    Args:
        exercise: From `generate`.
        given: {"units": {code: int or None}, "pointers": {code: [letters]}, "billable": reason id or None};
            missing entries count as unanswered (wrong).

    Returns:
        {"units": [...], "pointers": [...], "billable": {...}, "right": n, "total": n, "score": percent}, each
        item with what was expected, what was given and whether it was right.
    """
    answer = exercise["answer"]
    letters = [d["pointer"] for d in exercise["diagnoses"]]
    units, pointers = [], []
    for c in exercise["codes"]:
        code = c["code"]
        if c["in_scope"]:  # a code a MedExPRO may not bill has no units to give
            got = (given.get("units") or {}).get(code)
            # A whole number as JavaScript has it (15.0 is 15); never text or a yes/no.
            got = int(got) if isinstance(got, (int, float)) and not isinstance(got, bool) and math.isfinite(got) \
                and got == int(got) else None
            units.append({"code": code, "expected": answer["units"][code], "given": got,
                          "ok": got == answer["units"][code]})
        chosen = [x for x in letters if x in ((given.get("pointers") or {}).get(code) or [])]
        want = answer["pointers"][code]
        ok = (bool(chosen) and all(x in want for x in chosen)) if want else not chosen
        pointers.append({"code": code, "expected": want, "given": chosen, "ok": ok})
    said = given.get("billable") or None
    billable = {"expected": answer["billable"], "label": answer["billable_label"], "given": said,
                "ok": said == answer["billable"]}
    items = [*units, *pointers, billable]
    right = sum(1 for i in items if i["ok"])
    return {"units": units, "pointers": pointers, "billable": billable, "right": right, "total": len(items),
            "score": percent(right, len(items))}


def percent(part: int, whole: int) -> int:
    """part/whole as a whole percentage, halves rounded up (as Math.round does in the browser)."""
    return (200 * part + whole) // (2 * whole) if whole else 0
