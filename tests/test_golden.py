"""Golden files: the generated Markdown of the tiny fixture project, byte for byte.

Run `pytest tests/test_golden.py --update-golden` after an intended change to the
templates, then review the diff of tests/golden/ like any other code change.
"""

from __future__ import annotations

from pathlib import Path

from metdocs.site.pipeline import Project, generate

GOLDEN = Path(__file__).resolve().parent / "golden" / "tiny"


def _generate(root: Path) -> dict[str, str | bytes]:
    return generate(Project.at(root)).files


def test_generated_markdown_matches_golden(update_golden, tiny_project):
    files = _generate(tiny_project)
    if update_golden:
        for old in GOLDEN.rglob("*.md"):
            old.unlink()
        for path, content in files.items():
            if path.endswith(".md"):
                dest = GOLDEN / path
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_text(content, encoding="utf-8")
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8") for p in GOLDEN.rglob("*.md")}
    assert expected, "no golden files: run pytest tests/test_golden.py --update-golden"
    actual = {k: v for k, v in files.items() if k.endswith(".md")}
    assert sorted(actual) == sorted(expected), "pages added or removed: review, then --update-golden"
    for path in sorted(expected):
        assert actual[path] == expected[path], f"{path} differs from tests/golden/tiny/{path}"


def test_generation_is_deterministic(tiny_project):
    assert _generate(tiny_project) == _generate(tiny_project)
