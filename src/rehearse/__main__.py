"""`python -m rehearse`: the `rehearse` command."""

import sys

from rehearse.cli.cli import main

sys.exit(main())
