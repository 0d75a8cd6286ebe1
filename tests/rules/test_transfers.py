"""R-STK-3: a transfer between two schools of one county is never paid twice.

A semester shared by two schools belongs to the school where the student spent most of its
days; that school counts it, the other does not (R-DYN-1 keeps the days, R-STK-3 the once).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from edupoverty.records.enums import ChangeKind, SchoolLocation, Semester, Stage
from edupoverty.records.model import Period, StatusChange, Student
from edupoverty.records.status import enrolment_periods
from edupoverty.rules import assess, assess_many, load_policy

SID = "11010520120307002X"
SEED = load_policy("seed")
BOARDING = "compulsory.boarding_allowance"
NUTRITION = "compulsory.nutrition"


def _boarder(school: str) -> Student:
    return Student(
        name="张三",
        id_number=SID,
        school_code=school,
        stage=Stage.PRIMARY,
        school_location=SchoolLocation.RURAL,
        boarding=True,
        registered_poor=True,
    )


def _transfer(on: date) -> tuple[Student, Student, dict[str, tuple]]:  # type: ignore[type-arg]
    roster = [_boarder("A"), _boarder("B")]
    changes = [
        StatusChange(SID, ChangeKind.TRANSFER_OUT, on, "A", "B"),
        StatusChange(SID, ChangeKind.TRANSFER_IN, on, "B", "A"),
    ]
    periods = enrolment_periods(roster, changes, since=Period(2019).start).by_student()
    return roster[0], roster[1], periods


def _semesters(student: Student, periods: dict[str, tuple], programme: str) -> dict[str, str]:  # type: ignore[type-arg]
    e = assess(student, SEED, 2019, enrolment=periods[SID]).entitlement(programme)
    return {} if e is None else {s.value: str(v) for s, v in e.semesters.items()}


def test_a_boarder_transferred_on_1_march_is_paid_spring_once_by_the_new_school() -> None:
    a, b, periods = _transfer(date(2020, 3, 1))
    # A held all of autumn and one month of spring; B the other six months of spring.
    assert _semesters(a, periods, BOARDING) == {"autumn": "500.00"}
    assert _semesters(b, periods, BOARDING) == {"spring": "500.00"}


def test_a_transfer_in_mid_autumn_gives_autumn_to_the_school_with_most_days() -> None:
    a, b, periods = _transfer(date(2019, 11, 15))  # 75 days at A, 78 at B
    assert _semesters(a, periods, BOARDING) == {}
    assert _semesters(b, periods, BOARDING) == {"autumn": "500.00", "spring": "500.00"}


def test_the_owning_school_counts_every_nutrition_day_of_the_shared_semester() -> None:
    a, b, periods = _transfer(date(2019, 11, 15))
    assert _semesters(a, periods, NUTRITION) == {}
    # All 100 autumn school days: the student ate at A, then at B, once each day (R-CMP-4).
    assert _semesters(b, periods, NUTRITION) == {"autumn": "400.00", "spring": "400.00"}


def test_both_rosters_together_pay_one_year_in_total() -> None:
    a, b, periods = _transfer(date(2020, 3, 1))
    total = sum((x.total for x in assess_many([a, b], SEED, 2019, enrolments=periods)), Decimal(0))
    alone = assess(_boarder("A"), SEED, 2019).total
    assert total == alone
    entitlement = assess(a, SEED, 2019, enrolment=periods[SID]).entitlement(BOARDING)
    assert entitlement is not None and Semester.SPRING not in entitlement.semesters
