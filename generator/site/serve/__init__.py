"""What `serve` adds to a build: `watch.py` (the input folders it watches, those created later
included), `serving.py` (every request answered, also while the data has an error) and
`dirty.py` (a rebuild rebuilds only the pages an edit changed)."""
