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


@pytest.fixture(scope="module")
def real():
    from metdocs.catalog.assemble import load_catalog
    from metdocs.catalog.icd import code_set
    catalog, problems = load_catalog(ROOT / "data" / "catalog")
    assert catalog is not None, [str(p) for p in problems]
    return catalog, code_set()


@pytest.fixture(scope="module")
def cases():
    found, problems = load_cases(CASES)
    assert problems == []
    return {c.id: c for c in found}


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
