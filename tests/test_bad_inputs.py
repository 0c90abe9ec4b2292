"""The bad-input corpus: broken cases and form templates, one file each, named after the fault.

Each file is dropped into a copy of the shipped project (real catalog) as the only
case, or as the only form, and `metdocs check` must print exactly these lines,
exit 1, and show no traceback. The catalog corpus lives in test_check_messages.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO

EXPECTED = {
    ('cases', 'absurd-minutes'): [
        'data/cases/absurd-minutes.yaml:65:9: error: expected minutes from 0 to 480, found 900',
    ],
    ('cases', 'case-binary'): [
        'data/cases/case-binary.yaml:3:1: error: expected a UTF-8 text file, found binary data (a NUL byte)',
    ],
    ('cases', 'case-deep-nesting'): [
        'data/cases/case-deep-nesting.yaml:188:72: error: expected at most 64 levels of nesting, found deeper brackets',
    ],
    ('cases', 'case-duplicate-key'): [
        "data/cases/case-duplicate-key.yaml:14:3: error: expected each key once per mapping, found duplicate key 'sex' (first defined on line 13)",
    ],
    ('cases', 'case-latin1'): [
        'data/cases/case-latin1.yaml:6:39: error: expected UTF-8 text, found the byte 0xe9 (save the file as UTF-8)',
    ],
    ('cases', 'case-long-line'): [
        "data/cases/case-long-line.yaml:4:8: error: 'title' must be at most 20,000 characters; found 25,056",
    ],
    ('cases', 'case-syntax-error'): [
        "data/cases/case-syntax-error.yaml:12:3: error: expected valid YAML, found a syntax error: did not find expected ',' or '}' while parsing a flow mapping",
    ],
    ('cases', 'case-tab-indentation'): [
        'data/cases/case-tab-indentation.yaml:13:1: error: expected spaces for indentation, found a tab character (YAML does not allow tabs)',
    ],
    ('cases', 'date-of-birth'): [
        'data/cases/date-of-birth.yaml:5:10: error: expected synthetic case text with no real identifiers, found what looks like a date of birth; remove or fictionalise it',
    ],
    ('cases', 'duplicate-session-id'): [
        "data/cases/duplicate-session-id.yaml:79:5: error: expected each session id once, found 's1' again (first defined at data/cases/duplicate-session-id.yaml:58:5)",
    ],
    ('cases', 'email-in-statement'): [
        'data/cases/email-in-statement.yaml:29:14: error: expected synthetic case text with no real identifiers, found what looks like an e-mail address; remove or fictionalise it',
    ],
    ('cases', 'empty-case'): [
        'data/cases/empty-case.yaml:1:1: error: expected a mapping with keys such as id, title, summary, client, payer, baseline, plan, sessions, referral, reassessments, expected_breaches, kind, prompt, payable, denied_if; found an empty file',
    ],
    ('cases', 'gp-modifier'): [
        "data/cases/gp-modifier.yaml:98:9: error: rule 'no-gp-modifier' (Do not add the GP modifier to MET claims; source: Outpatient therapy modifiers GP, GO, GN (and CQ/CO)): expected no GP modifier (it declares a physical-therapy plan of care, which a MedExPRO does not have), found GP on 97110",
    ],
    ('cases', 'header-icd-on-referral'): [
        "data/cases/header-icd-on-referral.yaml:27:7: error: rule 'billable-icd10-leaf' (Use billable (leaf) ICD-10-CM codes only; source: simple-icd-10-cm 1.5.0 (CDC ICD-10-CM April 1 2026 release, FY2026)): expected a billable ICD-10-CM code (FY2026 code set), found header 'G20' (Parkinson's disease), which is not billable; use one of: G20.A1, G20.A2, G20.B1, G20.B2, G20.C",
    ],
    ('cases', 'id-not-file-name'): [
        "data/cases/id-not-file-name.yaml:1:1: error: expected the case id to equal the file name 'id-not-file-name', found 'some-other-case'",
    ],
    ('cases', 'impossible-session-date'): [
        "data/cases/impossible-session-date.yaml:59:11: error: 'date' must be a real calendar date; found '2026-02-30', which does not exist",
    ],
    ('cases', 'medicare-payer'): [
        "data/cases/medicare-payer.yaml:16:3: error: rule 'private-payers-only' (Bill private payers only; source: PostRehab: 6 essential criteria to get insurance reimbursement for medical exercise training): expected a private payer (commercial or self-pay), found Medicare; Medicare and Medicaid do not recognise Medical Exercise Professionals",
    ],
    ('cases', 'minutes-as-text'): [
        "data/cases/minutes-as-text.yaml:66:18: error: 'minutes' must be a whole number; found the text 'twenty'",
    ],
    ('cases', 'negative-minutes'): [
        'data/cases/negative-minutes.yaml:65:9: error: expected minutes from 0 to 480, found -5',
    ],
    ('cases', 'phone-in-response'): [
        'data/cases/phone-in-response.yaml:73:15: error: expected synthetic case text with no real identifiers, found what looks like a phone number; remove or fictionalise it',
    ],
    ('cases', 'pointer-not-on-referral'): [
        "data/cases/pointer-not-on-referral.yaml:77:9: error: rule 'icd10-link-each-cpt' (Link each CPT code to an ICD-10 diagnosis; source: METI: Aligning medical exercise training with CPT coding): expected a pointer to one of the referral's letters (A, B), found 'C'",
    ],
    ('cases', 'record-number'): [
        'data/cases/record-number.yaml:22:18: error: expected synthetic case text with no real identifiers, found what looks like a medical record, member or account number; remove or fictionalise it',
    ],
    ('cases', 'session-before-referral'): [
        "data/cases/session-before-referral.yaml:58:5: error: rule 'written-referral-required' (A written referral is required; source: PostRehab: 6 essential criteria to get insurance reimbursement for medical exercise training): expected sessions on or after the referral date 2026-03-05, found session 's1' on 2026-03-04",
    ],
    ('cases', 'ssn-in-summary'): [
        'data/cases/ssn-in-summary.yaml:5:10: error: expected synthetic case text with no real identifiers, found what looks like a Social Security number; remove or fictionalise it',
    ],
    ('cases', 'units-above-minutes'): [
        "data/cases/units-above-minutes.yaml:99:9: error: rule 'cms-8-minute-rule' (CMS 8-minute rule for timed codes; source: Medicare Claims Processing Manual, Pub 100-04, chapter 5, §20.2 (timed codes)): over-billed: expected 3 units (97110 25 min + 97530 22 min; 47 timed minutes → 97110 2, 97530 1), found 4 billed (97110 2, 97530 2)",
    ],
    ('cases', 'unknown-case-key'): [
        "data/cases/unknown-case-key.yaml:11:1: error: unknown key 'patient_name' in the file; expected one of: baseline, client, denied_if, expected_breaches, id, kind, payable, payer, plan, prompt, reassessments, referral, sessions, summary, title",
    ],
    ('cases', 'unknown-measure'): [
        "data/cases/unknown-measure.yaml:38:7: error: expected a measure id from the catalog, found 'grip-strength'",
        "data/cases/unknown-measure.yaml:168:9: warning: expected 'lefs' to be measured at baseline too, found it only here, so no change can be shown",
        "data/cases/unknown-measure.yaml:170:13: error: rule 'progress-report-content' (What a 30-day progress report holds; source: Medicare Benefit Policy Manual, Pub 100-02, chapter 15, §220.1-220.3 (Rev. 255)): expected the progress report of 2026-03-30 to cover the period since the last assessment, say when it was written and to whom it went, and re-test every baseline measure; found baseline measures not re-tested: grip-strength",
        "data/cases/unknown-measure.yaml:171:14: error: expected a placeholder this case defines in its reassessment 2026-03-30 summary, found '{baseline:lefs}'; of that kind this case defines {baseline:chair-stand-30s}, {baseline:gait-speed}, {baseline:grip-strength}, {baseline:tug}",
        "data/cases/unknown-measure.yaml:182:5: error: expected a placeholder this case defines in its payable item 5, found '{r1.verdict:lefs}'; of that kind this case defines {r1.verdict:chair-stand-30s}, {r1.verdict:gait-speed}, {r1.verdict:tug}",
    ],
    ('cases', 'unquoted-cpt-in-claim'): [
        'data/cases/unquoted-cpt-in-claim.yaml:65:14: error: \'cpt\' must be a quoted 5-digit CPT code such as "97110"; found the number 97110 (unquoted codes are read as numbers: put the code in quotes)',
    ],
    ('cases', 'wrong-payer-type'): [
        "data/cases/wrong-payer-type.yaml:17:9: error: 'type' must be one of 'commercial', 'medicare', 'medicare-advantage', 'medicaid', 'medicaid-managed-care', 'self-pay'; found the text 'insurance'",
    ],
    ('forms', 'form-duplicate-field-id'): [
        "templates/forms/session-log.yaml:28:9: error: expected each section and field id once per form, found 'session_date' again (first at line 19)",
    ],
    ('forms', 'form-missing-required-element'): [
        "templates/forms/session-log.yaml:4:16: error: expected the form to cover element 'minutes-per-code' (Minutes for each CPT code), required in Session log; found no field with it in covers",
    ],
    ('forms', 'form-unknown-document-type'): [
        "templates/forms/session-log.yaml:4:16: error: expected a document type from the catalog (change-in-status, discharge-summary, initial-assessment, progress-report, referral-request, session-log), found 'session-diary'",
    ],
    ('forms', 'form-unknown-element'): [
        "templates/forms/session-log.yaml:19:103: error: expected an element id from the catalog in covers, found 'session-vibes'",
    ],
    ('forms', 'form-wrong-field-type'): [
        "templates/forms/session-log.yaml:28:59: error: 'type' must be one of 'text', 'long-text', 'date', 'time', 'number', 'integer', 'choice', 'checkbox', 'icd10', 'signature', 'table'; found the text 'slider'",
    ],
}


def _project(tmp_path: Path, area: str) -> Path:
    root = tmp_path / "proj"
    (root / "data").mkdir(parents=True)
    shutil.copytree(REPO / "data" / "catalog", root / "data" / "catalog")
    shutil.copytree(REPO / "templates" / "pages", root / "templates" / "pages")
    if area == "cases":
        shutil.copytree(REPO / "templates" / "forms", root / "templates" / "forms")
        (root / "data" / "cases").mkdir()
    else:
        (root / "templates" / "forms").mkdir()
    shutil.copy(REPO / "mkdocs.yml", root)
    return root


def test_corpus_is_complete():
    on_disk = {(p.parent.name, p.stem) for area in ("cases", "forms")
               for p in (FIXTURES / "invalid" / area).glob("*.yaml")}
    assert on_disk == set(EXPECTED)
    catalog = len(list((FIXTURES / "invalid" / "catalog").glob("*.yaml")))
    assert len(on_disk) + catalog >= 40


@pytest.mark.parametrize("area, name", sorted(EXPECTED), ids=lambda v: v)
def test_exact_messages(tmp_path, run_cli, area, name):
    root = _project(tmp_path, area)
    dest = root / "data" / "cases" / f"{name}.yaml" if area == "cases" else root / "templates" / "forms" / "session-log.yaml"
    shutil.copy(FIXTURES / "invalid" / area / f"{name}.yaml", dest)
    code, out, err = run_cli("check", cwd=root)
    lines = [line for line in err.splitlines() if not line.startswith("check ")]
    assert lines == EXPECTED[(area, name)]
    assert code == 1
    assert "Traceback" not in err + out
