"""Run as a script by tests/test_serve_dirty.py: MkDocs builds of a project as `metdocs serve`
makes them, in a process of its own (MkDocs keeps some plugins, Material's search among them, for
the whole process, so a serving test must not share the test run's).

    python tests/dirty_builds.py dirty ROOT SITE STEPS_JSON   # a first build, then one per step
    python tests/dirty_builds.py full ROOT SITE               # one whole build, as `metdocs build`

A step is {"path": ..., "old": ..., "new": ...} (replace text once) or {"remove": path}, paths
relative to ROOT. Prints, per build, the files it wrote and the files it removed (JSON).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

SITE_URL = "http://127.0.0.1:8000/"


def _stamps(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


def _apply(root: Path, step: dict) -> None:
    if "remove" in step:
        (root / step["remove"]).unlink()
        return
    path = root / step["path"]
    text = path.read_text(encoding="utf-8")
    assert step["old"] in text, step
    path.write_text(text.replace(step["old"], step["new"], 1), encoding="utf-8")


def _config(root: Path, site: Path):
    from mkdocs.config import load_config
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    config.site_url = SITE_URL  # as `mkdocs serve` sets it
    return config


def main(mode: str, root: str, site: str, steps: str = "[]") -> None:
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    from mkdocs.commands.build import build
    root_path, site_path = Path(root), Path(site)
    config = _config(root_path, site_path)
    if mode == "full":
        build(config)
        return
    config.plugins.on_startup(command="serve", dirty=True)
    out = []
    try:
        for step in [None, *json.loads(steps)]:
            if step is not None:
                _apply(root_path, step)
            before = _stamps(site_path) if site_path.is_dir() else {}
            build(_config(root_path, site_path), serve_url=SITE_URL, dirty=True)
            after = _stamps(site_path)
            out.append({"written": sorted(k for k, v in after.items() if before.get(k) != v),
                        "removed": sorted(before.keys() - after.keys())})
    finally:
        config.plugins.on_shutdown()
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
