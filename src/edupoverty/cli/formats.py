"""Which format an output is written in (输出格式): the file name says it.

``-o out.csv`` writes CSV, ``.json`` one JSON document, ``.jsonl`` JSON Lines, ``.xlsx`` a
workbook and ``.txt`` the text report (the table a terminal shows, kept in a file). An
explicit ``--format`` must agree with the suffix, and a suffix the command does not write is
refused: both are :class:`~edupoverty.errors.InputError` (one line, exit 2), so that a CSV
file never holds a text table. Without ``-o`` the output goes to standard output in
``--format`` (default: the text table).

Examples:
    >>> output_format(None, "测算.csv", ("table", "json", "csv"))
    'csv'
    >>> output_format("json", None, ("table", "json", "csv"))
    'json'
    >>> output_format("json", "out.csv", ("table", "json", "csv"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    edupoverty.errors.InputError: output.format: --format json 与输出文件 out.csv ... / ...
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import PurePath

from edupoverty.errors import InputError
from edupoverty.records.echo import printable

__all__ = ["SUFFIXES", "add_format_option", "add_output_options", "output_format"]

SUFFIXES: dict[str, str] = {
    ".txt": "table",
    ".json": "json",
    ".jsonl": "jsonl",
    ".csv": "csv",
    ".xlsx": "xlsx",
}
"""File suffix → the format written under it."""


def add_output_options(
    parser: argparse.ArgumentParser, formats: Sequence[str], output: bool = True
) -> None:
    """Add ``--format`` (one of ``formats``; no default, so that an explicit one can be
    told apart) and, with ``output``, ``-o/--output FILE``.

    Examples:
        >>> p = argparse.ArgumentParser()
        >>> add_output_options(p, ("table", "json"))
        >>> p.parse_args(["-o", "a.json"]).output, p.parse_args([]).format
        ('a.json', None)
    """
    parser.add_argument(
        "--format",
        choices=tuple(formats),
        default=None,
        help="output format (default: from the suffix of -o, else the text table)",
    )
    if output:
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="write to FILE (format from its suffix), replaced whole when complete",
        )


def add_format_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--format table|json`` (the format of what a command prints).

    Examples:
        >>> p = argparse.ArgumentParser()
        >>> add_format_option(p)
        >>> p.parse_args([]).format
        'table'
    """
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="table (default) or json"
    )


def output_format(
    fmt: str | None, output: str | None, formats: Sequence[str], default: str = "table"
) -> str:
    """The format to write: from ``output``'s suffix when there is an output file (an
    explicit ``fmt`` must agree), else ``fmt`` or ``default``. ``formats`` are those the
    command writes.

    Examples:
        >>> output_format(None, "list.txt", ("table", "csv"))
        'table'
        >>> output_format(None, "list.pdf", ("table", "csv"))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: output.suffix: ...
        >>> output_format("xlsx", None, ("table", "xlsx"))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: output.needs_file: ...
    """
    if output is None:
        chosen = fmt or default
        if chosen == "xlsx":
            err = InputError("xlsx 格式须用 -o 指定输出文件", "the xlsx format needs -o FILE")
            err.code = "output.needs_file"
            raise err
        return chosen
    name = printable(PurePath(output).name)
    suffix = PurePath(output).suffix.lower()
    by_suffix = SUFFIXES.get(suffix)
    if by_suffix is None or by_suffix not in formats:
        known = " ".join(s for s, f in SUFFIXES.items() if f in formats)
        err = InputError(
            f"输出文件 {name} 的后缀无法确定格式：应为 {known} 之一",
            f"the suffix of {name} names no format this command writes: use one of {known}",
        )
        err.code = "output.suffix"
        raise err
    if fmt is not None and fmt != by_suffix:
        err = InputError(
            f"--format {fmt} 与输出文件 {name} 的后缀 {suffix} 不符",
            f"--format {fmt} does not match the suffix {suffix} of {name}",
        )
        err.code = "output.format"
        raise err
    return by_suffix
