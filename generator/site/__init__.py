"""The site: the orchestrator (pipeline.py), the MkDocs plugin (plugin.py), the atomic build
(build.py) and what serve watches (watch.py)."""
