"""Roster-like files as streams of Arrow record batches of text (名单文件 → 文本批次).

:func:`open_source` opens a CSV or XLSX file, finds its header row and returns a
:class:`TextSource`, whose :meth:`~TextSource.batches` stream the data rows as Arrow record
batches: one ``string`` column per header position (``"0"``, ``"1"`` …; an empty cell is
``""``, never null) and an ``int64`` column ``"row"``, the spreadsheet row number (header =
row 1 in a file without a title; a quoted cell spanning lines is one row, as in Excel).
Memory stays bounded by the batch, whatever the size of a CSV file.

Every row after the header is accounted for: a data row is in a batch, a row that cannot be
read is in :attr:`TextSource.bad_rows` (:class:`BadRow`: ``row.width``, ``row.encoding`` or
``row.too_long``), a blank row is counted in :attr:`TextSource.blank_rows`; non-blank rows
above the header are listed in :attr:`TextSource.above_header`.

- CSV through ``pyarrow.csv`` (C++ parser, one pass): UTF-8, UTF-8 with BOM, UTF-16 with BOM
  or GB18030/GBK, detected; comma, tab or semicolon. In a file that mixes encodings the rows
  that do not decode are reported, no other row is touched; a line over
  :data:`MAX_LINE` bytes is reported, not held (:mod:`~edupoverty.records.textfeed`).
- XLSX through calamine, the first sheet, each cell as text, after the safety checks: zip
  bombs, XML entities, and cells that would make the sheet absurdly large
  (:mod:`~edupoverty.records.xlsxfile`).
- A path that is not a regular file (a FIFO, a device, a directory, ``-``) is refused at once.

Examples:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
    >>> _ = p.write_text("学生名单\\n姓名,学段\\n张三,小学\\n\\n李四,初中,多余\\n王五,初中\\n")
    >>> source = open_source(p, find_header=lambda cells: "姓名" in cells)
    >>> source.header, source.header_row, source.above_header
    (('姓名', '学段'), 2, (1,))
    >>> [b.to_pydict() for b in source.batches()]
    [{'0': ['张三', '王五'], '1': ['小学', '初中'], 'row': [3, 6]}]
    >>> source.bad_rows, source.blank_rows, source.rows
    ([BadRow(row=5, code='row.width', cells=('李四', '初中', '多余'))], 1, 4)
"""

from __future__ import annotations

import bisect
import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from attrs import frozen

from edupoverty.errors import ArgumentError, RosterError
from edupoverty.records.safefile import open_regular
from edupoverty.records.textfeed import BAD, GIANT, MAX_LINE, TextFeed, detect_encoding, utf8_chunks
from edupoverty.records.xlsxfile import xlsx_rows

__all__ = [
    "HEADER_ROWS",
    "MAX_LINE",
    "BadRow",
    "TextSource",
    "open_source",
]

HEADER_ROWS = 20
"""Non-blank rows looked at for the header row at most."""

_HEAD = 1 << 22  # bytes looked at for the header row
_BLOCK = 1 << 21  # bytes the CSV parser takes at a time: the longest record read
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())  # as str.strip
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@frozen
class BadRow:
    """A row after the header that is in no batch, and why (a stable code).

    ``row.width``: more or fewer cells than the header (``cells`` holds them, so a caller may
    pad the row or report its extra cells); ``row.encoding``: bytes that cannot be decoded
    in the file's encoding (no cells: they would be garbled); ``row.too_long``: a line over
    :data:`MAX_LINE` (no cells).

    Examples:
        >>> BadRow(7, "row.encoding").cells
        ()
    """

    row: int
    code: str
    cells: tuple[str, ...] = ()


def _err(path: object, zh: str, en: str, code: str = "roster.file") -> RosterError:
    return RosterError(path, zh, en, code=code)


class TextSource:
    """A roster-like file opened by :func:`open_source`: its header, and its rows as batches.

    ``name`` is the file name, ``encoding`` the detected encoding of a CSV (``"utf-8"``,
    ``"utf-8-sig"``, ``"utf-16"`` or ``"gb18030"``; ``None`` for XLSX), ``delimiter`` that
    of a CSV. :attr:`bad_rows`, :attr:`blank_rows` and :attr:`rows` grow while
    :meth:`batches` runs; when it ends, ``rows`` = rows in the batches + ``len(bad_rows)`` +
    ``blank_rows``.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = p.write_bytes("姓名;学段\\r\\n张三;小学\\r\\n".encode("gb18030"))
        >>> s = open_source(p, find_header=lambda cells: cells[0] == "姓名")
        >>> s.name, s.encoding, s.delimiter, s.header_row
        ('t.csv', 'gb18030', ';', 1)
    """

    def __init__(
        self,
        path: Path,
        encoding: str | None,
        delimiter: str | None,
        header: tuple[str, ...],
        header_row: int,
        above_header: tuple[int, ...],
        batch_rows: int,
        start: Any,
    ) -> None:
        self.name = path.name
        self.encoding = encoding
        self.delimiter = delimiter
        self.header = header
        self.header_row = header_row
        self.above_header = above_header
        self.bad_rows: list[BadRow] = []
        """Rows after the header in no batch, in row order, filled as batches are made."""
        self.blank_rows = 0
        """Rows after the header whose cells are all empty or white space."""
        self.rows = 0
        """Rows after the header read so far."""
        self._path = path
        self._batch_rows = batch_rows
        self._start = start  # CSV: (identity, data offset, block); XLSX: (rows, identity)

    def __repr__(self) -> str:
        return f"<TextSource {self.name!r} header_row={self.header_row} rows={self.rows}>"

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The data rows, at most ``batch_rows`` a batch (see the module docstring).

        Each call reads the file again from the header on and starts :attr:`bad_rows`,
        :attr:`blank_rows` and :attr:`rows` afresh.

        Examples:
            >>> import tempfile, pathlib
            >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
            >>> _ = p.write_text('a,b\\n1,"x\\ny"\\n2,z\\n3,w\\n')
            >>> s = open_source(p, find_header=lambda c: c == ["a", "b"], batch_rows=2)
            >>> [b.num_rows for b in s.batches()], [b["row"][0].as_py() for b in s.batches()]
            ([2, 1], [2, 4])
        """
        self.bad_rows, self.blank_rows, self.rows = [], 0, 0
        if self.encoding is None:
            return self._xlsx_batches()
        return self._csv_batches()

    # --- CSV ---------------------------------------------------------------------------

    def _csv_batches(self) -> Iterator[pa.RecordBatch]:
        identity, offset, block = self._start
        width = len(self.header)
        names = [str(i) for i in range(width)]
        pending: list[tuple[int, str]] = []  # invalid records met by the parser (in order)

        def invalid(row: Any) -> str:  # called by the parser, maybe from its own thread
            pending.append((row.number, row.text))
            return "skip"

        with _open(self._path) as fh:
            if _identity(os.fstat(fh.fileno())) != identity:
                raise _err(self._path, "文件在读取期间被更改", "the file changed while being read")
            assert self.encoding is not None
            feed = TextFeed(utf8_chunks(fh, self.encoding, offset), self.encoding)
            if feed.empty():
                return
            options = {
                "read_options": pcsv.ReadOptions(
                    use_threads=False, block_size=block, column_names=names
                ),
                "parse_options": pcsv.ParseOptions(
                    delimiter=self.delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=invalid,
                ),
                "convert_options": pcsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    check_utf8=False,  # the feed is valid UTF-8
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            }
            reader = self._parsing(lambda: pcsv.open_csv(feed, **options), block)
            try:
                while (batch := self._parsing(reader.read_next_batch, block)) is not None:
                    yield from self._settle(batch, pending, feed)
            finally:
                # the parser reads ahead on a thread of its own: stop it before the file
                # closes, whatever happened (an error, or the caller stopping early)
                reader.close()
            self._settle_invalid(pending, len(pending))

    def _parsing(self, step: Callable[[], Any], block: int) -> Any:
        """One step of the parser (None at the end); its errors become a RosterError."""
        try:
            return step()
        except StopIteration:
            return None
        except pa.ArrowInvalid:  # a record longer than the parser's block
            near = self.header_row + self.rows + 1
            raise _err(
                self._path,
                f"第 {near} 行附近有一行超过 {block >> 20} MiB（可能是引号未闭合），拒绝读取",
                f"a row near row {near} is longer than {block >> 20} MiB "
                "(a quote never closed?): refused",
                "roster.unsafe",
            ) from None
        except (OSError, pa.ArrowException) as exc:
            raise _err(self._path, "无法读取文件", f"cannot read the file ({exc})") from None

    def _settle(
        self, batch: pa.RecordBatch, pending: list[tuple[int, str]], feed: TextFeed
    ) -> Iterator[pa.RecordBatch]:
        """Give the parser's batch its row numbers; set aside its blank and bad rows.

        The parser numbers records from 1 after the header and reports the invalid ones
        (maybe ahead, while parsing the next block): the batch's records are the next ``n +
        m`` numbers, ``m`` of them invalid."""
        n, m = batch.num_rows, 0
        while (more := bisect.bisect_right(pending, self.rows + n + m, key=_first)) != m:
            m = more
        span = np.arange(self.rows + 1, self.rows + n + m + 1, dtype=np.int64)
        if m:
            keep = np.ones(n + m, dtype=bool)
            keep[np.asarray([p[0] for p in pending[:m]], dtype=np.int64) - self.rows - 1] = False
            span = span[keep]
        self._settle_invalid(pending, m)
        rows = span + self.header_row
        drop = _blank(batch)
        self.blank_rows += int(np.count_nonzero(drop))
        for marker, code, counts in (
            (BAD, "row.encoding", feed.bad),
            (GIANT, "row.too_long", feed.giant),
        ):
            if counts[0] > counts[1]:  # markers in the feed not yet found in a row
                hit = np.zeros(n, dtype=bool)
                for column in batch.columns:
                    found = pc.count_substring(column, marker).to_numpy(zero_copy_only=False)
                    counts[1] += int(found.sum())
                    hit |= found > 0
                hit &= ~drop
                self.bad_rows.extend(BadRow(int(r), code) for r in rows[hit])
                drop |= hit
        self.rows += n
        if m or drop.any():
            self.bad_rows.sort(key=_row_of)
        if drop.any():
            batch, rows = batch.filter(pa.array(~drop)), rows[~drop]
        batch = batch.append_column("row", pa.array(rows, pa.int64()))
        for at in range(0, batch.num_rows, self._batch_rows):
            yield batch.slice(at, self._batch_rows)

    def _settle_invalid(self, pending: list[tuple[int, str]], m: int) -> None:
        """Account for the first ``m`` invalid records met by the parser (blank or bad)."""
        for number, text in pending[:m]:
            row = self.header_row + number
            if GIANT in text:
                self.bad_rows.append(BadRow(row, "row.too_long"))
                continue
            if BAD in text:
                self.bad_rows.append(BadRow(row, "row.encoding"))
                continue
            cells = _cells(text, self.delimiter or ",")
            if any(c.strip() for c in cells):
                self.bad_rows.append(BadRow(row, "row.width", cells))
            else:
                self.blank_rows += 1
        del pending[:m]
        self.rows += m

    # --- XLSX --------------------------------------------------------------------------

    def _xlsx_batches(self) -> Iterator[pa.RecordBatch]:
        rows_of, identity = self._start
        self._start = (None, identity)  # the rows met by open_source are read once
        if rows_of is None:  # read again
            rows_of = _xlsx_rows(self._path, identity)
            for _ in range(self.header_row):
                next(rows_of, None)
        width = len(self.header)
        names = [*map(str, range(width)), "row"]
        while True:
            cells: list[list[str]] = []
            numbers: list[int] = []
            for values in rows_of:
                self.rows += 1
                row = self.header_row + self.rows
                text = "".join(values)
                if len(values) != width:
                    self.bad_rows.append(BadRow(row, "row.width", tuple(values)))
                elif len(text) > MAX_LINE:
                    self.bad_rows.append(BadRow(row, "row.too_long"))
                elif not text.strip():
                    self.blank_rows += 1
                else:
                    cells.append(values)
                    numbers.append(row)
                    if len(cells) == self._batch_rows:
                        break
            if not cells:
                return
            columns = [pa.array(c, pa.string()) for c in zip(*cells, strict=True)]
            yield pa.RecordBatch.from_arrays([*columns, pa.array(numbers, pa.int64())], names)


def _row_of(bad: BadRow) -> int:
    return bad.row


def _first(pair: tuple[int, str]) -> int:
    return pair[0]


def _blank(batch: pa.RecordBatch) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Which rows of a batch have only empty or white-space cells."""
    n = batch.num_rows
    at = np.arange(n)
    for column in batch.columns:
        if not len(at):
            break
        part = column if len(at) == n else column.take(pa.array(at))
        empty = pc.equal(pc.utf8_length(pc.utf8_trim(part, _WHITESPACE)), 0)
        at = at[empty.to_numpy(zero_copy_only=False)]
    blank = np.zeros(n, dtype=bool)
    blank[at] = True
    return blank


def _cells(text: str, delimiter: str) -> tuple[str, ...]:
    """The cells of one record's text (the parser does not give them for a bad row)."""
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return tuple(c for row in rows for c in row) or ("",)
    except csv.Error:  # a cell over the csv module's limit
        return (text,)


# --- opening files -----------------------------------------------------------------------


def open_source(
    path: str | os.PathLike[str],
    *,
    find_header: Callable[[Sequence[str]], bool],
    batch_rows: int = 65_536,
) -> TextSource:
    """Open a CSV or XLSX roster-like file and find its header row.

    ``find_header(cells)`` says whether a row is the header; it is asked about the first
    :data:`HEADER_ROWS` non-blank rows at most (for a CSV, with each delimiter the head of
    the file may use). Raises :class:`~edupoverty.errors.RosterError` (naming the file,
    never its contents) when the file cannot be read at all: ``roster.not_found``,
    ``roster.file`` (a directory, a FIFO, a device, standard input), ``roster.empty``,
    ``roster.type``, ``roster.encoding``, ``roster.header`` (no header row),
    ``roster.unsafe`` (zip or entity bombs, absurd sheet sizes, a runaway row) or
    ``xlsx.missing``.

    Examples:
        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> open_source(d, find_header=bool)
        Traceback (most recent call last):
        ...
        edupoverty.errors.RosterError: roster.file: ...: 这是一个目录，不是文件 / ...
        >>> _ = (d / "t.csv").write_text("名单\\n")
        >>> open_source(d / "t.csv", find_header=lambda cells: "姓名" in cells)
        Traceback (most recent call last):
        ...
        edupoverty.errors.RosterError: roster.header: ...
    """
    if not isinstance(path, str | os.PathLike):
        raise ArgumentError("path", "文件路径", "a file path", type(path).__name__)
    if not isinstance(batch_rows, int) or isinstance(batch_rows, bool) or batch_rows < 1:
        got = str(batch_rows) if isinstance(batch_rows, int) else type(batch_rows).__name__
        raise ArgumentError("batch_rows", "正整数", "a positive int", got)
    p = Path(path)
    with _open(p) as fh:
        identity = _identity(os.fstat(fh.fileno()))
        head = fh.read(_HEAD)
        if head.startswith(b"PK\x03\x04"):
            encoding = None
        else:
            _refuse_other_kinds(p, head)
            encoding = detect_encoding(p, head)
            text = b"".join(_take(utf8_chunks(fh, encoding), _HEAD))
    if encoding is None:
        return _open_xlsx(p, identity, find_header, batch_rows)
    complete = len(head) < _HEAD
    lines = [m.group() for m in _LINE.finditer(text)]
    if not complete and lines and not lines[-1].endswith((b"\n", b"\r")):
        lines.pop()  # cut by the head's end
    if complete and not text.strip():
        raise _err(p, "文件为空", "the file is empty", "roster.empty")
    found = [
        (len(f[0]), -f[1], -i, delimiter, f)
        for i, delimiter in enumerate((",", "\t", ";"))
        if delimiter == "," or delimiter.encode() in text
        if (f := _find_header(lines, delimiter, find_header)) is not None
    ]
    if found:  # the widest header, then the first, then by preference
        *_, delimiter, (header, header_row, above, offset) = max(found)
        start = (identity, offset, _BLOCK)
        return TextSource(p, encoding, delimiter, header, header_row, above, batch_rows, start)
    raise _no_header(p)


def _refuse_other_kinds(p: Path, head: bytes) -> None:
    """Refuse what is not a CSV file: an empty file, an old .xls, another suffix."""
    if not head.strip():
        if len(head) < _HEAD:
            raise _err(p, "文件为空", "the file is empty", "roster.empty")
        raise _no_header(p)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _err(
            p,
            "旧版 .xls 格式不受支持：请另存为 .xlsx 或 CSV",
            "the old .xls format is not supported: save as .xlsx or CSV",
            "roster.type",
        )
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        raise _err(p, "不是有效的 xlsx 文件", "not a valid .xlsx file", "roster.type")
    if p.suffix.lower() not in ("", ".csv", ".txt", ".tsv"):
        raise _err(p, "不是 CSV 或 XLSX 文件", "neither a CSV nor an XLSX file", "roster.type")


def _no_header(p: Path) -> RosterError:
    return _err(
        p,
        f"前 {HEADER_ROWS} 个非空行（前 {_HEAD >> 20} MiB）中没有表头行",
        f"no header row among the first {HEADER_ROWS} non-blank rows "
        f"(or the first {_HEAD >> 20} MiB)",
        "roster.header",
    )


@contextmanager
def _open(p: Path) -> Iterator[BinaryIO]:
    """A regular file opened for reading; whatever else the path names is refused at once
    (a FIFO is never opened for blocking reads, a device never read)."""
    if str(p) == "-":
        raise _err(
            p,
            "不能从标准输入读取名单：请给出文件",
            "a roster cannot be read from standard input: give a file",
        )

    def refuse(code: str, zh: str, en: str) -> RosterError:
        return _err(p, zh, en, "roster.not_found" if code == "file.not_found" else "roster.file")

    with open_regular(p, refuse) as fh:
        yield fh


def _identity(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _take(chunks: Iterable[bytes], limit: int) -> Iterator[bytes]:
    got = 0
    for chunk in chunks:
        yield chunk[: limit - got]
        got += len(chunk)
        if got >= limit:
            return


def _find_header(
    lines: list[bytes], delimiter: str, find_header: Callable[[Sequence[str]], bool]
) -> tuple[tuple[str, ...], int, tuple[int, ...], int] | None:
    """The header cells, its row, the non-blank rows above it, and the offset after it."""
    used = [0]

    def text() -> Iterator[str]:
        for line in lines:
            used[0] += len(line)
            yield line.decode("utf-8", "replace")

    above: list[int] = []
    try:
        for number, cells in enumerate(csv.reader(text(), delimiter=delimiter), start=1):
            if not any(c.strip() for c in cells):
                continue
            if find_header(cells):
                return tuple(cells), number, tuple(above), used[0]
            above.append(number)
            if len(above) >= HEADER_ROWS:
                break
    except csv.Error:  # a cell above the header over the csv module's limit
        return None
    return None


# --- XLSX --------------------------------------------------------------------------------


def _open_xlsx(
    p: Path,
    identity: tuple[int, ...],
    find_header: Callable[[Sequence[str]], bool],
    batch_rows: int,
) -> TextSource:
    rows = _xlsx_rows(p, identity)
    above: list[int] = []
    seen = False
    for number, cells in enumerate(rows, start=1):
        if not "".join(cells).strip():
            continue
        seen = True
        if find_header(cells):
            start = (rows, identity)
            return TextSource(p, None, None, tuple(cells), number, tuple(above), batch_rows, start)
        above.append(number)
        if len(above) >= HEADER_ROWS:
            break
    if not seen:
        raise _err(p, "文件没有内容", "the file has no rows", "roster.empty")
    raise _no_header(p)


def _xlsx_rows(p: Path, identity: tuple[int, ...]) -> Iterator[list[str]]:
    with _open(p) as fh:
        if _identity(os.fstat(fh.fileno())) != identity:
            raise _err(p, "文件在读取期间被更改", "the file changed while being read")
        yield from xlsx_rows(p, fh)
