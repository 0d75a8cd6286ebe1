"""``edupoverty calendar check YEAR`` and ``edupoverty calendar add FILE``.

``check`` says whether the working-day calendar holds official data for a year (exit 0) or
not (exit 1, with how to add it). ``add`` checks a year file copied from the State Council
notice and prints what it holds (exit 0), or the first problem (exit 2); with
``--from-notice NOTICE.txt [-o YEAR.toml]`` it reads the notice's own text into a checked
year file. Pass the file to other commands with ``--calendar FILE``, or ship it in
``edupoverty/disclosure/calendars/``.
"""

from __future__ import annotations

import argparse
from typing import Any

from edupoverty.cli.calendar_options import add_calendar_options, calendar_from
from edupoverty.cli.formats import add_format_option
from edupoverty.cli.output import dumps, table
from edupoverty.disclosure.holiday_notice import read_notice
from edupoverty.disclosure.workdays import CalendarYear, load_year_file
from edupoverty.errors import CalendarYearUnavailable, InputError
from edupoverty.records.outfile import replace_whole

__all__ = ["register", "year_summary"]


def register(sub: Any) -> None:
    """Add the ``calendar`` sub-command group.

    Examples:
        >>> from edupoverty.cli import main
        >>> main(["--lang", "en", "calendar", "check", "2027"])  # doctest: +ELLIPSIS
        no official holiday data for 2027. Save the State Council's notice for 2027 as text ...
        1
    """
    p = sub.add_parser("calendar", help="the working-day calendar (official holiday data)")
    group = p.add_subparsers(dest="calendar_command", metavar="ACTION")
    check = group.add_parser("check", help="is the official data for YEAR there? (exit 1 if not)")
    check.add_argument("year", type=int, metavar="YEAR")
    add_calendar_options(check)
    add_format_option(check)
    check.set_defaults(func=run_check)
    add = group.add_parser(
        "add",
        help="check a calendar year file (TOML), or read one from the State Council's notice",
    )
    add.add_argument("file", metavar="FILE", nargs="?", help="a calendar year file (TOML)")
    add.add_argument(
        "--from-notice",
        metavar="NOTICE",
        help="the text of the notice (国务院办公厅关于YYYY年部分节假日安排的通知), UTF-8 or GBK",
    )
    add.add_argument(
        "-o", "--output", metavar="YEAR.toml", help="write the year file read from the notice"
    )
    add_format_option(add)
    add.set_defaults(func=run_add)
    p.set_defaults(func=lambda args: _usage(p))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def year_summary(year: CalendarYear) -> dict[str, Any]:
    """A JSON-ready summary of one calendar year.

    Examples:
        >>> from edupoverty.disclosure.workdays import default_calendar
        >>> year_summary(default_calendar().year(2025))["workdays"][0]
        datetime.date(2025, 1, 26)
    """
    return {
        "year": year.year,
        "available": not year.estimated,
        "estimated": year.estimated,
        "source": year.source,
        "holidays": sorted(year.holidays),
        "workdays": sorted(year.workdays),
    }


def _show(summary: dict[str, Any], fmt: str, lang: str) -> None:
    if fmt == "json":
        print(dumps(summary))
        return
    zh = lang != "en"
    rows = [
        ["年份" if zh else "year", str(summary["year"])],
        ["来源" if zh else "source", summary["source"]],
        ["节假日天数" if zh else "holidays", str(len(summary["holidays"]))],
        [
            "调休上班日" if zh else "make-up working days",
            ", ".join(d.isoformat() for d in summary["workdays"]) or "-",
        ],
    ]
    if summary["estimated"]:
        rows.append(
            [
                "估算" if zh else "estimated",
                "是（法定节假日按规则推算，不含调休）"
                if zh
                else "yes (statutory holidays by rule, no make-up days)",
            ]
        )
    print(table(["项目" if zh else "item", "内容" if zh else "value"], rows))


def run_check(args: argparse.Namespace) -> int:
    """Exit 0 if YEAR has official (or supplied) data, 1 if not.

    Examples:
        >>> from edupoverty.cli import main
        >>> main(["calendar", "check", "2025", "--format", "json"])  # doctest: +ELLIPSIS
        {
          "year": 2025,
          "available": true,
        ...
        0
    """
    cal = calendar_from(args)
    try:
        year = cal.year(args.year)
    except CalendarYearUnavailable as exc:
        if args.format == "json":
            print(dumps({"year": args.year, "available": False, "message": exc.message(args.lang)}))
        else:
            print(exc.message(args.lang))
        return 1
    _show(year_summary(year), args.format, args.lang)
    return 1 if year.estimated else 0


def run_add(args: argparse.Namespace) -> int:
    """Check a year file, or read one from the notice's text (``--from-notice``, written
    with ``-o``); exit 0 if it is consistent (errors exit 2, naming the line of the notice).

    Examples:
        >>> from edupoverty.cli import main
        >>> from edupoverty.disclosure.workdays import shipped_year_files
        >>> main(["calendar", "add", str(shipped_year_files()[2026])])  # doctest: +ELLIPSIS
        项目...
        年份        2026
        ...
        0
    """
    if (args.file is None) == (args.from_notice is None):
        raise InputError(
            "请给出年份文件，或用 --from-notice 给出通知文本（二者选一）",
            "give a year file, or the notice's text with --from-notice (one of the two)",
        )
    if args.from_notice is None:
        if args.output is not None:
            raise InputError("-o 只能和 --from-notice 一起用", "-o goes with --from-notice")
        year = load_year_file(args.file)
    else:
        notice = read_notice(args.from_notice)
        year = notice.calendar_year()
        if args.output is not None:
            if not args.output.lower().endswith(".toml"):
                err = InputError(
                    "年份文件应以 .toml 结尾（如 2027.toml）",
                    "a year file ends in .toml (e.g. 2027.toml)",
                )
                err.code = "output.suffix"
                raise err
            with replace_whole(args.output) as fh:
                fh.write(notice.year_file_text())
    _show(year_summary(year), args.format, args.lang)
    return 0
