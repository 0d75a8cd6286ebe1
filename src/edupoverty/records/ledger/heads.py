"""The head log (校验值记录): every append's head, written to a text file kept apart (R-REC-2).

A hash chain cannot tell that its last entries were cut off, or that someone with the file
re-chained it. The head log can: each append also appends one line ``SEQ HASH TIME`` (the
number and hash of the ledger's last entry, and when) to a separate, append-only text file,
flushed to disk before the append returns. Keep that file elsewhere (another machine, a
write-once share) and copy the heads onto the paper register;
:meth:`~edupoverty.records.ledger.store.Ledger.verify` then checks **every** recorded head
against the ledger at once.

Examples:
    >>> import tempfile, pathlib
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "heads.log"
    >>> _ = record_head(log, 0, "0" * 64)
    >>> _ = record_head(log, 3, "ab" * 32)
    >>> [(h.seq, h.hash[:4]) for h in read_head_log(log)]
    [(0, '0000'), (3, 'abab')]
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from attrs import frozen

from edupoverty.errors import InputError
from edupoverty.records.outfile import sync_folder
from edupoverty.records.safefile import open_regular

__all__ = ["Head", "head_pairs", "read_head_log", "record_head"]

_LINE = re.compile(rb"(\d{1,18}) ([0-9a-f]{64})(?: (\S{1,40}))?")


@frozen
class Head:
    """One recorded head: the ledger's last entry number and hash after an append, when it
    was recorded (UTC, ``None`` if the line gives no time) and its line in the head log.

    Examples:
        >>> Head(3, "ab" * 32).line
        0
    """

    seq: int
    hash: str
    at: datetime | None = None
    line: int = 0


def head_pairs(heads: Iterable[Head | tuple[int, str]]) -> list[tuple[int, str]]:
    """``(seq, hash)`` of each head, whether given as :class:`Head` values or pairs.

    Examples:
        >>> head_pairs([Head(1, "ab" * 32), (2, "cd" * 32)])[0][0]
        1
    """
    return [(h.seq, h.hash) if isinstance(h, Head) else (int(h[0]), str(h[1])) for h in heads]


def record_head(
    path: str | os.PathLike[str], seq: int, hash_: str, at: datetime | None = None
) -> Head:
    """Append the head ``seq hash time`` to the head log at ``path`` (created if missing) and
    flush it to disk before returning. A line torn by a writer killed half-way is closed
    first, so the new head stands on a line of its own.

    Examples:
        >>> import tempfile, pathlib
        >>> log = pathlib.Path(tempfile.mkdtemp()) / "heads.log"
        >>> h = record_head(log, 1, "cd" * 32, datetime(2019, 11, 1, 8, 0, tzinfo=UTC))
        >>> log.read_text()
        '1 cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd 2019-11-01T08:00:00+00:00\\n'
    """  # noqa: E501
    when = at if at is not None else datetime.now(UTC)
    line = f"{int(seq)} {hash_} {when.isoformat(timespec='seconds')}\n".encode("ascii")
    p = Path(path)
    fd = os.open(p, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":  # the same file, read where it ends
            line = b"\n" + line
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    if not size:  # a new file: make its name durable too
        sync_folder(p.parent)
    return Head(int(seq), hash_, when)


def _bad(path: Path, n: int) -> InputError:
    err = InputError(
        f"{path.name}：第{n}行不是“序号 校验值 时间”", f"{path.name}: line {n} is not SEQ HASH TIME"
    )
    err.code = "ledger.head_log"
    return err


def _lines(path: Path) -> Iterator[tuple[int, bytes, bool]]:
    def refuse(_code: str, zh: str, en: str) -> InputError:
        err = InputError(f"{path.name}：校验值记录：{zh}", f"{path.name}: head log: {en}")
        err.code = "ledger.head_log"
        return err

    with open_regular(path, refuse, buffering=-1) as f:  # a FIFO or a device: refused at once
        for n, raw in enumerate(f, start=1):
            yield n, raw.rstrip(b"\r\n"), raw.endswith(b"\n")


def read_head_log(path: str | os.PathLike[str]) -> tuple[Head, ...]:
    """Every head recorded in the head log at ``path``. Blank lines and lines starting with
    ``#`` are skipped; a last line without its line end (a write cut short) is ignored; any
    other line that is not ``SEQ HASH [TIME]`` is an :class:`~edupoverty.errors.InputError`
    (code ``ledger.head_log``) naming the line.

    Examples:
        >>> import tempfile, pathlib
        >>> log = pathlib.Path(tempfile.mkdtemp()) / "heads.log"
        >>> _ = log.write_text("# 2019 台账\\n2 " + "ef" * 32 + "\\nbad line\\n")
        >>> read_head_log(log)
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: ledger.head_log: heads.log：第3行不是“序号 校验值 时间” / ...
    """
    p = Path(path)
    out: list[Head] = []
    for n, line, whole in _lines(p):
        text = line.strip()
        if not text or text.startswith(b"#"):
            continue
        m = _LINE.fullmatch(text)
        if m is None:
            if not whole:
                break  # torn last line
            raise _bad(p, n)
        at = None
        if m.group(3):
            try:
                at = datetime.fromisoformat(m.group(3).decode("ascii"))
            except ValueError:
                if not whole:
                    break
                raise _bad(p, n) from None
        out.append(Head(int(m.group(1)), m.group(2).decode("ascii"), at, n))
    return tuple(out)
