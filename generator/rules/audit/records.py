"""The rules one record can show: the audit's record-level checks, and the twin of rulebook.js.

A *record* is one document as plain JSON: a session log (`kind: session-log`) with what it needs
from its case (the referral's diagnoses, the payer's plan type and unit rule, the date of the last
assessment), or a progress report (`kind: progress-report`). The audit turns every session and
every reassessment of a case into a record (`session_record`, `report_records`) and checks it here;
the web forms, the claim builder and the drills' grading build the same records in the browser and
check them with `site_src/assets/javascripts/rulebook.js`, a line-for-line port of this module.
`tests/test_rulebook_js.py` runs both on the same records (every shipped case's, a thousand and
more generated ones with faults injected, and malformed ones) and requires identical findings,
places and messages. Change the two files together; a new record-level rule is added here, in
rulebook.js and in `RECORD_RULES`, and the conformance corpus covers it.

A finding is `{"rule", "place", "severity", "text", "message"}`. Its place is where in the record:
`record` (the session log as a whole), `line:N` (claim line N, from 1), `activity:N` (a row of
minutes), `field:NAME` (a saved total), `payer`, `diagnosis:X` (the referral diagnosis with
pointer X), or `report` (a progress report's period, date and recipient). `message` is the rule's
citation, a colon and `text`, exactly as `metdocs check` prints it.

Input is never trusted: a record read from a saved file may hold anything, so every value is
checked for its type before it is used (units given as "2" or true, codes such as "__proto__"),
and whole numbers are whatever JSON numbers JavaScript calls whole (15.0 is 15).
"""

from __future__ import annotations

import datetime as dt
import math
import re

from metdocs.rules.units import MAX_MINUTES, RULE_NAMES, UNIT, allocate

NOT_PRIVATE = {"medicare": "Medicare", "medicaid": "Medicaid",
               "medicare-advantage": "Medicare Advantage, which is Medicare although a private company runs it",
               "medicaid-managed-care": "Medicaid managed care, which is Medicaid although a private company "
                                        "runs it"}
"""Payer plan types MedExPROs never bill (rule private-payers-only), in words."""
SCOPE_RULE = "medexpro-codes-only"
UNIT_RULES = {"cms": "cms-8-minute-rule", "ama": "ama-midpoint-rule"}
"""Payer unit_rule -> catalog rule id cited for unit errors."""
CREDENTIALS = ("MedExPRO", "PT", "PTA", "ATC", "personal-trainer", "aide", "student")
"""Who may sign a session log; only a MedExPRO's own sessions are billed (own-services-own-npi)."""
MAX_UNITS, MAX_GROUP = 99, 99
SHOWN_CHILDREN = 12

RECORD_RULES: dict[str, dict] = {
    "private-payers-only": {"kinds": ("session-log",), "needs": ("payer",)},
    "billable-icd10-leaf": {"kinds": ("session-log",), "needs": ("diagnoses",)},
    "icd10-link-per-cpt": {"kinds": ("session-log",), "needs": ("diagnoses", "claim")},
    SCOPE_RULE: {"kinds": ("session-log",), "needs": ("claim",)},
    "no-gp-modifier": {"kinds": ("session-log",), "needs": ("claim",)},
    "one-on-one-vs-group": {"kinds": ("session-log",), "needs": ("group_size", "claim")},
    "cms-8-minute-rule": {"kinds": ("session-log",), "needs": ("unit_rule", "activities", "claim")},
    "cms-unit-split": {"kinds": ("session-log",), "needs": ("unit_rule", "activities", "claim")},
    "ama-midpoint-rule": {"kinds": ("session-log",), "needs": ("unit_rule", "activities", "claim")},
    "untimed-one-unit": {"kinds": ("session-log",), "needs": ("unit_rule", "activities", "claim")},
    "units-per-code": {"kinds": ("session-log",), "needs": ("claim",)},
    "minutes-per-code": {"kinds": ("session-log",), "needs": ("activities",)},
    "one-on-one-statement": {"kinds": ("session-log",), "needs": ("group_size",)},
    "session-start-stop": {"kinds": ("session-log",), "needs": ("start", "end", "activities")},
    "total-timed-minutes": {"kinds": ("session-log",), "needs": ("totals",)},
    "total-session-minutes": {"kinds": ("session-log",), "needs": ("totals",)},
    "signature-credentials": {"kinds": ("session-log",), "needs": ("signed_by",)},
    "own-services-own-npi": {"kinds": ("session-log",), "needs": ("signed_by", "claim")},
    "reassess-every-30-days": {"kinds": ("session-log", "progress-report"), "needs": ("last_assessment",)},
    "progress-report-content": {"kinds": ("progress-report",), "needs": ("report", "measures")},
}
"""Every rule (or session-log element) this module checks, the record kinds that can show it, and
the record keys it reads: a checker that fills those keys enforces the rule (see site/matrix.py)."""


CASE_RECORD_KEYS = frozenset({"date", "start", "end", "group_size", "unit_rule", "payer", "last_assessment",
                              "diagnoses", "activities", "claim", "signed_by", "measured", "measures", "report"})
"""The record keys a case's records fill (`session_record`, `report_records`): no saved totals, since a
case's totals are worked out from its rows."""


_last_book: tuple = (None, None, None)
"""(catalog, reassess, its book): one catalog serves every case, drill and form of a run."""


def book(catalog, reassess: int) -> dict:
    """What the checks need from the catalog, as JSON (the same dict goes to rulebook.js); made
    once per catalog and shared, so read only.

    Args:
        catalog: The checked catalog.
        reassess: Days allowed between assessments (rule reassess-every-30-days).
    """
    global _last_book
    if _last_book[0] is not catalog or _last_book[1] != reassess:
        _last_book = (catalog, reassess, _book(catalog, reassess))
    return _last_book[2]


def _book(catalog, reassess: int) -> dict:
    cite = {}
    for r in catalog.rules:
        src = catalog.source(r.sources[0]) if r.sources else None
        cite[r.id] = f"rule '{r.id}' ({r.title}; source: {src.title if src else 'none listed'})"
    for e in catalog.elements:
        src = catalog.source(e.sources[0]) if e.sources else None
        cite[e.id] = f"element '{e.id}' ({e.name}; source: {src.title if src else 'none listed'})"
    return {
        "codes": {c.code: {"name": c.name, "timed": c.timed, "one_on_one": c.one_on_one, "in_scope": c.in_scope,
                           "scope_reason": c.scope_reason} for c in catalog.cpt_codes},
        "pairings": {d.code: [p.cpt for p in d.pairings] for d in catalog.diagnoses},
        "reassess_days": reassess,
        "cite": cite,
    }


# ---- values from outside ----------------------------------------------------------------------

def whole(value, low: int, high: int) -> bool:
    """A JSON number that is a whole number from low to high (15.0 counts: JavaScript cannot tell)."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and value == math.floor(value) and low <= value <= high)


def shown(value) -> str:
    """A value from a record in a message, the same in both languages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or abs(value) >= 1e15:
            return "a number out of range"
        if value == math.floor(value):
            return str(int(value))
        return repr(float(value)) if abs(value) >= 1e-4 else "a number near 0"
    if isinstance(value, str):
        return "'" + value + "'"
    if isinstance(value, list):
        return "a list"
    return "an object"


_SPACE = " \t\n\r\f\v"
"""What is stripped from text (the same six characters in JavaScript, whatever Unicode says)."""


def _text(value) -> str:
    """A string value stripped, or '' for anything else."""
    return value.strip(_SPACE) if isinstance(value, str) else ""


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def _date(value) -> dt.date | None:
    """A YYYY-MM-DD date that exists, else None (a malformed date counts as none given)."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return day if dt.date(1900, 1, 1) <= day <= dt.date(2199, 12, 31) else None


def _clock(value) -> int | None:
    m = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def normalise_icd(code: str) -> str:
    """Spaces out, upper case, the dot after 3 characters (as catalog/icd.py normalise)."""
    s = re.sub(r"[ \t\n\r\f\v]+", "", code).upper()
    bare = s.replace(".", "")
    if not re.fullmatch(r"[A-Z0-9]+", bare):
        return s
    return bare[:3] + "." + bare[3:] if len(bare) > 3 else bare


def credential_in(signature) -> str | None:
    """The credential a signature names ('A. Trainer, MedExPRO' -> 'MedExPRO'), or None."""
    words = re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", signature) if isinstance(signature, str) else []
    known = {c.lower(): c for c in CREDENTIALS}
    return next((known[w.lower()] for w in words if w.lower() in known), None)


# ---- the checks -------------------------------------------------------------------------------

class Findings:
    def __init__(self, bk: dict):
        self.book, self.found = bk, []

    def add(self, rule: str, place: str, text: str, severity: str = "error") -> None:
        cite = self.book["cite"].get(rule, f"rule '{rule}' (not in the catalog)")
        self.found.append({"rule": rule, "place": place, "severity": severity, "text": text,
                           "message": f"{cite}: {text}"})


def check(record, bk: dict, icd) -> list[dict]:
    """Every finding in one record, in a fixed order (rulebook.js gives the same list).

    Args:
        record: A record (see the module docstring); anything else is reported, not raised.
        bk: `book(catalog, days)`.
        icd: The ICD-10-CM code set: `lookup(code)` with .valid, .billable, .children, and
            `fiscal_year`; or None when it is not at hand (codes are then not checked).
    """
    out = Findings(bk)
    if not isinstance(record, dict) or record.get("kind") not in ("session-log", "progress-report"):
        out.add("units-per-code", "record", f"expected a session log or a progress report, found {shown(record)}")
        return out.found
    if record["kind"] == "progress-report":
        check_report(out, record)
        return out.found
    payer_findings(out, record.get("payer"))
    diagnosis_findings(out, record.get("diagnoses"), icd)
    session_findings(out, record, icd)
    return out.found


def payer_findings(out: Findings, plan) -> None:
    if isinstance(plan, str) and plan in NOT_PRIVATE:
        out.add("private-payers-only", "payer", f"expected a private payer (commercial or self-pay), found "
                f"{NOT_PRIVATE[plan]}; Medicare and Medicaid do not recognise Medical Exercise Professionals")


def _diagnoses(record) -> list[tuple[str, str]]:
    """(pointer, code) of every well-formed referral diagnosis."""
    items = record.get("diagnoses") if isinstance(record, dict) else None
    return [(d["pointer"], d["code"]) for d in items if isinstance(d, dict) and isinstance(d.get("pointer"), str)
            and isinstance(d.get("code"), str)] if isinstance(items, list) else []


def diagnosis_findings(out: Findings, items, icd) -> None:
    if icd is None or not isinstance(items, list):
        return
    fy = getattr(icd, "fiscal_year", None)
    year = f" ({fy} code set)" if fy else ""
    for pointer, code in _diagnoses({"diagnoses": items}):
        info = icd.lookup(normalise_icd(code))
        if info is None or info.billable:
            continue
        if not info.valid:
            out.add("billable-icd10-leaf", f"diagnosis:{pointer}", f"expected a billable ICD-10-CM code{year}, "
                    f"found '{code}', which is not in the code set")
        else:
            kids = ", ".join(info.children[:SHOWN_CHILDREN]) + (" ..." if len(info.children) > SHOWN_CHILDREN else "")
            out.add("billable-icd10-leaf", f"diagnosis:{pointer}", f"expected a billable ICD-10-CM code{year}, "
                    f"found header '{code}', which is not billable; use one of: {kids}")


def session_findings(out: Findings, record: dict, icd) -> None:
    """What one session log shows, apart from its case's payer and diagnoses."""
    lines = _lines(out, record)
    rows = _rows(out, record)
    _pointers_scope(out, record, lines, icd)
    _units(out, record, lines, rows)
    _clock_times(out, record, rows)
    _totals(out, record, lines, rows)
    _signature(out, record, lines)
    _overdue(out, record, lines)


def _lines(out: Findings, record: dict) -> list[dict | None]:
    """Each claim line with its checked values, or None for a line that is not an object."""
    raw = record.get("claim")
    if raw is None:
        return []
    if not isinstance(raw, list):
        out.add("units-per-code", "record", f"expected the claim lines as a list, found {shown(raw)}")
        return []
    lines = []
    for i, line in enumerate(raw, 1):
        if not isinstance(line, dict):
            out.add("units-per-code", f"line:{i}", f"expected a claim line with a code and units, found {shown(line)}")
            lines.append(None)
            continue
        units = line.get("units")
        if not whole(units, 0, MAX_UNITS):
            out.add("units-per-code", f"line:{i}", f"expected a whole number of units from 0 to {MAX_UNITS}, "
                    f"found {shown(units)}")
        mods = line.get("modifiers", [])
        if not isinstance(mods, list) or not all(isinstance(m, str) for m in mods):
            out.add("units-per-code", f"line:{i}", f"expected the modifiers as a list of codes such as 'GP' or "
                    f"'59', found {shown(mods)}")
            mods = [m for m in mods if isinstance(m, str)] if isinstance(mods, list) else []
        pointers = line.get("pointers", [])
        if not isinstance(pointers, list):
            pointers = [pointers]
        lines.append({"cpt": line.get("cpt"), "units": int(units) if whole(units, 0, MAX_UNITS) else None,
                      "modifiers": [m.strip(_SPACE).upper() for m in mods], "pointers": pointers})
    return lines


def _rows(out: Findings, record: dict) -> list[dict] | None:
    """The minutes logged per row ({cpt, minutes}), or None when some row cannot be counted."""
    raw = record.get("activities")
    if raw is None:
        return []
    if not isinstance(raw, list):
        out.add("minutes-per-code", "record", f"expected the rows of minutes as a list, found {shown(raw)}")
        return None
    rows, ok = [], True
    for i, row in enumerate(raw, 1):
        m = row.get("minutes") if isinstance(row, dict) else row
        cpt = row.get("cpt") if isinstance(row, dict) else None
        if m is None or cpt is None:
            ok = False  # a row with no minutes or no code is a missing element, reported elsewhere
            continue
        if not whole(m, 0, MAX_MINUTES):
            out.add("minutes-per-code", f"activity:{i}", f"expected whole minutes from 0 to {MAX_MINUTES}, "
                    f"found {shown(m)}")
            ok = False
            continue
        if not isinstance(cpt, str):
            ok = False
            continue
        rows.append({"cpt": cpt, "minutes": int(m)})
    return rows if ok else None


def _in_scope(bk: dict) -> str:
    codes = sorted(c for c, v in bk["codes"].items() if v["in_scope"])
    return ", ".join(codes) if codes else "none in the catalog"


def _code(bk: dict, cpt) -> dict | None:
    return bk["codes"][cpt] if isinstance(cpt, str) and cpt in bk["codes"] else None


def _pointers_scope(out: Findings, record: dict, lines: list, icd) -> None:
    bk = out.book
    letters = dict(_diagnoses(record))
    group = record.get("group_size")
    if group is not None and not whole(group, 1, MAX_GROUP):
        out.add("one-on-one-statement", "record", f"expected the number of clients trained at once (1 = "
                f"one-on-one), found {shown(group)}")
    for i, line in enumerate(lines, 1):
        if line is None:
            continue
        place, cpt, code = f"line:{i}", line["cpt"], _code(bk, line["cpt"])
        named = cpt if isinstance(cpt, str) else shown(cpt)
        _pointers(out, place, named, line["pointers"], letters, icd, bk)
        if code is None:
            out.add(SCOPE_RULE, place, f"expected a code a MedExPRO may bill ({_in_scope(bk)}), found {shown(cpt)}, "
                    "which is not a CPT code in the catalog")
        elif not code["in_scope"]:
            out.add(SCOPE_RULE, place, f"expected a code a MedExPRO may bill ({_in_scope(bk)}), found {cpt} "
                    f"({code['name']}): {code['scope_reason']}")
        if "GP" in line["modifiers"]:
            out.add("no-gp-modifier", place, "expected no GP modifier (it declares a physical-therapy plan of "
                    f"care, which a MedExPRO does not have), found GP on {named}")
        if code is not None and code["one_on_one"] and whole(group, 2, MAX_GROUP):
            out.add("one-on-one-vs-group", place, f"expected a group code for {int(group)} clients trained at "
                    f"once, found one-on-one code {cpt} ({code['name']})")


def _pointers(out: Findings, place: str, named: str, pointers: list, letters: dict, icd, bk: dict) -> None:
    if not letters:
        return  # no referral diagnosis: that gap is reported once, on the referral
    if not pointers:
        out.add("icd10-link-per-cpt", place, f"expected {named} to point at a referral diagnosis (A-L), "
                "found no pointer")
    seen: list[str] = []
    for p in pointers:
        if isinstance(p, str) and p in seen:
            if seen.count(p) == 1:
                out.add("icd10-link-per-cpt", place, f"expected each pointer once, found {shown(p)} more than once")
            seen.append(p)
            continue
        if isinstance(p, str):
            seen.append(p)
        code = letters.get(p) if isinstance(p, str) else None
        if code is None:
            out.add("icd10-link-per-cpt", place, "expected a pointer to one of the referral's letters "
                    f"({', '.join(sorted(letters))}), found {shown(p)}")
            continue
        info = icd.lookup(normalise_icd(code)) if icd is not None else None
        if info is not None and info.billable:  # a non-billable code is already reported on the referral
            listed = bk["pairings"].get(code)
            if listed is None or named not in listed:
                shown_list = ", ".join(listed) if listed is not None else "none (diagnosis not in the catalog)"
                out.add("icd10-link-per-cpt", place, f"expected a pairing the catalog lists for {code} "
                        f"({shown_list}), found {named}; the note must justify it", "warning")


def billable_minutes(rows: list[dict], bk: dict) -> dict[str, int]:
    """Minutes per code a MedExPRO may bill: the minutes of other codes are not a MedExPRO's to bill."""
    out: dict[str, int] = {}
    for r in rows:
        code = _code(bk, r["cpt"])
        if code is not None and code["in_scope"]:
            out[r["cpt"]] = out.get(r["cpt"], 0) + r["minutes"]
    return out


def billable_visit(minutes: dict[str, int], billed: dict[str, int], catalog) -> dict[str, int]:
    """Code -> minutes of each code a MedExPRO may bill that a session logs or bills: the visit the
    units engine is given (the same codes `billable_minutes` keeps; case pages and prose use it)."""
    keep = [c for c in {*minutes, *billed} if catalog.cpt(c) is not None and catalog.cpt(c).in_scope]
    return {c: minutes.get(c, 0) for c in sorted(keep)}


def allowed(record: dict, rows: list[dict] | None, bk: dict):
    """The units the record's unit rule allows for the codes a MedExPRO may bill, or None."""
    rule = record.get("unit_rule")
    if rows is None or not isinstance(rule, str) or rule not in UNIT_RULES:
        return None
    minutes = billable_minutes(rows, bk)
    if any(m > MAX_MINUTES for m in minutes.values()):
        return None
    return allocate(minutes, [c for c in minutes if bk["codes"][c]["timed"]], rule)


def _units(out: Findings, record: dict, lines: list, rows) -> None:
    bk, rule = out.book, record.get("unit_rule")
    if rows is None or not isinstance(rule, str) or rule not in UNIT_RULES or any(ln is not None and ln["units"] is None for ln in lines):
        return
    minutes = billable_minutes(rows, bk)
    over = next((c for c in sorted(minutes) if minutes[c] > MAX_MINUTES), None)
    if over is not None:
        out.add("minutes-per-code", "record", f"expected at most {MAX_MINUTES} minutes on one code, found "
                f"{minutes[over]} on {over}")
        return
    billed, first = {}, {}
    for i, ln in enumerate(lines, 1):
        code = _code(bk, ln["cpt"]) if ln is not None else None
        if code is not None and code["in_scope"]:
            billed[ln["cpt"]] = billed.get(ln["cpt"], 0) + ln["units"]
            first.setdefault(ln["cpt"], f"line:{i}")
    codes = sorted({*minutes, *billed})
    alloc = allocate({c: minutes.get(c, 0) for c in codes}, [c for c in codes if bk["codes"][c]["timed"]], rule)
    for c in codes:
        if not bk["codes"][c]["timed"] and billed.get(c, 0) != alloc.units[c]:
            out.add("untimed-one-unit", first.get(c, "record"), f"expected {c} billed as "
                    f"{_plural(alloc.units[c], 'unit')} (an untimed code is one unit a day whatever its minutes; "
                    f"{minutes.get(c, 0)} min logged), found {billed.get(c, 0)}")
    timed = [c for c in codes if bk["codes"][c]["timed"]]
    if rule == "ama":
        for c in timed:
            if billed.get(c, 0) != alloc.units[c]:
                out.add("ama-midpoint-rule", first.get(c, "record"), f"expected {c} billed as "
                        f"{_plural(alloc.units[c], 'unit')} ({minutes.get(c, 0)} min on its own), found "
                        f"{billed.get(c, 0)}")
        return
    want, got = sum(alloc.units[c] for c in timed), sum(billed.get(c, 0) for c in timed)
    shown_min = " + ".join(f"{c} {minutes.get(c, 0)} min" for c in timed)
    shown_exp = ", ".join(f"{c} {alloc.units[c]}" for c in timed)
    shown_got = ", ".join(f"{c} {billed.get(c, 0)}" for c in timed)
    if got != want:
        kind = "over-billed" if got > want else "under-billed"
        out.add("cms-8-minute-rule", "record", f"{kind}: expected {want} units ({shown_min}; "
                f"{alloc.total_timed_minutes} timed minutes → {shown_exp}), found {got} billed ({shown_got})")
    elif not _valid_split({c: minutes.get(c, 0) for c in timed}, billed):
        wrong = next(c for c in timed if billed.get(c, 0) != alloc.units[c])
        out.add("cms-unit-split", first.get(wrong, "record"), f"expected the {want} units split as {shown_exp} "
                f"({shown_min}; full 15-minute blocks first, then the largest leftovers), found {shown_got}")


def _valid_split(minutes: dict, billed: dict) -> bool:
    """True if a CMS split with the right total is one the clinician may choose (ties allowed)."""
    extra = {}
    for c in sorted(minutes):
        m, u = minutes[c], billed.get(c, 0)
        extra[c] = u - m // UNIT
        if extra[c] not in (0, 1) or (extra[c] == 1 and m % UNIT == 0):
            return False
    got = [minutes[c] % UNIT for c in extra if extra[c] == 1]
    rest = [minutes[c] % UNIT for c in extra if extra[c] == 0]
    return not got or not rest or min(got) >= max(rest)


def _clock_times(out: Findings, record: dict, rows) -> None:
    start, end = record.get("start"), record.get("end")
    if start is None or end is None or (start == "" or end == ""):
        return  # a missing time is a missing element, reported with the others
    a, b = _clock(start), _clock(end)
    if a is None or b is None:
        out.add("session-start-stop", "record", f"expected clock times such as '09:30', found start {shown(start)} "
                f"and stop {shown(end)}")
        return
    if b <= a:
        out.add("session-start-stop", "record", f"expected the stop after the start, found start {start} and "
                f"stop {end}")
        return
    logged = sum(r["minutes"] for r in rows) if rows else 0
    if rows and logged > b - a:
        out.add("session-start-stop", "record", f"expected the {b - a} minutes from {start} to {end} to cover the "
                f"{logged} minutes logged, found them shorter")
    totals = record.get("totals") if isinstance(record.get("totals"), dict) else {}
    said = totals.get("session_minutes")
    if whole(said, 0, 10_000) and said > b - a:
        out.add("session-start-stop", "record", f"expected the session minutes to fit the {b - a} minutes from "
                f"{start} to {end}, found {int(said)}")


def _totals(out: Findings, record: dict, lines: list, rows) -> None:
    """Saved totals against the rows they are worked out from: a record is never silently rewritten."""
    totals = record.get("totals")
    if totals is None:
        return
    if not isinstance(totals, dict):
        out.add("total-timed-minutes", "record", f"expected the saved totals as an object, found {shown(totals)}")
        return
    bk = out.book
    if "timed_minutes" in totals and rows is not None:
        want = sum(r["minutes"] for r in rows if _code(bk, r["cpt"]) and bk["codes"][r["cpt"]]["timed"])
        if totals["timed_minutes"] != want or not whole(totals["timed_minutes"], 0, 10_000):
            out.add("total-timed-minutes", "field:timed_minutes", f"expected the total timed minutes the rows add "
                    f"up to ({want}), found {shown(totals['timed_minutes'])} saved")
    if "session_minutes" in totals and rows is not None:
        least, said = sum(r["minutes"] for r in rows), totals["session_minutes"]
        if not whole(said, 0, 10_000) or said < least:
            out.add("total-session-minutes", "field:session_minutes", f"expected the session minutes to include "
                    f"every minute logged ({least}), found {shown(said)}")
    if "units_billed" in totals and all(ln is not None and ln["units"] is not None for ln in lines):
        want = sum(ln["units"] for ln in lines)
        if totals["units_billed"] != want or not whole(totals["units_billed"], 0, 10_000):
            out.add("units-per-code", "field:units_billed", f"expected the units billed in total to equal the "
                    f"lines' units ({want}), found {shown(totals['units_billed'])} saved")
    alloc = allowed(record, rows, bk)
    if "units_allowed" in totals and alloc is not None:
        said = totals["units_allowed"]
        if said != alloc.total_units or not whole(said, 0, 10_000):
            rule = record["unit_rule"]
            out.add(UNIT_RULES[rule], "field:units_allowed", f"expected the units the {RULE_NAMES[rule]} allows "
                    f"({alloc.total_units}), found {shown(said)} saved")


def _signature(out: Findings, record: dict, lines: list) -> None:
    signed = _text(record.get("signed_by"))
    cred = record.get("signer_credential") if "signer_credential" in record else credential_in(signed)
    if signed and cred is None:
        out.add("signature-credentials", "record", f"expected the signature to give the signer's credential "
                f"(MedExPRO), found '{signed}' with none")
    if lines and cred is not None and cred != "MedExPRO":
        out.add("own-services-own-npi", "record", "expected a billed session given and signed by the MedExPRO "
                f"who bills it, found one signed by {shown(cred)}; bill only your own services, under your own NPI")


def _overdue(out: Findings, record: dict, lines: list) -> None:
    day, last, days = _date(record.get("date")), _date(record.get("last_assessment")), out.book["reassess_days"]
    if lines and day and last and last <= day and (day - last).days > days:
        out.add("reassess-every-30-days", "record", f"expected a reassessment by {last + dt.timedelta(days=days)} "
                f"before billing more sessions, found this session billed on {day}, "
                f"{(day - last).days} days after the last assessment")


def check_report(out: Findings, record: dict) -> None:
    """A progress report: on time, and what it must hold."""
    days = out.book["reassess_days"]
    measured, last = _date(record.get("measured")), _date(record.get("last_assessment"))
    if measured and last and (measured - last).days > days:
        out.add("reassess-every-30-days", "record", f"expected a reassessment at most {days} days after the last "
                f"assessment on {last}, found one {(measured - last).days} days later on {measured}")
    if measured and "due" in record and record["due"] != str(measured + dt.timedelta(days=days)):
        out.add("reassess-every-30-days", "field:due", f"expected the next reassessment due on "
                f"{measured + dt.timedelta(days=days)} ({days} days after the measures), found {shown(record['due'])} "
                "saved")
    gaps = []
    rows = record.get("measures") if isinstance(record.get("measures"), list) else []
    missing = [m["measure"] for m in rows if isinstance(m, dict) and isinstance(m.get("measure"), str)
               and m.get("baseline") is not None and m.get("current") is None]
    if missing:
        gaps.append(f"baseline measures not re-tested: {', '.join(missing)}")
    rep = record.get("report")
    if not isinstance(rep, dict):
        gaps.append("no progress report (period, date written, recipient)")
    else:
        start, end, written = _date(rep.get("period_start")), _date(rep.get("period_end")), _date(rep.get("written"))
        if start and end and last and measured and (start, end) != (last, measured):
            gaps.append(f"a period of {start} to {end} where the sessions since the last assessment need {last} "
                        f"to {measured}")
        if written and end and written < end:
            gaps.append(f"written on {written}, before its period ends on {end}")
        if not _text(rep.get("sent_to")):
            gaps.append("no recipient named")
    if gaps:
        out.add("progress-report-content", "report", f"expected the progress report of {measured or 'this date'} to "
                "cover the period since the last assessment, say when it was written and to whom it went, and "
                "re-test every baseline measure; found " + "; ".join(gaps))


# ---- a case's records -------------------------------------------------------------------------

def last_assessment(case, day: dt.date | None) -> dt.date | None:
    """The latest assessment (baseline or reassessment) on or before `day`."""
    done = [case.baseline.date, *(r.date for r in case.reassessments)]
    return max((d for d in done if day and d <= day), default=None)


def session_record(case, s) -> dict:
    """One session of a case as the record the browser would build from its session log."""
    ref = case.referral
    return {
        "kind": "session-log", "date": str(s.date) if s.date else None, "start": s.start, "end": s.end,
        "group_size": s.group_size, "unit_rule": case.payer.unit_rule, "payer": case.payer.type,
        "last_assessment": _iso(last_assessment(case, s.date)),
        "diagnoses": [{"pointer": d.pointer, "code": d.code} for d in ref.diagnoses] if ref else [],
        "activities": [{"cpt": a.cpt, "minutes": a.minutes} for a in s.activities],
        "claim": [{"cpt": ln.cpt, "units": ln.units, "modifiers": list(ln.modifiers), "pointers": list(ln.pointers)}
                  for ln in s.claim],
        "signed_by": s.signed_by, "signer_credential": s.signer_credential,
    }


def report_records(case) -> list[dict]:
    """Each reassessment of a case as a progress-report record, in date order."""
    out, prev = [], case.baseline.date
    base = [(m.measure, m.value) for m in case.baseline.measures]
    for r in sorted(case.reassessments, key=lambda r: r.date):
        now = {m.measure: m.value for m in r.measures}
        rows = [{"measure": m, "baseline": v, "current": now.get(m)} for m, v in base]
        rows += [{"measure": m, "baseline": None, "current": v} for m, v in now.items() if m not in dict(base)]
        rep = r.report
        out.append({"kind": "progress-report", "last_assessment": str(prev), "measured": str(r.date), "measures": rows,
                    "report": {"period_start": str(rep.period_start), "period_end": str(rep.period_end),
                               "written": str(rep.written), "sent_to": rep.sent_to} if rep else None})
        prev = r.date
    return out


def _iso(day: dt.date | None) -> str | None:
    return str(day) if day else None
