"""Property-based fuzzing: any input gives either success or clean problems, never an exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from metdocs.cases.model import Case
from metdocs.catalog.load import load_file
from metdocs.catalog.model import CatalogFile
from metdocs.catalog.schema import parse

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

yaml_ish = st.text(alphabet=st.sampled_from(list("abc:-[]{}\"'#&*!|>\n \t0123456789.,?%@`\\") + ["\x00", "é", "\u2028"]),
                   max_size=300)

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                    st.text(max_size=30), st.sampled_from(["97110", "R26.81", "2026-02-30", "2026-01-01", "M54.5"]))
keys = st.sampled_from(["sources", "cpt_codes", "diagnoses", "rules", "measures", "elements", "id", "code",
                        "title", "name", "sessions", "minutes", "claim", "units", "date", "referral", "x"])
trees = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(keys, inner, max_size=5)), max_leaves=25)


def _check(path: Path) -> None:
    doc, problems = load_file(path)
    assert all(str(p) for p in problems)
    if doc is not None:
        for cls in (CatalogFile, Case):
            obj, probs = parse(cls, doc)
            assert obj is not None or probs, "a rejected document must say why"
            assert all(p.where.path for p in probs)


@FUZZ
@given(text=yaml_ish)
def test_loader_and_schema_never_raise_on_text(tmp_path, text):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    _check(path)


@FUZZ
@given(tree=trees)
def test_loader_and_schema_never_raise_on_structures(tmp_path, tree):
    path = tmp_path / "fuzz.yaml"
    with path.open("w", encoding="utf-8") as f:
        YAML().dump(tree, f)
    _check(path)


@FUZZ
@given(data=st.binary(max_size=200))
def test_loader_never_raises_on_bytes(tmp_path, data):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    _check(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees)
def test_whole_check_never_raises(tiny_project, tree):
    from metdocs.site.pipeline import Project, check
    extra = tiny_project / "data" / "catalog" / "zz-fuzz.yaml"
    with extra.open("w", encoding="utf-8") as f:
        YAML().dump({"rules": tree} if not isinstance(tree, dict) else tree, f)
    result = check(Project.at(tiny_project))
    assert result.ok or result.problems
