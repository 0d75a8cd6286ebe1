"""Reporting and inspection clocks (R-CLK-1..4), built with :mod:`dateutil.rrule`.

What the seed says, and how it is read here (see docs/disclosure/clocks.md):

- R-CLK-1 重大紧急信息应在事件发生后1小时内报送: urgent information is due one hour after
  the event (a datetime), whatever the day — no working-day rule.
- R-CLK-2 宣传栏一个季度出一期; 公示栏对每月评出的红旗窗口进行公示: one board issue per
  calendar quarter, one red-flag posting per month. The seed names no day, so the slot is
  the whole period and it is due by the period's last day; not moved to working days.
- R-CLK-3 每月月初……进行排查: the monthly inspection happens "at the start of each month",
  per class, by the class teacher — school work, so it falls on the first working day of
  the month (the 1st, moved forward if a rest day). 每周开展一次集中排查: once a week, no day
  named — the slot is the week (Monday to Sunday) and it is due by the week's last working
  day; a week with no working day (a Spring Festival or National Day week) has no due day.
- R-CLK-4 periodic reports to the county centre: the seed gives no due dates, so the due
  rule is a required parameter (no default; 未配置 otherwise).

Late submissions become :class:`~edupoverty.records.LateReport` records (R-ACC-S4).

Days and instants are China's: an aware datetime is converted to China Standard Time
(UTC+8) before its date is taken or compared, a naive one is taken as China time
(:mod:`edupoverty.records.arguments`). Arguments of the wrong type are an
:class:`~edupoverty.errors.ArgumentError`; dates outside the years a calendar can hold
(:data:`~edupoverty.disclosure.workdays.FIRST_YEAR` to
:data:`~edupoverty.disclosure.workdays.LAST_YEAR`) an
:class:`~edupoverty.errors.InputError` with code ``calendar.range``.

Examples:
    >>> from datetime import date, datetime
    >>> from edupoverty.disclosure.clocks import monthly_inspections, urgent_report_due
    >>> urgent_report_due(datetime(2026, 10, 2, 21, 30))
    datetime.datetime(2026, 10, 2, 22, 30)
    >>> [s.due for s in monthly_inspections(date(2026, 10, 1), date(2026, 11, 30))]
    [datetime.date(2026, 10, 8), datetime.date(2026, 11, 2)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from attrs import frozen
from dateutil.relativedelta import relativedelta
from dateutil.rrule import MO, MONTHLY, WEEKLY, rrule

from edupoverty.disclosure.planning import calendar_argument
from edupoverty.disclosure.workdays import FIRST_YEAR, LAST_YEAR, WorkCalendar, is_provisional
from edupoverty.errors import ArgumentError, InputError
from edupoverty.records.arguments import (
    china_date,
    china_datetime,
    int_argument,
    of_type,
    sequence_argument,
)
from edupoverty.records.model import LateReport

__all__ = [
    "URGENT_DELAY",
    "ClockSlot",
    "check_urgent",
    "late_reports",
    "monthly_inspections",
    "publicity_board_issues",
    "red_flag_postings",
    "report_deadlines",
    "urgent_report_due",
    "weekly_inspections",
]

URGENT_DELAY = timedelta(hours=1)
"""R-CLK-1: major urgent information is reported within one hour of the event."""


@frozen
class ClockSlot:
    """One occurrence of a clock: the period it covers and the day it falls due.

    ``nominal`` is the day the rule names before any move to a working day; ``due`` is
    ``None`` when the period has no working day at all. ``provisional`` marks a due day
    computed from an estimated year; ``report`` names the report of a ``"report"`` clock.

    Examples:
        >>> s = monthly_inspections(date(2026, 10, 1), date(2026, 10, 31))[0]
        >>> s.clock, s.nominal, s.due, s.moved
        ('monthly_inspection', datetime.date(2026, 10, 1), datetime.date(2026, 10, 8), True)
    """

    clock: str
    period_start: date
    period_end: date
    nominal: date
    due: date | None
    provisional: bool = False
    report: str | None = None

    @property
    def moved(self) -> bool:
        """True if the due day differs from the nominal day (moved to a working day).

        Examples:
            >>> monthly_inspections(date(2026, 6, 1), date(2026, 6, 1))[0].moved
            False
        """
        return self.due != self.nominal


def _check_range(start: date, end: date) -> tuple[date, date]:
    """``start`` and ``end`` as days in China, checked: in order, within the years a
    calendar can hold."""
    start, end = china_date(start, "start"), china_date(end, "end")
    if end < start:
        raise InputError("结束日期早于开始日期", "the end date is before the start date")
    if start.year < FIRST_YEAR or end.year > LAST_YEAR:
        err = InputError(
            f"日期应在{FIRST_YEAR}至{LAST_YEAR}年之间",
            f"the dates must lie in the years {FIRST_YEAR} to {LAST_YEAR}",
        )
        err.code = "calendar.range"
        raise err
    return start, end


def _starts(freq: int, start: date, end: date, **kw: object) -> list[date]:
    return [dt.date() for dt in rrule(freq, dtstart=start, until=end, **kw)]


def urgent_report_due(event_at: datetime) -> datetime:
    """The deadline of a major urgent report: one hour after the event (R-CLK-1).

    Time-zone aware datetimes stay aware (in their own zone); no working-day rule applies.

    Examples:
        >>> urgent_report_due(datetime(2026, 2, 16, 23, 40))
        datetime.datetime(2026, 2, 17, 0, 40)
    """
    of_type(event_at, datetime, "event_at", "日期时间（datetime）", "a datetime.datetime")
    try:
        return event_at + URGENT_DELAY
    except OverflowError:
        err = InputError("事件时间超出可表示的范围", "the event time is out of range")
        err.code = "argument.range"
        raise err from None


def check_urgent(
    report: str,
    event_at: datetime,
    submitted_at: datetime | None,
    *,
    as_of: datetime | None = None,
    responsible: str | None = None,
) -> LateReport | None:
    """A :class:`~edupoverty.records.LateReport` if urgent information came in later than
    one hour after the event (or has not come in by ``as_of``), else ``None``.

    Instants are compared in China time: an aware and a naive datetime may be mixed, the
    naive one being China time.

    Examples:
        >>> ev = datetime(2026, 10, 2, 21, 30)
        >>> check_urgent("学生溺水事件", ev, datetime(2026, 10, 2, 22, 30)) is None
        True
        >>> check_urgent("学生溺水事件", ev, datetime(2026, 10, 2, 22, 31)).clock
        'urgent'
    """
    due = urgent_report_due(event_at)
    when = submitted_at if submitted_at is not None else as_of
    if when is None:
        return None
    name = "submitted_at" if submitted_at is not None else "as_of"
    if china_datetime(when, name) <= china_datetime(due, "event_at"):
        return None
    return LateReport(report, "urgent", due, submitted_at, responsible)


def publicity_board_issues(start: date, end: date) -> tuple[ClockSlot, ...]:
    """The quarterly publicity-board issues (宣传栏一个季度出一期, R-CLK-2) of the calendar
    quarters that overlap ``[start, end]``; each due by its quarter's last day.

    Examples:
        >>> [(s.period_start, s.due) for s in publicity_board_issues(date(2026, 1, 1),
        ...                                                          date(2026, 6, 30))]
        [(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
         (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))]
    """
    start, end = _check_range(start, end)
    first = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    out = []
    for q in _starts(MONTHLY, first, end, interval=3):
        last = q + relativedelta(months=3) - timedelta(days=1)
        out.append(ClockSlot("publicity_board", q, last, last, last))
    return tuple(out)


def red_flag_postings(start: date, end: date) -> tuple[ClockSlot, ...]:
    """The monthly red-flag-window postings (公示栏：对每月评出的红旗窗口进行公示, R-CLK-2):
    one per calendar month overlapping ``[start, end]``, due by the month's last day.

    Examples:
        >>> [s.due for s in red_flag_postings(date(2026, 2, 10), date(2026, 3, 1))]
        [datetime.date(2026, 2, 28), datetime.date(2026, 3, 31)]
    """
    start, end = _check_range(start, end)
    out = []
    for m in _starts(MONTHLY, date(start.year, start.month, 1), end):
        last = m + relativedelta(months=1) - timedelta(days=1)
        out.append(ClockSlot("red_flag_board", m, last, last, last))
    return tuple(out)


def monthly_inspections(
    start: date, end: date, *, calendar: WorkCalendar | None = None
) -> tuple[ClockSlot, ...]:
    """The monthly inspections (每月月初……排查, R-CLK-3) whose month starts in
    ``[start, end]``: nominally the 1st, due on the first working day on or after it.

    Examples:
        >>> [s.due for s in monthly_inspections(date(2026, 1, 1), date(2026, 3, 1))]
        [datetime.date(2026, 1, 4), datetime.date(2026, 2, 2), datetime.date(2026, 3, 2)]
    """
    start, end = _check_range(start, end)
    cal = calendar_argument(calendar)
    out = []
    for m in _starts(MONTHLY, start, end, bymonthday=1):
        due = cal.next_workday(m)
        last = m + relativedelta(months=1) - timedelta(days=1)
        out.append(ClockSlot("monthly_inspection", m, last, m, due, is_provisional(due)))
    return tuple(out)


def weekly_inspections(
    start: date, end: date, *, calendar: WorkCalendar | None = None
) -> tuple[ClockSlot, ...]:
    """The weekly concentrated inspections (每周开展一次集中排查, R-CLK-3): one per week
    (Monday to Sunday) overlapping ``[start, end]``, due by the week's last working day,
    or ``None`` for a week without a working day.

    Examples:
        >>> [(s.period_start, s.due) for s in weekly_inspections(date(2026, 2, 16),
        ...                                                      date(2026, 2, 22))]
        [(datetime.date(2026, 2, 16), None)]
        >>> weekly_inspections(date(2026, 10, 5), date(2026, 10, 5))[0].due   # Sat 10th worked
        datetime.date(2026, 10, 10)
    """
    start, end = _check_range(start, end)
    cal = calendar_argument(calendar)
    monday = start - timedelta(days=start.weekday())
    out = []
    for w in _starts(WEEKLY, monday, end, byweekday=MO):
        sunday = w + timedelta(days=6)
        due: date | None = cal.add_working_days(sunday + timedelta(days=1), -1)
        if due is not None and due < w:
            due = None
        prov = due is not None and is_provisional(due)
        out.append(ClockSlot("weekly_inspection", w, sunday, sunday, due, prov))
    return tuple(out)


_FREQ = {"monthly": 1, "quarterly": 3, "semiannual": 6, "yearly": 12}


def report_deadlines(
    report: str,
    start: date,
    end: date,
    *,
    frequency: str,
    due_working_days: int,
    calendar: WorkCalendar | None = None,
) -> tuple[ClockSlot, ...]:
    """Deadlines of a periodic report to the county centre (R-CLK-4).

    The seed gives no due dates: ``frequency`` (``monthly``, ``quarterly``, ``semiannual``,
    ``yearly``: calendar periods) and ``due_working_days`` (working days after the period's
    last day) must be given. ``due_working_days=0`` means the period's last day, moved to
    the next working day if it is a rest day.

    Examples:
        >>> s = report_deadlines("资助统计月报", date(2026, 9, 1), date(2026, 9, 30),
        ...                      frequency="monthly", due_working_days=5)
        >>> s[0].period_end, s[0].due
        (datetime.date(2026, 9, 30), datetime.date(2026, 10, 13))
    """
    start, end = _check_range(start, end)
    if not isinstance(frequency, str) or frequency not in _FREQ:
        raise InputError(
            f"报表周期应为 {', '.join(_FREQ)} 之一", f"frequency must be one of {', '.join(_FREQ)}"
        )
    if due_working_days is None:
        raise InputError(
            "报送期限（工作日数）未配置", "the due rule (working days) is not configured"
        )
    int_argument(due_working_days, "due_working_days", "整数个工作日", "an int of working days")
    if due_working_days < 0:
        raise InputError("报送期限不能为负", "the due rule cannot be negative")
    cal = calendar_argument(calendar)
    months = _FREQ[frequency]
    first_month = ((start.month - 1) // months) * months + 1
    out = []
    for p in _starts(MONTHLY, date(start.year, first_month, 1), end, interval=months):
        last = p + relativedelta(months=months) - timedelta(days=1)
        due = (
            cal.next_workday(last)
            if due_working_days == 0
            else cal.add_working_days(last, due_working_days)
        )
        out.append(ClockSlot("report", p, last, last, due, is_provisional(due), report))
    return tuple(out)


def late_reports(
    slots: Iterable[ClockSlot],
    submissions: Mapping[date, date | None],
    *,
    as_of: date | None = None,
    report: str | None = None,
    responsible: str | None = None,
) -> tuple[LateReport, ...]:
    """:class:`~edupoverty.records.LateReport` records (R-ACC-S4) for slots submitted after
    their due day, or — given ``as_of`` — not submitted by then.

    ``submissions`` maps a slot's ``period_start`` to the day it was submitted. Slots with
    no due day (a week without a working day) are never late.

    Examples:
        >>> slots = monthly_inspections(date(2026, 10, 1), date(2026, 11, 1))
        >>> late = late_reports(slots, {date(2026, 10, 1): date(2026, 10, 9)},
        ...                     as_of=date(2026, 11, 5), report="月排查")
        >>> [(r.due_at, r.submitted_at) for r in late]
        [(datetime.date(2026, 10, 8), datetime.date(2026, 10, 9)),
         (datetime.date(2026, 11, 2), None)]
    """
    slots = sequence_argument(slots, "slots")
    if not isinstance(submissions, Mapping):
        raise ArgumentError(
            "submissions",
            "期间开始日到提交日的映射",
            "a mapping of period start to day",
            type(submissions).__name__,
        )
    as_of = None if as_of is None else china_date(as_of, "as_of")
    out = []
    for s in slots:
        of_type(s, ClockSlot, "slots", "ClockSlot 的列表", "a list of ClockSlot")
        if s.due is None:
            continue
        submitted = submissions.get(s.period_start)
        if submitted is not None:
            submitted = china_date(submitted, "submissions")
        when = submitted if submitted is not None else as_of
        if when is None or when <= s.due:
            continue
        due = date(s.due.year, s.due.month, s.due.day)
        name = report or s.report or s.clock
        out.append(LateReport(name, s.clock, due, submitted, responsible))
    return tuple(out)
