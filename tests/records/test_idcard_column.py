"""A column of resident ID numbers checked at once (idcard.check_column) gives each number the
verdict the single-number functions give it: property tests on arbitrary and near-valid text,
and cases from GB 11643."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from edupoverty.errors import ValidationError
from edupoverty.records import idcard
from tests.strategies import id_numbers

TODAY = date(2026, 1, 1)
GIRL = "11010520120307002X"  # born 2012-03-07 in Beijing (11), check character X


def number_with(body: str) -> str:
    """``body`` (17 digits) and its check character."""
    return body + idcard.calc_check_digit(body)


def check_one(number: str | None, today: date = TODAY) -> tuple[object, ...]:
    """The row of check_column's result for one number."""
    c = idcard.check_column(pa.array([number], pa.string()), today)
    return (
        c.compact.to_pylist()[0],
        c.problem.to_pylist()[0],
        c.region_known.to_pylist()[0],
        c.birth.to_pylist()[0],
    )


# --- Near-valid numbers: a valid one with one thing wrong or written differently -------------

BAD_OR_EDGE_BIRTH_DATES = [
    *("20130229", "19000229", "20000229", "20120230", "20121301", "20120001"),
    *("20120100", "20120132", "20120431", "00000101", "20270101", "20260102"),
]
SEPARATORS = st.sampled_from([" ", "-", "\t", "\u00a0", "\u3000", "\u202f", "\n"])


@st.composite
def near_valid(draw: st.DrawFn) -> str:
    number = draw(id_numbers())
    kind = draw(st.integers(0, 9))
    i = draw(st.integers(0, 17))
    if kind == 0:  # one character replaced by any character
        return number[:i] + draw(st.characters()) + number[i + 1 :]
    if kind == 1:  # one digit replaced by another
        return number[:i] + draw(st.sampled_from("0123456789X")) + number[i + 1 :]
    if kind == 2:  # too short or too long
        return draw(st.sampled_from([number[:i], number + number[:i]]))
    if kind == 3:  # a birth date that does not exist, or is in the future, check right
        born = draw(st.sampled_from(BAD_OR_EDGE_BIRTH_DATES))
        return number_with(number[:6] + born + number[14:17])
    if kind == 4:  # lower-case x, or a lower-case letter somewhere
        return number.lower() if number.endswith("X") else number[:i] + "x" + number[i + 1 :]
    if kind == 5:  # separators inserted
        for _ in range(draw(st.integers(1, 3))):
            j = draw(st.integers(0, len(number)))
            number = number[:j] + draw(SEPARATORS) + number[j:]
        return number
    if kind == 6:  # a province code that is not known, check right
        province = draw(st.sampled_from(["00", "10", "19", "39", "66", "80", "99"]))
        return number_with(province + number[2:17])
    if kind == 7:  # a full-width digit or X
        return number[:i] + chr(ord(number[i]) + 0xFEE0) + number[i + 1 :]
    return number


ANY_NUMBER = st.one_of(st.none(), st.text(), st.text(alphabet="0123456789Xx -"), near_valid())


@settings(max_examples=300)
@given(
    st.lists(ANY_NUMBER, max_size=12),
    st.dates(min_value=date(1900, 1, 1), max_value=date.today()),
)
@example([GIRL, GIRL.lower(), " " + GIRL, None, "", "１"], TODAY)
def test_the_column_check_and_the_single_number_functions_agree_on_any_text(
    numbers: list[str | None], today: date
) -> None:
    c = idcard.check_column(pa.array(numbers, pa.string()), today)
    rows = zip(
        numbers,
        c.compact.to_pylist(),
        c.problem.to_pylist(),
        c.region_known.to_pylist(),
        c.birth.to_pylist(),
        strict=True,
    )
    for number, compact, problem, region_known, birth in rows:
        if number is None:  # missing: the caller's field.missing
            assert (compact, problem, region_known, birth) == (None, None, None, None)
            continue
        assert compact == idcard.compact(number)
        assert problem == idcard.problem(compact, today)
        assert idcard.is_valid(number, today) == (problem is None)
        if problem is None:
            assert idcard.validate(number, today) == compact
            assert birth == idcard.birth_date(number)
            assert region_known == (idcard.region(number) is not None)
        else:
            with pytest.raises(ValidationError) as info:
                idcard.validate(number, today)
            assert info.value.code == problem
            assert region_known is None and birth is None


@given(st.lists(near_valid(), min_size=1, max_size=40), st.integers(1, 5))
def test_a_chunked_or_sliced_column_gives_the_same_verdicts(numbers: list[str], cut: int) -> None:
    whole = idcard.check_column(pa.array(numbers), TODAY)
    chunked = pa.chunked_array([pa.array(numbers[:cut]), pa.array(numbers[cut:], pa.string())])
    sliced = pa.array(["padding", *numbers]).slice(1)
    for other in (idcard.check_column(chunked, TODAY), idcard.check_column(sliced, TODAY)):
        assert other.compact.equals(whole.compact)
        assert other.problem.equals(whole.problem)
        assert other.region_known.equals(whole.region_known)
        assert other.birth.equals(whole.birth)


# --- Cases from GB 11643 -----------------------------------------------------------------------


def test_a_number_with_the_right_check_character_is_valid_with_its_birth_date_and_region() -> None:
    assert check_one(GIRL) == (GIRL, None, True, date(2012, 3, 7))


def test_a_wrong_check_character_is_a_checksum_error() -> None:
    assert check_one("110105201203070021") == ("110105201203070021", "id.checksum", None, None)


def test_29_february_is_a_birth_date_only_in_a_leap_year() -> None:
    leap, common = number_with("110105201202290" + "02"), number_with("110105201302290" + "02")
    assert check_one(leap)[1:] == (None, True, date(2012, 2, 29))
    assert check_one(common)[1] == "id.birth_date"
    assert check_one(number_with("11010520000229002"))[1] is None  # 2000: divisible by 400
    assert check_one(number_with("11010519000229002"))[1] == "id.birth_date"  # 1900: by 100


def test_a_birth_date_after_today_is_an_error_and_today_itself_is_not() -> None:
    assert check_one(GIRL, date(2012, 3, 6))[1] == "id.birth_date"
    assert check_one(GIRL, date(2012, 3, 7))[1] is None


def test_an_unknown_province_code_is_a_warning_not_an_error() -> None:
    number = number_with("99010520120307002")
    assert check_one(number) == (number, None, False, date(2012, 3, 7))
    assert idcard.region(number) is None


def test_the_first_problem_wins_length_format_checksum_birth_date() -> None:
    assert check_one("1101052012O307002")[1] == "id.length"  # short, and a letter O
    assert check_one("1101052013O229002Y")[1] == "id.format"  # and a bad check, a bad date
    assert check_one("110105201302290021")[1] == "id.checksum"  # and 29 February 2013


def test_the_same_person_written_in_any_spelling_has_one_compact_number() -> None:
    spellings = [
        GIRL,
        GIRL.lower(),
        "110105 20120307 002X",
        "110105-20120307-002x",
        "\t110105\u00a020120307\u3000002X\u00a0",
        "\u3000" + GIRL + "\u3000",
    ]
    c = idcard.check_column(pa.array(spellings), TODAY)
    assert c.compact.to_pylist() == [GIRL] * len(spellings)
    assert c.problem.null_count == len(spellings)


def test_full_width_digits_are_a_format_error_as_for_one_number() -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in GIRL)
    assert check_one(full_width) == (full_width, "id.format", None, None)


def test_nulls_are_missing_and_an_empty_number_has_the_wrong_length() -> None:
    c = idcard.check_column(pa.array([None, "", "   ", GIRL]), TODAY)
    assert c.compact.to_pylist() == [None, "", "", GIRL]
    assert c.problem.to_pylist() == [None, "id.length", "id.length", None]
    assert c.birth.to_pylist() == [None, None, None, date(2012, 3, 7)]


def test_hostile_text_gives_findings_never_exceptions() -> None:
    hostile = {
        "1" * 1_000_000: "id.length",
        "\x00" * 18: "id.format",
        "11010520120307002\x00": "id.format",
        "\U0001f600" * 18: "id.format",
        "١١٠١٠٥٢٠١٢٠٣٠٧٠٠٢٣": "id.format",  # Arabic-Indic digits
        "𝟏𝟏𝟎𝟏𝟎𝟓𝟐𝟎𝟏𝟐𝟎𝟑𝟎𝟕𝟎𝟎𝟐𝐗": "id.format",  # mathematical bold digits
        "\ufeff" + GIRL: "id.length",  # a byte-order mark is not white space
    }
    c = idcard.check_column(pa.array(list(hostile)), TODAY)
    assert c.problem.to_pylist() == list(hostile.values())
    assert [idcard.problem(idcard.compact(x), TODAY) for x in hostile] == c.problem.to_pylist()


def test_an_empty_column_and_other_string_types_are_checked() -> None:
    empty = idcard.check_column(pa.array([], pa.string()), TODAY)
    assert len(empty.compact) == len(empty.problem) == len(empty.birth) == 0
    for kind in (pa.large_string(), pa.string_view()):
        c = idcard.check_column(pa.array([GIRL.lower(), "1"], kind), TODAY)
        assert c.compact.to_pylist() == [GIRL, "1"]
        assert c.problem.to_pylist() == [None, "id.length"]


def test_the_result_columns_have_the_documented_types() -> None:
    c = idcard.check_column(pa.array([GIRL]), TODAY)
    assert c.compact.type == pa.string() and c.problem.type == pa.string()
    assert c.region_known.type == pa.bool_() and c.birth.type == pa.date32()
