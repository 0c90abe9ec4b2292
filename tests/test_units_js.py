"""The browser port site_src/assets/javascripts/units.js must agree with generator/rules/units.py.

Random visits come from a seeded generator in Python, go to node as a JSON file, and
every result (units, totals, explanation) is compared with Python's for both rules.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # works with bare `pytest` too

from metdocs.rules.units import MAX_MINUTES, RULES, allocate  # noqa: E402

UNITS_JS = ROOT / "site_src" / "assets" / "javascripts" / "units.js"
POOL = ["97110", "97112", "97116", "97140", "97150", "97161", "97164", "97530", "97535", "97750"]

RUNNER = r"""
const fs = require("fs"), vm = require("vm");
const [unitsPath, casesPath] = process.argv.slice(2);
const engine = require(unitsPath);
const data = JSON.parse(fs.readFileSync(casesPath, "utf8"));
const results = data.cases.map(c => engine.allocate(c.minutes, c.timed, c.rule));
const errors = data.invalid.map(c => {
  try { engine.allocate(c.minutes, c.timed, c.rule); return null; } catch (e) { return String(e.message); }
});
// Browser mode: no `module`, a `window` object; the script must attach window.metdocsUnits.
const sandbox = {window: {}};
vm.runInNewContext(fs.readFileSync(unitsPath, "utf8"), sandbox);
const browser = sandbox.window.metdocsUnits ? sandbox.window.metdocsUnits.allocate({"97110": 33}, ["97110"]) : null;
process.stdout.write(JSON.stringify({results, errors, browser}));
"""


def _random_visits(n: int, seed: int = 97110) -> list[tuple[dict[str, int], list[str]]]:
    """Seeded random visits; a share use minutes that often tie on leftovers."""
    rnd = random.Random(seed)
    tie_prone = [0, 5, 7, 8, 10, 15, 20, 22, 23, 30, 35, 37, 38, 45, 50]
    visits = []
    for i in range(n):
        codes = rnd.sample(POOL, rnd.randint(1, 6))
        if i % 3 == 0:
            minutes = {c: rnd.choice(tie_prone) for c in codes}
        elif i % 25 == 1:
            minutes = {c: rnd.randint(0, MAX_MINUTES) for c in codes}
        else:
            minutes = {c: rnd.randint(0, 120) for c in codes}
        timed = sorted(c for c in codes if rnd.random() < 0.75)
        visits.append((minutes, timed))
    # Edge cases: empty visit, all zero, all untimed, single code at the limit.
    visits += [({}, []), ({"97110": 0, "97112": 0}, ["97110", "97112"]),
               ({"97150": 40, "97161": 0}, []), ({"97110": MAX_MINUTES}, ["97110"])]
    return visits


@pytest.fixture(scope="module")
def js_run(node, tmp_path_factory):
    cases = [{"minutes": m, "timed": t, "rule": r} for m, t in _random_visits(300) for r in RULES]
    invalid = [{"minutes": {"97110": bad}, "timed": ["97110"], "rule": "cms"}
               for bad in (-5, MAX_MINUTES + 1, 1.5, "10", True, None)]
    invalid.append({"minutes": {"97110": 10}, "timed": ["97110"], "rule": "medicaid"})
    tmp = tmp_path_factory.mktemp("units_js")
    (tmp / "cases.json").write_text(json.dumps({"cases": cases, "invalid": invalid}), encoding="utf-8")
    (tmp / "run.js").write_text(RUNNER, encoding="utf-8")
    proc = subprocess.run([node, str(tmp / "run.js"), str(UNITS_JS), str(tmp / "cases.json")],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 0, proc.stderr
    return cases, invalid, json.loads(proc.stdout)


def test_js_matches_python(js_run):
    cases, _, out = js_run
    assert len(out["results"]) == len(cases) == 2 * 304
    ties = 0
    for case, js in zip(cases, out["results"]):
        py = allocate(case["minutes"], case["timed"], case["rule"]).to_json()
        # JS objects order integer-like keys numerically, so compare units as mappings.
        assert js == py, f"JS differs from Python for {case}"
        ties += any(s.startswith("Tie:") for s in py["explanation"])
    assert ties >= 20  # the sample really exercises the tie-break wording


def test_js_rejects_what_python_rejects(js_run):
    _, invalid, out = js_run
    for case, error in zip(invalid, out["errors"]):
        with pytest.raises(ValueError):
            allocate(case["minutes"], case["timed"], case["rule"])
        assert error is not None, f"JS accepted {case}"


def test_js_attaches_to_window_in_browser(js_run):
    _, _, out = js_run
    assert out["browser"] == allocate({"97110": 33}, ["97110"]).to_json()
