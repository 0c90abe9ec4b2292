"""Moodle XML: the question-bank format Moodle imports (Question bank > Import > Moodle XML).

Moodle publishes no schema for it; the element names and order follow Moodle's own
exporter (question/format/xml). Multiple choice is `multichoice` with one answer at
fraction 100 and the rest at 0; a unit count is `numerical` with tolerance 0.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from metdocs.export.questions import Question
from metdocs.export.text import to_html, xml_safe

CATEGORIES = {"drills": "Audit drills", "worked": "Worked cases: units"}
PENALTY = "0.3333333"
"""Moodle's default penalty for each wrong try in adaptive mode."""


def moodle_xml(questions: list[Question], *, bank: str) -> bytes:
    """The Moodle XML document for `questions`, one category per group, under `bank`."""
    quiz = ET.Element("quiz")
    group = None
    for q in questions:
        if q.group != group:
            group = q.group
            cat = ET.SubElement(quiz, "question", type="category")
            # Moodle reads '/' as a category separator; '//' is a literal slash.
            path = "/".join(part.replace("/", "//") for part in ("$course$", "top", bank, CATEGORIES[group]))
            _text(ET.SubElement(cat, "category"), path)
        quiz.append(_question(q))
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="UTF-8", xml_declaration=True) + b"\n"


def _text(parent: ET.Element, value: str, fmt: str | None = None) -> ET.Element:
    if fmt:
        parent.set("format", fmt)
    ET.SubElement(parent, "text").text = xml_safe(value)
    return parent


def _question(q: Question) -> ET.Element:
    el = ET.Element("question", type="multichoice" if q.kind == "choice" else "numerical")
    _text(ET.SubElement(el, "name"), q.title)
    _text(ET.SubElement(el, "questiontext"), to_html(q.stem), "html")
    _text(ET.SubElement(el, "generalfeedback"), to_html(q.feedback.split("\n\n")), "html")
    ET.SubElement(el, "defaultgrade").text = "1"
    ET.SubElement(el, "penalty").text = PENALTY
    ET.SubElement(el, "hidden").text = "0"
    ET.SubElement(el, "idnumber").text = q.id  # at most 100 characters (questions.short_id)
    if q.kind == "choice":
        ET.SubElement(el, "single").text = "true"
        ET.SubElement(el, "shuffleanswers").text = "true"
        ET.SubElement(el, "answernumbering").text = "abc"
        _text(ET.SubElement(el, "correctfeedback"), to_html(["Correct."]), "html")
        _text(ET.SubElement(el, "partiallycorrectfeedback"), "", "html")
        _text(ET.SubElement(el, "incorrectfeedback"), to_html(["Not quite: read the lesson below."]), "html")
        for c in q.choices:
            answer = _text(ET.SubElement(el, "answer", fraction="100" if c.correct else "0"), to_html([c.text]), "html")
            _text(ET.SubElement(answer, "feedback"), to_html([c.feedback]), "html")
    else:
        answer = ET.SubElement(el, "answer", fraction="100", format="moodle_auto_format")
        ET.SubElement(answer, "text").text = str(q.answer)
        _text(ET.SubElement(answer, "feedback"), to_html([q.answer_feedback]), "html")
        ET.SubElement(answer, "tolerance").text = "0"
        ET.SubElement(el, "unitgradingtype").text = "0"
        ET.SubElement(el, "unitpenalty").text = "0.1000000"
        ET.SubElement(el, "showunits").text = "3"  # 3 = no unit field: the answer is a plain number
        ET.SubElement(el, "unitsleft").text = "0"
    return el
