"""Audits against disbursements: 虚报 (report.ineligible), 错报 (report.amount), 漏报
(report.missing, R-REC-5), and the Hebei average-grant check (R-HB-1)."""

from __future__ import annotations

from datetime import date

from edupoverty.records import (
    Disbursement,
    PaymentMethod,
    Period,
    Semester,
    Stage,
    WaiverPledge,
)
from edupoverty.rules import audit, check_average_grants, load_policy
from tests.rules.rules_helpers import student

SEED = load_policy("seed")
POOR = student(boarding=True, registered_poor=True, row=2)
ID = POOR.id_number


def paid(
    programme: str,
    amount: str,
    semester: Semester | None = Semester.AUTUMN,
    row: int = 10,
    sid: str = ID,
) -> Disbursement:
    return Disbursement(
        student_id=sid,
        programme=programme,
        period=Period(2019, semester),
        amount=amount,
        method=PaymentMethod.BANK_TRANSFER,
        paid_on=date(2019, 11, 1),
        batch="2019-A",
        account="6222020000000000",
        row=row,
    )


def codes(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f.code for f in findings]


def test_boarding_allowance_paid_in_full_each_semester_raises_nothing() -> None:
    d = [
        paid("compulsory.boarding_allowance", "500"),
        paid("compulsory.boarding_allowance", "500", Semester.SPRING),
    ]
    assert audit([POOR], d, [], SEED, 2019) == []


def test_registered_poor_student_with_no_grant_and_no_pledge_is_an_omission() -> None:
    findings = audit([POOR], [], [], SEED, 2019)
    assert codes(findings) == ["report.missing"]
    assert findings[0].row == 2 and findings[0].field is None
    assert ID not in findings[0].message_zh


def test_a_registered_poor_student_paid_for_the_autumn_only_is_still_an_omission() -> None:
    d = [paid("compulsory.boarding_allowance", "500")]
    assert codes(audit([POOR], d, [], SEED, 2019)) == ["report.missing"]


def test_a_registered_poor_student_who_left_in_the_autumn_is_not_missing_in_the_spring() -> None:
    left = student(boarding=True, registered_poor=True, enrolled_until=date(2019, 11, 15))
    d = [paid("compulsory.boarding_allowance", "500")]
    assert audit([left], d, [], SEED, 2019) == []


def test_a_signed_waiver_pledge_answers_for_the_missing_grant() -> None:
    pledge = WaiverPledge(
        student_id=ID, school_year=2019, signed_on=date(2019, 9, 20), signed_by="张父"
    )
    assert audit([POOR], [], [pledge], SEED, 2019) == []


def test_a_payment_for_a_programme_the_student_does_not_qualify_for_is_a_false_report() -> None:
    day_pupil = student(row=3, id_number="110105201203070011")
    d = [paid("compulsory.boarding_allowance", "500", sid=day_pupil.id_number, row=7)]
    findings = audit([day_pupil], d, [], SEED, 2019)
    assert codes(findings) == ["report.ineligible"]
    assert findings[0].row == 7


def test_a_payment_to_someone_not_on_the_roster_is_a_false_report() -> None:
    d = [paid("compulsory.boarding_allowance", "500", sid="110105201203070011")]
    assert "report.ineligible" in codes(audit([POOR], d, [], SEED, 2019))


def test_a_spring_payment_after_the_student_left_in_the_autumn_is_a_false_report() -> None:
    left = student(boarding=True, registered_poor=True, enrolled_until=date(2019, 11, 15))
    d = [
        paid("compulsory.boarding_allowance", "500"),
        paid("compulsory.boarding_allowance", "500", Semester.SPRING, row=11),
    ]
    findings = audit([left], d, [], SEED, 2019)
    assert codes(findings) == ["report.ineligible"]
    assert findings[0].row == 11


def test_a_wrong_amount_is_a_wrong_report_naming_paid_and_due() -> None:
    d = [
        paid("compulsory.boarding_allowance", "600"),
        paid("compulsory.boarding_allowance", "500", Semester.SPRING),
    ]
    findings = audit([POOR], d, [], SEED, 2019)
    assert codes(findings) == ["report.amount"]
    assert "600.00" in findings[0].message_en and "500.00" in findings[0].message_en


def test_the_same_semester_paid_twice_shows_as_a_wrong_amount() -> None:
    # R-STK-3: once per student and period, whatever school reports it.
    d = [
        paid("compulsory.boarding_allowance", "500"),
        paid("compulsory.boarding_allowance", "500", row=12),
        paid("compulsory.boarding_allowance", "500", Semester.SPRING),
    ]
    assert codes(audit([POOR], d, [], SEED, 2019)) == ["report.amount"]


def test_a_whole_year_payment_is_compared_with_the_year() -> None:
    d = [paid("compulsory.boarding_allowance", "1000", semester=None)]
    assert audit([POOR], d, [], SEED, 2019) == []


def test_other_school_years_are_not_audited() -> None:
    old = Disbursement(
        student_id=ID,
        programme="x",
        period=Period(2018),
        amount="1",
        method=PaymentMethod.CASH,
        paid_on=date(2018, 10, 1),
        batch="b",
    )
    d = [old, paid("compulsory.boarding_allowance", "1000", semester=None)]
    assert audit([POOR], d, [], SEED, 2019) == []


def test_hebei_school_below_the_2000_average_grant_is_reported() -> None:
    hebei = load_policy("hebei")
    a = student(stage=Stage.SENIOR, registered_poor=True, hukou_province="河北", school_code="HB01")
    b = student(
        stage=Stage.SENIOR,
        registered_poor=True,
        hukou_province="河北",
        school_code="HB01",
        id_number="110105201203070011",
    )
    low = [
        paid("senior.national_grant", "1500", None, sid=a.id_number),
        paid("senior.national_grant", "1500", None, sid=b.id_number),
    ]
    ok = [
        paid("senior.national_grant", "2500", None, sid=a.id_number),
        paid("senior.national_grant", "1500", None, sid=b.id_number),
    ]
    findings = check_average_grants([a, b], low, hebei, 2019)
    assert codes(findings) == ["report.average_grant"]
    assert "HB01" in findings[0].message_en and "2000.00" in findings[0].message_en
    assert check_average_grants([a, b], ok, hebei, 2019) == []
    assert check_average_grants([a, b], low, SEED, 2019) == []
