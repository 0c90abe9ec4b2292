"""`metdocs bench`: a real (small) run reports every phase, both builds and sane figures."""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO
from metdocs.bench.run import PHASES, format_report
from metdocs.bench.synth import synthesise
from metdocs.cases.read import load_cases

pytestmark = pytest.mark.slow


def test_synthesised_cases_are_valid_and_unique(tmp_path):
    synthesise(REPO, tmp_path, 30)
    cases, problems = load_cases(tmp_path / "data" / "cases")
    assert not [p for p in problems if p.is_error]
    assert len(cases) == 30 == len({c.id for c in cases})


def test_bench_json_has_the_promised_keys_and_consistent_numbers(run_cli):
    code, out, err = run_cli("bench", "--cases", "30", "--serve-edit", "1", "--json", cwd=REPO)
    assert code == 0, err
    r = json.loads(out)
    assert {"cases", "pages", "phases", "total_s", "baseline_s", "peak_mb", "same_nav_s", "same_nav_peak_mb",
            "largest_html", "markdown", "machine", "serve_edit"} <= set(r)
    # MkDocs alone with the same nav, and the memory of both builds
    assert r["ratio_to_same_nav"] == pytest.approx(r["total_s"] / r["same_nav_s"], abs=0.002)
    assert r["memory_ratio_to_same_nav"] == pytest.approx(r["peak_mb"] / r["same_nav_peak_mb"], abs=0.002)
    assert r["same_nav_peak_mb"] > 20 and 0 < r["largest_html"]["bytes"] < 2_000_000
    assert r["largest_html"]["path"].endswith(".html")
    # one edit timed under `metdocs serve`: it showed, and the server rebuilt a few files, not all
    edit = r["serve_edit"]
    assert edit["edits"] == 1 and len(edit["seconds"]) == 1 and edit["page"].startswith("cases/")
    changed, of = map(int, re.match(r"metdocs: (\d+) of (\d+) generated files changed", edit["rebuilt"]).groups())
    assert 1 <= changed < 12 < of
    assert r["cases"] == 30 and set(r["phases"]) == set(PHASES)
    shipped_pages = r["pages"] - 30
    assert shipped_pages > 50  # catalog, rules, forms ... besides one page per case
    assert all(v >= 0 for v in r["phases"].values())
    assert sum(r["phases"].values()) <= r["total_s"] + 0.05  # phases are parts of the total
    assert r["baseline_s"] > 0 and r["peak_mb"] > 20
    own = sum(v for k, v in r["phases"].items() if k != "mkdocs")
    assert r["own_share"] == pytest.approx(own / r["total_s"], abs=0.002)
    assert "own stages" in format_report(r) and "Synthesising 30 cases" in err
    # CPU time of the whole build (its forked helpers included) and the cost per MB of HTML
    assert 0 < r["cpu_s"] and r["html_mb"] > 1
    assert r["cpu_ms_per_page"] == pytest.approx(1000 * r["cpu_s"] / r["pages"], abs=0.1)
    assert r["cpu_s_per_html_mb"] == pytest.approx(r["cpu_s"] / r["html_mb"], rel=0.01)
    assert "s per MB" in format_report(r)
    # the search index every visitor downloads
    assert 0.1 < r["search_index_mb"] < r["html_mb"] and "search   index" in format_report(r)


def test_bench_refuses_a_silly_size(run_cli):
    code, _, err = run_cli("bench", "--cases", "0", cwd=REPO)
    assert code == 2 and "expected --cases from 1 to 20000, found 0" in err  # a usage error, as argparse
