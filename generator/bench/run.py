"""`metdocs bench`: how long a build takes, phase by phase, against stock Material.

The benchmark makes a throwaway project with N cases copied from the shipped
ones (renamed, otherwise identical, so every copy passes the audit), then:

1. builds it the metdocs way in a child process, which reports the time of each
   of our phases, the MkDocs build and its own peak memory;
2. writes the same generated pages to disk and builds them with a stock
   Material configuration in another child process: the same theme and Markdown
   extensions, but no navigation pruning and every page in the sidebar.

Child processes keep the two runs from sharing caches or memory peaks.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

from metdocs.bench.synth import synthesise

PHASES = ("load", "icd", "validate", "render", "forms", "mkdocs")


def worker(project_dir: str, site_dir: str, pages_dir: str) -> None:
    """Child process: the metdocs build, timed by phase; prints one JSON object.

    Afterwards, outside the timing, it writes the pages it generated in memory into
    `pages_dir`, for the stock build to read from disk."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    start = time.perf_counter()
    from metdocs.site.build import _mkdocs_build
    from metdocs.files.project import Project
    from metdocs.site.plugin import generated
    root = Path(project_dir)
    timings: dict[str, float] = {}
    result = generated(Project.at(root), strict=False, timings=timings)
    t = time.perf_counter()
    _mkdocs_build(root / "mkdocs.yml", Path(site_dir))
    timings["mkdocs"] = time.perf_counter() - t
    total_s = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The forked helpers of work.chunks.map_chunks (their pages are mostly shared with this process).
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    for path, content in result.files.items():
        dest = Path(pages_dir) / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    print(json.dumps({"phases": timings, "total_s": total_s, "peak_mb": peak_mb, "peak_worker_mb": worker_mb}))


def _stock_config(ours: Path, docs: Path) -> dict:
    """Our mkdocs.yml minus what metdocs adds for speed: pruning, the nav, the plugin."""
    yaml = YAML(typ="safe", pure=True)
    text = ours.read_text(encoding="utf-8").replace("!ENV ", "")  # !ENV [NAME, default] -> plain list
    cfg = yaml.load(text)
    cfg["site_url"] = cfg["site_url"][-1] if isinstance(cfg.get("site_url"), list) else cfg.get("site_url")
    cfg["docs_dir"] = str(docs)
    cfg.pop("nav", None)
    cfg["theme"]["features"] = [f for f in cfg["theme"].get("features", []) if f != "navigation.prune"]
    cfg["plugins"] = ["search"]
    cfg.get("extra", {}).pop("polyfills", None)
    return cfg


def _run(cmd: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    # The throwaway project has its own data/: a data folder chosen for the real one must not leak in.
    env = {k: v for k, v in os.environ.items() if k != "METDOCS_DATA_DIR"}
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**env, "NO_MKDOCS_2_WARNING": "1"})
    if proc.returncode != 0:
        from metdocs.errors import MetdocsError
        raise MetdocsError(f"benchmark step failed: {cmd[-3] if len(cmd) > 3 else cmd}\n{proc.stderr[-1500:]}")
    return time.perf_counter() - start, proc.stdout


def bench(source: Path, n: int, *, data: Path | None = None, say=lambda msg: None, keep: Path | None = None) -> dict:
    """Run the benchmark on the project at `source` with cases from `data`; return the JSON-able report."""
    tmp = Path(tempfile.mkdtemp(prefix="metdocs-bench-"))
    try:
        project = tmp / "project"
        say(f"Synthesising {n} cases in {tmp} ...")
        synthesise(source, project, n, data)
        docs = tmp / "baseline-docs"
        shutil.copytree(project / "site_src", docs)
        say("Building the metdocs way ...")
        _, out = _run([sys.executable, "-c", "import sys; from metdocs.bench.run import worker; worker(*sys.argv[1:])",
                       str(project), str(tmp / "site"), str(docs)], cwd=source)
        ours = json.loads(out.strip().splitlines()[-1])
        say("Building the same pages with stock Material (baseline) ...")
        cfg = _stock_config(project / "mkdocs.yml", docs)
        (tmp / "baseline.yml").write_text(json.dumps(cfg), encoding="utf-8")  # JSON is YAML
        baseline_s, _ = _run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tmp / "baseline.yml"),
                              "-d", str(tmp / "baseline-site")], cwd=tmp)
        pages = sum(1 for _ in (tmp / "site").rglob("*.html"))
        phases = {k: round(ours["phases"].get(k, 0.0), 3) for k in PHASES}
        report = {"cases": n, "pages": pages, "phases": phases, "total_s": round(ours["total_s"], 2),
                  "baseline_s": round(baseline_s, 2), "peak_mb": round(ours["peak_mb"], 1),
                  "peak_worker_mb": round(ours["peak_worker_mb"], 1)}
        own = sum(v for k, v in phases.items() if k != "mkdocs")
        report["own_share"] = round(own / ours["total_s"], 3)
        report["ratio_to_baseline"] = round(ours["total_s"] / baseline_s, 3)
        report["ms_per_page"] = round(1000 * ours["total_s"] / max(pages, 1), 1)
        if keep:
            shutil.copytree(tmp / "site", keep, dirs_exist_ok=True)
        return report
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def format_report(r: dict) -> str:
    """Human summary with the targets from the performance issue."""
    lines = [f"metdocs bench: {r['cases']} cases, {r['pages']} HTML pages",
             *(f"  {k:<9} {v:8.2f} s" for k, v in r["phases"].items()),
             f"  total     {r['total_s']:8.2f} s   ({r['ms_per_page']} ms per page, peak {r['peak_mb']} MB; "
             f"a helper process at most {r['peak_worker_mb']} MB, mostly shared)",
             f"  baseline  {r['baseline_s']:8.2f} s   (stock Material: no pruning, every page in the nav)",
             f"  ratio to baseline {r['ratio_to_baseline']:.2f} (target <= 0.40 at {TARGET_CASES:,} cases"
             + ("" if r["cases"] >= TARGET_CASES else "; a small site has too few pages for the nav to dominate, "
                "so its ratio is near 1 by nature") + f"); own stages {100 * r['own_share']:.1f}% of total "
             "(target <= 15%)"]
    return "\n".join(lines)


TARGET_CASES = 1000
"""The size the targets are set for: Material's cost grows with the square of the page count, which
pruning removes; at a few hundred pages there is little of it to remove."""
