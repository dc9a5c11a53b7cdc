"""``python -m audit`` runs the command-line interface."""

import sys

from audit.cli import main

sys.exit(main())
