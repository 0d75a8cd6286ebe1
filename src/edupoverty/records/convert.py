"""Converting records to and from plain dicts and JSON (cattrs).

Dates become ISO strings, money becomes a string with two places (``"1000.00"``, never a
float), enums become their English id. A round trip loses nothing.

Examples:
    >>> from datetime import date
    >>> from edupoverty.records import Disbursement, Period, PaymentMethod, Semester
    >>> from edupoverty.records.convert import to_dict, from_dict, to_json, from_json
    >>> d = Disbursement(student_id="11010520120307002X", programme="compulsory.nutrition",
    ...                  period=Period(2019, Semester.AUTUMN), amount="400",
    ...                  method=PaymentMethod.MEALS, paid_on=date(2019, 12, 31), batch="B1")
    >>> to_dict(d)["amount"], to_dict(d)["period"]
    ('400.00', {'school_year': 2019, 'semester': 'autumn'})
    >>> from_json(to_json(d), Disbursement) == d
    True
"""

from __future__ import annotations

import json
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import cattrs
from cattrs.errors import ClassValidationError

from edupoverty.errors import InputError
from edupoverty.records.enums import LabelledEnum
from edupoverty.records.money import money

__all__ = ["converter", "from_dict", "from_json", "to_dict", "to_json"]

T = TypeVar("T")


def _is_union(t: Any) -> bool:
    return typing.get_origin(t) in (typing.Union, types.UnionType)


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_unstructure_hook(LabelledEnum, lambda e: e.value)
    # Optional fields (``Semester | None`` …): unstructure by the value's own type.
    conv.register_unstructure_hook_func(_is_union, lambda v: conv.unstructure(v))
    conv.register_unstructure_hook(Decimal, lambda d: str(d.quantize(Decimal("0.01"))))
    conv.register_structure_hook(Decimal, lambda v, _t: money(v))
    conv.register_unstructure_hook(datetime, lambda d: d.isoformat())
    conv.register_structure_hook(datetime, lambda v, _t: datetime.fromisoformat(v))
    conv.register_unstructure_hook(date, lambda d: d.isoformat())

    def _date(v: Any, _t: Any) -> date:
        if isinstance(v, datetime):
            return v
        if isinstance(v, date):
            return v
        if len(v) > 10:
            return datetime.fromisoformat(v)
        return date.fromisoformat(v)

    conv.register_structure_hook(date, _date)
    return conv


converter: cattrs.Converter = _make_converter()
"""The shared cattrs converter for every record type."""


def to_dict(value: Any) -> Any:
    """A record (or list of records) as plain dicts, lists, strings and numbers.

    Examples:
        >>> from edupoverty.records import Period, Semester
        >>> to_dict(Period(2020, Semester.SPRING))
        {'school_year': 2020, 'semester': 'spring'}
    """
    return converter.unstructure(value)


def from_dict(data: Any, cls: type[T]) -> T:
    """Build a record of type ``cls`` from plain data.

    Raises :class:`~edupoverty.errors.InputError` (code ``record.invalid``) naming the
    failing field path, never its value.

    Examples:
        >>> from edupoverty.records import Period
        >>> from_dict({"school_year": 2020, "semester": "spring"}, Period).semester.zh
        '春季学期'
        >>> from_dict({"school_year": 2020, "semester": "winter"}, Period)
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: record.invalid: 字段有误：$.semester / ...
    """
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, cattrs.BaseValidationError) as exc:
        paths = sorted({_path(msg) for msg in cattrs.transform_error(exc)})
        where = ", ".join(paths)
        err = InputError(f"字段有误：{where}", f"invalid field: {where}")
        err.code = "record.invalid"
        raise err from None
    except (TypeError, ValueError, KeyError, AttributeError):
        err = InputError("记录结构有误", "the record has the wrong structure")
        err.code = "record.invalid"
        raise err from None


def _path(message: str) -> str:
    # cattrs messages end with "@ $.field.path"; keep the path only, never the value.
    _, _, path = message.rpartition(" @ ")
    return path or "$"


def to_json(value: Any, *, indent: int | None = None) -> str:
    """A record (or list of records) as JSON text (UTF-8, Chinese kept readable).

    Examples:
        >>> from edupoverty.records import Period
        >>> to_json(Period(2019))
        '{"school_year": 2019, "semester": null}'
    """
    return json.dumps(to_dict(value), ensure_ascii=False, indent=indent)


def from_json(text: str | bytes, cls: type[T]) -> T:
    """Build a record of type ``cls`` from JSON text.

    Examples:
        >>> from edupoverty.records import Period
        >>> from_json('{"school_year": 2019, "semester": "autumn"}', Period).end
        datetime.date(2020, 1, 31)
    """
    try:
        data = json.loads(text)
    except ValueError:
        err = InputError("不是有效的 JSON", "not valid JSON")
        err.code = "record.invalid"
        raise err from None
    return from_dict(data, cls)
