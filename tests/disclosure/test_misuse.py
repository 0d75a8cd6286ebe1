"""Calling the calendar, the windows and the clocks with the wrong kind of value: a typed
error that names the parameter (never a bare TypeError, AttributeError or OverflowError),
and days counted in China whatever zone a datetime was written in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from edupoverty.disclosure import (
    WorkCalendar,
    add_working_days,
    default_calendar,
    is_workday,
    next_workday,
    working_days_between,
)
from edupoverty.disclosure.workdays import CalendarYear, load_year_file
from edupoverty.errors import (
    ArgumentError,
    CalendarDataError,
    CalendarYearUnavailable,
    EdupovertyError,
    InputError,
)
from edupoverty.records.arguments import CHINA_TIME, china_date

CAL = default_calendar()
EVENING_UTC = datetime(2026, 3, 4, 20, 0, tzinfo=UTC)  # 04:00 on Thursday 5 March in Beijing
NEW_YORK = timezone(timedelta(hours=-5))


# --- the working-day calendar -------------------------------------------------------------


@pytest.mark.parametrize("day", [None, "2026-03-02", 20260302, 1.5, [date(2026, 3, 2)]])
def test_a_day_that_is_not_a_date_is_an_argument_error_in_every_calendar_function(
    day: Any,
) -> None:
    calls = [
        lambda: next_workday(day),
        lambda: is_workday(day),
        lambda: add_working_days(day, 1),
        lambda: add_working_days(day, 0),
        lambda: working_days_between(day, date(2026, 3, 2)),
        lambda: working_days_between(date(2026, 3, 2), day),
        lambda: CAL.add_working_days(day, 3),
        lambda: CAL.next_workday(day),
        lambda: CAL.is_workday(day),
        lambda: CAL.is_provisional_span(day, date(2026, 3, 2)),
    ]
    for call in calls:
        with pytest.raises(ArgumentError) as caught:
            call()
        assert caught.value.code == "argument.type"
        assert "date" in caught.value.message_en


@pytest.mark.parametrize("n", [True, False, 1.0, "3", None, 3 + 0j])
def test_a_count_of_working_days_that_is_not_an_int_is_an_argument_error(n: Any) -> None:
    for call in (
        lambda: add_working_days(date(2026, 3, 2), n),
        lambda: CAL.add_working_days(date(2026, 3, 2), n),
    ):
        with pytest.raises(ArgumentError, match="an int number of working days"):
            call()


@pytest.mark.parametrize("n", [10**9, -(10**9), 10**30])
def test_a_count_no_calendar_year_reaches_says_what_the_calendar_holds(n: int) -> None:
    with pytest.raises(InputError) as caught:
        add_working_days(date(2026, 3, 2), n)
    assert caught.value.code == "calendar.range"
    assert "2004-01-01 to 2026-12-31" in caught.value.message_en


def test_a_count_just_past_the_last_year_still_asks_for_that_year() -> None:
    with pytest.raises(CalendarYearUnavailable) as caught:
        add_working_days(date(2026, 12, 29), 5)
    assert caught.value.year == 2027


@pytest.mark.parametrize("day", [date(9999, 12, 31), date(1, 1, 1), date(1899, 12, 31)])
def test_a_date_outside_what_any_calendar_holds_is_a_range_error_not_a_year_to_add(
    day: date,
) -> None:
    for call in (lambda: next_workday(day), lambda: add_working_days(day, 3)):
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.code == "calendar.range"


def test_calendar_construction_misuse_is_typed() -> None:
    with pytest.raises(ArgumentError):
        WorkCalendar(None)  # type: ignore[arg-type]
    with pytest.raises(CalendarDataError):
        WorkCalendar([2026])  # type: ignore[list-item]
    with pytest.raises(CalendarDataError):
        CAL.with_years([2027])  # type: ignore[list-item]
    with pytest.raises(ArgumentError):
        CalendarYear(2026, holidays=None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError):
        CAL.year("2026")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError):
        load_year_file(None)  # type: ignore[arg-type]
    with pytest.raises(CalendarDataError):
        CAL.with_estimate(99999)


# --- days in China ------------------------------------------------------------------------


def test_the_same_instant_is_the_same_day_in_every_zone_it_is_written_in() -> None:
    same = [EVENING_UTC, EVENING_UTC.astimezone(CHINA_TIME), EVENING_UTC.astimezone(NEW_YORK)]
    assert {china_date(t) for t in same} == {date(2026, 3, 5)}
    # a naive datetime is China time already
    assert china_date(datetime(2026, 3, 4, 20, 0)) == date(2026, 3, 4)


def test_workday_functions_count_from_the_day_in_china() -> None:
    # Thursday 5 March 2026 in China (Wednesday 4 March in UTC)
    assert add_working_days(EVENING_UTC, 1) == date(2026, 3, 6)
    assert add_working_days(EVENING_UTC, 0) == date(2026, 3, 5)
    assert add_working_days(EVENING_UTC.astimezone(NEW_YORK), 1) == date(2026, 3, 6)
    assert add_working_days(datetime(2026, 3, 4, 20, 0), 1) == date(2026, 3, 5)
    # Friday 2 October 16:30 UTC is Saturday 3 October 00:30 in China: a holiday
    night = datetime(2026, 10, 2, 16, 30, tzinfo=UTC)
    assert is_workday(datetime(2026, 9, 30, 12, 0, tzinfo=UTC))
    assert not is_workday(night)
    assert next_workday(datetime(2026, 9, 30, 17, 0, tzinfo=UTC)) == date(2026, 10, 8)
    assert working_days_between(EVENING_UTC, datetime(2026, 3, 6, 1, 0)) == 1
    assert type(add_working_days(EVENING_UTC, 0)) is date


def test_an_aware_datetime_at_the_edge_of_the_date_range_is_a_typed_error() -> None:
    with pytest.raises(EdupovertyError):
        china_date(datetime.max.replace(tzinfo=UTC))
