"""The site: the orchestrator (pipeline.py, with memo.py for incremental generation), the MkDocs
plugin (plugin.py, with pieces.py for packets filled from disk), the atomic build (build.py),
where each rule is enforced (matrix.py), and what `serve` adds (serve/: watch.py, serving.py,
dirty.py)."""
