"""``python -m edupoverty``."""

import sys

from edupoverty.cli import main

sys.exit(main())
