"""Working days of mainland China (工作日): statutory holidays, weekends and make-up days (调休).

A :class:`WorkCalendar` holds, for each year it knows, the State Council's holiday
arrangement: the statutory holidays (rest days) and the make-up working days (weekend days
worked in exchange). Every other Saturday and Sunday is a rest day, every other weekday a
working day. The default calendar is built once from the data of the ``chinese_calendar``
package (years 2004–2026 in version 1.11.0; the range is read from the data) plus any year
file shipped in ``edupoverty/disclosure/calendars/`` for a year that package lacks.

A computation that touches a year without data raises
:class:`~edupoverty.errors.CalendarYearUnavailable` — never a silent guess. An estimate
(the statutory holidays by rule) exists only by explicit opt-in
(:meth:`WorkCalendar.with_estimate`), and every date computed across an estimated year is a
:class:`ProvisionalDate`.

Counting (RULES.md §8, PRC Civil Code art. 201): the start day never counts.

Days are days in China: a timezone-aware :class:`~datetime.datetime` passed where a day is
taken is converted to China Standard Time (UTC+8) before its date is taken, a naive one is
taken as China time (:func:`edupoverty.records.arguments.china_date`). Anything that is not
a date is an :class:`~edupoverty.errors.ArgumentError`, and so is a count of working days
that is not an ``int`` (``True`` included); a count or a date no calendar year reaches is an
:class:`~edupoverty.errors.InputError` with code ``calendar.range``.

Examples:
    >>> from datetime import date
    >>> from edupoverty.disclosure.workdays import add_working_days, is_workday
    >>> add_working_days(date(2026, 10, 1), 3)   # 10 October 2026 is a make-up working day
    datetime.date(2026, 10, 10)
    >>> is_workday(date(2025, 1, 26))            # Sunday, worked before the Spring Festival
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import accumulate
from pathlib import Path

from edupoverty.disclosure.calendar_years import (
    FIRST_YEAR,
    LAST_YEAR,
    CalendarYear,
    ProvisionalDate,
    is_provisional,
    load_year_file,
    official_calendar_years,
    official_years,
    shipped_year_files,
)
from edupoverty.disclosure.estimate import estimated_days_off
from edupoverty.errors import (
    CalendarDataError,
    CalendarYearUnavailable,
    EdupovertyError,
    InputError,
)
from edupoverty.records.arguments import china_date, int_argument, sequence_argument

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "CalendarYear",
    "ProvisionalDate",
    "WorkCalendar",
    "add_working_days",
    "beyond_calendar",
    "default_calendar",
    "is_provisional",
    "is_workday",
    "load_year_file",
    "next_workday",
    "official_years",
    "shipped_year_files",
    "working_days_between",
]

_fromordinal = date.fromordinal
_MAX_SPAN = 200  # years; keeps the precomputed arrays small whatever the input


# --- the calendar -------------------------------------------------------------------------


class WorkCalendar:
    """An immutable working-day calendar over the years it holds.

    Build one with :meth:`official` (the default: chinese_calendar's data plus shipped year
    files), then add years with :meth:`with_year`, :meth:`with_year_file` or — explicitly —
    :meth:`with_estimate`. Every ``with_*`` returns a new calendar.

    Internally each year is precomputed into one array over the whole span: for each day its
    count of working days before it, and the sorted list of working-day ordinals, so that
    :meth:`add_working_days` is two list look-ups.

    Examples:
        >>> cal = WorkCalendar.official()
        >>> cal.add_working_days(date(2026, 10, 1), 3)
        datetime.date(2026, 10, 10)
        >>> cal.working_days_between(date(2026, 9, 30), date(2026, 10, 10))
        3
        >>> cal.add_working_days(date(2026, 12, 29), 5)
        Traceback (most recent call last):
        ...
        edupoverty.errors.CalendarYearUnavailable: calendar.year_unavailable: 没有2027年的...
    """

    __slots__ = (
        "_base",
        "_cum",
        "_end",
        "_estimated",
        "_first",
        "_holes",
        "_last",
        "_nwork",
        "_plain",
        "_work",
        "_years",
    )

    _years: dict[int, CalendarYear]
    _base: int
    _end: int
    _cum: list[int]
    _work: list[int]
    _nwork: int
    _first: int
    _last: int
    _holes: frozenset[int]
    _estimated: frozenset[int]
    _plain: bool

    def __init__(self, years: Iterable[CalendarYear]) -> None:
        table: dict[int, CalendarYear] = {}
        for cy in sequence_argument(years, "years"):
            if not isinstance(cy, CalendarYear):
                raise CalendarDataError("应为 CalendarYear", "expected CalendarYear values")
            if cy.year in table:
                raise CalendarDataError(f"{cy.year}年重复", f"the year {cy.year} is given twice")
            table[cy.year] = cy
        if not table:
            raise CalendarDataError("日历中没有任何年份", "a calendar needs at least one year")
        if max(table) - min(table) >= _MAX_SPAN:
            raise CalendarDataError(
                f"日历跨度超过{_MAX_SPAN}年", f"a calendar may span at most {_MAX_SPAN} years"
            )
        set_ = object.__setattr__
        set_(self, "_years", dict(sorted(table.items())))
        first, last = min(table), max(table)
        base = date(first, 1, 1).toordinal()
        end = date(last + 1, 1, 1).toordinal()
        flags = bytearray(end - base)
        for y in range(first, last + 1):
            data = table.get(y)
            if data is None:
                continue
            start = date(y, 1, 1).toordinal()
            for o in range(start, date(y + 1, 1, 1).toordinal()):
                # ordinal 1 (0001-01-01) was a Monday: (o - 1) % 7 < 5 is Monday..Friday
                flags[o - base] = 1 if (o - 1) % 7 < 5 else 0
            for d in data.holidays:
                flags[d.toordinal() - base] = 0
            for d in data.workdays:
                flags[d.toordinal() - base] = 1
        set_(self, "_base", base)
        set_(self, "_end", end)
        set_(self, "_cum", [0, *accumulate(flags)])
        work = [base + i for i, f in enumerate(flags) if f]
        set_(self, "_work", work)
        set_(self, "_nwork", len(work))
        set_(self, "_first", first)
        set_(self, "_last", last)
        holes = frozenset(range(first, last + 1)) - set(table)
        estimated = frozenset(y for y, cy in table.items() if cy.estimated)
        set_(self, "_holes", holes)
        set_(self, "_estimated", estimated)
        set_(self, "_plain", not holes and not estimated)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("WorkCalendar is immutable")

    def __repr__(self) -> str:
        est = f", estimated={sorted(self._estimated)}" if self._estimated else ""
        return f"WorkCalendar(years={self._first}..{self._last}{est})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkCalendar) and self._years == other._years

    def __hash__(self) -> int:
        return hash(tuple(self._years.values()))

    # --- construction ----------------------------------------------------------------

    @classmethod
    def official(cls) -> WorkCalendar:
        """chinese_calendar's official years plus the shipped year files for later years.

        Examples:
            >>> WorkCalendar.official().has_year(2026)
            True
        """
        years = official_calendar_years()
        for y, path in shipped_year_files().items():
            if y not in years:
                years[y] = load_year_file(path)
        return cls(years.values())

    def with_year(
        self,
        year: int,
        *,
        holidays: Iterable[date],
        workdays: Iterable[date] = (),
        source: str = "",
        replace: bool = False,
    ) -> WorkCalendar:
        """A new calendar with ``year`` added from its State Council notice.

        ``holidays`` are the rest days of the notice (放假, weekend days included or not),
        ``workdays`` its make-up working days (上班). A year already present is an error
        unless ``replace=True``.

        Examples:
            >>> cal = WorkCalendar.official().with_year(
            ...     2027, holidays=[date(2027, 1, 1)], workdays=[],
            ...     source="test data, not an official notice")
            >>> cal.add_working_days(date(2026, 12, 31), 1)
            datetime.date(2027, 1, 4)
        """
        return self.with_years([CalendarYear(year, holidays, workdays, source)], replace=replace)

    def with_years(self, years: Iterable[CalendarYear], *, replace: bool = False) -> WorkCalendar:
        """A new calendar with several :class:`CalendarYear` values added.

        Examples:
            >>> WorkCalendar.official().with_years([CalendarYear(2026)])
            Traceback (most recent call last):
            ...
            edupoverty.errors.CalendarDataError: calendar.data: 日历中已有2026年...
        """
        table = dict(self._years)
        for y in sequence_argument(years, "years"):
            if not isinstance(y, CalendarYear):
                raise CalendarDataError("应为 CalendarYear", "expected CalendarYear values")
            if y.year in table and not replace:
                raise CalendarDataError(
                    f"日历中已有{y.year}年的数据（要替换请传 replace=True）",
                    f"the calendar already holds {y.year} (pass replace=True to replace it)",
                )
            table[y.year] = y
        return WorkCalendar(table.values())

    def with_year_file(self, path: str | Path, *, replace: bool = False) -> WorkCalendar:
        """A new calendar with the year of a checked TOML file (:func:`load_year_file`).

        Examples:
            >>> cal = WorkCalendar([CalendarYear(2025, holidays=[date(2025, 1, 1)])])
            >>> cal.with_year_file(shipped_year_files()[2026]).years()[-1]
            2026
        """
        return self.with_years([load_year_file(path)], replace=replace)

    def with_estimate(self, year: int) -> WorkCalendar:
        """A new calendar with an *estimate* for ``year`` (explicit opt-in), for planning
        before the year's notice is published.

        The statutory holidays of the year are rest days, found by rule, the lunar festivals
        included (:func:`~edupoverty.disclosure.estimate.estimated_days_off`); make-up
        working days are unknown, so there are none. Every date computed across this year is
        a :class:`ProvisionalDate`. Replace it with the official year when the notice
        appears (``edupoverty calendar add --from-notice``).

        Examples:
            >>> cal = WorkCalendar.official().with_estimate(2027)
            >>> d = cal.add_working_days(date(2026, 12, 31), 1)  # 1 January is New Year's Day
            >>> d, d.provisional
            (ProvisionalDate(2027, 1, 4), True)
        """
        source = "估算：法定节假日按规则推算，不含调休（以当年通知为准） / estimate"
        days = estimated_days_off(year)
        return self.with_years([CalendarYear(year, days, estimated=True, source=source)])

    # --- queries -----------------------------------------------------------------------

    def years(self) -> tuple[int, ...]:
        """The years this calendar holds (official, supplied or estimated).

        Examples:
            >>> WorkCalendar.official().years()[0]
            2004
        """
        return tuple(self._years)

    def year(self, year: int) -> CalendarYear:
        """The data of one year (:class:`~edupoverty.errors.CalendarYearUnavailable` if absent).

        Examples:
            >>> sorted(WorkCalendar.official().year(2025).workdays)[0]
            datetime.date(2025, 1, 26)
        """
        int_argument(year, "year")
        try:
            return self._years[year]
        except KeyError:
            raise CalendarYearUnavailable(year) from None

    def has_year(self, year: int) -> bool:
        """True if the calendar holds data (official or supplied, not estimated) for ``year``.

        Examples:
            >>> cal = WorkCalendar.official()
            >>> cal.has_year(2026), cal.with_estimate(2027).has_year(2027)
            (True, False)
        """
        y = self._years.get(year)
        return y is not None and not y.estimated

    def is_estimated(self, year: int) -> bool:
        """True if ``year`` is an estimate (statutory holidays by rule, no make-up days).

        Examples:
            >>> WorkCalendar.official().with_estimate(2027).is_estimated(2027)
            True
        """
        y = self._years.get(year)
        return y is not None and y.estimated

    def span(self) -> tuple[date, date]:
        """The first and the last day this calendar can count: 1 January of its first year,
        31 December of its last (a year missing in between still raises when touched).

        Examples:
            >>> WorkCalendar.official().span()[1]
            datetime.date(2026, 12, 31)
        """
        return _fromordinal(self._base), _fromordinal(self._end - 1)

    def _missing(self, ordinal: int) -> EdupovertyError:
        year = _fromordinal(max(ordinal, 1)).year
        if FIRST_YEAR <= year <= LAST_YEAR:
            return CalendarYearUnavailable(year)
        return beyond_calendar(self)

    def _too_many(self, n: int) -> None:
        """Refuse a count of working days larger than the calendar holds at all."""
        if abs(n) > self._nwork:
            raise beyond_calendar(self)

    def _check_span(self, lo: int, hi: int) -> bool:
        """Raise if a year in [lo, hi] (ordinals) is missing; return True if one is estimated."""
        y0 = _fromordinal(lo).year
        y1 = _fromordinal(hi).year
        for y in range(y0, y1 + 1):
            if y in self._holes:
                raise CalendarYearUnavailable(y)
        return any(y in self._estimated for y in range(y0, y1 + 1))

    def _result(self, start: int, result: int) -> date:
        if self._plain:
            return _fromordinal(result)
        lo, hi = (start, result) if start <= result else (result, start)
        if self._check_span(lo, hi):
            return ProvisionalDate.fromordinal(result)
        return _fromordinal(result)

    def is_workday(self, day: date) -> bool:
        """True if ``day`` is a working day.

        Examples:
            >>> cal = WorkCalendar.official()
            >>> cal.is_workday(date(2026, 10, 10)), cal.is_workday(date(2026, 10, 5))
            (True, False)
        """
        if type(day) is not date:
            day = china_date(day, "day")
        i = day.toordinal() - self._base
        if 0 <= i < self._end - self._base:
            if not self._plain:
                self._check_span(i + self._base, i + self._base)
            cum = self._cum
            return cum[i + 1] != cum[i]
        raise self._missing(i + self._base)

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day strictly after ``day`` (``n`` >= 1), the ``-n``-th one
        strictly before it (``n`` <= -1), or ``day`` itself (``n`` == 0).

        The start day never counts, whether or not it is a working day. O(1): two list
        look-ups.

        Examples:
            >>> cal = WorkCalendar.official()
            >>> cal.add_working_days(date(2026, 10, 1), 3)
            datetime.date(2026, 10, 10)
            >>> cal.add_working_days(date(2026, 10, 8), -1)
            datetime.date(2026, 9, 30)
            >>> cal.add_working_days(date(2026, 10, 3), 0)
            datetime.date(2026, 10, 3)
        """
        if type(day) is not date:
            day = china_date(day, "day")
        o = day.toordinal()
        i = o - self._base
        if type(n) is int and n > 0 and i >= 0 and self._plain:
            try:
                return _fromordinal(self._work[self._cum[i + 1] + n - 1])
            except IndexError:
                pass
        return self._add_slow(day, o, i, n)

    def _add_slow(self, day: date, o: int, i: int, n: int) -> date:
        int_argument(n, "n", "整数个工作日", "an int number of working days")
        if not 0 <= i < self._end - self._base:
            raise self._missing(o)
        self._too_many(n)
        if n == 0:
            if not self._plain:
                self._check_span(o, o)
            return day if type(day) is date else date(day.year, day.month, day.day)
        j = self._cum[i + 1] + n - 1 if n > 0 else self._cum[i] + n
        if j >= self._nwork:
            raise CalendarYearUnavailable(self._last + 1)
        if j < 0:
            raise CalendarYearUnavailable(self._first - 1)
        return self._result(o, self._work[j])

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days in ``(a, b]`` — after ``a``, up to and including ``b``.

        When ``b`` is before ``a`` the count is negative: minus the working days in
        ``[b, a)``, the mirror image, so that ``working_days_between(d,
        add_working_days(d, n)) == n`` for every ``n``.

        Examples:
            >>> cal = WorkCalendar.official()
            >>> cal.working_days_between(date(2026, 10, 1), date(2026, 10, 10))
            3
            >>> cal.working_days_between(date(2026, 10, 10), date(2026, 10, 1))  # 8th, 9th
            -2
            >>> cal.add_working_days(date(2026, 10, 10), -2)
            datetime.date(2026, 10, 8)
        """
        a, b = china_date(a, "a"), china_date(b, "b")
        ia = a.toordinal() - self._base
        ib = b.toordinal() - self._base
        span = self._end - self._base
        if not 0 <= ia < span:
            raise self._missing(ia + self._base)
        if not 0 <= ib < span:
            raise self._missing(ib + self._base)
        if not self._plain:
            self._check_span(min(ia, ib) + self._base, max(ia, ib) + self._base)
        cum = self._cum
        if ib >= ia:
            return cum[ib + 1] - cum[ia + 1]
        return cum[ib] - cum[ia]

    def next_workday(self, day: date) -> date:
        """``day`` if it is a working day, else the first working day after it.

        Examples:
            >>> WorkCalendar.official().next_workday(date(2026, 10, 1))
            datetime.date(2026, 10, 8)
        """
        day = china_date(day, "day")
        o = day.toordinal()
        i = o - self._base
        if not 0 <= i < self._end - self._base:
            raise self._missing(o)
        j = self._cum[i]  # working days before `day`: the next one at or after it
        if j >= self._nwork:
            raise CalendarYearUnavailable(self._last + 1)
        return self._result(o, self._work[j])

    def is_provisional_span(self, a: date, b: date) -> bool:
        """True if a computation between ``a`` and ``b`` crosses an estimated year.

        Examples:
            >>> cal = WorkCalendar.official().with_estimate(2027)
            >>> cal.is_provisional_span(date(2026, 12, 1), date(2027, 1, 5))
            True
        """
        a, b = china_date(a, "a"), china_date(b, "b")
        if self._plain:
            return False
        lo, hi = sorted((a.toordinal(), b.toordinal()))
        return self._check_span(lo, hi)


def beyond_calendar(calendar: WorkCalendar) -> InputError:
    """The error of a count or a date that no year of ``calendar`` reaches — far beyond its
    last year, or outside the years any calendar can hold (:data:`FIRST_YEAR` to
    :data:`LAST_YEAR`) — code ``calendar.range``. (A date in a year that could simply be
    added raises :class:`~edupoverty.errors.CalendarYearUnavailable` instead.)

    Examples:
        >>> print(beyond_calendar(WorkCalendar.official()).message("en"))
        beyond what the working-day calendar can count: it holds 2004-01-01 to 2026-12-31
    """
    first, last = calendar.span()
    err = InputError(
        f"超出工作日日历可计算的范围：日历数据为 {first.isoformat()} 至 {last.isoformat()}",
        f"beyond what the working-day calendar can count: it holds {first.isoformat()} to "
        f"{last.isoformat()}",
    )
    err.code = "calendar.range"
    return err


_DEFAULT = WorkCalendar.official()


def default_calendar() -> WorkCalendar:
    """The calendar the module-level functions use: :meth:`WorkCalendar.official`.

    Examples:
        >>> default_calendar() is default_calendar()
        True
    """
    return _DEFAULT


def is_workday(day: date) -> bool:
    """True if ``day`` is a working day in the default calendar.

    Examples:
        >>> is_workday(date(2025, 2, 8)), is_workday(date(2025, 1, 29))   # make-up day; 春节
        (True, False)
    """
    return _DEFAULT.is_workday(day)


def add_working_days(day: date, n: int) -> date:
    """The ``n``-th working day strictly after ``day`` in the default calendar (see
    :meth:`WorkCalendar.add_working_days`).

    Examples:
        >>> add_working_days(date(2026, 10, 1), 3)
        datetime.date(2026, 10, 10)
        >>> add_working_days(date(2025, 9, 30), 1)   # 国庆节 2025: 1–8 October
        datetime.date(2025, 10, 9)
    """
    return _DEFAULT.add_working_days(day, n)


def working_days_between(a: date, b: date) -> int:
    """The working days in ``(a, b]`` in the default calendar (negative when ``b < a``).

    Examples:
        >>> working_days_between(date(2025, 1, 24), date(2025, 2, 8))   # 春节 2025
        6
    """
    return _DEFAULT.working_days_between(a, b)


def next_workday(day: date) -> date:
    """``day`` or the first working day after it, in the default calendar.

    Examples:
        >>> next_workday(date(2025, 10, 6))   # 中秋节 and 国庆节 2025
        datetime.date(2025, 10, 9)
    """
    return _DEFAULT.next_workday(day)
