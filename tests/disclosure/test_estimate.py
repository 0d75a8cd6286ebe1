"""The estimate of a year's days off by rule, against the official data of past years."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from edupoverty.disclosure.estimate import estimated_days_off
from edupoverty.errors import ArgumentError, CalendarDataError

PAST = range(2015, 2027)


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(n) for n in range((date(year + 1, 1, 1) - first).days)]


def _wrong(year: int, off: frozenset[date]) -> int:
    return sum(
        (d.weekday() < 5 and d not in off) != chinese_calendar.is_workday(d) for d in _days(year)
    )


def test_the_estimate_calls_more_days_right_than_weekends_alone() -> None:
    total = sum(len(_days(y)) for y in PAST)
    estimate = sum(_wrong(y, estimated_days_off(y)) for y in PAST)
    weekends = sum(_wrong(y, frozenset()) for y in PAST)
    assert weekends == 289  # the official arrangements of 2015–2026 differ from weekends here
    assert estimate < weekends
    assert 1 - estimate / total >= 0.965  # 150 of 4,383 days wrong, as the docs say


@pytest.mark.parametrize("year", PAST)
def test_no_past_year_is_estimated_worse_than_by_weekends(year: int) -> None:
    assert _wrong(year, estimated_days_off(year)) < _wrong(year, frozenset())


def test_the_festivals_of_2027_fall_where_the_rules_put_them() -> None:
    off = estimated_days_off(2027)
    # 元旦; 春节 (农历正月初一 = 6 February 2027) and its eve; 劳动节 two days; 国庆节 three days
    for day in (date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 6), date(2027, 5, 1)):
        assert day in off
    assert {date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3)} <= off
    assert date(2027, 3, 1) not in off


def test_a_year_outside_the_rules_or_not_a_year_is_refused() -> None:
    with pytest.raises(CalendarDataError):
        estimated_days_off(1999)
    with pytest.raises(ArgumentError):
        estimated_days_off("2027")  # type: ignore[arg-type]
