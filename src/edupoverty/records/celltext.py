"""What a spreadsheet cell holds as text (单元格文本): the formula rule, values and Arrow columns.

Every CSV or XLSX the library writes passes its text through one rule, :data:`FORMULA`: a
place where a spreadsheet program may start reading a formula — the start of the cell, and
the text after a ``;`` (where the list separator is ``;``, as in much of Europe, a CSV
cell ``x;=1+1`` opens as two cells, the second a live formula) — that is followed by ``=``,
``+``, ``-``, ``@``, a tab or a carriage return (which some programs strip before looking),
or the full-width ``＝＋－＠`` (which East-Asian Excel and WPS read as their ASCII twins),
gets an apostrophe there. Excel and WPS then show the text instead of running it (CSV or
formula injection, CWE-1236). Quotes between the ``;`` and the character count as part of
the place (``x;"=1"``).

The rule is one regular expression, applied by Python's :mod:`re` to one value
(:func:`neutralise`) and by Arrow's RE2 kernels to a whole column at once
(:func:`neutralise_column`); a property test holds them equal on arbitrary text.

Examples:
    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise("张三"), neutralise("-12.5 kg"), neutralise("＝1+1"), neutralise("x;=1+1")
    ('张三', "'-12.5 kg", "'＝1+1", "x;'=1+1")
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.errors import ArgumentError

__all__ = [
    "FORMULA",
    "Cells",
    "Tabular",
    "cell_text",
    "header_names",
    "is_text",
    "is_value",
    "joined_lists",
    "map_items",
    "neutralise",
    "neutralise_column",
    "record_batches",
    "starts_formula",
    "text_column",
]

_STARTS = "=+\\-@\t\r＝＋－＠"  # a character class body: the characters that start a formula
FORMULA = f'(^|;"*)([{_STARTS}])'
"""The formula rule, as a regular expression that Python's ``re`` and RE2 read alike: group
1 is the place (the start of the text, or a ``;`` and any quotes), group 2 the character a
spreadsheet would read as the start of a formula. :func:`neutralise` puts an apostrophe
between the two.

Examples:
    >>> bool(re.search(FORMULA, "a;+1")), bool(re.search(FORMULA, "a-1"))
    (True, False)
"""

_APOSTROPHE = r"\1'\2"  # the replacement, in the syntax both engines read
_FORMULA = re.compile(FORMULA)
_FORMULA_LINES = re.compile(FORMULA, re.MULTILINE)  # the rule over many cells joined by "\n"


def neutralise(text: str) -> str:
    """Make ``text`` safe in a spreadsheet cell while keeping it readable: an apostrophe
    before every formula character where a cell may start (:data:`FORMULA`).

    Examples:
        >>> neutralise("@SUM(A1:A9)"), neutralise("\\tx")
        ("'@SUM(A1:A9)", "'\\tx")
        >>> neutralise("1000.00"), neutralise("a-b;c")
        ('1000.00', 'a-b;c')
        >>> neutralise('备注;"+86 138')
        '备注;"\\'+86 138'
    """
    return _FORMULA.sub(_APOSTROPHE, text)


def starts_formula(texts: str) -> bool:
    """Whether any line of ``texts`` holds a place :func:`neutralise` would change.

    Examples:
        >>> starts_formula("张三\\n李四"), starts_formula("张三\\n-1")
        (False, True)
    """
    return _FORMULA_LINES.search(texts) is not None


def neutralise_column(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """:func:`neutralise` applied to a whole text column by Arrow (RE2), the same rule.

    A dictionary-encoded column is neutralised on its dictionary (its distinct values);
    nulls stay null. A column where nothing needs neutralising is returned as it is.

    Examples:
        >>> col = pa.array(["张三", "=1+1", None, "x;@A1"])
        >>> neutralise_column(col).to_pylist()
        ['张三', "'=1+1", None, "x;'@A1"]
        >>> neutralise_column(col.dictionary_encode()).dictionary.to_pylist()
        ['张三', "'=1+1", "x;'@A1"]
    """
    if isinstance(column, pa.ChunkedArray):
        return pa.chunked_array([neutralise_column(c) for c in column.chunks], column.type)
    if pa.types.is_dictionary(column.type):
        values = neutralise_column(column.dictionary)
        return pa.DictionaryArray.from_arrays(column.indices, values, ordered=column.type.ordered)
    column = _text(column)
    if pc.any(pc.match_substring_regex(column, FORMULA)).as_py():
        return pc.replace_substring_regex(column, pattern=FORMULA, replacement=_APOSTROPHE)
    return column


def _text(column: pa.Array) -> pa.Array:
    """A string column as ``string``/``large_string`` (the types the RE2 kernels take)."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column
    if pa.types.is_string_view(kind):
        return column.cast(pa.string())
    raise ArgumentError("column", "文本列", "a text column", str(kind))


def is_text(kind: pa.DataType) -> bool:
    """Whether an Arrow type holds text (``string``, ``large_string``, ``string_view``, or a
    dictionary of one of them).

    Examples:
        >>> is_text(pa.string()), is_text(pa.dictionary(pa.int32(), pa.string()))
        (True, True)
        >>> is_text(pa.int8())
        False
    """
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    )


def is_value(kind: pa.DataType) -> bool:
    """Whether an Arrow type holds values the writers print as they are, with nothing to
    neutralise: booleans, numbers, money (decimals), dates, times, timestamps, null.

    Examples:
        >>> is_value(pa.decimal128(18, 2)), is_value(pa.date32()), is_value(pa.binary())
        (True, True, False)
    """
    t = pa.types
    return bool(
        t.is_boolean(kind)
        or t.is_integer(kind)
        or t.is_floating(kind)
        or t.is_decimal(kind)
        or t.is_date(kind)
        or t.is_timestamp(kind)
        or t.is_time(kind)
        or t.is_null(kind)
    )


def header_names(schema: pa.Schema | None, header: Sequence[str] | None) -> list[str] | None:
    """The names written above the columns of a table: ``header`` (one a column), or the
    column names; None for a stream without batches and without ``header``. Not neutralised.

    Examples:
        >>> header_names(pa.schema([("name", pa.string())]), ["姓名"])
        ['姓名']
        >>> header_names(pa.schema([("name", pa.string())]), None)
        ['name']
    """
    if header is not None and (
        isinstance(header, str) or not all(isinstance(h, str) for h in header)
    ):
        raise ArgumentError("header", "列名列表", "a list of column names", type(header).__name__)
    if header is not None and schema is not None and len(header) != len(schema):
        raise ArgumentError(
            "header", f"{len(schema)} 个列名", f"{len(schema)} column names", f"{len(header)}"
        )
    if header is not None:
        return list(header)
    return None if schema is None else list(schema.names)


def text_column(column: pa.Array) -> pa.Array:
    """A column's cells as text (nulls stay null): money with its places (``"1200.00"``),
    ISO dates, ``true``/``false``, numbers as Arrow prints them, lists joined by ``、``
    (:func:`joined_lists`). Not neutralised.

    Examples:
        >>> from decimal import Decimal
        >>> text_column(pa.array([Decimal("1200.00"), None], pa.decimal128(18, 2))).to_pylist()
        ['1200.00', None]
        >>> text_column(pa.array([date(2026, 10, 9)])).to_pylist()
        ['2026-10-09']
    """
    kind = column.type
    if pa.types.is_dictionary(kind):
        return text_column(column.dictionary).take(column.indices)
    if is_text(kind):
        return _text(column)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return joined_lists(column, "、")
    if not is_value(kind):
        raise ArgumentError("column", "可写出的列", "a column that can be written", str(kind))
    if pa.types.is_floating(kind):
        column = pc.if_else(pc.is_finite(column), column, None)
    return column.cast(pa.string())


def joined_lists(column: pa.Array, separator: str) -> pa.Array:
    """A list column as text: each list's items (as :func:`text_column` writes them) joined
    by ``separator``; a null item as empty text, a null list as null.

    Examples:
        >>> joined_lists(pa.array([["寄宿生生活补助", "营养改善计划"], [], None]), "、").to_pylist()
        ['寄宿生生活补助、营养改善计划', '', None]
    """
    lists = map_items(column, lambda items: pc.fill_null(text_column(items), ""))
    return pc.binary_join(lists, separator)


def map_items(column: pa.Array, function: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """A list column with ``function`` applied to all its items at once (it returns an
    array as long as the one it is given): the same lists, the same nulls.

    Examples:
        >>> col = pa.array([[1, 2], None, [3]]).slice(1)
        >>> map_items(col, lambda items: pc.multiply(items, 10)).to_pylist()
        [None, [30]]
    """
    start, end = column.offsets[0].as_py(), column.offsets[-1].as_py()
    offsets = pc.subtract(column.offsets, start).cast(column.offsets.type)
    items = function(column.values.slice(start, end - start))
    return type(column).from_arrays(offsets, items, mask=column.is_null())


def cell_text(value: Any) -> str:
    """The text written for one Python ``value``: money with its places, ISO dates, enum
    values, 是/否 for booleans, and :func:`neutralise` applied to everything else.

    Examples:
        >>> cell_text(Decimal("800")), cell_text(date(2026, 10, 9)), cell_text(None)
        ('800', '2026-10-09', '')
        >>> cell_text("+86 123"), cell_text(True)
        ("'+86 123", '是')
    """
    kind = type(value)
    if kind is str:
        return _FORMULA.sub(_APOSTROPHE, value)
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
    the same amounts): a row given to :func:`~edupoverty.records.writers.write_csv` whose
    last item is a ``Cells`` is written as its other values, each through
    :func:`cell_text`, followed by these cells, rendered when the ``Cells`` was made. A
    ``Cells`` can only be made by rendering.

    Examples:
        >>> Cells([Decimal("500.00"), "=1+1", None])
        ('500.00', "'=1+1", '')
    """

    __slots__ = ()

    def __new__(cls, values: Iterable[Any]) -> Cells:
        return super().__new__(cls, map(cell_text, values))


Tabular: TypeAlias = "pa.Table | pa.RecordBatch | pa.RecordBatchReader | Iterable[pa.RecordBatch]"
"""What the table writers take: an Arrow table, one record batch, a record batch reader, or
any iterable of record batches (a stream, written in bounded memory)."""


def record_batches(
    table: Tabular, *, max_rows: int = 65_536
) -> tuple[pa.Schema | None, Iterator[pa.RecordBatch]]:
    """The schema of ``table`` and its rows as record batches of at most ``max_rows`` rows.

    The schema of a stream is that of its first batch (None for an empty stream); every
    later batch must have the same columns, or :class:`~edupoverty.errors.ArgumentError`
    is raised when it comes.

    Examples:
        >>> t = pa.table({"姓名": ["张三", "李四", "王五"]})
        >>> schema, batches = record_batches(t, max_rows=2)
        >>> schema.names, [b.num_rows for b in batches]
        (['姓名'], [2, 1])
        >>> record_batches(iter([]))[0] is None
        True
    """
    if isinstance(table, pa.Table):
        return table.schema, iter(table.to_batches(max_chunksize=max_rows))
    if isinstance(table, pa.RecordBatch | pa.RecordBatchReader):
        items: Iterator[Any] = iter([table]) if isinstance(table, pa.RecordBatch) else table
        return table.schema, _slices(table.schema, items, max_rows)
    if not isinstance(table, Iterable) or isinstance(table, str | bytes):
        raise ArgumentError(
            "table", "Arrow 表或记录批", "an Arrow table or record batches", type(table).__name__
        )
    items = iter(table)
    first = next(items, None)
    if first is None:
        return None, iter(())
    schema = _batch_schema(first)
    return schema, _slices(schema, _chain(first, items), max_rows)


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _batch_schema(item: Any) -> pa.Schema:
    if isinstance(item, pa.RecordBatch | pa.Table):
        return item.schema
    raise ArgumentError("table", "记录批", "record batches", type(item).__name__)


def _slices(schema: pa.Schema, items: Iterator[Any], max_rows: int) -> Iterator[pa.RecordBatch]:
    for item in items:
        if not _batch_schema(item).equals(schema):
            raise ArgumentError(
                "table",
                "同一结构的记录批",
                "record batches of one schema",
                "a batch with other columns",
            )
        for batch in (
            item.to_batches(max_chunksize=max_rows) if isinstance(item, pa.Table) else [item]
        ):
            for lo in range(0, max(batch.num_rows, 1), max_rows):
                yield batch.slice(lo, max_rows)
