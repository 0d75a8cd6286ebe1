"""Calling the calendar, the windows and the clocks with the wrong kind of value: a typed
error that names the parameter (never a bare TypeError, AttributeError or OverflowError),
and days counted in China whatever zone a datetime was written in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from edupoverty.disclosure import (
    Convention,
    ListChange,
    Notice,
    WorkCalendar,
    add_working_days,
    adjust_list,
    check_notice,
    check_urgent,
    complaints,
    default_calendar,
    describe_window,
    is_workday,
    late_reports,
    monthly_inspections,
    next_workday,
    open_disclosure,
    overdue_replies,
    plan_batches,
    plan_disclosure,
    publicity_board_issues,
    receive_objection,
    red_flag_postings,
    reply_due,
    reply_to_objection,
    report_deadlines,
    reporting_status,
    urgent_report_due,
    weekly_inspections,
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
from edupoverty.records import Objection
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


# --- disclosure windows -------------------------------------------------------------------


@pytest.mark.parametrize("posted_on", ["2026-03-02", None, 20260302])
def test_plan_disclosure_with_a_posting_day_that_is_not_a_date_is_an_argument_error(
    posted_on: Any,
) -> None:
    with pytest.raises(ArgumentError, match="posted_on"):
        plan_disclosure(posted_on)


@pytest.mark.parametrize("posted_on", [date(9999, 12, 31), date(1, 1, 1), date.max, date.min])
def test_plan_disclosure_on_a_day_no_calendar_holds_is_a_range_error_not_an_overflow(
    posted_on: date,
) -> None:
    for conv in Convention:
        with pytest.raises(InputError) as caught:
            plan_disclosure(posted_on, convention=conv)
        assert caught.value.code == "calendar.range"


@pytest.mark.parametrize("days", [10**9, 999_999_999, 10**30, 100_000])
def test_plan_disclosure_for_more_days_than_the_calendar_holds_is_a_range_error(
    days: int,
) -> None:
    for conv in Convention:
        with pytest.raises(InputError) as caught:
            plan_disclosure(date(2026, 3, 2), days, conv)
        assert caught.value.code == "calendar.range"
        assert "2026-12-31" in caught.value.message_en


def test_plan_disclosure_with_days_calendar_or_batch_of_the_wrong_type() -> None:
    for days in (True, 7.0, "7", None):
        with pytest.raises(ArgumentError, match="days"):
            plan_disclosure(date(2026, 3, 2), days)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="calendar"):
        plan_disclosure(date(2026, 3, 2), calendar="official")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="batch"):
        plan_disclosure(date(2026, 3, 2), batch=1)  # type: ignore[arg-type]
    with pytest.raises(CalendarYearUnavailable):
        plan_disclosure(date(2027, 3, 2))


def test_a_window_is_planned_from_the_day_in_china() -> None:
    # 2 March 2026 16:30 UTC is 00:30 on Tuesday 3 March in Beijing
    w = plan_disclosure(datetime(2026, 3, 2, 16, 30, tzinfo=UTC))
    assert w.posted_on == date(2026, 3, 3) and type(w.posted_on) is date
    assert w == plan_disclosure(date(2026, 3, 3))
    assert plan_disclosure(datetime(2026, 3, 2, 16, 30)).posted_on == date(2026, 3, 2)
    assert reply_due(datetime(2026, 9, 29, 17, 0, tzinfo=UTC)) == reply_due(date(2026, 9, 30))
    assert w.is_open(datetime(2026, 3, 2, 16, 30, tzinfo=UTC))
    assert not w.is_open(datetime(2026, 3, 2, 15, 30, tzinfo=UTC))


def test_reply_due_misuse_is_typed() -> None:
    with pytest.raises(ArgumentError, match="received_on"):
        reply_due("2026-09-30")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="working_days"):
        reply_due(date(2026, 9, 30), True)
    with pytest.raises(InputError):
        reply_due(date(2026, 9, 30), 0)


def test_objections_and_list_changes_refuse_values_of_the_wrong_kind() -> None:
    window = plan_disclosure(date(2026, 3, 2))
    d = open_disclosure(window)
    with pytest.raises(ArgumentError, match="window"):
        open_disclosure("2026-03-02")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="window"):
        describe_window(None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="objection"):
        receive_objection(d, "O1")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="disclosure"):
        receive_objection(window, Objection("O1", date(2026, 3, 4), "家长", "不符"))  # type: ignore[arg-type]
    d = receive_objection(d, Objection("O1", date(2026, 3, 4), "家长", "不符"))
    with pytest.raises(ArgumentError, match="replied_on"):
        reply_to_objection(d, "O1", "2026-03-06", True)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="upheld"):
        reply_to_objection(d, "O1", date(2026, 3, 6), "yes")  # type: ignore[arg-type]
    # one name given where a list of names is taken: refused, not split into characters
    with pytest.raises(ArgumentError, match="remove"):
        reply_to_objection(d, "O1", date(2026, 3, 6), True, remove="李四")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="add"):
        adjust_list(d, on=date(2026, 3, 5), add="王五")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="on"):
        adjust_list(d, on=None, add=["王五"])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="add or remove"):
        ListChange("rename", "王五", date(2026, 3, 5))
    for call in (complaints, reporting_status, overdue_replies):
        with pytest.raises(ArgumentError, match="disclosure"):
            call(None)  # type: ignore[operator]
    with pytest.raises(ArgumentError, match="as_of"):
        overdue_replies(d, as_of="2026-04-01")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="disbursements"):
        plan_batches(None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="disbursements"):
        plan_batches(["B1"])  # type: ignore[list-item]


# --- clocks and notices -------------------------------------------------------------------


def test_an_urgent_report_is_late_by_the_instant_whatever_zone_each_time_is_written_in() -> None:
    event = datetime(2026, 10, 2, 13, 30, tzinfo=UTC)  # 21:30 in Beijing
    assert check_urgent("溺水", event, datetime(2026, 10, 2, 22, 30)) is None  # naive: China
    late = check_urgent("溺水", event, datetime(2026, 10, 2, 22, 31))
    assert late is not None and late.clock == "urgent"
    assert check_urgent("溺水", event, datetime(2026, 10, 2, 9, 30, tzinfo=NEW_YORK)) is None
    assert check_urgent("溺水", event, datetime(2026, 10, 2, 9, 31, tzinfo=NEW_YORK)) is not None


def test_clock_misuse_is_typed() -> None:
    with pytest.raises(ArgumentError, match="event_at"):
        urgent_report_due(date(2026, 10, 2))  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="submitted_at"):
        check_urgent("r", datetime(2026, 10, 2, 21, 30), "22:30")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        urgent_report_due(datetime.max)
    with pytest.raises(ArgumentError, match="start"):
        monthly_inspections("2026-01-01", date(2026, 2, 1))  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="calendar"):
        monthly_inspections(date(2026, 1, 1), date(2026, 2, 1), calendar="x")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="frequency"):
        report_deadlines(
            "r",
            date(2026, 1, 1),
            date(2026, 2, 1),
            frequency=["monthly"],  # type: ignore[arg-type]
            due_working_days=1,
        )
    with pytest.raises(ArgumentError, match="due_working_days"):
        report_deadlines(
            "r", date(2026, 1, 1), date(2026, 2, 1), frequency="monthly", due_working_days=True
        )
    slots = monthly_inspections(date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(ArgumentError, match="submissions"):
        late_reports(slots, None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="slots"):
        late_reports(None, {})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "clock",
    [
        lambda a, b: publicity_board_issues(a, b),
        lambda a, b: red_flag_postings(a, b),
        lambda a, b: monthly_inspections(a, b),
        lambda a, b: weekly_inspections(a, b),
        lambda a, b: report_deadlines("r", a, b, frequency="monthly", due_working_days=1),
    ],
)
def test_clocks_at_the_end_of_the_date_range_are_a_range_error_not_an_overflow(clock: Any) -> None:
    with pytest.raises(InputError) as caught:
        clock(date(9999, 12, 1), date(9999, 12, 31))
    assert caught.value.code == "calendar.range"


def test_clock_days_are_days_in_china() -> None:
    # 31 December 2025 20:00 UTC is 1 January 2026 in Beijing: the January slot only
    slots = monthly_inspections(datetime(2025, 12, 31, 20, 0, tzinfo=UTC), date(2026, 1, 31))
    assert [s.period_start for s in slots] == [date(2026, 1, 1)]
    late = late_reports(slots, {}, as_of=datetime(2026, 1, 4, 17, 0, tzinfo=UTC))  # 5 Jan
    assert [r.due_at for r in late] == [date(2026, 1, 4)]


def test_notice_misuse_and_dates_in_china() -> None:
    with pytest.raises(ArgumentError, match="policy_documents"):
        Notice(policy_documents="教财〔2018〕16号")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="channels"):
        Notice(channels=None)  # type: ignore[arg-type]
    parts = dict(policy_documents=["x"], conditions="c", procedure="p", results="r")
    full = Notice(**parts, complaint_channel="电话")  # type: ignore[arg-type]
    # posted 1 March 16:30 UTC = 2 March in Beijing; to 8 March: seven days on the board
    week = attrs.evolve(
        full, posted_on=datetime(2026, 3, 1, 16, 30, tzinfo=UTC), last_day=date(2026, 3, 8)
    )
    assert check_notice(week) == ()
    short = attrs.evolve(
        week, posted_on=datetime(2026, 3, 1, 17, 0, tzinfo=UTC), last_day=date(2026, 3, 7)
    )
    assert [f.code for f in check_notice(short)] == ["notice.short"]
