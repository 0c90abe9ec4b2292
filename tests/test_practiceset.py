"""Practice sets: the one derivation (generator/rules/practiceset.py) and its browser twin
(practiceset.js), the set page's data, and the sets the print packets list.

* A set is fixed per seed, has exactly n exercises, mixes both kinds when it can, deals no drill
  twice before each was dealt, and deals claim-builder exercises from two whole runs of the deck.
* practiceset.js draws the same series as Python on 965 (seed, n) pairs, with the
  shipped drills and with course shapes that have no drill or no claim builder.
"""

from __future__ import annotations

import json
import random
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from markupsafe import escape

from metdocs.rules.claimbuilder import DECK, MAX_SEED, builder_data, deck_slot
from metdocs.rules.practiceset import CLAIM_POOL, COURSE_SETS, SIZE, series

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "site_src" / "assets" / "javascripts"
DRILLS = sorted(p.stem for p in (ROOT / "data" / "cases").glob("*.yaml")
                if "\nkind: drill" in p.read_text(encoding="utf-8"))

RUNNER = r"""
const fs = require("fs");
const sets = require(process.argv[2]);
const job = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
process.stdout.write(JSON.stringify(job.runs.map(r => sets.series(r.seed, r.n, r.drills, r.claims))));
"""


def _runs() -> list[dict]:
    rnd = random.Random(24)
    seeds = [*range(0, 300), 99_999_999, 100_000_000, 123_456_789, MAX_SEED - 1, MAX_SEED,
             *(rnd.randrange(MAX_SEED + 1) for _ in range(300))]
    runs = []
    for i, seed in enumerate(seeds):
        n = SIZE["min"] + (seed * 7 + i) % SIZE["max"]
        runs.append({"seed": seed, "n": n, "drills": DRILLS, "claims": True})
    shapes = [(DRILLS[:1], True), (DRILLS[:3], True), ([], True), (DRILLS, False), (DRILLS[:2], False), ([], False)]
    for seed in range(60):
        for drills, claims in shapes:
            runs.append({"seed": seed * 977, "n": 1 + seed % SIZE["max"], "drills": drills, "claims": claims})
    return runs


def test_the_browser_draws_the_same_series_as_python(node, tmp_path):
    runs = _runs()
    (tmp_path / "job.json").write_text(json.dumps({"runs": runs}), encoding="utf-8")
    (tmp_path / "run.js").write_text(RUNNER, encoding="utf-8")
    proc = subprocess.run([node, str(tmp_path / "run.js"), str(JS / "practiceset.js"), str(tmp_path / "job.json")],
                          capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=JS)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert len(got) == len(runs) > 900
    for run, js in zip(runs, got):
        assert js == series(run["seed"], run["n"], run["drills"], run["claims"]), run


def test_a_set_is_fixed_by_its_seed_has_n_exercises_and_mixes_both_kinds():
    for seed in range(200):
        for n in (SIZE["min"], 2, 3, 10, SIZE["max"]):
            items = series(seed, n, DRILLS, True)
            assert items == series(seed, n, DRILLS, True)
            assert len(items) == n
            kinds = Counter(i["kind"] for i in items)
            if n >= 2:
                assert kinds["drill"] >= 1 and kinds["claim"] >= 1, (seed, n, kinds)
            drills = [i["id"] for i in items if i["kind"] == "drill"]
            assert set(drills) <= set(DRILLS)
            assert len(set(drills)) == min(len(drills), len(DRILLS))  # no repeat before each was dealt
            claims = [i["seed"] for i in items if i["kind"] == "claim"]
            assert len(set(claims)) == len(claims)
            base = CLAIM_POOL * seed
            assert all(base < s <= base + CLAIM_POOL <= MAX_SEED for s in claims)
    # Different seeds give different sets (not one series relabelled).
    assert len({json.dumps(series(seed, 10, DRILLS, True)) for seed in range(50)}) == 50
    # n = 1: a drill for some seeds, an exercise for others.
    assert {series(seed, 1, DRILLS, True)[0]["kind"] for seed in range(40)} == {"claim", "drill"}


def test_a_course_with_one_kind_gets_sets_of_that_kind():
    assert {i["kind"] for i in series(5, 12, [], True)} == {"claim"}
    only = series(5, 30, DRILLS[:2], False)
    assert {i["kind"] for i in only} == {"drill"} and len(only) == 30
    assert Counter(i["id"] for i in only) == {DRILLS[0]: 15, DRILLS[1]: 15}
    assert series(5, 3, [], False) == []
    for bad in ((-1, 3), (MAX_SEED + 1, 3), (1, 0), (1, SIZE["max"] + 1)):
        with pytest.raises(ValueError):
            series(*bad, DRILLS, True)


def test_claim_exercises_of_a_set_practise_both_unit_rules(catalog):
    data = builder_data(catalog)
    rules = Counter(deck_slot(data, i["seed"])[0] for seed in range(100) for i in series(seed, SIZE["max"], DRILLS, True)
                    if i["kind"] == "claim")
    assert set(rules) == set(data["rules"]) and min(rules.values()) > 0.4 * sum(rules.values())
    assert DECK["size"] * 2 == CLAIM_POOL


def test_the_course_sets_are_valid_sets():
    assert COURSE_SETS and all(SIZE["min"] <= n <= SIZE["max"] for _, n in COURSE_SETS)


def test_the_set_page_is_generated_with_final_links_in_both_url_styles(catalog):
    import html as htmlmod
    from types import SimpleNamespace

    from metdocs.pages.practice import SET, practice_pages
    drills = [SimpleNamespace(id=d, title=f"Drill {d}", kind="drill") for d in DRILLS]
    for directory_urls, drill_url, standards in ((True, "../../drills/{}/", "../../standards/#"),
                                                 (False, "../drills/{}.html", "../standards/index.html#")):
        pages = {p.path: p for p in practice_pages(catalog, drills, directory_urls=directory_urls)}
        page = pages[SET]
        data = json.loads(htmlmod.unescape(str(page.context["data"])))
        assert [d["url"] for d in data["drills"]] == [drill_url.format(d) for d in DRILLS]
        assert data["size"] == SIZE and data["claims"] is True
        assert all(r["url"].startswith(standards) for r in data["rules"].values()) and data["rules"]
        # Without JavaScript the page lists the default set, drawn by the same derivation.
        want = series(1, SIZE["default"], DRILLS, True)
        assert [p["label"].startswith("Audit drill") for p in page.context["plain"]] == [i["kind"] == "drill" for i in want]
        progress = json.loads(htmlmod.unescape(str(pages["practice/progress.md"].context["data"])))
        assert progress["set_url"] == ("../set/" if directory_urls else "set.html")


@pytest.fixture(scope="module")
def shipped_files():
    from metdocs.site.pipeline import Project, generate
    return generate(Project.at(ROOT)).files


def _section(markdown: str) -> str:
    assert "## Practice sets" in markdown
    return markdown.split("## Practice sets", 1)[1]


def test_the_packets_list_the_course_set_with_answers_in_the_instructor_edition_only(catalog, shipped_files, cases):
    from metdocs.rules.claimbuilder import generate
    data = builder_data(catalog)
    student = _section(shipped_files["print/student/index.md"])
    instructor = _section(shipped_files["print/instructor/index.md"])
    (seed, n), = COURSE_SETS
    items = series(seed, n, DRILLS, True)
    for k, item in enumerate(items, 1):
        for text in (student, instructor):
            if item["kind"] == "claim":
                assert f"Exercise {k} of {n}: claim builder exercise {item['seed']}" in text
            else:
                assert f"Exercise {k} of {n}: audit drill" in text and str(escape(cases[item["id"]].title)) in text
        if item["kind"] == "claim":
            ex = generate(data, item["seed"])
            # Every answer of the exercise, as the engine gives it, in the instructor's edition only.
            for code in ex["codes"]:
                if code["in_scope"]:
                    row = f"<td>{code['minutes']}</td><td>{ex['answer']['units'][code['code']]}</td>"
                    assert row in instructor and row not in student
            assert str(escape(ex["explain"]["billable"]))[:60] in instructor
        else:
            titles = {catalog.rule(b.rule).title for b in cases[item["id"]].expected_breaches if catalog.rule(b.rule)}
            block = instructor.split(f'data-drill="{item["id"]}"', 1)[1].split("</div>", 1)[0]
            assert titles and all(str(escape(t)) in block for t in titles)
            assert "Faults to find" not in student.split(f'data-drill="{item["id"]}"', 1)[1].split("</div>", 1)[0]
    assert "Can it be billed?" not in student and "Faults to find" not in student
    assert student.count("Exercise ") and instructor.count("Can it be billed?") >= sum(i["kind"] == "claim" for i in items)


def test_the_set_page_and_its_links_are_generated(shipped_files):
    page = shipped_files["practice/set.md"]
    assert 'data-metdocs-set="' in page
    assert "](../practice/set.md)" in shipped_files["practice/index.md"]  # the practice index links the set
    assert "](../practice/set.md)" in shipped_files["practice/progress.md"]


def test_every_rule_the_summary_can_name_links_to_its_entry_on_the_built_standards_page(site, catalog):
    """A step's findings name catalog rules and elements; the summary links each to its entry."""
    import html as htmllib
    import re
    from urllib.parse import urljoin, urlparse
    page = site / "practice" / "set" / "index.html"
    data = json.loads(htmllib.unescape(re.search(r'data-metdocs-set="([^"]*)"', page.read_text()).group(1)))
    ids = set(re.findall(r'\bid="([^"]+)"', (site / "standards" / "index.html").read_text()))
    assert set(data["rules"]) == {r.id for r in catalog.rules} | {e.id for e in catalog.elements}
    for rule, entry in data["rules"].items():
        target = urlparse(urljoin("https://x/practice/set/", entry["url"]))
        assert target.path == "/standards/" and target.fragment in ids, (rule, entry["url"])


def test_the_faults_a_packet_lists_name_rules_by_title_and_elements_by_name(catalog, cases):
    """Every shipped drill, not only those of the course's set: a fault that breaches a
    documentation element (a drill's missing rationale) is named as the drill's answer names it."""
    from metdocs.pages.casepages import drill_faults
    faults = drill_faults(catalog, cases.values())
    names = {r.id: r.title for r in catalog.rules} | {e.id: e.name for e in catalog.elements}
    elements = 0
    for drill, listed in faults.items():
        wanted = [names[b.rule] for b in cases[drill].expected_breaches]
        assert [title for title, _ in listed] == wanted, drill
        elements += sum(b.rule in {e.id for e in catalog.elements} for b in cases[drill].expected_breaches)
    assert elements > 0  # the premise: some drill's fault is an element's
