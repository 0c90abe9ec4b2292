"""Publishing: canonical links and the sitemap follow site_url, and are left out without one;
the offline edition never has them; a local site_url is warned about."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow

CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)"')


def _build(run_cli, project, monkeypatch, *args, site_url=None):
    if site_url is None:
        monkeypatch.delenv("SITE_URL", raising=False)
    else:
        monkeypatch.setenv("SITE_URL", site_url)
    return run_cli("build", "--config", str(project / "mkdocs.yml"), *args)


def test_no_site_url_no_canonical_links_no_sitemap(tiny_project, run_cli, monkeypatch):
    code, _, err = _build(run_cli, tiny_project, monkeypatch)
    assert code == 0, err
    site = tiny_project / "site"
    pages = list(site.rglob("*.html"))
    assert pages and not [p for p in pages if CANONICAL.search(p.read_text(encoding="utf-8"))]
    assert not (site / "sitemap.xml").exists() and not (site / "sitemap.xml.gz").exists()
    assert "127.0.0.1" not in "".join(p.read_text(encoding="utf-8") for p in pages)


def test_site_url_gives_canonical_links_and_a_sitemap_under_it(tiny_project, run_cli, monkeypatch):
    url = "https://training.example.org/met-course/"
    code, _, err = _build(run_cli, tiny_project, monkeypatch, site_url=url)
    assert code == 0, err
    site = tiny_project / "site"
    assert CANONICAL.search((site / "index.html").read_text()).group(1) == url
    assert CANONICAL.search((site / "cpt" / "97110" / "index.html").read_text()).group(1) == f"{url}cpt/97110/"
    locs = re.findall(r"<loc>([^<]*)</loc>", (site / "sitemap.xml").read_text())
    assert locs and all(loc.startswith(url) for loc in locs)
    assert "warning: site_url" not in err


def test_a_local_site_url_is_warned_about(tiny_project, run_cli, monkeypatch):
    code, _, err = _build(run_cli, tiny_project, monkeypatch, site_url="http://localhost:8000/")
    assert code == 0 and "metdocs: warning: site_url is http://localhost:8000/, a local address" in err


def test_offline_edition_never_has_canonical_links(tiny_project, run_cli, monkeypatch):
    code, _, err = _build(run_cli, tiny_project, monkeypatch, "--offline", site_url="http://127.0.0.1:8000/")
    assert code == 0, err
    site = tiny_project / "site-offline"
    pages = list(site.rglob("*.html"))
    assert pages and not [p for p in pages if CANONICAL.search(p.read_text(encoding="utf-8"))]
    assert not (site / "sitemap.xml").exists()
    assert "warning: site_url" not in err


def test_offline_404_page_links_resolve_in_the_folder(tiny_project, run_cli, monkeypatch):
    code, _, err = _build(run_cli, tiny_project, monkeypatch, "--offline")
    assert code == 0, err
    site = tiny_project / "site-offline"
    html = (site / "404.html").read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src)="([^"#][^"]*)"', html)
    assert len(links) > 10
    broken = [u for u in links if "://" not in u and not (site / u.split("#")[0]).is_file()]
    assert broken == []
