"""Converting records to and from plain dicts and JSON (cattrs).

Dates become ISO strings, money becomes a string with two places (``"1000.00"``, never a
float), enums become their English id. A round trip loses nothing: identity numbers and bank
accounts are kept whole (these are internal data, never a public list; see
:mod:`edupoverty.disclosure.public_list`).

:func:`to_dict` and :func:`to_json` also take the library's other values: the attrs record
types (:class:`~edupoverty.records.findings.Finding`, the reading results
:class:`~edupoverty.records.roster.RosterResult` and
:class:`~edupoverty.records.roster.RejectedRow` …) and any value with a ``to_dict()`` method
(:class:`SupportsToDict`, as the assessment results of :mod:`edupoverty.rules` provide).
Anything else is refused with :class:`~edupoverty.errors.ConversionError`, never returned
as itself.

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
from typing import Any, Protocol, TypeVar

import cattrs
from cattrs.errors import ClassValidationError

from edupoverty.errors import ConversionError, EdupovertyError, InputError
from edupoverty.records.enums import LabelledEnum
from edupoverty.records.money import money

__all__ = ["SupportsToDict", "converter", "from_dict", "from_json", "to_dict", "to_json"]

T = TypeVar("T")


@typing.runtime_checkable
class SupportsToDict(Protocol):
    """A value that gives its own plain form: ``to_dict()`` returns a dict that
    :func:`to_dict` converts further (so it may hold records, money, dates or enums).

    Result types that are not attrs records (``edupoverty.rules.Assessment``) take part in
    :func:`to_dict` and :func:`to_json` this way; records are not required to.

    Examples:
        >>> from decimal import Decimal
        >>> class Total:
        ...     def to_dict(self) -> dict[str, object]:
        ...         return {"total": Decimal("2490")}
        >>> isinstance(Total(), SupportsToDict), to_dict(Total())
        (True, {'total': '2490.00'})
    """

    def to_dict(self) -> Any:
        """The value as a dict of plain data or records."""


def _is_union(t: Any) -> bool:
    return typing.get_origin(t) in (typing.Union, types.UnionType)


def _has_to_dict(t: Any) -> bool:
    return isinstance(t, type) and callable(getattr(t, "to_dict", None))


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    # A value that gives its own plain form (SupportsToDict) is converted by it, before
    # the attrs fields of a record that happens to have both are looked at.
    conv.register_unstructure_hook_func(_has_to_dict, lambda v: conv.unstructure(v.to_dict()))
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
    """A record, a result or a list of them as plain dicts, lists, strings and numbers.

    Money is a string with two places, dates are ISO strings, enums their English id. Takes
    every attrs record type of edupoverty and any :class:`SupportsToDict` value; anything
    else raises :class:`~edupoverty.errors.ConversionError` (code ``record.unsupported``,
    naming the type, never the value).

    Examples:
        >>> from edupoverty.records import Period, Semester
        >>> to_dict(Period(2020, Semester.SPRING))
        {'school_year': 2020, 'semester': 'spring'}
        >>> from edupoverty.records.findings import finding
        >>> to_dict(finding("field.missing", row=3, field="name"))["message_en"]
        'row 3, name: a required value is missing'
        >>> to_dict(object())
        Traceback (most recent call last):
        ...
        edupoverty.errors.ConversionError: record.unsupported: ...
    """
    return _plain(converter.unstructure(value))


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(data: Any) -> Any:
    """The output of the converter with every value that is not plain data converted by
    its own type, or refused.

    cattrs hands back as itself a value of a type it has no hook for (an object that is
    neither a record nor plain data), and converts a record's field by its annotation, so
    a field holding another type than it says (a label object in a field of text) comes
    back unconverted: both are caught here."""
    kind = type(data)
    if kind in _SCALARS:
        return data
    if kind is dict:
        return {_key(k): _plain(v) for k, v in data.items()}
    if kind is list or kind is tuple:
        return [_plain(v) for v in data]
    again = converter.unstructure(data, kind)
    if again is data:  # no hook for its type: no plain form
        raise ConversionError(kind.__qualname__)
    return _plain(again)


def _key(key: Any) -> Any:
    if type(key) in _SCALARS:
        return key
    plain = _plain(key)
    if type(plain) not in _SCALARS:
        raise ConversionError(type(key).__qualname__)
    return plain


def from_dict(data: Any, cls: type[T]) -> T:
    """Build a record of type ``cls`` from plain data.

    Raises :class:`~edupoverty.errors.InputError` (code ``record.invalid``) naming the
    failing field path, never its value. When a record's own check refuses a value (a
    student's ID number, an amount), the message of that check follows the path.

    Examples:
        >>> from edupoverty.records import Period, Student
        >>> from_dict({"school_year": 2020, "semester": "spring"}, Period).semester.zh
        '春季学期'
        >>> from_dict({"school_year": 2020, "semester": "winter"}, Period)
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: record.invalid: 字段有误：$.semester / ...
        >>> from_dict({"name": "张三", "id_number": "110105201203070021", "school_code": "1",
        ...            "stage": "primary", "school_location": "rural"}, Student)
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: record.invalid: ...$ (id_number: the ID number's check ...)
    """
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, cattrs.BaseValidationError) as exc:
        err = InputError(f"字段有误：{_where(exc, 'zh')}", f"invalid field: {_where(exc, 'en')}")
        err.code = "record.invalid"
        raise err from None
    except (TypeError, ValueError, KeyError, AttributeError):
        err = InputError("记录结构有误", "the record has the wrong structure")
        err.code = "record.invalid"
        raise err from None


def _where(exc: BaseException, lang: str) -> str:
    """The paths of the failing fields, each with the message of an edupoverty error
    raised there (a record's own check, e.g. of an ID number)."""

    def reason(e: BaseException, _t: Any) -> str:
        # edupoverty messages never hold a value; any other message may, so it is dropped
        return e.message(lang) if isinstance(e, EdupovertyError) else ""

    out = set()
    for message in cattrs.transform_error(exc, format_exception=reason):
        why, _, path = message.rpartition(" @ ")  # cattrs messages end with "@ $.field.path"
        path = path or "$"
        if why:
            path += f"（{why}）" if lang == "zh" else f" ({why})"
        out.add(path)
    return ", ".join(sorted(out))


def to_json(value: Any, *, indent: int | None = None) -> str:
    """A record, a result or a list of them as JSON text (UTF-8, Chinese kept readable):
    :func:`to_dict`, written out. What :func:`to_dict` refuses raises
    :class:`~edupoverty.errors.ConversionError`.

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
    except (ValueError, RecursionError):  # RecursionError: arrays nested without end
        err = InputError("不是有效的 JSON", "not valid JSON")
        err.code = "record.invalid"
        raise err from None
    return from_dict(data, cls)
