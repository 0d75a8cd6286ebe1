"""``python -m edupoverty.cli``."""

import sys

from edupoverty.cli import main

sys.exit(main())
