"""Writing XLSX workbooks (Excel 导出): from an Arrow table or from Python rows.

Both writers use XlsxWriter in its ``constant_memory`` mode (a row is written out as soon as
the next one starts, so memory stays flat whatever the number of rows) and write every cell
as a value of its own kind — text, number, boolean, date — never as a formula. Text and
headers are neutralised (:func:`~edupoverty.records.celltext.neutralise`).

A sheet holds at most :data:`EXCEL_MAX_ROWS` rows (header and title lines included). When
the rows do not fit, they go on into a second sheet, a third …, named ``名单``,
``名单(2)``, ``名单(3)`` … — every sheet with the title lines, the header (repeated on every
printed page) and the footer lines (a complaint channel, a signature line), so that any
sheet printed alone is complete. No row is ever dropped.

A path output is replaced whole (:func:`~edupoverty.records.outfile.replace_whole`). Needs
the ``xlsx`` extra (XlsxWriter).

Examples:
    >>> import pathlib, tempfile
    >>> import pyarrow as pa
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "名单.xlsx"
    >>> write_table_xlsx(pa.table({"姓名": ["张三", "李四", "王五"]}), out, max_rows=3)
    3
    >>> from openpyxl import load_workbook
    >>> [ws.title for ws in load_workbook(out).worksheets]
    ['名单', '名单(2)']
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from datetime import date
from decimal import Decimal
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.errors import ArgumentError, InputError
from edupoverty.records.celltext import (
    Tabular,
    cell_text,
    header_names,
    is_text,
    joined_lists,
    neutralise,
    neutralise_column,
    record_batches,
    text_column,
)
from edupoverty.records.outfile import replace_whole

__all__ = ["EXCEL_MAX_COLUMNS", "EXCEL_MAX_ROWS", "write_table_xlsx", "write_xlsx"]

EXCEL_MAX_ROWS = 1_048_576
"""Rows in one Excel sheet (header and title lines included)."""

EXCEL_MAX_COLUMNS = 16_384
"""Columns in one Excel sheet."""

_WIDTH = 16  # column width, in characters
_EXACT_DIGITS = 15  # significant digits a spreadsheet number (a double) holds exactly
_FIRST_SERIAL = date(1900, 3, 1)  # Excel's day numbers are right from here on (its 1900 bug)
_EPOCH_SERIAL = 25_569  # Excel's day number of 1970-01-01

Write = Callable[[int, int, Any, Any], int]


def write_table_xlsx(
    table: Tabular,
    out: str | os.PathLike[str] | IO[bytes],
    *,
    sheet: str = "名单",
    header: Sequence[str] | None = None,
    preamble: Sequence[str] = (),
    footer: Sequence[str] = (),
    landscape: bool = False,
    list_separator: str = "、",
    max_rows: int = EXCEL_MAX_ROWS,
) -> int:
    """Write ``table`` as an XLSX workbook ready to print; return the number of data rows.

    ``table`` is an Arrow table or a stream of record batches
    (:data:`~edupoverty.records.celltext.Tabular`); ``header`` the names shown for its
    columns (its column names when None). ``preamble`` lines come above the header (the
    first in bold, as a title), ``footer`` lines below the data after a blank row. Cells:
    text neutralised; money (``decimal``) as a number with its places shown (``0.00``) —
    or as text when it has more digits than a spreadsheet number holds exactly (15); whole
    numbers as numbers (as text beyond 2**53); dates as dates (``yyyy-mm-dd``; as ISO text
    before 1900-03-01); booleans as TRUE/FALSE; lists joined by ``list_separator``; times
    and timestamps as text; a null or a NaN as an empty cell. ``out`` is a path (replaced
    whole) or a binary stream. Rows beyond ``max_rows`` in a sheet go on in the next sheet
    (module documentation). A text longer than a cell holds (32,767 characters) raises
    :class:`~edupoverty.errors.InputError` (``xlsx.cell_too_long``, naming the row and
    column) instead of being cut.

    Examples:
        >>> import pathlib, tempfile
        >>> from decimal import Decimal
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "assessment.xlsx"
        >>> t = pa.table({"name": ["=1+1"],
        ...               "total": pa.array([Decimal("1200")], pa.decimal128(18, 2))})
        >>> write_table_xlsx(t, out, header=["姓名", "合计"], preamble=["公示"],
        ...                  footer=["监督电话"])
        1
        >>> from openpyxl import load_workbook
        >>> ws = load_workbook(out).active
        >>> [[c.value for c in row] for row in ws.iter_rows()]
        [['公示', None], ['姓名', '合计'], ["'=1+1", 1200], [None, None], ['监督电话', None]]
        >>> ws["B3"].number_format
        '0.00'
    """
    schema, batches = record_batches(table)
    names = header_names(schema, header) or []
    _check_shape(names, preamble, footer, max_rows)
    n = 0
    with _book(out, sheet, names, preamble, footer, landscape, max_rows) as book:
        for batch in batches:
            columns = [_xlsx_column(c, list_separator) for c in batch.columns]
            formats = [book.number_format(fmt) for _, _, fmt in columns]
            done = 0
            while done < batch.num_rows:
                ws, first, room = book.space()
                k = min(room, batch.num_rows - done)
                cells = [
                    (c, values, _writer(ws, kind), formats[c])
                    for c, (values, kind, _) in enumerate(columns)
                ]
                for j in range(done, done + k):
                    r = first + j - done
                    for c, values, write, fmt in cells:
                        v = values[j]
                        if v is not None and write(r, c, v, fmt):
                            raise _too_long(n + j + 1, names, c)
                book.used(k)
                done += k
            n += batch.num_rows
    return n


def _writer(ws: Any, kind: str) -> Write:
    """The method of ``ws`` that writes a cell of ``kind`` (a cell format last)."""
    if kind == "mixed":  # numbers, and text where a number would not be exact
        return lambda r, c, v, f: (
            ws.write_string(r, c, v) if isinstance(v, str) else ws.write_number(r, c, v, f)
        )
    return getattr(ws, "write_" + kind)  # type: ignore[no-any-return]


def _xlsx_column(column: pa.Array, sep: str) -> tuple[list[Any], str, str | None]:
    """A column as Python values, the kind of cell they are written as, and their number
    format (for :meth:`_Book.number_format`)."""
    kind = column.type
    if is_text(kind):
        return neutralise_column(column).to_pylist(), "string", None
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return neutralise_column(joined_lists(column, sep)).to_pylist(), "string", None
    if pa.types.is_boolean(kind):
        return column.to_pylist(), "boolean", None
    if pa.types.is_decimal(kind):
        digits = _EXACT_DIGITS - kind.scale  # digits before the point a number holds exactly
        fmt = "0." + "0" * kind.scale if kind.scale > 0 else "0"
        if digits < 1:
            return text_column(column).to_pylist(), "string", None
        numbers = column.cast(pa.float64(), safe=False)
        if kind.precision <= _EXACT_DIGITS:
            return numbers.to_pylist(), "number", fmt
        limit = pa.scalar(Decimal(10) ** digits, pa.decimal128(_EXACT_DIGITS + 1, kind.scale))
        return _mixed(numbers, column, pc.greater_equal(pc.abs(column), limit), fmt)
    if pa.types.is_integer(kind):
        if kind.bit_width <= 32:
            return column.to_pylist(), "number", None
        limit = 2**53  # beyond, not every whole number is a spreadsheet number
        big = pc.greater(column, pa.scalar(limit, kind))
        if pa.types.is_signed_integer(kind):
            big = pc.or_(big, pc.less(column, pa.scalar(-limit, kind)))
        return _mixed(column, column, big, None)
    if pa.types.is_floating(kind):
        return pc.if_else(pc.is_finite(column), column, None).to_pylist(), "number", None
    if pa.types.is_date(kind):
        days = column.cast(pa.date32())
        serial = pc.add(days.cast(pa.int32()), _EPOCH_SERIAL)
        early = pc.less(days, pa.scalar(_FIRST_SERIAL, pa.date32()))
        return _mixed(serial, column, early, "yyyy-mm-dd")
    if pa.types.is_null(kind):
        return [None] * len(column), "string", None
    return text_column(column).to_pylist(), "string", None  # times, timestamps; or refused


def _mixed(
    numbers: pa.Array, column: pa.Array, as_text: pa.Array, fmt: str | None
) -> tuple[list[Any], str, str | None]:
    """``numbers``, except where ``as_text``: the text of ``column`` there."""
    values = numbers.to_pylist()
    if not pc.any(as_text).as_py():
        return values, "number", fmt
    texts = text_column(column).to_pylist()
    for i in pc.indices_nonzero(as_text.fill_null(False)).to_pylist():
        values[i] = texts[i]
    return values, "mixed", fmt


def _too_long(row: int, names: Sequence[str] | None, col: int) -> InputError:
    name = names[col] if names is not None and col < len(names) else str(col + 1)
    err = InputError(
        f"第 {row} 条记录的 {name} 列：文本超过 Excel 单元格的 32767 个字符",
        f"record {row}, column {name}: the text is longer than an Excel cell holds"
        " (32767 characters)",
    )
    err.code = "xlsx.cell_too_long"
    return err


def write_xlsx(
    path: str | os.PathLike[str],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "Sheet1",
    preamble: Sequence[str] = (),
    footer: Sequence[str] = (),
    landscape: bool = False,
    max_rows: int = EXCEL_MAX_ROWS,
) -> int:
    """Write an XLSX file ready to print from Python rows and return the number of data
    rows written.

    ``preamble`` lines come above the header (the first in bold, as a title), ``footer``
    lines below the data (a complaint channel, a signature line). Header rows repeat on every
    printed page. Numbers (``Decimal``, ``int``) are written as numbers, everything else as
    the text :func:`~edupoverty.records.celltext.cell_text` makes (neutralised). Rows beyond
    ``max_rows`` go on in the next sheet, as for :func:`write_table_xlsx`.

    Examples:
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "list.xlsx"
        >>> write_xlsx(out, ["姓名", "金额"], [["张三", Decimal("500.00")]], preamble=["公示"])
        1
        >>> out.stat().st_size > 0
        True
    """
    _check_shape(header, preamble, footer, max_rows)
    n = 0
    with _book(path, sheet, header, preamble, footer, landscape, max_rows) as book:
        for row in rows:
            ws, r, _ = book.space()
            for c, v in enumerate(row):
                if isinstance(v, Decimal | int) and not isinstance(v, bool):
                    ws.write_number(r, c, v)  # exact for yuan with two places
                elif ws.write_string(r, c, cell_text(v)):
                    raise _too_long(n + 1, header, c)
            book.used(1)
            n += 1
    return n


@contextlib.contextmanager
def _book(
    out: str | os.PathLike[str] | IO[bytes],
    sheet: str,
    header: Sequence[str],
    preamble: Sequence[str],
    footer: Sequence[str],
    landscape: bool,
    max_rows: int,
) -> Iterator[_Book]:
    """A workbook writing to ``out`` (replaced whole when it is a path): closed and stored
    when the block ends normally, dropped with its temporary files when it raises."""
    try:
        import xlsxwriter
    except ImportError:
        raise _missing_extra() from None
    target = replace_whole(out, "wb") if isinstance(out, str | os.PathLike) else nullcontext(out)
    with (
        tempfile.TemporaryDirectory(prefix="edupoverty-xlsx-", ignore_cleanup_errors=True) as rows,
        target as fh,
    ):
        workbook = xlsxwriter.Workbook(
            fh,
            {
                "constant_memory": True,  # a row is written out when the next one starts
                "tmpdir": rows,  # XlsxWriter's files of rows, removed with the folder
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        book = _Book(workbook, sheet, header, preamble, footer, landscape, max_rows)
        yield book
        book.finish()
        workbook.close()


class _Book:
    """The sheets of a workbook, opened as rows come, each with the title lines, the header
    and the footer."""

    def __init__(
        self,
        workbook: Any,
        sheet: str,
        header: Sequence[str],
        preamble: Sequence[str],
        footer: Sequence[str],
        landscape: bool,
        max_rows: int,
    ) -> None:
        self.workbook, self.base, self.landscape = workbook, sheet, landscape
        self.header = [neutralise(h) for h in header]
        self.preamble = [neutralise(line) for line in preamble]
        self.footer = [neutralise(line) for line in footer]
        self.rows_per_sheet = max_rows - len(preamble) - 1 - (len(footer) + 1 if footer else 0)
        self.bold = workbook.add_format({"bold": True})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.number_formats: dict[str | None, Any] = {None: None}
        self.sheets = self.next_row = self.left = 0
        self.ws: Any = None

    def number_format(self, key: str | None) -> Any:
        """The cell format showing numbers as ``key`` (``"0.00"``), made once."""
        if key not in self.number_formats:
            self.number_formats[key] = self.workbook.add_format({"num_format": key})
        return self.number_formats[key]

    def space(self) -> tuple[Any, int, int]:
        """The sheet, the row and the number of rows free for the next data rows (in a new
        sheet when the current one is full)."""
        if self.left == 0:
            if self.ws is not None:
                self._end_sheet()
            self._start_sheet()
        return self.ws, self.next_row, self.left

    def used(self, rows: int) -> None:
        """``rows`` data rows were written from :meth:`space`'s row on."""
        self.next_row += rows
        self.left -= rows

    def finish(self) -> None:
        if self.ws is None:  # no rows: still a sheet with its title lines and header
            self._start_sheet()
        self._end_sheet()

    def _start_sheet(self) -> None:
        self.sheets += 1
        ws = self.ws = self.workbook.add_worksheet(_sheet_name(self.base, self.sheets))
        r = 0
        for i, line in enumerate(self.preamble):
            ws.write_string(r, 0, line, self.title if i == 0 else None)
            r += 1
        for c, h in enumerate(self.header):
            ws.write_string(r, c, h, self.bold)
        ws.repeat_rows(r)
        ws.freeze_panes(r + 1, 0)
        if self.landscape:
            ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_column(0, max(len(self.header) - 1, 0), _WIDTH)
        self.next_row, self.left = r + 1, self.rows_per_sheet

    def _end_sheet(self) -> None:
        r = self.next_row + (1 if self.footer else 0)
        for line in self.footer:
            self.ws.write_string(r, 0, line)
            r += 1


def _check_shape(
    header: Sequence[str], preamble: Sequence[str], footer: Sequence[str], max_rows: int
) -> None:
    """Refuse a sheet that cannot be written: too many columns, no room for a data row."""
    if len(header) > EXCEL_MAX_COLUMNS:
        raise ArgumentError(
            "header", "至多 16384 列", "at most 16384 columns", f"{len(header)} columns"
        )
    if max_rows - len(preamble) - 1 - (len(footer) + 1 if footer else 0) < 1:
        raise ArgumentError(
            "max_rows",
            "容得下标题、表头、表尾和一行数据的行数",
            "rows for the title, header, footer and one data row",
            str(max_rows),
        )


_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(base: str, number: int) -> str:
    """The name of the ``number``-th sheet: ``base``, then ``base(2)`` …, within Excel's
    31 characters and without the characters Excel refuses."""
    name = _NOT_IN_SHEET_NAMES.sub("", base).strip("'") or "名单"
    suffix = "" if number == 1 else f"({number})"
    return name[: 31 - len(suffix)] + suffix


def _missing_extra() -> InputError:
    err = InputError(
        "写入 Excel 需要安装 xlsx 扩展：pip install 'edupoverty[xlsx]'",
        "writing Excel needs the xlsx extra: pip install 'edupoverty[xlsx]'",
    )
    err.code = "xlsx.missing"
    return err
