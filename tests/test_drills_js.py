"""drills.js grades a drill's audit by rule and by the place the audit names, from the drill page's data.

The key and places come from the shipped drills (casepages._quiz); node runs grade() on the
right answer, on answers given on other claim lines, and on hundreds of random ones, and every
result is checked against the grading rule written out here in Python. The key drills.js works
out (the record-level part with rulebook.js, from the case's records) must be the audit's.
"""

from __future__ import annotations

import html
import json
import random
import subprocess
from pathlib import Path

import pytest

from metdocs.rules.claimbuilder import percent

ROOT = Path(__file__).resolve().parents[1]
DRILLS_JS = ROOT / "site_src" / "assets" / "javascripts" / "drills.js"

RUNNER = r"""
const fs = require("fs");
const drills = require(process.argv[2]);
const job = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
process.stdout.write(JSON.stringify(job.map(j => drills.grade(j.data, j.marks))));
"""


@pytest.fixture(scope="module")
def quizzes() -> list[dict]:
    from metdocs.pages.casepages import book_script, case_pages
    from metdocs.catalog.icd import code_set
    from metdocs.site.pipeline import Project, check
    checked = check(Project.at(ROOT))
    views = [p.context["c"] for p in case_pages(checked.catalog, checked.cases, code_set())
             if p.template == "drill.md.j2"]
    assert views
    # A drill page carries no copy of the rulebook's data (the site's book.js does, as
    # window.metdocsBook): node gets it as `data.book`, as drills.js accepts it.
    book = json.loads(book_script(checked.catalog).split("window.metdocsBook = ", 1)[1].rstrip().rstrip(";"))
    quizzes = [json.loads(html.unescape(str(v["quiz"]))) for v in views]
    assert not any("book" in q for q in quizzes)
    return [{**q, "book": book} for q in quizzes]


def _expected(data: dict, marks: list[dict]) -> dict:
    key = [(k["rule"], k["place"]) for k in data["key"]]
    given = []
    for m in marks:
        pair = (m["rule"], m["place"])
        if pair not in given:
            given.append(pair)
    right = [p for p in given if p in key]
    wrong = [p for p in given if p not in key]
    return {"right": len(right), "missed": len([k for k in key if k not in given]), "wrong": len(wrong),
            "score": percent(len(right), len(key) + len(wrong))}


def _run(node, tmp_path, jobs):
    (tmp_path / "job.json").write_text(json.dumps(jobs), encoding="utf-8")
    (tmp_path / "run.js").write_text(RUNNER, encoding="utf-8")
    proc = subprocess.run([node, str(tmp_path / "run.js"), str(DRILLS_JS), str(tmp_path / "job.json")],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_grading_follows_the_rule_by_rule_and_session(node, tmp_path, quizzes):
    rnd = random.Random(16)
    jobs = []
    for data in quizzes:
        places = [p["id"] for p in data["places"]]
        rules = [r["id"] for kind in data["rules"].values() for r in kind]
        lines = {p: [q for q in places if q.startswith(p + "/")] for p in places}
        exact = [{"place": k["place"], "rule": k["rule"]} for k in data["key"]]
        # The session's first claim line, or the session itself for a fault on a line: never the audit's place.
        on_lines = [{"place": (lines.get(k["place"]) or [k["place"].split("/")[0]])[0], "rule": k["rule"]}
                    for k in data["key"]]
        jobs += [{"data": data, "marks": exact}, {"data": data, "marks": on_lines + exact}, {"data": data, "marks": []}]
        for _ in range(40):
            marks = [{"place": rnd.choice(places), "rule": rnd.choice(rules)} for _ in range(rnd.randint(1, 6))]
            marks += rnd.sample(exact, rnd.randint(0, len(exact)))
            jobs.append({"data": data, "marks": marks})
    results = _run(node, tmp_path, jobs)
    assert len(results) == len(jobs) >= 400
    for job, got in zip(jobs, results):
        want = _expected(job["data"], job["marks"])
        assert {"right": len(got["right"]), "missed": len(got["missed"]), "wrong": len(got["wrong"]),
                "score": got["score"]} == want, (job["data"]["id"], job["marks"])
        assert got["total"] == len(job["data"]["key"])
    for i in range(0, len(quizzes) * 43, 43):  # exact, on claim lines, empty: for every drill
        assert results[i]["score"] == 100, jobs[i]["data"]["id"]
        assert results[i + 2]["score"] == 0 and len(results[i + 2]["missed"]) == len(jobs[i]["data"]["key"])
    # A mark on another line of the right session, or on the session for a fault on a line, is not credit.
    assert any(results[i + 1]["score"] < 100 for i in range(0, len(quizzes) * 43, 43))


def test_flagging_everything_scores_badly(node, tmp_path, quizzes):
    data = max(quizzes, key=lambda q: len(q["key"]))
    marks = [{"place": p["id"], "rule": r["id"]} for p in data["places"] for r in data["rules"][p["kind"]]]
    got = _run(node, tmp_path, [{"data": data, "marks": marks}])[0]
    assert len(got["missed"]) == 0 and got["score"] < 10, got["score"]


def test_the_browser_key_is_the_audits(node, tmp_path, quizzes):
    """drills.js works the record-level part of the key out with rulebook.js: the audit's key."""
    results = _run(node, tmp_path, [{"data": q, "marks": []} for q in quizzes])
    for data, got in zip(quizzes, results):
        assert sorted((k["rule"], k["place"]) for k in got["key"]) == sorted((k["rule"], k["place"]) for k in data["key"])
        for k in got["key"]:
            want = next(w for w in data["key"] if (w["rule"], w["place"]) == (k["rule"], k["place"]))
            assert sorted(k["findings"]) == sorted(want["findings"]), (data["id"], k["rule"])
    assert sum(k["rulebook"] for q in quizzes for k in q["key"]) >= 10  # faults found by the browser's rulebook


def test_each_place_offers_exactly_the_rules_the_audit_reports_there(quizzes):
    from metdocs.rules.audit.core import ENFORCED, reported_at
    for data in quizzes:
        for kind, offered in data["rules"].items():
            ids = {r["id"] for r in offered}
            assert all(kind in reported_at(i) for i in ids), (kind, ids)
            assert {i for i in ENFORCED if kind in reported_at(i)} <= ids
        every = {r["id"] for offered in data["rules"].values() for r in offered}
        # never reported under their own ids (the elements and the case format are), merged away
        assert not every & {"daily-note-content", "plan-of-care-elements", "cms-unit-table", "icd10-link-each-cpt"}
        for k in data["key"]:  # every fault can be marked where the audit names it
            kind = next(p["kind"] for p in data["places"] if p["id"] == k["place"])
            assert k["rule"] in {r["id"] for r in data["rules"][kind]}, (data["id"], k)


def test_a_mark_counts_only_on_the_line_the_audit_names(node, tmp_path, quizzes):
    """Parkinson's drill: line 2 of s3 points at a letter the referral lacks; line 1 is fine."""
    data = next(q for q in quizzes if q["id"] == "drill-parkinson-header-code")
    fault = next(k for k in data["key"] if k["rule"] == "icd10-link-per-cpt")
    assert fault["place"] == "s3/2"
    line1, line2, session = ({"place": p, "rule": "icd10-link-per-cpt"} for p in ("s3/1", "s3/2", "s3"))
    right = [{"place": k["place"], "rule": k["rule"]} for k in data["key"] if k is not fault]
    got = _run(node, tmp_path, [{"data": data, "marks": right + [line1]}, {"data": data, "marks": right + [session]},
                                {"data": data, "marks": right + [line2]}])
    assert [g["score"] for g in got[:2]] == [percent(len(right), len(data["key"]) + 1)] * 2
    assert [len(g["wrong"]) for g in got[:2]] == [1, 1] and got[2]["score"] == 100


def test_the_sites_one_copy_of_the_rulebook_data_closes_no_script(monkeypatch):
    """book.js is made from catalog text: no "<" reaches it, so nothing in it can end a script."""
    from metdocs.pages import casepages
    monkeypatch.setattr(casepages.records, "book", lambda cat, days: {"cite": {"r": "</script><script>alert(1)</script>"}})
    monkeypatch.setattr(casepages, "reassess_days", lambda cat: 30)
    monkeypatch.setattr(casepages, "explain_links", lambda cat, url: {"r": [{"href": url("</script>.md"), "text": "<b>"}]})
    text = casepages.book_script(None)
    assert "<" not in text.split("*/", 1)[1]
    assert json.loads(text.split("window.metdocsBook = ", 1)[1].rstrip().rstrip(";")) == {
        "cite": {"r": "</script><script>alert(1)</script>"},
        "explain": {"r": [{"href": "%3C/script%3E/", "text": "<b>"}]}}
