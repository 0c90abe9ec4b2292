"""The hostile corpus of saved records: files a web form could be asked to load, or `metdocs fill`
to read, that no form saved.

Each entry: name -> (the file's bytes, the problems `metdocs fill` must report after
"saved.json: error: ", or None for a file that must be read as a valid record). Shared by
tests/test_saved_records.py (`metdocs fill`) and tests/browser/test_saved_records.py (the web
form, forms.js `savedProblem`: the same messages where the browser sees the same JSON).
"""

from __future__ import annotations

import json

SESSION_LOG = "https://metdocs.example.org/fhir/Questionnaire/session-log|2.0.0"


def qr(*items, questionnaire=SESSION_LOG) -> bytes:
    """A session-log QuestionnaireResponse holding `items` (raw JSON text pieces or objects)."""
    body = ",".join(i if isinstance(i, str) else json.dumps(i) for i in items)
    return (f'{{"resourceType": "QuestionnaireResponse", "questionnaire": {json.dumps(questionnaire)}, '
            f'"status": "in-progress", "item": [{body}]}}').encode()


def visit(*answers: str) -> str:
    """The "visit" section with the given items (raw JSON)."""
    return '{"linkId": "visit", "item": [' + ",".join(answers) + "]}"


def name(answer: str) -> str:
    """The client_name item with a raw JSON answer list."""
    return '{"linkId": "client_name", "answer": ' + answer + "}"


def minutes_row(*cells: str) -> str:
    return '{"linkId": "time", "item": [{"linkId": "minutes", "item": [' + ",".join(cells) + "]}]}"


def minutes(value: str) -> str:
    return minutes_row('{"linkId": "minutes.cpt", "answer": [{"valueCoding": {"code": "97110"}}]}',
                       '{"linkId": "minutes.minutes", "answer": [{"valueInteger": ' + value + "}]}")


def v1(values: str) -> bytes:
    return ('{"form": "session-log", "version": "1.0.0", "values": ' + values + "}").encode()


DIGITS = "7" * 5000

CORPUS: dict[str, tuple[bytes, list[str] | None]] = {
    # the shapes the issue found (each exited 70 before)
    "answer-as-an-object": (qr(visit(name('{"valueString": "Alex"}'))), [
        "item 'client_name': expected 'answer' to be a list of answers, found an object"]),
    "answer-as-a-list-of-strings": (qr(visit(name('["Alex", "Example"]'))), [
        "item 'client_name': expected each answer to be an object such as {\"valueString\": \"...\"}, found text (answer 1)",
        "item 'client_name': expected each answer to be an object such as {\"valueString\": \"...\"}, found text (answer 2)"]),
    "value-coding-as-a-string": (qr(visit('{"linkId": "unit_rule", "answer": [{"valueCoding": "cms"}]}')), [
        "item 'unit_rule': valueCoding: expected an object with code, found text"]),
    "item-as-a-string": (qr('"visit"'), [
        "the response: expected each of its items to be an object, found text (item 1)"]),
    "top-item-as-a-string": (b'{"resourceType": "QuestionnaireResponse", "questionnaire": "' + SESSION_LOG.encode()
                             + b'", "item": "visit"}', [
        "the response: expected 'item' to be a list of items, found text"]),
    "item-holding-numbers": (qr("1", "2"), [
        "the response: expected each of its items to be an object, found a number (item 1)",
        "the response: expected each of its items to be an object, found a number (item 2)"]),
    "section-item-holding-null": (qr('{"linkId": "visit", "item": [null]}'), [
        "item 'visit': expected each of its items to be an object, found null (item 1)"]),
    "table-cell-without-linkid": (qr(minutes_row('{"answer": [{"valueString": "97110"}]}')), [
        "item 1 of item 'minutes': expected a linkId (text), found none"]),
    "version-1-value-holding-a-list": (v1('{"client_name": ["Alex", "Example"]}'), [
        "item 'client_name': expected text, a number or true or false, found a list"]),
    "version-1-value-holding-an-object": (v1('{"unit_rule": {"code": "cms"}}'), [
        "item 'unit_rule': expected text, a number or true or false, found an object"]),
    "json-nested-100000-deep": (b"[" * 100_000 + b"]" * 100_000, [
        "expected a saved form (JSON nested at most 64 levels deep), found deeper nesting"]),
    "items-nested-20000-deep": (qr('{"linkId": "a", "item": [' * 20_000 + "]}" * 20_000), [
        "expected a saved form (JSON nested at most 64 levels deep), found deeper nesting"]),
    "a-5000-digit-integer": (qr(visit('{"linkId": "session_number", "answer": [{"valueInteger": ' + DIGITS + "}]}")), [
        "item 'session_number': valueInteger: expected a number of at most 15 digits, found "
        "7777777777777777777777777777777777777... (5,000 characters)"]),
    "a-lone-surrogate": (qr(visit(name('[{"valueString": "\\ud800"}]'))), [
        "item 'client_name': valueString: expected plain text, found U+D800 (a lone surrogate) at character 1 "
        "of the text; remove it"]),
    "nan-as-minutes": (qr(minutes("NaN")), ["item 'minutes.minutes': valueInteger: expected a finite number, found NaN"]),
    "infinity-as-minutes": (qr(minutes("Infinity")), [
        "item 'minutes.minutes': valueInteger: expected a finite number, found Infinity"]),
    # more of the same family
    "minus-infinity-as-minutes": (qr(minutes("-Infinity")), [
        "item 'minutes.minutes': valueInteger: expected a finite number, found -Infinity"]),
    "an-exponent-beyond-a-double": (qr(minutes("1e999")), [
        "item 'minutes.minutes': valueInteger: expected a finite number, found 1e999"]),
    "a-fraction-as-whole-minutes": (qr(minutes("22.5")), [
        "item 'minutes.minutes': valueInteger: expected a whole number, found a number"]),
    "minutes-as-true": (qr(minutes("true")), [
        "item 'minutes.minutes': valueInteger: expected a whole number, found true or false"]),
    "a-linkid-that-is-a-number": (qr(visit('{"linkId": 5, "answer": [{"valueString": "x"}]}')), [
        "item 1 of item 'visit': expected a linkId (text), found a number"]),
    "an-empty-linkid": (qr(visit('{"linkId": "", "answer": [{"valueString": "x"}]}')), [
        "item 1 of item 'visit': expected a linkId (text), found text"]),
    "a-linkid-with-a-bidi-override": (qr(visit('{"linkId": "client\\u202ename", "answer": [{"valueString": "x"}]}')), [
        "item 1 of item 'visit': in its linkId, expected plain text, found U+202E (RIGHT-TO-LEFT OVERRIDE, a "
        "bidirectional control that can make text show differently from what it holds) at character 7 of the "
        "text; remove it"]),
    "two-values-in-one-answer": (qr(visit(name('[{"valueString": "a", "valueInteger": 1}]'))), [
        "item 'client_name': expected one value in each answer, found 2"]),
    "an-answer-with-no-value": (qr(visit(name("[{}]"))), ["item 'client_name': expected one value in each answer, found none"]),
    "an-attachment-answer": (qr(visit(name('[{"valueAttachment": {"url": "https://evil.example/x.js"}}]'))), [
        "item 'client_name': expected an answer of one of the kinds a metdocs form saves (valueString, valueDate, "
        "valueTime, valueDateTime, valueBoolean, valueInteger, valueDecimal, valueCoding, valueQuantity), found "
        "valueAttachment"]),
    "a-boolean-as-text": (qr(visit('{"linkId": "scope_acknowledged", "answer": [{"valueBoolean": "yes"}]}')), [
        "item 'scope_acknowledged': valueBoolean: expected true or false, found text"]),
    "a-quantity-with-no-value": (qr(visit('{"linkId": "x", "answer": [{"valueQuantity": {"unit": "s"}}]}')), [
        "item 'x': valueQuantity: expected an object with a value, found none"]),
    "a-quantity-value-as-text": (qr(visit('{"linkId": "x", "answer": [{"valueQuantity": {"value": "11"}}]}')), [
        "item 'x': valueQuantity.value: expected a number, found text"]),
    "a-coding-code-as-a-number": (qr(visit('{"linkId": "unit_rule", "answer": [{"valueCoding": {"code": 5}}]}')), [
        "item 'unit_rule': valueCoding.code: expected text, found a number"]),
    "a-coding-with-no-code": (qr(visit('{"linkId": "unit_rule", "answer": [{"valueCoding": {"system": "x"}}]}')), [
        "item 'unit_rule': valueCoding: expected an object with a code, found none"]),
    "an-escape-sequence-in-text": (qr(visit(name('[{"valueString": "\\u001b[2J\\u001b[31mAlex"}]'))), [
        "item 'client_name': valueString: expected plain text, found U+001B (a control character) at character 1 "
        "of the text; remove it"]),
    "a-questionnaire-that-is-a-number": (b'{"resourceType": "QuestionnaireResponse", "questionnaire": 5, "item": []}', [
        "'questionnaire': expected text (the form's address), found a number"]),
    "answer-as-a-number": (qr(visit(name("42"))), [
        "item 'client_name': expected 'answer' to be a list of answers, found a number"]),
    "a-value-holding-an-object": (qr(visit(name('[{"valueString": {"toString": "x"}}]'))), [
        "item 'client_name': valueString: expected text, found an object"]),
    # what is no saved form at all
    "not-utf-8": (b'{"form": "session-log", "values": {"client_name": "Jos\xe9"}}', [
        "expected a saved form (UTF-8 JSON), found the byte 0xe9 at byte 55, which is not UTF-8"]),
    "empty-file": (b"", ["expected a saved form (JSON), found JSONDecodeError: Expecting value: line 1 column 1 (char 0)"]),
    "a-list-at-the-top": (b"[]", ["expected a FHIR QuestionnaireResponse saved by a metdocs form, found another kind of JSON"]),
    "null-at-the-top": (b"null", ["expected a FHIR QuestionnaireResponse saved by a metdocs form, found another kind of JSON"]),
    "a-form-name-that-is-a-list": (b'{"form": ["session-log"], "values": {}}', [
        "expected a FHIR QuestionnaireResponse saved by a metdocs form, found another kind of JSON"]),
    "a-file-over-2-mb": (b'{"form": "session-log", "values": {"client_name": "' + b"x" * 2_100_000 + b'"}}', [
        "expected a file under 2,000,000 bytes, found 2,100,054 bytes"]),
    # odd, but records a form could have saved: read as they are
    "a-byte-order-mark": (b"\xef\xbb\xbf" + qr(visit(name('[{"valueString": "Alex"}]'))), None),
    "unknown-linkids-are-ignored": (qr(visit('{"linkId": "no_such_field", "answer": [{"valueString": "x"}]}')), None),
    "an-empty-answer-list": (qr(visit(name("[]"))), None),
    "text-in-a-whole-number-field": (qr(visit('{"linkId": "session_number", "answer": [{"valueString": "fifth"}]}')), None),
    "version-1-scalars-and-null": (v1('{"client_name": "Alex", "session_number": 5, "scope_acknowledged": true, '
                                      '"group_size": null, "unit_rule": "CMS 8-minute rule: the minutes of all timed '
                                      'codes are pooled"}'), None),
    "markup-in-text-stays-text": (qr(visit(name('[{"valueString": "<script>alert(1)</script><img src=x onerror=alert(2)>"}]'))), None),
    "a-long-text": (qr(visit(name(json.dumps([{"valueString": "word " * 20_000}])))), None),
}
