"""What an analyst meets using the records API from a notebook: the sample roster's path, a
student built in code with a bad ID number, and results that have to become JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from edupoverty.errors import (
    ArgumentError,
    ConversionError,
    EdupovertyError,
    InputError,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from edupoverty.records import (
    Disbursement,
    EnrolmentPeriod,
    LedgerEntry,
    Objection,
    PaymentMethod,
    Period,
    School,
    SchoolLocation,
    Semester,
    Stage,
    Student,
    WaiverPledge,
    read_roster,
    sample_roster_path,
)
from edupoverty.records.convert import SupportsToDict, from_dict, from_json, to_dict, to_json
from edupoverty.records.findings import finding
from edupoverty.records.idcard import calc_check_digit
from edupoverty.records.model import FIRST_SCHOOL_YEAR, LAST_SCHOOL_YEAR, check_school_year
from edupoverty.records.reader import read_roster_table
from edupoverty.records.roster import RejectedRow, RosterResult, read_disbursements
from edupoverty.rules import assess, load_policy, summarize
from edupoverty.rules.values import NotConfigured

GOOD = "11010520120307002X"
WRONG_CHECK_DIGIT = "110105201203070021"


def pupil(id_number: Any = GOOD, **kw: Any) -> Student:
    return Student(
        name="张三",
        id_number=id_number,
        school_code="3412001",
        stage=Stage.PRIMARY,
        school_location=SchoolLocation.RURAL,
        **kw,
    )


# --- the sample roster ---------------------------------------------------------------------


def test_the_sample_roster_path_goes_straight_into_read_roster() -> None:
    assert read_roster(sample_roster_path()).accepted == 32


# --- a student's ID number is checked when the student is built --------------------------


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("123", InvalidLength),
        ("1101052012O307002X", InvalidFormat),
        (WRONG_CHECK_DIGIT, InvalidChecksum),
        ("110105201202300022", InvalidComponent),  # 30 February 2012
    ],
)
def test_a_student_built_with_a_bad_id_number_is_refused_with_the_problem_of_the_number(
    number: str, error: type[ValidationError]
) -> None:
    with pytest.raises(error) as caught:
        pupil(number)
    e = caught.value
    assert isinstance(e, ValueError) and isinstance(e, EdupovertyError)
    assert e.code.startswith("id.")
    assert "id_number" in e.message_zh and "id_number" in e.message_en


def test_the_error_names_the_field_never_the_number() -> None:
    with pytest.raises(InvalidChecksum) as caught:
        pupil(WRONG_CHECK_DIGIT)
    text = str(caught.value) + repr(caught.value) + caught.value.message("en")
    assert WRONG_CHECK_DIGIT not in text and "110105" not in text


def test_a_birth_date_after_today_is_refused() -> None:
    body = f"110105{date.today().year + 1}0101001"
    with pytest.raises(InvalidComponent):
        pupil(body + calc_check_digit(body))


def test_an_id_number_that_is_not_text_is_a_format_error() -> None:
    with pytest.raises(InvalidFormat):
        pupil(11010520120307002)


def test_a_valid_number_is_stored_compact_with_an_upper_case_x_as_the_roster_reader_stores_it() -> (
    None
):
    s = pupil(" 110105 20120307-002x ")
    assert s.id_number == GOOD
    assert s == pupil(GOOD) and hash(s) == hash(pupil(GOOD))


def test_changing_a_student_with_attrs_evolve_checks_the_new_number_too() -> None:
    s = pupil()
    assert attrs.evolve(s, id_number="110105201203070011").id_number == "110105201203070011"
    with pytest.raises(InvalidLength):
        attrs.evolve(s, id_number="123")


def test_students_read_from_a_roster_are_ordinary_students_equal_to_those_built_in_code() -> None:
    # The reader checks the numbers column by column; the Students built from its table are
    # the same as those the constructor would build.
    result = read_roster(sample_roster_path())
    table = read_roster_table(sample_roster_path())
    for s in [*result.students, *table.students()]:
        fields = {a.name: getattr(s, a.name) for a in attrs.fields(Student)}
        assert type(s) is Student and Student(**fields) == s
    lower_x = [s for s in result.students if s.row == 41]
    assert [s.id_number[-1] for s in lower_x] == ["X"]  # 34132120100920026x in the file


def test_from_dict_with_a_bad_id_number_names_the_field_and_the_problem_never_the_number() -> None:
    data = to_dict(pupil())
    data["id_number"] = WRONG_CHECK_DIGIT
    with pytest.raises(InputError) as caught:
        from_dict(data, Student)
    e = caught.value
    assert e.code == "record.invalid"
    assert "id_number" in e.message_en and "check digit" in e.message_en
    assert WRONG_CHECK_DIGIT not in str(e)
    nested = to_dict(
        RosterResult(source="r.csv", students=(pupil(),), rejected=(), findings=(), rows=1)
    )
    nested["students"][0]["id_number"] = "123"
    with pytest.raises(InputError) as caught:
        from_json(json.dumps(nested), RosterResult)
    assert "$.students[0]" in caught.value.message_en and "18 characters" in caught.value.message_en


# --- to_dict / to_json: every result value, or a typed error ------------------------------


class Opaque:
    """A value that is neither a record nor gives its own plain form."""

    __slots__ = ("secret",)

    def __init__(self) -> None:
        self.secret = WRONG_CHECK_DIGIT


def test_a_value_without_a_plain_form_is_refused_with_a_typed_error_not_returned_as_itself() -> (
    None
):
    for value in (Opaque(), [Opaque()], {"inside": (1, Opaque())}, object()):
        with pytest.raises(ConversionError) as caught:
            to_dict(value)
        assert caught.value.code == "record.unsupported"
        with pytest.raises(ConversionError):
            to_json(value)
    with pytest.raises(ConversionError) as caught:
        to_json({"x": Opaque()})
    assert "Opaque" in caught.value.message_en and WRONG_CHECK_DIGIT not in str(caught.value)
    # a programme that caught the TypeError of json.dumps keeps working; so does ValueError
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, InputError)


def test_a_value_with_its_own_to_dict_is_converted_by_it_money_exact_dates_iso_enums_by_value() -> (
    None
):
    class Payout:
        def to_dict(self) -> dict[str, Any]:
            return {
                "amount": Decimal("1000.1"),
                "paid_on": date(2019, 12, 31),
                "semester": Semester.AUTUMN,
                "method": PaymentMethod.BANK_TRANSFER,
                "period": Period(2019, Semester.SPRING),
                "student": pupil(bank_account="6217000011112222"),
            }

    assert isinstance(Payout(), SupportsToDict)
    d = to_dict(Payout())
    assert d["amount"] == "1000.10" and d["paid_on"] == "2019-12-31"
    assert (d["semester"], d["method"]) == ("autumn", "bank_transfer")
    assert d["period"] == {"school_year": 2019, "semester": "spring"}
    # a student inside keeps every field, as to_dict(student) does (internal data, not a list)
    assert d["student"] == to_dict(pupil(bank_account="6217000011112222"))
    assert d["student"]["id_number"] == GOOD and d["student"]["bank_account"] == "6217000011112222"
    assert json.loads(to_json([Payout()])) == [d]


def test_findings_rejected_rows_and_a_whole_roster_reading_convert_and_come_back() -> None:
    f = finding("field.missing", row=3, field="name")
    assert to_dict(f)["severity"] == "error"
    rejected = RejectedRow(3, (f,), source="r.csv")
    assert from_json(to_json(rejected), RejectedRow) == rejected
    result = read_roster(sample_roster_path())
    again = from_json(to_json(result), RosterResult)
    # the sample's row 40 repeats row 4's ID number: rejected (report.duplicate)
    assert again == result and again.accepted == 32 and len(again.rejected) == 8


def test_a_roster_table_is_refused_because_its_rows_are_an_arrow_table() -> None:
    table = read_roster_table(sample_roster_path())
    with pytest.raises(ConversionError) as caught:
        to_dict(table)
    assert "Table" in caught.value.message_en
    assert len(to_dict(list(table.students()))) == 32  # its students convert


def test_a_summary_converts_by_its_own_to_dict_with_money_as_exact_strings() -> None:
    a = assess(pupil(registered_poor=True, boarding=True), load_policy("seed"), 2019)
    s = summarize([a])
    assert to_dict(s) == s.to_dict()
    assert json.loads(to_json(s))["total"] == "2490.00"


def test_an_entitlement_converts_and_an_amount_not_configured_is_never_written_as_zero() -> None:
    senior = attrs.evolve(pupil(), stage=Stage.SENIOR, school_location=SchoolLocation.COUNTY_SEAT)
    a = assess(attrs.evolve(senior, registered_poor=True), load_policy("seed"), 2019)
    [fee] = [e for e in a.not_configured if e.programme == "senior.fee_waiver"]
    assert isinstance(fee.amount, NotConfigured)
    d = json.loads(to_json(fee))
    assert isinstance(d["amount"], dict) and d["amount"]["parameter"] == "senior.fee_waiver.amount"
    assert all(isinstance(v, dict) for v in d["semesters"].values())
    assert all(isinstance(c, str | dict) for c in d["conditions"])
    granted = json.loads(to_json(a.entitlements[0]))
    assert isinstance(granted["amount"], str) and Decimal(granted["amount"]) > 0


def test_a_not_configured_amount_carries_an_explicit_marker() -> None:
    senior = attrs.evolve(pupil(), stage=Stage.SENIOR, school_location=SchoolLocation.COUNTY_SEAT)
    a = assess(attrs.evolve(senior, registered_poor=True), load_policy("seed"), 2019)
    [fee] = [e for e in a.not_configured if e.programme == "senior.fee_waiver"]
    amount = to_dict(fee)["amount"]
    assert amount["not_configured"] is True and amount["parameter"] == "senior.fee_waiver.amount"


def test_an_assessment_converts_to_its_student_totals_entitlements_and_decisions() -> None:
    a = assess(pupil(registered_poor=True, boarding=True), load_policy("seed"), 2019)
    d = json.loads(to_json(a))
    assert d["student"] == to_dict(a.student)
    assert (d["policy"], d["school_year"], d["total"]) == ("seed", 2019, "2490.00")
    assert [e["programme"] for e in d["entitlements"]] == [e.programme for e in a.entitlements]
    assert len(d["decisions"]) == len(a.decisions)
    assert to_dict([a]) == [d]


# --- records built with the wrong kind of value: typed errors, never bare ones -------------


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("2019", Semester.AUTUMN), ArgumentError),
        ((2019, "autumn"), ArgumentError),
        (("2019", "autumn"), ArgumentError),
        ((True,), ArgumentError),
        ((2019.0,), ArgumentError),
        ((None,), ArgumentError),
        ((9999,), InputError),
        ((0,), InputError),
        ((-5,), InputError),
        ((FIRST_SCHOOL_YEAR - 1,), InputError),
        ((LAST_SCHOOL_YEAR + 1,), InputError),
    ],
)
def test_a_period_of_the_wrong_type_or_outside_the_school_years_is_refused_when_built(
    args: tuple[Any, ...], error: type[InputError]
) -> None:
    with pytest.raises(error) as caught:
        Period(*args)
    assert isinstance(caught.value, EdupovertyError)
    if error is InputError:
        assert caught.value.code == "school_year.range"
        assert "1949" in caught.value.message_en and "2100" in caught.value.message_en


def test_the_first_and_last_school_years_have_dates() -> None:
    assert Period(FIRST_SCHOOL_YEAR).start == date(1949, 9, 1)
    assert Period(LAST_SCHOOL_YEAR, Semester.SPRING).end == date(2101, 8, 31)
    assert check_school_year(2019) == 2019


def test_a_disbursement_file_with_a_school_year_out_of_range_is_a_row_finding(
    tmp_path: Any,
) -> None:
    p = tmp_path / "paid.csv"
    p.write_text(
        "身份证号,资助项目,学年,学期,金额,发放方式,银行卡号,发放日期,批次\n"
        f"{GOOD},寄宿生生活补助,9999,秋季,500,银行卡,6217000011112222,2019-11-01,B1\n"
        f"{GOOD},寄宿生生活补助,0000,秋季,500,银行卡,6217000011112222,2019-11-01,B2\n",
        encoding="utf-8",
    )
    result = read_disbursements(p)
    assert result.disbursements == ()
    assert [(f.row, f.field, f.code) for f in result.findings] == [
        (2, "school_year", "field.invalid"),
        (3, "school_year", "field.invalid"),
    ]


@pytest.mark.parametrize("amount", ["1e30", "1E30", "1" * 29, "-" + "9" * 29, "NaN", "Infinity"])
def test_a_disbursement_amount_that_is_no_sum_of_money_is_a_row_finding_not_a_traceback(
    tmp_path: Any, amount: str
) -> None:
    p = tmp_path / "paid.csv"
    p.write_text(
        "身份证号,资助项目,学年,学期,金额,发放方式,银行卡号,发放日期,批次\n"
        f"{GOOD},寄宿生生活补助,2019,秋季,{amount},银行卡,6217000011112222,2019-11-01,B1\n",
        encoding="utf-8",
    )
    result = read_disbursements(p)
    assert result.disbursements == ()
    assert [(f.row, f.field, f.code) for f in result.findings] == [(2, "amount", "field.invalid")]
    assert amount not in str(result.findings[0])


def test_money_fields_of_records_refuse_floats_with_a_typed_error() -> None:
    with pytest.raises(ArgumentError):
        pupil(tuition_fee=1200.0)
    with pytest.raises(ArgumentError):
        Disbursement(GOOD, "p", Period(2019), 0.1, PaymentMethod.CASH, date(2019, 1, 1), "B")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"money\.invalid"):
        Disbursement(GOOD, "p", Period(2019), "1e30", PaymentMethod.CASH, date(2019, 1, 1), "B")


def test_a_grant_tier_or_a_ledger_kind_outside_its_choices_is_an_input_error() -> None:
    with pytest.raises(InputError, match="grant_tier"):
        pupil(grant_tier=3)
    with pytest.raises(InputError, match="grant_tier"):
        pupil(grant_tier=True)
    with pytest.raises(InputError, match="income, expenditure"):
        LedgerEntry(seq=1, kind="refund", recorded_on=date(2019, 9, 1), programme="p", amount="1")


def test_a_single_text_where_a_list_of_names_is_taken_is_refused_not_split_into_letters() -> None:
    with pytest.raises(ArgumentError):
        WaiverPledge(GOOD, 2019, date(2019, 9, 20), "张父", programmes="compulsory.nutrition")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError):
        School(code="1", name="x", location=SchoolLocation.TOWN, stages=None)  # type: ignore[arg-type]
    pledge = WaiverPledge(
        GOOD, 2019, date(2019, 9, 20), "张父", programmes=["compulsory.nutrition"]
    )
    assert pledge.covers("compulsory.nutrition") and not pledge.covers("c")


def test_record_dates_are_days_in_china_and_text_is_refused() -> None:
    utc_evening = datetime(2026, 9, 29, 20, 0, tzinfo=UTC)  # 04:00 on the 30th
    o = Objection("O1", utc_evening, "家长", "不符")  # type: ignore[arg-type]
    assert o.received_on == date(2026, 9, 30) and type(o.received_on) is date
    assert Objection("O1", datetime(2026, 9, 29, 20, 0), "家长", "不符").received_on == date(
        2026, 9, 29
    )
    with pytest.raises(ArgumentError, match="date"):
        Objection("O1", "2026-09-30", "家长", "不符")  # type: ignore[arg-type]
    span = EnrolmentPeriod("x", "A", date(2026, 9, 30))
    assert span.covers(utc_evening) and not span.covers(datetime(2026, 9, 29, 20, 0))
    with pytest.raises(ArgumentError):
        span.covers(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("entries", [[1], None, "x", [None]])
def test_verifying_what_is_not_a_list_of_ledger_entries_is_an_argument_error(
    entries: object,
) -> None:
    from edupoverty.records.ledger import verify

    with pytest.raises(ArgumentError) as err:
        verify(entries)  # type: ignore[arg-type]
    assert err.value.code == "argument.type"
