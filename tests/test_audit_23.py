"""Issue 23's audit rules, each with a case that breaks it and a clean case that must not.

Like tests/test_audit.py, these change the clean shipped case one thing at a time and audit it
against the small catalog built there, so they do not move when data/catalog/ is edited."""

from __future__ import annotations

import dataclasses

import pytest

from metdocs.cases.read import load_cases
from metdocs.catalog.model import Misfit
from test_audit import CASES, CAT, make_catalog, rules, run

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
