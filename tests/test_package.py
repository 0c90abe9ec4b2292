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

import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
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


def run(*args, cwd: Path, timeout: int = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env={**_env(), **(env or {})}, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from the sdist (so both carry the shipped project), once for this module."""
    tmp = tmp_path_factory.mktemp("package")
    dist = tmp / "dist"
    run(sys.executable, "-m", "build", "--outdir", dist, REPO, cwd=tmp)  # sdist, then the wheel from it
    (built,) = dist.glob("metdocs-*.whl")
    return built


def fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    """A new virtualenv with the wheel installed (dependencies borrowed, see the module docstring)."""
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    fresh_site = Path(run(venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                          cwd=tmp_path).stdout.strip())
    (fresh_site / "borrowed_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", wheel, cwd=tmp_path)
    return venv


def test_an_installed_wheel_makes_builds_and_exports_a_course(tmp_path, wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        # the license as an SPDX expression (PEP 639), not the table setuptools stops reading in 2027
        assert "\nLicense-Expression: MIT\n" in z.read(metadata).decode()
    assert {"metdocs/_shipped/mkdocs.yml", "metdocs/_shipped/data/cases/post-tka-clean.yaml",
            "metdocs/_shipped/templates/pages/case.md.j2", "metdocs/_shipped/templates/forms/session-log.yaml",
            "metdocs/_shipped/site_src/index.md", "metdocs/_shipped/site_src/assets/javascripts/units.js"} <= names
    # The import package is metdocs, every subpackage included; nothing lands at the top as `generator`.
    assert {n.split("/")[0] for n in names if not n.startswith("metdocs-")} == {"metdocs"}
    assert {"metdocs/cli/main.py", "metdocs/site/plugin.py", "metdocs/forms/pdf/__init__.py"} <= names

    venv = fresh_venv(tmp_path, wheel)
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

    run(metdocs, "export", "--out", "quiz", "--worked-cases", "--with-shipped", cwd=course)
    items = qti_items(course / "quiz" / "quiz-qti.zip")  # validated against the IMS QTI 1.2.1 DTD
    assert "knee-week6" in {i.split(".")[0] for i in items} and any(i.startswith("drill-no-referral.") for i in items)
    moodle = etree.parse(str(course / "quiz" / "quiz-moodle.xml")).getroot()
    ids = {q.findtext("idnumber") for q in moodle.findall("question") if q.get("type") != "category"}
    assert ids == set(items)


def readme_commands() -> list[str]:
    """The commands of README.md's command table, in its order."""
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Command reference", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `metdocs ([a-z]+)[ `]", section, re.M)


def test_every_command_of_the_readme_works_in_a_course_from_an_installed_wheel(tmp_path, wheel):
    """Each command of the README's table, run in a `metdocs new` course as an educator would."""
    from metdocs.cli.main import COMMANDS
    from metdocs.release import RELEASED
    commands = readme_commands()
    assert sorted(commands) == sorted(COMMANDS), "the README's command table must list every command, once"
    venv = fresh_venv(tmp_path, wheel)
    metdocs = venv / "bin" / "metdocs"
    shipped_root = Path(run(venv / "bin" / "python", "-c", "import metdocs.shipped as s; print(s.ROOT)",
                            cwd=tmp_path).stdout.strip())
    done: set[str] = set()

    version = run(metdocs, "--version", cwd=tmp_path).stdout
    assert version.startswith("metdocs ") and f"installed from {wheel}" in version

    made = run(metdocs, "new", "My Course", "--name", "Knee and hip course", cwd=tmp_path).stderr
    assert "Next: cd 'My Course' && metdocs build" in made
    done.add("new")
    course = tmp_path / "My Course"
    readme = (course / "README.md").read_text(encoding="utf-8")
    assert f"{venv}/bin/python -m pip install --upgrade {wheel.parent}/metdocs-NEW-VERSION-py3-none-any.whl" in readme
    assert "pip install --upgrade metdocs\n" not in readme

    assert "0 error(s), 0 warning(s)" in run(metdocs, "check", cwd=course).stderr
    done.add("check")
    units = json.loads(run(metdocs, "units", "--json", "97110=33", "97530=7", cwd=course).stdout)
    assert units["units"] == {"97110": 2, "97530": 1}
    done.add("units")
    rules = json.loads(run(metdocs, "rules", "--json", cwd=course).stdout)
    assert {"no-gp-modifier", "cms-8-minute-rule"} <= {r["id"] for r in rules}
    assert "rule no-gp-modifier: " in run(metdocs, "rules", cwd=course).stdout
    done.add("rules")
    assert "M54.50  billable" in run(metdocs, "icd", "M54.50", cwd=course).stdout
    done.add("icd")
    saved = shipped_root / "site_src" / "examples" / "session-log-filled.json"
    run(metdocs, "fill", saved, "--pdf", "filled.pdf", "--fhir", "filled.json", cwd=course)
    assert (course / "filled.pdf").read_bytes().startswith(b"%PDF")
    done.add("fill")
    run(metdocs, "export", "--out", "quiz", cwd=course)
    ids = {q.findtext("idnumber") for q in etree.parse(str(course / "quiz" / "quiz-moodle.xml")).getroot()
           .findall("question") if q.get("type") != "category"}
    assert ids and {i.split(".")[0] for i in ids} == {"course-example-drill"}  # the course's own drill
    done.add("export")
    run(metdocs, "build", cwd=course)
    assert (course / "site" / "cases" / "course-example" / "index.html").is_file()
    done.add("build")
    report = json.loads(run(metdocs, "bench", "--cases", "1", "--json", cwd=course, timeout=900).stdout)
    assert report["cases"] == 1 and report["total_s"] > 0
    done.add("bench")
    _serve_once(metdocs, course)
    done.add("serve")
    assert done == set(commands)

    # Eighteen months after the release: the messages name the course's fix, never the installed files.
    later = {"METDOCS_TODAY": (RELEASED + dt.timedelta(days=548)).isoformat()}
    err = run(metdocs, "check", cwd=course, env=later).stderr
    warned = [ln for ln in err.splitlines() if ": warning: " in ln]
    assert len(warned) > 50 and all(ln.startswith("data/catalog/reviews.yaml: warning: ") for ln in warned)
    assert str(venv) not in err and "site-packages" not in err and "_shipped" not in err
    records = sorted({re.search(r"'reviews:' in \S+: (- \{id: .*?\}\})", ln).group(1) for ln in warned})
    (course / "data" / "catalog" / "reviews.yaml").write_text(
        "reviews:\n" + "".join(f"  {r.replace('YOUR NAME', 'J. Educator').replace('WHAT YOU CHECKED', 'Sources read')}\n"
                               for r in records), encoding="utf-8")
    assert "0 error(s), 0 warning(s)" in run(metdocs, "check", "--strict", cwd=course, env=later).stderr

    # A clash with a shipped entry names the shipped file as metdocs' own, not by its place on disk.
    catalog = course / "data" / "catalog" / "course.yaml"
    catalog.write_text(catalog.read_text().replace("  - id: course-notes", "  - id: cms-pub100-04-ch5"))
    clash = subprocess.run([str(metdocs), "check"], cwd=course, env=_env(), capture_output=True, text=True)
    assert clash.returncode == 1 and "first defined at metdocs:data/catalog/" in clash.stderr
    assert str(venv) not in clash.stderr

    # Outside any project: the shipped catalog and forms.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert json.loads(run(metdocs, "units", "--json", "97110=33", cwd=elsewhere).stdout)["units"] == {"97110": 2}
    assert len(json.loads(run(metdocs, "rules", "--json", cwd=elsewhere).stdout)) == len(rules)
    run(metdocs, "fill", saved, "--fhir", "out.json", cwd=elsewhere)
    missing = subprocess.run([str(metdocs), "fill", "missing.json", "--pdf", "x.pdf"], cwd=elsewhere, env=_env(),
                             capture_output=True, text=True)
    assert missing.returncode == 3 and "Traceback" not in missing.stderr


def _serve_once(metdocs: Path, course: Path) -> None:
    """`metdocs serve` answers with the course's home page, then stops."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(metdocs), "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=course, env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline, seen = time.monotonic() + 300, []
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            seen.append(line)
            if f"Serving on http://127.0.0.1:{port}/" in line or (not line and proc.poll() is not None):
                break
        assert any("Serving on" in ln for ln in seen), "".join(seen)
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read().decode()
        assert "Knee and hip course" in page
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
