"""One school year default for every command (默认学年).

Every command that takes ``--school-year`` (``assess``, ``validate``, ``public-list``,
``synthetic``) defaults to the same year: the current school year in China
(:func:`~edupoverty.records.validate.current_school_year`: a school year Y runs from
1 September of Y to 31 August of Y+1, and today is today in Beijing, whatever the clock of
the machine). It is the roster a county office is working on; a roster of an earlier year
needs ``--school-year``. So that a wrong year is seen at once, the first line of the output
names the year and whether it is the default — on standard output before a text report, on
stderr before a machine format (so that JSON or CSV on standard output stays clean).

Examples:
    >>> import argparse, contextlib, io
    >>> p = argparse.ArgumentParser()
    >>> add_school_year_option(p)
    >>> args = p.parse_args(["--school-year", "2019"])
    >>> with contextlib.redirect_stdout(io.StringIO()) as out:
    ...     announce_school_year(args, school_year_from(args), to_stdout=True)
    >>> out.getvalue()
    '学年：2019\\n'
"""

from __future__ import annotations

import argparse

from edupoverty.cli.notices import note
from edupoverty.records.arguments import check_school_year
from edupoverty.records.validate import current_school_year

__all__ = [
    "add_school_year_option",
    "announce_school_year",
    "school_year_from",
    "school_year_line",
]


def add_school_year_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--school-year YEAR`` (default: the current school year in China).

    Examples:
        >>> p = argparse.ArgumentParser()
        >>> add_school_year_option(p)
        >>> p.parse_args([]).school_year is None
        True
    """
    parser.add_argument(
        "--school-year",
        type=int,
        metavar="YEAR",
        help="school year of the roster: YEAR runs from 1 September YEAR to 31 August YEAR+1 "
        "(default: the current school year in China)",
    )


def school_year_line(year: int, default: bool, lang: str = "zh") -> str:
    """The line naming the school year a command works with.

    Examples:
        >>> school_year_line(2026, True, "en")  # doctest: +ELLIPSIS
        'school year 2026 (default: the current school year in China, ...)'
        >>> school_year_line(2019, False)
        '学年：2019'
    """
    if lang == "en":
        if default:
            return (
                f"school year {year} (default: the current school year in China, from "
                "1 September; for a roster of another year give --school-year)"
            )
        return f"school year {year}"
    if default:
        return (
            f"学年：{year}（默认：北京时间今天所在的学年，9月1日起算；"
            "名单属于其他学年请加 --school-year）"
        )
    return f"学年：{year}"


def school_year_from(args: argparse.Namespace) -> int:
    """The school year of a command: ``--school-year`` if given (checked), else the
    current school year in China.

    Examples:
        >>> school_year_from(argparse.Namespace(school_year=2019))
        2019
        >>> school_year_from(argparse.Namespace(school_year=None)) == current_school_year()
        True
    """
    given = getattr(args, "school_year", None)
    return current_school_year() if given is None else check_school_year(given, "--school-year")


def announce_school_year(args: argparse.Namespace, year: int, to_stdout: bool) -> None:
    """Print :func:`school_year_line` — to standard output when ``to_stdout`` (a text report
    follows there), else to stderr (unless ``--quiet``). Call it once the input is open, so
    that a file that cannot be read is one line only.

    Examples:
        >>> import contextlib, io
        >>> args = argparse.Namespace(school_year=None, lang="en", quiet=False)
        >>> with contextlib.redirect_stderr(io.StringIO()) as err:
        ...     announce_school_year(args, 2026, to_stdout=False)
        >>> err.getvalue().startswith("edupoverty: school year 2026 (default")
        True
    """
    default = getattr(args, "school_year", None) is None
    line = school_year_line(year, default, getattr(args, "lang", "zh"))
    if to_stdout:
        print(line)
    else:
        note(line, getattr(args, "quiet", False))
