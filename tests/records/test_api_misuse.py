"""What an analyst meets using the records API from a notebook: the sample roster's path and
a student built in code with a bad ID number."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

from edupoverty.errors import (
    EdupovertyError,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from edupoverty.records import (
    SchoolLocation,
    Stage,
    Student,
    read_roster,
    sample_roster_path,
)
from edupoverty.records.idcard import calc_check_digit
from edupoverty.records.roster import read_roster_columns

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
    assert read_roster(sample_roster_path()).accepted == 33


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
    # The reader checks each number once while reading and builds its Students without the
    # constructor; the Students are the same as those the constructor would build.
    result = read_roster(sample_roster_path())
    columns = read_roster_columns(sample_roster_path())
    for s in [*result.students, *columns.students()]:
        fields = {a.name: getattr(s, a.name) for a in attrs.fields(Student)}
        assert type(s) is Student and Student(**fields) == s
    lower_x = [s for s in result.students if s.row == 41]
    assert [s.id_number[-1] for s in lower_x] == ["X"]  # 34132120100920026x in the file
