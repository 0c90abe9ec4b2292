"""The README's editing examples work when followed literally: each item pasted at the end of
the file it names, under the list already there, and `metdocs check` is clean."""

from __future__ import annotations

import re

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Editing the catalog"):README.index("## For educators")]
EXAMPLE = re.compile(r"\*\*Add an? [^*]+\*\* at the end of `(data/catalog/[\w.]+)`.*?```yaml\n(.*?)```", re.S)


def test_every_catalog_example_is_new_and_checks_clean(shipped_copy, run_cli):
    examples = EXAMPLE.findall(SECTION)
    assert [path for path, _ in examples] == ["data/catalog/cpt_codes.yaml", "data/catalog/icd10.yaml",
                                              "data/catalog/rules.yaml"]
    for path, block in examples:
        assert block.startswith("  - "), "an example is one list item, indented under the existing list"
        target = shipped_copy / path
        text = target.read_text(encoding="utf-8")
        key = re.search(r"(?:code|id): (\S+)", block).group(1)
        assert f": {key}\n" not in text, f"{key} is already shipped: the example would be a duplicate"
        target.write_text(text.rstrip("\n") + "\n" + block, encoding="utf-8")
    code, _, err = run_cli("check", cwd=shipped_copy)
    assert code == 0, err
    assert "error" not in err.replace("0 error(s)", "")


def test_the_copy_a_case_steps_name_what_to_change():
    steps = SECTION[SECTION.index("**Add a case**"):]
    assert "change the `id:` line to the same new id" in steps and "title:" in steps
    assert "data/cases/post-tka-clean.yaml" in steps and (REPO / "data/cases/post-tka-clean.yaml").is_file()
