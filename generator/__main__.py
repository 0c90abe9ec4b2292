"""`python -m generator` runs the metdocs command."""

import sys

from .cli import main

sys.exit(main())
