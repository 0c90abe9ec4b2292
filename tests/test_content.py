"""The teaching content says what its sources say (issue 14's review, item by item).

Each test names the error the December 2026 review found and proves it is gone from the
shipped catalog and cases, or that the engine now catches it. They read the real data, so a
later edit that brings an error back fails here.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from metdocs.rules import prose
from metdocs.rules.audit.core import audit_case, case_findings
from metdocs.rules.measures import cutoffs_for, exceeds, figure_for, measure_changes
from metdocs.catalog.schema import Text

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "data" / "cases"


def _rule(catalog, id_):
    return next(r for r in catalog.rules if r.id == id_)


def _said(case, catalog):
    """All of a case's prose as its page shows it."""
    known = prose.facts(case, catalog)
    return "\n".join(prose.fill(t, known) for _, t in prose.prose_fields(case))


def _with(case, field, text):
    t = Text(text)
    t.where = case.where
    return dataclasses.replace(case, **{field: (t,)})


# --- the listed errors in the cases ----------------------------------------------------------------

def test_osteoporosis_s2_figures_come_from_s2(cases, real):
    catalog, icd = real
    case = cases["osteoporosis"]
    text = _said(case, catalog)
    assert "4 units for 47 minutes" not in text
    assert "s2 logged 25 + 20 = 45 minutes, which bill 2 + 1 = 3 units" in text
    # and the old sentence, fed back in, is a located error
    [p] = audit_case(_with(case, "denied_if", "Billing s2 as 4 units for 47 minutes to a CMS-rule payer"), catalog, icd)
    assert p.where == case.where and "'4 units', '47 minutes'" in p.message


def test_fall_risk_due_date_and_tug_claim(cases, real):
    catalog, _ = real
    case = cases["fall-risk-older-adult"]
    known = prose.facts(case, catalog)
    assert known["r2.due"] == "2026-06-06"  # the 2026-05-07 reassessment covers sessions until then
    text = _said(case, catalog)
    assert "2026-05-08" not in text and "after 2026-06-06 without a third reassessment" in text
    assert "past their cut-offs" not in text
    assert known["r1.cutoff:tug"].startswith("within the range 'At risk of falling'")  # 13.0 s on day 28


def test_deconditioning_gait_speed_is_not_past_its_cut_off(cases, real):
    catalog, _ = real
    text = _said(cases["general-deconditioning"], catalog)
    assert "all three measures past their cut-offs" not in text
    assert "still within the range 'High fall risk (secondary source)'" in text


def test_post_stroke_chair_stand_compares_one_protocol(cases):
    case = cases["post-stroke-hemiparesis"]
    assert "pushes up with his left arm to rise from a chair" not in case.summary
    assert "arms folded" in case.summary and "scores 0" in case.summary
    assert not any("without pushing on the arms" in g for g in case.plan.goals)


GAIT_DRILL = re.compile(r"\b(?:tandem walk|walking (?:with|heel|backwards|around|over|on)|figure-of-eight walk|"
                        r"arm swing|counted steps|head turns|gait)", re.I)
WALKING = re.compile(r"\bwalk", re.I)
"""Any walking at all: never a balance drill (97112). A 97530 task may include a few steps (rise, walk 3 m,
turn and sit), as long as the task, not the walking, is what is practised."""


def test_no_gait_training_or_head_turn_drills_under_met_codes(cases):
    """Walking drills are gait training (97116) and head-turn drills come close to vestibular work:
    neither may be logged under 97110, 97112 or 97530. Treadmill walking for endurance (97110) is exercise;
    plain walking logged as 97530 stays only where a drill teaches why it is wrong."""
    taught = {("balance-group-flawed", "s4")}
    for case in cases.values():
        for s in case.sessions:
            for a in s.activities:
                if a.cpt in ("97110", "97112", "97530") and a.description and (case.id, s.id) not in taught:
                    hit = GAIT_DRILL.search(a.description) or (a.cpt == "97112" and WALKING.search(a.description))
                    assert not hit, (case.id, s.id, a.cpt, hit and hit.group(0))


def test_parkinsons_lesson_forbids_relabelling(cases, real):
    catalog, _ = real
    case = cases["parkinsons"]
    lesson = " ".join(case.denied_if)
    assert "relabelling it under another code is never allowed" in lesson
    assert "Walking with large arm swing" not in " ".join(a.description or "" for s in case.sessions for a in s.activities)


def test_balance_group_does_not_teach_billing_97150(cases):
    note = next(b.note for b in cases["balance-group-flawed"].expected_breaches if b.rule == "one-on-one-vs-group")
    assert "outside MedExPRO scope" in note and "only 97150 can be billed" not in note
    note = next(b.note for b in cases["drill-group-class-billed-one-on-one"].expected_breaches
                if b.rule == "one-on-one-vs-group")
    assert "outside MedExPRO scope" in note


def test_lefs_plus_nine_is_not_meaningful(cases, real):
    catalog, _ = real
    case = cases["drill-units-over-minutes"]
    [lefs] = [c for c in measure_changes(case, catalog) if c.measure == "lefs"]
    assert (lefs.change, lefs.meaningful) == (9, False)
    assert "meets the MCID" not in _said(case, catalog)
    assert exceeds(9.0000000001, 9) is False and exceeds(9.1, 9) is True


# --- measures: figures, populations, claims --------------------------------------------------------

def test_quickdash_uses_a_figure_above_measurement_error(real, cases):
    catalog, _ = real
    qd = catalog.measure("quickdash")
    assert qd.meaningful_change == 17.1 and qd.change_kind == "SDC"
    assert {(f.kind, f.value) for f in qd.by_population} == {("MCID", 15.91)}
    fig = figure_for(qd, cases["rotator-cuff-repair"].client, catalog)
    assert (fig.value, fig.fallback) == (17.1, False)
    pt = cases["drill-pt-codes"]  # 38.6 -> 25.0 is 13.6 points: improvement, not more than the SDC
    [c] = [c for c in measure_changes(pt, catalog) if c.measure == "quickdash"]
    assert (c.improved, c.meaningful) == (True, False)


def test_every_figure_names_a_population(real):
    catalog, _ = real
    pops = {p.id for p in catalog.populations}
    for m in catalog.measures:
        if m.meaningful_change is not None:
            assert m.change_population in pops, m.id
        assert all(f.population in pops for f in m.by_population), m.id
    chair = catalog.measure("chair-stand-30s")
    assert chair.change_population == "knee-oa" and "knee osteoarthritis" in chair.change_note
    walk = catalog.measure("six-minute-walk")
    assert ("MCID", 30, "copd") in {(f.kind, f.value, f.population) for f in walk.by_population}
    assert "two walks" in walk.change_note
    assert {f.population for f in catalog.measure("tug").by_population} >= {"knee-oa", "parkinsons"}
    assert {f.population for f in catalog.measure("five-times-sit-to-stand").by_population} == {"copd"}
    assert catalog.measure("five-times-sit-to-stand").meaningful_change == 2.5


def test_unconfirmed_gait_speed_falls_claim_is_gone(real):
    catalog, _ = real
    gs = catalog.measure("gait-speed")
    assert "11%" not in gs.change_note and "fewer falls" not in gs.change_note
    assert "pmc7662180-gait-speed-falls" not in gs.sources


def test_cut_offs_for_the_clients_age_band_and_sex(real, cases):
    catalog, _ = real
    chair = catalog.measure("chair-stand-30s")
    shown = [c.text for c in cutoffs_for(chair, cases["osteoporosis"].client) if c.value is not None]
    assert shown == ["Fewer than 11 stands"]  # women 65-69 only
    sts = catalog.measure("five-times-sit-to-stand")
    assert [c.ages for c in cutoffs_for(sts, cases["fall-risk-older-adult"].client) if c.ages] == ["80-89"]


# --- rules, codes and sources ----------------------------------------------------------------------

def test_rule_wording_matches_its_sources(real):
    catalog, _ = real
    assert "Some commercial payers" in _rule(catalog, "ama-midpoint-rule").statement
    assert "Many commercial payers" not in _rule(catalog, "ama-midpoint-rule").statement
    assert "referring provider" not in _rule(catalog, "reassess-every-30-days").statement
    private = _rule(catalog, "private-payers-only")
    assert "meti-met-cpt-bridge" not in private.sources  # the article never mentions Medicare or Medicaid
    assert "Medicare Advantage" in private.statement and "managed-care" in private.statement
    incident = _rule(catalog, "never-bill-as-physical-therapy").statement
    assert "qualifications of a physical therapist" in incident and "directly supervise them" not in incident
    assert "larger than (not equal to)" in _rule(catalog, "measurable-improvement").statement
    assert "outside MedExPRO scope" in _rule(catalog, "one-on-one-vs-group").statement
    npi = _rule(catalog, "own-services-own-npi").statement
    assert "NPI" in npi and "another provider" in npi
    assert "provider type" in _rule(catalog, "verify-payer-before-billing").statement
    assert "FY2027" in _rule(catalog, "billable-icd10-leaf").statement


def test_cpt_wording(real):
    catalog, _ = real
    assert "one physical quality at a time" not in catalog.cpt("97110").description
    assert "several together" in catalog.cpt("97110").description
    assert "whole-body tasks" not in catalog.cpt("97530").description
    assert "upper limbs" in catalog.cpt("97530").description


def test_orthopedic_aftercare_code(real, cases):
    catalog, icd = real
    assert icd.lookup("Z47.89").billable
    z = next(d for d in catalog.diagnoses if d.code == "Z47.89")
    assert {p.cpt for p in z.pairings} == {"97110", "97530"}
    assert [d.code for d in cases["rotator-cuff-repair"].referral.diagnoses] == ["M75.101", "Z47.89"]
    assert [d.code for d in cases["post-tka-clean"].referral.diagnoses] == ["Z47.1", "Z96.651"]


def test_cpt_notice_carries_its_year():
    notice = "CPT copyright 2025 American Medical Association"
    for path in ("mkdocs.yml", "templates/pages/cpt_index.md.j2", "data/catalog/cpt_codes.yaml", "README.md"):
        text = " ".join((ROOT / path).read_text().split())
        assert notice in text, path


def test_home_page_promises_no_payment():
    text = (ROOT / "site_src" / "index.md").read_text()
    assert "Most trainers are turned down" not in text and "gets paid" not in text
    assert "cannot" in text and "promise payment" in " ".join(text.split())


# --- realistic cases -------------------------------------------------------------------------------

def test_every_case_has_a_home_program_and_dose(cases, real):
    catalog, icd = real
    for case in cases.values():
        assert case.plan.home_program is not None, case.id
        if any(c.cpt == "97110" for c in case.plan.codes):
            home = case.plan.home_program
            days = case.plan.sessions_per_week + (home.days_per_week if "resistance" in home.includes else 0)
            assert days >= 2, case.id
        assert not [f for f in case_findings(case, catalog, icd)
                    if f.problem.rule in ("home-program", "resistance-2-days-a-week", "fall-prevention-dose")], case.id


def test_diabetes_case_checks_glucose_and_feet(cases):
    case = cases["diabetic-neuropathy"]
    assert any("glucose" in p.lower() for p in case.plan.precautions)
    assert any("feet" in p.lower() for p in case.plan.precautions)
    for s in case.sessions:
        assert "Glucose" in s.precautions and "feet inspected" in s.precautions, s.id


def test_shipped_dates_of_service_are_in_the_code_set_year(cases, real):
    _, icd = real
    from metdocs.catalog.icd import fiscal_year_of
    for case in cases.values():
        for s in case.sessions:
            assert fiscal_year_of(s.date) == icd.fiscal_year, (case.id, s.id, s.date)


def test_no_case_prose_has_a_hand_written_engine_figure(cases, real):
    """Belt and braces over the audit: every piece of shipped case prose passes the figure check."""
    catalog, _ = real
    rules, values = prose.rule_constants(catalog), prose.measure_constants(catalog)
    for case in cases.values():
        known = prose.facts(case, catalog)
        for label, text in prose.prose_fields(case):
            assert prose.check_text(label, text, known, rules, values) == [], (case.id, label)


# The figure patterns as first written: readable, but `re` tries them at every position. prose.py
# keeps faster forms (a character class first, the lookbehind after it) that must find the same.
_READABLE = {
    "_DATE": r"\b\d{4}-\d{2}-\d{2}\b",
    "_COUNT": r"(?<![\w.\-])(?!\d{5}\b)(\d+(?:\.\d+)?)(?:\s*\+\s*\d+(?:\.\d+)?)*\s+(?:[a-z]+\s+)?"
              r"(units?|minutes?|mins?|days?|sessions?)\b",
    "_DAY": r"(?i)\bday\s+\d+\b",
    "_MEASURE": r"(?<![\w.\-])(?!\d{5}\b)(\d+(?:\.\d+)?)\s*(s|seconds?|points?|stands?|m/s|m|metres|meters)(?![\w/])",
}


@pytest.mark.parametrize("name", sorted(_READABLE))
def test_fast_figure_patterns_find_what_the_readable_ones_do(name):
    import random
    readable, fast = re.compile(_READABLE[name]), getattr(prose, name)
    pieces = [*"0123456789" * 3, *" .-+→>/:_x" * 2, "day", "Day", "DAY", "units", "min", "s", "m", "m/s",
              "points", "2026-01-05", "12345", "->", "é", "١", "a", " seconds", "\n"]
    rng = random.Random(name)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(20000)]
    texts += [line for f in sorted((ROOT / "data").rglob("*.yaml")) for line in f.read_text(encoding="utf-8").splitlines()]
    differ = [t for t in texts if [(m.span(), m.groups()) for m in readable.finditer(t)]
              != [(m.span(), m.groups()) for m in fast.finditer(t)]]
    assert differ == [], differ[:5]
