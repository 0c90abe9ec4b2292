"""The records the conformance test gives both rulebooks (tests/test_rulebook_js.py).

Three parts: every shipped case's records (each session, each reassessment), records generated
from them with faults injected across every record-level rule, and malformed records (units given
as "2", true or 15.0, codes such as __proto__, empty codes, duplicate pointers ...). Each record
goes with the name of the catalog variant it is checked against: the shipped catalog, one with
no code out of scope, and one with an untimed code in scope (so untimed-one-unit can be broken).
"""

from __future__ import annotations

import copy
import dataclasses
import random

from metdocs.rules.audit import records

OUT_OF_SCOPE_CODES = ["97116", "97140", "97150", "97161", "97164", "97535", "97750"]
ODD_CODES = ["__proto__", "constructor", "toString", "hasOwnProperty", "", "99999", " 97110", "97110 "]
ODD_VALUES = ["2", True, False, 15.0, -1, 100, 1.5, None, [], {}, 2.5e20, float("nan")]


def variants(catalog) -> dict:
    """Catalogs the corpus is checked against, by name."""
    everything = dataclasses.replace(catalog, cpt_codes=tuple(
        dataclasses.replace(c, in_scope=True, scope_reason="") for c in catalog.cpt_codes))
    untimed = dataclasses.replace(catalog, cpt_codes=tuple(
        dataclasses.replace(c, in_scope=True, scope_reason="") if c.code == "97150" else c for c in catalog.cpt_codes))
    return {"shipped": catalog, "all-in-scope": everything, "untimed-in-scope": untimed}


def shipped(cases) -> list[tuple[str, dict]]:
    out = []
    for case in cases:
        out += [("shipped", records.session_record(case, s)) for s in case.sessions]
        out += [("shipped", r) for r in records.report_records(case)]
    return out


LINE_FAULTS = ["scope", "odd-code", "gp", "units", "units", "swap", "pointer-none", "pointer-unknown", "pointer-dup",
               "pointer-unlisted", "odd-units", "odd-modifiers", "odd-pointer", "extra-line"]
SESSION_FAULTS = ["line", "line", "line", "rule", "payer", "group", "odd-group", "diagnosis", "clock", "clock",
                  "odd-clock", "signature", "credential", "derive", "totals", "totals", "odd-totals", "overdue",
                  "minutes", "odd-minutes", "odd-rows", "odd-claim", "untimed"]


def _line_faults(rnd: random.Random, rec: dict, kind: str | None = None) -> str:
    """One fault on one claim line (or the lines); returns which."""
    lines = rec["claim"]
    if not lines:
        lines.append({"cpt": "97110", "units": 1, "modifiers": [], "pointers": ["A"]})
    ln = rnd.choice(lines)
    kind = kind or rnd.choice(LINE_FAULTS)
    if kind == "scope":
        code = rnd.choice(OUT_OF_SCOPE_CODES)
        ln["cpt"] = code
        if rnd.random() < 0.7:
            rec["activities"].append({"cpt": code, "minutes": rnd.randint(5, 40)})
    elif kind == "odd-code":
        ln["cpt"] = rnd.choice(ODD_CODES)
    elif kind == "gp":
        ln["modifiers"] = ln["modifiers"] + [rnd.choice(["GP", "gp", " GP "])]
    elif kind == "units":
        ln["units"] = max(0, ln["units"] + rnd.choice([-2, -1, 1, 2]))
    elif kind == "swap" and len(lines) > 1:
        a, b = rnd.sample(lines, 2)
        a["units"], b["units"] = b["units"], a["units"]
    elif kind == "pointer-none":
        ln["pointers"] = []
    elif kind == "pointer-unknown":
        ln["pointers"] = ln["pointers"] + [rnd.choice(["K", "L", "Z", "a"])]
    elif kind == "pointer-dup":
        ln["pointers"] = (ln["pointers"] or ["A"]) * 2
    elif kind == "pointer-unlisted":
        rec["diagnoses"].append({"pointer": "C", "code": rnd.choice(["Z96.651", "E11.42", "I10", "M62.81"])})
        ln["pointers"] = ["C"]
    elif kind == "odd-units":
        ln["units"] = rnd.choice(ODD_VALUES)
    elif kind == "odd-modifiers":
        ln["modifiers"] = rnd.choice(["GP", [1], [None, "59"], None, {"GP": 1}])
    elif kind == "odd-pointer":
        ln["pointers"] = rnd.choice([[1], [None], "A", [["A"]], [True]])
    elif kind == "extra-line":
        code = rnd.choice(["97110", "97112", "97530"])
        lines.append({"cpt": code, "units": rnd.randint(0, 3), "modifiers": [], "pointers": ["A"]})
    return kind


def _session_fault(rnd: random.Random, rec: dict, kind: str | None = None) -> str:
    kind = kind or rnd.choice(SESSION_FAULTS)
    if kind in LINE_FAULTS:
        return _line_faults(rnd, rec, kind)
    if kind == "line":
        return _line_faults(rnd, rec)
    if kind == "rule":
        rec["unit_rule"] = "ama" if rec["unit_rule"] == "cms" else "cms"
    elif kind == "payer":
        rec["payer"] = rnd.choice(["medicare", "medicaid", "medicare-advantage", "medicaid-managed-care", "self-pay"])
    elif kind == "group":
        rec["group_size"] = rnd.randint(2, 6)
    elif kind == "odd-group":
        rec["group_size"] = rnd.choice([0, "2", True, 2.0, 150, -3])
    elif kind == "diagnosis":
        d = rnd.choice(rec["diagnoses"]) if rec["diagnoses"] else None
        if d is None:
            rec["diagnoses"].append(d := {"pointer": "A", "code": "M62.81"})
        d["code"] = rnd.choice(["G20", "M54.5", "XYZ", "S72", "m6281", "G35", "A00-A09", ""])
    elif kind == "clock":
        start = rnd.randint(6 * 60, 17 * 60)
        rec["start"] = f"{start // 60:02d}:{start % 60:02d}"
        end = start + rnd.randint(-30, 70)
        rec["end"] = f"{(end // 60) % 24:02d}:{end % 60:02d}"
    elif kind == "odd-clock":
        rec[rnd.choice(["start", "end"])] = rnd.choice(["9:00", "25:00", "0900", 900, True, "12:60"])
    elif kind == "signature":
        rec["signed_by"] = rnd.choice(["A. Trainer", "A. Trainer, MedExPRO", "  ", "B. Helper, PT"])
        rec.pop("signer_credential", None)
    elif kind == "credential":
        rec["signer_credential"] = rnd.choice(["PT", "aide", "student", None, "personal-trainer"])
    elif kind == "derive":
        rec.pop("signer_credential", None)
        rec["signed_by"] = rnd.choice(["A. Trainer, MedExPRO", "A. Trainer, pta", "C. Aide, aide", "D. Coach"])
    elif kind == "totals":
        timed = sum(r["minutes"] for r in rec["activities"] if isinstance(r.get("minutes"), int))
        units = sum(ln["units"] for ln in rec["claim"] if isinstance(ln.get("units"), int))
        rec["totals"] = {"timed_minutes": timed + rnd.choice([0, 0, 5, -3]),
                         "session_minutes": timed + rnd.choice([0, 10, -5, 200]),
                         "units_billed": units + rnd.choice([0, 0, 1]),
                         "units_allowed": rnd.randint(0, 6)}
    elif kind == "odd-totals":
        rec["totals"] = rnd.choice([5, "x", {"timed_minutes": "47"}, {"units_allowed": True}, {"session_minutes": None}])
    elif kind == "overdue":
        rec["last_assessment"] = rnd.choice(["2026-01-01", "2025-12-01", rec["date"], "2026-13-01", "2026-02-30"])
    elif kind == "minutes":
        row = rnd.choice(rec["activities"]) if rec["activities"] else None
        if row:
            row["minutes"] = rnd.choice([0, 3, 7, 8, 22, 23, 37, 38, 60, 300])
    elif kind == "odd-minutes":
        if rec["activities"]:
            rnd.choice(rec["activities"])["minutes"] = rnd.choice(["20", 500, -5, 2.5, True, 20.0])
    elif kind == "odd-rows":
        rec["activities"] = rnd.choice(["x", [1, 2], [{"cpt": None, "minutes": 10}], None])
    elif kind == "odd-claim":
        rec["claim"] = rnd.choice(["x", [None], [1], {"cpt": "97110"}])
    elif kind == "untimed":
        rec["activities"].append({"cpt": "97150", "minutes": rnd.choice([0, 20, 45])})
        rec["claim"].append({"cpt": "97150", "units": rnd.choice([0, 1, 2]), "modifiers": [], "pointers": ["A"]})
    return kind


REPORT_FAULTS = ["late", "due", "no-report", "period", "written", "recipient", "retest", "odd-measures", "odd-dates"]


def _report_fault(rnd: random.Random, rec: dict, kind: str | None = None) -> str:
    kind = kind or rnd.choice(REPORT_FAULTS)
    rep = rec.get("report") or {"period_start": rec["last_assessment"], "period_end": rec["measured"],
                                "written": rec["measured"], "sent_to": "referring-provider"}
    rec["report"] = rep
    if kind == "late":
        rec["last_assessment"] = rnd.choice(["2025-12-01", "2026-01-15", "2026-02-01"])
    elif kind == "due":
        rec["due"] = rnd.choice(["2026-05-01", None, "", "tomorrow", rec["measured"]])
    elif kind == "no-report":
        rec["report"] = rnd.choice([None, "x", []])
    elif kind == "period":
        rep["period_start"] = "2026-01-02"
    elif kind == "written":
        rep["written"] = "2025-01-01"
    elif kind == "recipient":
        rep["sent_to"] = rnd.choice([None, "", "  ", 7])
    elif kind == "retest":
        if rec["measures"]:
            rnd.choice(rec["measures"])["current"] = None
    elif kind == "odd-measures":
        rec["measures"] = rnd.choice(["x", [1], [{"measure": 5, "baseline": 1}], [{"measure": "tug", "baseline": 3}]])
    elif kind == "odd-dates":
        rec[rnd.choice(["measured", "last_assessment"])] = rnd.choice(["2026-02-30", 20260101, None, "soon"])
    return kind


def _safely(fault, rnd: random.Random, rec: dict, kind: str | None = None) -> None:
    """Inject a fault; one that needs a part an earlier fault made malformed is left out."""
    try:
        fault(rnd, rec, kind)
    except (TypeError, AttributeError, KeyError, IndexError, ValueError):
        pass


def generated(base: list[tuple[str, dict]], n: int, seed: int) -> list[tuple[str, dict]]:
    """`n` records made from the shipped ones, each with one to three faults injected."""
    rnd = random.Random(seed)
    sessions = [r for _, r in base if r["kind"] == "session-log"]
    reports = [r for _, r in base if r["kind"] == "progress-report"]
    out = []
    # First every fault, five times each, alone: every rule is broken whatever the seed.
    for kind in [k for k in dict.fromkeys(SESSION_FAULTS + LINE_FAULTS) if k != "line"] * 5:
        rec = copy.deepcopy(rnd.choice([r for r in sessions if len(r["claim"]) > 1 and r["unit_rule"] == "cms"]
                                       if kind == "swap" else sessions))
        _safely(_session_fault, rnd, rec, kind)
        out.append(("untimed-in-scope" if kind == "untimed" else "shipped", rec))
    for kind in REPORT_FAULTS * 5:
        rec = copy.deepcopy(rnd.choice(reports))
        _safely(_report_fault, rnd, rec, kind)
        out.append(("shipped", rec))
    n -= len(out)
    for i in range(n):
        if i % 6 == 5 and reports:
            rec = copy.deepcopy(rnd.choice(reports))
            for _ in range(rnd.randint(1, 3)):
                _safely(_report_fault, rnd, rec)
        else:
            rec = copy.deepcopy(rnd.choice(sessions))
            for _ in range(rnd.randint(1, 3)):
                _safely(_session_fault, rnd, rec)
        catalog = rnd.choice(["shipped", "shipped", "shipped", "all-in-scope", "untimed-in-scope"])
        out.append((catalog, rec))
    return out


def malformed(base: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """Records no form would write, but a file could hold: each must give the same findings in both."""
    s = copy.deepcopy(next(r for _, r in base if r["kind"] == "session-log" and r["claim"]))
    out = [None, 5, "session-log", [], {}, {"kind": "note"}, {"kind": "session-log"}, {"kind": "progress-report"}]
    for units in ODD_VALUES:
        r = copy.deepcopy(s)
        r["claim"][0]["units"] = units
        out.append(r)
    for code in ODD_CODES:
        r = copy.deepcopy(s)
        r["claim"][0]["cpt"] = code
        r["activities"].append({"cpt": code, "minutes": 10})
        out.append(r)
    r = copy.deepcopy(s)
    r["claim"][0]["pointers"] = ["A", "A", "A", "B", "B"]
    out.append(r)
    r = copy.deepcopy(s)
    r["diagnoses"] = [{"pointer": "A", "code": "G20"}, {"pointer": "A", "code": "M62.81"}, {"pointer": 1, "code": "x"}]
    out.append(r)
    for key in ("diagnoses", "claim", "activities", "totals", "payer", "unit_rule", "signed_by", "date"):
        r = copy.deepcopy(s)
        r[key] = {"__proto__": 1}
        out.append(r)
    r = copy.deepcopy(s)
    r["unit_rule"] = "__proto__"
    out.append(r)
    return [("shipped", r) for r in out] + [("all-in-scope", r) for r in out[8:12]]
