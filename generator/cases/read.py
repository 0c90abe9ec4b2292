"""Reading worked cases: one YAML file per case in data/cases/, shape-checked against the model
(`cases/model.py`), plus the format rules the type hints cannot express, and whatever per-file
checks the caller adds (privacy scan, audit) in the same pass.
"""

from __future__ import annotations

from pathlib import Path

from metdocs.cases.model import MAX_GROUP, MAX_MINUTES, MAX_UNITS, MAX_VISITS, Case
from metdocs.catalog.load import load_file, yaml_files
from metdocs.catalog.schema import parse
from metdocs.catalog.validate import duplicates
from metdocs.errors import Location, Problem
from metdocs.work.chunks import map_chunks


def load_cases(cases_dir: Path) -> tuple[list[Case], list[Problem]]:
    """Read and shape-check every case file in `cases_dir`.

    Args:
        cases_dir: Folder of case YAML files (data/cases/). A missing folder is
            not an error: a project may have no cases yet.

    Returns:
        The cases that parsed cleanly (sorted by file name) and every problem found,
        including format problems the type hints cannot express (id vs file name,
        duplicate session ids, minutes out of range ...). Never raises on bad data.
    """
    cases, problems, _ = screen_cases(cases_dir)
    return cases, problems


def screen_cases(cases_dir: Path, *, scan=None, audit=None, each=map_chunks, memo: dict | None = None,
                 screened: list | None = None) -> tuple[list[Case], list[Problem], list]:
    """`load_cases`, plus optional per-file checks done in the same pass (and the same worker process).

    Args:
        cases_dir: Folder of case YAML files.
        scan: `scan(document) -> problems`, run on every file that is valid YAML (the privacy guard).
        audit: `audit(case) -> result` (problems, or whatever the caller wants back), run on every
            case that passed the format rules. Its results are only meaningful if the data turns
            out to have no errors; the caller decides.
        each: `each(fn, items)` runs the per-file work (`work.chunks.map_chunks`, or the pipeline's
            `Stages.each`, which may also have jobs of its own to run meanwhile).
        memo: file -> (stamp, its per-file result), kept by the caller between calls with the same
            `scan` and `audit` (site/memo.py): a file whose stamp (modification time, size, inode)
            did not change is not read again. Files gone from the folder are dropped from it.
        screened: a list that gets each file read this time (the rest came from `memo`).

    Returns:
        (cases, problems, per_case): problems as from `load_cases` followed by the `scan` problems in
        file order; per_case holds, for each case in `cases`, its `audit` result, or None
        when `audit` raised (the caller then audits that case itself, and sees the error).

    Many files are worked through in parallel (see `each`); the result is the same.
    """
    # A missing folder is no case yet; `each` still runs, for the jobs it may run meanwhile.
    paths = yaml_files(cases_dir) if cases_dir.is_dir() else []
    memo = {} if memo is None else memo
    stamps = {p: _stamp(p) for p in paths}
    todo = [p for p in paths if stamps[p] is None or memo.get(p, (None,))[0] != stamps[p]]
    for p, result in zip(todo, each(lambda paths: [_screen_file(p, scan, audit) for p in paths], todo)):
        memo[p] = (stamps[p], result)
    for gone in memo.keys() - stamps.keys():
        del memo[gone]
    if screened is not None:
        screened.extend(todo)
    results = [memo[p][1] for p in paths]
    cases: list[Case] = []
    problems = [p for r in results for p in r[0]]
    per_case: list = []
    for _, doc_problems, case, _, audited in results:
        problems.extend(doc_problems)
        if case is not None:
            cases.append(case)
            per_case.append(audited)
    problems.extend(p for r in results for p in r[3])
    # The id names the page; x.yaml next to x.yml, or a case and a drill, would share it.
    problems.extend(duplicates(cases, "id", "case or drill id"))
    return cases, problems, per_case


def _stamp(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None  # read again, where the error surfaces
    return st.st_mtime_ns, st.st_size, st.st_ino


def _screen_file(path: Path, scan, audit) -> tuple:
    """(load problems, format problems, the case if it passed the format rules, scan problems, audit problems)."""
    doc, load_problems = load_file(path, cache=False)  # the caller's memo keeps what counts
    if doc is None:
        return load_problems, [], None, [], []
    problems: list[Problem] = []
    case, probs = parse(Case, doc)
    problems.extend(probs)
    kept = None
    if case is not None:
        sanity = list(_sanity(case, doc.path.stem, _value_at(doc, "id") or case.where))
        problems.extend(sanity)
        if not sanity:  # the audit may assume the format rules below hold
            kept = case
        problems.extend(_kind_rules(case))
    scanned = scan(doc) if scan is not None else []
    audited: list | None = []
    if kept is not None and audit is not None:
        try:
            audited = audit(kept)
        except Exception:  # noqa: BLE001 - the caller re-runs it where the error can surface
            audited = None
    return load_problems, problems, kept, scanned, audited


MIN_WORKED_SESSIONS = 3
"""A worked case shows at least this many filled session logs."""


def _kind_rules(case: Case):
    """Yield what a drill or a worked case must have to make a complete lesson (located at the case)."""
    n = len(case.expected_breaches)
    if case.kind == "drill":
        if not (case.prompt or "").strip():
            yield Problem(case.where, "expected a drill to have a prompt (the question put to the student), "
                          "found none")
        if n == 0:
            yield Problem(case.where, "expected a drill to declare at least 1 expected breach, found 0")
        return
    if n:
        yield Problem(case.where.key("expected_breaches"), f"expected a worked case to declare no expected breaches, "
                      f"found {n}; make it 'kind: drill' or fix the record")
        return  # a drill not yet marked as one: the points below would only repeat the cause
    for name in ("payable", "denied_if"):
        if not any(item.strip() for item in getattr(case, name)):
            yield Problem(case.where.key(name),
                          f"expected a worked case to list at least 1 point under '{name}', found none")
    if len(case.sessions) < MIN_WORKED_SESSIONS:
        yield Problem(case.where.key("sessions"), f"expected a worked case to have at least {MIN_WORKED_SESSIONS} "
                      "sessions, "
                      f"found {len(case.sessions)}")


def _value_at(doc, key: str) -> Location | None:
    """Where the value of a top-level key is, so a message points at its line, not at the file's start."""
    node = doc.root
    return doc.at(*node.lc.value(key)) if hasattr(node, "lc") and key in node else None


def _sanity(case: Case, stem: str, id_at: Location):
    """Yield format problems that need more than one field to see."""
    if case.id != stem:
        yield Problem(id_at, f"expected the case id to equal the file name '{stem}', found '{case.id}'; "
                             f"change this line to 'id: {stem}', or rename the file to '{case.id}.yaml'")
    lo, _, hi = case.client.age_band.partition("-")
    if hi and int(lo) >= int(hi):
        yield Problem(case.client.where.key("age_band"),
                      f"expected an age band low-high, found '{case.client.age_band}'")
    if case.referral:
        yield from duplicates(case.referral.diagnoses, "pointer", "referral pointer letter")
        yield from duplicates(case.referral.diagnoses, "code", "referral diagnosis")
        yield from _validity(case.referral)
    yield from duplicates(case.sessions, "id", "session id")
    yield from _phases(case.plan)
    claims = {s.id: len(s.claim) for s in case.sessions}
    for b in case.expected_breaches:
        if b.line is not None and not (b.session in claims and 1 <= b.line <= claims[b.session]):
            lines = f"1 to {claims[b.session]}" if claims.get(b.session) else "none there"
            yield Problem(b.where, f"expected line to name a claim line of session '{b.session}' ({lines}), "
                                   f"found {b.line}")
    for s in case.sessions:
        if s.group_size is not None and not 1 <= s.group_size <= MAX_GROUP:
            yield Problem(s.where.key("group_size"), f"expected group_size from 1 to {MAX_GROUP}, found {s.group_size}")
        for a in s.activities:
            if a.minutes is not None and not 0 <= a.minutes <= MAX_MINUTES:
                yield Problem(a.where.key("minutes"), f"expected minutes from 0 to {MAX_MINUTES}, found {a.minutes}")
        for line in s.claim:
            if not 0 <= line.units <= MAX_UNITS:
                yield Problem(line.where.key("units"), f"expected units from 0 to {MAX_UNITS}, found {line.units}")


def _validity(ref):
    """Yield format problems of the referral's expiry, visit counts and renewals (rule referral-in-force)."""
    for grant, what in [(ref, "the referral")] + [(r, f"the renewal of {r.date}") for r in ref.renewals]:
        if grant.expires is not None and grant.expires < grant.date:
            yield Problem(grant.where.key("expires"), f"expected {what} to expire on or after its date {grant.date}, "
                                                      f"found expires: {grant.expires}")
        if grant.authorised_visits is not None and not 1 <= grant.authorised_visits <= MAX_VISITS:
            yield Problem(grant.where.key("authorised_visits"), f"expected authorised_visits from 1 to {MAX_VISITS}, "
                                                                f"found {grant.authorised_visits}")
    for r in ref.renewals:
        if r.date < ref.date:
            yield Problem(r.where.key("date"), f"expected a renewal dated on or after the referral ({ref.date}), "
                                               f"found {r.date}")


def _phases(plan):
    """Yield format problems of a plan whose frequency changes over time."""
    for ph in plan.phases:
        limits = (("weeks", ph.weeks, 104), ("sessions", ph.sessions, 14), ("every_weeks", ph.every_weeks, 8))
        for name, value, top in limits:
            if not 1 <= value <= top:
                yield Problem(ph.where.key(name), f"expected {name} from 1 to {top}, found {value}")
    if plan.phases and plan.phases[0].per_week != plan.sessions_per_week:
        yield Problem(plan.phases[0].where, f"expected the first phase at the plan's {plan.sessions_per_week} "
                                            f"session(s) a week, found {plan.phases[0].per_week:g}")
    if "every other week" in plan.frequency.lower() and not any(ph.every_weeks == 2 for ph in plan.phases):
        yield Problem(plan.where.key("frequency"), "expected the plan's phases (phases:, each with weeks, sessions and "
                                                   "every_weeks) for a frequency that changes to every other week, "
                                                   "found none; the dose rules count each phase")
