"""What a caller passes, checked once (参数检查): days in China time, whole numbers, values
of a type.

Every public function of edupoverty that takes a day, a count or a record checks it with
the helpers here, so that a wrong argument is always an
:class:`~edupoverty.errors.ArgumentError` (code ``argument.type``, also a ``TypeError``)
naming the parameter and the type it expected — never the value, and never a bare
``TypeError`` or ``AttributeError`` from deep inside.

**Days are days in China.** The working-day calendar, disclosure windows and reporting
clocks count days of China Standard Time (UTC+8, :data:`CHINA_TIME`). A
:class:`~datetime.datetime` given where a day is taken is an instant: an aware one is
converted to China time before its date is taken, so the same instant gives the same day
whatever zone it was written in; a naive one is taken as China time already. A
:class:`~datetime.date` is a day and stays as it is. This module is the one place where
that conversion is made (:func:`china_date`, :func:`china_datetime`).

Examples:
    >>> from datetime import date, datetime, timezone
    >>> instant = datetime(2026, 3, 4, 20, 0, tzinfo=timezone.utc)
    >>> china_date(instant)                      # 04:00 on 5 March in Beijing
    datetime.date(2026, 3, 5)
    >>> china_date(datetime(2026, 3, 4, 20, 0))  # naive: already China time
    datetime.date(2026, 3, 4)
    >>> china_date("2026-03-04", "posted_on")
    Traceback (most recent call last):
    ...
    edupoverty.errors.ArgumentError: argument.type: ... / posted_on must be a datetime.date ...
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from typing import TypeVar

from edupoverty.errors import ArgumentError, InputError

__all__ = [
    "CHINA_TIME",
    "FIRST_SCHOOL_YEAR",
    "LAST_SCHOOL_YEAR",
    "check_school_year",
    "china_date",
    "china_datetime",
    "int_argument",
    "of_type",
    "sequence_argument",
]

T = TypeVar("T")

CHINA_TIME = timezone(timedelta(hours=8), "UTC+08:00")
"""China Standard Time (北京时间), UTC+8: the zone every day of the calendar is counted in.

A fixed offset, so no time-zone database is needed: mainland China has kept UTC+8 all year
since 1992 (the summer time of 1986–1991 is not modelled)."""


def china_date(value: date, name: str = "day") -> date:
    """The day ``value`` falls on in China.

    A :class:`~datetime.date` is returned as it is (a
    :class:`~edupoverty.disclosure.workdays.ProvisionalDate` stays provisional); an aware
    :class:`~datetime.datetime` is converted to :data:`CHINA_TIME` first; a naive one is
    taken as China time. Anything else (text, ``None``, a number) is an
    :class:`~edupoverty.errors.ArgumentError` naming ``name``.

    Examples:
        >>> from datetime import timezone, timedelta
        >>> new_york = timezone(timedelta(hours=-5))
        >>> china_date(datetime(2026, 9, 30, 12, 0, tzinfo=new_york))   # 01:00 next day
        datetime.date(2026, 10, 1)
        >>> china_date(date(2026, 9, 30))
        datetime.date(2026, 9, 30)
        >>> china_date(None, "received_on")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        edupoverty.errors.ArgumentError: ... received_on must be a datetime.date ..., not NoneType
    """
    if type(value) is date:
        return value
    if isinstance(value, datetime):
        if value.utcoffset() is not None:
            try:
                value = value.astimezone(CHINA_TIME)
            except OverflowError:
                raise _out_of_range(name) from None
        return date(value.year, value.month, value.day)
    if isinstance(value, date):
        return value
    raise ArgumentError(
        name,
        "日期（datetime.date，或按北京时间计的 datetime）",
        "a datetime.date (or a datetime, read in China time)",
        type(value).__name__,
    )


def china_datetime(value: datetime, name: str = "at") -> datetime:
    """The instant ``value`` as an aware datetime in :data:`CHINA_TIME`.

    An aware datetime is converted; a naive one is taken as China time (the zone is
    attached, the clock time is kept). Anything else — a plain ``date`` included, which
    names no instant — is an :class:`~edupoverty.errors.ArgumentError` naming ``name``.

    Examples:
        >>> at = china_datetime(datetime(2026, 10, 2, 13, 30, tzinfo=timezone.utc))
        >>> at.isoformat()
        '2026-10-02T21:30:00+08:00'
        >>> china_datetime(datetime(2026, 10, 2, 21, 30)).hour
        21
    """
    if not isinstance(value, datetime):
        raise ArgumentError(
            name, "日期时间（datetime）", "a datetime.datetime", type(value).__name__
        )
    if value.utcoffset() is None:
        return value.replace(tzinfo=CHINA_TIME)
    try:
        return value.astimezone(CHINA_TIME)
    except OverflowError:
        raise _out_of_range(name) from None


def int_argument(
    value: int, name: str, expected_zh: str = "整数", expected_en: str = "an int"
) -> int:
    """``value`` if it is an ``int`` (a boolean is not), else an
    :class:`~edupoverty.errors.ArgumentError` naming ``name``.

    Examples:
        >>> int_argument(3, "n")
        3
        >>> int_argument(True, "n")
        Traceback (most recent call last):
        ...
        edupoverty.errors.ArgumentError: argument.type: ... / n must be an int, not bool
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentError(name, expected_zh, expected_en, type(value).__name__)
    return value


def of_type(value: object, kind: type[T], name: str, expected_zh: str, expected_en: str) -> T:
    """``value`` if it is an instance of ``kind``, else an
    :class:`~edupoverty.errors.ArgumentError` naming ``name``.

    Examples:
        >>> of_type("x", str, "batch", "文本", "text")
        'x'
        >>> of_type(1, str, "batch", "文本", "text")
        Traceback (most recent call last):
        ...
        edupoverty.errors.ArgumentError: argument.type: ... / batch must be text, not int
    """
    if not isinstance(value, kind):
        raise ArgumentError(name, expected_zh, expected_en, type(value).__name__)
    return value


def sequence_argument(values: Iterable[T], name: str) -> tuple[T, ...]:
    """``values`` as a tuple. A single text is refused: ``tuple("abc")`` would be three
    one-character items, which is never what a caller of a list of names meant; so is
    anything that is not iterable (``None`` included).

    Examples:
        >>> sequence_argument(["a", "b"], "programmes")
        ('a', 'b')
        >>> sequence_argument("compulsory.nutrition", "programmes")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        edupoverty.errors.ArgumentError: ... programmes must be a list or tuple ..., not str
    """
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ArgumentError(
            name,
            "列表或元组（单个文本请放进列表）",
            "a list or tuple (put a single text in a list)",
            type(values).__name__,
        )
    return tuple(values)


def _out_of_range(name: str) -> InputError:
    err = InputError(
        f"参数 {name} 换算为北京时间后超出可表示的日期范围",
        f"{name} lies outside the dates that can be held once read in China time",
    )
    err.code = "argument.range"
    return err


FIRST_SCHOOL_YEAR = 1949
"""The first school year a :class:`Period` (and every function taking a school year) accepts:
the People's Republic's first school year. A plausibility bound, not policy: no subsidy rule
encoded here is older."""

LAST_SCHOOL_YEAR = 2100
"""The last school year accepted: a plausibility bound, not policy, far beyond any policy
profile's reviewed years (a later year is a typing mistake, and its dates would soon leave
what :class:`datetime.date` holds)."""


def check_school_year(value: int, name: str = "school_year") -> int:
    """``value`` if it is a school year from :data:`FIRST_SCHOOL_YEAR` to
    :data:`LAST_SCHOOL_YEAR`.

    Not an int (a boolean or text included): :class:`~edupoverty.errors.ArgumentError`.
    Outside the range: :class:`~edupoverty.errors.InputError`, code ``school_year.range``.
    Which years a policy profile was *reviewed* for is the profile's business (a warning
    when assessing outside them); this is only what a school year can be at all.

    Examples:
        >>> check_school_year(2019)
        2019
        >>> check_school_year(9999)
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: school_year.range: ... / school_year must be a school year
        from 1949 to 2100 (the school years this library handles)
    """
    int_argument(value, name, "整数学年（如 2019）", "an int school year (e.g. 2019)")
    if not FIRST_SCHOOL_YEAR <= value <= LAST_SCHOOL_YEAR:
        err = InputError(
            f"{name} 应为{FIRST_SCHOOL_YEAR}至{LAST_SCHOOL_YEAR}之间的学年（本库可处理的学年范围）",
            f"{name} must be a school year from {FIRST_SCHOOL_YEAR} to {LAST_SCHOOL_YEAR} "
            "(the school years this library handles)",
        )
        err.code = "school_year.range"
        raise err
    return value
