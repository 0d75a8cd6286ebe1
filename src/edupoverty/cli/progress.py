"""Progress of a long command on stderr (进度): rows done, rate and time left.

Shown by :mod:`tqdm` when the command works through more than :data:`THRESHOLD` rows and
stderr is a terminal; never with ``--quiet``, never into a file or a pipe (a log stays
clean). The number of rows of a CSV file is estimated from its line breaks
(:func:`estimate_rows`, read only when the bar is shown), which gives the time left; for a
workbook the bar shows rows and rate, and appears after a second.

Examples:
    >>> with rows_progress(None, quiet=True) as step:  # off: nothing is written
    ...     step(50_000)
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from tqdm import tqdm

__all__ = ["THRESHOLD", "estimate_rows", "rows_progress", "shows_progress"]

THRESHOLD = 10_000
"""Fewer rows than this are done before a bar would be read: no bar."""


def shows_progress(quiet: bool = False) -> bool:
    """Whether a bar may be shown: stderr is a terminal and not ``quiet``.

    Examples:
        >>> shows_progress(quiet=True)
        False
    """
    try:
        return not quiet and sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


_SAMPLE = 1 << 20  # bytes read to reckon the rows of a large file


def estimate_rows(path: str | os.PathLike[str]) -> int | None:
    """The number of data rows of a CSV file, from its line breaks (a quoted line break
    counts too: an estimate for the time left); ``None`` for another kind of file. Only the
    first MiB is read: a larger file is reckoned from its size at the same bytes per row.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,学段\\n张三,小学\\n李四,初中\\n", encoding="utf-8")
        >>> estimate_rows(p), estimate_rows(p.with_suffix(".xlsx"))
        (2, None)
    """
    p = Path(path)
    if p.suffix.lower() != ".csv" or not p.is_file():
        return None
    with p.open("rb") as fh:
        head = fh.read(_SAMPLE)
        size = os.fstat(fh.fileno()).st_size
    breaks = head.count(b"\n")
    if size > len(head) and breaks:  # the rest, at the bytes per row of the first MiB
        return max(round(breaks * size / len(head)) - 1, 0)
    return max(breaks - 1 + (head[-1:] not in (b"\n", b"")), 0)


@contextlib.contextmanager
def rows_progress(
    total: int | None, lang: str = "zh", quiet: bool = False, what: str | None = None
) -> Iterator[Callable[[int], object]]:
    """A function to call with each number of rows done, showing a bar on stderr while the
    block runs (see the module). ``total`` is the rows expected, if known.

    Examples:
        >>> import contextlib, io
        >>> with contextlib.redirect_stderr(io.StringIO()) as err:
        ...     with rows_progress(100_000) as step:
        ...         step(100_000)
        >>> err.getvalue()  # not a terminal
        ''
    """
    if not shows_progress(quiet) or (total is not None and total < THRESHOLD):
        yield _nothing
        return
    sized = _sized()  # a terminal that reports no size (0 × 0): taken as 80 × 24
    bar = tqdm(
        total=total,
        ncols=None if sized else 80,
        nrows=None if sized else 24,
        dynamic_ncols=sized,
        desc=what or ("处理" if lang == "zh" else "rows"),
        unit="行" if lang == "zh" else " rows",
        unit_scale=True,
        file=sys.stderr,
        delay=1.0 if total is None else 0.0,
        mininterval=0.5,
        leave=False,
    )
    try:
        yield bar.update
    finally:
        bar.close()


def _sized() -> bool:
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return size.columns > 0 and size.lines > 0


def _nothing(rows: int) -> None:
    """No bar: rows done go nowhere."""
