"""The `metdocs` command."""
