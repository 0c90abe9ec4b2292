"""The `metdocs` command: main.py parses and dispatches, one module per command, common.py what they share."""
