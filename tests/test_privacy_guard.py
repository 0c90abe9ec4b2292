"""The privacy guard's quick whole-file test never lets through what the full scan would report.

`privacy._suspect` decides from one joined string whether a file's strings need the
per-string scan at all; a false "clean" would let a real identifier onto a public site.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load import Document, load_file, yaml_files
from generator.privacy import _suspect, check_documents, scan_text
from conftest import REPO

FRAGMENTS = ["2026-03-14", "555-123-4567", "(555) 123-4567", "+1 555.123.4567", "123-45-6789", "1234-567-8901",
             "a@b.io", "MRN: 88", "medical record # 7", "DOB 01/02/1990", "D.O.B.: 3.4.1950",
             "date of birth March 3, 1950", "born 3 May 1950", "bİrth", "date of b\u0130rth 1/2/1950",
             "\u0131", "\u212a", "\u017f", "\u0663\u0663\u0663-\u0664\u0664-\u0665\u0665\u0665\u0665"]
PIECES = st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet="0123456789-. ()+@:/#,\nabdhimnortecMRNDOB", max_size=8))
STRINGS = st.lists(st.lists(PIECES, max_size=6).map("".join), max_size=6)


@settings(max_examples=600, deadline=None)
@given(STRINGS)
def test_quick_test_is_never_clean_when_a_string_matches(strings):
    if any(scan_text(s) for s in strings):
        assert _suspect("\x00".join(strings))


@pytest.mark.parametrize("text", [
    "seen 2026-03-14, call 555-123-4567",  # the date before must not hide the phone number
    "ref 1234-567-8901",                   # the digits after a rejected start still count
    "date of b\u0130rth 01/02/1950",       # U+0130 matches "i" for the regex, not for str.lower()
    "x\x00123-45-6789",                    # right after the separator between two strings
])
def test_quick_test_catches_the_hard_cases(text):
    assert any(scan_text(part) for part in text.split("\x00"))
    assert _suspect(text)


def test_quick_test_passes_dates_and_plain_notes():
    assert not _suspect("2026-03-14\x00TUG 14.2 s\x0097110\x00Sit-to-stand x 10, 3 sets")


def test_results_are_the_same_with_and_without_the_quick_test(tmp_path: Path):
    case = tmp_path / "c.yaml"
    case.write_text("a: 2026-03-14\nb: [call 555-123-4567, fine]\nc:\n  d: MRN 12\n", encoding="utf-8")
    doc, _ = load_file(case)
    full = Document(doc.path, doc.root, doc.shown, None)  # None: walk every string
    assert [str(p) for p in check_documents([doc])] == [str(p) for p in check_documents([full])]
    assert len(check_documents([doc])) == 2


def test_shipped_cases_take_the_quick_path():
    """The speed of loading a large case folder relies on clean files needing one search."""
    for path in yaml_files(REPO / "data" / "cases"):
        doc, _ = load_file(path)
        assert doc.scalars and not _suspect(doc.scalars), path.name


def test_the_non_ascii_letters_that_fold_to_ascii_are_all_known():
    """`_suspect` trusts str.lower() unless one of these is in the text; a new Unicode table must not add one."""
    import re

    from generator.privacy import _FOLDS_TO_ASCII

    letter = re.compile("[a-z]", re.I)
    assert {chr(cp) for cp in range(0x80, 0x110000) if letter.fullmatch(chr(cp))} == set(_FOLDS_TO_ASCII)
