"""Exact user-facing messages for broken catalog files (one fixture per fault).

Each fixture in tests/fixtures/invalid/ is dropped alone into an empty project's
data/catalog/; `metdocs check` must print exactly these lines, exit 1 and show
no traceback.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO

EXPECTED = {
    "yaml_alias": [
        "5:5: error: expected plain values, found the alias *src (write the value out in full)"],
    "python_tag": [
        "3:12: error: expected plain YAML, found the tag tag:yaml.org,2002:python/object/apply:os.system (remove it)"],
    "two_documents": [
        "4:1: error: expected one YAML document per file, found a second one (---)"],
    "syntax_error": [
        "4:1: error: expected valid YAML, found a syntax error: did not find expected ',' or ']' "
        "while parsing a flow sequence"],
    "duplicate_key": [
        "4:5: error: expected each key once per mapping, found duplicate key 'title' (first defined on line 3)"],
    "unquoted_cpt_code": [
        "5:11: error: 'code' must be a quoted 5-digit CPT code such as \"97110\"; found the number 97110 "
        "(unquoted codes are read as numbers: put the code in quotes)"],
    "unknown_cpt_code": [
        "12:9: error: expected a known CPT code, found '97999' (add it to cpt_codes: first)"],
    "header_icd_code": [
        "20:5: error: expected a billable ICD-10-CM code, found header 'M54.5' (Low back pain), "
        "which is not billable; use one of: M54.50, M54.51, M54.59"],
    "nonexistent_icd_code": [
        "20:5: error: expected an ICD-10-CM code of the FY2026 code set, found 'M54.99', which does not exist"],
    "missing_required_key": [
        "5:5: error: item 1 of 'measures' is missing the required key 'unit'"],
    "tab_indentation": [
        "3:1: error: expected spaces for indentation, found a tab character (YAML does not allow tabs)"],
    "unknown_key": [
        "4:5: error: unknown key 'publisher' in item 1 of 'sources'; expected one of: id, note, title, url"],
    "impossible_date": [
        "10:16: error: 'effective' must be a real calendar date; found '2026-02-30', which does not exist"],
    "duplicate_id": [
        "4:5: error: expected each source id once, found 'a-source' again "
        "(first defined at data/catalog/duplicate_id.yaml:2:5)"],
    "dangling_reference": [
        "9:5: error: expected a known document type id, found 'progress-note' (add it to document_types:)",
        "9:5: error: expected a known source id, found 'no-such-source' (add it to a sources: list in data/catalog/)"],
    "empty_file": [
        "1:1: error: expected a mapping with keys such as sources, cpt_codes, categories, diagnoses, "
        "document_types, elements, rules, measures, populations; found an empty file"],
    "not_utf8": [
        "3:15: error: expected UTF-8 text, found the byte 0xe9 (save the file as UTF-8)"],
    "binary_file": [
        "3:13: error: expected a UTF-8 text file, found binary data (a NUL byte)"],
    "wrong_type": [
        "9:13: error: 'better' must be one of 'higher', 'lower'; found the text 'down'",
        "11:14: error: 'cutoffs' must be a list; found the text 'none'",
        "13:24: error: 'meaningful_change' must be a number; found the text 'a lot'",
        "14:14: error: 'sources' must be a list; found the text 'a-source'"],
}


def test_every_fixture_has_an_expectation():
    names = {p.stem for p in (FIXTURES / "invalid" / "catalog").glob("*.yaml")}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_message(name, tmp_path, run_cli):
    catalog = tmp_path / "data" / "catalog"
    catalog.mkdir(parents=True)
    shutil.copy(FIXTURES / "invalid" / "catalog" / f"{name}.yaml", catalog)
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    code, out, err = run_cli("check", cwd=tmp_path)
    lines = [line for line in err.splitlines() if line.startswith("data/")]
    prefix = f"data/catalog/{name}.yaml"
    assert lines == [prefix + ("" if e.startswith(":") else ":") + e for e in EXPECTED[name]]
    assert code == 1
    assert "Traceback" not in err


def test_problems_from_many_files_are_all_listed_sorted(tmp_path, run_cli):
    catalog = tmp_path / "data" / "catalog"
    catalog.mkdir(parents=True)
    for name in ("wrong_type", "duplicate_key", "unquoted_cpt_code"):
        shutil.copy(FIXTURES / "invalid" / "catalog" / f"{name}.yaml", catalog)
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    code, _, err = run_cli("check", cwd=tmp_path)
    lines = [line for line in err.splitlines() if line.startswith("data/")]
    assert code == 1
    assert len(lines) == 6
    keys = [(line.split(":")[0], int(line.split(":")[1])) for line in lines]
    assert keys == sorted(keys)
