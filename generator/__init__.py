"""metdocs: a static-site generator for Medical Exercise Training documentation and billing.

Installed under this name from the source folder generator/. The stages, bottom to top, are its
subpackages: files/ and work/ (what may be read and written; how work runs), catalog/, cases/,
rules/ (units, the audit, the claim builder), forms/, pages/, site/ (the pipeline, the MkDocs
plugin, the build), then export/, bench/ and cli/ (the `metdocs` command). README.md's layout
map says what each owns and may import; site/pipeline.py reads like the table of contents.
"""

from metdocs.release import VERSION as __version__  # noqa: E402,F401 (one home: release.py)
