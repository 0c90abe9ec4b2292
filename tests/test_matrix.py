"""The enforcement matrix: every rule one record shows is enforced by every checker of its documents
in the browser (each web form, the claim builder, the drills) and each Questionnaire, or the catalog
says why not; `metdocs rules --json` shows it and `metdocs check` fails on a gap with no reason."""

from __future__ import annotations

import json

from conftest import REPO

BROWSER = ("form:", "claim-builder", "drills")


def _rows(run_cli, cwd=REPO) -> dict:
    code, out, err = run_cli("rules", "--json", cwd=cwd)
    assert code == 0, err
    return {r["id"]: r for r in json.loads(out)}


def test_rules_json_shows_every_place_a_rule_is_enforced(run_cli):
    from metdocs.rules.audit.records import RECORD_RULES
    rows = _rows(run_cli)
    assert set(RECORD_RULES) <= set(rows)
    for rid in RECORD_RULES:
        r = rows[rid]
        assert r["record_level"] and r["enforced_in"][0]["checker"] == "audit", rid
        places = {e["checker"] for e in r["enforced_in"]} | {g["checker"] for g in r["not_enforced_in"]}
        assert "drills" in places, rid
        # a rule one record shows is missing from no browser checker without a stated reason
        for gap in r["not_enforced_in"]:
            assert gap["why"].strip(), (rid, gap)
        assert all(e["how"] for e in r["enforced_in"]), rid
    scope = rows["medexpro-codes-only"]
    assert {e["checker"] for e in scope["enforced_in"]} == {"audit", "form:session-log", "claim-builder", "drills",
                                                             "questionnaire:session-log"}
    assert {e["checker"] for e in rows["reassess-every-30-days"]["enforced_in"]} >= {
        "form:session-log", "form:progress-report", "questionnaire:progress-report"}
    assert [g["checker"] for g in rows["private-payers-only"]["not_enforced_in"]] == ["form:session-log",
                                                                                      "questionnaire:session-log"]
    assert not rows["home-program"]["record_level"] and rows["home-program"]["not_enforced_in"] == []


def test_every_record_level_rule_has_a_browser_enforcement_or_a_reason(run_cli):
    rows = _rows(run_cli)
    lacking = [(r["id"], g["checker"]) for r in rows.values() if r["record_level"]
               for g in r["not_enforced_in"] if g["checker"].startswith(BROWSER) and not g["why"].strip()]
    assert not lacking
    browser = {(r["id"], e["checker"]) for r in rows.values() for e in r["enforced_in"]
               if e["checker"].startswith(BROWSER)}
    assert len(browser) >= 40


def test_check_fails_on_a_record_level_rule_with_no_browser_enforcement_and_no_reason(shipped_copy, run_cli):
    rules = shipped_copy / "data" / "catalog" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    start = text.index("  - id: private-payers-only")
    gap = text.index("    not_checked_by:", start)
    end = text.index("  - id:", gap)
    rules.write_text(text[:gap] + text[end:], encoding="utf-8")
    code, _, err = run_cli("check", cwd=shipped_copy)
    assert code == 1
    assert ("expected 'private-payers-only', a rule one record shows, to be enforced by the Session log web form "
            "(form:session-log) or to say why not, found neither") in err
    # A reason for a checker that does enforce the rule is stale, and a checker that does not exist is named.
    stale = text.replace("      - checker: form:session-log\n        why: >-\n          A session log does not",
                         "      - checker: drills\n        why: >-\n          A session log does not", 1)
    rules.write_text(stale, encoding="utf-8")
    code, _, err = run_cli("check", cwd=shipped_copy)
    assert code == 1 and "expected no reason for drills, which enforces 'private-payers-only'" in err, err


def test_readme_shows_the_matrix(run_cli):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "| rule | `audit` | `form:progress-report` | `form:session-log` | `claim-builder` | `drills` |" in readme
    assert "| `medexpro-codes-only` | yes | n/a | yes | yes | yes | n/a | yes |" in readme
