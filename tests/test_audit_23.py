"""Issue 23's audit rules, each with a case that breaks it and a clean case that must not.

Like tests/test_audit.py, these change the clean shipped case one thing at a time and audit it
against the small catalog built there, so they do not move when data/catalog/ is edited."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from metdocs.cases.read import load_cases
from metdocs.cases.model import Renewal
from metdocs.catalog.model import Misfit
from metdocs.catalog.schema import Text
from test_audit import CASES, CAT, make_catalog, plain, rules, run, with_session

STAIRS = Misfit(("stairs", "stair", "flight of", "reciprocal"), "97116", "Stair practice for itself is gait training.",
                ("carrying", "basket"))
BALANCE = Misfit(("balance", "tandem", "single-leg stance"), "97112", "Balance work is neuromuscular re-education.")


@pytest.fixture(scope="module")
def clean():
    cases, problems = load_cases(CASES)
    assert problems == []
    return next(c for c in cases if c.id == "post-tka-clean")


def with_misfits(**by_code):
    return make_catalog(cpt_codes=tuple(dataclasses.replace(c, misfits=by_code.get(f"c{c.code}", ()))
                                        for c in CAT.cpt_codes))


def described(case, session: int, code: str, text: str):
    s = case.sessions[session]
    acts = tuple(dataclasses.replace(a, description=text) if a.cpt == code else a for a in s.activities)
    sessions = list(case.sessions)
    sessions[session] = dataclasses.replace(s, activities=acts)
    return dataclasses.replace(case, sessions=tuple(sessions))


# --- activity-fits-code ------------------------------------------------------------------------------

def test_clean_case_fits_its_codes(clean):
    assert run(clean, with_misfits(c97530=(STAIRS,), c97110=(BALANCE,))) == []


def test_stair_practice_for_itself_under_97530(clean):
    cat = with_misfits(c97530=(STAIRS,))
    case = described(clean, 3, "97530", "Full flight of 12 stairs with one rail x3, reciprocal; car transfers x5")
    [p] = run(case, cat)
    assert p.rule == "activity-fits-code" and p.where == case.sessions[3].activities[1].where
    assert "'flight of', 'stairs', 'reciprocal'" in p.message and "belongs under 97116" in p.message
    assert "Stair practice for itself is gait training." in p.message


def test_carrying_up_the_stairs_stays_97530(clean):
    cat = with_misfits(c97530=(STAIRS,))
    assert run(described(clean, 3, "97530", "Carrying a 3 kg basket up 12 stairs x3; car transfers x5"), cat) == []
    # the exception holds only inside its own part of the description
    [p] = run(described(clean, 3, "97530", "Carrying a basket to the car x3; 12 stairs x3 reciprocal"), cat)
    assert "'stairs', 'reciprocal'" in p.message


def test_balance_work_under_97110(clean):
    cat = with_misfits(c97110=(BALANCE,))
    [p] = run(described(clean, 0, "97110", "Leg press 3x12; tandem stance 3x30 s; single leg stance 3x"), cat)
    assert p.rule == "activity-fits-code" and "'tandem', 'single leg stance'" in p.message and "97112" in p.message
    # whole words only: 'imbalance' is not 'balance'
    assert run(described(clean, 0, "97110", "Leg press 3x12 for the strength imbalance"), cat) == []


def test_the_words_are_catalog_data(clean):
    case = described(clean, 0, "97110", "Leg press 3x12; wobble board 3x30 s")
    assert run(case, with_misfits(c97110=(BALANCE,))) == []
    grown = Misfit(BALANCE.words + ("wobble board",), "97112", BALANCE.why)
    assert rules(run(case, with_misfits(c97110=(grown,)))) == ["activity-fits-code"]


# --- referral-in-force ---------------------------------------------------------------------------------

def with_referral(case, **changes):
    return dataclasses.replace(case, referral=dataclasses.replace(case.referral, **changes))


def test_referral_in_force_clean(clean):
    last = max(s.date for s in clean.sessions)
    assert run(with_referral(clean, expires=last, authorised_visits=len(clean.sessions))) == []


def test_session_after_the_referral_expires(clean):
    s4 = clean.sessions[3]
    problems = run(with_referral(clean, expires=s4.date - dt.timedelta(days=1)))
    assert rules(problems) == ["referral-in-force"] * 2  # s4 and s5
    assert problems[0].where == s4.where and "found session s4 (25 March 2026) billed with none" in problems[0].message


def test_session_past_the_authorised_visits(clean):
    [p] = run(with_referral(clean, authorised_visits=4))
    assert p.rule == "referral-in-force" and "at most 4 billed visits" in p.message and "visit 5" in p.message
    assert p.where == clean.sessions[4].where


def test_a_renewal_covers_what_follows(clean):
    s4 = clean.sessions[3]
    renewal = Renewal(s4.date, authorised_visits=2, where=clean.referral.where)
    assert run(with_referral(clean, expires=s4.date - dt.timedelta(days=1), renewals=(renewal,))) == []
    # the renewal's own count runs from its date
    short = Renewal(s4.date, authorised_visits=1, where=clean.referral.where)
    [p] = run(with_referral(clean, authorised_visits=3, renewals=(short,)))
    assert "under the renewal of" in p.message and "session s5 (1 April 2026)" in p.message


@pytest.mark.parametrize("lines, expected", [
    ("  expires: 2026-02-01\n", "expected the referral to expire on or after its date 2026-02-20, found expires: 2026-02-01"),
    ("  authorised_visits: 0\n", "expected authorised_visits from 1 to 999, found 0"),
    ("  renewals:\n    - {date: 2026-01-02, authorised_visits: 4}\n",
     "expected a renewal dated on or after the referral (2026-02-20), found 2026-01-02"),
])
def test_referral_validity_format_errors_are_located(tmp_path, lines, expected):
    text = (CASES / "post-tka-clean.yaml").read_text()
    text = text.replace("  expires: 2026-05-20\n", "").replace("  authorised_visits: 12\n", "")
    text = text.replace("  provider_role: \"orthopedic surgeon\"\n", lines + "  provider_role: \"orthopedic surgeon\"\n", 1)
    (tmp_path / "post-tka-clean.yaml").write_text(text)
    _, problems = load_cases(tmp_path)
    [p] = problems
    line = text[:text.index(lines)].count("\n") + 1
    assert p.message == expected and p.where.line in (line, line + 1), (p, line)


# --- fields-agree-with-text ----------------------------------------------------------------------------

def only(problems):
    assert rules(problems) == ["fields-agree-with-text"] * len(problems) and problems, problems
    return problems


def test_payer_name_says_medicare_but_type_is_commercial(clean):
    payer = dataclasses.replace(clean.payer, name="Evergreen Medicare Advantage Choice (fictional)")
    [p] = only(run(dataclasses.replace(clean, payer=payer)))
    assert p.where == clean.payer.where and "'Medicare'" in p.message and "type 'commercial'" in p.message
    ok = dataclasses.replace(clean.payer, name="Advantageous Mutual Health (fictional)")
    assert run(dataclasses.replace(clean, payer=ok)) == []


def test_one_on_one_log_that_says_others_trained_alongside(clean):
    [p] = only(run(with_session(clean, 1, response="Worked well; two other clients trained alongside at the rack.")))
    assert "'two other clients'" in p.message and "session s2 (" in p.message
    assert run(with_session(clean, 1, response="One-on-one throughout; no one else in the room.")) == []


def test_signature_of_someone_other_than_the_medexpro(clean):
    [p] = only(run(with_session(clean, 2, signed_by="B. Helper, PTA")))
    assert "'PTA'" in p.message and "session s3 (18 March 2026)" in p.message
    assert run(with_session(clean, 2, signed_by="A. Trainer, MedExPRO, CSCS")) == []


def test_weekly_frequency_against_text_and_dates(clean):
    plan = dataclasses.replace(clean.plan, frequency="2x/week for 8 weeks")
    [p] = only(run(dataclasses.replace(clean, plan=plan)))
    assert "found 2x/week" in p.message
    second = clean.sessions[0].date + dt.timedelta(days=2)
    [p] = only(run(with_session(clean, 1, date=second)))
    assert "found 2 in the week" in p.message and "s1, s2" in p.message
    twice = dataclasses.replace(clean.plan, frequency="2x/week for 8 weeks", sessions_per_week=2)
    assert run(with_session(dataclasses.replace(clean, plan=twice), 1, date=second)) == []


GLUCOSE = "Check glucose; do not exercise if it is below 100 or above 250 mg/dL before the session. "


def test_glucose_outside_the_referrals_range_on_a_billed_session(clean):
    case = with_referral(clean, statement=GLUCOSE + clean.referral.statement)
    assert run(with_session(case, 0, precautions="Glucose 142 mg/dL before, 126 after")) == []
    [p] = only(run(with_session(case, 0, precautions="Glucose 262 mg/dL before, 190 after")))
    assert "262 mg/dL" in p.message and "(100-250 mg/dL)" in p.message
    # the same reading, with no limit on the referral, is no contradiction
    assert run(with_session(clean, 0, precautions="Glucose 262 mg/dL before, 190 after")) == []


def test_blood_pressure_above_the_referrals_limit(clean):
    case = with_referral(clean, statement=clean.referral.statement + " Blood pressure limit for exercise: 160/100.")
    assert run(with_session(case, 0, precautions="BP 150/92 before, 140/88 after")) == []
    [p] = only(run(with_session(case, 0, precautions="BP 172/96 before, 150/90 after")))
    assert "BP 172/96" in p.message and "160/100" in p.message


# --- progress-report-to-referrer -----------------------------------------------------------------------

def with_report(case, **changes):
    r = case.reassessments[0]
    return dataclasses.replace(case, reassessments=(dataclasses.replace(r, report=dataclasses.replace(r.report, **changes)),)
                               + case.reassessments[1:])


def test_progress_report_sent_elsewhere_without_a_reason(clean):
    [p] = run(with_report(clean, sent_to="client"))
    assert p.rule == "progress-report-to-referrer" and "sent to the client with no reason" in p.message
    assert "orthopedic surgeon" in p.message


def test_progress_report_to_the_referrer_or_with_a_reason(clean):
    assert run(clean) == [] and clean.reassessments[0].report.sent_to == "referring-provider"
    why = "The referring surgeon retired; sent to the client's new physician with the client's consent"
    assert run(with_report(clean, sent_to="client", sent_to_why=why)) == []


# --- meaningful-claims-match -----------------------------------------------------------------------------

def said(case, text):
    t = Text(text)
    t.where = case.reassessments[0].where
    return dataclasses.replace(plain(case), reassessments=(dataclasses.replace(case.reassessments[0], summary=t),))


def test_prose_calling_an_unconfirmed_change_meaningful(clean):
    # the fixture's TUG has no meaningful-change figure: the engine never calls its change meaningful
    [p] = run(said(clean, "TUG {baseline:tug} to {r1:tug} s, a meaningful improvement. Chair stand up."))
    assert p.rule == "meaningful-claims-match" and "'meaningful'" in p.message and "TUG" in p.message
    assert "no confirmed figure" in p.message


def test_prose_agreeing_with_the_engine(clean):
    # the chair stand (+3 against 2.5) and LEFS (+11 against 9) are meaningful by the engine
    assert run(said(clean, "Chair stand and LEFS changes are meaningful; TUG improved.")) == []
    assert run(said(clean, "TUG improved, but not by a meaningful amount.")) == []
    assert run(said(clean, "TUG {r1.verdict:tug}; no meaningful-change figure for TUG.")) == []


# --- fall-prevention-dose, fall risk read from the measures ----------------------------------------------

def at_risk_catalog():
    from metdocs.catalog.model import Cutoff
    tug = next(m for m in CAT.measures if m.id == "tug")
    flagged = dataclasses.replace(tug, cutoffs=(Cutoff("At risk of falling", "12 s or more", value=12,
                                                       risk_if="at-or-above", fall_risk=True),))
    return make_catalog(measures=tuple(flagged if m.id == "tug" else m for m in CAT.measures))


def test_client_past_a_fall_risk_cut_off_gets_balance_work(clean):
    cat = at_risk_catalog()
    assert "balance" in clean.plan.home_program.includes and run(clean, cat) == []
    no_balance = dataclasses.replace(clean.plan.home_program, includes=("resistance", "aerobic"))
    case = dataclasses.replace(clean, plan=dataclasses.replace(clean.plan, home_program=no_balance))
    [p] = run(case, cat)
    assert p.rule == "fall-prevention-dose" and "TUG 13.8 (At risk of falling)" in p.message
    assert run(case) == []  # the same plan, with no cut-off marked as fall risk, is no finding
    why = dataclasses.replace(case.plan, balance_why="Balance work continues with her PT until next week")
    assert run(dataclasses.replace(case, plan=why), cat) == []
