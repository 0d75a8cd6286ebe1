"""Audits against disbursements: 虚报 (report.ineligible), 错报 (report.amount), 漏报
(report.missing, R-REC-5), and the Hebei average-grant check (R-HB-1).

The amounts are the seed documents' (教育精准扶贫学生资助政策): a rural primary boarder from a
registered-poor household is due, each semester, half of the fee waiver of 600 (R-CMP-1), half
of the textbooks of 90 (R-CMP-2), half of the boarding allowance of 1000 (R-CMP-3) and 4 yuan
of meals for 100 school days (R-CMP-4). Every student here is enrolled for the whole school
year unless the test says otherwise.
"""

from __future__ import annotations

from datetime import date

from edupoverty.records import (
    Disbursement,
    Finding,
    PaymentMethod,
    Period,
    SchoolLocation,
    Semester,
    Stage,
    WaiverPledge,
)
from edupoverty.rules import audit, check_average_grants, load_policy
from tests.rules.rules_helpers import student

SEED = load_policy("seed")
POOR = student(boarding=True, registered_poor=True, row=2)
ID = POOR.id_number
AUTUMN, SPRING, YEAR = Semester.AUTUMN, Semester.SPRING, None

FEE = "compulsory.fee_waiver"
BOOKS = "compulsory.free_textbooks"
BOARDING = "compulsory.boarding_allowance"
MEALS = "compulsory.nutrition"

METHOD = {
    FEE: PaymentMethod.WAIVER,
    BOOKS: PaymentMethod.IN_KIND,
    MEALS: PaymentMethod.MEALS,
}


def paid(
    programme: str,
    amount: str,
    semester: Semester | None = AUTUMN,
    row: int = 10,
    sid: str = ID,
    school_year: int = 2019,
) -> Disbursement:
    method = METHOD.get(programme, PaymentMethod.BANK_TRANSFER)
    return Disbursement(
        student_id=sid,
        programme=programme,
        period=Period(school_year, semester),
        amount=amount,
        method=method,
        paid_on=date(2019, 11, 1),
        batch="2019-A",
        account="6222020000000000" if method is PaymentMethod.BANK_TRANSFER else None,
        row=row,
    )


# Everything the seed documents give POOR in 2019, as the disbursement file records it: the
# fee waived and the meals served each semester, the textbooks handed out once for the year,
# the boarding allowance paid to the family's card each semester.
FULL = [
    paid(FEE, "300", AUTUMN, row=2),
    paid(FEE, "300", SPRING, row=3),
    paid(BOOKS, "90", YEAR, row=4),
    paid(BOARDING, "500", AUTUMN, row=5),
    paid(BOARDING, "500", SPRING, row=6),
    paid(MEALS, "400", AUTUMN, row=7),
    paid(MEALS, "400", SPRING, row=8),
]


def without(*programmes: str) -> list[Disbursement]:
    return [d for d in FULL if d.programme not in programmes]


def pledge(*programmes: str, on_paper: bool = True, school_year: int = 2019) -> WaiverPledge:
    return WaiverPledge(
        student_id=ID,
        school_year=school_year,
        signed_on=date(2019, 9, 20),
        signed_by="张父",
        programmes=programmes,
        on_paper=on_paper,
    )


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def test_a_registered_poor_boarder_given_everything_due_raises_nothing() -> None:
    """R-REC-3: fee waiver 300 + 300, textbooks 90, boarding 500 + 500, meals 400 + 400."""
    assert audit([POOR], FULL, [], SEED, 2019) == []


def test_no_registered_poor_student_is_missed_meals_do_not_stand_for_the_boarding_allowance() -> (
    None
):
    """R-REC-5 特别关注建卡贫困户学生，做到不漏报: meals both semesters, no boarding allowance."""
    findings = audit([POOR], without(BOARDING), [], SEED, 2019)
    assert [(f.code, f.row, f.field) for f in findings] == [
        ("report.missing", 2, None),
        ("report.missing", 2, None),
    ]
    assert findings[0].message_zh == (
        "第2行：漏报：建档立卡学生2019学年秋季学期没有寄宿生生活补助的发放记录，"
        "也没有放弃该项目的纸质承诺书"
    )
    assert findings[1].message_en == (
        "row 2: omission: a registered-poor student has no Boarding living allowance for the "
        "spring semester of school year 2019 and no paper waiver pledge giving it up"
    )
    for f in findings:
        assert ID not in f.message_zh and ID not in f.message_en
        assert BOARDING not in f.message_zh and BOARDING not in f.message_en


def test_a_registered_poor_student_given_nothing_is_missed_for_each_programme_and_semester() -> (
    None
):
    """R-REC-5: four programmes due in two semesters, eight omissions on the student's row."""
    findings = audit([POOR], [], [], SEED, 2019)
    assert codes(findings) == ["report.missing"] * 8
    assert {f.row for f in findings} == {2}
    names = ["免学杂费", "免费教科书", "寄宿生生活补助", "农村义务教育学生营养改善计划"]
    expected = [
        f"建档立卡学生2019学年{sem}没有{name}的发放记录"
        for name in names
        for sem in ("秋季学期", "春季学期")
    ]
    assert [f.message_zh.split("漏报：")[1].split("，")[0] for f in findings] == expected


def test_a_registered_poor_student_paid_for_the_autumn_only_is_missed_in_the_spring() -> None:
    """R-REC-5, R-PAY-2 (paid per semester): the spring fee waiver, boarding allowance and
    meals are omissions; the textbooks were handed out for the whole year."""
    autumn = [d for d in FULL if d.period.semester is not SPRING]
    findings = audit([POOR], autumn, [], SEED, 2019)
    assert codes(findings) == ["report.missing"] * 3
    assert all("春季学期" in f.message_zh for f in findings)
    assert not any("免费教科书" in f.message_zh for f in findings)  # handed out for the year


def test_a_registered_poor_student_who_left_in_the_autumn_is_not_missing_in_the_spring() -> None:
    """R-DYN-1 按受助学生实际在校时间核发 (a city boarder: no meals, amounts not prorated)."""
    left = student(
        boarding=True,
        registered_poor=True,
        school_location=SchoolLocation.CITY,
        enrolled_until=date(2019, 11, 15),
    )
    d = [paid(FEE, "300"), paid(BOOKS, "45"), paid(BOARDING, "500")]
    assert audit([left], d, [], SEED, 2019) == []


def test_a_student_not_registered_poor_with_nothing_paid_is_not_an_omission() -> None:
    """R-REC-5 speaks of registered-poor students: a recognised-difficult boarder who did not
    apply is not 漏报 (the class informs, R-REC-5; the audit does not guess)."""
    difficult = student(boarding=True, financial_difficulty=True, row=4)
    assert audit([difficult], [], [], SEED, 2019) == []


def test_a_signed_paper_pledge_giving_up_everything_answers_for_the_omissions() -> None:
    """R-REC-5 对主动放弃的，要妥善保存其放弃受助资格的纸质承诺书: an empty list gives up all."""
    assert audit([POOR], [], [pledge()], SEED, 2019) == []


def test_a_paper_pledge_giving_up_the_boarding_allowance_clears_that_omission() -> None:
    """R-REC-5: the pledge names the programme given up."""
    assert audit([POOR], without(BOARDING), [pledge(BOARDING)], SEED, 2019) == []


def test_a_pledge_giving_up_the_meal_subsidy_does_not_excuse_the_boarding_allowance() -> None:
    """R-REC-5: a pledge clears only what it gives up; meals are cleared, boarding is not."""
    findings = audit([POOR], without(BOARDING, MEALS), [pledge(MEALS)], SEED, 2019)
    assert codes(findings) == ["report.missing"] * 2
    assert all("寄宿生生活补助" in f.message_zh for f in findings)
    assert not any("营养" in f.message_zh for f in findings)


def test_a_pledge_that_is_not_on_paper_clears_nothing_and_the_omission_says_so() -> None:
    """R-REC-5 纸质承诺书: a pledge not kept on paper does not count."""
    findings = audit([POOR], without(BOARDING), [pledge(BOARDING, on_paper=False)], SEED, 2019)
    assert codes(findings) == ["report.missing"] * 2
    assert all("不是纸质的" in f.message_zh for f in findings)
    assert all("not on paper" in f.message_en for f in findings)


def test_a_pledge_for_another_school_year_clears_nothing() -> None:
    """R-REC-5: a pledge is for one school year."""
    findings = audit([POOR], without(BOARDING), [pledge(school_year=2018)], SEED, 2019)
    assert codes(findings) == ["report.missing"] * 2


def test_a_waiver_whose_amount_is_not_configured_is_still_missed_when_nothing_is_recorded() -> None:
    """R-SEN-2 (fee waived at the school's fee, none on the roster), R-REC-5: a registered-poor
    senior student paid the national grant (2500, tier 1, R-SEN-1) and the living allowance
    (2500, R-SEN-3) but with no fee waiver recorded is missed twice; any waiver recorded
    answers, since its amount cannot be checked."""
    senior = student(
        stage=Stage.SENIOR,
        school_location=SchoolLocation.COUNTY_SEAT,
        registered_poor=True,
        row=5,
    )
    grants = [
        paid(p, "1250", sem, sid=senior.id_number)
        for p in ("senior.national_grant", "senior.living_allowance")
        for sem in (AUTUMN, SPRING)
    ]
    findings = audit([senior], grants, [], SEED, 2019)
    assert [(f.code, f.row) for f in findings] == [("report.missing", 5)] * 2
    assert all("普通高中免学杂费" in f.message_zh for f in findings)
    assert all("Senior secondary fee waiver" in f.message_en for f in findings)
    waived = [
        paid("senior.fee_waiver", "800", sem, sid=senior.id_number) for sem in (AUTUMN, SPRING)
    ]
    assert audit([senior], grants + waived, [], SEED, 2019) == []


def test_a_payment_for_a_programme_the_student_does_not_qualify_for_is_a_false_report() -> None:
    """R-REC-3 虚报: a day pupil paid the boarding allowance (R-CMP-3 is for boarders)."""
    day_pupil = student(row=3, id_number="110105201203070011")
    d = [paid(BOARDING, "500", sid=day_pupil.id_number, row=7)]
    [f] = audit([day_pupil], d, [], SEED, 2019)
    assert (f.code, f.row, f.field) == ("report.ineligible", 7, "programme")
    assert f.message_zh == "第7行 programme：虚报：学生2019学年秋季学期不符合寄宿生生活补助的条件"
    assert f.message_en == (
        "row 7, programme: false report: the student does not qualify for Boarding living "
        "allowance in the autumn semester of school year 2019"
    )


def test_a_payment_to_someone_not_on_the_roster_is_a_false_report() -> None:
    """R-REC-3 虚报 (non-existent)."""
    d = [*FULL, paid(BOARDING, "500", sid="110105201203070011", row=20)]
    findings = audit([POOR], d, [], SEED, 2019)
    assert [(f.code, f.row) for f in findings] == [("report.ineligible", 20)]


def test_a_programme_the_policy_does_not_know_is_named_by_its_id() -> None:
    """R-REC-3 虚报: no programme, no entitlement."""
    findings = audit([POOR], [*FULL, paid("county.bonus", "100", row=20)], [], SEED, 2019)
    assert codes(findings) == ["report.ineligible"]
    assert "county.bonus" in findings[0].message_zh and "county.bonus" in findings[0].message_en


def test_a_spring_payment_after_the_student_left_in_the_autumn_is_a_false_report() -> None:
    """R-DYN-1, R-REC-3 (a city boarder: no meals, amounts not prorated)."""
    left = student(
        boarding=True,
        registered_poor=True,
        school_location=SchoolLocation.CITY,
        enrolled_until=date(2019, 11, 15),
    )
    d = [
        paid(FEE, "300"),
        paid(BOOKS, "45"),
        paid(BOARDING, "500"),
        paid(BOARDING, "500", SPRING, row=11),
    ]
    findings = audit([left], d, [], SEED, 2019)
    assert [(f.code, f.row) for f in findings] == [("report.ineligible", 11)]
    assert "春季学期" in findings[0].message_zh


def test_a_boarding_allowance_of_600_for_a_semester_is_a_wrong_report_of_500_due() -> None:
    """R-REC-3 错报, R-CMP-3: 1000 a year, 500 a semester."""
    d = [*without(BOARDING), paid(BOARDING, "600", AUTUMN, row=5), paid(BOARDING, "500", SPRING)]
    [f] = audit([POOR], d, [], SEED, 2019)
    assert (f.code, f.row, f.field) == ("report.amount", 5, "amount")
    assert (
        f.message_zh
        == "第5行 amount：错报：2019学年秋季学期寄宿生生活补助发放600.00元，应为500.00元"
    )
    assert f.message_en == (
        "row 5, amount: wrong amount: Boarding living allowance for the autumn semester of "
        "school year 2019 paid 600.00, entitlement 500.00"
    )


def test_textbooks_handed_out_are_compared_like_money() -> None:
    """R-REC-3 错报, R-CMP-2: primary textbooks are 90 a year; provision in kind counts."""
    d = [*without(BOOKS), paid(BOOKS, "180", YEAR, row=4)]
    [f] = audit([POOR], d, [], SEED, 2019)
    assert (f.code, f.row) == ("report.amount", 4)
    assert "免费教科书发放180.00元，应为90.00元" in f.message_zh


def test_the_same_semester_paid_twice_shows_as_a_wrong_amount() -> None:
    """R-STK-3: once per student and period, whatever school reports it (500 + 500 ≠ 500)."""
    d = [*FULL, paid(BOARDING, "500", AUTUMN, row=12)]
    [f] = audit([POOR], d, [], SEED, 2019)
    assert (f.code, f.row) == ("report.amount", 5)
    assert "paid 1000.00, entitlement 500.00" in f.message_en


def test_a_whole_year_payment_covers_both_semesters() -> None:
    """R-CMP-3: a year's boarding allowance of 1000 paid at once is neither missing nor wrong."""
    d = [*without(BOARDING), paid(BOARDING, "1000", YEAR, row=5)]
    assert audit([POOR], d, [], SEED, 2019) == []


def test_a_whole_year_payment_is_compared_with_the_years_amount() -> None:
    """R-REC-3 错报: 500 for the year where 1000 is due; the semesters are not missing."""
    d = [*without(BOARDING), paid(BOARDING, "500", YEAR, row=5)]
    [f] = audit([POOR], d, [], SEED, 2019)
    assert (f.code, f.row) == ("report.amount", 5)
    assert f.message_zh.endswith("2019学年寄宿生生活补助发放500.00元，应为1000.00元")


def test_a_year_paid_in_full_and_a_semester_paid_again_is_a_wrong_report() -> None:
    """R-STK-3, R-REC-3: 1000 for the year and 500 again for the autumn is 1500 for 1000."""
    d = [*without(BOARDING), paid(BOARDING, "1000", YEAR, row=5), paid(BOARDING, "500", row=6)]
    [f] = audit([POOR], d, [], SEED, 2019)
    assert (f.code, f.row) == ("report.amount", 5)
    assert "paid 1500.00, entitlement 1000.00" in f.message_en


def test_other_school_years_are_not_audited() -> None:
    old = paid("x", "1", YEAR, school_year=2018)
    assert audit([POOR], [old, *FULL], [], SEED, 2019) == []


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
