"""The claim builder: the Python engine (generator/rules/claimbuilder.py) and its browser port (claims.js).

* Both ports give the same visit, answers, explanations and grades on 603 seeds, each under the
  seed's own unit rule and forced to each of the two rules (1,800 exercises), with the right
  answer, a wrong one and random tries graded by both.
* The visits are realistic and every kind of answer occurs.
* The answers agree with the audit engine: a visit billed as the builder says it must be is
  flagged by the audit for exactly the scope problem the builder teaches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from metdocs.rules.claimbuilder import (PACKET_SEEDS, PROBLEM_RULES, PROBLEMS, SHAPE, VISIT_DAY, builder_data, generate, grade,
                                    mulberry32, percent)
from metdocs.rules.units import RULES, allocate

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "site_src" / "assets" / "javascripts"
SEEDS = [*range(600), 123456789, 4294967261, 4294967295]  # and runs far from 0: the deck (deck_slot) per run

RUNNER = r"""
const fs = require("fs");
const claims = require(process.argv[2]);
const job = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const out = job.runs.map(run => {
  const ex = claims.generate(job.data, run.seed, run.rule);
  return {exercise: ex, grades: run.tries.map(t => claims.grade(ex, t))};
});
const draws = job.prng.map(seed => { const r = claims.mulberry32(seed); return [r(), r(), r()]; });
process.stdout.write(JSON.stringify({out, draws}));
"""


@pytest.fixture(scope="module")
def checked():
    from metdocs.site.pipeline import Project, check
    result = check(Project.at(ROOT))
    assert result.ok
    return result


@pytest.fixture(scope="module")
def data(checked):
    made = builder_data(checked.catalog, rule_url=lambda rule: f"../../standards/#{rule}")
    assert made is not None
    return made


def _tries(ex: dict, rnd: random.Random) -> list[dict]:
    """The right answer, an empty one, and two random ones (often partly right)."""
    codes = [c["code"] for c in ex["codes"]]
    letters = [d["pointer"] for d in ex["diagnoses"]]
    reasons = ["yes", *PROBLEMS, "no-units"]
    right = {"units": dict(ex["answer"]["units"]), "pointers": {c: list(ex["answer"]["pointers"][c]) for c in codes},
             "billable": ex["answer"]["billable"]}
    tries = [right, {"units": {}, "pointers": {}, "billable": None}]
    # Units no one may type as units: text, yes/no, fractions; 15.0 is the whole number 15 in both.
    for odd in ("2", True, False, 1.5, None, [2], 2.0):
        tries.append({**right, "units": {c: odd for c in codes}})
    for _ in range(2):
        tries.append({"units": {c: rnd.choice([ex["answer"]["units"].get(c, 0), rnd.randint(0, 6), None]) for c in codes},
                      "pointers": {c: rnd.sample(letters, rnd.randint(0, len(letters))) for c in codes},
                      "billable": rnd.choice(reasons)})
    return tries


def test_js_and_python_agree_on_seeded_exercises_under_both_rules(data, node, tmp_path):
    rnd = random.Random(16)
    runs = [{"seed": seed, "rule": rule} for seed in SEEDS for rule in (None, *RULES)]
    for run in runs:
        run["tries"] = _tries(generate(data, run["seed"], run["rule"]), rnd)
    prng = [0, 1, 42, 2**31, 2**32 - 1]
    (tmp_path / "job.json").write_text(json.dumps({"data": data, "runs": runs, "prng": prng}), encoding="utf-8")
    (tmp_path / "run.js").write_text(RUNNER, encoding="utf-8")
    proc = subprocess.run([node, str(tmp_path / "run.js"), str(JS / "claims.js"), str(tmp_path / "job.json")],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    for seed, js in zip(prng, got["draws"]):
        draw = mulberry32(seed)
        assert js == [draw(), draw(), draw()], seed
    assert len(got["out"]) == len(runs) == 3 * len(SEEDS)
    per_rule = Counter()
    for run, js in zip(runs, got["out"]):
        ex = generate(data, run["seed"], run["rule"])
        assert js["exercise"] == json.loads(json.dumps(ex)), (run["seed"], run["rule"])
        grades = [grade(ex, t) for t in run["tries"]]
        assert js["grades"] == json.loads(json.dumps(grades)), (run["seed"], run["rule"])
        unsupported = sum(1 for letters in ex["answer"]["pointers"].values() if not letters)
        assert grades[0]["score"] == 100 and grades[1]["right"] == unsupported  # leaving those empty is right
        for odd, g in zip(("2", True, False, 1.5, None, [2]), grades[2:8]):
            assert all(u["given"] is None and not u["ok"] for u in g["units"]), (odd, g)  # never a unit
        assert all(u["given"] == 2 for u in grades[8]["units"])  # 2.0 is the whole number 2, as in JavaScript
        per_rule[ex["rule"]] += 1
    assert per_rule["cms"] >= 500 and per_rule["ama"] >= 500, per_rule


def test_the_same_seed_gives_the_same_visit_and_a_forced_rule_only_changes_the_rule(data):
    assert generate(data, 42) == generate(data, 42)
    assert generate(data, 42) != generate(data, 43)
    for seed in range(50):
        a, b = generate(data, seed, "cms"), generate(data, seed, "ama")
        assert (a["rule"], b["rule"]) == ("cms", "ama")
        assert [(c["code"], c["minutes"]) for c in a["codes"]] == [(c["code"], c["minutes"]) for c in b["codes"]]
        assert a["diagnoses"] == b["diagnoses"] and a["problem"] == b["problem"]


def test_visits_are_realistic_and_every_answer_occurs(data, checked):
    cat = checked.catalog
    seen = Counter()
    core = {c.code for c in cat.cpt_codes if c.in_scope}
    pairs = {d.code: {p.cpt for p in d.pairings} for d in cat.diagnoses}
    for seed in range(2000):
        ex = generate(data, seed)
        seen[ex["answer"]["billable"]] += 1
        seen[ex["rule"]] += 1
        codes = [c["code"] for c in ex["codes"]]
        assert codes == sorted(set(codes)) and 1 <= len(codes) <= len(core) + 1
        in_scope = [c for c in ex["codes"] if c["in_scope"]]
        assert {c["code"] for c in in_scope} <= core
        low = SHAPE["short_minutes"][0] if ex["problem"] is None else SHAPE["minutes"][0]
        assert all(low <= c["minutes"] <= SHAPE["minutes"][1] for c in in_scope), ex["codes"]
        assert [d["pointer"] for d in ex["diagnoses"]] == list("ABCDEFGHIJKL"[:len(ex["diagnoses"])])
        assert 1 <= len(ex["diagnoses"]) <= len(in_scope) + 1
        for c in in_scope:  # every MET code on the visit has a referral diagnosis that supports it
            want = [d["pointer"] for d in ex["diagnoses"] if c["code"] in pairs[d["code"]]]
            assert want and ex["answer"]["pointers"][c["code"]] == want
        assert ex["answer"]["units"] == allocate({c["code"]: c["minutes"] for c in in_scope}, cat.is_timed,
                                                 ex["rule"]).units  # only the codes a MedExPRO may bill
        overdue = ex["days_since_reassessment"] > ex["reassess_days"]
        assert overdue == (ex["problem"] == "overdue")
        assert (ex["group_size"] > 1) == (ex["problem"] == "group")
        assert (ex["modifiers"] == ["GP"]) == (ex["problem"] == "gp-modifier")
        assert (ex["payer"]["type"] != "commercial") == (ex["problem"] == "payer")
        assert (len(in_scope) < len(codes)) == (ex["problem"] == "scope-code")
        if ex["problem"]:
            assert ex["answer"]["billable"] == ex["problem"] and ex["explain"]["rule"] == PROBLEM_RULES[ex["problem"]]
        else:
            assert ex["answer"]["billable"] == ("no-units" if ex["answer"]["total_units"] == 0 else "yes")
    for answer in ("yes", "no-units", *PROBLEMS):
        assert seen[answer] >= 10, seen
    assert seen["cms"] > 800 and seen["ama"] > 800


def test_grading_counts_each_step(data):
    ex = next(generate(data, s) for s in range(100) if len(generate(data, s)["codes"]) == 2)
    a, b = (c["code"] for c in ex["codes"])
    right = {"units": dict(ex["answer"]["units"]), "pointers": {c: ex["answer"]["pointers"][c] for c in (a, b)},
             "billable": ex["answer"]["billable"]}
    assert grade(ex, right)["right"] == 5 == grade(ex, right)["total"]
    wrong_units = {**right, "units": {a: ex["answer"]["units"][a] + 1, b: ex["answer"]["units"][b]}}
    assert [u["ok"] for u in grade(ex, wrong_units)["units"]] == [False, True]
    assert grade(ex, {**right, "units": {a: True, b: str(ex["answer"]["units"][b])}})["right"] == 3  # not numbers
    assert grade(ex, {**right, "pointers": {a: [], b: ex["answer"]["pointers"][b]}})["right"] == 4
    assert grade(ex, {**right, "billable": None})["score"] == percent(4, 5) == 80
    other = [d["pointer"] for d in ex["diagnoses"] if d["pointer"] not in ex["answer"]["pointers"][a]]
    if other:  # one letter that does not support the code spoils the line
        assert not grade(ex, {**right, "pointers": {**right["pointers"], a: [*right["pointers"][a], other[0]]}}
                         )["pointers"][0]["ok"]
    assert percent(1, 3) == 33 and percent(2, 3) == 67 and percent(1, 8) == 13 and percent(0, 0) == 0


def test_answers_agree_with_the_audit_engine(data, checked):
    """Bill each visit as the builder says and audit it: the audit flags exactly the builder's problem."""
    from metdocs.rules.audit.core import case_findings
    from metdocs.cases.model import Activity, ClaimLine, Payer, Referral, ReferralDiagnosis, Session
    from metdocs.catalog.icd import code_set

    cat, icd = checked.catalog, code_set()
    template = next(c for c in checked.cases if c.kind == "worked")
    watched = {*PROBLEM_RULES.values(), "cms-8-minute-rule", "ama-midpoint-rule", "cms-unit-split",
               "icd10-link-per-cpt"}
    visit_day = dt.date.fromisoformat(VISIT_DAY)
    for seed in range(300):
        ex = generate(data, seed)
        base = visit_day - dt.timedelta(days=ex["days_since_reassessment"])
        referral = Referral(date=base - dt.timedelta(days=1), provider_role="orthopedic surgeon", credential="MD",
                            statement="Medical exercise training.",
                            diagnoses=tuple(ReferralDiagnosis(d["code"], d["pointer"]) for d in ex["diagnoses"]))
        session = Session(id="s1", date=visit_day, start="09:00", end="11:00", group_size=ex["group_size"],
                          scope_acknowledged=True, response="Fine.", signed_by="A. Trainer, MedExPRO",
                          signer_credential="MedExPRO",
                          activities=tuple(Activity(c["code"], c["minutes"], "Work.", "Goal.") for c in ex["codes"]),
                          claim=tuple(ClaimLine(c["code"], ex["answer"]["units"].get(c["code"], 1),
                                                tuple(ex["answer"]["pointers"][c["code"]]), tuple(ex["modifiers"]))
                                      for c in ex["codes"]))
        case = dataclasses.replace(
            template, id=f"seed-{seed}", reassessments=(), expected_breaches=(), referral=referral,
            payer=Payer("Payer", ex["payer"]["type"], ex["rule"], referral.date),
            baseline=dataclasses.replace(template.baseline, date=base), sessions=(session,))
        found = case_findings(case, cat, icd)
        rules = {f.problem.rule for f in found if f.problem.rule in watched and f.problem.is_error}
        want = set()
        problem = ex["problem"]
        if problem:
            want.add(PROBLEM_RULES[problem])
        if problem != "payer" and any(not ex["answer"]["pointers"][c] for c in ex["answer"]["pointers"]):
            want.add("icd10-link-per-cpt")  # a line no referral diagnosis supports has no pointer
        assert rules == want, (seed, ex["answer"]["billable"], [f.problem.message for f in found])
        # The builder's explanation quotes the audit's own findings, word for word.
        assert set(ex["explain"]["findings"]) <= {f.problem.message for f in found}, seed


CLAIMED = r"""
const fs = require("fs");
const claims = require(process.argv[2]);
const job = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const out = job.seeds.map(seed => {
  const ex = claims.generate(job.data, seed, null);
  const g = claims.grade(ex, {units: {}, pointers: {}, billable: "yes"});
  return [ex.answer.billable, ex.explain.rule, ex.explain.findings, g.units.map(u => u.code),
          ex.codes.filter(c => c.in_scope).map(c => c.code), g.billable.label, ex.explain.billable];
});
process.stdout.write(JSON.stringify(out));
"""


def test_every_unbillable_visit_cites_the_rule_the_engine_found(data, node, tmp_path):
    """Over seeds 0-9999, in both ports: a visit that cannot be billed is explained by the rule the
    rulebook finds in it (an out-of-scope code by the scope rule, with that code's reason), no units
    are asked or graded for a code a MedExPRO may not bill, and a wrong answer names the right one."""
    from metdocs.rules.audit.records import SCOPE_RULE
    seeds = list(range(10000))
    (tmp_path / "job.json").write_text(json.dumps({"data": data, "seeds": seeds}), encoding="utf-8")
    (tmp_path / "run.js").write_text(CLAIMED, encoding="utf-8")
    proc = subprocess.run([node, str(tmp_path / "run.js"), str(JS / "claims.js"), str(tmp_path / "job.json")],
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert proc.returncode == 0, proc.stderr
    js = json.loads(proc.stdout)
    labels = {r["id"]: r["label"] for r in data["reasons"]}
    scope_notes = {c["code"]: c for c in data["out_of_scope"]}
    unbillable = Counter()
    for seed, (billable, rule, findings, graded, in_scope, label, said) in zip(seeds, js):
        ex = generate(data, seed)
        py = grade(ex, {"units": {}, "pointers": {}, "billable": "yes"})
        assert (billable, rule, findings, graded, label, said) == (
            ex["answer"]["billable"], ex["explain"]["rule"], ex["explain"]["findings"], [u["code"] for u in py["units"]],
            py["billable"]["label"], ex["explain"]["billable"]), seed
        assert graded == in_scope, seed  # never a unit asked of a code that cannot be billed
        assert label == labels[billable], seed
        if billable in ("yes", "no-units"):
            assert rule == "" and not findings, seed
            continue
        unbillable[billable] += 1
        cited = [m for m in findings if m.startswith(f"rule '{rule}' ")]
        assert cited and cited[0] in said, seed  # the explanation quotes the engine's finding
        if billable == "scope-code":
            extra = next(c["code"] for c in ex["codes"] if not c["in_scope"])
            assert rule == SCOPE_RULE and f"found {extra} ({scope_notes[extra]['name']})" in cited[0], seed
    assert sum(unbillable.values()) > 4000 and unbillable["scope-code"] > 800, unbillable


def test_packet_seeds_are_a_range_students_can_type():
    assert list(PACKET_SEEDS) == list(range(1, len(PACKET_SEEDS) + 1)) and len(PACKET_SEEDS) >= 10


def test_every_run_of_20_seeds_is_balanced_across_rules_clean_visits_and_problems(data):
    """Seeds 1-20 (the packet's exercises), 21-40 ... and the run that seed 0 ends: each holds both
    unit rules 10 times, the deck's share of visits with no scope problem, and each kind of scope
    problem at its rate. The mix is counted from the generated visits, not from the deck."""
    from metdocs.rules.claimbuilder import DECK
    size = DECK["size"]
    assert size == 20 and DECK["clean"] + sum(DECK["problems"].values()) == size
    assert set(DECK["problems"]) == set(PROBLEMS) and all(n >= 1 for n in DECK["problems"].values())
    assert 0.4 <= DECK["clean"] / size <= 0.7  # most visits a MedExPRO sees can be billed
    starts = [1, 21, 41, 101, 1001, 4294967261] + [1 + size * k for k in range(200, 260)]
    for start in starts:
        visits = [generate(data, s) for s in range(start, start + size)]
        rules = Counter(ex["rule"] for ex in visits)
        assert rules == {r: size // len(RULES) for r in RULES}, (start, rules)
        problems = Counter(ex["problem"] for ex in visits)
        assert problems[None] == DECK["clean"], (start, problems)
        assert {p: problems[p] for p in PROBLEMS} == DECK["problems"], (start, problems)
        # Clean visits come under both rules, and so do the problems taken together.
        assert {ex["rule"] for ex in visits if ex["problem"] is None} == set(RULES)
        assert {ex["rule"] for ex in visits if ex["problem"]} == set(RULES)
    assert [generate(data, 0)["rule"] for _ in range(2)] == [generate(data, 0)["rule"]] * 2
    # The runs are dealt in different orders: the 20 slots are not the same in every run.
    orders = {tuple((ex["rule"], ex["problem"]) for ex in (generate(data, s) for s in range(st, st + size)))
              for st in starts[:10]}
    assert len(orders) == 10
    # Seeds 1-5 (the first exercises a class is given) are not all one rule.
    assert len({generate(data, s)["rule"] for s in range(1, 6)}) == 2
