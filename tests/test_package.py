"""The educator's path end to end, from a built package, outside the repository.

Build the sdist and, from it, the wheel (so both carry the shipped project); install the
wheel into a fresh virtualenv in a temporary folder; `metdocs new`; add a case under a new
id; build, and find the new case next to the shipped pages; export the quiz and validate it.

The fresh virtualenv borrows metdocs' dependencies from the test environment (one .pth line)
instead of downloading them again, which took minutes here; `pip check` then proves that
every dependency the wheel declares is there in a version it accepts. The wheel itself is
installed by pip, and `metdocs` is imported from the fresh virtualenv, not the repository; the
wheel has no top-level `generator` package (that is only the source folder's name).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO
from test_export import qti_items

pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "SITE_URL", "VIRTUAL_ENV") and not k.startswith("METDOCS_")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run(*args, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=_env(), capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_an_installed_wheel_makes_builds_and_exports_a_course(tmp_path):
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--outdir", dist, REPO, cwd=tmp_path)  # sdist, then the wheel from it
    (wheel,) = dist.glob("metdocs-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    assert {"metdocs/_shipped/mkdocs.yml", "metdocs/_shipped/data/cases/post-tka-clean.yaml",
            "metdocs/_shipped/templates/pages/case.md.j2", "metdocs/_shipped/templates/forms/session-log.yaml",
            "metdocs/_shipped/site_src/index.md", "metdocs/_shipped/site_src/assets/javascripts/units.js"} <= names
    # The import package is metdocs, every subpackage included; nothing lands at the top as `generator`.
    assert {n.split("/")[0] for n in names if not n.startswith("metdocs-")} == {"metdocs"}
    assert {"metdocs/cli/main.py", "metdocs/site/plugin.py", "metdocs/forms/pdf/__init__.py"} <= names

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    fresh_site = Path(run(venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                          cwd=tmp_path).stdout.strip())
    (fresh_site / "borrowed_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", wheel, cwd=tmp_path)
    run(venv / "bin" / "python", "-m", "pip", "check", cwd=tmp_path)
    where = run(venv / "bin" / "python", "-c", "import importlib.util, metdocs.shipped as s; "
                "assert importlib.util.find_spec('generator') is None; print(s.ROOT)", cwd=tmp_path)
    shipped_root = Path(where.stdout.strip())
    assert shipped_root.is_relative_to(venv) and not shipped_root.is_relative_to(REPO)

    metdocs = venv / "bin" / "metdocs"
    work = tmp_path / "work"
    work.mkdir()
    run(metdocs, "new", "rehab-course", "--name", "Knee rehab MET course", cwd=work)
    course = work / "rehab-course"
    example = (course / "data" / "cases" / "course-example.yaml").read_text(encoding="utf-8")
    assert "\nid: course-example\n" in example
    (course / "data" / "cases" / "knee-week6.yaml").write_text(
        example.replace("\nid: course-example\n", "\nid: knee-week6\n", 1)
               .replace('title: "Example: ', 'title: "Week six: ', 1), encoding="utf-8")

    run(metdocs, "check", cwd=course)
    run(metdocs, "build", cwd=course)
    site = course / "site"
    page = (site / "cases" / "knee-week6" / "index.html").read_text(encoding="utf-8")
    assert "Week six: " in page and "Knee rehab MET course" in page
    for shipped_page in ("cases/post-tka-clean/index.html", "drills/drill-no-referral/index.html",
                         "cpt/97110/index.html", "forms/session-log/index.html", "units/index.html", "index.html"):
        assert (site / shipped_page).is_file(), shipped_page
    assert (site / "assets" / "logo.svg").is_file() and (site / "assets" / "javascripts" / "units.js").is_file()
    assert not (site / "sitemap.xml").exists()  # no site_url in a new course

    run(metdocs, "export", "--out", "quiz", "--worked-cases", cwd=course)
    items = qti_items(course / "quiz" / "quiz-qti.zip")  # validated against the IMS QTI 1.2.1 DTD
    assert "knee-week6" in {i.split(".")[0] for i in items} and any(i.startswith("drill-no-referral.") for i in items)
    moodle = etree.parse(str(course / "quiz" / "quiz-moodle.xml")).getroot()
    ids = {q.findtext("idnumber") for q in moodle.findall("question") if q.get("type") != "category"}
    assert ids == set(items)
