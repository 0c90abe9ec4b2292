"""`python -m metdocs` runs the metdocs command."""

import sys

from metdocs.cli.main import main

sys.exit(main())
