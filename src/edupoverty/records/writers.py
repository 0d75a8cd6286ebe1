"""Writing CSV, JSON Lines and XLSX files safely (导出).

Two families of writers:

- **from an Arrow table** (the assessment table, a roster table, any table):
  :func:`write_table_csv`, :func:`write_table_jsonl` and
  :func:`~edupoverty.records.xlsx.write_table_xlsx` take a ``pyarrow.Table`` or a stream
  of record batches (written a batch at a time, in bounded memory) and work on whole
  columns: text columns are neutralised by one Arrow kernel per column and batch, and the
  rows are joined in C.
- **from Python rows** (:func:`write_csv`, :func:`write_csv_columns`,
  :func:`~edupoverty.records.xlsx.write_xlsx`): the older writers, for short outputs made
  row by row (ledger exports, public lists).

What every writer does:

- **Formulas are neutralised** in every text cell and header of a CSV or XLSX:
  an apostrophe before a formula character where a spreadsheet may start a cell
  (:func:`~edupoverty.records.celltext.neutralise`; the rule: CSV or formula injection,
  including the full-width ``＝＋－＠`` and a formula after a ``;``). JSON Lines are data
  for programs and are written as they are.
- **Values are written exactly**: money (``decimal128``) with its places (``1200.00``;
  a number with the ``0.00`` format in XLSX), dates as ISO ``2026-10-09``, integers as
  they are, a null as an empty cell (JSON ``null``), a list as its items joined by
  ``list_separator`` (a JSON array). Booleans are ``true``/``false`` (CSV, JSON) or
  TRUE/FALSE (XLSX): a caller that wants 是/否 maps the column first.
- **A file is replaced whole** (:func:`~edupoverty.records.outfile.replace_whole`): the
  writer fills a temporary file beside the target and renames it over the target only
  when complete; on any failure the old file stays. A stream given instead of a path is
  written as it goes (its owner decides what to do with a partial write).

CSV is UTF-8 with a byte-order mark when written to a path (Excel and WPS on Chinese
Windows then read it right), lines end with ``\\n``. The table writer quotes every text
cell (as :mod:`pyarrow.csv` does), so a cell holding a comma, a quote, a carriage return or
a line feed stays one cell.

Examples:
    >>> import io
    >>> import pyarrow as pa
    >>> from decimal import Decimal
    >>> t = pa.table({"name": ["张三", "=1+1"],
    ...               "total": pa.array([Decimal("1200"), None], pa.decimal128(18, 2))})
    >>> buf = io.StringIO()
    >>> write_table_csv(t, buf, header=["姓名", "合计"])
    2
    >>> print(buf.getvalue(), end="")
    "姓名","合计"
    "张三",1200.00
    "'=1+1",
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from typing import IO, Any, TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from edupoverty.errors import ArgumentError
from edupoverty.records.celltext import (
    Cells,
    Tabular,
    cell_text,
    header_names,
    is_text,
    is_value,
    joined_lists,
    map_items,
    neutralise,
    neutralise_column,
    record_batches,
    starts_formula,
    text_column,
)
from edupoverty.records.outfile import replace_whole
from edupoverty.records.xlsx import write_table_xlsx, write_xlsx

__all__ = [
    "Cells",
    "Tabular",
    "cell_text",
    "neutralise",
    "replace_whole",
    "write_csv",
    "write_csv_columns",
    "write_table_csv",
    "write_table_jsonl",
    "write_table_xlsx",
    "write_xlsx",
]

Output = str | os.PathLike[str] | IO[Any]


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
    with replace_whole(path, "w", newline="") as fh:
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
_QUOTED_IN_LINE = re.compile('[,"\r\x00]')


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
    with replace_whole(path, "w", newline="") as fh:
        if header is not None:
            fh.write("\ufeff")  # by hand: see write_csv
        return _write_columns(fh, header, columns, tails, more)


_CHUNK_ROWS = 2048
_NONE_TO_EMPTY = {None: ""}.get  # (v, v) -> "" for None, else v (C-level)


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
    joined = "\n".join(texts)  # one cell a line, if no cell holds a line end
    if _QUOTED_IN_LINE.search(joined) or joined.count("\n") != len(texts) - 1:
        return None
    return None if starts_formula(joined) else texts


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


# --- writers from an Arrow table -------------------------------------------------------------


def write_table_csv(
    table: Tabular,
    out: Output,
    *,
    header: Sequence[str] | None = None,
    bom: bool | None = None,
    list_separator: str = "、",
) -> int:
    """Write ``table`` as CSV and return the number of data rows written.

    ``table`` is an Arrow table or a stream of record batches (see
    :data:`~edupoverty.records.celltext.Tabular`); ``header`` the names shown for its
    columns (``["姓名", …]``), its column names when None. ``out`` is a path (replaced
    whole, UTF-8 with a byte-order mark) or an open stream, text or binary (no byte-order
    mark unless ``bom``). Text cells and the header are neutralised, column by column; the
    lines are made by :mod:`pyarrow.csv` (every text cell quoted; numbers, money, dates
    and booleans not; a null as nothing). A list column is written as its items joined by
    ``list_separator``.

    Examples:
        >>> import io
        >>> import pyarrow as pa
        >>> t = pa.table({"row": [2, 3], "name": ["张三", "-李四"],
        ...               "missing": [["营养改善计划"], []], "boarding": [True, None]})
        >>> buf = io.StringIO()
        >>> write_table_csv(t, buf)
        2
        >>> print(buf.getvalue(), end="")
        "row","name","missing","boarding"
        2,"张三","营养改善计划",true
        3,"'-李四","",
    """
    schema, batches = record_batches(table)
    shown = header_names(schema, header)
    names = None if shown is None else [neutralise(h) for h in shown]
    if isinstance(out, str | os.PathLike):
        with replace_whole(out, "wb") as fh:
            return _csv_to(fh, names, batches, True if bom is None else bom, list_separator)
    return _csv_to(out, names, batches, bool(bom), list_separator)


def _csv_to(
    fh: IO[Any], names: list[str] | None, batches: Iterator[pa.RecordBatch], bom: bool, sep: str
) -> int:
    write = _sink(fh)
    if bom:
        write(b"\xef\xbb\xbf")
    written = False
    n = 0
    for batch in batches:
        cells = [_csv_column(c, sep) for c in batch.columns]
        if len(cells) == 1:  # a null alone on its line would be a blank line, which readers skip
            cells = [pc.fill_null(text_column(cells[0]), "")]
        write(_csv_text(pa.RecordBatch.from_arrays(cells, names=names), not written))
        written = True
        n += batch.num_rows
    if not written and names is not None:  # no rows: the header alone
        empty = pa.RecordBatch.from_arrays([pa.array([], pa.string()) for _ in names], names=names)
        write(_csv_text(empty, True))
    return n


def _csv_text(batch: pa.RecordBatch, header: bool) -> pa.Buffer:
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(batch, sink, pa_csv.WriteOptions(include_header=header))
    return sink.getvalue()


def _csv_column(column: pa.Array, sep: str) -> pa.Array:
    """A column ready for :mod:`pyarrow.csv`: text neutralised, lists joined, numbers, money,
    dates and booleans as they are (the CSV writer prints them), NaN and infinities null."""
    kind = column.type
    if is_text(kind):
        return neutralise_column(column)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return neutralise_column(joined_lists(column, sep))
    if pa.types.is_floating(kind):
        return pc.if_else(pc.is_finite(column), column, None)
    if is_value(kind):
        return column
    raise ArgumentError("table", "可写出的列", "columns that can be written", str(kind))


def _sink(fh: IO[Any]) -> Any:
    """A function writing a :class:`pyarrow.Buffer` (or bytes) of UTF-8 text to ``fh``,
    a binary or a text stream."""
    if isinstance(fh, io.TextIOBase):
        return lambda data: fh.write(bytes(data).decode("utf-8"))
    return lambda data: fh.write(memoryview(data))


def write_table_jsonl(table: Tabular, out: Output) -> int:
    """Write ``table`` as JSON Lines (one JSON object a row, UTF-8, no byte-order mark) and
    return the number of rows written.

    Each object has the table's column names as keys, in column order. Text is written as
    it is (JSON Lines are data for programs, not spreadsheets: nothing is neutralised);
    money as a string with its places (``"1200.00"``, exact, as
    :func:`~edupoverty.records.convert.to_json` writes it); dates as ISO strings; integers,
    floats and booleans as JSON numbers and ``true``/``false``; a null (and a NaN) as
    ``null``; a list as a JSON array. ``out`` is a path (replaced whole) or an open stream.

    Examples:
        >>> import io, json
        >>> import pyarrow as pa
        >>> from decimal import Decimal
        >>> t = pa.table({"name": ['张"三'],
        ...               "total": pa.array([Decimal("1200")], pa.decimal128(18, 2)),
        ...               "not_configured": [["营养改善计划"]],
        ...               "grade": pa.array([None], pa.int64())})
        >>> buf = io.StringIO()
        >>> write_table_jsonl(t, buf)
        1
        >>> print(buf.getvalue(), end="")
        {"name":"张\\"三","total":"1200.00","not_configured":["营养改善计划"],"grade":null}
        >>> json.loads(buf.getvalue())["name"]
        '张"三'
    """
    schema, batches = record_batches(table)
    if isinstance(out, str | os.PathLike):
        with replace_whole(out, "wb") as fh:
            return _jsonl_to(fh, schema, batches)
    return _jsonl_to(out, schema, batches)


def _jsonl_to(fh: IO[Any], schema: pa.Schema | None, batches: Iterator[pa.RecordBatch]) -> int:
    write = _sink(fh)
    keys = [] if schema is None else [_json_key(k) for k in schema.names]
    n = 0
    for batch in batches:
        if not batch.num_rows:
            continue
        # {"key":value,"key":value}: a piece a column, its key and brackets included, then
        # one join of the pieces (a join of few pieces is what Arrow does fast)
        last = batch.num_columns - 1
        pairs = [
            _json_column(
                values, ("{" if i == 0 else "") + keys[i] + ":", "}\n" if i == last else ""
            )
            for i, values in enumerate(batch.columns)
        ]
        lines = (
            pc.binary_join_element_wise(*pairs, ",")
            if pairs
            else pa.array(["{}\n"] * batch.num_rows)
        )
        write(_concatenated(lines))
        n += batch.num_rows
    return n


def _concatenated(strings: pa.Array) -> memoryview:
    """The text of a string array without nulls: all its values one after the other, as
    they lie in its data buffer."""
    width = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    offsets = np.frombuffer(
        strings.buffers()[1],
        dtype=width,
        count=len(strings) + 1,
        offset=strings.offset * width().itemsize,
    )
    return memoryview(strings.buffers()[2])[offsets[0] : offsets[-1]]


# What a JSON string escapes: quotes, backslashes and control characters; and the line
# ends a reader splitting text into lines may see (U+0085, U+2028, U+2029), so that one
# object stays one line for every reader.
_LINE_ENDS: dict[str, str | int | None] = {c: f"\\u{ord(c):04x}" for c in "\u0085\u2028\u2029"}
_JSON_SPECIAL = '[\\x00-\\x1f"\\\\\u0085\u2028\u2029]'
_JSON_CONTROL = "[\\x00-\\x1f\u0085\u2028\u2029]"
_CONTROLS = [(c, json.dumps(c)[1:-1]) for c in map(chr, range(0x20))] + [*_LINE_ENDS.items()]


def _json_key(name: str) -> str:
    """A column name as a JSON string, escaped as :func:`_json_escaped` escapes values."""
    return json.dumps(name, ensure_ascii=False).translate(str.maketrans(_LINE_ENDS))


def _json_column(column: pa.Array, before: str = "", after: str = "") -> pa.Array:
    """A column as JSON texts, one a row (a null as ``null``), each between ``before`` and
    ``after``."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        values = _json_column(column.dictionary, before, after)
        return values.take(column.indices).fill_null(before + "null" + after)
    if is_text(kind):
        return _wrapped(before, _json_escaped(text_column(column)), after, '"', '"')
    if pa.types.is_decimal(kind) or _is_time(kind):  # exact money, ISO dates: no escapes
        return _wrapped(before, text_column(column), after, '"', '"')
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        items = pc.binary_join(map_items(column, _json_column), ",")
        return _wrapped(before, items, after, "[", "]")
    if pa.types.is_boolean(kind) or pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return _wrapped(before, text_column(column), after)
    if pa.types.is_null(kind):
        return pa.array([before + "null" + after] * len(column), pa.string())
    raise ArgumentError("table", "可写出的列", "columns that can be written", str(kind))


def _is_time(kind: pa.DataType) -> bool:
    return bool(pa.types.is_date(kind) or pa.types.is_timestamp(kind) or pa.types.is_time(kind))


def _wrapped(
    before: str, texts: pa.Array, after: str, opening: str = "", closing: str = ""
) -> pa.Array:
    """``before + opening + text + closing + after`` a row; ``before + "null" + after`` for
    a null."""
    if before or after or opening or closing:
        texts = pc.binary_join_element_wise(before + opening, texts, closing + after, "")
    return texts.fill_null(before + "null" + after)


def _json_escaped(texts: pa.Array) -> pa.Array:
    """Text escaped for the inside of a JSON string, as :func:`json.dumps` escapes it with
    ``ensure_ascii=False`` (and the line ends of :data:`_LINE_ENDS`)."""
    if pc.any(pc.match_substring_regex(texts, _JSON_SPECIAL)).as_py():
        texts = pc.replace_substring(texts, "\\", "\\\\")
        texts = pc.replace_substring(texts, '"', '\\"')
        if pc.any(pc.match_substring_regex(texts, _JSON_CONTROL)).as_py():
            for char, escaped in _CONTROLS:
                if pc.any(pc.match_substring(texts, char)).as_py():
                    texts = pc.replace_substring(texts, char, escaped)
    return texts
