"""Pairing coverage (包保, R-REC-7): a principal per village, a teacher per household and per
student, home visits as often as the county sets."""

from __future__ import annotations

from datetime import date

from edupoverty.records.coverage import pairing_coverage
from edupoverty.records.enums import SchoolLocation, Stage
from edupoverty.records.model import HomeVisit, Household, Pairing, Student

START, END = date(2019, 9, 1), date(2020, 1, 31)
SID1, SID2, SID3 = "11010520120307002X", "110105201203070038", "110105201203070046"


def _student(sid: str, poor: bool | None = True, **kw: object) -> Student:
    return Student(
        name="学生",
        id_number=sid,
        school_code="A",
        stage=Stage.PRIMARY,
        school_location=SchoolLocation.RURAL,
        registered_poor=poor,
        **kw,  # type: ignore[arg-type]
    )


HOUSEHOLDS = [
    Household("H1", registered_poor=True, village="李庄村"),
    Household("H2", registered_poor=True, village="王楼村"),
    Household("H3", registered_poor=False, village="王楼村"),
]


def _pairings() -> list[Pairing]:
    return [
        Pairing("王老师", date(2019, 9, 1), household_id="H1"),
        Pairing("王老师", date(2019, 9, 1), student_id=SID1),
        Pairing("李校长", date(2019, 9, 1), village="李庄村", role="principal"),
    ]


def test_every_registered_poor_student_household_and_village_needs_a_pairing() -> None:
    r = pairing_coverage(
        [_student(SID1), _student(SID2, student_number="G2"), _student(SID3, poor=False)],
        HOUSEHOLDS,
        _pairings(),
        [],
        start=START,
        end=END,
        visits_required=1,
    )
    assert (r.students, r.households) == (2, 2)
    assert [u.who for u in r.uncovered_students] == ["学籍号G2"]
    assert [u.household_id for u in r.uncovered_households] == ["H2"]
    assert [u.village for u in r.uncovered_villages] == ["王楼村"]
    assert not r.complete


def test_a_pairing_that_ended_before_the_check_day_does_not_cover() -> None:
    ended = [Pairing("王老师", date(2019, 9, 1), student_id=SID1, until=date(2019, 12, 31))]
    r = pairing_coverage(
        [_student(SID1, row=4)], [], ended, [], start=START, end=END, visits_required=1
    )
    assert [u.who for u in r.uncovered_students] == ["第4行"]


def test_home_visits_below_the_county_number_are_overdue() -> None:
    visits = [
        HomeVisit("王老师", "H1", date(2019, 10, 8), handbook_checked=True),
        HomeVisit("王老师", "H1", date(2019, 8, 20)),  # before the period
        HomeVisit("赵老师", "H1", date(2019, 11, 3)),  # not the pairing teacher
    ]
    r = pairing_coverage(
        [], HOUSEHOLDS[:1], _pairings(), visits, start=START, end=END, visits_required=2
    )
    [o] = r.overdue
    assert (o.household_id, o.teachers, o.visits, o.missing) == ("H1", ("王老师",), 1, 1)
    assert o.last_visit == date(2019, 10, 8) and o.handbook_checked
    assert "贫困户H1：本期家访1次，应2次" in r.message("zh")[0]


def test_enough_visits_make_the_coverage_complete() -> None:
    visits = [
        HomeVisit("王老师", "H1", date(2019, 10, 8)),
        HomeVisit("王老师", "H1", date(2020, 1, 8)),
    ]
    r = pairing_coverage(
        [_student(SID1)],
        HOUSEHOLDS[:1],
        _pairings(),
        visits,
        start=START,
        end=END,
        visits_required=2,
    )
    assert r.overdue == () and r.complete


def test_without_the_countys_number_of_visits_the_check_is_not_configured() -> None:
    r = pairing_coverage(
        [_student(SID1)],
        HOUSEHOLDS[:1],
        _pairings(),
        [],
        start=START,
        end=END,
        visits_required=None,
    )
    assert not r.visits_configured and r.overdue == () and not r.complete
    assert r.message("zh")[-1].startswith("家访次数：未配置")


def test_the_report_never_shows_an_identity_number() -> None:
    r = pairing_coverage(
        [_student(SID1), _student(SID2)], [], [], [], start=START, end=END, visits_required=None
    )
    text = "\n".join(r.message("zh") + r.message("en")) + repr(r)
    assert SID1 not in text and SID2 not in text
    assert "110105********002X" in text
