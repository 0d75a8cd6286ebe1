"""Reporting and inspection clocks (R-CLK-1..4) and late reports (R-ACC-S4)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from edupoverty.disclosure import (
    check_urgent,
    late_reports,
    monthly_inspections,
    publicity_board_issues,
    red_flag_postings,
    report_deadlines,
    urgent_report_due,
    weekly_inspections,
)
from edupoverty.disclosure.workdays import default_calendar, is_provisional
from edupoverty.errors import CalendarYearUnavailable, InputError
from edupoverty.records import LateReport

D = date


def test_urgent_information_is_due_one_hour_after_the_event_even_on_a_holiday() -> None:
    event = datetime(2026, 10, 2, 21, 30, tzinfo=timezone(timedelta(hours=8)))
    assert urgent_report_due(event) == datetime(2026, 10, 2, 22, 30, tzinfo=event.tzinfo)


def test_urgent_information_sixty_one_minutes_later_is_late() -> None:
    event = datetime(2026, 2, 16, 23, 40)
    assert check_urgent("重大紧急信息", event, event + timedelta(minutes=60)) is None
    late = check_urgent("重大紧急信息", event, event + timedelta(minutes=61), responsible="园长")
    assert isinstance(late, LateReport)
    assert (late.clock, late.due_at, late.responsible) == ("urgent", datetime(2026, 2, 17, 0, 40),
                                                           "园长")  # fmt: skip
    missing = check_urgent("重大紧急信息", event, None, as_of=event + timedelta(hours=2))
    assert missing is not None and missing.submitted_at is None


def test_urgent_clock_needs_a_time() -> None:
    with pytest.raises(InputError):
        urgent_report_due(D(2026, 10, 2))  # type: ignore[arg-type]


def test_one_publicity_board_issue_per_quarter() -> None:
    slots = publicity_board_issues(D(2026, 2, 10), D(2026, 12, 31))
    assert [(s.period_start, s.due) for s in slots] == [
        (D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 10, 1), D(2026, 12, 31)),
    ]


def test_red_flag_windows_are_posted_monthly() -> None:
    slots = red_flag_postings(D(2026, 1, 1), D(2026, 12, 31))
    assert len(slots) == 12 and slots[1].due == D(2026, 2, 28)


def test_monthly_inspection_at_the_start_of_each_month_on_a_working_day() -> None:
    slots = monthly_inspections(D(2026, 1, 1), D(2026, 12, 31))
    due = {s.period_start.month: s.due for s in slots}
    assert due[1] == D(2026, 1, 4)  # 1–3 Jan 元旦; Sunday 4 Jan worked
    assert due[2] == D(2026, 2, 2)  # 1 Feb is a Sunday
    assert due[5] == D(2026, 5, 6)  # 劳动节 1–5 May
    assert due[10] == D(2026, 10, 8)  # 国庆节 1–7 Oct
    assert due[6] == D(2026, 6, 1) and not slots[5].moved


def test_weekly_inspection_due_by_the_last_working_day_of_the_week() -> None:
    slots = weekly_inspections(D(2026, 9, 28), D(2026, 10, 11))
    assert [(s.period_start, s.due) for s in slots] == [
        (D(2026, 9, 28), D(2026, 9, 30)),  # 1–4 Oct are rest days
        (D(2026, 10, 5), D(2026, 10, 10)),  # Saturday 10 Oct is worked
    ]


def test_a_spring_festival_week_without_working_day_has_no_due_day() -> None:
    (slot,) = weekly_inspections(D(2026, 2, 16), D(2026, 2, 22))
    assert slot.due is None
    assert late_reports([slot], {}, as_of=D(2026, 3, 1)) == ()


def test_periodic_report_deadlines_need_their_due_rule() -> None:
    with pytest.raises(TypeError):
        report_deadlines("资助月报", D(2026, 1, 1), D(2026, 3, 31), frequency="monthly")  # type: ignore[call-arg]
    with pytest.raises(InputError):
        report_deadlines("资助月报", D(2026, 1, 1), D(2026, 3, 31), frequency="fortnightly",
                         due_working_days=5)  # fmt: skip
    with pytest.raises(InputError):
        report_deadlines("x", D(2026, 1, 1), D(2026, 3, 31), frequency="monthly",
                         due_working_days=None)  # type: ignore[arg-type]  # fmt: skip


def test_a_quarterly_report_due_five_working_days_after_the_quarter() -> None:
    slots = report_deadlines("季度资助统计", D(2026, 4, 1), D(2026, 9, 30), frequency="quarterly",
                             due_working_days=5)  # fmt: skip
    assert [(s.period_end, s.due) for s in slots] == [
        (D(2026, 6, 30), D(2026, 7, 7)),
        (D(2026, 9, 30), D(2026, 10, 13)),  # 8, 9, 10 (Sat), 12, 13 October
    ]


def test_a_report_deadline_in_2027_needs_the_2027_calendar() -> None:
    with pytest.raises(CalendarYearUnavailable):
        report_deadlines("季度资助统计", D(2026, 10, 1), D(2026, 12, 31), frequency="quarterly",
                         due_working_days=5)  # fmt: skip
    cal = default_calendar().with_estimate(2027)
    (slot,) = report_deadlines("季度资助统计", D(2026, 10, 1), D(2026, 12, 31),
                               frequency="quarterly", due_working_days=5, calendar=cal)  # fmt: skip
    assert slot.provisional and is_provisional(slot.due)  # type: ignore[arg-type]


def test_late_and_missing_submissions_become_late_reports() -> None:
    slots = report_deadlines("资助月报", D(2026, 9, 1), D(2026, 10, 31), frequency="monthly",
                             due_working_days=0)  # fmt: skip
    assert [s.due for s in slots] == [D(2026, 9, 30), D(2026, 11, 2)]  # 31 Oct is a Saturday
    late = late_reports(slots, {D(2026, 9, 1): D(2026, 10, 8)}, as_of=D(2026, 11, 3),
                        responsible="资助专干")  # fmt: skip
    assert [(r.report, r.clock, r.due_at, r.submitted_at) for r in late] == [
        ("资助月报", "report", D(2026, 9, 30), D(2026, 10, 8)),
        ("资助月报", "report", D(2026, 11, 2), None),
    ]
    assert late_reports(slots, {D(2026, 9, 1): D(2026, 9, 30)}) == ()


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(InputError):
        monthly_inspections(D(2026, 3, 1), D(2026, 2, 1))
