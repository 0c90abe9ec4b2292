"""`metdocs units` and `metdocs icd`: the engine as users call it from a shell."""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO


def _units(run_cli, *args):
    code, out, err = run_cli("units", "--json", *args, cwd=REPO)
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("visit, units", [
    (["97112=24", "97110=23"], {"97112": 2, "97110": 1}),
    (["97110=33", "97140=7"], {"97110": 2, "97140": 1}),
])
def test_units_reproduce_cms_published_examples(run_cli, visit, units):
    result = _units(run_cli, *visit)
    assert result["rule"] == "cms"
    assert result["units"] == units
    assert result["total_units"] == sum(units.values())
    assert result["total_timed_minutes"] == sum(int(v.split("=")[1]) for v in visit)
    assert result["explanation"] and all(isinstance(s, str) for s in result["explanation"])


def test_per_code_rule_gives_two_units_where_cms_gives_one(run_cli):
    assert _units(run_cli, "97110=10", "97116=10")["total_units"] == 1
    assert _units(run_cli, "--rule", "ama", "97110=10", "97116=10")["total_units"] == 2


def test_untimed_code_is_one_unit_and_not_timed_minutes(run_cli):
    result = _units(run_cli, "97150=45", "97110=20")
    assert result["units"]["97150"] == 1
    assert result["total_timed_minutes"] == 20


def test_units_human_output_explains(run_cli):
    code, out, _ = run_cli("units", "97110=33", "97140=7", cwd=REPO)
    assert code == 0
    assert "97140 (largest leftover, 7 min)" in out
    assert "Bill: 97110 × 2, 97140 × 1 (3 units)" in out


def test_unknown_code_is_a_usage_error(run_cli):
    code, out, err = run_cli("units", "99999=20", cwd=REPO)
    assert code == 2 and "99999" in err and "Traceback" not in err and out == ""


def test_codes_a_medexpro_may_not_bill_are_marked(run_cli):
    code, out, err = run_cli("units", "97110=33", "97140=7", cwd=REPO)
    assert code == 0 and "Bill: 97110 × 2, 97140 × 1 (3 units)" in out
    assert "note: not billable by a MedExPRO: 97140 (a MedExPRO bills 97110, 97112, 97530 only" in err
    code, out, err = run_cli("units", "97110=33", "97530=7", cwd=REPO)
    assert code == 0 and "not billable" not in err


def test_help_examples_bill_only_in_scope_codes(run_cli, catalog):
    from metdocs.cli.main import EPILOG
    out_of_scope = {c.code for c in catalog.cpt_codes if not c.in_scope}
    shown = {code for line in EPILOG.splitlines() if "metdocs units" in line
             for code in re.findall(r"\b(\d{5})=", line)}
    assert shown and not shown & out_of_scope


@pytest.mark.parametrize("arg", ["97110=abc", "97110=-5", "97110=481", "97110", "=20"])
def test_malformed_visit_exits_2(run_cli, arg):
    code, _, err = run_cli("units", arg, cwd=REPO)
    assert code == 2 and "error" in err and "Traceback" not in err


def test_icd_json_reports_headers_with_children_and_exits_1(run_cli):
    code, out, _ = run_cli("icd", "--json", "M54.5", "M54.50", "G20", "G20.A1")
    rows = {r["code"]: r for r in json.loads(out)}
    assert code == 1
    assert rows["M54.5"]["valid"] and not rows["M54.5"]["billable"]
    assert rows["M54.5"]["children"] == ["M54.50", "M54.51", "M54.59"]
    assert rows["G20"]["valid"] and not rows["G20"]["billable"]
    assert {"G20.A1", "G20.C"} <= set(rows["G20"]["children"])
    assert rows["M54.50"]["billable"] and rows["G20.A1"]["billable"] and rows["G20.A1"]["children"] == []
    assert set(rows["M54.50"]) == {"code", "valid", "billable", "title", "children"}


def test_icd_normalises_and_exits_0_when_all_billable(run_cli):
    code, out, _ = run_cli("icd", " m62.81 ", "R2681")
    assert code == 0
    assert "M62.81" in out and "R26.81" in out


def test_icd_unknown_code(run_cli):
    code, out, _ = run_cli("icd", "XYZ")
    assert code == 1 and "not an ICD-10-CM code" in out
