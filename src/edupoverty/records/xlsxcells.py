"""XLSX cells (Excel 单元格): how a column of an Arrow table is written, and how wide it is.

What :mod:`edupoverty.records.xlsx` writes for each kind of column, a whole column at a
time (:func:`xlsx_column`), and the width of a text in a cell (:func:`text_width`: a CJK
character counts double).

Examples:
    >>> xlsx_column(pa.array([True, None]))
    ([True, None], 'boolean', None, 5)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.records.celltext import is_text, joined_lists, neutralise_column, text_column

__all__ = ["EXACT_DIGITS", "text_width", "xlsx_column"]

EXACT_DIGITS = 15
"""Significant digits a spreadsheet number (a double) holds exactly."""

_FIRST_SERIAL = date(1900, 3, 1)  # Excel's day numbers are right from here on (its 1900 bug)
_EPOCH_SERIAL = 25_569  # Excel's day number of 1970-01-01


def text_width(text: str) -> int:
    """The width of ``text`` in a cell, in characters of a Latin font: a character taking
    more than one byte in UTF-8 (Chinese, Japanese, Korean …) counts double.

    The rule is ``(UTF-8 bytes + characters + 1) // 2``, which Arrow computes over a whole
    column as well (a CJK character is 3 bytes: 2; an ASCII one 1 byte: 1).

    Examples:
        >>> text_width("id_number"), text_width("身份证号"), text_width("黄圩小学3班")
        (9, 8, 11)
    """
    return (len(text.encode("utf-8")) + len(text) + 1) // 2


def _column_width(texts: pa.Array) -> int:
    """The widest :func:`text_width` of a text column, computed by Arrow."""
    if pa.types.is_dictionary(texts.type):
        texts = texts.dictionary
    if len(texts) == 0 or texts.null_count == len(texts):
        return 0
    if pa.types.is_string_view(texts.type):
        texts = texts.cast(pa.string())
    both = pc.add(pc.binary_length(texts), pc.utf8_length(texts))
    return (int(pc.max(both).as_py() or 0) + 1) // 2


def _number_width(column: pa.Array) -> int:
    """The widest number of a numeric column, as its text."""
    least, most = pc.min_max(column).values()
    return max((len(str(v.as_py())) for v in (least, most) if v.is_valid), default=0)


def xlsx_column(column: pa.Array, sep: str = "、") -> tuple[list[Any], str, str | None, int]:
    """A column as the XLSX writers write it: its values as Python values, the kind of cell
    they are written as (``string``, ``number``, ``boolean``, or ``mixed``: numbers, and
    text where a number would not be exact), their number format and the width they need
    (:func:`text_width`). Text is neutralised, lists joined by ``sep``, money a number
    with its places (text past 15 digits), dates day numbers (ISO text before 1900-03-01).

    Examples:
        >>> from decimal import Decimal
        >>> xlsx_column(pa.array([Decimal("300"), None], pa.decimal128(18, 2)))
        ([300.0, None], 'number', '0.00', 6)
        >>> xlsx_column(pa.array(["=1+1", "黄圩小学"]))
        (["'=1+1", '黄圩小学'], 'string', None, 8)
    """
    kind = column.type
    if is_text(kind):
        texts = neutralise_column(column)
        return texts.to_pylist(), "string", None, _column_width(texts)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        texts = neutralise_column(joined_lists(column, sep))
        return texts.to_pylist(), "string", None, _column_width(texts)
    if pa.types.is_boolean(kind):
        return column.to_pylist(), "boolean", None, 5
    if pa.types.is_decimal(kind):
        digits = EXACT_DIGITS - kind.scale  # digits before the point a number holds exactly
        fmt = "0." + "0" * kind.scale if kind.scale > 0 else "0"
        width = _number_width(column)
        if digits < 1:
            return text_column(column).to_pylist(), "string", None, width
        numbers = column.cast(pa.float64(), safe=False)
        if kind.precision <= EXACT_DIGITS:
            return numbers.to_pylist(), "number", fmt, width
        limit = pa.scalar(Decimal(10) ** digits, pa.decimal128(EXACT_DIGITS + 1, kind.scale))
        big = pc.greater_equal(pc.abs(column), limit)
        return (*_mixed(numbers, column, big, fmt), width)
    if pa.types.is_integer(kind):
        width = _number_width(column)
        if kind.bit_width <= 32:
            return column.to_pylist(), "number", None, width
        limit = 2**53  # beyond, not every whole number is a spreadsheet number
        big = pc.greater(column, pa.scalar(limit, kind))
        if pa.types.is_signed_integer(kind):
            big = pc.or_(big, pc.less(column, pa.scalar(-limit, kind)))
        return (*_mixed(column, column, big, None), width)
    if pa.types.is_floating(kind):
        finite = pc.if_else(pc.is_finite(column), column, None)
        return finite.to_pylist(), "number", None, 12
    if pa.types.is_date(kind):
        days = column.cast(pa.date32())
        serial = pc.add(days.cast(pa.int32()), _EPOCH_SERIAL)
        early = pc.less(days, pa.scalar(_FIRST_SERIAL, pa.date32()))
        return (*_mixed(serial, column, early, "yyyy-mm-dd"), 10)
    if pa.types.is_null(kind):
        return [None] * len(column), "string", None, 0
    texts = text_column(column)  # times, timestamps; or refused
    return texts.to_pylist(), "string", None, _column_width(texts)


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
