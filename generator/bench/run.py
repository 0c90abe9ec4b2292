"""`metdocs bench`: how long a build takes, phase by phase, against MkDocs alone.

The benchmark makes a throwaway project with N cases copied from the shipped
ones (renamed, otherwise identical, so every copy passes the audit), then:

1. builds it the metdocs way in a child process, which reports the time of each
   of our phases, the MkDocs build, its own peak memory and the largest HTML file;
2. writes the same generated pages to disk and builds them with MkDocs and Material alone,
   each in a child process of its own:
   * "same nav": our configuration and the very nav the plugin made, without the plugin
     (the packet volumes then stay empty: MkDocs alone does not fill them); its time and its
     peak memory are what ours are held to;
   * "stock": a stock Material configuration, no navigation pruning and every page in the
     sidebar (the baseline of the first figures);
3. with `serve_edits`, times one-case edits under `metdocs serve` (serveedit.py).

Child processes keep the runs from sharing caches or memory peaks. Both timed builds time
themselves from their first line, before importing anything.
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
    `pages_dir`, and the nav it gave MkDocs into `pages_dir`/../nav.json, for the builds of
    MkDocs alone to read."""
    start = time.perf_counter()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from metdocs.site.build import _mkdocs_build
    from metdocs.files.project import Project
    from metdocs.site.plugin import expand_nav, generated, sidebar
    root = Path(project_dir)
    timings: dict[str, float] = {}
    result = generated(Project.at(root), strict=False, timings=timings, apart=True)
    t = time.perf_counter()
    _mkdocs_build(root / "mkdocs.yml", Path(site_dir))
    timings["mkdocs"] = time.perf_counter() - t
    total_s = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The forked processes: the generation (work.chunks.apart), done before MkDocs starts, and its
    # helpers (work.chunks.map_chunks); their pages are partly shared with this process.
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    largest = max(Path(site_dir).rglob("*.html"), key=lambda p: p.stat().st_size)
    for path, content in result.files.items():
        dest = Path(pages_dir) / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    nav = YAML(typ="safe", pure=True).load((root / "mkdocs.yml").read_text(encoding="utf-8").replace("!ENV ", ""))
    (Path(pages_dir).parent / "nav.json").write_text(json.dumps(expand_nav(nav.get("nav"), sidebar(result.nav))))
    print(json.dumps({"phases": timings, "total_s": total_s, "peak_mb": peak_mb, "peak_worker_mb": worker_mb,
                      "largest_html": [largest.relative_to(site_dir).as_posix(), largest.stat().st_size]}))


def alone(config_file: str, site_dir: str) -> None:
    """Child process: MkDocs alone builds `config_file`; prints its time and peak memory (JSON)."""
    start = time.perf_counter()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import logging
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # pages outside the nav are reported, as they should
    build(load_config(config_file, site_dir=site_dir))
    print(json.dumps({"total_s": time.perf_counter() - start,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def _same_nav_config(ours: Path, docs: Path, nav) -> dict:
    """Our mkdocs.yml with the nav the plugin made and without the plugin: MkDocs alone."""
    yaml = YAML(typ="safe", pure=True)
    cfg = yaml.load(ours.read_text(encoding="utf-8").replace("!ENV ", ""))
    cfg["site_url"] = cfg["site_url"][-1] if isinstance(cfg.get("site_url"), list) else cfg.get("site_url")
    cfg["docs_dir"] = str(docs)
    cfg["nav"] = nav
    cfg["plugins"] = [p for p in cfg["plugins"] if p != "metdocs" and not (isinstance(p, dict) and "offline" in p)]
    return cfg


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


def _children_cpu() -> float:
    """CPU seconds (user and system) of the child processes waited for so far, theirs included."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(cmd: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    # The throwaway project has its own data/: a data folder chosen for the real one must not leak in.
    env = {k: v for k, v in os.environ.items() if k != "METDOCS_DATA_DIR"}
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**env, "NO_MKDOCS_2_WARNING": "1"})
    if proc.returncode != 0:
        from metdocs.errors import MetdocsError
        raise MetdocsError(f"benchmark step failed: {cmd[-3] if len(cmd) > 3 else cmd}\n{proc.stderr[-1500:]}")
    return time.perf_counter() - start, proc.stdout


def bench(source: Path, n: int, *, data: Path | None = None, say=lambda msg: None, keep: Path | None = None,
          serve_edits: int = 0, stock: bool = True) -> dict:
    """Run the benchmark on the project at `source` with cases from `data`; return the JSON-able report."""
    import markdown
    load_before = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="metdocs-bench-"))
    try:
        project = tmp / "project"
        say(f"Synthesising {n} cases in {tmp} ...")
        synthesise(source, project, n, data)
        docs = tmp / "baseline-docs"
        shutil.copytree(project / "site_src", docs)
        say("Building the metdocs way ...")
        cpu0 = _children_cpu()
        _, out = _run([sys.executable, "-c", "import sys; from metdocs.bench.run import worker; worker(*sys.argv[1:])",
                       str(project), str(tmp / "site"), str(docs)], cwd=source)
        ours = json.loads(out.strip().splitlines()[-1])
        cpu_s = _children_cpu() - cpu0
        say("Building the same pages with MkDocs alone, with the same nav ...")
        same = _same_nav_config(project / "mkdocs.yml", docs, json.loads((tmp / "nav.json").read_text()))
        (tmp / "same-nav.yml").write_text(json.dumps(same), encoding="utf-8")  # JSON is YAML
        _, out = _run([sys.executable, "-c", "import sys; from metdocs.bench.run import alone; alone(*sys.argv[1:])",
                       str(tmp / "same-nav.yml"), str(tmp / "same-nav-site")], cwd=tmp)
        alone_nav = json.loads(out.strip().splitlines()[-1])
        shutil.rmtree(tmp / "same-nav-site", ignore_errors=True)
        baseline_s = None
        if stock:  # quadratic in the pages: minutes at a thousand cases, most of an hour at three
            say("Building the same pages with stock Material (every page in the nav) ...")
            cfg = _stock_config(project / "mkdocs.yml", docs)
            (tmp / "baseline.yml").write_text(json.dumps(cfg), encoding="utf-8")
            baseline_s, _ = _run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tmp / "baseline.yml"),
                                  "-d", str(tmp / "baseline-site")], cwd=tmp)
            shutil.rmtree(tmp / "baseline-site", ignore_errors=True)
        html = [p.stat().st_size for p in (tmp / "site").rglob("*.html")]
        pages, html_mb = len(html), sum(html) / 1e6
        phases = {k: round(ours["phases"].get(k, 0.0), 3) for k in PHASES}
        report = {"cases": n, "pages": pages, "markdown": markdown.__version__, "phases": phases,
                  "total_s": round(ours["total_s"], 2), "baseline_s": baseline_s and round(baseline_s, 2),
                  "same_nav_s": round(alone_nav["total_s"], 2), "peak_mb": round(ours["peak_mb"], 1),
                  "same_nav_peak_mb": round(alone_nav["peak_mb"], 1),
                  "peak_worker_mb": round(ours["peak_worker_mb"], 1),
                  "largest_html": {"path": ours["largest_html"][0], "bytes": ours["largest_html"][1]}}
        own = sum(v for k, v in phases.items() if k != "mkdocs")
        report["own_share"] = round(own / ours["total_s"], 3)
        report["ratio_to_baseline"] = baseline_s and round(ours["total_s"] / baseline_s, 3)
        report["ratio_to_same_nav"] = round(ours["total_s"] / alone_nav["total_s"], 3)
        report["memory_ratio_to_same_nav"] = round(ours["peak_mb"] / alone_nav["peak_mb"], 3)
        report["ms_per_page"] = round(1000 * ours["total_s"] / max(pages, 1), 1)
        # CPU time hardly depends on what else the machine runs, wall time does; and pages grow
        # heavier as a course grows (more case pages, fewer light reference pages in the mix), so
        # the cost per MB of HTML is what shows whether the build scales linearly.
        report["cpu_s"] = round(cpu_s, 2)
        report["cpu_ms_per_page"] = round(1000 * cpu_s / max(pages, 1), 1)
        report["html_mb"] = round(html_mb, 1)
        report["cpu_s_per_html_mb"] = round(cpu_s / max(html_mb, 1e-9), 3)
        # Every visitor's browser downloads the search index and builds its own index from it.
        index = tmp / "site" / "search" / "search_index.json"
        report["search_index_mb"] = round(index.stat().st_size / 1e6, 2) if index.exists() else None
        if keep:
            shutil.copytree(tmp / "site", keep, dirs_exist_ok=True)
        shutil.rmtree(tmp / "site", ignore_errors=True)
        if serve_edits:
            from metdocs.bench.serveedit import serve_edit
            say(f"Timing {serve_edits} one-case edits under metdocs serve ...")
            report["serve_edit"] = serve_edit(project, serve_edits, say=say)
        # How busy the machine was (1-minute load average; this project's machines have 2 CPUs):
        # figures taken with other work running mean little.
        report["machine"] = {"cpus": os.cpu_count(), "load_before": round(load_before[0], 2),
                             "load_after": round(os.getloadavg()[0], 2)}
        return report
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def format_report(r: dict) -> str:
    """Human summary with the targets from the performance issues."""
    lines = [f"metdocs bench: {r['cases']} cases, {r['pages']} HTML pages (Python-Markdown {r['markdown']})",
             *(f"  {k:<9} {v:8.2f} s" for k, v in r["phases"].items()),
             f"  total     {r['total_s']:8.2f} s   ({r['ms_per_page']} ms per page, peak {r['peak_mb']} MB; "
             f"a helper process at most {r['peak_worker_mb']} MB, mostly shared)",
             f"  same nav  {r['same_nav_s']:8.2f} s   (MkDocs alone, the same pages and nav: peak {r['same_nav_peak_mb']} MB)",
             (f"  stock     {r['baseline_s']:8.2f} s   (stock Material: no pruning, every page in the nav)"
              if r["baseline_s"] else "  stock     not run (--no-stock)"),
             f"  ratio to the same-nav build {r['ratio_to_same_nav']:.2f} (target <= 0.90 at {TARGET_CASES:,} cases"
             + ("" if r["cases"] >= TARGET_CASES else "; a small site has too few pages for the nav to dominate, "
                "so its ratios are near 1 by nature") + "); "
             + (f"to stock {r['ratio_to_baseline']:.2f}; " if r["ratio_to_baseline"] else "")
             + f"own stages {100 * r['own_share']:.1f}% of total",
             f"  peak memory {r['memory_ratio_to_same_nav']:.2f} x MkDocs alone (target <= 1.30); largest HTML file "
             f"{r['largest_html']['bytes'] / 1e6:.2f} MB, {r['largest_html']['path']} (target <= 2 MB)"]
    if "cpu_ms_per_page" in r:
        lines.append(f"  CPU      {r['cpu_s']:8.2f} s   ({r['cpu_ms_per_page']} ms per page; {r['html_mb']} MB of HTML, "
                     f"{r['cpu_s_per_html_mb']:.3f} s per MB: pages grow heavier with the course, so per MB shows "
                     "whether the build scales)")
    if r.get("search_index_mb") is not None:
        lines.append(f"  search   index {r['search_index_mb']} MB (every visitor's browser downloads it)")
    if "machine" in r:
        m = r["machine"]
        lines.append(f"  machine  {m['cpus']} CPUs, load average {m['load_before']} before and {m['load_after']} after "
                     "(figures taken on a busy machine mean little)")
    if "serve_edit" in r:
        e = r["serve_edit"]
        lines.append(f"  serve    one-case edit shown after {', '.join(f'{s:.2f}' for s in e['seconds'])} s "
                     f"(median {e['median_s']:.2f} s; first build {e['first_build_s']} s)")
    return "\n".join(lines)


TARGET_CASES = 1000
"""The size the targets are set for: Material's cost grows with the square of the page count, which
pruning removes; at a few hundred pages there is little of it to remove."""
