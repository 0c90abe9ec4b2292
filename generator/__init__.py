"""metdocs: a static-site generator for Medical Exercise Training documentation and billing.

The pipeline: load (load.py) → shape-check (schema.py, model.py, catalog.py) →
cross-check (validate.py, icd.py) → plan (pages.py) → render (render.py) →
MkDocs build (plugin.py, build.py). cli.py is the `metdocs` command.
"""

__version__ = "0.1.0"
