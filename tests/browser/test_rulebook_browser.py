"""Saved records with the faults issue 22 measured, loaded into the real web forms: each is caught,
under the catalog rule id (and at the place) the audit gives it, and saved totals that disagree with
the rows are shown with both figures, not silently replaced.

The same faults in the claim builder and the drills are tested in test_practice.py; that every
record-level rule gives the same findings in rulebook.js and the audit is tests/test_rulebook_js.py.
"""

from __future__ import annotations

import json

import pytest

from metdocs.forms.fhir.response import questionnaire_response
from test_forms_browser import EXAMPLE, TYPICAL, ctl, load, open_form, rules_listed, run_check, status, status_items

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def forms(shipped_forms):
    return shipped_forms


@pytest.fixture(scope="module", autouse=True)
def typical_session_log(forms, icd_catalog):
    """The README's filled session log, without what the form works out (as test_forms_browser)."""
    from metdocs.forms.fill import read_saved
    form, values = read_saved(EXAMPLE, list(forms.values()), icd_catalog)
    computed = {f.id for f in form.fields() if f.calculate != "none"}
    TYPICAL["session-log"] = {k: v if isinstance(v, bool) else str(v) for k, v in values.items() if k not in computed}

SESSION_FAULTS = [
    # (what, changes to the typical session log, (rule, place) the check must list)
    ("an evaluation code on a claim line", {"minutes.1.cpt": "97161"}, {("medexpro-codes-only", "line:2")}),
    ("a re-evaluation code", {"minutes.1.cpt": "97164"}, {("medexpro-codes-only", "line:2")}),
    ("a manual-therapy code", {"minutes.1.cpt": "97140"}, {("medexpro-codes-only", "line:2")}),
    ("the group code in a one-on-one session", {"minutes.1.cpt": "97150"}, {("medexpro-codes-only", "line:2")}),
    ("gait training", {"minutes.1.cpt": "97116"}, {("medexpro-codes-only", "line:2")}),
    ("self-care training", {"minutes.1.cpt": "97535"}, {("medexpro-codes-only", "line:2")}),
    ("a physical performance test", {"minutes.1.cpt": "97750"}, {("medexpro-codes-only", "line:2")}),
    ("a GP modifier", {"minutes.0.modifiers": "GP"}, {("no-gp-modifier", "line:1")}),
    ("a signature with no credential", {"medexpro_signature": "A. Trainer"}, {("signature-credentials", "record")}),
    ("a signature by a PT", {"medexpro_signature": "B. Helper, PT"}, {("own-services-own-npi", "record")}),
    ("group work on one-on-one codes", {"group_size": "3"},
     {("one-on-one-vs-group", "line:1"), ("one-on-one-vs-group", "line:2")}),
    ("a reassessment 45 days overdue", {"last_assessment_date": "2026-01-16"}, {("reassess-every-30-days", "record")}),
    ("saved totals that disagree with the rows",
     {"total_timed_minutes": "55", "units_billed": "5", "units_allowed": "4"},
     {("total-timed-minutes", "field:timed_minutes"), ("units-per-code", "field:units_billed"),
      ("cms-8-minute-rule", "field:units_allowed")}),
]
REASONS = {"97161": "a PT evaluation", "97164": "a PT re-evaluation", "97140": "manual therapy",
           "97150": "a group code", "97116": "gait training", "97535": "self-care", "97750": "a physical performance test"}


def _saved(tmp_path, form, catalog, values: dict, name: str):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(questionnaire_response(form, catalog, values)), encoding="utf-8")
    return path


@pytest.mark.parametrize("what,changes,want", SESSION_FAULTS, ids=[f[0] for f in SESSION_FAULTS])
def test_a_saved_session_log_with_the_fault_is_caught(page, guard, forms, icd_catalog, tmp_path, what, changes, want):
    values = {**TYPICAL["session-log"], **changes}
    path = _saved(tmp_path, forms["session-log"], icd_catalog, values, "faulty")
    open_form(page, "session-log")
    load(page, path)
    run_check(page, " gap")
    listed = rules_listed(page)
    assert want <= listed, (what, sorted(listed), status_items(page))
    joined = "\n".join(status_items(page))
    code = changes.get("minutes.1.cpt")
    if code:  # the message gives that code's own reason
        assert f"found {code} (" in joined and REASONS[code] in joined, joined
    assert guard.problems() == []


def test_the_typical_session_log_passes(page, guard, forms, icd_catalog, tmp_path):
    path = _saved(tmp_path, forms["session-log"], icd_catalog, TYPICAL["session-log"], "sound")
    open_form(page, "session-log")
    load(page, path)
    assert run_check(page, "nothing an auditor would flag") == []


def test_saved_totals_are_shown_with_both_figures_not_rewritten(page, guard, forms, icd_catalog, tmp_path):
    values = {**TYPICAL["session-log"], "total_timed_minutes": "55", "units_billed": "5", "units_allowed": "4"}
    path = _saved(tmp_path, forms["session-log"], icd_catalog, values, "totals")
    open_form(page, "session-log")
    load(page, path)
    said = status(page).inner_text()
    # Said at once, on loading: the saved figure and the one the rows give.
    assert "expected the total timed minutes the rows add up to (47), found 55 saved" in said, said
    assert "expected the units billed in total to equal the lines' units (3), found 5 saved" in said, said
    assert "allows (3), found 4 saved" in said, said
    items = "\n".join(run_check(page, " gap"))
    assert "found 55 saved" in items and "found 5 saved" in items and "found 4 saved" in items
    assert ctl(page, "total_timed_minutes").input_value() == "47"  # the rows' figure, beside the finding
    assert guard.problems() == []


def test_a_progress_report_measured_45_days_after_the_last_assessment(page, guard, forms, icd_catalog, tmp_path):
    values = {**TYPICAL["progress-report"], "last_assessment_date": "2026-02-13", "period_start": "2026-02-13",
              "next_reassessment_due": "2026-05-30"}
    path = _saved(tmp_path, forms["progress-report"], icd_catalog, values, "late")
    open_form(page, "progress-report")
    load(page, path)
    run_check(page, " gap")
    listed = rules_listed(page)
    assert {("reassess-every-30-days", "record"), ("reassess-every-30-days", "field:due")} <= listed, listed
    joined = "\n".join(status_items(page))
    assert "found one 45 days later on 2026-03-30" in joined and "found '2026-05-30' saved" in joined, joined
    # A measure not re-tested, and no recipient: what the report must hold.
    values = {**TYPICAL["progress-report"], "measures.1.current": "", "sent_to": ""}
    open_form(page, "progress-report")
    load(page, _saved(tmp_path, forms["progress-report"], icd_catalog, values, "thin"))
    run_check(page, " gap")
    assert ("progress-report-content", "report") in rules_listed(page)
    assert "baseline measures not re-tested: tug" in "\n".join(status_items(page))
    assert guard.problems() == []
