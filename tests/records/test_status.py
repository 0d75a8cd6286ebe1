"""Status changes (学籍异动, R-DYN-1..2) give enrolment periods; a transfer between two
schools of one county is never paid twice (R-STK-3)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from edupoverty.records.enums import ChangeKind, SchoolLocation, Stage
from edupoverty.records.idcard import mask
from edupoverty.records.model import Period, StatusChange, Student
from edupoverty.records.status import days_enrolled, enrolment_periods, overlaps

SID = "11010520120307002X"
SINCE = Period(2019).start
AUTUMN_END = date(2020, 1, 31)


def _pupil(school: str = "A", **kw: object) -> Student:
    return Student(
        name="张三",
        id_number=SID,
        school_code=school,
        stage=Stage.PRIMARY,
        school_location=SchoolLocation.RURAL,
        **kw,  # type: ignore[arg-type]
    )


def _c(kind: ChangeKind, on: date, school: str, other: str | None = None) -> StatusChange:
    return StatusChange(SID, kind, on, school, other)


def _spans(result) -> list[tuple[str, date, date | None]]:  # type: ignore[no-untyped-def]
    return [(p.school_code, p.start, p.end) for p in result.periods]


def test_a_transfer_between_two_schools_of_one_county_is_counted_once() -> None:
    # School A reports the transfer out, school B the transfer in, both on the roster.
    roster = [_pupil("A"), _pupil("B")]
    changes = [
        _c(ChangeKind.TRANSFER_OUT, date(2019, 11, 15), "A", "B"),
        _c(ChangeKind.TRANSFER_IN, date(2019, 11, 15), "B", "A"),
    ]
    result = enrolment_periods(roster, changes, since=SINCE)
    assert _spans(result) == [
        ("A", date(2019, 9, 1), date(2019, 11, 14)),
        ("B", date(2019, 11, 15), None),
    ]
    assert result.issues == () and overlaps(result.periods) == ()
    # R-DYN-1: the autumn semester's days are split, never doubled.
    autumn = (AUTUMN_END - SINCE).days + 1
    a, b = result.periods
    assert days_enrolled([a], SINCE, AUTUMN_END) + days_enrolled([b], SINCE, AUTUMN_END) == autumn
    # Listed per school, the days are split between them.
    at_a, at_b = result.by_student("A")[SID], result.by_student("B")[SID]
    assert days_enrolled(at_a, SINCE, AUTUMN_END) == 75
    assert days_enrolled(at_b, SINCE, AUTUMN_END) == autumn - 75


def test_a_transfer_in_reported_before_the_transfer_out_still_does_not_overlap() -> None:
    roster = [_pupil("A"), _pupil("B")]
    changes = [
        _c(ChangeKind.TRANSFER_IN, date(2019, 11, 10), "B", "A"),
        _c(ChangeKind.TRANSFER_OUT, date(2019, 11, 15), "A", "B"),
    ]
    result = enrolment_periods(roster, changes, since=SINCE)
    assert overlaps(result.periods) == ()
    assert _spans(result)[0] == ("A", date(2019, 9, 1), date(2019, 11, 9))
    assert [i.code for i in result.issues] == ["status.transfer_overlap"]


def test_a_drop_out_ends_the_enrolment_the_day_before() -> None:
    result = enrolment_periods(
        [_pupil()], [_c(ChangeKind.DROP_OUT, date(2019, 10, 8), "A")], since=SINCE
    )
    assert _spans(result) == [("A", SINCE, date(2019, 10, 7))]
    assert days_enrolled(result.periods, SINCE, AUTUMN_END) == 37


def test_suspension_and_resumption_leave_a_gap_that_is_not_paid() -> None:
    changes = [
        _c(ChangeKind.SUSPENSION, date(2019, 10, 1), "A"),
        _c(ChangeKind.RESUMPTION, date(2019, 12, 1), "A"),
    ]
    result = enrolment_periods([_pupil()], changes, since=SINCE)
    assert _spans(result) == [("A", SINCE, date(2019, 9, 30)), ("A", date(2019, 12, 1), None)]
    assert days_enrolled(result.periods, SINCE, AUTUMN_END) == 30 + 62


def test_graduation_ends_the_enrolment() -> None:
    result = enrolment_periods(
        [_pupil()], [_c(ChangeKind.GRADUATION, date(2020, 7, 1), "A")], since=SINCE
    )
    assert _spans(result) == [("A", SINCE, date(2020, 6, 30))]


def test_a_student_who_transfers_in_mid_year_starts_on_the_day_of_the_transfer() -> None:
    result = enrolment_periods(
        [_pupil("B")], [_c(ChangeKind.TRANSFER_IN, date(2020, 3, 2), "B", "X")], since=SINCE
    )
    assert _spans(result) == [("B", date(2020, 3, 2), None)]


def test_a_roster_row_enrolled_later_starts_then() -> None:
    result = enrolment_periods([_pupil(enrolled_from=date(2019, 9, 16))], [], since=SINCE)
    assert _spans(result) == [("A", date(2019, 9, 16), None)]


def test_a_resumption_without_a_suspension_is_an_issue_not_a_crash() -> None:
    result = enrolment_periods([], [_c(ChangeKind.RESUMPTION, date(2019, 12, 1), "A")], since=SINCE)
    assert result.periods == ()
    assert [i.code for i in result.issues] == ["status.resumption_without_suspension"]


def test_a_transfer_out_twice_is_an_issue_naming_the_student_without_the_id_number() -> None:
    changes = [
        _c(ChangeKind.TRANSFER_OUT, date(2019, 11, 15), "A", "B"),
        _c(ChangeKind.TRANSFER_OUT, date(2019, 12, 1), "A", "B"),
    ]
    result = enrolment_periods([_pupil(row=7)], changes, since=SINCE)
    assert [i.code for i in result.issues] == ["status.not_enrolled"]
    f = result.findings()[0]
    assert f.row == 7 and f.message_zh.startswith("第7行")
    assert SID not in f.message_zh + f.message_en + repr(result.issues)


def test_a_student_on_two_rosters_without_a_transfer_is_kept_at_one_school() -> None:
    result = enrolment_periods([_pupil("A"), _pupil("B")], [], since=SINCE)
    assert [p.school_code for p in result.periods] == ["A"]
    assert [i.code for i in result.issues] == ["status.two_schools"]
    assert mask(SID) in result.findings()[0].message_en


def test_a_transfer_in_to_the_same_school_is_an_issue() -> None:
    result = enrolment_periods(
        [_pupil()], [_c(ChangeKind.TRANSFER_IN, date(2019, 10, 1), "A", "X")], since=SINCE
    )
    # The first change at A is a transfer in: the roster row counts from then.
    assert _spans(result) == [("A", date(2019, 10, 1), None)]
    twice = enrolment_periods(
        [_pupil()],
        [
            _c(ChangeKind.TRANSFER_IN, date(2019, 10, 1), "A", "X"),
            _c(ChangeKind.TRANSFER_IN, date(2019, 10, 9), "A", "X"),
        ],
        since=SINCE,
    )
    assert [i.code for i in twice.issues] == ["status.already_enrolled"]


_kinds = st.sampled_from(list(ChangeKind))
_schools = st.sampled_from(["A", "B", "C"])


@given(
    st.lists(st.sampled_from(["A", "B", "C"]), max_size=3),
    st.lists(st.tuples(_kinds, st.integers(0, 300), _schools), max_size=12),
)
def test_any_sequence_of_changes_never_gives_overlapping_periods(
    roster_schools: list[str], raw: list[tuple[ChangeKind, int, str]]
) -> None:
    roster = [_pupil(s) for s in roster_schools]
    changes = [_c(k, SINCE + timedelta(days=d), s) for k, d, s in raw]
    result = enrolment_periods(roster, changes, since=SINCE)
    assert overlaps(result.periods) == ()
    assert all(p.end is None or p.start <= p.end for p in result.periods)
    year_days = (Period(2019).end - SINCE).days + 1
    assert days_enrolled(result.periods, SINCE, Period(2019).end) <= year_days
