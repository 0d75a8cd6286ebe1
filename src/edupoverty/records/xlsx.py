"""Writing XLSX workbooks (Excel 导出): from Arrow tables or from Python rows.

The writers use XlsxWriter in its ``constant_memory`` mode (a row is written out as soon as
the next one starts, so memory stays flat whatever the number of rows) and write every cell
as a value of its own kind — text, number, boolean, date — never as a formula. Text and
headers are neutralised (:func:`~edupoverty.records.celltext.neutralise`).

Every sheet is ready for a county office to use as it is: the header row bold, frozen, with
an autofilter on it and repeated on every printed page; columns as wide as their content
(:func:`text_width`: a CJK character counts double; at most :data:`MAX_COLUMN_WIDTH`);
money as numbers shown with two places (``0.00``) and a totals row under the money columns
(合计: the sum of the sheet's amounts, computed here and written as a number, so the file
reads the same in every viewer; a column without any amount has an empty total, never 0);
printed fit to the page width, in landscape when the columns are wide.

A sheet holds at most :data:`EXCEL_MAX_ROWS` rows (header, title and totals lines
included). When the rows do not fit, they go on into a second sheet, a third …, named
``名单``, ``名单(2)``, ``名单(3)`` … — every sheet with the title lines, the header, the
autofilter, the totals of its own rows (本表合计; the last sheet also the grand total, 总计)
and the footer lines (a complaint channel, a signature line), so that any sheet printed
alone is complete. No row is ever dropped. :func:`write_sheets_xlsx` writes several tables
into one workbook, one after the other (a result, the rows rejected, the problems found).

A path output is replaced whole (:func:`~edupoverty.records.outfile.replace_whole`). Needs
the ``xlsx`` extra (XlsxWriter).

Examples:
    >>> import pathlib, tempfile
    >>> import pyarrow as pa
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "名单.xlsx"
    >>> write_table_xlsx(pa.table({"姓名": ["张三", "李四", "王五"]}), out, max_rows=3)
    3
    >>> from openpyxl import load_workbook
    >>> book = load_workbook(out)
    >>> [ws.title for ws in book.worksheets], book["名单"].freeze_panes
    (['名单', '名单(2)'], 'A2')
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from decimal import Decimal
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
from attrs import field, frozen

from edupoverty.errors import ArgumentError, InputError
from edupoverty.records.celltext import (
    Tabular,
    cell_text,
    header_names,
    neutralise,
    record_batches,
)
from edupoverty.records.outfile import replace_whole
from edupoverty.records.xlsxcells import EXACT_DIGITS, text_width, xlsx_column

__all__ = [
    "EXCEL_MAX_COLUMNS",
    "EXCEL_MAX_ROWS",
    "MAX_COLUMN_WIDTH",
    "Sheet",
    "text_width",
    "write_sheets_xlsx",
    "write_table_xlsx",
    "write_xlsx",
]

EXCEL_MAX_ROWS = 1_048_576
"""Rows in one Excel sheet (header and title lines included)."""

EXCEL_MAX_COLUMNS = 16_384
"""Columns in one Excel sheet."""

MAX_COLUMN_WIDTH = 50
"""The widest a column is made (in characters); longer texts wrap onto the next page."""

_MIN_WIDTH = 6  # the narrowest column: room for the filter button beside a short header
_LANDSCAPE_WIDTH = 110  # columns wider than this in all print in landscape
_LANDSCAPE_COLUMNS = 6  # and so do sheets of more columns than this
_MONEY_FORMAT = "0.00"
_TOTALS = {  # (one sheet, each of several, the grand total)
    "zh": ("合计", "本表合计", "总计"),
    "en": ("Total", "Sheet total", "Grand total"),
}

Write = Callable[[int, int, Any, Any], int]


def _strings(lines: Iterable[str]) -> tuple[str, ...]:
    return tuple(lines)


@frozen
class Sheet:
    """One table of a workbook written by :func:`write_sheets_xlsx`: its rows (an Arrow
    table or a stream of record batches, :data:`~edupoverty.records.celltext.Tabular`,
    read only when its turn comes) and how its sheets look.

    ``name`` is the sheet's name (``名单``; ``名单(2)`` … when the rows need several sheets);
    ``header`` the names shown for the columns (the column names when None); ``preamble``
    lines come above the header (the first in bold, as a title), ``footer`` lines below the
    data after a blank row; ``landscape`` None lets the width of the columns decide;
    ``totals`` adds the totals row under the money (``decimal``) columns.

    Examples:
        >>> Sheet(pa.table({"行": [2]}), "未通过的行").totals
        True
    """

    table: Any
    name: str = "名单"
    header: Sequence[str] | None = None
    preamble: tuple[str, ...] = field(default=(), converter=_strings)
    footer: tuple[str, ...] = field(default=(), converter=_strings)
    landscape: bool | None = None
    totals: bool = True


def write_sheets_xlsx(
    out: str | os.PathLike[str] | IO[bytes],
    sheets: Iterable[Sheet],
    *,
    lang: str = "zh",
    list_separator: str = "、",
    max_rows: int = EXCEL_MAX_ROWS,
) -> tuple[int, ...]:
    """Write each of ``sheets`` into one XLSX workbook, one after the other; return the
    number of data rows of each.

    Each table is written as :func:`write_table_xlsx` writes one (its cells, its header, its
    totals row labelled in ``lang``, its print set-up, its split into further sheets past
    ``max_rows`` rows); a table is read only once the tables before it are written, so a
    stream may give, after its rows, what it found while reading them.

    Examples:
        >>> import pathlib, tempfile
        >>> from decimal import Decimal
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "测算.xlsx"
        >>> money = pa.array([Decimal("300"), None, Decimal("0.5")], pa.decimal128(18, 2))
        >>> write_sheets_xlsx(out, [
        ...     Sheet(pa.table({"姓名": ["张三", "李四", "王五"], "金额": money}), "测算结果"),
        ...     Sheet(pa.table({"行": [5], "原因": ["第5行 学段：必填项为空"]}), "未通过的行")])
        (3, 1)
        >>> from openpyxl import load_workbook
        >>> ws = load_workbook(out)["测算结果"]
        >>> [[c.value for c in row] for row in ws.iter_rows()]
        [['姓名', '金额'], ['张三', 300], ['李四', None], ['王五', 0.5], ['合计', 300.5]]
        >>> ws["B2"].number_format, ws.auto_filter.ref, ws.print_title_rows
        ('0.00', 'A1:B4', '$1:$1')
    """
    done: list[int] = []
    with _workbook(out) as book:
        for sheet in sheets:
            done.append(_write_table(book, sheet, lang, list_separator, max_rows))
    return tuple(done)


def write_table_xlsx(
    table: Tabular,
    out: str | os.PathLike[str] | IO[bytes],
    *,
    sheet: str = "名单",
    header: Sequence[str] | None = None,
    preamble: Sequence[str] = (),
    footer: Sequence[str] = (),
    landscape: bool | None = None,
    totals: bool = True,
    lang: str = "zh",
    list_separator: str = "、",
    max_rows: int = EXCEL_MAX_ROWS,
) -> int:
    """Write ``table`` as an XLSX workbook ready to use and print; return the number of data
    rows.

    ``table`` is an Arrow table or a stream of record batches
    (:data:`~edupoverty.records.celltext.Tabular`); ``header`` the names shown for its
    columns (its column names when None). ``preamble`` lines come above the header (the
    first in bold, as a title), ``footer`` lines below the data after a blank row. Cells:
    text neutralised; money (``decimal``) as a number with its places shown (``0.00``) —
    or as text when it has more digits than a spreadsheet number holds exactly (15); whole
    numbers as numbers (as text beyond 2**53); dates as dates (``yyyy-mm-dd``; as ISO text
    before 1900-03-01); booleans as TRUE/FALSE; lists joined by ``list_separator``; times
    and timestamps as text; a null or a NaN as an empty cell. With ``totals``, a row
    labelled 合计 (``Total`` with ``lang="en"``) under the data sums each money column.
    The layout (frozen header, autofilter, widths, printing) is the module's. ``out`` is a
    path (replaced whole) or a binary stream. Rows beyond ``max_rows`` in a sheet go on in
    the next sheet (module documentation). A text longer than a cell holds (32,767
    characters) raises :class:`~edupoverty.errors.InputError` (``xlsx.cell_too_long``,
    naming the row and column) instead of being cut.

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
        [['公示', None], ['姓名', '合计'], ["'=1+1", 1200], ['合计', 1200], [None, None], \
['监督电话', None]]
        >>> ws["B3"].number_format, ws.freeze_panes
        ('0.00', 'A3')
    """
    spec = Sheet(table, sheet, header, preamble, footer, landscape, totals)
    with _workbook(out) as book:
        return _write_table(book, spec, lang, list_separator, max_rows)


def _write_table(book: _Workbook, spec: Sheet, lang: str, sep: str, max_rows: int) -> int:
    """Write one :class:`Sheet` of a workbook; return its number of data rows."""
    schema, batches = record_batches(spec.table)
    names = header_names(schema, spec.header) or []
    money = (
        [i for i, f in enumerate(schema) if pa.types.is_decimal(f.type)]
        if spec.totals and schema is not None
        else []
    )
    _check_shape(names, spec.preamble, spec.footer, bool(money), max_rows)
    series = _Series(book, spec, names, money, lang, max_rows)
    n = 0
    for batch in batches:
        columns = [xlsx_column(c, sep) for c in batch.columns]
        formats = [book.number_format(fmt) for _, _, fmt, _ in columns]
        for c, (_, _, _, width) in enumerate(columns):
            series.widen(c, width)
        done = 0
        while done < batch.num_rows:
            ws, first, room = series.space()
            k = min(room, batch.num_rows - done)
            cells = [
                (c, values, _writer(ws, kind), formats[c])
                for c, (values, kind, _, _) in enumerate(columns)
            ]
            for j in range(done, done + k):
                r = first + j - done
                for c, values, write, fmt in cells:
                    v = values[j]
                    if v is not None and write(r, c, v, fmt):
                        raise _too_long(n + j + 1, names, c)
            for c in money:
                series.add(c, pc.sum(batch.column(c).slice(done, k)).as_py())
            series.used(k)
            done += k
        n += batch.num_rows
    series.finish()
    return n


def _writer(ws: Any, kind: str) -> Write:
    """The method of ``ws`` that writes a cell of ``kind`` (a cell format last)."""
    if kind == "mixed":  # numbers, and text where a number would not be exact
        return lambda r, c, v, f: (
            ws.write_string(r, c, v) if isinstance(v, str) else ws.write_number(r, c, v, f)
        )
    return getattr(ws, "write_" + kind)  # type: ignore[no-any-return]


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
    landscape: bool | None = None,
    money: Sequence[int] = (),
    lang: str = "zh",
    max_rows: int = EXCEL_MAX_ROWS,
) -> int:
    """Write an XLSX file ready to use and print from Python rows and return the number of
    data rows written.

    ``preamble`` lines come above the header (the first in bold, as a title), ``footer``
    lines below the data (a complaint channel, a signature line). Amounts (``Decimal``) are
    written as numbers shown with two places (``0.00``), whole numbers (``int``) as
    numbers, everything else as the text :func:`~edupoverty.records.celltext.cell_text`
    makes (neutralised). The columns at the positions ``money`` get a totals row under the
    data (the sum of their amounts; a text there, such as 未配置, counts for nothing).
    The layout and the split into further sheets past ``max_rows`` rows are those of
    :func:`write_table_xlsx`.

    Examples:
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "list.xlsx"
        >>> write_xlsx(out, ["姓名", "金额"], [["张三", Decimal("500.00")], ["李四", "未配置"]],
        ...            money=[1], preamble=["公示"])
        2
        >>> from openpyxl import load_workbook
        >>> ws = load_workbook(out).active
        >>> [c.value for c in ws[5]], ws["B3"].number_format
        (['合计', 500], '0.00')
    """
    _check_shape(header, preamble, footer, bool(money), max_rows)
    spec = Sheet((), sheet, header, preamble, footer, landscape, bool(money))
    n = 0
    with _workbook(path) as book:
        series = _Series(book, spec, header, list(money), lang, max_rows)
        amount = book.number_format(_MONEY_FORMAT)
        for row in rows:
            ws, r, _ = series.space()
            for c, v in enumerate(row):
                if isinstance(v, Decimal | int) and not isinstance(v, bool):
                    if isinstance(v, Decimal):
                        ws.write_number(r, c, v, amount)  # exact for yuan with two places
                        series.add(c, v)
                    else:
                        ws.write_number(r, c, v)
                    series.widen(c, len(str(v)))
                    continue
                text = cell_text(v)
                if ws.write_string(r, c, text):
                    raise _too_long(n + 1, header, c)
                series.widen(c, text_width(text))
            series.used(1)
            n += 1
        series.finish()
    return n


@contextlib.contextmanager
def _workbook(out: str | os.PathLike[str] | IO[bytes]) -> Iterator[_Workbook]:
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
        yield _Workbook(workbook)
        workbook.close()


class _Workbook:
    """An XlsxWriter workbook and its cell formats, each made once."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.bold = workbook.add_format({"bold": True})
        self.header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": False})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.formats: dict[tuple[str | None, bool], Any] = {(None, False): None}
        self.names: set[str] = set()

    def number_format(self, key: str | None, bold: bool = False) -> Any:
        """The cell format showing numbers as ``key`` (``"0.00"``), in bold if asked."""
        if (key, bold) not in self.formats:
            spec: dict[str, Any] = {"bold": True, "top": 1} if bold else {}
            if key is not None:
                spec["num_format"] = key
            self.formats[key, bold] = self.workbook.add_format(spec)
        return self.formats[key, bold]

    def add_worksheet(self, base: str) -> Any:
        """A new sheet named ``base`` (``base(2)`` … when taken)."""
        number = 1
        while (name := _sheet_name(base, number)).lower() in self.names:
            number += 1
        self.names.add(name.lower())
        return self.workbook.add_worksheet(name)


class _Series:
    """The sheets one table is written into, opened as rows come, each with the title lines,
    the header, the totals of its rows and the footer, laid out for use and print."""

    def __init__(
        self,
        book: _Workbook,
        spec: Sheet,
        header: Sequence[str],
        money: list[int],
        lang: str,
        max_rows: int,
    ) -> None:
        self.book, self.spec, self.money = book, spec, money
        self.labels = _TOTALS["en" if lang == "en" else "zh"]
        self.header = [neutralise(h) for h in header]
        self.preamble = [neutralise(line) for line in spec.preamble]
        self.footer = [neutralise(line) for line in spec.footer]
        self.widths = [text_width(h) + 2 for h in self.header]  # the filter button
        self.rows_per_sheet = _data_rows(max_rows, self.preamble, self.footer, bool(money))
        self.label_column = next((c for c in range(len(header)) if c not in money), None)
        self.sums: dict[int, Decimal | None] = dict.fromkeys(money)
        self.grand: dict[int, Decimal | None] = dict.fromkeys(money)
        self.sheets = self.next_row = self.left = self.header_row = 0
        self.ws: Any = None

    def space(self) -> tuple[Any, int, int]:
        """The sheet, the row and the number of rows free for the next data rows (in a new
        sheet when the current one is full)."""
        if self.left == 0:
            if self.ws is not None:
                self._end_sheet(last=False)
            self._start_sheet()
        return self.ws, self.next_row, self.left

    def used(self, rows: int) -> None:
        """``rows`` data rows were written from :meth:`space`'s row on."""
        self.next_row += rows
        self.left -= rows

    def widen(self, column: int, width: int) -> None:
        """Column ``column`` holds a value ``width`` characters wide."""
        if column < len(self.widths) and width > self.widths[column]:
            self.widths[column] = width

    def add(self, column: int, amount: Decimal | None) -> None:
        """Add ``amount`` (None: no amount) to the totals of money column ``column``."""
        if amount is not None and column in self.sums:
            for sums in (self.sums, self.grand):
                held = sums[column]
                sums[column] = amount if held is None else held + amount

    def finish(self) -> None:
        if self.ws is None:  # no rows: still a sheet with its title lines and header
            self._start_sheet()
        self._end_sheet(last=True)

    def _start_sheet(self) -> None:
        self.sheets += 1
        ws = self.ws = self.book.add_worksheet(self.spec.name)
        r = 0
        for i, line in enumerate(self.preamble):
            ws.write_string(r, 0, line, self.book.title if i == 0 else None)
            r += 1
        for c, h in enumerate(self.header):
            ws.write_string(r, c, h, self.book.header)
        self.header_row = r
        self.next_row, self.left = r + 1, self.rows_per_sheet

    def _end_sheet(self, last: bool) -> None:
        ws, r, top = self.ws, self.next_row, self.header_row
        if self.money:
            several = self.sheets > 1 or not last
            self._totals_row(r, self.labels[1 if several else 0], self.sums)
            r += 1
            if last and several:
                self._totals_row(r, self.labels[2], self.grand)
                r += 1
            self.sums = dict.fromkeys(self.money)
        r += 1 if self.footer else 0
        for line in self.footer:
            ws.write_string(r, 0, line)
            r += 1
        width = max(len(self.header), 1)
        ws.autofilter(top, 0, max(self.next_row - 1, top), width - 1)
        ws.freeze_panes(top + 1, 0)
        ws.repeat_rows(top)  # the header on every printed page
        for c, w in enumerate(self.widths):
            ws.set_column(c, c, min(max(w + 1, _MIN_WIDTH), MAX_COLUMN_WIDTH))
        landscape = self.spec.landscape
        if landscape is None:
            shown = sum(min(w, MAX_COLUMN_WIDTH) for w in self.widths)
            landscape = len(self.header) > _LANDSCAPE_COLUMNS or shown > _LANDSCAPE_WIDTH
        if landscape:
            ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)  # the width of one page, as many pages down as needed

    def _totals_row(self, r: int, label: str, sums: dict[int, Decimal | None]) -> None:
        ws = self.ws
        if self.label_column is not None:
            ws.write_string(r, self.label_column, label, self.book.bold)
        number = self.book.number_format(_MONEY_FORMAT, bold=True)
        for c, total in sums.items():
            if total is None:
                continue  # no amount in the column: an empty total, never 0
            if abs(total) < Decimal(10) ** (EXACT_DIGITS - 2):
                # an Excel number is a double: below this size it holds the fen exactly
                ws.write_number(r, c, float(total), number)
            else:
                ws.write_string(r, c, str(total), number)


def _data_rows(
    max_rows: int, preamble: Sequence[str], footer: Sequence[str], totals: bool
) -> int:
    """The data rows a sheet of ``max_rows`` rows holds: less the preamble, the header, the
    totals (the sheet's and the grand total) and the footer with the blank line above it."""
    tail = len(footer) + 1 if footer else 0
    return max_rows - len(preamble) - 1 - (2 if totals else 0) - tail


def _check_shape(
    header: Sequence[str],
    preamble: Sequence[str],
    footer: Sequence[str],
    totals: bool,
    max_rows: int,
) -> None:
    """Refuse a sheet that cannot be written: too many columns, no room for a data row."""
    if len(header) > EXCEL_MAX_COLUMNS:
        raise ArgumentError(
            "header", "至多 16384 列", "at most 16384 columns", f"{len(header)} columns"
        )
    if _data_rows(max_rows, preamble, footer, totals) < 1:
        raise ArgumentError(
            "max_rows",
            "容得下标题、表头、合计、表尾和一行数据的行数",
            "rows for the title, header, totals, footer and one data row",
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
