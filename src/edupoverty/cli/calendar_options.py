"""Shared command-line options of the disclosure commands: dates and the working-day calendar.

``--calendar FILE`` (repeatable) adds a year file checked like ``edupoverty calendar add``;
``--estimate YEAR`` (repeatable) opts in to an estimate (the statutory holidays by rule) for a
year without official data, and every date computed across it is marked provisional.

Examples:
    >>> import argparse
    >>> p = argparse.ArgumentParser()
    >>> add_calendar_options(p)
    >>> calendar_from(p.parse_args(["--estimate", "2027"])).is_estimated(2027)
    True
    >>> parse_day("2026-10-01")
    datetime.date(2026, 10, 1)
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime

from edupoverty.disclosure.workdays import WorkCalendar, default_calendar
from edupoverty.errors import InputError
from edupoverty.records.arguments import china_date

__all__ = ["add_calendar_options", "calendar_from", "parse_day"]


def parse_day(text: str) -> date:
    """A date given on the command line: ``YYYY-MM-DD`` or ``today`` — today in China
    (UTC+8), whatever the clock of the machine is set to.

    Examples:
        >>> parse_day("2026/10/01")
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: input: 日期应为 YYYY-MM-DD 格式 / a date must be YYYY-MM-DD
    """
    if text.strip().lower() == "today":
        return china_date(datetime.now(UTC), "today")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError("日期应为 YYYY-MM-DD 格式", "a date must be YYYY-MM-DD") from None


def add_calendar_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--calendar FILE`` and ``--estimate YEAR`` to a sub-command parser.

    Examples:
        >>> p = argparse.ArgumentParser()
        >>> add_calendar_options(p)
        >>> p.parse_args(["--estimate", "2027", "--calendar", "2027.toml"]).calendar
        ['2027.toml']
    """
    parser.add_argument(
        "--calendar",
        action="append",
        default=[],
        metavar="FILE",
        help="add a calendar year file (TOML, from the State Council notice)",
    )
    parser.add_argument(
        "--estimate",
        action="append",
        type=int,
        default=[],
        metavar="YEAR",
        help=(
            "opt in to an estimate for YEAR: statutory holidays by rule, no make-up days "
            "(results marked provisional)"
        ),
    )


def calendar_from(args: argparse.Namespace) -> WorkCalendar:
    """The calendar for a command: the default one plus ``--calendar`` files and
    ``--estimate`` years.

    Examples:
        >>> calendar_from(argparse.Namespace()) is default_calendar()
        True
    """
    cal = default_calendar()
    for path in getattr(args, "calendar", []) or []:
        cal = cal.with_year_file(path)
    for year in getattr(args, "estimate", []) or []:
        cal = cal.with_estimate(year)
    return cal
