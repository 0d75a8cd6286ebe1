"""The validation report (效验, R-REC-3): each finding code, failing and passing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from edupoverty.records import (
    CODES,
    Disbursement,
    Payee,
    PaymentMethod,
    Period,
    Semester,
    read_roster,
    read_rows,
    validate,
    validation_report,
)
from edupoverty.records.idcard import calc_check_digit
from edupoverty.records.roster import AGE_RANGES
from edupoverty.records.sample import sample_disbursements_path, sample_roster_path
from edupoverty.records.validate import check_payments

HEADER = ["name", "id_number", "school_code", "stage", "grade", "school_location", "boarding"]
TODAY = date(2026, 11, 1)


def ident(born: str, seq: int = 12, region: str = "341321") -> str:
    body = f"{region}{born}{seq:03d}"
    return body + calc_check_digit(body)


GOOD = ["张三", ident("20100415"), "3413210102", "小学", "3", "乡村", "是"]


def codes_for(row: list[str], year: int = 2019) -> list[str]:
    r = read_rows(HEADER, [row], today=TODAY)
    return [f.code for f in validate(r, school_year=year, today=TODAY)]


def with_cell(field: str, value: str) -> list[str]:
    row = list(GOOD)
    row[HEADER.index(field)] = value
    return row


def test_a_correct_row_has_no_findings() -> None:
    assert codes_for(GOOD) == []


@pytest.mark.parametrize(
    ("id_number", "code"),
    [
        (GOOD[1][:17], "id.length"),
        (GOOD[1][:10] + "O" + GOOD[1][11:], "id.format"),
        (GOOD[1][:17] + ("0" if GOOD[1][17] != "0" else "1"), "id.checksum"),
        (ident("20100230"), "id.birth_date"),  # 30 February
        (ident("20270101"), "id.birth_date"),  # after today
    ],
)
def test_a_bad_id_number_rejects_the_row_with_its_code(id_number: str, code: str) -> None:
    r = read_rows(HEADER, [with_cell("id_number", id_number)], today=TODAY)
    assert r.accepted == 0
    [finding] = r.rejected[0].findings
    assert (finding.code, finding.row, finding.field) == (code, 2, "id_number")
    assert id_number not in finding.message_zh and id_number not in finding.message_en


def test_an_unknown_region_is_a_warning_and_the_row_is_accepted() -> None:
    r = read_rows(HEADER, [with_cell("id_number", ident("20100415", region="990101"))])
    [f] = validate(r, school_year=2019, today=TODAY)
    assert (f.code, f.is_error, r.accepted) == ("id.region", False, 1)
    assert codes_for(with_cell("id_number", ident("20100415", region="450121"))) == []


def test_a_missing_required_value_is_field_missing() -> None:
    assert codes_for(with_cell("school_code", "")) == ["field.missing"]
    assert codes_for(with_cell("school_code", "0012")) == []


def test_an_unknown_spelling_is_field_invalid_naming_the_field_not_the_value() -> None:
    r = read_rows(HEADER, [with_cell("boarding", "可能吧")], today=TODAY)
    [f] = r.rejected[0].findings
    assert (f.code, f.field) == ("field.invalid", "boarding")
    assert "可能吧" not in f.message_zh
    assert codes_for(with_cell("boarding", "√")) == []


def test_a_bank_account_that_is_not_digits_is_field_invalid() -> None:
    header = [*HEADER, "bank_account"]
    r = read_rows(
        header,
        [[*GOOD, "6.21700E+18"], [*GOOD[:1], ident("20100416"), *GOOD[2:], "6217 0000 1111 2222"]],
    )
    assert [(x.row, x.findings[0].field) for x in r.rejected] == [(2, "bank_account")]
    assert r.students[0].bank_account == "6217000011112222"
    assert "6.21700E+18" not in r.rejected[0].findings[0].message_en


def test_ages_outside_the_plausible_range_of_the_stage_are_warnings() -> None:
    # Compulsory Education Law art. 11: school entry at 6; a primary pupil of 25 is a typo.
    assert codes_for(with_cell("id_number", ident("19940415"))) == ["row.age_stage"]
    lo, hi = AGE_RANGES[next(s for s in AGE_RANGES if s.value == "primary")]
    assert (lo, hi) == (5, 15)
    # born 2013-09-01: 6 on 1 September 2019; born 2014-09-02: still 4 → warning
    assert codes_for(with_cell("id_number", ident("20130901"))) == []
    assert codes_for(with_cell("id_number", ident("20140902"))) == ["row.age_stage"]


def test_the_same_id_twice_in_one_roster_is_a_duplicate_report_on_the_later_row() -> None:
    r = read_rows(HEADER, [GOOD, GOOD], today=TODAY)
    [f] = validate(r, school_year=2019, today=TODAY)
    assert (f.code, f.row) == ("report.duplicate", 3)
    assert "row 2" in f.message_en


def test_the_same_id_in_two_rosters_is_a_duplicate_naming_the_other_file(tmp_path: Path) -> None:
    lines = ",".join(HEADER) + "\n" + ",".join(GOOD) + "\n"
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(lines, encoding="utf-8")
    b.write_text(lines, encoding="utf-8")
    [f] = validate(a, b, school_year=2019, today=TODAY)
    assert (f.code, f.row, f.source) == ("report.duplicate", 2, str(b))
    assert "a.csv" in f.message_en
    # read first, then validated: the same answer
    assert [
        (g.code, g.row) for g in validate(read_roster(a), read_roster(b), school_year=2019)
    ] == [("report.duplicate", 2)]


def paid(**kw: object) -> Disbursement:
    values: dict[str, object] = {
        "student_id": GOOD[1],
        "programme": "compulsory.boarding_allowance",
        "period": Period(2019, Semester.AUTUMN),
        "amount": "500",
        "method": PaymentMethod.BANK_TRANSFER,
        "account": "6217000011112222",
        "paid_on": date(2019, 11, 20),
        "batch": "B1",
        "row": 2,
    }
    values.update(kw)
    return Disbursement(**values)  # type: ignore[arg-type]


def test_a_boarding_allowance_paid_in_cash_breaks_r_pay_1() -> None:
    [f] = check_payments([paid(method=PaymentMethod.CASH, account=None)])
    assert (f.code, f.field) == ("payment.method", "method") and "R-PAY-1" in f.message_en
    assert check_payments([paid()]) == []


def test_a_boarding_allowance_collected_by_others_breaks_r_pay_1() -> None:
    [f] = check_payments([paid(payee=Payee.OTHER)])
    assert (f.code, f.field) == ("payment.method", "payee")


def test_nutrition_paid_in_cash_breaks_r_pay_3_but_meals_are_fine() -> None:
    nutrition = {"programme": "compulsory.nutrition", "amount": "400", "account": None}
    [f] = check_payments([paid(method=PaymentMethod.CASH, **nutrition)])
    assert f.code == "payment.method" and "R-PAY-3" in f.message_en
    assert check_payments([paid(method=PaymentMethod.MEALS, **nutrition)]) == []


def test_nutrition_is_meals_by_real_name_so_a_bank_transfer_to_the_family_breaks_r_pay_3() -> None:
    """R-PAY-3 由学校按实名制要求向在校学生提供营养午餐，不得发放现金: 4 yuan × 100 school
    days = 400 for the autumn sent to the family's card is money, not meals."""
    transfer = paid(programme="compulsory.nutrition", amount="400")
    [f] = check_payments([transfer])
    assert (f.code, f.row, f.field) == ("payment.method", 2, "method")
    assert "R-PAY-3" in f.message_zh and "R-PAY-3" in f.message_en
    assert "6217000011112222" not in f.message_zh + f.message_en


@pytest.mark.parametrize("method", [m for m in PaymentMethod if m is not PaymentMethod.MEALS])
def test_nutrition_given_any_way_but_meals_breaks_r_pay_3(method: PaymentMethod) -> None:
    """R-PAY-3: only meals served by real name (实名就餐) deliver the nutrition programme."""
    account = "6217000011112222" if method is PaymentMethod.BANK_TRANSFER else None
    d = paid(programme="compulsory.nutrition", amount="400", method=method, account=account)
    assert [(f.code, f.field) for f in check_payments([d])] == [("payment.method", "method")]


def test_a_bank_payment_without_an_account_is_payment_account() -> None:
    [f] = check_payments([paid(account=None)])
    assert (f.code, f.field) == ("payment.account", "account")


def test_the_same_programme_paid_twice_for_one_period_is_a_duplicate_r_stk_3() -> None:
    first, again = paid(), paid(row=5, batch="B2")
    [f] = check_payments([first, again])
    assert (f.code, f.row) == ("report.duplicate", 5)
    other_semester = paid(row=6, period=Period(2019, Semester.SPRING))
    assert check_payments([first, other_semester]) == []


def test_the_sample_roster_shows_every_defect_class_the_report_knows() -> None:
    roster, pay = sample_roster_path(), sample_disbursements_path()
    report = validation_report(roster, disbursements=pay, school_year=2019)
    found = {f.code for f in report.findings}
    rules_codes = {"report.missing", "report.ineligible", "report.amount", "report.average_grant"}
    notice_codes = {"notice.missing", "notice.short"}  # disclosure notices, not rosters
    # a title row above the header would renumber every row of the sample: tested apart
    # and an ID number stored as a number (tests/records/test_office_xlsx.py)
    apart = {"row.above_header", "id.as_number"}
    assert found == set(CODES) - rules_codes - notice_codes - apart
    assert report.rows == report.accepted + report.rejected == 40


def test_streamed_and_read_rosters_give_the_same_findings() -> None:
    roster = sample_roster_path()
    streamed = validate(roster, school_year=2019)
    read = validate(read_roster(roster), school_year=2019)
    assert [(f.code, f.row, f.field) for f in streamed] == [(f.code, f.row, f.field) for f in read]


def test_no_message_ever_contains_an_id_number_or_an_account() -> None:
    result = read_roster(sample_roster_path())
    findings = validate(result, disbursements=sample_disbursements_path(), school_year=2019)
    secrets = {s.id_number for s in result.students} | {
        s.bank_account for s in result.students if s.bank_account
    }
    for f in findings:
        for secret in secrets:
            assert secret not in f.message_zh and secret not in f.message_en


def test_rosters_already_read_count_a_student_repeated_across_them_once(tmp_path: Path) -> None:
    # R-REC-3: the same ID number in two rosters checked together: the later row is rejected,
    # as when the rosters are given as paths; an age warning is not given twice.
    from edupoverty.records import read_roster

    head = "姓名,身份证号,学校代码,学段,学校所在地\n"
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(
        head + "张三,110105201203070011,1,小学,乡村\n王五,11010520120307002X,1,高中,乡村\n",
        encoding="utf-8",
    )
    b.write_text(head + "张三,110105201203070011,2,小学,乡村\n", encoding="utf-8")
    by_path = validation_report(a, b, school_year=2019)
    read = validation_report(
        read_roster(a, school_year=2019), read_roster(b, school_year=2019), school_year=2019
    )
    assert (
        (read.rows, read.accepted, read.rejected)
        == (by_path.rows, by_path.accepted, by_path.rejected)
        == (3, 2, 1)
    )
    assert [f.code for f in read.findings].count("row.age_stage") == 1
