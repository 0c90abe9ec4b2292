"""`metdocs fill` on the hostile corpus of saved records (saved_corpus.py): each file is a located
error (`saved.json: error: item 'x': expected ...`, exit 1, nothing written) or a record that
fills a valid PDF and a valid QuestionnaireResponse; never a traceback, never exit 70."""

from __future__ import annotations

import json
import os

import pytest

from conftest import REPO
from fs_helpers import snapshot
from saved_corpus import CORPUS


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_fill_reads_a_hostile_saved_record_as_a_located_error_or_a_record(tmp_path, run_cli, name):
    content, expected = CORPUS[name]
    (tmp_path / "saved.json").write_bytes(content)
    before = snapshot(tmp_path)
    code, out, err = run_cli("fill", "saved.json", "--pdf", "out.pdf", "--fhir", "out.json",
                             "--config", str(REPO / "mkdocs.yml"), cwd=tmp_path)
    assert "Traceback" not in err + out and code != 70, err
    if expected is not None:
        assert code == 1, err
        assert [line for line in err.splitlines() if ": error: " in line] == [f"saved.json: error: {m}" for m in expected]
        assert err.splitlines()[-1].startswith("Aborted: ")
        assert snapshot(tmp_path) == before, "a refused record wrote something"
        return
    assert code == 0, err
    import pypdf
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    assert pypdf.PdfReader(tmp_path / "out.pdf").get_fields()
    QuestionnaireResponse.model_validate(json.loads((tmp_path / "out.json").read_text(encoding="utf-8")))


def test_a_saved_record_that_is_a_fifo_is_never_opened(tmp_path, run_cli):
    os.mkfifo(tmp_path / "saved.json")
    code, _, err = run_cli("fill", "saved.json", "--pdf", "out.pdf", "--config", str(REPO / "mkdocs.yml"), cwd=tmp_path)
    assert code == 1 and "saved.json: error: expected a regular file, found a FIFO (named pipe)" in err
    assert not (tmp_path / "out.pdf").exists()


def test_the_corpus_is_big_enough():
    assert len(CORPUS) >= 45 and sum(v is None for _, v in CORPUS.values()) >= 5
