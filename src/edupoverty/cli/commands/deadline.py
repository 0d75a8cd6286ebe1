"""``edupoverty deadline FROM --working-days N``: the N-th working day after a date.

The start day never counts (RULES.md §8); a negative N counts backwards. Exit 0, or 2 when a
year has no calendar data (add it with ``--calendar FILE``).
"""

from __future__ import annotations

import argparse
from typing import Any

from edupoverty.cli.calendar_options import (
    add_calendar_options,
    calendar_from,
    parse_day,
)
from edupoverty.cli.formats import add_format_option
from edupoverty.cli.notices import provisional
from edupoverty.cli.output import dumps, table
from edupoverty.disclosure.workdays import is_provisional


def register(sub: Any) -> None:
    """Add the ``deadline`` sub-command.

    Examples:
        >>> from edupoverty.cli import main
        >>> main(["deadline", "2026-10-01", "--working-days", "3"])
        起算日      工作日数  到期日
        ----------  --------  ----------
        2026-10-01  3         2026-10-10
        0
    """
    p = sub.add_parser(
        "deadline",
        help="the N-th working day after a date (e.g. an objection's reply day, R-DIS-4)",
    )
    p.add_argument("start", metavar="FROM", help="start date YYYY-MM-DD (not counted) or today")
    p.add_argument(
        "--working-days",
        "-n",
        type=int,
        required=True,
        metavar="N",
        help="how many working days (negative: backwards)",
    )
    add_calendar_options(p)
    add_format_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the deadline; exit 0.

    Examples:
        >>> from edupoverty.cli import main
        >>> main(["deadline", "2026-10-10", "-n", "-3", "--format", "json"])  # doctest: +ELLIPSIS
        {...
          "due": "2026-09-30",
        ...}
        0
    """
    cal = calendar_from(args)
    start = parse_day(args.start)
    due = cal.add_working_days(start, args.working_days)
    data = {
        "from": start,
        "working_days": args.working_days,
        "due": due,
        "weekday": due.isoweekday(),
        "provisional": is_provisional(due),
    }
    if args.format == "json":
        print(dumps(data))
    else:
        _print(data, args.lang)
    if data["provisional"]:
        provisional(args.lang)
    return 0


def _print(data: dict[str, Any], lang: str) -> None:
    start, due = data["from"], data["due"]
    zh = lang != "en"
    mark = (
        ("（暂定：含估算年份）" if zh else " (provisional: estimated year)")
        if data["provisional"]
        else ""
    )
    head = ["起算日", "工作日数", "到期日"] if zh else ["from", "working days", "due"]
    print(table(head, [[start.isoformat(), str(data["working_days"]), due.isoformat() + mark]]))
