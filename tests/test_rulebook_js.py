"""rulebook.js, the one record-level checker in the browser, must give the audit's verdict.

Both rulebooks (generator/rules/audit/records.py, which `metdocs check` runs, and
site_src/assets/javascripts/rulebook.js, which the web forms, the claim builder and the drills'
grading run) get the same records: every shipped case's sessions and reports, at least 1,000
generated ones with faults injected across every record-level rule, and malformed ones. Node
checks each with the real ICD-10-CM code set the web forms load (the compact file the build
publishes); Python with the code set the audit uses. The findings must be identical, in order:
rule id, place, severity and message.

Under CI=true the generated records come from a fixed seed; locally each run draws a new one and
prints it, so a failure can be replayed with METDOCS_RULEBOOK_SEED.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from rulebook_corpus import generated, malformed, shipped, variants

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "site_src" / "assets" / "javascripts"
GENERATED = 1200
CI_SEED = 22

RUNNER = r"""
const fs = require("fs"), vm = require("vm");
const [jsDir, jobPath, icdPath] = process.argv.slice(2);
const rulebook = require(jsDir + "/rulebook.js");
const sandbox = {window: {}};
vm.runInNewContext(fs.readFileSync(icdPath, "utf8"), sandbox);
const icd = rulebook.icdFromCompact(sandbox.window.metdocsIcd10cm);
const job = JSON.parse(fs.readFileSync(jobPath, "utf8"), (k, v) => v === "__NaN__" ? NaN : v);
const out = job.records.map(([variant, record]) => rulebook.check(record, job.books[variant], icd));
const lookups = job.codes.map(c => icd.lookup(c));
const credentials = job.signatures.map(s => rulebook.credentialIn(s));
process.stdout.write(JSON.stringify({out, lookups, credentials}));
"""


def _seed() -> int:
    if os.environ.get("METDOCS_RULEBOOK_SEED"):
        return int(os.environ["METDOCS_RULEBOOK_SEED"])
    return CI_SEED if os.environ.get("CI") == "true" else random.randrange(1_000_000)


def _nan_safe(value):
    """JSON has no NaN: send it as a marker node turns back into NaN."""
    if isinstance(value, float) and value != value:
        return "__NaN__"
    if isinstance(value, dict):
        return {k: _nan_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nan_safe(v) for v in value]
    return value


@pytest.fixture(scope="module")
def corpus(icd_catalog):
    from metdocs.site.pipeline import Project, check
    checked = check(Project.at(ROOT))
    base = shipped(checked.cases)
    seed = _seed()
    print(f"rulebook corpus seed: {seed} (replay with METDOCS_RULEBOOK_SEED={seed})")
    return {"base": base, "seed": seed, "records": base + generated(base, GENERATED, seed) + malformed(base)}


@pytest.fixture(scope="module")
def both(corpus, icd_catalog, node, tmp_path_factory):
    from metdocs.catalog.icd import code_set
    from metdocs.rules.audit import records
    from metdocs.rules.measures import reassess_days
    icd = code_set()
    books = {name: records.book(cat, reassess_days(cat)) for name, cat in variants(icd_catalog).items()}
    codes = sorted({d["code"] for _, r in corpus["records"] if isinstance(r, dict)
                    for d in (r.get("diagnoses") if isinstance(r.get("diagnoses"), list) else [])
                    if isinstance(d, dict) and isinstance(d.get("code"), str)}
                   | {"G20", "M54.5", "S72", "G35", "M62.81", "G20.A1", "Z96.651", "XYZ", "A00", "R26.8"})
    codes = [records.normalise_icd(c) for c in codes]
    signatures = ["A. Trainer, MedExPRO", "a trainer medexpro", "B, PT", "B, PTA", "C personal-trainer", "Aide Smith",
                  "nobody", "", "MedExPROs", "PT-ish"]
    python = [records.check(r, books[v], icd) for v, r in corpus["records"]]
    tmp = tmp_path_factory.mktemp("rulebook")
    name, script = icd.web_asset()
    (tmp / name).write_bytes(script)
    job = {"records": _nan_safe(corpus["records"]), "books": books, "codes": codes, "signatures": signatures}
    (tmp / "job.json").write_text(json.dumps(job), encoding="utf-8")
    (tmp / "run.js").write_text(RUNNER, encoding="utf-8")
    proc = subprocess.run([node, str(tmp / "run.js"), str(JS), str(tmp / "job.json"), str(tmp / name)],
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    js = json.loads(proc.stdout)
    return {"python": python, "js": js, "codes": codes, "signatures": signatures, "icd": icd}


def test_the_corpus_is_large_and_breaks_every_record_level_rule(corpus, both):
    from metdocs.rules.audit.records import RECORD_RULES
    records = corpus["records"]
    assert len(records) - len(corpus["base"]) >= 1000 + 40
    broken = Counter(f["rule"] for found in both["python"] for f in found)
    missing = sorted(set(RECORD_RULES) - set(broken))
    assert not missing, f"no record in the corpus breaks {missing} (seed {corpus['seed']})"
    assert all(broken[r] >= 3 for r in RECORD_RULES), broken
    # Every finding comes from the rulebook's own list of rules.
    assert set(broken) <= set(RECORD_RULES)


def test_js_gives_the_audits_findings_on_every_record(corpus, both):
    mismatches = [(i, variant, record, py, js) for i, ((variant, record), py, js)
                  in enumerate(zip(corpus["records"], both["python"], both["js"]["out"])) if py != js]
    assert not mismatches, (f"{len(mismatches)} of {len(corpus['records'])} records differ (seed {corpus['seed']}); "
                            f"first: {json.dumps(mismatches[0], default=str)[:3000]}")
    assert sum(len(f) for f in both["python"]) > 2000  # the comparison compares something


def test_shipped_records_agree_with_the_audit(corpus, both, icd_catalog):
    """The audit's own findings on the shipped cases are the records' findings (placed in the files)."""
    from metdocs.rules.audit.core import case_findings
    from metdocs.rules.audit.records import RECORD_RULES
    from metdocs.catalog.icd import code_set
    from metdocs.site.pipeline import Project, check
    checked = check(Project.at(ROOT))
    from_records = {f["message"] for found in both["python"][:len(corpus["base"])] for f in found}
    from_audit = set()
    for case in checked.cases:
        from_audit |= {f.problem.message for f in case_findings(case, checked.catalog, code_set())
                       if f.problem.rule in RECORD_RULES}
    assert from_records <= from_audit
    # The rest is the session-log elements' presence, which each document's own completeness check
    # reports (the audit's ELEMENT_FIELDS, the web form's required fields).
    assert all(" to show " in m and re.search(r"found it missing( in exercise row [0-9]+ \(.*\))?$", m)
               for m in from_audit - from_records), \
        sorted(from_audit - from_records)
    assert from_audit, "the shipped drills break record-level rules"


def test_js_looks_codes_up_as_the_audit_does(both):
    for code, js in zip(both["codes"], both["js"]["lookups"]):
        info = both["icd"].lookup(code)
        assert (js["valid"], js["billable"], js["children"]) == (info.valid, info.billable, list(info.children)), code


def test_credentials_are_read_from_the_signature_alike(both):
    from metdocs.rules.audit.records import credential_in
    assert both["js"]["credentials"] == [credential_in(s) for s in both["signatures"]]
    assert credential_in("A. Trainer, MedExPRO") == "MedExPRO" and credential_in("A. Trainer") is None
