"""Finding codes are a stable contract; messages say where, never what."""

from __future__ import annotations

import pytest

from edupoverty.records import CODES, FindingSeverity, finding

ISSUE_CODES = {
    "id.length",
    "id.format",
    "id.checksum",
    "id.birth_date",
    "id.region",
    "field.missing",
    "field.invalid",
    "row.age_stage",
    "report.duplicate",
    "payment.method",
    "payment.account",
    "report.missing",
    "report.ineligible",
    "report.amount",
}


def test_every_code_of_the_validation_report_is_defined() -> None:
    assert set(CODES) >= ISSUE_CODES


@pytest.mark.parametrize("code", ["id.region", "row.age_stage"])
def test_warnings_are_warnings(code: str) -> None:
    assert CODES[code].severity is FindingSeverity.WARNING
    assert not finding(code, row=2).is_error


def test_the_four_faults_of_r_rec_3_cite_their_rule() -> None:
    for code in ("report.duplicate", "report.ineligible", "report.amount"):
        assert CODES[code].rule == "R-REC-3"
    assert CODES["report.missing"].rule == "R-REC-5"


def test_a_finding_names_row_and_field_in_both_languages() -> None:
    f = finding("field.missing", row=12, field="school_code")
    assert f.message_zh == "第12行 school_code：必填项为空"
    assert f.message_en == "row 12, school_code: a required value is missing"


def test_a_finding_without_row_is_about_the_whole_file() -> None:
    f = finding("report.duplicate", other_row=3)
    assert f.row is None
    assert f.message_en.startswith("duplicate report")


def test_unknown_code_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        finding("id.nonsense")


def test_the_repr_of_records_never_shows_an_id_number_account_or_address() -> None:
    from datetime import date

    from edupoverty.records import (
        Disbursement,
        Household,
        PaymentMethod,
        Period,
        SchoolLocation,
        Stage,
        Student,
    )

    ident, account = "11010520120307002X", "6222020000001234"
    s = Student(
        name="张三",
        id_number=ident,
        school_code="1",
        stage=Stage.PRIMARY,
        school_location=SchoolLocation.RURAL,
        bank_account=account,
    )
    d = Disbursement(
        student_id=ident,
        programme="compulsory.boarding_allowance",
        period=Period(2019),
        amount="1000",
        method=PaymentMethod.BANK_TRANSFER,
        paid_on=date(2019, 11, 1),
        batch="B1",
        account=account,
    )
    h = Household(household_id="H1", student_ids=[ident], address="李庄村3组")
    for text in (repr(s), repr(d), repr(h)):
        assert ident not in text and account not in text and "李庄村3组" not in text
