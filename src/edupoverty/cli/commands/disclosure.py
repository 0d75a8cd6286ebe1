"""``edupoverty disclosure plan POSTED_ON [--days 7] [--convention NAME]``: plan a disclosure
window (公示期, R-DIS-2..5).

Prints the posting day, the last day, the first day the list may be reported upward and the
reply deadline for an objection received on the last day. :func:`print_demo_plan` is what
``edupoverty demo`` calls to show a plan starting today.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from edupoverty.cli.calendar_options import (
    add_calendar_options,
    calendar_from,
    parse_day,
)
from edupoverty.cli.formats import add_format_option
from edupoverty.cli.notices import provisional
from edupoverty.cli.output import dumps, table
from edupoverty.disclosure.windows import (
    Convention,
    DisclosureWindow,
    describe_window,
    plan_disclosure,
    reply_due,
)
from edupoverty.disclosure.workdays import WorkCalendar
from edupoverty.errors import EdupovertyError

__all__ = ["plan_summary", "print_demo_plan", "register"]


def register(sub: Any) -> None:
    """Add the ``disclosure`` sub-command group.

    Examples:
        >>> from edupoverty.cli import main
        >>> main(["--lang", "en", "disclosure", "plan", "2026-03-02"])  # doctest: +ELLIPSIS
        item...
        posted 2026-03-02, open until 2026-03-09 (7 days, civil_code); report from 2026-03-10
        0
    """
    p = sub.add_parser("disclosure", help="disclosure windows (公示期)")
    group = p.add_subparsers(dest="disclosure_command", metavar="ACTION")
    plan = group.add_parser("plan", help="plan a disclosure window from its posting day")
    plan.add_argument("posted_on", metavar="POSTED_ON", help="posting day YYYY-MM-DD or today")
    plan.add_argument("--days", type=int, default=7, help="length (default 7, R-DIS-2)")
    plan.add_argument(
        "--convention",
        choices=[c.value for c in Convention],
        default=Convention.CIVIL_CODE.value,
        help="how the days are counted (default civil_code)",
    )
    add_calendar_options(plan)
    add_format_option(plan)
    plan.set_defaults(func=run_plan)
    p.set_defaults(func=lambda args: _usage(p))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def plan_summary(window: DisclosureWindow, calendar: WorkCalendar | None = None) -> dict[str, Any]:
    """A JSON-ready summary of a window, with the reply deadline of an objection received on
    its last day (R-DIS-4).

    Examples:
        >>> s = plan_summary(plan_disclosure(date(2026, 9, 28)))
        >>> s["last_day"], s["reply_due_if_objection_on_last_day"]
        (datetime.date(2026, 10, 8), datetime.date(2026, 10, 12))
    """
    return {
        "posted_on": window.posted_on,
        "last_day": window.last_day,
        "report_from": window.report_from,
        "days": window.days,
        "convention": window.convention.value,
        "provisional": window.provisional,
        "reply_due_if_objection_on_last_day": reply_due(window.last_day, calendar=calendar),
    }


def _print(window: DisclosureWindow, cal: WorkCalendar, fmt: str, lang: str) -> None:
    summary = plan_summary(window, cal)
    if fmt == "json":
        print(dumps(summary))
        return
    zh = lang != "en"
    rows = [
        ["公示日" if zh else "posted on", window.posted_on.isoformat()],
        ["公示截止日" if zh else "last day", window.last_day.isoformat()],
        ["可上报日" if zh else "report from", window.report_from.isoformat()],
        [
            "末日收到异议的答复期限" if zh else "reply due (objection on last day)",
            summary["reply_due_if_objection_on_last_day"].isoformat(),
        ],
        ["计算方法" if zh else "convention", window.convention.zh if zh else window.convention.en],
    ]
    print(table(["项目" if zh else "item", "日期" if zh else "date"], rows))
    print(describe_window(window, "en" if not zh else "zh"))


def run_plan(args: argparse.Namespace) -> int:
    """Print the plan; exit 0.

    Examples:
        >>> from edupoverty.cli import main
        >>> main(["disclosure", "plan", "2026-09-28", "--format", "json"])  # doctest: +ELLIPSIS
        {...
          "last_day": "2026-10-08",
        ...}
        0
    """
    cal = calendar_from(args)
    window = plan_disclosure(parse_day(args.posted_on), args.days, args.convention, calendar=cal)
    _print(window, cal, args.format, args.lang)
    if window.provisional:
        provisional(args.lang)
    return 0


def print_demo_plan(lang: str = "zh", today: date | None = None, fmt: str = "table") -> int:
    """Print the disclosure plan of a list posted ``today`` (default: today in China) —
    the part of ``edupoverty demo`` about deadlines. Returns 0, or 1 (with one line saying
    which calendar year is missing) when the window reaches a year without data.

    Examples:
        >>> print_demo_plan("en", date(2026, 9, 28))  # doctest: +ELLIPSIS
        item...
        posted 2026-09-28, open until 2026-10-08 (7 days, civil_code); report from 2026-10-09
        0
    """
    day = parse_day("today") if today is None else today
    from edupoverty.disclosure.workdays import default_calendar

    cal = default_calendar()
    try:
        window = plan_disclosure(day, calendar=cal)
        _print(window, cal, fmt, lang)
    except EdupovertyError as exc:
        print(exc.message(lang))
        return 1
    return 0
