"""Column arithmetic for assessing tables: group codes and exact money (列运算).

Small NumPy/Arrow helpers :mod:`edupoverty.rules.bulk` works with: dense integer codes of a
column's distinct values (:func:`codes`), of combinations of columns (:func:`combine`), and
money as whole fen in ``int64`` read from and written to Arrow ``decimal128(18, 2)`` columns
exactly, without going through floats or Python objects (:func:`fen`, :func:`money`).

Examples:
    >>> import pyarrow as pa
    >>> ids, count = combine([codes(pa.array(["a", "b", "a"])), codes(pa.array([1, 1, 1]))], 3)
    >>> ids.tolist(), count
    ([0, 1, 0], 2)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.records.columns import MONEY

__all__ = ["Codes", "codes", "combine", "distinct", "fen", "first_rows", "money"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

Codes = tuple[IntArray, int]
"""Dense codes ``0 … count − 1``, one per row, and ``count``."""

_LIMIT = 2**62


def _array(column: Any) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def distinct(column: Any) -> tuple[IntArray, list[Any]]:
    """A code per row and the distinct values of ``column`` they stand for (null is a value
    of its own): booleans 0 (false), 1 (true), 2 (null); other types in order of first
    appearance.

    Examples:
        >>> ids, values = distinct(pa.array(["primary", None, "primary"]))
        >>> ids.tolist(), values
        ([0, 1, 0], ['primary', None])
        >>> ids, values = distinct(pa.array([True, None, False]))
        >>> ids.tolist(), values
        ([1, 2, 0], [False, True, None])
    """
    array = _array(column)
    if pa.types.is_boolean(array.type):
        flags = pc.fill_null(pc.cast(array, pa.int8()), 2)
        return np.asarray(flags.to_numpy(zero_copy_only=False)), [False, True, None]
    encoded = pc.dictionary_encode(array, null_encoding="encode")
    ids = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))
    return ids, encoded.dictionary.to_pylist()


def codes(column: Any) -> Codes:
    """:func:`distinct`'s codes of ``column`` and how many values there are.

    Examples:
        >>> c, n = codes(pa.array(["x", None, "x"]))
        >>> c.tolist(), n
        ([0, 1, 0], 2)
    """
    ids, values = distinct(column)
    return ids, len(values)


def _dense(key: IntArray, size: int) -> Codes:
    """Codes ``0 … count − 1`` for the distinct values of ``key`` (each below ``size``)."""
    if size <= max(4 * len(key), 1 << 16):  # a table of every possible value, no hashing
        present = np.zeros(size, dtype=np.bool_)
        present[key] = True
        code = np.cumsum(present, dtype=np.int64) - 1
        return code[key], int(code[-1]) + 1 if size else 0
    encoded = pc.dictionary_encode(pa.array(key, pa.int64()))
    return (
        np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64),
        len(encoded.dictionary),
    )


def combine(columns: list[Codes], rows: int) -> Codes:
    """One code ``0 … count − 1`` per row for the combination of the codes of ``columns``
    (each ``rows`` long, with as many values as it says), and ``count``: rows share a code
    exactly when they share every column's code.

    Examples:
        >>> a = (np.array([0, 0, 1, 1]), 2)
        >>> b = (np.array([2, 0, 2, 2]), 3)
        >>> ids, count = combine([a, b], 4)
        >>> ids.tolist(), count
        ([1, 0, 2, 2], 3)
    """
    key = np.zeros(rows, dtype=np.int64)
    size = 1
    for values, count in columns:
        if size * count >= _LIMIT:
            key, size = _dense(key, size)
        key *= count
        key += values
        size *= max(count, 1)
    return _dense(key, size)


def first_rows(ids: IntArray, count: int) -> IntArray:
    """For each code ``0 … count − 1`` of ``ids``, the first row that has it.

    Examples:
        >>> first_rows(np.array([0, 1, 0, 2, 1]), 3).tolist()
        [0, 1, 3]
    """
    first = np.full(count, len(ids), dtype=np.int64)
    np.minimum.at(first, ids, np.arange(len(ids), dtype=np.int64))
    return first


def fen(column: Any) -> tuple[IntArray, BoolArray]:
    """A money column (``decimal128(18, 2)``, or one that casts to it) as whole fen in
    ``int64``, and which rows hold a value (nulls are 0 fen).

    Examples:
        >>> from decimal import Decimal
        >>> values, valid = fen(pa.array([Decimal("12.34"), None, Decimal("-0.05")], MONEY))
        >>> values.tolist(), valid.tolist()
        ([1234, 0, -5], [True, False, True])
    """
    array = _array(column)
    if array.type != MONEY:
        array = pc.cast(array, MONEY)
    n = len(array)
    valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
    if n == 0:
        return np.zeros(0, dtype=np.int64), valid
    # Each value is a 16-byte little-endian integer of fen; with 18 digits it fits the low 8.
    words = np.frombuffer(array.buffers()[1], dtype="<i8")
    low = words[2 * array.offset : 2 * (array.offset + n) : 2]
    return np.where(valid, low, 0).astype(np.int64), valid


def money(values: IntArray, valid: BoolArray | None = None) -> pa.Array:
    """A ``decimal128(18, 2)`` array of ``values`` fen (null where ``valid`` is false).

    Examples:
        >>> money(np.array([1234, -5, 0]), np.array([True, True, False])).to_pylist()
        [Decimal('12.34'), Decimal('-0.05'), None]
    """
    n = len(values)
    # each value a 16-byte little-endian integer of fen: the low 8 bytes, then the sign
    data = np.empty((n, 2), dtype="<i8")
    np.copyto(data[:, 0], values)
    np.right_shift(values, 63, out=data[:, 1])
    validity = None
    if valid is not None and not valid.all():
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(MONEY, n, [validity, pa.py_buffer(data)])
