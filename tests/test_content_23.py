"""Issue 23's content errors stay fixed: each test reads the shipped catalog, cases and templates,
so an edit that brings an error back fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from metdocs.cases.read import load_cases
from metdocs.rules.measures import figure_for, measure_changes

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "data" / "cases"


# --- 2. a stroke client's gait speed is judged by a stroke figure ------------------------------------

def test_stroke_population_has_its_own_gait_speed_figure(real):
    catalog, _ = real
    gait = catalog.measure("gait-speed")
    fig = next(f for f in gait.by_population if f.population == "stroke")
    assert fig.value == 0.16 and fig.kind == "MCID" and "tilson-2010-gait-speed-stroke" in fig.sources
    assert gait.review_by and str(gait.review_by) >= "2027-06-30"


def test_every_stroke_case_is_judged_as_stroke(real, cases):
    catalog, _ = real
    stroke = {d.code for d in catalog.diagnoses if d.category == "stroke"}
    found = [c for c in cases.values() if c.referral and {d.code for d in c.referral.diagnoses} & stroke]
    assert found, "expected at least one shipped case after a stroke"
    for case in found:
        assert case.client.population[:1] == ("stroke",), case.id
        fig = figure_for(catalog.measure("gait-speed"), case.client, catalog)
        assert not fig.fallback and fig.value == 0.16, case.id


def test_post_stroke_gait_gain_is_not_called_meaningful(real, cases):
    catalog, _ = real
    case = cases["post-stroke-hemiparesis"]
    gait = next(c for c in measure_changes(case, catalog) if c.measure == "gait-speed")
    assert gait.change < 0.16 and gait.improved and gait.meaningful is False
    assert "not more than the MCID of 0.16" in gait.verdict


# --- 6. smaller items ---------------------------------------------------------------------------------

def test_r42_no_longer_supports_balance_training(real):
    catalog, _ = real
    assert not [d for d in catalog.diagnoses if d.code == "R42"]


def test_units_page_says_some_commercial_payers():
    text = (ROOT / "templates" / "pages" / "units_rules.md.j2").read_text()
    assert "many\ncommercial payers" not in text and "many commercial payers" not in text
    assert "some\ncommercial payers use the **per-code" in text


def test_progress_report_help_says_more_than():
    form = yaml.safe_load((ROOT / "templates" / "forms" / "progress-report.yaml").read_text())
    helps = [f.get("help", "") for s in form["sections"] for f in s.get("fields", [])]
    change = next(h for h in helps if h.startswith("Change is Now minus Baseline"))
    assert "reaches" not in change and "more than" in change


def test_referral_expiry_note_is_a_house_default(real):
    catalog, _ = real
    el = next(e for e in catalog.elements if e.id == "referral-validity")
    assert "most payers copy" not in el.unconfirmed and "house default" in el.unconfirmed


# --- 3. precautions for every condition category that has known ones --------------------------------

@pytest.mark.parametrize("category, words", [
    ("heart", ("heart rate", "blood pressure", "perceived exertion", "symptoms")),
    ("lung", ("SpO2", "dyspnoea")),
    ("stroke", ("blood pressure",)),
    ("multiple-sclerosis", ("heat", "fatigue")),
    ("bone-health", ("flexion", "twisting")),
    ("diabetes-neuropathy", ("glucose", "feet")),
])
def test_condition_categories_carry_their_precautions(real, category, words):
    catalog, _ = real
    cat = next(c for c in catalog.categories if c.id == category)
    text = " ".join(cat.precautions)
    for w in words:
        assert w in text, (category, w)
    assert cat.precaution_sources and cat.precaution_codes, category


@pytest.mark.parametrize("codes, expected", [
    (["E11.42"], ["diabetes-neuropathy"]),
    (["E11.9"], ["diabetes-neuropathy"]),   # not in the catalog: the family still brings the checks
    (["E10.42"], ["diabetes-neuropathy"]),
    (["E13.9"], ["diabetes-neuropathy"]),
    (["G62.9"], []),                        # polyneuropathy alone is not diabetes
    (["I50.9"], ["heart"]), (["J44.9"], ["lung"]), (["I69.354"], ["stroke"]), (["G35.A"], ["multiple-sclerosis"]),
    (["G20.A1"], []), (["M81.0"], ["bone-health"]), (["M17.11"], []),
])
def test_precautions_follow_the_code_family(real, codes, expected):
    catalog, _ = real
    assert [c.id for c in catalog.precautions_for(codes)] == expected


def test_audit_asks_for_glucose_on_an_unlisted_diabetes_code_only(real, cases):
    import dataclasses
    from metdocs.cases.model import ReferralDiagnosis
    from metdocs.rules.audit.core import audit_case
    catalog, icd = real
    clean = cases["post-tka-clean"]

    def with_code(code):
        ref = dataclasses.replace(clean.referral, diagnoses=clean.referral.diagnoses + (
            ReferralDiagnosis(code, "C", clean.referral.where),))
        return audit_case(dataclasses.replace(clean, referral=ref), catalog, icd)

    found = [p for p in with_code("E11.9") if p.rule == "condition-precautions"]
    assert len(found) == 1 + len(clean.sessions) and "glucose" in found[0].message
    assert [p for p in with_code("G62.9") if p.rule == "condition-precautions"] == []


# --- 1. the clean exemplar bills no stair practice as 97530 ------------------------------------------

def test_clean_exemplar_logs_no_stair_practice_as_97530(real, cases):
    from metdocs.rules.audit.content import misfit_words
    catalog, _ = real
    case = cases["post-tka-clean"]
    misfits = catalog.cpt("97530").misfits
    assert any(m.belongs_under == "97116" and "stairs" in m.words for m in misfits)
    for s in case.sessions:
        for a in s.activities:
            if a.cpt == "97530":
                assert not [w for m in misfits for w in misfit_words(a.description, m)], (s.id, a.description)
    assert not any("reciprocal" in g for g in case.plan.goals)
    s4 = next(s for s in case.sessions if s.id == "s4")
    assert "carrying" in next(a for a in s4.activities if a.cpt == "97530").description.lower()


def test_no_pairing_language_describes_work_of_another_code(real):
    from metdocs.rules.audit.content import misfit_words
    catalog, _ = real
    for d in catalog.diagnoses:
        for p in d.pairings:
            code = catalog.cpt(p.cpt)
            hits = [w for m in code.misfits for w in misfit_words(p.language, m)]
            assert not hits, (d.code, p.cpt, hits, p.language)


def test_a_stair_flight_for_itself_is_caught_in_the_clean_exemplar(real, cases):
    import dataclasses
    from metdocs.rules.audit.core import audit_case
    catalog, icd = real
    case = cases["post-tka-clean"]
    i = next(i for i, s in enumerate(case.sessions) if s.id == "s4")
    s4 = case.sessions[i]
    acts = tuple(dataclasses.replace(a, description="Full flight of 12 stairs with one rail x3, reciprocal")
                 if a.cpt == "97530" else a for a in s4.activities)
    sessions = case.sessions[:i] + (dataclasses.replace(s4, activities=acts),) + case.sessions[i + 1:]
    [p] = audit_case(dataclasses.replace(case, sessions=sessions), catalog, icd)
    assert p.rule == "activity-fits-code" and "97116" in p.message and "'stairs'" in p.message


def test_calling_the_stroke_gait_gain_meaningful_is_caught(real, cases):
    import dataclasses
    from metdocs.catalog.schema import Text
    from metdocs.rules.audit.core import audit_case
    catalog, icd = real
    case = cases["post-stroke-hemiparesis"]
    r = case.reassessments[0]
    t = Text(r.summary + " Gait speed {baseline:gait-speed} → {r1:gait-speed} m/s is a meaningful gain.")
    t.where = r.summary.where
    [p] = audit_case(dataclasses.replace(case, reassessments=(dataclasses.replace(r, summary=t),)), catalog, icd)
    assert p.rule == "meaningful-claims-match" and "MCID of 0.16" in p.message


# --- icd10-conventions (the real code set's notes and titles) -----------------------------------------

def _coded(case, *codes):
    import dataclasses
    from metdocs.cases.model import ReferralDiagnosis
    extra = tuple(ReferralDiagnosis(c, "CDEFG"[i], case.referral.where) for i, c in enumerate(codes))
    return dataclasses.replace(case, referral=dataclasses.replace(case.referral, diagnoses=case.referral.diagnoses
                                                                  + extra))


def _conventions(case, real):
    from metdocs.rules.audit.core import audit_case
    catalog, icd = real
    return [p for p in audit_case(case, catalog, icd) if p.rule == "icd10-conventions"]


@pytest.mark.parametrize("codes, named", [(("R26.2", "R26.81"), "unsteadiness on feet (R26.81)"),
                                          (("R53.1", "M62.81"), "muscle weakness (generalized) (M62.81)")])
def test_excludes1_pairs_on_one_referral(real, cases, codes, named):
    [p] = _conventions(_coded(cases["post-tka-clean"], *codes), real)
    assert f"found {codes[0]} with {codes[1]}" in p.message and named in p.message


def test_codes_without_an_excludes1_note_between_them(real, cases):
    assert _conventions(_coded(cases["post-tka-clean"], "R26.81", "M62.81"), real) == []
    assert _conventions(cases["post-tka-clean"], real) == []


def test_status_codes_alone_name_no_condition(real, cases):
    import dataclasses
    case = cases["post-tka-clean"]
    only_status = dataclasses.replace(case.referral, diagnoses=case.referral.diagnoses[1:])
    [p] = _conventions(dataclasses.replace(case, referral=only_status), real)
    assert "only status or history codes (Z96.651)" in p.message


def test_laterality_of_the_diagnosis_against_the_sessions(real, cases):
    import dataclasses
    case = cases["post-tka-clean"]
    s = case.sessions[0]
    acts = (dataclasses.replace(s.activities[0], description="Leg press 3x12 at 30 kg; left knee extension 3x10"),
            *s.activities[1:])
    [p] = _conventions(dataclasses.replace(case, sessions=(dataclasses.replace(s, activities=acts),)
                                           + case.sessions[1:]), real)
    assert "(right knee)" in p.message and "'left knee'" in p.message and "session s1 (4 March 2026)" in p.message


# --- referrer-scope-fits -------------------------------------------------------------------------------

def _referred(case, credential, *codes):
    import dataclasses
    from metdocs.cases.model import ReferralDiagnosis
    diagnoses = tuple(ReferralDiagnosis(c, "AB"[i], case.referral.where) for i, c in enumerate(codes))
    return dataclasses.replace(case, referral=dataclasses.replace(case.referral, credential=credential,
                                                                  provider_role="podiatrist", diagnoses=diagnoses))


def _scope(case, real):
    from metdocs.rules.audit.core import audit_case
    catalog, icd = real
    return [p for p in audit_case(case, catalog, icd) if p.rule == "referrer-scope-fits"]


def test_podiatrist_referring_a_shoulder(real, cases):
    case = _referred(cases["rotator-cuff-repair"], "DPM", *[d.code for d in cases["rotator-cuff-repair"].referral.diagnoses])
    found = _scope(case, real)
    assert found and "'shoulder' in its title" in found[0].message and "podiatrist (DPM)" in found[0].message
    [p] = _scope(_referred(cases["post-stroke-hemiparesis"], "DPM", "I69.351"), real)
    assert "brain, heart, lungs or skeleton" in p.message


def test_podiatrist_referring_a_foot_condition_or_a_physician_anything(real, cases):
    assert _scope(_referred(cases["diabetic-neuropathy"], "DPM", "E11.42", "R26.81"), real) == []
    rc = cases["rotator-cuff-repair"]
    assert _scope(rc, real) == [] and rc.referral.credential in ("MD", "DO")


# --- 4. (content half) a client past the fall-risk cut-offs gets balance work ---------------------------

def test_general_deconditioning_client_at_fall_risk_has_balance_work(real, cases):
    from metdocs.rules.measures import beyond, cutoffs_for
    catalog, _ = real
    case = cases["general-deconditioning"]
    at_risk = [mv.measure for mv in case.baseline.measures
               for c in cutoffs_for(catalog.measure(mv.measure), case.client)
               if "fall" in c.label.lower() and c.value is not None and beyond(c, mv.value)]
    assert set(at_risk) >= {"tug", "gait-speed"}
    home = case.plan.home_program
    assert "balance" in home.includes and "semi-tandem" in home.description
    assert any("balance" in g for g in case.plan.goals)


# --- 5. a frequency that changes over time, and the dose that follows it --------------------------------

def test_every_other_week_is_not_counted_as_weekly(real, cases):
    import dataclasses
    from metdocs.rules.audit.core import audit_case
    catalog, icd = real
    case = cases["fall-risk-older-adult"]
    assert [ph.per_week for ph in case.plan.phases] == [1, 0.5]
    home = dataclasses.replace(case.plan.home_program, days_per_week=5, minutes_per_day=32)
    thinner = dataclasses.replace(case, plan=dataclasses.replace(case.plan, home_program=home))
    [p] = [p for p in audit_case(thinner, catalog, icd) if p.rule == "fall-prevention-dose"]
    assert "in phase 2 (1 session(s) every 2 week(s), for 4 weeks)" in p.message and "+ 160 at home = 172" in p.message
    weekly = dataclasses.replace(thinner, plan=dataclasses.replace(thinner.plan, phases=()))
    assert [p for p in audit_case(weekly, catalog, icd) if p.rule == "fall-prevention-dose"] == []


def test_every_other_week_needs_its_phases_located(tmp_path):
    text = (CASES / "fall-risk-older-adult.yaml").read_text()
    phases = "  phases:\n    - {weeks: 4, sessions: 1}\n    - {weeks: 4, sessions: 1, every_weeks: 2}\n"
    assert phases in text
    (tmp_path / "fall-risk-older-adult.yaml").write_text(text.replace(phases, ""))
    _, problems = load_cases(tmp_path)
    [p] = problems
    line = text[:text.index("  frequency:")].count("\n") + 1
    assert p.where.line == line and "for a frequency that changes to every other week" in p.message


def test_fall_dose_rule_sees_fall_risk_from_the_measures(real, cases):
    import dataclasses
    from metdocs.rules.audit.core import audit_case
    catalog, icd = real
    case = cases["general-deconditioning"]
    home = dataclasses.replace(case.plan.home_program, includes=("resistance", "aerobic", "task-practice"))
    bare = dataclasses.replace(case, plan=dataclasses.replace(case.plan, home_program=home))
    [p] = [p for p in audit_case(bare, catalog, icd) if p.rule == "fall-prevention-dose"]
    assert "Timed Up and Go 14.5 (At risk of falling)" in p.message and "gait speed" in p.message.lower()
