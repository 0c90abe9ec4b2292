"""An IMS QTI 1.2 content package: the quiz format Canvas imports (Settings > Import course
content > QTI .zip file), and the one Canvas itself exports for its quizzes.

Why 1.2 and not QTI 2.1/3.0: Canvas documents and exports QTI 1.2 (its importer converts
every package to its own model through the QTI 1.2 reading of Instructure's QTI Migration
Tool), New Quizzes imports it as well, and so do Blackboard, D2L Brightspace and Moodle's
third-party importers. The Canvas conventions used here (item metadata `question_type`
and `points_possible`, feedback ids, the response-processing pattern) are those of
Canvas's own exports; they are plain QTI 1.2, valid against the IMS QTI ASI 1.2.1 DTD
(checked in tests/test_export.py).

The package holds `imsmanifest.xml` (IMS Content Packaging 1.1) and one assessment per
question group, each in `<ident>/<ident>.xml`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from metdocs.export.questions import Question
from metdocs.export.text import to_html, xml_safe

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QTI_SCHEMA = f"{QTI_NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CP_SCHEMA = f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
RESOURCE_TYPE = "imsqti_xmlv1p2"
RESPONSE = "response1"


def qti_package(assessments: list[tuple[str, str, list[Question]]]) -> list[tuple[str, bytes]]:
    """The members (name, bytes) of the package; `assessments` is (ident, title, questions) each."""
    members = [("imsmanifest.xml", _manifest(assessments))]
    for ident, title, qs in assessments:
        members.append((f"{ident}/{ident}.xml", assessment_xml(ident, title, qs)))
    return members


def _q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, _q(tag), {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        el.text = xml_safe(text)
    return el


def _tostring(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def _manifest(assessments) -> bytes:
    ET.register_namespace("", CP_NS)
    ET.register_namespace("xsi", XSI_NS)
    cp = lambda tag: f"{{{CP_NS}}}{tag}"  # noqa: E731
    root = ET.Element(cp("manifest"), {"identifier": "metdocs-quiz", f"{{{XSI_NS}}}schemaLocation": CP_SCHEMA})
    meta = ET.SubElement(root, cp("metadata"))
    ET.SubElement(meta, cp("schema")).text = "IMS Content"
    ET.SubElement(meta, cp("schemaversion")).text = "1.1.3"
    ET.SubElement(root, cp("organizations"))
    resources = ET.SubElement(root, cp("resources"))
    for ident, _, _ in assessments:
        href = f"{ident}/{ident}.xml"
        res = ET.SubElement(resources, cp("resource"), identifier=ident, type=RESOURCE_TYPE, href=href)
        ET.SubElement(res, cp("file"), href=href)
    return _tostring(root)


def assessment_xml(ident: str, title: str, questions: list[Question]) -> bytes:
    """One QTI 1.2 `questestinterop` holding an assessment with one section of items."""
    ET.register_namespace("", QTI_NS)
    ET.register_namespace("xsi", XSI_NS)
    root = ET.Element(_q("questestinterop"), {f"{{{XSI_NS}}}schemaLocation": QTI_SCHEMA})
    assessment = _sub(root, "assessment", ident=ident, title=xml_safe(title))
    _metadata(_sub(assessment, "qtimetadata"), {"cc_maxattempts": "1"}, wrap=False)
    section = _sub(assessment, "section", ident="root_section")
    for q in questions:
        _item(section, q)
    return _tostring(root)


def _metadata(parent: ET.Element, fields: dict[str, str], wrap: bool = True) -> None:
    box = _sub(parent, "qtimetadata") if wrap else parent
    for label, entry in fields.items():
        field = _sub(box, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def _material(parent: ET.Element, html: str) -> ET.Element:
    material = _sub(parent, "material")
    _sub(material, "mattext", html, texttype="text/html")
    return material


def _item(section: ET.Element, q: Question) -> None:
    item = _sub(section, "item", ident=q.id, title=xml_safe(q.title))
    _metadata(_sub(item, "itemmetadata"), {
        "question_type": "multiple_choice_question" if q.kind == "choice" else "numerical_question",
        "points_possible": "1.0"})
    presentation = _sub(item, "presentation")
    _material(presentation, to_html(q.stem))
    if q.kind == "choice":
        lid = _sub(presentation, "response_lid", ident=RESPONSE, rcardinality="Single")
        render = _sub(lid, "render_choice")
        for c in q.choices:
            _material(_sub(render, "response_label", ident=c.id), to_html([c.text]))
    else:
        fib = _sub(_sub(presentation, "response_str", ident=RESPONSE, rcardinality="Single"), "render_fib",
                   fibtype="Decimal")
        _sub(fib, "response_label", ident="answer1")
    proc = _sub(item, "resprocessing")
    _sub(_sub(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    _condition(proc, None, "general_fb", cont="Yes")
    feedback = [("general_fb", q.feedback.split("\n\n"))]
    if q.kind == "choice":
        for c in q.choices:
            _condition(proc, c.id, f"{c.id}_fb", cont="Yes")
            feedback.append((f"{c.id}_fb", [c.feedback]))
        right = next(c for c in q.choices if c.correct)
        _condition(proc, right.id, "correct_fb", cont="No", score=True)
    else:
        _numeric_condition(proc, q.answer)
        feedback.append(("correct_fb", [q.answer_feedback]))
    _condition(proc, None, "general_incorrect_fb", cont="Yes")
    feedback.append(("general_incorrect_fb", ["Not quite: read the lesson."]))
    for ident, paragraphs in feedback:
        _material(_sub(_sub(item, "itemfeedback", ident=ident), "flow_mat"), to_html(paragraphs))


def _condition(proc: ET.Element, choice: str | None, feedback: str, *, cont: str, score: bool = False) -> None:
    cond = _sub(proc, "respcondition", continue_=cont)
    var = _sub(cond, "conditionvar")
    if choice is None:
        _sub(var, "other")
    else:
        _sub(var, "varequal", choice, respident=RESPONSE)
    if score:
        _sub(cond, "setvar", "100", action="Set", varname="SCORE")
    _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=feedback)


def _numeric_condition(proc: ET.Element, answer: int) -> None:
    # Canvas's own exact-answer pattern: equal, or within [answer, answer].
    cond = _sub(proc, "respcondition", continue_="No")
    either = _sub(_sub(cond, "conditionvar"), "or")
    _sub(either, "varequal", str(answer), respident=RESPONSE)
    both = _sub(either, "and")
    _sub(both, "vargte", str(answer), respident=RESPONSE)
    _sub(both, "varlte", str(answer), respident=RESPONSE)
    _sub(cond, "setvar", "100", action="Set", varname="SCORE")
    _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid="correct_fb")
