"""The command line: a thin front door over the library (命令行).

Each sub-command lives in a module of :mod:`edupoverty.cli.commands` that defines
``register(subparsers)``; the module's parser sets ``func`` to a function taking the parsed
arguments and returning the exit code. Exit codes: 0 success, 1 findings (errors in the
data, a missing calendar year …), 2 input that could not be read or was wrong, or an output
that could not be written (a full disk); 130 interrupted (Ctrl-C), 128 + the signal number
when stopped by SIGTERM or SIGHUP (143 for SIGTERM).

Every :class:`~edupoverty.errors.EdupovertyError`, every failed read or write and every
usage error becomes one clear line on stderr in the chosen language and exit code 2, never a
traceback; text from files in that line (a file name, a header) is shown with its control
characters escaped (:func:`~edupoverty.records.echo.printable`). A warning (a stale policy)
is one line on stderr too (:mod:`edupoverty.cli.notices`).

``--lang zh|en`` and ``-q/--quiet`` are taken before or after any sub-command; the help is
in Chinese or English (:mod:`edupoverty.cli.language`).

While a command runs, SIGTERM and SIGHUP stop it the way Ctrl-C does: by an exception, so
that every output being written is dropped (its temporary file removed, the old file left
as it was; :func:`~edupoverty.records.outfile.replace_whole`) before the process exits.

Examples:
    >>> from edupoverty.cli import main
    >>> main(["--version"])
    edupoverty 0.1.0
    0
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import pkgutil
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from types import FrameType

from edupoverty import __version__
from edupoverty.cli.language import Parser, help_language
from edupoverty.cli.notices import say, warnings_as_lines
from edupoverty.errors import EdupovertyError

__all__ = ["build_parser", "main"]


def build_parser(lang: str | None = None) -> Parser:
    """The argument parser with every sub-command of :mod:`edupoverty.cli.commands`, its
    help in ``lang`` (default: the locale's, :func:`~edupoverty.cli.language.help_language`).

    Examples:
        >>> "demo" in build_parser().format_help()
        True
        >>> build_parser("zh").format_help().startswith("用法：edupoverty")
        True
    """
    parser = Parser(
        prog="edupoverty",
        description="Education poverty-alleviation student subsidies: rules, deadlines, records",
        lang=lang or help_language([]),
        top=True,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
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
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(help_language(argv, os.environ))
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
        with _signals_stop(), warnings_as_lines(args.lang):
            return int(args.func(args))
    except EdupovertyError as exc:
        _say(f"{exc.code}: {exc.message(args.lang)}")
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:
        _say(f"io: {_io_message(exc, args.lang)}")
        return 2
    except KeyboardInterrupt:
        _say("interrupted: " + ("interrupted" if args.lang == "en" else "已中断"))
        return 130
    except _Stopped as stop:
        name = signal.Signals(stop.signum).name
        _say(
            f"stopped: stopped by {name}; unfinished outputs removed"
            if args.lang == "en"
            else f"stopped: 收到 {name}，已停止；未写完的输出已删除"
        )
        return 128 + stop.signum


def _say(line: str) -> None:
    """One line on stderr, text from files escaped."""
    say(line)


_NO_ROOM = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _io_message(exc: OSError, lang: str) -> str:
    name = f"{exc.filename}: " if exc.filename is not None else ""
    what = exc.strerror or type(exc).__name__
    if exc.errno in _NO_ROOM:
        return name + (
            f"no room to write the output (disk full or file size limit: {what});"
            " the old file is unchanged"
            if lang == "en"
            else f"没有空间写入输出（磁盘已满或超出文件大小限制：{what}）；原文件保持不变"
        )
    return name + (what if lang == "en" else f"文件读写失败（{what}）")


class _Stopped(BaseException):
    """SIGTERM or SIGHUP, raised where the command was, so that its outputs are dropped."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    signal.signal(signum, signal.SIG_IGN)  # a second signal must not cut the cleanup short
    raise _Stopped(signum)


@contextlib.contextmanager
def _signals_stop() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise :class:`_Stopped` — in the main
    thread only (elsewhere signals cannot be handled), and not a signal the process was
    told to ignore (``nohup``) or that a program calling :func:`main` handles itself."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ("SIGTERM", "SIGHUP")
    wanted = [getattr(signal, n) for n in names if hasattr(signal, n)]
    before = {s: signal.signal(s, _stop) for s in wanted if signal.getsignal(s) is signal.SIG_DFL}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
