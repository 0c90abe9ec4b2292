"""The site: the pipeline that checks and generates, the MkDocs plugin, the atomic build."""
