"""Tests for generator.cases (the worked-case format) and generator.audit (the case audit).

Unit tests run the clean shipped case, changed one thing at a time, against a small
catalog built here in Python, so they do not move when data/catalog/ is edited. The
shipped-data tests at the end use the real catalog and the real ICD-10-CM code set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.audit import ELEMENT_FIELDS, audit_case, audit_cases, measure_changes
from generator.cases import Activity, ClaimLine, ExpectedBreach, load_cases
from generator.icd import IcdInfo
from generator.model import Catalog, Cpt, Diagnosis, Element, Measure, Pairing, Rule, Source, Threshold

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "data" / "cases"
RULE_IDS = ("cms-8-minute-rule", "cms-unit-split", "ama-midpoint-rule", "reassess-every-30-days",
            "written-referral-required", "icd10-link-each-cpt", "billable-icd10-leaf", "private-payers-only",
            "no-gp-modifier", "no-eval-or-manual-therapy-codes", "one-on-one-vs-group", "measurable-improvement")
D = dt.date(2026, 1, 1)


def _cpt(code, timed=True, one=True, scope=True):
    return Cpt(code, f"name {code}", "d", timed, one, scope, "scope note", (), (), ("src",))


def _measure(id_, better, mcid=None):
    return Measure(id_, id_.upper(), id_, "units", better, "t", (), "MCID" if mcid else "none", ("src",), mcid)


def make_catalog(**over) -> Catalog:
    """A small catalog with everything the clean case needs."""
    pair = (Pairing("97110", "x"), Pairing("97530", "x"))
    base = dict(
        sources=(Source("src", "Fixture Source Title"),),
        cpt_codes=(_cpt("97110"), _cpt("97112"), _cpt("97530"), _cpt("97140", scope=False),
                   _cpt("97150", timed=False, one=False, scope=False),
                   _cpt("97161", timed=False, one=False, scope=False)),
        diagnoses=(Diagnosis("Z96.651", "c", pair, ("src",)), Diagnosis("M62.81", "c", pair, ("src",))),
        elements=tuple(Element(e, f"Element {e}", "why", ("session-log",), ("src",)) for e in ELEMENT_FIELDS),
        rules=tuple(Rule(r, f"Title of {r}", "s", "all", ("src",), D, D,
                         Threshold(30, "days") if r == "reassess-every-30-days" else None) for r in RULE_IDS),
        measures=(_measure("chair-stand-30s", "higher", 2.5), _measure("tug", "lower"),
                  _measure("lefs", "higher", 9), _measure("gait-speed", "higher", 0.1)),
    )
    return Catalog(**{**base, **over})


class FakeIcd:
    """Just enough of icd.CodeSet: M54.5 is a header, everything else billable."""

    def lookup(self, code):
        if code == "M54.5":
            return IcdInfo(code, True, False, "Low back pain", ("M54.50", "M54.51", "M54.59"))
        if code == "X99.9":
            return IcdInfo(code, False, False, None)
        return IcdInfo(code, True, True, "title")


CAT, ICD = make_catalog(), FakeIcd()


@pytest.fixture(scope="module")
def clean():
    cases, problems = load_cases(CASES)
    assert problems == []
    return next(c for c in cases if c.id == "post-tka-clean")


def run(case, catalog=CAT, **kw):
    return audit_case(case, catalog, ICD, **kw)


def rules(problems):
    return sorted(p.rule for p in problems)


def with_session(case, i, **changes):
    sessions = list(case.sessions)
    sessions[i] = dataclasses.replace(sessions[i], **changes)
    return dataclasses.replace(case, sessions=tuple(sessions))


def with_claim(case, i, *lines):
    return with_session(case, i, claim=tuple(lines))


def line(cpt, units, pointers=("A", "B"), modifiers=()):
    return ClaimLine(cpt, units, pointers, modifiers)


# --- the clean case -------------------------------------------------------------------------------

def test_clean_case_has_no_findings(clean):
    assert run(clean, today=dt.date(2026, 11, 27)) == []


# --- referral -------------------------------------------------------------------------------------

def test_no_referral(clean):
    [p] = run(dataclasses.replace(clean, referral=None))
    assert (p.rule, p.where) == ("written-referral-required", clean.where)
    assert "Title of written-referral-required" in p.message and "Fixture Source Title" in p.message


def test_session_before_referral(clean):
    case = with_session(clean, 0, date=dt.date(2026, 2, 19))
    [p] = run(case)
    assert (p.rule, p.where) == ("written-referral-required", clean.sessions[0].where)
    assert "2026-02-20" in p.message and "2026-02-19" in p.message


# --- ICD-10 links ---------------------------------------------------------------------------------

def test_claim_line_without_pointer(clean):
    [p] = run(with_claim(clean, 0, line("97530", 2, ()), line("97110", 1)))
    assert p.rule == "icd10-link-each-cpt" and "found no pointer" in p.message


def test_pointer_not_on_referral(clean):
    [p] = run(with_claim(clean, 0, line("97530", 2, ("C",)), line("97110", 1)))
    assert p.rule == "icd10-link-each-cpt" and "found 'C'" in p.message and "(A, B)" in p.message


def test_unlisted_pairing_is_a_warning(clean):
    narrow = dataclasses.replace(CAT.diagnoses[1], pairings=(Pairing("97110", "x"),))
    problems = run(clean, make_catalog(diagnoses=(CAT.diagnoses[0], narrow)))
    assert problems and {(p.rule, p.severity) for p in problems} == {("icd10-link-each-cpt", "warning")}
    assert len(problems) == len(clean.sessions)  # one 97530 line per session points at B
    assert "M62.81 (97110), found 97530" in problems[0].message


def test_non_billable_referral_code_names_children(clean):
    ref = clean.referral
    dx = dataclasses.replace(ref.diagnoses[1], code="M54.5")
    [p] = run(dataclasses.replace(clean, referral=dataclasses.replace(ref, diagnoses=(ref.diagnoses[0], dx))))
    assert (p.rule, p.where) == ("billable-icd10-leaf", ref.diagnoses[1].where)
    assert "M54.50, M54.51, M54.59" in p.message


# --- units ----------------------------------------------------------------------------------------

def test_over_billing_message_has_the_numbers(clean):
    first, second = clean.sessions[0].claim
    [p] = run(with_claim(clean, 0, dataclasses.replace(first, units=3), second))
    assert p.rule == "cms-8-minute-rule" and p.where == clean.sessions[0].claim[0].where
    assert ("over-billed: expected 3 units (97110 23 min + 97530 24 min; 47 timed minutes → "
            "97110 1, 97530 2), found 4 billed (97110 1, 97530 3)") in p.message


def test_under_billing_message_has_the_numbers(clean):
    [p] = run(with_claim(clean, 0, line("97530", 2)))
    assert p.rule == "cms-8-minute-rule"
    assert "under-billed: expected 3 units" in p.message and "found 2 billed (97110 0, 97530 2)" in p.message


def test_ama_rule_counts_each_code(clean):
    case = dataclasses.replace(clean, payer=dataclasses.replace(clean.payer, unit_rule="ama"))
    [p] = run(dataclasses.replace(case, sessions=case.sessions[:1]))
    assert p.rule == "ama-midpoint-rule"
    assert "under-billed: expected 4 units" in p.message and "97110 2, 97530 2" in p.message


def test_cms_split_must_follow_leftovers(clean):
    [p] = run(with_claim(clean, 0, line("97530", 1), line("97110", 2)))  # 23/24 min: 97530 has the larger leftover
    assert p.rule == "cms-unit-split" and "split as 97110 1, 97530 2" in p.message


@pytest.mark.parametrize("units", [(2, 1), (1, 2)])
def test_cms_split_tie_is_clinician_choice(clean, units):
    acts = tuple(dataclasses.replace(a, minutes=20) for a in clean.sessions[0].activities)
    case = with_session(clean, 0, activities=acts, claim=(line("97110", units[0]), line("97530", units[1])))
    assert run(case) == []


# --- reassessment and improvement -----------------------------------------------------------------

def test_late_reassessment(clean):
    late = dataclasses.replace(clean.reassessments[0], date=dt.date(2026, 4, 12))  # day 41
    [p] = run(dataclasses.replace(clean, reassessments=(late,)))
    assert (p.rule, p.where) == ("reassess-every-30-days", clean.reassessments[0].where)
    assert "41 days later" in p.message


def test_session_billed_while_reassessment_overdue(clean):
    case = with_session(dataclasses.replace(clean, reassessments=()), 4, date=dt.date(2026, 4, 3))
    [p] = run(case)
    assert (p.rule, p.where) == ("reassess-every-30-days", clean.sessions[4].where)
    assert "by 2026-04-01" in p.message and "32 days" in p.message


def test_no_measured_change(clean):
    same = dataclasses.replace(clean.reassessments[0], measures=clean.baseline.measures)
    [p] = run(dataclasses.replace(clean, reassessments=(same,)))
    assert p.rule == "measurable-improvement" and "no change" in p.message


def test_measure_changes_directions_and_thresholds(clean):
    by_id = {c.measure: c for c in measure_changes(clean, CAT)}
    tug = by_id["tug"]  # 13.8 → 11.2 s, lower is better, no confirmed figure
    assert (tug.change, tug.improved, tug.meaningful) == (-2.6, True, None)
    assert "no confirmed figure" in tug.verdict
    assert by_id["gait-speed"].meaningful is True  # 0.78 → 0.90 is +0.12, float noise must not matter
    assert by_id["lefs"].meaningful is True and by_id["chair-stand-30s"].meaningful is True
    worse = dataclasses.replace(clean.reassessments[0], measures=(
        dataclasses.replace(clean.reassessments[0].measures[1], value=14.5),   # TUG slower: worse
        dataclasses.replace(clean.reassessments[0].measures[2], value=43)))    # LEFS +5 < MCID 9
    tug, lefs = measure_changes(dataclasses.replace(clean, reassessments=(worse,)), CAT)
    assert (tug.improved, tug.meaningful) == (False, None) and tug.verdict.startswith("worse")
    assert (lefs.improved, lefs.meaningful) == (True, False) and "less than the MCID of 9" in lefs.verdict
    tug_mcid = make_catalog(measures=(_measure("tug", "lower", 2.0),))
    [c] = measure_changes(dataclasses.replace(clean, reassessments=(clean.reassessments[0],)), tug_mcid)
    assert c.meaningful is True


# --- scope ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["medicare", "medicaid"])
def test_public_payer(clean, kind):
    [p] = run(dataclasses.replace(clean, payer=dataclasses.replace(clean.payer, type=kind)))
    assert (p.rule, p.where) == ("private-payers-only", clean.payer.where)


def test_gp_modifier(clean):
    [p] = run(with_claim(clean, 0, line("97530", 2, modifiers=("GP",)), line("97110", 1)))
    assert p.rule == "no-gp-modifier"


@pytest.mark.parametrize("code", ["97140", "97161"])
def test_eval_or_manual_code(clean, code):
    s = clean.sessions[0]
    logged = (*s.activities, Activity(code, 0, "logged under the code", "why"))
    problems = run(with_session(clean, 0, activities=logged, claim=(*s.claim, line(code, 0))))
    errors = [p for p in problems if p.is_error]
    assert rules(errors) == ["no-eval-or-manual-therapy-codes"] and code in errors[0].message


def test_group_session_billed_one_on_one(clean):
    problems = run(with_session(clean, 0, group_size=3))
    assert rules(problems) == ["one-on-one-vs-group"] * 2
    assert "3 clients" in problems[0].message


# --- session-log elements -------------------------------------------------------------------------

def test_missing_elements(clean):
    s = clean.sessions[0]
    acts = (dataclasses.replace(s.activities[0], rationale=None), s.activities[1])
    problems = run(with_session(clean, 0, activities=acts, response=None, signed_by=None))
    assert rules(problems) == ["client-response", "exercise-rationale", "signature-credentials"]
    assert next(p for p in problems if p.rule == "exercise-rationale").where == s.activities[0].where


def test_missing_minutes_reports_both_minute_elements(clean):
    s = clean.sessions[0]
    acts = (dataclasses.replace(s.activities[0], minutes=None), s.activities[1])
    assert rules(run(with_session(clean, 0, activities=acts))) == [
        "minutes-per-code", "total-session-minutes", "total-timed-minutes"]


def test_unmapped_element_is_an_error(clean):
    extra = Element("warm-up-log", "Warm-up log", "why", ("session-log",), ("src",))
    [p] = run(clean, make_catalog(elements=(*CAT.elements, extra)))
    assert p.is_error and "warm-up-log" in p.message and "ELEMENT_FIELDS" in p.message


# --- expected breaches ----------------------------------------------------------------------------

def test_declared_breach_not_found(clean):
    case = dataclasses.replace(clean, expected_breaches=(ExpectedBreach("no-gp-modifier", "n", "s1"),))
    [p] = run(case)
    assert "declared breach no-gp-modifier in session 's1' was not found" in p.message


def test_undeclared_breach(clean):
    case = with_claim(clean, 1, line("97110", 2, modifiers=("GP",)), line("97530", 1))
    case = dataclasses.replace(case, expected_breaches=(ExpectedBreach("no-gp-modifier", "n", "s1"),))
    problems = run(case)
    assert len(problems) == 2
    assert any("found breach no-gp-modifier in session 's2' that the case does not declare" in p.message
               for p in problems)


def test_future_date_with_today(clean):
    [p] = run(clean, today=dt.date(2026, 3, 31))
    assert p.where == clean.sessions[4].where and "2026-04-01" in p.message


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 600), min_size=2, max_size=2), st.lists(st.integers(0, 9), min_size=2, max_size=2))
def test_audit_never_raises(clean, minutes, units):
    s = clean.sessions[0]
    acts = tuple(dataclasses.replace(a, minutes=m) for a, m in zip(s.activities, minutes))
    claim = tuple(line(a.cpt, u) for a, u in zip(s.activities, units))
    assert isinstance(run(with_session(clean, 0, activities=acts, claim=claim)), list)


# --- loading --------------------------------------------------------------------------------------

def test_load_reports_id_and_shape_problems(tmp_path):
    text = (CASES / "post-tka-clean.yaml").read_text().replace('cpt: "97110"\n        minutes: 23',
                                                             "cpt: 97110\n        minutes: 23", 1)
    (tmp_path / "other-name.yaml").write_text(text)
    cases, problems = load_cases(tmp_path)
    assert cases == [] and len(problems) == 1 and "put the code in quotes" in problems[0].message
    assert problems[0].where.line > 0
    (tmp_path / "other-name.yaml").write_text(text.replace("cpt: 97110", 'cpt: "97110"'))
    cases, problems = load_cases(tmp_path)
    assert cases == [] and "file name 'other-name'" in problems[0].message
    assert load_cases(tmp_path / "missing") == ([], [])


# --- shipped data, real catalog and real code set -------------------------------------------------

@pytest.fixture(scope="module")
def real():
    from generator.catalog import load_catalog
    from generator.icd import code_set
    catalog, problems = load_catalog(ROOT / "data" / "catalog")
    assert catalog is not None, [str(p) for p in problems]
    return catalog, code_set()


def test_shipped_cases_pass(real):
    cases, problems = load_cases(CASES)
    assert problems == [] and len(cases) == len(list(CASES.glob("*.yaml")))
    assert len([c for c in cases if c.kind == "worked"]) >= 12
    assert [str(p) for p in audit_cases(cases, *real, today=dt.date(2026, 11, 27))] == []


def test_flawed_cases_find_exactly_what_they_declare(real):
    cases, _ = load_cases(CASES)
    flawed = [c for c in cases if c.expected_breaches]
    assert len(flawed) >= 8 and all(c.kind == "drill" for c in flawed)
    for case in flawed:
        found = audit_case(dataclasses.replace(case, expected_breaches=()), *real)
        assert found, case.id
        assert {p.rule for p in found} == {b.rule for b in case.expected_breaches}
        assert len(found) == len(case.expected_breaches), case.id


def test_fixing_a_declared_flaw_fails_the_case(real, tmp_path):
    for f in CASES.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    path = tmp_path / "low-back-flawed.yaml"
    path.write_text(path.read_text().replace('code: "M54.5"', 'code: "M54.50"'))
    cases, problems = load_cases(tmp_path)
    assert problems == []
    [p] = audit_cases(cases, *real)
    assert "declared breach billable-icd10-leaf was not found" in p.message
    assert p.where.path.endswith("low-back-flawed.yaml") and p.where.line > 0
