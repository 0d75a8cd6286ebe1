"""``edupoverty public-list ROSTER -o FILE``: write a public list (公示名单) from a roster.

Only name, school, department, grade, class, major, programme, tier and amount may be shown
(教财厅函〔2017〕28号); asking for any other column — an ID number, a birth date, an address, a
phone, a bank account — is refused (exit 2). ``FILE`` ends in ``.csv`` (data only) or
``.xlsx`` (ready to print: title, posting and end dates, complaint channel line). Rows the
roster reader rejects are counted and named by row number, never by their values.

With ``--policy NAME|FILE`` (repeatable, as for ``edupoverty assess``) the students are
assessed first, for ``--school-year`` (default: the current school year in China, named on
stderr; :mod:`edupoverty.cli.school_year`), and the list shows one row per entitlement —
programme, tier and amount (``未配置`` where the policy gives no amount). ``--format`` is
that of the summary printed on standard output; the list's own format is the suffix of
``-o``. A window reaching a year without official holiday data is followed by one line
saying it is provisional (:func:`~edupoverty.cli.notices.provisional`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from edupoverty.cli.calendar_options import (
    add_calendar_options,
    calendar_from,
    parse_day,
)
from edupoverty.cli.formats import add_format_option, output_format
from edupoverty.cli.notices import provisional
from edupoverty.cli.output import dumps
from edupoverty.cli.progress import estimate_rows, rows_progress, shows_progress
from edupoverty.cli.school_year import (
    add_school_year_option,
    announce_school_year,
    school_year_from,
)
from edupoverty.disclosure.public_list import public_list, resolve_column
from edupoverty.disclosure.windows import Convention, plan_disclosure
from edupoverty.errors import InputError
from edupoverty.records.echo import printable

__all__ = ["register"]

_DEFAULT_TITLE = "家庭经济困难学生资助公示名单"
_ROSTER_COLUMNS = "name,school,grade"
_ASSESSED_COLUMNS = "name,school,grade,programme,tier,amount"


def register(sub: Any) -> None:
    """Add the ``public-list`` sub-command.

    Examples:
        >>> from edupoverty.cli import main
        >>> main(["public-list", "roster.csv", "-o", "list.csv", "--columns", "name,phone"])
        2
    """
    p = sub.add_parser(
        "public-list",
        help="write a public list (公示名单) from a roster",
        description="Write a public list (公示名单) from a roster: only the columns a public "
        "list may show; .xlsx ready to print, .csv data only.",
    )
    p.add_argument("roster", metavar="ROSTER", help="roster file (.xlsx or .csv)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="output .csv or .xlsx")
    p.add_argument(
        "--columns",
        help=f"comma-separated columns (default {_ROSTER_COLUMNS}; with --policy "
        f"{_ASSESSED_COLUMNS})",
    )
    p.add_argument(
        "--policy",
        action="append",
        metavar="NAME|FILE",
        help="assess the students under this policy profile first (repeat to lay overlays)",
    )
    add_school_year_option(p)
    p.add_argument("--title", default=_DEFAULT_TITLE, help="title printed on the XLSX list")
    p.add_argument("--posted-on", metavar="DATE", help="posting day: prints the window dates")
    p.add_argument("--days", type=int, default=7, help="length (default 7, R-DIS-2)")
    p.add_argument(
        "--convention",
        choices=[c.value for c in Convention],
        default=Convention.CIVIL_CODE.value,
        help="how the days are counted (default civil_code)",
    )
    p.add_argument(
        "--complaint-channel",
        metavar="TEXT",
        help="how to report or complain (举报受理方式, R-DIS-1): required for .xlsx",
    )
    add_calendar_options(p)
    add_format_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the list; exit 0, or 1 when some roster rows were rejected.

    Examples:
        >>> from edupoverty.cli import main
        >>> main(["public-list", "roster.csv", "-o", "list.pdf"])
        2
    """
    out = Path(args.output)
    suffix = "." + output_format(None, args.output, ("csv", "xlsx"))
    year = school_year_from(args)
    default = _ASSESSED_COLUMNS if args.policy else _ROSTER_COLUMNS
    columns = [c for c in (part.strip() for part in (args.columns or default).split(",")) if c]
    if suffix == ".xlsx" and not (args.complaint_channel or "").strip():
        raise InputError(
            "打印版公示名单需要 --complaint-channel（举报受理方式，R-DIS-1）",
            "a printed list needs --complaint-channel (how to complain, R-DIS-1)",
        )
    for c in columns:
        resolve_column(c)  # refuse a private column before reading any private data
    window = None
    if args.posted_on:  # a posting day or length the calendar cannot count: refused first
        window = plan_disclosure(
            parse_day(args.posted_on), args.days, args.convention, calendar=calendar_from(args)
        )
    from edupoverty.records.reader import read_roster_table

    quiet = getattr(args, "quiet", False)
    total = estimate_rows(args.roster) if shows_progress(quiet) else None
    what = "读取名单" if args.lang == "zh" else "reading"
    with rows_progress(total, args.lang, quiet, what) as step:
        result = read_roster_table(args.roster, progress=step)
    rows: Any = result.students()
    if args.policy:
        from edupoverty.frame import entitlement_rows
        from edupoverty.rules import assess_table, load_policy

        announce_school_year(args, year, to_stdout=False)
        rows = entitlement_rows(assess_table(result.table, load_policy(*args.policy), year))
    plist = public_list(rows, columns=columns)
    if suffix == ".xlsx":
        written = plist.to_xlsx(
            out,
            title=args.title,
            complaint_channel=args.complaint_channel,
            window=window,
            lang=args.lang,
        )
    else:
        written = plist.to_csv(out, lang=args.lang)
    rejected = [getattr(r, "row", None) for r in result.rejected]
    summary = {
        "output": str(out),
        "rows_written": written,
        "students": result.accepted,
        "rejected": len(rejected),
        "rejected_rows": rejected,
        "columns": list(plist.columns),
        "posted_on": window.posted_on if window else None,
        "last_day": window.last_day if window else None,
    }
    if args.format == "json":
        print(dumps(summary))
    elif args.lang == "en":
        print(
            f"wrote {written} rows to {printable(str(out))}; {len(rejected)} roster rows rejected"
        )
    else:
        print(f"已写入 {written} 行到 {printable(str(out))}；名单中被拒绝的行：{len(rejected)}")
    if rejected and args.format != "json":
        shown = ", ".join(str(r) for r in rejected[:20])
        more = " …" if len(rejected) > 20 else ""
        print(("rejected rows: " if args.lang == "en" else "被拒绝的行号：") + shown + more)
    if window is not None and window.provisional:
        provisional(args.lang)
    return 1 if rejected else 0
