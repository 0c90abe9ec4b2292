"""The metdocs command as users meet it: exit codes, messages, help, atomic builds."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import REPO


def test_check_passes_on_shipped_data(run_cli):
    code, _, err = run_cli("check", "--strict", cwd=REPO)
    assert code == 0, err
    assert "check ok: 0 error(s)" in err


def test_header_code_in_a_copy_fails_with_file_line_and_code(shipped_copy, run_cli):
    target = shipped_copy / "data" / "catalog" / "icd10.yaml"
    text = target.read_text()
    assert '"M54.50"' in text
    target.write_text(text.replace('"M54.50"', '"M54.5"', 1))
    line = next(i for i, s in enumerate(target.read_text().splitlines(), 1) if '"M54.5"' in s)
    code, _, err = run_cli("check", cwd=shipped_copy)
    assert code == 1
    assert re.search(rf"^data/catalog/icd10\.yaml:{line}:\d+: error: .*'M54\.5'.*M54\.50, M54\.51, M54\.59",
                     err, re.M), err


def test_failed_build_leaves_previous_site_untouched(tiny_project, run_cli):
    site = tiny_project / "site"
    code, _, err = run_cli("build", cwd=tiny_project)
    assert code == 0, err
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    catalog = tiny_project / "data" / "catalog" / "catalog.yaml"
    catalog.write_text(catalog.read_text().replace('code: "97110"', "code: 97110"))
    code, _, err = run_cli("build", cwd=tiny_project)
    assert code == 1
    assert "Nothing was written" in err
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in tiny_project.iterdir() if p.name.startswith(".site")]
    assert leftovers == []


def test_plain_mkdocs_build_reports_data_errors_without_traceback(tiny_project):
    catalog = tiny_project / "data" / "catalog" / "catalog.yaml"
    catalog.write_text(catalog.read_text().replace('"R26.81"', '"G20"'))
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tiny_project,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "data/catalog/catalog.yaml:" in proc.stderr and "'G20'" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tiny_project / "site").exists()


def test_plain_mkdocs_build_works(tiny_project):
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "--strict"], cwd=tiny_project,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tiny_project / "site" / "cpt" / "97110" / "index.html").is_file()


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["build", "--help"], ["units", "--help"],
                                  ["icd", "--help"], ["serve", "--help"]])
def test_help_explains(args, run_cli):
    code, out, _ = run_cli(*args)
    assert code == 0
    assert "usage: metdocs" in out and len(out.splitlines()) > 5


def test_usage_error_exits_2(run_cli):
    code, _, err = run_cli("build", "--no-such-flag")
    assert code == 2 and "unrecognized arguments" in err


def test_a_config_file_that_does_not_exist_is_a_usage_error(tmp_path, run_cli):
    code, _, err = run_cli("check", "--config", "elsewhere/mkdocs.yml", cwd=tmp_path)
    assert code == 2 and "elsewhere/mkdocs.yml" in err and "Traceback" not in err


def test_stale_rule_is_a_warning_and_strict_makes_it_an_error(tiny_project, run_cli, monkeypatch):
    monkeypatch.setenv("METDOCS_TODAY", "2031-01-01")
    code, _, err = run_cli("check", cwd=tiny_project)
    assert code == 0 and "warning: expected rule 'reassess-every-30-days' to be reviewed by 2030-01-01" in err
    code, _, err = run_cli("check", "--strict", cwd=tiny_project)
    assert code == 1 and "error: expected rule 'reassess-every-30-days'" in err


def test_rebuild_after_one_case_change_keeps_unchanged_files(shipped_copy, run_cli, monkeypatch):
    import os
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    site = shipped_copy / "site"
    assert run_cli("build", cwd=shipped_copy)[0] == 0
    old = 1_000_000_000
    for p in site.rglob("*"):
        os.utime(p, (old, old))  # make "unchanged" visible: any rewritten file gets a new time
    case = shipped_copy / "data" / "cases" / "parkinsons.yaml"
    case.write_text(case.read_text().replace("summary: >-\n", "summary: >-\n  One more sentence.\n", 1))
    assert run_cli("build", cwd=shipped_copy)[0] == 0
    changed = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.stat().st_mtime != old)
    assert "cases/parkinsons/index.html" in changed
    assert "cpt/97110/index.html" not in changed and "index.html" not in changed
    # the case page, the two packets that include it, and the search index
    assert len(changed) <= 6, changed


def test_every_command_is_in_the_readme():
    from metdocs.cli.main import COMMANDS
    readme = (REPO / "README.md").read_text()
    for name in COMMANDS:
        assert f"`metdocs {name}" in readme, name


def test_rules_lists_every_rule_with_source_review_date_and_enforcement(run_cli):
    import json
    code, out, _ = run_cli("rules", "--json", cwd=REPO)
    assert code == 0
    rows = json.loads(out)
    from metdocs.catalog.assemble import load_catalog
    catalog, _ = load_catalog(REPO / "data" / "catalog")
    assert {r["id"] for r in rows if r["kind"] == "rule"} == {r.id for r in catalog.rules}
    for r in rows:
        assert r["sources"] and r["enforced_by"] in ("audit", "review") and r["how"], r["id"]
        if r["kind"] == "rule":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["review_by"]), r["id"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["kx-threshold-2026"]["enforced_by"] == "review" and "Medicare" in by_id["kx-threshold-2026"]["how"]
    assert by_id["referrer-may-refer"]["enforced_by"] == "audit"
    code, text, _ = run_cli("rules", cwd=REPO)
    assert code == 0 and "rule written-referral-required:" in text and "a person's review:" in text


def test_readme_lists_every_rule_the_audit_enforces(run_cli):
    code, out, _ = run_cli("rules", "--markdown", cwd=REPO)
    assert code == 0
    readme = (REPO / "README.md").read_text()
    block = readme.split("<!-- rules:start (generated by `metdocs rules --markdown`) -->\n", 1)[1]
    block = block.split("<!-- rules:end -->", 1)[0]
    assert block.strip() == out.strip(), "README's list is stale: paste `metdocs rules --markdown` into it"
    assert "`referrer-may-refer` (rule)" in block and "`session-start-stop` (element)" in block
