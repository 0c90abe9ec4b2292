"""`metdocs export`: the Moodle XML and the QTI 1.2 package, read back and compared with the drills.

The QTI assessments are validated against the IMS QTI ASI 1.2.1 DTD (tests/fixtures/qti);
Moodle publishes no schema, so its file is checked question by question: type, answers,
fractions, feedback.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from metdocs.cases.read import load_cases
from metdocs.rules.units import allocate

from conftest import FIXTURES, REPO

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
DTD = etree.DTD(str(FIXTURES / "qti" / "ims_qtiasiv1p2p1.dtd"))


def plain(markup: str | None) -> str:
    """The text a learner sees in an HTML fragment, whitespace folded."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup or ""))
    return " ".join(text.split())


def fold(text: str) -> str:
    return " ".join(text.split())


PLACEHOLDER = re.compile(r"\{[a-z0-9_.:-]+\}", re.I)


def holds_lesson(feedback: str, note: str) -> bool:
    """The feedback holds the drill's note, each placeholder ({s2.units} ...) filled with some figure."""
    parts = [re.escape(p) for p in PLACEHOLDER.split(fold(note))]
    filled = re.search("[^{}]+?".join(parts), feedback)
    return filled is not None and not PLACEHOLDER.search(filled.group(0))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from metdocs.cli.main import main
    out = tmp_path_factory.mktemp("quiz")
    assert main(["export", "--config", str(REPO / "mkdocs.yml"), "--out", str(out), "--worked-cases"]) == 0
    return out


@pytest.fixture(scope="module")
def shipped():
    from metdocs.catalog.assemble import load_catalog
    catalog, _ = load_catalog(REPO / "data" / "catalog")
    cases, problems = load_cases(REPO / "data" / "cases")
    assert not [p for p in problems if p.is_error]
    return catalog, cases


def expected_questions(shipped) -> dict[str, tuple[str, str]]:
    """question id -> (right answer's text, the lesson) from the drills' YAML and the catalog."""
    catalog, cases = shipped
    out = {}
    for case in cases:
        for b in case.expected_breaches:
            rule = next((r.title for r in catalog.rules if r.id == b.rule), None)
            element = next((e.name for e in catalog.elements if e.id == b.rule), None)
            out[f"{case.id}.{b.session or 'case'}.{b.rule}"] = (rule or f"Session log must show: {element}", b.note)
    return out


def worked_units(shipped) -> dict[str, int]:
    """case id -> {session id: units billed on its claim}; a worked case's claim is right (check proves it)."""
    _, cases = shipped
    return {f"{c.id}.{s.id}.units": sum(ln.units for ln in s.claim)
            for c in cases if c.kind == "worked" for s in c.sessions}


# ---- Moodle XML -------------------------------------------------------------------------------

def test_moodle_xml_has_one_right_answer_per_drill_fault_with_the_lesson(exported, shipped):
    root = etree.parse(str(exported / "quiz-moodle.xml")).getroot()
    assert root.tag == "quiz"
    questions = root.findall("question")
    types = Counter(q.get("type") for q in questions)
    assert set(types) == {"category", "multichoice", "numerical"}
    expected = expected_questions(shipped)
    seen = {}
    for q in root.findall("question[@type='multichoice']"):
        qid = q.findtext("idnumber")
        answers = q.findall("answer")
        fractions = sorted(float(a.get("fraction")) for a in answers)
        assert fractions == [0.0] * (len(answers) - 1) + [100.0], qid  # single answer: one at 100 %, the rest 0
        assert len(answers) == 4 and q.findtext("single") == "true"
        texts = [plain(a.findtext("text")) for a in answers]
        assert len(set(texts)) == len(texts), f"{qid}: two answers read the same"
        right = next(plain(a.findtext("text")) for a in answers if a.get("fraction") == "100")
        assert all(plain(a.findtext("feedback/text")) for a in answers)
        seen[qid] = (right, plain(q.findtext("generalfeedback/text")))
        assert q.find("questiontext").get("format") == "html" and plain(q.findtext("questiontext/text"))
    assert set(seen) == set(expected)
    for qid, (answer, note) in expected.items():
        assert seen[qid][0] == answer
        assert holds_lesson(seen[qid][1], note), f"{qid}: the drill's lesson is not the feedback"
        assert "What the audit found:" in seen[qid][1]


def test_moodle_numerical_answers_are_the_units_on_the_worked_cases_claims(exported, shipped):
    root = etree.parse(str(exported / "quiz-moodle.xml")).getroot()
    billed = worked_units(shipped)
    numerical = root.findall("question[@type='numerical']")
    assert len(numerical) == sum(1 for c in shipped[1] if c.kind == "worked")
    for q in numerical:
        (answer,) = q.findall("answer")
        assert answer.get("fraction") == "100" and answer.findtext("tolerance") == "0"
        assert int(answer.findtext("text")) == billed[q.findtext("idnumber")]
        assert "The engine's working" in plain(q.findtext("generalfeedback/text"))


def test_moodle_categories_come_before_their_questions(exported):
    root = etree.parse(str(exported / "quiz-moodle.xml")).getroot()
    order = [q.get("type") for q in root.findall("question")]
    assert order[0] == "category" and order.count("category") == 2
    # the bank is named after the project (its site_name), unless --name says otherwise
    assert root.find("question[@type='category']/category/text").text == \
        "$course$/top/metdocs · Medical Exercise Training documentation/Audit drills"


# ---- QTI 1.2 ----------------------------------------------------------------------------------

def _strip_namespace(tree):
    for el in tree.iter():
        if isinstance(el.tag, str):
            el.tag = etree.QName(el).localname
        for attr in [a for a in el.attrib if a.startswith("{")]:
            del el.attrib[attr]
    etree.cleanup_namespaces(tree)
    return tree


def qti_items(package: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(package) as z:
        manifest = etree.fromstring(z.read("imsmanifest.xml"))
        assert manifest.tag == f"{{{CP_NS}}}manifest"
        resources = manifest.findall(f"{{{CP_NS}}}resources/{{{CP_NS}}}resource")
        assert resources and all(r.get("type") == "imsqti_xmlv1p2" for r in resources)
        items = {}
        for r in resources:
            (f,) = r.findall(f"{{{CP_NS}}}file")
            assert f.get("href") == r.get("href") and f.get("href") in z.namelist()
            doc = etree.fromstring(z.read(f.get("href")))
            assert doc.tag == f"{{{QTI_NS}}}questestinterop"
            plain_doc = _strip_namespace(etree.fromstring(z.read(f.get("href"))))
            assert DTD.validate(plain_doc), DTD.error_log.filter_from_errors()
            for item in plain_doc.iter("item"):
                assert item.get("ident") not in items, "item idents must be unique in the package"
                items[item.get("ident")] = item
        return items


def _meta(item, label):
    return next(f.findtext("fieldentry") for f in item.iter("qtimetadatafield") if f.findtext("fieldlabel") == label)


def _feedback(item, ident):
    return plain(item.find(f"itemfeedback[@ident='{ident}']").findtext("flow_mat/material/mattext"))


def test_qti_package_is_valid_qti_1_2_with_the_drills_answers(exported, shipped):
    items = qti_items(exported / "quiz-qti.zip")
    expected = expected_questions(shipped)
    drills = {k: v for k, v in items.items() if _meta(v, "question_type") == "multiple_choice_question"}
    assert set(drills) == set(expected)
    for qid, item in drills.items():
        labels = {lab.get("ident"): plain(lab.findtext("material/mattext")) for lab in item.iter("response_label")}
        scoring = [c for c in item.iter("respcondition") if c.find("setvar") is not None]
        assert len(scoring) == 1 and scoring[0].findtext("setvar") == "100" and scoring[0].get("continue") == "No"
        right = scoring[0].findtext("conditionvar/varequal")
        assert labels[right] == expected[qid][0]
        assert holds_lesson(_feedback(item, "general_fb"), expected[qid][1])
        # every answer has its own feedback, linked from a condition on that answer
        for ident in labels:
            assert _feedback(item, f"{ident}_fb")
        links = {c.findtext("displayfeedback") or c.find("displayfeedback").get("linkrefid")
                 for c in item.iter("respcondition")}
        assert {f"{i}_fb" for i in labels} <= links


def test_qti_numerical_items_hold_the_engines_units(exported, shipped):
    items = qti_items(exported / "quiz-qti.zip")
    billed = worked_units(shipped)
    numeric = {k: v for k, v in items.items() if _meta(v, "question_type") == "numerical_question"}
    assert numeric and set(numeric) <= set(billed)
    for qid, item in numeric.items():
        assert item.find("presentation/response_str/render_fib").get("fibtype") == "Decimal"
        assert int(item.find(".//respcondition/conditionvar/or/varequal").text) == billed[qid]


def test_worked_case_question_asks_the_session_where_the_rules_differ_most(shipped):
    from metdocs.export.questions import worked_question
    catalog, cases = shipped
    for case in (c for c in cases if c.kind == "worked"):
        q = worked_question(case, catalog)
        payer, other = case.payer.unit_rule, "ama" if case.payer.unit_rule == "cms" else "cms"
        gap = {s.id: abs(allocate(_mins(s), catalog.is_timed, payer).total_units
                         - allocate(_mins(s), catalog.is_timed, other).total_units) for s in case.sessions}
        assert gap[q.session] == max(gap.values()), case.id
        chosen = next(s for s in case.sessions if s.id == q.session)
        assert q.answer == allocate(_mins(chosen), catalog.is_timed, payer).total_units


def _mins(s) -> dict[str, int]:
    out = Counter()
    for a in s.activities:
        out[a.cpt] += a.minutes
    return dict(out)


# ---- hostile text, failures --------------------------------------------------------------------

HOSTILE = "]]></text></question><script>alert(1)</script> & <b>\"quoted\"</b> 'single' &amp; ]]>"


def test_hostile_drill_text_stays_text_in_both_files(shipped_copy, run_cli, tmp_path):
    from ruamel.yaml import YAML
    yaml = YAML()
    path = shipped_copy / "data" / "cases" / "drill-no-referral.yaml"
    doc = yaml.load(path.read_text())
    doc["title"] = f"Title {HOSTILE}"
    doc["summary"] = f"Summary {HOSTILE}"
    doc["expected_breaches"][0]["note"] = f"Lesson {HOSTILE}"
    with path.open("w") as f:
        yaml.dump(doc, f)
    out = tmp_path / "quiz"
    code, _, err = run_cli("export", "--config", str(shipped_copy / "mkdocs.yml"), "--out", str(out))
    assert code == 0, err
    moodle = etree.parse(str(out / "quiz-moodle.xml")).getroot()
    q = next(q for q in moodle.findall("question[@type='multichoice']")
             if q.findtext("idnumber").startswith("drill-no-referral."))
    assert q.findtext("name/text").startswith(f"Title {HOSTILE}")
    assert f"Summary {fold(HOSTILE)}" in plain(q.findtext("questiontext/text"))
    assert f"Lesson {fold(HOSTILE)}" in plain(q.findtext("generalfeedback/text"))
    assert "<script>" not in q.findtext("questiontext/text")  # escaped once for HTML, once more for XML
    items = qti_items(out / "quiz-qti.zip")  # still valid against the DTD
    item = next(v for k, v in items.items() if k.startswith("drill-no-referral."))
    assert item.get("title").startswith(f"Title {HOSTILE}")
    assert f"Lesson {fold(HOSTILE)}" in _feedback(item, "general_fb")


def test_data_errors_write_nothing(shipped_copy, run_cli, tmp_path):
    case = shipped_copy / "data" / "cases" / "post-tka-clean.yaml"
    case.write_text(case.read_text().replace("id: post-tka-clean", "id: post-tka-copy"))
    out = tmp_path / "quiz"
    code, _, err = run_cli("export", "--config", str(shipped_copy / "mkdocs.yml"), "--out", str(out))
    assert code == 1 and "post-tka-copy" in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_out_must_be_a_folder(run_cli, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    code, _, err = run_cli("export", "--config", str(REPO / "mkdocs.yml"), "--out", str(target))
    assert code == 2 and "folder" in err and target.read_text() == "x"


# ---- names, ids and what a course exports ------------------------------------------------------

def _moodle_questions(path: Path) -> list:
    return [q for q in etree.parse(str(path)).getroot().findall("question") if q.get("type") != "category"]


def test_every_question_has_its_own_name_and_id(exported):
    questions = _moodle_questions(exported / "quiz-moodle.xml")
    names = Counter(plain(q.findtext("name/text")) for q in questions)
    ids = Counter(q.findtext("idnumber") for q in questions)
    assert len(questions) > 20
    assert [n for n, k in names.items() if k > 1] == [] and [i for i, k in ids.items() if k > 1] == []
    assert all(len(i) <= 100 for i in ids)  # Moodle keeps 100 characters of an idnumber
    items = qti_items(exported / "quiz-qti.zip")
    assert set(items) == set(ids)
    assert len({i.get("title") for i in items.values()}) == len(items)


def test_long_drill_ids_stay_apart_within_moodle_s_100_characters(shipped_copy, run_cli, tmp_path):
    cases = shipped_copy / "data" / "cases"
    stem = "a-drill-whose-id-is-long-enough-to-fill-moodle-s-one-hundred-character-idnumber-on-its-own-x"
    for end in ("one", "two"):
        text = (cases / "drill-units-over-minutes.yaml").read_text()
        (cases / f"{stem}-{end}.yaml").write_text(text.replace("id: drill-units-over-minutes", f"id: {stem}-{end}"))
    code, _, err = run_cli("export", "--out", str(tmp_path / "quiz"), cwd=shipped_copy)
    assert code == 0, err
    ids = [q.findtext("idnumber") for q in _moodle_questions(tmp_path / "quiz" / "quiz-moodle.xml")]
    long = [i for i in ids if i.startswith(stem[:80])]  # cut to fit: what tells them apart is past the cut
    assert len(long) == 4 and len(set(long)) == 4 and all(len(i) == 100 for i in long)
    assert set(qti_items(tmp_path / "quiz" / "quiz-qti.zip")) == set(ids)
    names = [plain(q.findtext("name/text")) for q in _moodle_questions(tmp_path / "quiz" / "quiz-moodle.xml")]
    assert len(set(names)) == len(names)  # the two copies share a title: their ids tell them apart
    assert f"[{stem}-one]" in " ".join(names)


def test_a_course_exports_its_own_drills_under_its_own_name(tmp_path, run_cli):
    from metdocs.files.course import EXAMPLE_DRILL_ID, new_course
    course = tmp_path / "course"
    new_course(course, "Knee rehab MET course")
    code, _, err = run_cli("export", "--out", "quiz", cwd=course)
    assert code == 0, err
    root = etree.parse(str(course / "quiz" / "quiz-moodle.xml")).getroot()
    assert root.find("question[@type='category']/category/text").text == "$course$/top/Knee rehab MET course/Audit drills"
    ids = {q.findtext("idnumber") for q in _moodle_questions(course / "quiz" / "quiz-moodle.xml")}
    assert ids and {i.split(".")[0] for i in ids} == {EXAMPLE_DRILL_ID}
    code, _, err = run_cli("export", "--out", "quiz", "--with-shipped", "--name", "Everything", cwd=course)
    assert code == 0, err
    ids = {q.findtext("idnumber") for q in _moodle_questions(course / "quiz" / "quiz-moodle.xml")}
    assert {"drill-no-referral", EXAMPLE_DRILL_ID} <= {i.split(".")[0] for i in ids}
    assert "$course$/top/Everything/Audit drills" in (course / "quiz" / "quiz-moodle.xml").read_text()


def test_a_course_with_no_drills_of_its_own_is_told_how_to_export(tmp_path, run_cli):
    from metdocs.files.course import EXAMPLE_DRILL_ID, new_course
    course = tmp_path / "course"
    new_course(course, "Knee course")
    (course / "data" / "cases" / f"{EXAMPLE_DRILL_ID}.yaml").unlink()
    code, _, err = run_cli("export", "--out", "quiz", cwd=course)
    assert code == 2 and not (course / "quiz").exists()
    assert "found none in data/cases/" in err and "--with-shipped" in err
