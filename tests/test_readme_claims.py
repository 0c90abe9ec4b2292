"""What the README says about the program's output is what the program does.

The Material banner it quotes, the two page counts `build` prints and why they differ, the line
before a cold ICD-10-CM load, `$SITE_URL` beside a course's own site_url, the bench targets'
size, and the license as an SPDX expression.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from metdocs.files.course import new_course

from conftest import REPO

README = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())  # whitespace folded


def test_the_readme_quotes_the_banner_the_pinned_material_prints():
    import material.templates
    banner = Path(material.templates.__file__).read_text(encoding="utf-8")
    quoted = re.search(r'"(Material for MkDocs reaches end of life on [A-Z][a-z]+ \d+, \d{4})', README)
    assert quoted and quoted.group(1) in banner
    assert "NO_MKDOCS_2_WARNING" in banner  # the variable the README tells readers to set
    assert "Material for MkDocs 9.7 prints" not in README


@pytest.mark.slow
def test_build_says_how_many_pages_it_generated_and_why_the_html_count_differs(tiny_project, run_cli):
    code, _, err = run_cli("build", cwd=tiny_project)
    assert code == 0, err
    made = re.search(r"Generated (\d+) pages(?: and (\d+) other files \(the forms' PDFs, FHIR Questionnaires and "
                     r"downloads\))?; building", err)
    written = re.search(r"\((\d+) HTML pages: the generated and hand-written pages, the 404 page\)", err)
    assert made and written, err
    # hand-written pages: site_src's Markdown but what mkdocs.yml's exclude_docs leaves out (vendored READMEs)
    by_hand = sum(1 for p in (tiny_project / "site_src").rglob("*.md") if "vendor" not in p.parts)
    assert int(written.group(1)) == int(made.group(1)) + by_hand + 1  # the README's explanation, counted
    html = sum(1 for _ in (tiny_project / "site").rglob("*.html"))
    assert html == int(written.group(1))


def test_check_says_so_before_a_cold_code_set_load(tiny_project, run_cli, monkeypatch, tmp_path):
    monkeypatch.setenv("METDOCS_CACHE_DIR", str(tmp_path / "cold-cache"))
    code, _, err = run_cli("check", cwd=tiny_project)
    assert code == 0 and err.splitlines()[0] == "Preparing the ICD-10-CM code set (once; a few seconds) ..."
    assert "Preparing the ICD-10-CM code set (once; a few seconds) ..." in README
    code, _, err = run_cli("check", cwd=tiny_project)
    assert code == 0 and "Preparing" not in err


def test_site_url_beside_a_course_s_own_site_url_is_said_to_be_unused(tmp_path, run_cli, monkeypatch):
    course = tmp_path / "course"
    new_course(course, "Knee course")
    config = course / "mkdocs.yml"
    config.write_text(config.read_text().replace("# site_url: https://example.org/my-course/",
                                                 "site_url: https://example.org/my-course/"))
    monkeypatch.setattr("metdocs.site.build.build_site", lambda *a, **kw: 0)
    monkeypatch.setenv("SITE_URL", "https://training.example.org/met/")
    code, _, err = run_cli("build", cwd=course)
    assert code == 0
    assert ("mkdocs.yml: note: $SITE_URL (https://training.example.org/met/) is not used: this file sets site_url: "
            "https://example.org/my-course/; to let $SITE_URL choose, write site_url: !ENV [SITE_URL, "
            "https://example.org/my-course/] there") in err
    monkeypatch.setenv("SITE_URL", "https://example.org/my-course/")
    assert "note:" not in run_cli("build", cwd=course)[2]
    assert "a course whose `mkdocs.yml` sets `site_url:` itself uses that" in README


def test_bench_says_its_targets_are_for_a_large_site():
    from metdocs.bench.run import TARGET_CASES, format_report
    report = {"cases": 5, "pages": 120, "phases": {"load": 0.1}, "total_s": 6.0, "ms_per_page": 50.0, "peak_mb": 90,
              "peak_worker_mb": 50, "baseline_s": 6.4, "ratio_to_baseline": 0.94, "own_share": 0.1, "markdown": "3.10",
              "same_nav_s": 6.2, "same_nav_peak_mb": 80, "ratio_to_same_nav": 0.97, "memory_ratio_to_same_nav": 1.1,
              "largest_html": {"bytes": 300_000, "path": "cases/index.html"}}
    small = format_report(report)
    assert "ratio to the same-nav build 0.97 (target <= 0.90 at 1,000 cases; a small site has too few pages" in small
    large = format_report({**report, "cases": TARGET_CASES, "ratio_to_same_nav": 0.85})
    assert "(target <= 0.90 at 1,000 cases)" in large and "small site" not in large


def test_the_license_is_an_spdx_expression():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    assert "setuptools>=77" in project["build-system"]["requires"][0]  # the first to read it (PEP 639)
