"""Calendar years (节假日安排): the State Council's holiday arrangement of one year, and the
year files it is read from.

A :class:`CalendarYear` holds the statutory holidays (rest days) and the make-up working days
(weekend days worked in exchange) of one year, checked. The official years come from the
``chinese_calendar`` package (:func:`official_calendar_years`); a year that package lacks is
added from a TOML file copied from the notice (:func:`load_year_file`, the shipped ones in
:func:`shipped_year_files`); a date computed across an estimated year is a
:class:`ProvisionalDate`. :class:`~edupoverty.disclosure.workdays.WorkCalendar` counts
working days over these years; every name here is also importable from
:mod:`edupoverty.disclosure.workdays`.

Examples:
    >>> from datetime import date
    >>> y = CalendarYear(2026, holidays=[date(2026, 10, 1)], workdays=[date(2026, 10, 10)])
    >>> y.is_workday(date(2026, 10, 10)), y.is_workday(date(2026, 10, 1))
    (True, False)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from attrs import field, frozen

from edupoverty.errors import ArgumentError, CalendarDataError
from edupoverty.records.arguments import china_date, sequence_argument
from edupoverty.records.safefile import load_toml

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "CalendarYear",
    "ProvisionalDate",
    "is_provisional",
    "load_year_file",
    "official_calendar_years",
    "official_years",
    "shipped_year_files",
]

_fromordinal = date.fromordinal

FIRST_YEAR = 1900
"""The earliest year a calendar may hold: a technical bound (no holiday data this old)."""

LAST_YEAR = 9998
"""The latest year a calendar may hold: the last whose following day :class:`datetime.date`
can still represent (counting needs the day after a year's end)."""


class ProvisionalDate(date):
    """A date computed across a year whose working days were *estimated* (the statutory
    holidays by rule, no make-up days), not taken from an official notice: it may move once
    the notice is published.

    It is a :class:`~datetime.date` in every other respect (equal to the plain date, and
    ``+ timedelta`` keeps it provisional).

    Examples:
        >>> from datetime import timedelta
        >>> d = ProvisionalDate(2027, 1, 4)
        >>> d == date(2027, 1, 4), d.provisional, is_provisional(d + timedelta(days=1))
        (True, True, True)
    """

    __slots__ = ()

    @property
    def provisional(self) -> bool:
        """Always ``True``.

        Examples:
            >>> ProvisionalDate(2027, 1, 4).provisional
            True
        """
        return True

    def __repr__(self) -> str:
        return f"ProvisionalDate({self.year}, {self.month}, {self.day})"


def is_provisional(day: date) -> bool:
    """True if ``day`` was computed from an estimated year.

    Examples:
        >>> is_provisional(date(2026, 10, 10)), is_provisional(ProvisionalDate(2027, 1, 4))
        (False, True)
    """
    return isinstance(day, ProvisionalDate)


def _dates(values: Iterable[date], year: int, what: str) -> frozenset[date]:
    out = set()
    for value in values:
        if not isinstance(value, date):
            raise CalendarDataError(
                f"{year}年{what}中有不是日期的值",
                f"{year}: {what} holds a value that is not a date",
            )
        day = china_date(value, what)
        if type(day) is not date:
            day = date(day.year, day.month, day.day)
        if day.year != year:
            raise CalendarDataError(
                f"{year}年{what}中的 {day.isoformat()} 不在该年内",
                f"{year}: {what} date {day.isoformat()} lies outside the year",
            )
        out.add(day)
    return frozenset(out)


def _fset(values: Iterable[date]) -> frozenset[date]:
    return frozenset(sequence_argument(values, "holidays/workdays"))


@frozen
class CalendarYear:
    """The holiday arrangement of one year: statutory holidays and make-up working days.

    Checks (:class:`~edupoverty.errors.CalendarDataError`): every date lies in ``year``; no
    day is both a holiday and a working day; a make-up working day falls on a Saturday or
    Sunday (a weekday is a working day anyway, so listing one is a copying mistake). A
    holiday on a weekend is harmless: notices list the whole break, weekend included.
    ``estimated`` marks a guess made before the notice: its holidays are the statutory ones
    by rule (:func:`~edupoverty.disclosure.estimate.estimated_days_off`), and it has no
    make-up working days.

    Examples:
        >>> y = CalendarYear(2026, holidays=[date(2026, 1, 1)], workdays=[date(2026, 1, 4)],
        ...                  source="国务院办公厅关于2026年部分节假日安排的通知")
        >>> sorted(y.workdays)
        [datetime.date(2026, 1, 4)]
        >>> CalendarYear(2026, holidays=[], workdays=[date(2026, 1, 5)])
        Traceback (most recent call last):
        ...
        edupoverty.errors.CalendarDataError: calendar.data: 2026年调休上班日 2026-01-05 不是周末...
    """

    year: int
    holidays: frozenset[date] = field(factory=frozenset, converter=_fset)
    workdays: frozenset[date] = field(factory=frozenset, converter=_fset)
    source: str = ""
    estimated: bool = False

    def __attrs_post_init__(self) -> None:
        year = self.year
        if (
            isinstance(year, bool)
            or not isinstance(year, int)
            or not FIRST_YEAR <= year <= LAST_YEAR
        ):
            raise CalendarDataError(
                f"年份应为{FIRST_YEAR}至{LAST_YEAR}之间的整数",
                f"the year must be an integer from {FIRST_YEAR} to {LAST_YEAR}",
            )
        holidays = _dates(self.holidays, year, "节假日")
        workdays = _dates(self.workdays, year, "调休上班日")
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "workdays", workdays)
        both = sorted(holidays & workdays)
        if both:
            raise CalendarDataError(
                f"{year}年 {both[0].isoformat()} 同时列为节假日和上班日",
                f"{year}: {both[0].isoformat()} is listed both as a holiday and a working day",
            )
        weekday = sorted(d for d in workdays if d.weekday() < 5)
        if weekday:
            raise CalendarDataError(
                f"{year}年调休上班日 {weekday[0].isoformat()} 不是周末（工作日本来就上班）",
                f"{year}: make-up working day {weekday[0].isoformat()} is not a Saturday or "
                "Sunday (a weekday is a working day anyway)",
            )
        if self.estimated and workdays:
            raise CalendarDataError(
                f"{year}年：估算年份没有调休上班日（只有当年的通知才会给出）",
                f"{year}: an estimated year has no make-up working days (only its notice "
                "gives them)",
            )

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` (in this year) is a working day.

        Examples:
            >>> CalendarYear(2026, holidays=[date(2026, 1, 1)]).is_workday(date(2026, 1, 1))
            False
        """
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


def official_years() -> tuple[int, ...]:
    """The years for which the installed ``chinese_calendar`` holds official data.

    Read from the data (every year with a holiday listed), not hard-coded.

    Examples:
        >>> ys = official_years()
        >>> ys[0], 2025 in ys, 2026 in ys
        (2004, True, True)
    """
    from chinese_calendar import constants

    return tuple(sorted({d.year for d in constants.holidays}))


def official_calendar_years() -> dict[int, CalendarYear]:
    """The official years of the installed ``chinese_calendar``, as checked
    :class:`CalendarYear` values by year.

    Examples:
        >>> official_calendar_years()[2025].source.startswith("chinese_calendar")
        True
    """
    import chinese_calendar
    from chinese_calendar import constants

    ver = getattr(chinese_calendar, "__version__", "")
    years = official_years()
    out: dict[int, CalendarYear] = {}
    for y in years:
        out[y] = CalendarYear(
            y,
            holidays=[d for d in constants.holidays if d.year == y],
            workdays=[d for d in constants.workdays if d.year == y],
            source=f"chinese_calendar {ver}（国务院办公厅部分节假日安排的通知）",
        )
    return out


# --- year files ---------------------------------------------------------------------------


def _as_date(value: object, where: str) -> date:
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarDataError(
        f"{where}：不是 YYYY-MM-DD 格式的日期", f"{where}: not a YYYY-MM-DD date"
    )


def _parse_year_file(data: Mapping[str, Any], name: str) -> CalendarYear:
    known = {"year", "source", "holiday"}
    extra = sorted(set(data) - known)
    if extra:
        raise CalendarDataError(f"{name}：未知的键 {extra[0]}", f"{name}: unknown key {extra[0]}")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise CalendarDataError(f"{name}：缺少整数 year", f"{name}: `year` (an integer) is missing")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise CalendarDataError(
            f"{name}：缺少 source（通知名称和文号）",
            f"{name}: `source` (the notice's title and number) is missing",
        )
    entries = data.get("holiday")
    if not isinstance(entries, list) or not entries:
        raise CalendarDataError(f"{name}：缺少 [[holiday]] 条目", f"{name}: no [[holiday]] entries")
    holidays: list[date] = []
    workdays: list[date] = []
    for i, entry in enumerate(entries, 1):
        where = f"{name}: holiday[{i}]"
        if not isinstance(entry, dict):
            raise CalendarDataError(f"{where}：应为表", f"{where}: must be a table")
        extra = sorted(set(entry) - {"name", "from", "to", "workdays"})
        if extra:
            raise CalendarDataError(
                f"{where}：未知的键 {extra[0]}", f"{where}: unknown key {extra[0]}"
            )
        if "from" not in entry:
            raise CalendarDataError(f"{where}：缺少 from", f"{where}: `from` is missing")
        start = _as_date(entry["from"], f"{where}.from")
        end = _as_date(entry.get("to", start), f"{where}.to")
        if end < start:
            raise CalendarDataError(f"{where}：to 早于 from", f"{where}: `to` is before `from`")
        holidays.extend(_fromordinal(o) for o in range(start.toordinal(), end.toordinal() + 1))
        made_up = entry.get("workdays", [])
        if not isinstance(made_up, list):
            raise CalendarDataError(
                f"{where}.workdays：应为列表", f"{where}.workdays: must be a list"
            )
        workdays.extend(_as_date(v, f"{where}.workdays") for v in made_up)
    try:
        return CalendarYear(year, holidays=holidays, workdays=workdays, source=source.strip())
    except CalendarDataError as exc:
        raise CalendarDataError(f"{name}：{exc.message_zh}", f"{name}: {exc.message_en}") from None


def load_year_file(path: str | Path) -> CalendarYear:
    """Read and check a calendar year file (TOML) copied from a State Council notice.

    The format (see ``calendars/2026.toml`` shipped with the package)::

        year = 2026
        source = "国务院办公厅关于2026年部分节假日安排的通知"

        [[holiday]]
        name = "春节"
        from = 2026-02-15          # first rest day (放假)
        to = 2026-02-23            # last rest day, inclusive
        workdays = [2026-02-14, 2026-02-28]   # make-up working days (上班)

    Raises :class:`~edupoverty.errors.CalendarDataError` for bad data, naming the file and
    the entry.

    Examples:
        >>> from edupoverty.disclosure.workdays import shipped_year_files
        >>> y = load_year_file(shipped_year_files()[2026])
        >>> y.year, len(y.holidays), sorted(y.workdays)[0]
        (2026, 33, datetime.date(2026, 1, 4))
    """
    if not isinstance(path, str | os.PathLike):
        raise ArgumentError("path", "文件路径", "a file path", type(path).__name__)
    p = Path(path)
    data = load_toml(
        p, refuse=lambda zh, en: CalendarDataError(f"{p.name}：{zh}", f"{p.name}: {en}")
    )
    return _parse_year_file(data, p.name)


def shipped_year_files() -> dict[int, Path]:
    """The year files shipped in ``edupoverty/disclosure/calendars/``, by year (file stem).

    Examples:
        >>> 2026 in shipped_year_files()
        True
    """
    out: dict[int, Path] = {}
    folder = resources.files("edupoverty.disclosure") / "calendars"
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".toml") and name[:-5].isdigit():
            out[int(name[:-5])] = Path(str(entry))
    return dict(sorted(out.items()))
