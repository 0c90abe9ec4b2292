"""The web form loading the hostile corpus of saved records (saved_corpus.py): every file ends in a
status message (the same problems `metdocs fill` reports, where the browser reads the same JSON)
or a loaded record; a refused file changes nothing in the form, no error reaches the console and
no markup in a file runs."""

from __future__ import annotations

import pytest

from saved_corpus import CORPUS

pytestmark = pytest.mark.browser

CONTROLS = "form.mf-form input[name], form.mf-form select[name], form.mf-form textarea[name]"
JSON_DIFFERS = {"nan-as-minutes", "infinity-as-minutes", "minus-infinity-as-minutes", "an-exponent-beyond-a-double",
                "a-5000-digit-integer"}
"""JSON that JavaScript reads otherwise than Python: NaN and Infinity are no JSON to JSON.parse,
and numbers beyond a double arrive as Infinity. Refused in both, in other words."""


def _values(page) -> dict:
    return dict(page.eval_on_selector_all(CONTROLS, "cs => cs.map(c => [c.name, c.type === 'checkbox' ? c.checked : c.value])"))


def _load(page, path, selector: str) -> tuple[list[str], list[str]]:
    """Load `path` through the file input `selector`: (status paragraphs, listed problems)."""
    page.eval_on_selector("form.mf-form .mf-status", "s => { s.textContent = ''; }")
    page.set_input_files(selector, str(path))
    page.wait_for_function("() => document.querySelector('form.mf-form .mf-status').textContent.trim() !== ''")
    return (page.eval_on_selector_all("form.mf-form .mf-status p", "ps => ps.map(p => p.textContent)"),
            page.eval_on_selector_all("form.mf-form .mf-status li", """ls => ls.map(l => {
                const c = l.cloneNode(true);  // without the links to the pages that explain a gap
                c.querySelectorAll('.metdocs-explain').forEach(e => e.remove());
                return c.textContent;
            })"""))


@pytest.mark.parametrize("selector", ["#mf--load", "#mf--chain"], ids=["load", "fill-from-assessment"])
def test_every_hostile_saved_record_is_a_status_message_or_a_loaded_record(page, guard, tmp_path, selector):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto("/forms/session-log/", wait_until="load")
    page.fill("form.mf-form [name=client_name]", "Kept as it was")
    wrong = []
    for name in sorted(CORPUS):
        content, expected = CORPUS[name]
        path = tmp_path / f"{name}.json"
        path.write_bytes(content)
        before = _values(page)
        paragraphs, problems = _load(page, path, selector)
        after = _values(page)
        if expected is None:
            if selector == "#mf--load" and paragraphs[:1] != [f"Loaded {name}.json."]:
                wrong.append(f"{name}: not loaded: {paragraphs} {problems}")
            if selector == "#mf--chain" and not paragraphs[0].startswith(("That file is a response to another form",
                                                                          "That file is not a saved initial")):
                wrong.append(f"{name}: {paragraphs}")
            continue
        if after != before:
            changed = sorted(k for k in after if after[k] != before.get(k))
            wrong.append(f"{name}: refused, yet the form changed: {changed}")
        if not paragraphs or not paragraphs[0].startswith("That file"):
            wrong.append(f"{name}: no refusal in the status line: {paragraphs}")
        python_reads_the_same = name not in JSON_DIFFERS and expected[0].startswith(("item ", "the response", "'questionnaire'"))
        if python_reads_the_same and sorted(problems) != sorted(expected):
            wrong.append(f"{name}: the browser says {problems}, metdocs fill says {expected}")
    assert wrong == []
    assert dialogs == [], "markup in a saved file ran"
    assert page.evaluate("document.querySelectorAll('form.mf-form img').length") == 0
    assert guard.problems() == []
