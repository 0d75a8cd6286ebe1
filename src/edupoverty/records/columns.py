"""Students as an Arrow table (学生名单的列式表示): one column per :class:`Student` field.

A roster read from a file and a list of students built in code meet in one typed Arrow
table, the form every whole-roster function takes (the rules over columns, the writers,
dataframes). The table has a column per ``Student`` field, named as the field, in field
order, with these types:

==============================  ========================================================
field type                      Arrow type
==============================  ========================================================
text (``name``, codes …)        ``string``
enum (``stage`` …)              ``string`` holding the enum's value (``"primary"``)
``bool`` / ``bool | None``      ``bool`` (null: the roster does not say)
``int`` (``grade`` …, ``row``)  ``int64``
``date``                        ``date32``
money (``tuition_fee`` …)       ``decimal128(18, 2)``
==============================  ========================================================

Fields with a default hold it (``boarding`` false, ``full_time`` true, ``school_ownership``
``"public"``) exactly as the ``Student`` would. :func:`students_from_table` gives the
records back, one per row, built with the ``Student`` constructor (so every check of the
record runs).

Examples:
    >>> from edupoverty.records import SchoolLocation, Stage, Student
    >>> s = Student(name="张三", id_number="11010520120307002X", school_code="3412001",
    ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL,
    ...             tuition_fee="600", row=2)
    >>> t = table_from_students([s])
    >>> t.num_rows, t.column("stage").to_pylist(), str(t.schema.field("tuition_fee").type)
    (1, ['primary'], 'decimal128(18, 2)')
    >>> next(students_from_table(t)) == s
    True
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pyarrow as pa

from edupoverty.records.model import Student

__all__ = [
    "MONEY",
    "STUDENT_SCHEMA",
    "students_from_table",
    "table_from_students",
]

MONEY = pa.decimal128(18, 2)
"""The Arrow type of money columns: exact yuan with two places (元，精确到分)."""


def _base(annotation: Any) -> Any:
    """``X`` of ``X | None``."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0]
    return annotation


_HINTS = typing.get_type_hints(Student)
_FIELDS = attrs.fields(Student)
_ENUMS: dict[str, type[enum.Enum]] = {}


def _arrow_type(name: str) -> pa.DataType:
    base = _base(_HINTS[name])
    if isinstance(base, type) and issubclass(base, enum.Enum):
        _ENUMS[name] = base
        return pa.string()
    if base is bool:
        return pa.bool_()
    if base is int:
        return pa.int64()
    if base is date:
        return pa.date32()
    if base is Decimal:
        return MONEY
    return pa.string()


STUDENT_SCHEMA: pa.Schema = pa.schema(
    [pa.field(f.name, _arrow_type(f.name)) for f in _FIELDS],
)
"""The schema of a table of students: one column per :class:`Student` field, in order."""


def table_from_students(students: Iterable[Student]) -> pa.Table:
    """A typed table (:data:`STUDENT_SCHEMA`) of ``students``, one row each, in order.

    Examples:
        >>> table_from_students([]).num_rows
        0
    """
    columns: dict[str, list[Any]] = {f.name: [] for f in _FIELDS}
    getters = [(f.name, columns[f.name], f.name in _ENUMS) for f in _FIELDS]
    for s in students:
        for name, column, is_enum in getters:
            value = getattr(s, name)
            column.append(value.value if is_enum and value is not None else value)
    return pa.table(
        [pa.array(columns[f.name], type=STUDENT_SCHEMA.field(f.name).type) for f in _FIELDS],
        schema=STUDENT_SCHEMA,
    )


def students_from_table(table: pa.Table) -> Iterator[Student]:
    """The :class:`Student` of each row of a table with the columns of
    :data:`STUDENT_SCHEMA` (extra columns are ignored; a missing or null value of a field
    with a default takes the default), in order. Each is built by the ``Student``
    constructor: a table from elsewhere is checked like any other input.

    Examples:
        >>> list(students_from_table(table_from_students([])))
        []
    """
    n = table.num_rows
    for start in range(0, n, _CHUNK):
        part = table.slice(start, _CHUNK)
        columns = [_python_values(part, f.name, min(_CHUNK, n - start)) for f in _FIELDS]
        yield from map(Student, *columns)


_CHUNK = 65_536


def _python_values(table: pa.Table, name: str, n: int) -> list[Any]:
    """One column as Python values for the Student constructor: enums as members, a null
    of a field with a default as the default."""
    f = _FIELDS_BY_NAME[name]
    default = f.default if f.default is not attrs.NOTHING else None
    if name not in table.column_names:
        return [default] * n
    column = table.column(name)
    kind = _ENUMS.get(name)
    if kind is not None:
        encoded = column.combine_chunks().dictionary_encode()
        members = [kind(v) for v in encoded.dictionary.to_pylist()]
        lookup = [*members, default]  # a null index picks the default
        indices = encoded.indices.fill_null(len(members)).to_numpy(zero_copy_only=False)
        return [lookup[i] for i in indices.tolist()]
    if default is not None and column.null_count:
        column = column.fill_null(pa.scalar(default, column.type))
    values: list[Any] = column.to_pylist()
    return values


_FIELDS_BY_NAME = {f.name: f for f in _FIELDS}
