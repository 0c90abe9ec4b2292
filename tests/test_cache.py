"""The compiled-template cache (cache.TemplateCache) saves time and can never change a page."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from metdocs.files.cache import unseal
from metdocs.forms.pdf.layout import form_pdf
from metdocs.site.pipeline import Project, generate
from metdocs.pages.render import environment, render

PAGE = "{% for x in items %}{{ x }} {% endfor %}\n"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("METDOCS_CACHE_DIR", str(folder))
    return folder / "templates"


@pytest.fixture
def templates(tmp_path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "page.md.j2").write_text(PAGE, encoding="utf-8")
    return folder


def _render(templates: Path) -> str:
    return render(environment(templates), "page.md.j2", {"items": ["a*b", 2]}, page="p.md")


def test_a_second_build_loads_compiled_templates_instead_of_compiling(cache, templates, monkeypatch):
    first = _render(templates)
    assert len(list(cache.iterdir())) == 1

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled although the cache holds this template")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
    assert _render(templates) == first == "a\\*b 2 "


def test_an_edited_template_is_compiled_again(cache, templates):
    _render(templates)
    (templates / "page.md.j2").write_text("[{{ items|length }}]\n", encoding="utf-8")
    assert _render(templates) == "[2]\n"


def test_a_copy_of_the_project_elsewhere_never_loads_code_compiled_for_another_checkout(cache, templates, tmp_path):
    """Compiled code carries the file it was compiled from: a copy elsewhere gets its own entry,
    so a traceback or profile from the copy points into the copy, not the first checkout."""
    from metdocs.files.cache import template_cache
    _render(templates)
    copy = tmp_path / "elsewhere"
    copy.mkdir()
    (copy / "page.md.j2").write_text(PAGE, encoding="utf-8")
    assert _render(copy) == _render(templates)
    assert len(list(cache.iterdir())) == 2
    for folder in (templates, copy):  # loaded from the cache, each names its own file
        env = environment(folder)
        bucket = template_cache(env).get_bucket(env, "page.md.j2", str(folder / "page.md.j2"), PAGE)
        assert bucket.code is not None and bucket.code.co_filename == str(folder / "page.md.j2")


def test_a_damaged_entry_is_compiled_afresh(cache, templates):
    good = _render(templates)
    for entry in cache.iterdir():
        # Right header, then cut inside the source checksum (an interrupted copy): Jinja itself
        # only copes with damaged code after the checksum.
        entry.write_bytes(entry.read_bytes()[: len(jinja2.bccache.bc_magic) + 3])
    assert _render(templates) == good


def test_a_cache_that_cannot_be_written_is_skipped(cache, templates, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")  # what a read-only folder gives (root ignores modes)

    from metdocs.files import fsguard
    monkeypatch.setattr(fsguard.tempfile, "mkstemp", refuse)
    assert _render(templates) == "a\\*b 2 "
    assert not list(cache.iterdir())


def test_a_cache_folder_that_cannot_be_made_is_skipped(tmp_path, templates, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("METDOCS_CACHE_DIR", str(blocker))  # a file where the folder would go
    assert environment(templates).bytecode_cache is None
    assert _render(templates) == "a\\*b 2 "


def test_the_whole_site_is_the_same_with_a_warm_cache(cache, tiny_project):
    cold = generate(Project.at(tiny_project)).files
    warm = generate(Project.at(tiny_project)).files
    assert cache.is_dir() and list(cache.iterdir())
    assert warm == cold


# --- the forms' PDFs ------------------------------------------------------------------------------

@pytest.fixture
def drawn(monkeypatch) -> list:
    """Every form the build draws (instead of taking from the cache), by id."""
    from metdocs.forms import sitefiles as formsite
    seen, draw = [], formsite.form_pdf

    def counting(form, catalog):
        seen.append(form.id)
        return draw(form, catalog)

    monkeypatch.setattr(formsite, "form_pdf", counting)
    return seen


def _pdfs(forms, catalog) -> dict[str, bytes]:
    from metdocs.forms.sitefiles import form_files
    return {k: v for k, v in form_files(list(forms), catalog).items() if k.endswith(".pdf")}


def test_a_second_build_draws_no_pdf_and_gets_the_same_bytes(cache, shipped_forms, icd_catalog, drawn):
    first = _pdfs(shipped_forms.values(), icd_catalog)
    assert sorted(drawn) == sorted(shipped_forms)
    drawn.clear()
    assert _pdfs(shipped_forms.values(), icd_catalog) == first
    assert drawn == []
    assert first == {f"forms/{f.id}.pdf": form_pdf(f, icd_catalog) for f in shipped_forms.values()}


def test_an_edited_form_or_catalog_is_drawn_again(cache, shipped_forms, icd_catalog, drawn):
    import dataclasses
    form = shipped_forms["session-log"]
    _pdfs([form], icd_catalog)
    edited = dataclasses.replace(form, title=form.title + " (edited)")
    assert _pdfs([edited], icd_catalog) == {"forms/session-log.pdf": form_pdf(edited, icd_catalog)}
    cpt = icd_catalog.cpt_codes[0]
    catalog = dataclasses.replace(icd_catalog, cpt_codes=(dataclasses.replace(cpt, name=cpt.name + " x"),
                                                          *icd_catalog.cpt_codes[1:]))
    _pdfs([form], catalog)
    assert drawn == ["session-log"] * 3


def test_the_same_form_from_another_place_is_not_drawn_again(cache, shipped_forms, icd_catalog, drawn):
    import dataclasses
    from metdocs.errors import Location
    form = shipped_forms["session-log"]
    first = _pdfs([form], icd_catalog)
    moved = dataclasses.replace(form, where=Location("elsewhere/session-log.yaml", 1, 1))
    assert _pdfs([moved], icd_catalog) == first
    assert drawn == ["session-log"]


def test_a_damaged_pdf_entry_is_drawn_afresh(cache, shipped_forms, icd_catalog, drawn):
    form = shipped_forms["session-log"]
    first = _pdfs([form], icd_catalog)
    entry, = (cache.parent / "pdf").iterdir()
    entry.write_bytes(entry.read_bytes()[:1000])  # cut short, as by a full disk
    assert _pdfs([form], icd_catalog) == first
    assert unseal(entry.read_bytes()) == first["forms/session-log.pdf"]
    assert drawn == ["session-log", "session-log"]


def test_pdfs_are_drawn_when_the_cache_cannot_be_made(tmp_path, shipped_forms, icd_catalog, monkeypatch, drawn):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("METDOCS_CACHE_DIR", str(blocker))
    form = shipped_forms["session-log"]
    assert _pdfs([form], icd_catalog) == {"forms/session-log.pdf": form_pdf(form, icd_catalog)}
    assert _pdfs([form], icd_catalog) and drawn == ["session-log", "session-log"]
