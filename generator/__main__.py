"""``python -m generator`` runs the ``portal`` CLI."""

import sys

from generator.cli import main

sys.exit(main())
