"""The site: check, then generate (pipeline.py), the MkDocs plugin (plugin.py), the atomic build (build.py)."""
