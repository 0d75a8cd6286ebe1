"""Working days from the State Council holiday notices (RULES.md §8).

Expected dates are read from the notices on 2025 and 2026 holiday arrangements
(国务院办公厅关于2025年/2026年部分节假日安排的通知) and counted by hand.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from edupoverty.disclosure import workdays as wd
from edupoverty.disclosure.workdays import (
    CalendarYear,
    WorkCalendar,
    add_working_days,
    default_calendar,
    is_provisional,
    is_workday,
    load_year_file,
    next_workday,
    official_years,
    shipped_year_files,
    working_days_between,
)
from edupoverty.errors import CalendarDataError, CalendarYearUnavailable

D = date

# --- the notices --------------------------------------------------------------------------

MAKE_UP_2025 = [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)]
MAKE_UP_2026 = [
    D(2026, 1, 4),
    D(2026, 2, 14),
    D(2026, 2, 28),
    D(2026, 5, 9),
    D(2026, 9, 20),
    D(2026, 10, 10),
]


@pytest.mark.parametrize("day", MAKE_UP_2025 + MAKE_UP_2026)
def test_a_make_up_working_day_on_a_weekend_is_a_working_day(day: date) -> None:
    assert day.weekday() >= 5
    assert is_workday(day)


# 国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025): the rest periods
HOLIDAYS_2026 = [
    (D(2026, 1, 1), D(2026, 1, 3)),  # 元旦
    (D(2026, 2, 15), D(2026, 2, 23)),  # 春节
    (D(2026, 4, 4), D(2026, 4, 6)),  # 清明节
    (D(2026, 5, 1), D(2026, 5, 5)),  # 劳动节
    (D(2026, 6, 19), D(2026, 6, 21)),  # 端午节
    (D(2026, 9, 25), D(2026, 9, 27)),  # 中秋节
    (D(2026, 10, 1), D(2026, 10, 7)),  # 国庆节
]


def test_the_2026_holidays_of_the_installed_data_are_those_of_the_notice() -> None:
    expected = {a + timedelta(days=i) for a, b in HOLIDAYS_2026 for i in range((b - a).days + 1)}
    assert default_calendar().year(2026).holidays == expected


def test_the_2026_make_up_days_of_the_installed_data_are_those_of_the_notice() -> None:
    assert sorted(default_calendar().year(2026).workdays) == MAKE_UP_2026
    assert sorted(default_calendar().year(2025).workdays) == MAKE_UP_2025


def test_spring_festival_2025_rests_from_28_january_to_4_february() -> None:
    for offset in range(8):
        assert not is_workday(D(2025, 1, 28) + timedelta(days=offset))
    assert add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert add_working_days(D(2025, 2, 5), 3) == D(2025, 2, 8)  # Saturday 8 February worked


def test_spring_festival_2026_rests_from_15_to_23_february() -> None:
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)  # Saturday worked
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert working_days_between(D(2026, 2, 14), D(2026, 2, 24)) == 1


def test_mid_autumn_2026_rests_25_to_27_september() -> None:
    assert add_working_days(D(2026, 9, 24), 1) == D(2026, 9, 28)
    assert not is_workday(D(2026, 9, 25))  # a Friday


def test_mid_autumn_and_national_day_2025_rest_1_to_8_october() -> None:
    assert next_workday(D(2025, 10, 1)) == D(2025, 10, 9)
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)  # Sunday worked
    assert add_working_days(D(2025, 10, 9), 2) == D(2025, 10, 11)  # Saturday worked


def test_third_working_day_after_national_day_2026_is_10_october_not_find_workday() -> None:
    # the example: find_workday rolls the holiday start forward and counts it
    assert add_working_days(D(2026, 10, 1), 3) == D(2026, 10, 10)
    assert chinese_calendar.find_workday(3, D(2026, 10, 1)) == D(2026, 10, 12)


def test_the_start_day_never_counts_even_when_it_is_a_working_day() -> None:
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert add_working_days(D(2026, 10, 4), 0) == D(2026, 10, 4)


def test_working_days_between_counts_after_a_up_to_and_including_b() -> None:
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert working_days_between(D(2026, 10, 10), D(2026, 10, 10)) == 0
    # backwards: minus the working days in [b, a)
    assert working_days_between(D(2026, 10, 10), D(2026, 9, 30)) == -3


def test_every_day_agrees_with_chinese_calendar() -> None:
    start, end = D(official_years()[0], 1, 1), D(official_years()[-1], 12, 31)
    day = start
    while day <= end:
        assert is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_the_year_range_is_read_from_the_data() -> None:
    years = official_years()
    assert years == tuple(range(years[0], years[-1] + 1))
    assert years[-1] == max(d.year for d in chinese_calendar.constants.holidays)
    assert default_calendar().years()[: len(years)] == years


def test_the_shipped_2026_file_agrees_with_the_installed_data() -> None:
    from_file = load_year_file(shipped_year_files()[2026])
    official = default_calendar().year(2026)
    assert from_file.holidays == official.holidays
    assert from_file.workdays == official.workdays


# --- a year without data --------------------------------------------------------------------


def test_2027_is_unavailable_the_moment_a_computation_touches_it() -> None:
    with pytest.raises(CalendarYearUnavailable) as info:
        add_working_days(D(2026, 12, 30), 3)
    assert info.value.year == 2027
    for remedy in ("--from-notice", "--calendar 2027.toml", "--estimate 2027"):
        assert remedy in info.value.message_en and remedy in info.value.message_zh
    assert isinstance(info.value, LookupError)
    with pytest.raises(CalendarYearUnavailable):
        is_workday(D(2027, 1, 4))
    with pytest.raises(CalendarYearUnavailable):
        working_days_between(D(2026, 12, 1), D(2027, 1, 5))
    with pytest.raises(CalendarYearUnavailable):
        add_working_days(D(2027, 1, 20), -30)  # the answer would lie in 2026: still refused
    with pytest.raises(CalendarYearUnavailable):
        next_workday(D(2026, 12, 31) + timedelta(days=1))


def test_the_last_days_of_2026_still_compute() -> None:
    assert add_working_days(D(2026, 12, 28), 3) == D(2026, 12, 31)


def test_a_year_before_the_data_is_unavailable() -> None:
    first = official_years()[0]
    with pytest.raises(CalendarYearUnavailable) as info:
        add_working_days(D(first, 1, 5), -5)
    assert info.value.year == first - 1


def test_a_supplied_2027_year_in_code(test_year_2027: Path) -> None:
    # TEST DATA, not the official 2027 arrangement
    cal = default_calendar().with_year(
        2027,
        holidays=[D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)],
        workdays=[],
        source="TEST DATA (not an official notice)",
    )
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert cal.working_days_between(D(2026, 12, 30), D(2027, 1, 4)) == 2
    assert default_calendar().has_year(2027) is False  # the default calendar is unchanged


def test_a_supplied_2027_year_from_a_toml_file(test_year_2027: Path) -> None:
    cal = default_calendar().with_year_file(test_year_2027)
    assert cal.has_year(2027)
    assert cal.next_workday(D(2027, 2, 6)) == D(2027, 2, 14)  # a Sunday worked (test data)
    assert not is_provisional(cal.add_working_days(D(2026, 12, 31), 1))


def test_a_missing_year_between_two_known_years_is_refused(test_year_2027: Path) -> None:
    cal = WorkCalendar([default_calendar().year(2025), load_year_file(test_year_2027)])
    assert cal.add_working_days(D(2025, 12, 29), 2) == D(2025, 12, 31)
    with pytest.raises(CalendarYearUnavailable) as info:
        cal.add_working_days(D(2025, 12, 29), 5)
    assert info.value.year == 2026


# --- checked data -----------------------------------------------------------------------------


def test_a_date_outside_its_year_is_refused() -> None:
    with pytest.raises(CalendarDataError, match="2028-01-01"):
        CalendarYear(2027, holidays=[D(2028, 1, 1)])


def test_a_day_both_holiday_and_working_day_is_refused() -> None:
    with pytest.raises(CalendarDataError) as info:
        CalendarYear(2027, holidays=[D(2027, 2, 13)], workdays=[D(2027, 2, 13)])
    assert isinstance(info.value, ValueError)


def test_a_make_up_working_day_on_a_weekday_is_refused() -> None:
    with pytest.raises(CalendarDataError, match="2027-02-15"):
        CalendarYear(2027, holidays=[D(2027, 2, 10)], workdays=[D(2027, 2, 15)])


def test_a_holiday_on_a_weekend_is_harmless() -> None:
    y = CalendarYear(2026, holidays=[D(2026, 1, 3)])  # Saturday, listed by the notice
    assert not y.is_workday(D(2026, 1, 3))


def test_adding_a_year_already_present_needs_replace() -> None:
    cal = default_calendar()
    with pytest.raises(CalendarDataError):
        cal.with_year(2026, holidays=[D(2026, 1, 1)])
    replaced = cal.with_year(2026, holidays=[D(2026, 1, 1)], replace=True)
    assert replaced.is_workday(D(2026, 10, 8))
    assert replaced.is_workday(D(2026, 10, 5))  # only 1 January is a holiday there


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year = 2027\n", "source"),
        ('year = 2027\nsource = "x"\n', "holiday"),
        ('year = 2027\nsource = "x"\ncolour = 1\n[[holiday]]\nfrom = 2027-01-01\n', "colour"),
        ('year = 2027\nsource = "x"\n[[holiday]]\nfrom = "1 Jan"\n', "YYYY-MM-DD"),
        ('year = 2027\nsource = "x"\n[[holiday]]\nfrom = 2027-01-05\nto = 2027-01-01\n', "to"),
        ('year = 2027\nsource = "x"\n[[holiday]]\nfrom = 2027-01-01\nworkdays = [2027-01-05]\n',
         "2027-01-05"),
        ("year = = 2027\n", "TOML"),
    ],
)  # fmt: skip
def test_a_bad_year_file_is_refused_with_its_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "2027.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CalendarDataError) as info:
        load_year_file(path)
    assert message in info.value.message_en
    assert "2027.toml" in info.value.message_en


# --- the weekend-only estimate ------------------------------------------------------------


def test_an_estimate_is_explicit_provisional_and_knows_the_statutory_holidays() -> None:
    cal = default_calendar().with_estimate(2027)
    assert not cal.has_year(2027) and cal.is_estimated(2027)
    due = cal.add_working_days(D(2026, 12, 30), 3)
    # 31 December, then 1 January (New Year's Day) and the weekend are skipped: 4, 5 January
    assert due == D(2027, 1, 5) and is_provisional(due)
    assert not cal.is_workday(D(2027, 10, 1)) and cal.is_workday(D(2027, 3, 1))
    assert is_provisional(due + timedelta(days=1))
    assert not is_provisional(cal.add_working_days(D(2026, 10, 1), 3))
    assert cal.is_provisional_span(D(2026, 12, 1), D(2027, 1, 1))


# --- invariants (hypothesis) -----------------------------------------------------------------

FIRST = D(official_years()[0] + 1, 1, 1)
LAST = D(official_years()[-1], 11, 1)
days = st.dates(min_value=FIRST, max_value=LAST)
steps = st.integers(min_value=-150, max_value=40)


@given(days, steps.filter(lambda n: n != 0))
def test_a_result_is_always_a_working_day(day: date, n: int) -> None:
    assert is_workday(add_working_days(day, n))


@given(days, steps)
def test_counting_back_the_days_added_gives_n(day: date, n: int) -> None:
    assert working_days_between(day, add_working_days(day, n)) == n


@given(days, steps)
def test_add_working_days_is_strictly_increasing_in_n(day: date, n: int) -> None:
    assert add_working_days(day, n) < add_working_days(day, n + 1)


@given(days)
def test_next_workday_is_the_day_or_the_first_working_day_after(day: date) -> None:
    nxt = next_workday(day)
    assert is_workday(nxt)
    assert nxt == day if is_workday(day) else nxt == add_working_days(day, 1)


@given(days, st.integers(min_value=1, max_value=30))
def test_from_a_working_day_it_agrees_with_find_workday(day: date, n: int) -> None:
    start = next_workday(day)
    assert add_working_days(start, n) == chinese_calendar.find_workday(n, start)


def test_the_module_functions_use_the_default_calendar() -> None:
    cal = wd.default_calendar()
    assert cal.add_working_days(D(2025, 1, 24), 3) == add_working_days(D(2025, 1, 24), 3)
    assert cal == WorkCalendar.official()


def test_a_calendar_is_immutable() -> None:
    cal = default_calendar()
    with pytest.raises(AttributeError):
        cal.years = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        cal.holidays = frozenset()  # type: ignore[attr-defined]


def test_a_calendar_spanning_centuries_is_refused() -> None:
    with pytest.raises(CalendarDataError):
        WorkCalendar([CalendarYear(2026), CalendarYear(2300)])
