"""Tests for metdocs.cases.model (the worked-case format) and metdocs.rules.audit.core (the case audit).

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

from metdocs.rules.audit.core import ENFORCED, audit_case, audit_cases
from metdocs.rules.measures import measure_changes
from metdocs.rules.sessionlog import ELEMENT_FIELDS
from metdocs.cases.model import Activity, ClaimLine, ExpectedBreach, ProgressReport
from metdocs.cases.read import load_cases
from metdocs.catalog.schema import Text
from metdocs.catalog.icd import IcdInfo
from metdocs.catalog.model import (Catalog, Category, ChangeFigure, Cpt, Cutoff, Diagnosis, Element, Measure, Pairing,
                             Population, Rule, Source, Threshold)

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "data" / "cases"
RULE_IDS = tuple(ENFORCED)
THRESHOLDS = {"reassess-every-30-days": Threshold(30, "days"), "resistance-2-days-a-week": Threshold(2, "days per week"),
              "fall-prevention-dose": Threshold(180, "minutes per week"), "cms-8-minute-rule": Threshold(8, "minutes")}
D = dt.date(2026, 1, 1)


def _cpt(code, timed=True, one=True, scope=True):
    return Cpt(code, f"name {code}", "d", timed, one, scope, "scope note", (), (), ("src",))


def _measure(id_, better, mcid=None, cutoffs=()):
    return Measure(id_, id_.upper(), id_, "units", better, "t", cutoffs, "MCID" if mcid else "none", ("src",), mcid,
                   "pop" if mcid else None)


TUG_CUTOFF = Cutoff("At risk of falling", "12 seconds or more", value=12, risk_if="at-or-above")


def make_catalog(**over) -> Catalog:
    """A small catalog with everything the clean case needs."""
    pair = (Pairing("97110", "x"), Pairing("97530", "x"))
    base = dict(
        sources=(Source("src", "Fixture Source Title"),),
        cpt_codes=(_cpt("97110"), _cpt("97112"), _cpt("97530"), _cpt("97140", scope=False),
                   _cpt("97150", timed=False, one=False, scope=False),
                   _cpt("97161", timed=False, one=False, scope=False)),
        diagnoses=(Diagnosis("Z47.1", "c", pair, ("src",)), Diagnosis("Z96.651", "c", pair, ("src",))),
        elements=tuple(Element(e, f"Element {e}", "why", ("session-log",), ("src",)) for e in ELEMENT_FIELDS),
        rules=tuple(Rule(r, f"Title of {r}", "s", "all", ("src",), D, D, THRESHOLDS.get(r)) for r in RULE_IDS),
        measures=(_measure("chair-stand-30s", "higher", 2.5), _measure("tug", "lower", cutoffs=(TUG_CUTOFF,)),
                  _measure("lefs", "higher", 9), _measure("gait-speed", "higher", 0.1)),
        populations=(Population("pop", "people in the fixture"),),
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


def plain(case):
    """The case with its prose free of placeholders, for tests that remove what the prose cites."""
    text = Text("No figures here.")
    text.where = case.where
    return dataclasses.replace(case, summary=text, payable=(text,), denied_if=(text,),
                               reassessments=tuple(dataclasses.replace(r, summary=text) for r in case.reassessments))


# --- the clean case -------------------------------------------------------------------------------

def test_clean_case_has_no_findings(clean):
    assert run(clean, today=dt.date(2026, 11, 27)) == []


# --- referral -------------------------------------------------------------------------------------

def test_no_referral(clean):
    [p] = run(dataclasses.replace(clean, referral=None))
    assert (p.rule, p.where) == ("written-referral-required", clean.where)
    assert "Title of written-referral-required" in p.message and "Fixture Source Title" in p.message


def test_session_before_referral(clean):
    case = dataclasses.replace(clean, referral=dataclasses.replace(clean.referral, date=dt.date(2026, 3, 5)))
    [p] = run(case)
    assert (p.rule, p.where) == ("written-referral-required", clean.sessions[0].where)
    assert "2026-03-05" in p.message and "2026-03-04" in p.message


# --- ICD-10 links ---------------------------------------------------------------------------------

def test_claim_line_without_pointer(clean):
    [p] = run(with_claim(clean, 0, line("97530", 2, ()), line("97110", 1)))
    assert p.rule == "icd10-link-per-cpt" and "found no pointer" in p.message


def test_pointer_not_on_referral(clean):
    [p] = run(with_claim(clean, 0, line("97530", 2, ("C",)), line("97110", 1)))
    assert p.rule == "icd10-link-per-cpt" and "found 'C'" in p.message and "(A, B)" in p.message


def test_unlisted_pairing_is_a_warning(clean):
    narrow = dataclasses.replace(CAT.diagnoses[1], pairings=(Pairing("97110", "x"),))
    problems = run(clean, make_catalog(diagnoses=(CAT.diagnoses[0], narrow)))
    assert problems and {(p.rule, p.severity) for p in problems} == {("icd10-link-per-cpt", "warning")}
    assert len(problems) == len(clean.sessions)  # one 97530 line per session points at B
    assert "Z96.651 (97110), found 97530" in problems[0].message


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
    assert p.rule == "cms-8-minute-rule" and p.where == clean.sessions[0].where  # the day's total: the session
    assert ("over-billed: expected 3 units (97110 23 min + 97530 24 min; 47 timed minutes → "
            "97110 1, 97530 2), found 4 billed (97110 1, 97530 3)") in p.message


def test_under_billing_message_has_the_numbers(clean):
    [p] = run(with_claim(clean, 0, line("97530", 2)))
    assert p.rule == "cms-8-minute-rule"
    assert "under-billed: expected 3 units" in p.message and "found 2 billed (97110 0, 97530 2)" in p.message


def test_ama_rule_counts_each_code(clean):
    case = dataclasses.replace(clean, payer=dataclasses.replace(clean.payer, unit_rule="ama"))
    [p] = run(dataclasses.replace(case, sessions=case.sessions[:1]))
    assert p.rule == "ama-midpoint-rule"  # each code on its own: the line of the code that is wrong
    assert "expected 97110 billed as 2 units (23 min on its own), found 1" in p.message
    assert p.where == next(ln.where for ln in case.sessions[0].claim if ln.cpt == "97110")


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
    day = dt.date(2026, 4, 12)  # day 41
    late = dataclasses.replace(clean.reassessments[0], date=day, report=dataclasses.replace(
        clean.reassessments[0].report, period_end=day, written=day))
    [p] = run(plain(dataclasses.replace(clean, reassessments=(late,))))
    assert (p.rule, p.where) == ("reassess-every-30-days", clean.reassessments[0].where)
    assert "41 days later" in p.message


def test_session_billed_while_reassessment_overdue(clean):
    case = with_session(plain(dataclasses.replace(clean, reassessments=())), 4, date=dt.date(2026, 4, 3))
    [p] = run(case)
    assert (p.rule, p.where) == ("reassess-every-30-days", clean.sessions[4].where)
    assert "by 2026-04-01" in p.message and "32 days" in p.message


def test_no_measured_change(clean):
    same = dataclasses.replace(clean.reassessments[0], measures=clean.baseline.measures)
    [p] = run(plain(dataclasses.replace(clean, reassessments=(same,))))
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
    assert (lefs.improved, lefs.meaningful) == (True, False) and "not more than the MCID of 9" in lefs.verdict
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


@pytest.mark.parametrize("code,reason", [
    ("97140", "manual therapy"), ("97161", "PT evaluation"), ("97164", "PT re-evaluation"), ("97116", "gait training"),
    ("97150", "group code"), ("97535", "self-care"), ("97750", "physical performance test")])
def test_every_out_of_scope_code_is_an_error_with_its_reason(clean, catalog, code, reason):
    """Any code the shipped catalog marks out of scope, on a claim line: an error naming the code's reason."""
    s = clean.sessions[0]
    logged = (*s.activities, Activity(code, 0, "logged under the code", "why"))
    problems = run(with_session(clean, 0, activities=logged, claim=(*s.claim, line(code, 0, ("A",)))), catalog)
    errors = [p for p in problems if p.is_error and p.rule == "medexpro-codes-only"]
    assert len(errors) == 1 and f"found {code} (" in errors[0].message and errors[0].where == line(code, 0).where
    assert reason in errors[0].message  # the catalog's scope_reason for that code


def test_scope_comes_from_the_catalog(clean, catalog):
    """With no code out of scope, no scope finding: the audit names no code of its own."""
    everything = dataclasses.replace(catalog, cpt_codes=tuple(dataclasses.replace(c, in_scope=True, scope_reason="")
                                                              for c in catalog.cpt_codes))
    s = clean.sessions[0]
    case = with_session(clean, 0, claim=(*s.claim, line("97750", 0, ("A",))))
    assert "medexpro-codes-only" in rules(run(case, catalog))
    assert "medexpro-codes-only" not in rules(run(case, everything))


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
    assert rules(run(with_session(plain(clean), 0, activities=acts))) == [
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
    assert any("found breach no-gp-modifier in session 's2' on claim line 1 that the case does not declare" in p.message
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
    from metdocs.catalog.assemble import load_catalog
    from metdocs.catalog.icd import code_set
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


# --- who refers, who signs, who pays ---------------------------------------------------------------

@pytest.mark.parametrize("credential, supervised, found", [
    ("MD", None, False), ("DO", None, False), ("DPM", None, False), ("NP", "MD", False), ("PA", "DO", False),
    ("NP", None, True), ("PA", None, True), ("PT", None, True), ("DC", None, True), ("RN", None, True)])
def test_who_may_refer(clean, credential, supervised, found):
    ref = dataclasses.replace(clean.referral, credential=credential, supervised_by=supervised)
    problems = run(dataclasses.replace(clean, referral=ref))
    assert rules(problems) == (["referrer-may-refer"] if found else [])
    if found:
        assert problems[0].where == clean.referral.where and credential in problems[0].message


def test_referral_without_diagnosis_is_reported_on_the_referral_once(clean):
    ref = dataclasses.replace(clean.referral, diagnoses=())
    [p] = run(dataclasses.replace(clean, referral=ref))
    assert (p.rule, p.where) == ("written-referral-required", clean.referral.where)
    assert "diagnosis with its ICD-10 code, found none" in p.message


@pytest.mark.parametrize("kind, words", [("medicare-advantage", "Medicare Advantage, which is Medicare"),
                                         ("medicaid-managed-care", "Medicaid managed care, which is Medicaid")])
def test_managed_medicare_and_medicaid_are_still_public(clean, kind, words):
    [p] = run(dataclasses.replace(clean, payer=dataclasses.replace(clean.payer, type=kind)))
    assert (p.rule, p.where) == ("private-payers-only", clean.payer.where) and words in p.message


def test_plan_verified_after_billing_started(clean):
    payer = dataclasses.replace(clean.payer, verified=dt.date(2026, 3, 12))  # after s1 and s2
    problems = run(dataclasses.replace(clean, payer=payer))
    assert rules(problems) == ["verify-payer-before-billing"] * 2
    assert [p.where for p in problems] == [clean.sessions[0].where, clean.sessions[1].where]
    [p] = run(dataclasses.replace(clean, payer=dataclasses.replace(clean.payer, verified=None)))
    assert (p.rule, p.where) == ("verify-payer-before-billing", clean.payer.where)
    self_pay = dataclasses.replace(clean.payer, type="self-pay", verified=None)
    assert run(dataclasses.replace(clean, payer=self_pay)) == []


@pytest.mark.parametrize("credential", ["PTA", "aide", "personal-trainer", "PT"])
def test_billed_session_signed_by_someone_else(clean, credential):
    [p] = run(with_session(clean, 2, signer_credential=credential))
    assert (p.rule, p.where) == ("own-services-own-npi", clean.sessions[2].where)
    assert credential in p.message and "own NPI" in p.message


def test_unsigned_credential_is_a_missing_element(clean):
    [p] = run(with_session(clean, 0, signer_credential=None))
    assert p.rule == "signature-credentials"


# --- ordering and the progress report -------------------------------------------------------------

def test_billing_before_the_baseline(clean):
    base = dataclasses.replace(clean.baseline, date=dt.date(2026, 3, 5))  # after s1 (03-04)
    rep = dataclasses.replace(clean.reassessments[0].report, period_start=base.date)
    case = dataclasses.replace(clean, baseline=base,
                               reassessments=(dataclasses.replace(clean.reassessments[0], report=rep),))
    [p] = run(case)
    assert (p.rule, p.where) == ("baseline-before-billing", clean.sessions[0].where)
    assert "before any baseline existed" in p.message


def test_progress_report_gaps_are_one_finding(clean):
    r = clean.reassessments[0]
    bad = dataclasses.replace(r, measures=r.measures[1:], report=ProgressReport(
        dt.date(2026, 3, 3), r.date, dt.date(2026, 3, 29), None, where=r.report.where))
    [p] = run(plain(dataclasses.replace(clean, reassessments=(bad,))))
    assert (p.rule, p.where) == ("progress-report-content", r.report.where)
    for part in ("not re-tested: chair-stand-30s", "a period of 2026-03-03 to 2026-03-30", "2026-03-02 to 2026-03-30",
                 "written on 2026-03-29, before its period ends", "no recipient"):
        assert part in p.message, part
    [p] = run(plain(dataclasses.replace(clean, reassessments=(dataclasses.replace(r, report=None),))))
    assert (p.rule, p.where) == ("progress-report-content", r.where) and "no progress report" in p.message


# --- dose, precautions, words ---------------------------------------------------------------------

def test_home_program_and_resistance_days(clean):
    plan = dataclasses.replace(clean.plan, home_program=None)
    problems = run(plain(dataclasses.replace(clean, plan=plan)))
    assert rules(problems) == ["home-program", "resistance-2-days-a-week"]
    assert "1 supervised + 0 at home = 1" in problems[1].message
    twice = dataclasses.replace(clean.plan, home_program=None, sessions_per_week=2, frequency="2x/week for 8 weeks")
    assert rules(run(plain(dataclasses.replace(clean, plan=twice)))) == ["home-program"]


def test_fall_prevention_dose(clean):
    falls = make_catalog(diagnoses=(Diagnosis("Z47.1", "fall-risk-balance", (Pairing("97110", "x"),
                                                                              Pairing("97530", "x")), ("src",)),
                                    CAT.diagnoses[1]))
    problems = run(clean, falls)
    [p] = [p for p in problems if p.rule == "fall-prevention-dose"]
    assert "about 0 supervised (97112) + 140 at home = 140" in p.message  # post-tka: no 97112, 4 x 35 min at home
    home = dataclasses.replace(clean.plan.home_program, includes=("balance", "resistance"), days_per_week=6,
                               minutes_per_day=30)
    assert run(dataclasses.replace(clean, plan=dataclasses.replace(clean.plan, home_program=home)), falls) == []


def test_condition_precautions(clean):
    cats = (Category("diabetes", "Diabetes", "d", ("Check blood glucose before and after",), ("src",)),)
    cat = make_catalog(categories=cats, diagnoses=(dataclasses.replace(CAT.diagnoses[0], category="diabetes"),
                                                   CAT.diagnoses[1]))
    problems = run(clean, cat)
    assert rules(problems) == ["condition-precautions"] * (1 + len(clean.sessions))
    assert problems[0].where == clean.plan.where and "Check blood glucose" in problems[0].message
    plan = dataclasses.replace(clean.plan, precautions=("Glucose before and after",))
    case = dataclasses.replace(clean, plan=plan, sessions=tuple(
        dataclasses.replace(s, precautions="Glucose 140 before, 120 after") for s in clean.sessions))
    assert run(case, cat) == []


def test_therapy_words_are_a_warning(clean):
    [p] = run(with_session(clean, 1, response="Tolerated the therapy well."))
    assert (p.rule, p.severity) == ("avoid-therapy-words", "warning") and "'therapy'" in p.message


# --- code-set year --------------------------------------------------------------------------------

class CodeSetOf(FakeIcd):
    def __init__(self, year):
        self.fiscal_year = year


def test_dates_of_service_outside_the_code_set_year(clean):
    assert audit_case(clean, CAT, CodeSetOf("FY2026")) == []  # March-April 2026: inside FY2026
    [p] = audit_case(clean, CAT, CodeSetOf("FY2025"))  # a code set a year older than the dates
    assert (p.rule, p.severity, p.where) == ("billable-icd10-leaf", "warning", clean.sessions[0].where)
    assert "FY2025 (2024-10-01 to 2025-09-30)" in p.message and "falls in FY2026" in p.message
    from metdocs.catalog.icd import fiscal_year_of
    assert (fiscal_year_of(dt.date(2026, 9, 30)), fiscal_year_of(dt.date(2026, 10, 1))) == ("FY2026", "FY2027")


# --- session-log element checks -------------------------------------------------------------------

def test_start_stop_must_cover_the_minutes(clean):
    [p] = run(with_session(clean, 0, end="10:40"))  # 10:00-10:40 for 47 minutes logged
    assert p.rule == "session-start-stop" and "the 40 minutes from 10:00 to 10:40 to cover the 47 minutes logged" in p.message
    [p] = run(with_session(clean, 0, end="09:40"))
    assert "expected the stop after the start, found start 10:00 and stop 09:40" in p.message
    [p] = run(with_session(clean, 0, start=None))
    assert "found it missing" in p.message


def test_billed_code_needs_an_exercise_row_and_one_line(clean):
    s = clean.sessions[0]
    problems = run(with_session(clean, 0, activities=s.activities[:1]))
    assert "cpt-per-activity" in rules(problems)
    assert next(p for p in problems if p.rule == "cpt-per-activity").where == s.claim[0].where
    [p] = run(with_claim(clean, 0, line("97530", 1), line("97530", 1), line("97110", 1)))
    assert p.rule == "units-per-code" and "more than one claim line" in p.message
    [p] = run(with_session(clean, 0, group_size=None))
    assert p.rule == "one-on-one-statement"
    [p] = run(with_session(clean, 0, scope_acknowledged=False))
    assert p.rule == "scope-acknowledgement" and "answered 'no'" in p.message


# --- meaningful change: strictly larger, and the client's population -------------------------------

def test_a_change_equal_to_the_figure_is_not_meaningful(clean):
    r = clean.reassessments[0]
    at = dataclasses.replace(r, measures=tuple(dataclasses.replace(m, value=47) if m.measure == "lefs" else m
                                               for m in r.measures))  # 38 -> 47: exactly the MCID of 9
    lefs = next(c for c in measure_changes(dataclasses.replace(clean, reassessments=(at,)), CAT)
                if c.measure == "lefs")
    assert (lefs.change, lefs.meaningful) == (9, False) and "not more than the MCID of 9" in lefs.verdict


def test_figure_follows_the_clients_population(clean):
    tug = Measure("tug", "TUG", "TUG", "s", "lower", "t", (), "none", ("src",),
                  by_population=(ChangeFigure("MDC", 1.1, "knee", ("src",)), ChangeFigure("MDC", 3.5, "pd", ("src",))))
    chair = Measure("chair-stand-30s", "30CST", "30CST", "stands", "higher", "t", (), "MDC", ("src",), 2.5, "knee")
    cat = make_catalog(measures=(tug, chair), populations=(Population("knee", "people with knee OA"),
                                                           Population("pd", "people with Parkinson disease")))
    one = dataclasses.replace(clean, reassessments=clean.reassessments[:1])
    for pops, tug_fig, chair_fallback in ((("pd",), 3.5, True), (("knee",), 1.1, False), ((), None, True)):
        case = dataclasses.replace(one, client=dataclasses.replace(clean.client, population=pops))
        by = {c.measure: c for c in measure_changes(case, cat)}
        assert by["tug"].threshold == tug_fig
        assert by["chair-stand-30s"].figure.fallback is chair_fallback
        assert ("used as the fallback" in by["chair-stand-30s"].figure.label("stands")) is chair_fallback


# --- placeholders in prose ------------------------------------------------------------------------

def _say(case, text, field="payable"):
    t = Text(text)
    t.where = case.where
    return dataclasses.replace(case, **{field: (t,) if field in ("payable", "denied_if") else t})


def test_placeholders_render_and_unknown_ones_are_located(clean):
    from metdocs.rules import prose
    known = prose.facts(clean, CAT)
    assert prose.fill("s1: {s1.minutes:97530} + {s1.minutes:97110} min = {s1.units} units", known) == \
        "s1: 24 + 23 min = 3 units"
    assert known["r1.due"] == "2026-04-29" and known["r1.day"] == "28" and known["s1.units_ama"] == "4"
    [p] = run(_say(clean, "Billed {s9.units} units"))
    assert p.where == clean.where and p.rule == "" and "'{s9.units}'" in p.message
    [p] = run(_say(clean, "Billed {s1.unit} units"))
    assert "of that kind this case defines {s1.billed}" in p.message
    [p] = run(_say(clean, "A stray { brace"))
    assert "unmatched" in p.message


@pytest.mark.parametrize("text, figure", [
    ("Billing 4 units for 47 minutes to a CMS-rule payer", "'4 units', '47 minutes'"),  # the old osteoporosis s2 text
    ("Billing sessions after 2026-05-08 without a third reassessment", "'2026-05-08'"),   # the old fall-risk text
    ("TUG 15.1 → 13.0 s, past the cut-off", "'15.1 → 13.0'"),
    ("Reassessment on day 28", "'day 28'"),
    ("QuickDASH improved by 13.7 points", "'13.7 points'")])
def test_hand_written_figures_are_errors(clean, text, figure):
    [p] = run(_say(clean, text, "denied_if"))
    assert p.where == clean.where and p.is_error and figure in p.message, p.message


def test_rule_thresholds_and_cut_offs_may_be_written(clean):
    assert run(_say(clean, "Not billed: under 8 minutes, or 30 days after the last reassessment; the 12 s cut-off")) == []


# --- the catalog's rules are all enforced or marked for review --------------------------------------

def test_every_shipped_rule_is_enforced_or_reviewed(real):
    from metdocs.rules.audit.core import unenforced
    catalog, _ = real
    assert unenforced(catalog) == []
    ids = {r.id for r in catalog.rules}
    assert set(ENFORCED) <= ids, set(ENFORCED) - ids
    for r in catalog.rules:
        assert (r.id in ENFORCED) != bool(r.review.strip()), r.id


def test_unenforced_rule_is_an_error():
    from metdocs.rules.audit.core import unenforced
    lone = Rule("new-rule", "New", "s", "all", ("src",), D, D)
    [p] = unenforced(make_catalog(rules=(*CAT.rules, lone)))
    assert "'new-rule'" in p.message and "review:" in p.message
    both = dataclasses.replace(CAT.rules[0], review="a reason")
    [p] = unenforced(make_catalog(rules=(both, *CAT.rules[1:])))
    assert "found both" in p.message


def test_every_rule_the_audit_cites_is_registered():
    import re as _re
    source = "".join(p.read_text() for p in sorted((ROOT / "generator" / "rules" / "audit").glob("*.py")))
    cited = set(_re.findall(r'ctx\.breach\([^,]+,\s*"([a-z0-9-]+)"', source))
    cited |= set(_re.findall(r': "([a-z0-9-]+)"', source.split("UNIT_RULES = ", 1)[1].split("\n", 1)[0]))
    assert cited and cited <= set(ENFORCED), cited - set(ENFORCED)
