"""The site: the orchestrator (pipeline.py, with memo.py for incremental generation), the MkDocs
plugin (plugin.py, with dirty.py and pieces.py for incremental serve and packets from disk), the
atomic build (build.py), what serve watches (watch.py) and how it answers (serving.py), and where
each rule is enforced (matrix.py)."""
