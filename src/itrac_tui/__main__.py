"""`python -m itrac_tui` — the same as the `itrac-tui` command."""

import sys

from itrac_tui.cli import main

sys.exit(main())
