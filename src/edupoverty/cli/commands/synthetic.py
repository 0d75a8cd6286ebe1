"""``edupoverty synthetic --rows N -o FILE``: write a synthetic roster (合成名单).

Every name, ID number, school and account in it is invented
(:mod:`edupoverty.records.synthetic`): for trying the commands on a roster of a county's or
a province's size, and for benchmarks. ``FILE`` ends in ``.csv`` (UTF-8 with a byte-order
mark, as Excel writes it) or ``.xlsx`` (at most 1,048,575 rows); it is replaced whole when
complete. ``--seed`` gives the same roster again; ``--repeated K`` draws only ``K``
distinct profiles (everything but name, ID number, student number and account) and repeats
them — the old kind of test roster, which measures caches rather than the library;
``--defects RATE`` plants every defect class of the validation report in that share of
rows. Ages, grades and dates fit ``--school-year`` (default: the current school year in
China, :mod:`edupoverty.cli.school_year`).

Examples:
    >>> import contextlib, io, tempfile, pathlib
    >>> from edupoverty.cli import main
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     code = main(["synthetic", "--rows", "5", "--seed", "1", "-o", str(out)])
    >>> code, len(out.read_text("utf-8-sig").splitlines())
    (0, 6)
"""

from __future__ import annotations

import argparse
from typing import Any

from edupoverty.cli.formats import output_format
from edupoverty.cli.output import dumps
from edupoverty.cli.progress import rows_progress
from edupoverty.cli.school_year import (
    add_school_year_option,
    announce_school_year,
    school_year_from,
)
from edupoverty.errors import InputError
from edupoverty.records.echo import printable
from edupoverty.records.synthetic import (
    DEFECTS,
    Options,
    write_roster_csv,
    write_roster_xlsx,
)

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    """Add the ``synthetic`` sub-command.

    Examples:
        >>> from edupoverty.cli import build_parser
        >>> a = build_parser().parse_args(["synthetic", "-o", "r.xlsx", "--repeated", "300"])
        >>> a.rows, a.seed, a.repeated
        (1000, 0, 300)
    """
    p = sub.add_parser(
        "synthetic",
        help="write a synthetic roster of invented students (.csv or .xlsx)",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the roster to write, .csv or .xlsx"
    )
    p.add_argument("-n", "--rows", type=int, default=1000, help="how many rows (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="the same seed gives the same roster")
    p.add_argument(
        "--repeated",
        type=int,
        metavar="K",
        help="repeat K distinct profiles instead of drawing every row apart",
    )
    p.add_argument(
        "--defects",
        type=float,
        default=0.0,
        metavar="RATE",
        help="share of rows carrying each defect class of the validation report (0 to 1)",
    )
    p.add_argument(
        "--headers", choices=("zh", "en"), default="zh", help="header language (default zh)"
    )
    add_school_year_option(p)
    p.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="of the summary on standard output: table (default) or json",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the roster; exit 0 (2 for a wrong argument).

    Examples:
        >>> from edupoverty.cli import main
        >>> main(["synthetic", "-o", "r.pdf"])  # one line on stderr
        2
    """
    fmt = output_format(None, args.output, ("csv", "xlsx"))
    if args.rows < 0:
        raise InputError("--rows 不能为负数", "--rows cannot be negative")
    if args.repeated is not None and args.repeated < 1:
        raise InputError("--repeated 至少为1", "--repeated must be at least 1")
    if not 0 <= args.defects <= 1:
        raise InputError("--defects 应在0到1之间", "--defects must be between 0 and 1")
    year = school_year_from(args)
    options = Options(school_year=year, repeated=args.repeated, headers=args.headers)
    rates = dict.fromkeys(DEFECTS, args.defects) if args.defects else None
    write = write_roster_xlsx if fmt == "xlsx" else write_roster_csv
    announce_school_year(args, year, to_stdout=False)
    what = "生成" if args.lang == "zh" else "writing"
    with rows_progress(args.rows, args.lang, getattr(args, "quiet", False), what) as step:
        path = write(args.output, args.rows, args.seed, rates, progress=step, **options)
    if args.format == "json":
        print(dumps({"output": str(path), "rows": args.rows, "school_year": year}))
    elif args.lang == "en":
        print(f"wrote {args.rows} invented rows to {printable(str(path))}")
    else:
        print(f"已写入 {args.rows} 行虚构数据到 {printable(str(path))}")
    return 0
