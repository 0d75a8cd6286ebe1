"""The command line: a thin front door over the library (命令行).

Each sub-command lives in a module of :mod:`edupoverty.cli.commands` that defines
``register(subparsers)``; the module's parser sets ``func`` to a function taking the parsed
arguments and returning the exit code. Exit codes: 0 success, 1 findings (errors in the
data, a missing calendar year …), 2 input that could not be read or was wrong.

Every :class:`~edupoverty.errors.EdupovertyError` becomes one clear line on stderr in the
chosen language and exit code 2, never a traceback.

Examples:
    >>> from edupoverty.cli import main
    >>> main(["--version"])
    edupoverty 0.1.0
    0
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from edupoverty import __version__
from edupoverty.errors import EdupovertyError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command of :mod:`edupoverty.cli.commands`.

    Examples:
        >>> "demo" in build_parser().format_help()
        True
    """
    parser = argparse.ArgumentParser(
        prog="edupoverty",
        description="教育精准扶贫学生资助 — subsidy rules, deadlines and records",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="language of messages (default zh)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from edupoverty.cli import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``) and return the exit code.

    Examples:
        >>> main(["validate", "no-such-roster.csv"])  # one line on stderr, exit 2
        2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its usage message
        return int(exc.code or 0) and 2
    if args.version:
        print(f"edupoverty {__version__}")
        return 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args))
    except EdupovertyError as exc:
        print(f"edupoverty: {exc.code}: {exc.message(args.lang)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:
        what = exc.strerror or type(exc).__name__
        name = exc.filename if exc.filename is not None else ""
        print(f"edupoverty: io: {name}: {what}", file=sys.stderr)
        return 2
