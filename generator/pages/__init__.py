"""Which pages the site has and how each renders (Jinja, escaping), plus the print packets."""
