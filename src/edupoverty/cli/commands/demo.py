"""``edupoverty demo``: run the main job on the bundled sample roster.

For now it validates the sample roster (later: assessment and deadlines).
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the ``demo`` sub-command."""
    p = sub.add_parser("demo", help="validate (and assess) the bundled sample roster")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print a short tour of the library on the sample roster; exit 0."""
    from edupoverty.cli.commands.validate import validate_paths
    from edupoverty.records.sample import sample_roster_path

    with sample_roster_path() as path:
        validate_paths([path], args, demo=True)
    return 0
