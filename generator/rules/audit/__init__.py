"""The documentation audit `metdocs check` runs on every case."""
