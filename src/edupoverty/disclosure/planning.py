"""Planning a disclosure window (公示期, R-DIS-2, R-DIS-4): the posting day, the last day,
the first day the list may be reported upward, and the day an objection must be answered.

Counting (RULES.md §8): by default the PRC Civil Code (arts. 201, 203): the posting day does
not count, the window ends ``days`` days later, and a last day that is a rest day moves to
the next working day. Days are days in China (a timezone-aware datetime is converted to
UTC+8 first, :func:`edupoverty.records.arguments.china_date`). Every name here is also
importable from :mod:`edupoverty.disclosure.windows`.

Examples:
    >>> from datetime import date
    >>> w = plan_disclosure(date(2026, 9, 28))
    >>> w.last_day, w.report_from       # 5 October is a National Day holiday → 8 October
    (datetime.date(2026, 10, 8), datetime.date(2026, 10, 9))
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum

from attrs import frozen

from edupoverty.disclosure.workdays import (
    WorkCalendar,
    beyond_calendar,
    default_calendar,
    is_provisional,
)
from edupoverty.errors import ArgumentError, InputError
from edupoverty.records.arguments import china_date, int_argument, of_type

__all__ = [
    "MIN_DAYS",
    "Convention",
    "DisclosureWindow",
    "calendar_argument",
    "describe_window",
    "plan_disclosure",
    "reply_due",
]

MIN_DAYS = 7
"""R-DIS-2: a list is posted for at least one week (一周以上): seven calendar days covered."""


class Convention(Enum):
    """How a county counts a disclosure period. Each member has ``zh``/``en`` labels.

    - ``civil_code`` (default): the posting day does not count (Civil Code art. 201);
      ``last_day`` = posting day + ``days``; a rest day moves to the next working day
      (art. 203).
    - ``posting_day_counted``: the posting day is day 1; ``last_day`` = posting day +
      ``days`` - 1, moved to the next working day if it is a rest day.
    - ``working_days``: ``days`` working days after the posting day
      (``add_working_days(posted_on, days)``).

    Examples:
        >>> Convention("civil_code").zh
        '民法典计算（首日不计入，末日遇休息日顺延）'
    """

    CIVIL_CODE = "civil_code"
    POSTING_DAY_COUNTED = "posting_day_counted"
    WORKING_DAYS = "working_days"

    @property
    def zh(self) -> str:
        """Chinese label.

        Examples:
            >>> Convention.WORKING_DAYS.zh
            '按工作日计算'
        """
        return _CONVENTION_LABELS[self][0]

    @property
    def en(self) -> str:
        """English label.

        Examples:
            >>> Convention.WORKING_DAYS.en
            'counted in working days'
        """
        return _CONVENTION_LABELS[self][1]


_CONVENTION_LABELS = {
    Convention.CIVIL_CODE: (
        "民法典计算（首日不计入，末日遇休息日顺延）",
        "Civil Code (posting day not counted; a rest-day last day moves to the next working day)",
    ),
    Convention.POSTING_DAY_COUNTED: (
        "公示当日计入（末日遇休息日顺延）",
        "posting day counted (a rest-day last day moves to the next working day)",
    ),
    Convention.WORKING_DAYS: ("按工作日计算", "counted in working days"),
}


def _convention(value: Convention | str) -> Convention:
    if isinstance(value, Convention):
        return value
    try:
        return Convention(str(value).strip().lower().replace("-", "_"))
    except ValueError:
        names = ", ".join(c.value for c in Convention)
        raise InputError(
            f"未知的公示期计算方法（可选：{names}）",
            f"unknown disclosure convention (choose one of: {names})",
        ) from None


def calendar_argument(calendar: WorkCalendar | None) -> WorkCalendar:
    """The calendar a function was given, or the default one for ``None``; anything else
    is an :class:`~edupoverty.errors.ArgumentError`.

    Examples:
        >>> calendar_argument(None) is default_calendar()
        True
        >>> calendar_argument("official")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        edupoverty.errors.ArgumentError: ... calendar must be a WorkCalendar or None, not str
    """
    if calendar is None:
        return default_calendar()
    if not isinstance(calendar, WorkCalendar):
        raise ArgumentError(
            "calendar", "WorkCalendar 或 None", "a WorkCalendar or None", type(calendar).__name__
        )
    return calendar


@frozen
class DisclosureWindow:
    """The plan of one posting (公示): posted, last day, first day it may be reported upward.

    ``provisional`` is True when a date was computed across an estimated year
    (:meth:`~edupoverty.disclosure.workdays.WorkCalendar.with_estimate`).

    Examples:
        >>> w = plan_disclosure(date(2026, 3, 2))
        >>> (w.posted_on, w.last_day, w.report_from, w.provisional)
        (datetime.date(2026, 3, 2), datetime.date(2026, 3, 9), datetime.date(2026, 3, 10), False)
    """

    posted_on: date
    last_day: date
    report_from: date
    provisional: bool = False
    days: int = MIN_DAYS
    convention: Convention = Convention.CIVIL_CODE
    batch: str | None = None

    def is_open(self, day: date) -> bool:
        """True if ``day`` (a day in China) lies within the window (posting day to last day,
        inclusive).

        Examples:
            >>> plan_disclosure(date(2026, 3, 2)).is_open(date(2026, 3, 9))
            True
        """
        return self.posted_on <= china_date(day, "day") <= self.last_day


def plan_disclosure(
    posted_on: date,
    days: int = MIN_DAYS,
    convention: Convention | str = Convention.CIVIL_CODE,
    *,
    calendar: WorkCalendar | None = None,
    batch: str | None = None,
) -> DisclosureWindow:
    """Plan a disclosure window posted on ``posted_on`` for ``days`` (R-DIS-2).

    ``days`` counts calendar days, or working days for ``convention="working_days"``. A
    window that would cover less than one week (:data:`MIN_DAYS` calendar days) is refused
    (:class:`~edupoverty.errors.InputError`): R-DIS-2 asks for at least a week.

    ``posted_on`` is a day in China (an aware datetime is converted to UTC+8 first). A
    ``posted_on`` that is not a date, ``days`` that is not an ``int``, or a ``calendar``
    that is not a :class:`~edupoverty.disclosure.workdays.WorkCalendar` is an
    :class:`~edupoverty.errors.ArgumentError`. A posting day in a year the calendar lacks
    raises :class:`~edupoverty.errors.CalendarYearUnavailable`; ``days`` longer than the
    whole calendar, or a day no calendar can hold, is an
    :class:`~edupoverty.errors.InputError` with code ``calendar.range``.

    Examples:
        >>> plan_disclosure(date(2026, 9, 28)).last_day                    # Civil Code
        datetime.date(2026, 10, 8)
        >>> plan_disclosure(date(2026, 9, 28), convention="posting_day_counted").last_day
        datetime.date(2026, 10, 8)
        >>> plan_disclosure(date(2026, 9, 28), 5, convention="working_days").last_day
        datetime.date(2026, 10, 10)
        >>> plan_disclosure(date(2026, 3, 2), 5)
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: input: 公示期不足一周（R-DIS-2）...
    """
    posted_on = china_date(posted_on, "posted_on")
    conv = _convention(convention)
    cal = calendar_argument(calendar)
    int_argument(days, "days", "正整数天数", "a positive int number of days")
    if days < 1:
        raise InputError("公示天数应为正整数", "the number of days must be a positive integer")
    if batch is not None and not isinstance(batch, str):
        raise ArgumentError("batch", "文本或 None", "text or None", type(batch).__name__)
    first, last_held = cal.span()
    cal.is_workday(posted_on)  # a posting day the calendar lacks: raise now, naming its year
    if days > (last_held - first).days:
        raise beyond_calendar(cal)
    if conv is Convention.WORKING_DAYS:
        last = cal.add_working_days(posted_on, days)
        covered = (last - posted_on).days
    else:
        nominal = posted_on + timedelta(days=days if conv is Convention.CIVIL_CODE else days - 1)
        covered = (nominal - posted_on).days + (0 if conv is Convention.CIVIL_CODE else 1)
        last = cal.next_workday(nominal)
    if covered < MIN_DAYS:
        raise InputError(
            f"公示期不足一周（R-DIS-2）：按{conv.zh}只覆盖{covered}天",
            f"the window is shorter than one week (R-DIS-2): {covered} days by {conv.value}",
        )
    report_from = last + timedelta(days=1)
    provisional = is_provisional(last) or cal.is_provisional_span(posted_on, last)
    return DisclosureWindow(
        posted_on=posted_on,
        last_day=last,
        report_from=report_from,
        provisional=provisional,
        days=days,
        convention=conv,
        batch=batch,
    )


def reply_due(
    received_on: date, working_days: int = 3, *, calendar: WorkCalendar | None = None
) -> date:
    """The last day to answer an objection received on ``received_on`` (R-DIS-4: within 3
    working days of receiving the material): ``add_working_days(received_on, 3)``.

    Examples:
        >>> reply_due(date(2026, 9, 30))    # 1–7 October are holidays
        datetime.date(2026, 10, 10)
        >>> reply_due(date(2025, 1, 24))    # Sun 26 Jan worked, 27 Jan, then 春节 to 4 Feb
        datetime.date(2025, 2, 5)
    """
    received_on = china_date(received_on, "received_on")
    int_argument(working_days, "working_days", "正整数个工作日", "a positive int of working days")
    if working_days < 1:
        raise InputError("答复期限应为正整数个工作日", "the reply period must be >= 1 working day")
    return calendar_argument(calendar).add_working_days(received_on, working_days)


def describe_window(window: DisclosureWindow, lang: str = "zh") -> str:
    """A short human description of a window (used by the CLI and ``edupoverty demo``).

    Examples:
        >>> print(describe_window(plan_disclosure(date(2026, 9, 28)), "en"))
        posted 2026-09-28, open until 2026-10-08 (7 days, civil_code); report from 2026-10-09
    """
    of_type(window, DisclosureWindow, "window", "DisclosureWindow", "a DisclosureWindow")
    mark = ""
    if window.provisional:
        mark = "（暂定：含估算年份）" if lang == "zh" else " (provisional: estimated year)"
    if lang == "en":
        return (
            f"posted {window.posted_on.isoformat()}, open until {window.last_day.isoformat()} "
            f"({window.days} days, {window.convention.value}); report from "
            f"{window.report_from.isoformat()}{mark}"
        )
    unit = "个工作日" if window.convention is Convention.WORKING_DAYS else "天"
    return (
        f"{window.posted_on.isoformat()} 公示，至 {window.last_day.isoformat()} 止"
        f"（{window.days}{unit}，{window.convention.zh}）；"
        f"{window.report_from.isoformat()} 起可上报{mark}"
    )
