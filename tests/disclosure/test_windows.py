"""Disclosure windows, objections and batches (R-DIS-2..5, R-PAY-4, R-ACC-S2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from edupoverty.disclosure import (
    Convention,
    add_working_days,
    adjust_list,
    complaints,
    default_calendar,
    is_workday,
    open_disclosure,
    overdue_replies,
    plan_batches,
    plan_disclosure,
    receive_objection,
    reply_due,
    reply_to_objection,
    reporting_status,
)
from edupoverty.errors import CalendarYearUnavailable, InputError
from edupoverty.records import Disbursement, Objection, OverdueReply, PaymentMethod, Period

D = date


# --- windows per convention -------------------------------------------------------------------


def test_civil_code_a_list_posted_on_a_monday_ends_the_next_monday() -> None:
    w = plan_disclosure(D(2026, 3, 2))
    assert (w.last_day, w.report_from, w.provisional) == (D(2026, 3, 9), D(2026, 3, 10), False)
    assert w.convention is Convention.CIVIL_CODE


def test_civil_code_a_last_day_in_national_day_moves_to_the_next_working_day() -> None:
    w = plan_disclosure(D(2026, 9, 28))  # 28 Sep + 7 = 5 Oct, a holiday
    assert w.last_day == D(2026, 10, 8)
    assert w.report_from == D(2026, 10, 9)


def test_civil_code_a_last_day_on_a_make_up_saturday_stays() -> None:
    w = plan_disclosure(D(2026, 10, 3))  # 3 Oct + 7 = Saturday 10 Oct, a working day
    assert w.last_day == D(2026, 10, 10)


def test_civil_code_a_last_day_on_a_sunday_moves_to_monday() -> None:
    assert plan_disclosure(D(2026, 3, 8)).last_day == D(2026, 3, 16)


def test_posting_day_counted_ends_one_day_earlier() -> None:
    w = plan_disclosure(D(2026, 3, 2), convention="posting_day_counted")
    assert w.last_day == D(2026, 3, 8 + 1)  # 8 March is a Sunday → Monday 9 March
    w = plan_disclosure(D(2026, 3, 3), convention=Convention.POSTING_DAY_COUNTED)
    assert w.last_day == D(2026, 3, 9)


def test_working_days_convention_counts_working_days_after_posting() -> None:
    w = plan_disclosure(D(2026, 9, 28), 5, "working_days")
    # 29, 30 Sep; 8, 9 Oct; Saturday 10 Oct (make-up day)
    assert w.last_day == D(2026, 10, 10)
    assert w.report_from == D(2026, 10, 11)


def test_spring_festival_2025_window() -> None:
    w = plan_disclosure(D(2025, 1, 24))  # + 7 = 31 Jan, inside 28 Jan – 4 Feb
    assert w.last_day == D(2025, 2, 5)


def test_a_window_shorter_than_a_week_is_refused() -> None:
    with pytest.raises(InputError, match="R-DIS-2"):
        plan_disclosure(D(2026, 3, 2), 6)
    with pytest.raises(InputError):
        plan_disclosure(D(2026, 3, 2), 6, "posting_day_counted")
    with pytest.raises(InputError):
        plan_disclosure(D(2026, 3, 2), 0)


def test_an_unknown_convention_is_an_input_error() -> None:
    with pytest.raises(InputError, match="civil_code"):
        plan_disclosure(D(2026, 3, 2), convention="lunar")


def test_a_window_reaching_2027_needs_the_2027_data() -> None:
    with pytest.raises(CalendarYearUnavailable):
        plan_disclosure(D(2026, 12, 28))
    w = plan_disclosure(D(2026, 12, 28), calendar=default_calendar().with_estimate(2027))
    assert w.provisional and w.last_day == D(2027, 1, 4)


@given(
    st.dates(min_value=D(2005, 1, 1), max_value=D(2026, 11, 15)),
    st.integers(min_value=7, max_value=20),
    st.sampled_from(list(Convention)),
)
def test_every_window_ends_on_a_working_day_at_least_a_week_after_posting(
    posted: date, days: int, convention: Convention
) -> None:
    w = plan_disclosure(posted, days, convention)
    assert is_workday(w.last_day)
    assert (w.last_day - w.posted_on).days >= 6
    assert (w.report_from - w.last_day).days == 1


# --- objections ---------------------------------------------------------------------------------


def _window_open_over_national_day() -> object:
    return open_disclosure(plan_disclosure(D(2026, 9, 24)))  # last day 8 October


def test_reply_due_is_three_working_days_after_receipt() -> None:
    assert reply_due(D(2026, 9, 30)) == D(2026, 10, 10)
    assert reply_due(D(2026, 9, 30)) == add_working_days(D(2026, 9, 30), 3)
    assert reply_due(D(2025, 9, 26)) == D(2025, 9, 30)  # Sunday 28 Sep worked
    assert reply_due(D(2025, 9, 29)) == D(2025, 10, 10)  # 30 Sep, then 1–8 Oct rest


def test_an_objection_after_the_last_day_is_kept_as_a_complaint() -> None:
    d = open_disclosure(plan_disclosure(D(2026, 3, 2)))
    d = receive_objection(d, Objection("O1", D(2026, 3, 9), "家长", "收入不符"))
    d = receive_objection(d, Objection("O2", D(2026, 3, 10), "村民", "冒名"))
    assert [o.late for o in d.objections] == [False, True]
    assert [o.objection_id for o in complaints(d)] == ["O2"]


def test_an_unanswered_objection_blocks_reporting() -> None:
    d = open_disclosure(plan_disclosure(D(2026, 3, 2)))
    d = receive_objection(d, Objection("O1", D(2026, 3, 5), "家长", "不符"))
    status = reporting_status(d)
    assert status.allowed_from is None and status.blocked_by == ("O1",)


def test_reporting_waits_for_the_day_after_the_last_reply() -> None:
    d = open_disclosure(plan_disclosure(D(2026, 3, 2)))  # report from 10 March
    d = receive_objection(d, Objection("O1", D(2026, 3, 9), "家长", "不符"))
    d = reply_to_objection(d, "O1", D(2026, 3, 12), upheld=False)
    assert reporting_status(d).allowed_from == D(2026, 3, 13)


def test_an_early_reply_does_not_bring_reporting_forward() -> None:
    d = open_disclosure(plan_disclosure(D(2026, 3, 2)))
    d = receive_objection(d, Objection("O1", D(2026, 3, 3), "家长", "不符"))
    d = reply_to_objection(d, "O1", D(2026, 3, 4), upheld=False)
    assert reporting_status(d).allowed_from == D(2026, 3, 10)


def test_a_late_objection_does_not_block_reporting() -> None:
    d = open_disclosure(plan_disclosure(D(2026, 3, 2)))
    d = receive_objection(d, Objection("O9", D(2026, 3, 20), "村民", "不符"))
    assert reporting_status(d).allowed_from == D(2026, 3, 10)


def test_a_reply_after_its_due_day_is_an_overdue_record_for_accountability() -> None:
    d = _window_open_over_national_day()
    d = receive_objection(d, Objection("O1", D(2026, 9, 30), "家长", "不符"))
    d = reply_to_objection(d, "O1", D(2026, 10, 13), upheld=False)
    (r,) = overdue_replies(d, responsible="认定工作组")
    assert isinstance(r, OverdueReply)
    assert (r.due_on, r.replied_on, r.working_days_late) == (
        D(2026, 10, 10),
        D(2026, 10, 13),
        2,
    )
    assert r.responsible == "认定工作组"


def test_a_reply_on_its_due_day_is_on_time() -> None:
    d = _window_open_over_national_day()
    d = receive_objection(d, Objection("O1", D(2026, 9, 30), "家长", "不符"))
    d = reply_to_objection(d, "O1", D(2026, 10, 10), upheld=False)
    assert overdue_replies(d) == ()


def test_an_unanswered_objection_is_overdue_once_its_due_day_has_passed() -> None:
    d = _window_open_over_national_day()
    d = receive_objection(d, Objection("O1", D(2026, 9, 30), "家长", "不符"))
    assert overdue_replies(d, as_of=D(2026, 10, 10)) == ()
    (r,) = overdue_replies(d, as_of=D(2026, 10, 12))
    assert r.replied_on is None and r.working_days_late == 1


def test_replies_and_objections_are_checked() -> None:
    d = open_disclosure(plan_disclosure(D(2026, 3, 2)))
    with pytest.raises(InputError):
        receive_objection(d, Objection("O0", D(2026, 3, 1), "家长", "早于公示"))
    d = receive_objection(d, Objection("O1", D(2026, 3, 4), "家长", "不符"))
    with pytest.raises(InputError):
        receive_objection(d, Objection("O1", D(2026, 3, 5), "家长", "重复编号"))
    with pytest.raises(InputError):
        reply_to_objection(d, "O1", D(2026, 3, 3), upheld=False)
    with pytest.raises(InputError):
        reply_to_objection(d, "O1", D(2026, 3, 5), upheld=False, remove=["张三"])
    with pytest.raises(InputError):
        reply_to_objection(d, "O2", D(2026, 3, 5), upheld=True)
    answered = reply_to_objection(d, "O1", D(2026, 3, 5), upheld=False)
    with pytest.raises(InputError):
        reply_to_objection(answered, "O1", D(2026, 3, 6), upheld=False)


def test_values_are_immutable_and_history_is_kept() -> None:
    d0 = open_disclosure(plan_disclosure(D(2026, 3, 2)))
    d1 = receive_objection(d0, Objection("O1", D(2026, 3, 4), "同学", "漏评"))
    assert d0.objections == ()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        d1.window = d0.window  # type: ignore[misc]


# --- an upheld objection adjusts the list ---------------------------------------------------


def test_an_upheld_objection_removes_and_adds_with_history() -> None:
    d = open_disclosure(plan_disclosure(D(2026, 3, 2)))
    d = receive_objection(d, Objection("O1", D(2026, 3, 4), "同学", "李四不符，王五漏评"))
    d = reply_to_objection(d, "O1", D(2026, 3, 6), upheld=True, remove=["李四"], add=["王五"])
    assert [(c.kind, c.subject, c.objection_id) for c in d.changes] == [
        ("add", "王五", "O1"),
        ("remove", "李四", "O1"),
    ]
    assert d.objections[0].upheld is True


def test_an_added_beneficiary_gets_a_fresh_full_window_by_default() -> None:
    d = open_disclosure(plan_disclosure(D(2026, 3, 2)))
    d = receive_objection(d, Objection("O1", D(2026, 3, 4), "同学", "王五漏评"))
    d = reply_to_objection(d, "O1", D(2026, 3, 6), upheld=True, add=["王五"])
    fresh = d.changes[0].window
    assert fresh is not None and fresh.posted_on == D(2026, 3, 6)
    assert fresh.last_day == D(2026, 3, 13)
    assert reporting_status(d).allowed_from == D(2026, 3, 14)
    # an objection during the fresh window is in time
    d = receive_objection(d, Objection("O2", D(2026, 3, 12), "家长", "王五不符"))
    assert d.objections[-1].late is False


def test_without_fresh_windows_an_addition_only_waits_for_the_reply() -> None:
    d = open_disclosure(plan_disclosure(D(2026, 3, 2)), fresh_window_for_additions=False)
    d = receive_objection(d, Objection("O1", D(2026, 3, 4), "同学", "王五漏评"))
    d = reply_to_objection(d, "O1", D(2026, 3, 6), upheld=True, add=["王五"])
    assert d.changes[0].window is None
    assert reporting_status(d).allowed_from == D(2026, 3, 10)


def test_a_removal_needs_no_fresh_window() -> None:
    d = adjust_list(open_disclosure(plan_disclosure(D(2026, 3, 2))), on=D(2026, 3, 5),
                    remove=["赵六"])  # fmt: skip
    assert d.changes[0].window is None


# --- every payment batch is disclosed (R-PAY-4) ---------------------------------------------


def _pay(batch: str, paid_on: date, amount: str, programme: str = "compulsory.boarding_allowance"):
    return Disbursement(
        student_id="11010520120307002X",
        programme=programme,
        period=Period(2025),
        amount=amount,
        method=PaymentMethod.BANK_TRANSFER,
        paid_on=paid_on,
        batch=batch,
        account="6222020000000000",
    )


def test_each_payment_batch_gets_its_own_disclosure_plan() -> None:
    plans = plan_batches(
        [
            _pay("2025-秋-2", D(2025, 11, 20), "625"),
            _pay("2025-秋-1", D(2025, 9, 26), "500"),
            _pay("2025-秋-1", D(2025, 9, 28), "500", "compulsory.nutrition"),
        ]
    )
    assert [p.batch for p in plans] == ["2025-秋-1", "2025-秋-2"]
    first = plans[0]
    assert first.payments == 2 and first.total == Decimal("1000.00")
    assert first.programmes == ("compulsory.boarding_allowance", "compulsory.nutrition")
    # posted on the last payment day (Sunday 28 Sep 2025, worked); + 7 = 5 Oct → 9 Oct
    assert first.window.posted_on == D(2025, 9, 28)
    assert first.window.last_day == D(2025, 10, 9)
    assert first.window.batch == "2025-秋-1"


def test_a_batch_posting_day_can_be_given() -> None:
    (p,) = plan_batches([_pay("B", D(2025, 11, 3), "1")], posted_on={"B": D(2025, 11, 5)})
    assert p.window.posted_on == D(2025, 11, 5)
