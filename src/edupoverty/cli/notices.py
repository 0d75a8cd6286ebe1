"""Notes and warnings of the command line: one line each on stderr (提示与警告).

A Python warning raised while a command runs — the stale-policy
:class:`~edupoverty.errors.PolicyStaleWarning` above all — is shown as one line with its
code and what to do, never with a file path and a line number, and once per command
(:func:`warnings_as_lines`). A date computed across a year without official holiday data is
followed by one line saying it is provisional and how to replace it (:func:`provisional`).
Notes (:func:`note`) are quiet with ``--quiet``; warnings and errors are not.

Examples:
    >>> import contextlib, io, sys, warnings
    >>> from edupoverty.errors import PolicyStaleWarning
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     with warnings_as_lines("en"):
    ...         warnings.warn("policy seed was reviewed up to 2020 / 政策配置只核对到2020学年",
    ...                       PolicyStaleWarning)
    >>> print(err.getvalue().strip())  # doctest: +ELLIPSIS
    edupoverty: policy.stale: policy seed was reviewed up to 2020; check ...(--school-year)...
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator
from typing import TextIO

from edupoverty.errors import PolicyStaleWarning
from edupoverty.records.echo import printable

__all__ = ["note", "provisional", "say", "warnings_as_lines"]


def say(line: str) -> None:
    """One line on stderr, after ``edupoverty:``, its text from files escaped.

    Examples:
        >>> import contextlib, io
        >>> with contextlib.redirect_stderr(io.StringIO()) as err:
        ...     say("io: r.csv\\x1b[2J")
        >>> err.getvalue()
        'edupoverty: io: r.csv\\\\x1b[2J\\n'
    """
    with contextlib.suppress(OSError, ValueError):  # what is already on stdout comes first
        sys.stdout.flush()
    print(f"edupoverty: {printable(line)}", file=sys.stderr)


def note(line: str, quiet: bool = False) -> None:
    """An informational line on stderr (:func:`say`), unless ``quiet``.

    Examples:
        >>> note("学年：2026", quiet=True)  # nothing
    """
    if not quiet:
        say(line)


_STALE_TODO = (
    "；请确认名单所属学年（--school-year），并核对该学年有无新的国家或地方标准，"
    "有则用 --policy 加上更新的配置文件",
    "; check the roster's school year (--school-year) and whether newer national or local "
    "standards apply (add them with --policy FILE)",
)


def _one_line(message: Warning | str, category: type[Warning], lang: str) -> str:
    text = " ".join(str(message).split())
    en, sep, zh = text.rpartition(" / ")
    if not sep:
        en = zh = text
    if issubclass(category, PolicyStaleWarning):
        what = zh + _STALE_TODO[0] if lang == "zh" else en + _STALE_TODO[1]
        return f"{PolicyStaleWarning.code}: {what}"
    code = getattr(category, "code", None) or "warning"
    return f"{code}: {zh if lang == 'zh' else en}"


@contextlib.contextmanager
def warnings_as_lines(lang: str = "zh") -> Iterator[None]:
    """While the block runs, every warning shown is one line on stderr: its code and its
    message in ``lang`` (a stale policy also says what to do), each distinct line once.

    Examples:
        >>> import contextlib, io, warnings
        >>> with contextlib.redirect_stderr(io.StringIO()) as err:
        ...     with warnings_as_lines():
        ...         warnings.warn("x", UserWarning)
        ...         warnings.warn("x", UserWarning)
        >>> err.getvalue()
        'edupoverty: warning: x\\n'
    """
    shown: set[str] = set()

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        text = _one_line(message, category, lang)
        if text not in shown:
            shown.add(text)
            say(text)

    with warnings.catch_warnings():
        warnings.simplefilter("always", PolicyStaleWarning)
        warnings.showwarning = show
        yield


def provisional(lang: str = "zh") -> None:
    """The line after a result computed across a year without official holiday data.

    Examples:
        >>> import contextlib, io
        >>> with contextlib.redirect_stderr(io.StringIO()) as err:
        ...     provisional("en")
        >>> print(err.getvalue().strip())  # doctest: +ELLIPSIS
        edupoverty: calendar.provisional: the result is provisional: ... --calendar YEAR.toml
    """
    say(
        "calendar.provisional: "
        + (
            "结果为暂定：所跨年份还没有国务院节假日通知的数据，按规则估算（不含调休）；"
            "通知发布后用 edupoverty calendar add --from-notice 通知.txt -o 年份.toml "
            "生成年份文件，再加 --calendar 年份.toml 重算"
            if lang == "zh"
            else "the result is provisional: a year it spans has no data from the State "
            "Council's holiday notice yet and was estimated by rule (no make-up days); once "
            "the notice is out, run edupoverty calendar add --from-notice notice.txt "
            "-o YEAR.toml and compute again with --calendar YEAR.toml"
        )
    )
