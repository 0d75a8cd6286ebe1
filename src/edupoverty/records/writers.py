"""Writing CSV and XLSX files safely (导出).

Every cell the library writes passes through :func:`neutralise`: text that begins with ``=``,
``+``, ``-`` or ``@`` (or a tab or carriage return, which some spreadsheet programs strip
before looking) is prefixed with an apostrophe so that Excel and WPS show it as text instead
of running it as a formula (CSV/Excel injection). Numbers and dates are written as values.

CSV is written as UTF-8 with a byte-order mark, which Excel and WPS on Chinese Windows open
correctly. XLSX needs the ``xlsx`` extra (XlsxWriter); every cell is written as a string or
a number, never as a formula.

Examples:
    >>> from edupoverty.records.writers import neutralise
    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise("张三"), neutralise("-12.5 kg")
    ('张三', "'-12.5 kg")
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from itertools import repeat
from pathlib import Path
from typing import Any, TextIO

from edupoverty.errors import InputError

__all__ = ["Cells", "cell_text", "neutralise", "write_csv", "write_csv_columns", "write_xlsx"]

_DANGEROUS = frozenset("=+-@\t\r")


def neutralise(text: str) -> str:
    """Make ``text`` safe in a spreadsheet cell while keeping it readable.

    Examples:
        >>> neutralise("@SUM(A1:A9)")
        "'@SUM(A1:A9)"
        >>> neutralise("1000.00")
        '1000.00'
    """
    if text and text[0] in _DANGEROUS:
        return "'" + text
    return text


def cell_text(value: Any) -> str:
    """The text written for ``value``: money with two places, ISO dates, enum ids, and
    :func:`neutralise` applied to everything else.

    Examples:
        >>> cell_text(Decimal("800")), cell_text(date(2026, 10, 9)), cell_text(None)
        ('800', '2026-10-09', '')
        >>> cell_text("+86 123")
        "'+86 123"
    """
    kind = type(value)
    if kind is str:  # the common case first: one type check, one prefix test
        text: str = value
        return "'" + text if text and text[0] in _DANGEROUS else text
    if kind is Decimal or kind is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal | int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = getattr(value, "value", value)
    return neutralise(str(text))


class Cells(tuple[str, ...]):
    """Cells rendered once, by :func:`cell_text` (so neutralised), to end many rows.

    Rows of a long export often share their last cells (every student of one profile has
    the same amounts): a row given to :func:`write_csv` whose last item is a ``Cells`` is
    written as its other values, each through :func:`cell_text`, followed by these cells,
    rendered when the ``Cells`` was made. A ``Cells`` can only be made by rendering.

    Examples:
        >>> tail = Cells([Decimal("500.00"), "=1+1", None])
        >>> tail
        ('500.00', "'=1+1", '')
        >>> buf = io.StringIO()
        >>> write_csv(buf, ["姓名", "金额", "备注", "其他"], [["张三", tail], ["+李四", tail]])
        2
        >>> buf.getvalue().splitlines()[1:]
        ["张三,500.00,'=1+1,", "'+李四,500.00,'=1+1,"]
    """

    __slots__ = ()

    def __new__(cls, values: Iterable[Any]) -> Cells:
        return super().__new__(cls, map(cell_text, values))


def write_csv(
    path: str | os.PathLike[str] | io.TextIOBase,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    preamble: Sequence[str] = (),
) -> int:
    """Write a CSV file (UTF-8 with BOM) and return the number of data rows written.

    ``preamble`` lines (a title, dates …) are written first, one per row, neutralised.

    Examples:
        >>> buf = io.StringIO()
        >>> write_csv(buf, ["姓名", "备注"], [["张三", "=1+1"]])
        1
        >>> buf.getvalue().splitlines()
        ['姓名,备注', "张三,'=1+1"]
    """
    if isinstance(path, io.TextIOBase):
        return _write_rows(path, header, rows, preamble)
    # UTF-8 with the byte-order mark written by hand: the "utf-8-sig" codec encodes through
    # a Python-level incremental encoder on every write, the plain "utf-8" one in C.
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("\ufeff")
        return _write_rows(fh, header, rows, preamble)


class _CsvWriter:
    """The csv module's writer (lines ended by ``\\n``), except that a row with a carriage
    return inside a cell is written with that cell quoted: the csv module quotes a cell only
    for the characters of its line end, and a bare ``\\r`` would end the row for Excel and
    the csv module, starting a new one with text that was never neutralised."""

    __slots__ = ("_fh", "_writer")

    def __init__(self, fh: Any) -> None:
        self._fh = fh
        self._writer = csv.writer(fh, lineterminator="\n")

    def writerow(self, cells: Sequence[str]) -> None:
        if any("\r" in c for c in cells):
            self._fh.write(",".join(map(_quoted, cells)) + "\n")
        else:
            self._writer.writerow(cells)


def _quoted(cell: str) -> str:
    """A cell as the csv module quotes it (minimal quoting), a carriage return included."""
    if _NEEDS_QUOTES.search(cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


_NEEDS_QUOTES = re.compile('[,"\r\n]')


def _csv_writer(fh: Any) -> _CsvWriter:
    return _CsvWriter(fh)


# A cell holding none of these is written by the csv module as it is, unquoted.
_QUOTED = re.compile('[,"\r\n\x00]')


def _fragment(tail: Cells) -> str:
    """The CSV text of ``tail`` as it ends a row: a comma, its cells as the csv module
    writes them in that place, the line end."""
    buf = io.StringIO()
    _csv_writer(buf).writerow(["x", *tail])
    return buf.getvalue()[1:]  # "x" is written as it is


def _write_rows(
    fh: Any, header: Sequence[str], rows: Iterable[Sequence[Any]], preamble: Sequence[str]
) -> int:
    writer = _csv_writer(fh)
    for line in preamble:
        writer.writerow([neutralise(line)])
    writer.writerow([neutralise(h) for h in header])
    n = 0
    writerow, write, quoted, text = writer.writerow, fh.write, _QUOTED.search, cell_text
    # A row ending with Cells: its CSV text is made once (kept with the Cells, so that its
    # id stays its own); a row whose other cells need no quoting is that text after theirs.
    fragments: dict[int, tuple[Cells, str]] = {}
    for row in rows:
        n += 1
        tail = row[-1] if row else None
        if type(tail) is not Cells:
            writerow([text(v) for v in row])
            continue
        head = [text(v) for v in row[:-1]]
        if head and tail and quoted("".join(head)) is None:  # two cells or more, unquoted
            done = fragments.get(id(tail))
            if done is None:
                done = fragments[id(tail)] = (tail, _fragment(tail))
            write(",".join(head))  # two writes: an ASCII tail stays on the fast path of
            write(done[1])  # the encoder instead of joining the (wider) text of a name
        else:
            head += tail
            writerow(head)
    return n


def write_csv_columns(
    path: str | os.PathLike[str] | TextIO,
    header: Sequence[str] | None,
    columns: Sequence[Sequence[Any]],
    tails: Sequence[Cells] | None = None,
    *,
    more: Iterable[Sequence[Any]] = (),
) -> int:
    """Write a CSV file (UTF-8 with BOM) from columns; return the number of data rows.

    Row ``i`` is ``[column[i] for column in columns]`` followed by the cells of
    ``tails[i]`` (a :class:`Cells` shared by many rows is rendered once); then the rows of
    ``more``. The file is the one :func:`write_csv` writes for the same rows, cell for cell
    neutralised, but made a chunk of rows at a time by C-level joins: for a million rows.
    With ``header`` None, no header row (nor byte-order mark) is written: a part of a file.

    Examples:
        >>> buf = io.StringIO()
        >>> tail = Cells(["500.00"])
        >>> write_csv_columns(buf, ["行", "姓名", "金额"], [[2, 3], ["张三", "=李四"]],
        ...                   [tail, tail], more=[[9, "", "拒收"]])
        3
        >>> buf.getvalue().splitlines()
        ['行,姓名,金额', '2,张三,500.00', "3,'=李四,500.00", '9,,拒收']
    """
    if not isinstance(path, str | os.PathLike):
        return _write_columns(path, header, columns, tails, more)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        if header is not None:
            fh.write("\ufeff")  # by hand: see write_csv
        return _write_columns(fh, header, columns, tails, more)


_CHUNK_ROWS = 2048
_NONE_TO_EMPTY = {None: ""}.get  # (v, v) -> "" for None, else v (C-level)
# Over a column's cells, each preceded by the unit separator: a cell beginning with a
# dangerous character (to neutralise). A separator inside a cell can only cause a false
# alarm, never hide a cell: the slow path then takes the rows.
_DANGER_AT = re.compile("\x1f[=+\\-@\t\r]")


def _column_texts(values: Sequence[Any]) -> list[str] | None:
    """The cell texts of a slice of a column, made by C-level maps when every value is an
    int or a text needing neither prefix nor quotes (None: empty); None when the slow path
    must take the rows."""
    kinds = set(map(type, values))
    if kinds == {int}:
        return list(map(str, values))
    if not kinds <= {str, type(None)}:
        return None
    texts: list[str] = list(map(_NONE_TO_EMPTY, values, values))
    joined = "\x1f" + "\x1f".join(texts)
    if _DANGER_AT.search(joined) or _QUOTED.search(joined):
        return None
    return texts


def _write_columns(
    fh: Any,
    header: Sequence[str] | None,
    columns: Sequence[Sequence[Any]],
    tails: Sequence[Cells] | None,
    more: Iterable[Sequence[Any]],
) -> int:
    writer = _csv_writer(fh)
    if header is not None:
        writer.writerow([neutralise(h) for h in header])
    n = len(columns[0]) if columns else len(tails or ())
    fragments: dict[int, tuple[Cells, str]] = {}  # id(tail) -> (tail kept alive, its text)
    write = fh.write
    for lo in range(0, n, _CHUNK_ROWS):
        hi = min(n, lo + _CHUNK_ROWS)
        texts = [_column_texts(col[lo:hi]) for col in columns]
        frags: list[str] | None = None
        if tails is not None:
            part = tails[lo:hi]
            got = list(map(fragments.get, map(id, part)))
            if None in got:
                for k, g in enumerate(got):
                    if g is None:
                        tail = part[k]
                        if type(tail) is not Cells:
                            raise TypeError("tails must be Cells")
                        got[k] = fragments[id(tail)] = (tail, _fragment(tail))
            frags = [g[1] for g in got]  # type: ignore[index]
        ready = [t for t in texts if t is not None]
        if len(ready) == len(texts) >= 2:
            # a row of plain cells: each followed by a comma, the last by the tail's text
            # (which starts with a comma and ends the line) or by a line end
            parts: list[Iterable[str]] = [ready[0]]
            for t in ready[1:]:
                parts += [repeat(","), t]
            parts.append(frags if frags is not None else repeat("\n"))
            write("".join(map("".join, zip(*parts, strict=False))))  # repeat() is endless
        else:  # a cell needing a prefix or quotes: the csv module, row by row
            for i in range(lo, hi):
                cells_i = [cell_text(col[i]) for col in columns]
                if tails is not None:
                    cells_i += tails[i]
                writer.writerow(cells_i)
    m = 0
    for row in more:
        m += 1
        writer.writerow([cell_text(v) for v in row])
    return n + m


def write_xlsx(
    path: str | os.PathLike[str],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "Sheet1",
    preamble: Sequence[str] = (),
    footer: Sequence[str] = (),
    landscape: bool = False,
) -> int:
    """Write an XLSX file ready to print and return the number of data rows written.

    ``preamble`` lines come above the header (the first in bold, as a title), ``footer``
    lines below the data (a complaint channel, a signature line). Header rows repeat on every
    printed page. Needs the ``xlsx`` extra.

    Examples:
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "list.xlsx"
        >>> write_xlsx(out, ["姓名", "金额"], [["张三", Decimal("500.00")]], preamble=["公示"])
        1
        >>> out.stat().st_size > 0
        True
    """
    try:
        import xlsxwriter
    except ImportError:
        raise _missing_extra() from None
    target = Path(path)
    workbook = xlsxwriter.Workbook(
        str(target), {"constant_memory": True, "strings_to_formulas": False}
    )
    try:
        ws = workbook.add_worksheet(sheet[:31])
        bold = workbook.add_format({"bold": True})
        title = workbook.add_format({"bold": True, "font_size": 14})
        r = 0
        for i, line in enumerate(preamble):
            ws.write_string(r, 0, neutralise(line), title if i == 0 else None)
            r += 1
        for c, h in enumerate(header):
            ws.write_string(r, c, neutralise(h), bold)
        ws.repeat_rows(r)
        r += 1
        n = 0
        for row in rows:
            for c, v in enumerate(row):
                if isinstance(v, Decimal | int) and not isinstance(v, bool):
                    ws.write_number(r, c, v)  # exact for yuan with two places
                else:
                    ws.write_string(r, c, cell_text(v))
            r += 1
            n += 1
        r += 1 if footer else 0
        for line in footer:
            ws.write_string(r, 0, neutralise(line))
            r += 1
        if landscape:
            ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_column(0, max(len(header) - 1, 0), 16)
    finally:
        workbook.close()
    return n


def _missing_extra() -> InputError:
    err = InputError(
        "写入 Excel 需要安装 xlsx 扩展：pip install 'edupoverty[xlsx]'",
        "writing Excel needs the xlsx extra: pip install 'edupoverty[xlsx]'",
    )
    err.code = "xlsx.missing"
    return err
