"""`python -m gradscape.cli`: the same as the `gradscape` command."""

import sys

from . import main

sys.exit(main())
