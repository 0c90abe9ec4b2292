"""Messages that point at the mistake: the key whose value is wrong, the line that broke the
indentation (and what it should be), and the name that was probably meant (difflib).

Each test breaks one line of a shipped case in a copy of the shipped project, as an educator
would by hand, and reads what `metdocs check` says.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO

CASE = "post-tka-clean"
DRILL = "drill-units-over-minutes"


def broken(shipped_copy: Path, name: str, line: int, old: str, new: str) -> Path:
    """The copy's case `name` with `old` replaced by `new` on 1-based `line` (asserting it is there)."""
    path = shipped_copy / "data" / "cases" / f"{name}.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], (line, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def line_of(name: str, text: str, nth: int = 1) -> int:
    """1-based line of the nth line of shipped case `name` that holds `text`."""
    lines = (REPO / "data" / "cases" / f"{name}.yaml").read_text(encoding="utf-8").split("\n")
    return [i for i, ln in enumerate(lines, 1) if text in ln][nth - 1]


def errors(run_cli, root: Path) -> list[str]:
    code, _, err = run_cli("check", cwd=root)
    assert code == 1 and "Traceback" not in err
    return [ln for ln in err.splitlines() if ": error: " in ln]


def test_a_wrong_value_is_reported_at_its_own_key(shipped_copy, run_cli):
    at = line_of(CASE, "minutes: 23")
    broken(shipped_copy, CASE, at, "minutes: 23", "minutes: 900")
    assert errors(run_cli, shipped_copy) == [f"data/cases/{CASE}.yaml:{at}:9: error: expected minutes from 0 to 480, "
                                             "found 900"]


START = line_of(CASE, "    start: ")
MINUTES = line_of(CASE, "        minutes: 23")


@pytest.mark.parametrize(("line", "old", "new", "expected"), [
    # dedented to a key of the file: the parser only stumbles on the next line, which is fine
    (START, "    start", "start", f"{START}:1: error: expected 'start' indented 4 spaces, like the key on line "
                                    f"{START + 1}, found 0 spaces"),
    # dedented to the session's keys, inside an activity: again the next line is where the parser stops
    (MINUTES, "        minutes", "    minutes", f"{MINUTES}:5: error: expected 'minutes' indented 8 spaces, like the "
                                                f"key on line {MINUTES + 1}, found 4 spaces"),
    # dedented by one or two: the parser stops on the line itself, but says only "expected '-' indicator"
    (START, "    start", "  start", f"{START}:3: error: expected 'start' indented 4 spaces, like the key on line "
                                    f"{START - 1}, found 2 spaces"),
    (MINUTES, "        minutes", "       minutes", f"{MINUTES}:8: error: expected 'minutes' indented 8 spaces, like "
                                                   f"the key on line {MINUTES - 1}, found 7 spaces"),
], ids=["to-the-file", "to-the-session", "by-two", "by-one"])
def test_a_dedented_key_is_reported_at_its_line_with_the_indentation_it_needs(shipped_copy, run_cli, line, old, new,
                                                                           expected):
    broken(shipped_copy, CASE, line, old, new)
    assert errors(run_cli, shipped_copy) == [f"data/cases/{CASE}.yaml:{expected}; indent it to line up with the other "
                                             "keys of its mapping"]


def test_a_misspelt_key_is_one_error_at_its_line_naming_the_key_meant(shipped_copy, run_cli):
    at = line_of(CASE, "title: ")
    broken(shipped_copy, CASE, at, "title:", "titel:")
    assert errors(run_cli, shipped_copy) == [f"data/cases/{CASE}.yaml:{at}:1: error: unknown key 'titel' in the file; "
                                             "did you mean 'title'?"]


def test_an_unknown_key_like_no_other_lists_the_keys(shipped_copy, run_cli):
    at = line_of(CASE, "        minutes: 23")
    broken(shipped_copy, CASE, at, "minutes: 23", "duration: 23")
    (line,) = errors(run_cli, shipped_copy)
    assert line.startswith(f"data/cases/{CASE}.yaml:{at}:9: error: unknown key 'duration' in item 1 of 'activities'; "
                           "expected one of: cpt, description, minutes, rationale")


def test_a_misspelt_rule_in_a_drill_names_the_rule_meant(shipped_copy, run_cli):
    at = line_of(DRILL, "rule: cms-8-minute-rule")
    broken(shipped_copy, DRILL, at, "rule: cms-8-minute-rule", "rule: cms-8-minut-rule")
    found = errors(run_cli, shipped_copy)
    assert (f"data/cases/{DRILL}.yaml:{at}:5: error: expected the id of a catalog rule or element under "
            "expected_breaches, found 'cms-8-minut-rule', which is neither; did you mean 'cms-8-minute-rule'?") in found
    assert not [ln for ln in found if "declared breach cms-8-minut-rule" in ln]  # not "was not found"
