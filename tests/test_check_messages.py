"""Exact user-facing messages for broken catalog files (one fixture per fault).

Each fixture in tests/fixtures/invalid/catalog/ (a file, or a folder of files that fail
together) becomes the whole data/catalog/ of a copy of the shipped project; `metdocs check` and
`metdocs build` over an existing site must print exactly these lines for it and exit 1, with no
traceback, no input file changed and the site untouched (see corpus.py).
"""

from __future__ import annotations

import shutil

import pytest

from conftest import FIXTURES, REPO
from corpus import assert_fault, fixtures

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
        "4:5: error: unknown key 'publisher' in item 1 of 'sources'; expected one of: id, note, replaces, title, url"],
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
        "document_types, elements, rules, measures, populations, reviews; found an empty file"],
    "not_utf8": [
        "3:15: error: expected UTF-8 text, found the byte 0xe9 (save the file as UTF-8)"],
    "binary_file": [
        "3:13: error: expected a UTF-8 text file, found binary data (a NUL byte)"],
    "wrong_type": [
        "9:13: error: 'better' must be one of 'higher', 'lower'; found the text 'down'",
        "11:14: error: 'cutoffs' must be a list; found the text 'none'",
        "13:24: error: 'meaningful_change' must be a number; found the text 'a lot'",
        "14:14: error: 'sources' must be a list; found the text 'a-source'"],
    'arabic_indic_cpt_code': [
        '6:11: error: \'code\' must be a quoted 5-digit CPT code such as "97110"; found \'٩٧١١٠\'',
    ],
    'bidi_isolate_escape': [
        '10:11: error: expected plain text, found U+2066 (LEFT-TO-RIGHT ISOLATE, a bidirectional control that can make text show differently from what it holds) at character 7 of the text; remove it',
    ],
    'c1_control_escape': [
        '4:12: error: expected plain text, found U+009B (a control character) at character 3 of the text; remove it',
    ],
    'carriage_return_escape': [
        '4:12: error: expected plain text, found U+000D (a control character) at character 9 of the text; remove it',
    ],
    'control_char_escape': [
        '4:12: error: expected plain text, found U+007F (a control character) at character 9 of the text; remove it',
    ],
    'control_char_in_cpt_name': [
        '7:11: error: expected plain text, found U+0085 (a control character) at character 9 of the text; remove it',
    ],
    'control_char_in_key': [
        '4:5: error: expected plain text, found U+001B (a control character) at character 3 of the text; remove it',
        "4:5: error: unknown key 'ti\\x1btle' in item 1 of 'sources'; did you mean 'title'?",
    ],
    'date_year_0001': [
        "11:16: error: 'effective' must be a date from 1900-01-01 to 2199-12-31; found '0001-01-01'",
    ],
    'date_year_9999': [
        "12:16: error: 'review_by' must be a date from 1900-01-01 to 2199-12-31; found '9999-12-31'",
    ],
    'empty_text': [
        "4:12: error: 'title' must not be empty; found empty text",
    ],
    'fullwidth_cpt_code': [
        '6:11: error: \'code\' must be a quoted 5-digit CPT code such as "97110"; found \'９７１１０\'',
    ],
    'fullwidth_version_digit_confused_with': [
        '16:21: error: item 1 of \'confused_with\' must be a quoted 5-digit CPT code such as "97110"; found \'９７５３０\'',
    ],
    'line_separator_escape': [
        '4:12: error: expected plain text, found U+2028 (LINE SEPARATOR, an invisible line break) at character 9 of the text; remove it',
    ],
    'meaningful_change_nan': [
        "17:24: error: 'meaningful_change' must be a finite number; found the number .nan (not a number)",
    ],
    'meaningful_change_negative': [
        '17:5: error: expected meaningful_change 0 or more (a size of change, whatever the direction), found -2',
    ],
    'meaningful_change_negative_inf': [
        "17:24: error: 'meaningful_change' must be a finite number; found the number -.inf (infinity)",
    ],
    'measure_id_in_two_files': [
        "data/catalog/b.yaml:2:5: error: expected each measure id once, found 'tug' again (first defined at data/catalog/a.yaml:9:5)",
    ],
    'noncharacter_fffe_escape': [
        '4:12: error: expected plain text, found U+FFFE (a Unicode noncharacter) at character 10 of the text; remove it',
    ],
    'nul_escape': [
        '5:11: error: expected plain text, found U+0000 (a control character) at character 7 of the text; remove it',
    ],
    'number_too_long_to_read': [
        "13:24: error: expected a number that can be read, found '9999999999999999999999999999999999999... (5,000 characters)'",
    ],
    'raw_bidi_override': [
        '4:21: error: expected plain text, found U+202E (RIGHT-TO-LEFT OVERRIDE, a bidirectional control that can make text show differently from what it holds); remove it',
    ],
    'raw_control_in_comment': [
        '1:25: error: expected plain text, found U+0007 (a control character); remove it',
    ],
    'raw_del_byte': [
        '4:20: error: expected plain text, found U+007F (a control character); remove it',
    ],
    'raw_noncharacter': [
        '4:21: error: expected plain text, found U+FDD0 (a Unicode noncharacter); remove it',
    ],
    'reserved_category_id': [
        "6:9: error: 'id' must not be 'assets', which names a part of the site (reserved: 404, assets, cases, cpt, drills, examples, forms, icd10, index, measures, pairing, practice, print, scope, search, sitemap, sources, standards, units); choose another id",
    ],
    'reserved_element_id': [
        "10:9: error: 'id' must not be 'search', which names a part of the site (reserved: 404, assets, cases, cpt, drills, examples, forms, icd10, index, measures, pairing, practice, print, scope, search, sitemap, sources, standards, units); choose another id",
    ],
    'reserved_measure_id': [
        "9:9: error: 'id' must not be 'index', which names a part of the site (reserved: 404, assets, cases, cpt, drills, examples, forms, icd10, index, measures, pairing, practice, print, scope, search, sitemap, sources, standards, units); choose another id",
    ],
    'reserved_rule_id': [
        "6:9: error: 'id' must not be 'forms', which names a part of the site (reserved: 404, assets, cases, cpt, drills, examples, forms, icd10, index, measures, pairing, practice, print, scope, search, sitemap, sources, standards, units); choose another id",
    ],
    'reserved_source_id': [
        "3:9: error: 'id' must not be 'cpt', which names a part of the site (reserved: 404, assets, cases, cpt, drills, examples, forms, icd10, index, measures, pairing, practice, print, scope, search, sitemap, sources, standards, units); choose another id",
    ],
    'superscript_cpt_code': [
        '6:11: error: \'code\' must be a quoted 5-digit CPT code such as "97110"; found \'9711²\'',
    ],
    'terminal_escape_sequence': [
        '4:12: error: expected plain text, found U+001B (a control character) at character 1 of the text; remove it',
    ],
    'threshold_above_limit': [
        '13:17: error: expected a threshold value from 0 to 10,000, found 20000',
    ],
    'threshold_huge': [
        "13:24: error: 'value' must be a number from -1,000,000,000 to 1,000,000,000; found the number 1e+30",
    ],
    'threshold_exponent': [
        "13:24: error: expected a number in plain decimal digits (such as 23 or 7.5), found '3e1', a number with an "
        "exponent; write the number plainly, or quote it if it is text",
    ],
    'threshold_inf': [
        "13:24: error: 'value' must be a finite number; found the number .inf (infinity)",
    ],
    'threshold_nan': [
        "13:24: error: 'value' must be a finite number; found the number .nan (not a number)",
    ],
    'threshold_negative': [
        '13:17: error: expected a threshold value from 0 to 10,000, found -5',
    ],
    'threshold_not_a_number': [
        "13:24: error: 'value' must be a number; found the boolean true",
    ],
    'twin_files_yaml_and_yml': [
        "data/catalog/sources.yml:3:5: error: expected each source id once, found 'a-source' again (first defined at data/catalog/sources.yaml:3:5)",
    ],
    'url_breaks_out_of_attribute': [
        '5:10: error: \'url\' must be a web address starting with https:// or http://, with characters outside A-Z, a-z, 0-9 and -._~:/?#@!$&\'()*+,;=% percent-encoded; found \'https://example.org/"><script>alert(1)</script>\'',
    ],
    'url_javascript_scheme': [
        "5:10: error: 'url' must be a web address starting with https:// or http://, with characters outside A-Z, a-z, 0-9 and -._~:/?#@!$&'()*+,;=% percent-encoded; found 'javascript:alert(1)'",
    ],
    'url_lookalike_host': [
        "5:10: error: 'url' must be a web address starting with https:// or http://, with characters outside A-Z, a-z, 0-9 and -._~:/?#@!$&'()*+,;=% percent-encoded; found 'https://ex\u0430mple.org/'",
    ],
    'url_with_space': [
        "5:10: error: 'url' must be a web address starting with https:// or http://, with characters outside A-Z, a-z, 0-9 and -._~:/?#@!$&'()*+,;=% percent-encoded; found 'https://example.org/a page'",
    ],
}


def test_every_fixture_has_an_expectation():
    assert set(fixtures("catalog")) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_message(name, tmp_path, run_cli, existing_site):
    fixture = fixtures("catalog")[name]
    prefix = "" if fixture.is_dir() else f"data/catalog/{fixture.name}"  # a folder's lines name their files
    expected = [e if e.startswith("data/") else prefix + ("" if e.startswith(":") else ":") + e for e in EXPECTED[name]]
    assert_fault(run_cli, tmp_path, existing_site, "catalog", name, expected)


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


@pytest.mark.parametrize("indent, deep", [(128, False), (129, True), (300, True)])
def test_indentation_past_the_nesting_limit_is_found_before_parsing(tmp_path, indent, deep):
    from metdocs.catalog.load import MAX_DEPTH, load_file
    path = tmp_path / "deep.yaml"
    path.write_text("sources:\n  - id: a\n    title: ok\n" + "#\n" + " " * indent + "# far in\n")
    doc, problems = load_file(path)
    messages = [(p.where.line, p.where.column, p.message) for p in problems]
    if deep:
        assert indent > 2 * MAX_DEPTH
        assert messages == [(5, indent + 1, f"expected at most {MAX_DEPTH} levels of nesting, "
                                            f"found {indent} spaces of indentation")]
    else:
        assert doc is not None and messages == []


def test_odd_characters_are_found_among_plain_ascii_and_other_scripts(tmp_path):
    from metdocs.catalog.load import load_file
    path = tmp_path / "odd.yaml"
    path.write_text('sources:\n  - id: a\n    title: "Gait → speed ≥ 0.8 m/s"\n    note: "x\\u202ey"\n'
                    "    url: https://example.org/\u0085\n", encoding="utf-8")
    _, problems = load_file(path)
    assert [(p.where.line, p.where.column) for p in problems] == [(5, 30)]
    path.write_text('sources:\n  - id: a\n    title: "Gait → speed ≥ 0.8 m/s"\n    note: "x\\u202ey"\n')
    _, problems = load_file(path)
    assert [(p.where.line, "found U+202E" in p.message) for p in problems] == [(4, True)]
