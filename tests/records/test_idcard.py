"""Resident ID numbers (GB 11643-1999): the python-stdnum contract, edge cases, fuzzing."""

from __future__ import annotations

import contextlib
from datetime import date
from operator import mul

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edupoverty.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from edupoverty.records import idcard
from tests.strategies import id_numbers

# Made-up numbers with correct check digits (GB 11643 example format).
GIRL = "11010520120307002X"  # born 2012-03-07, sequence 002 (even: female)
BOY = "110105201203070011"  # sequence 001 (odd: male)


def test_the_check_digit_follows_iso_7064_mod_11_2_with_the_standard_weights() -> None:
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    assert weights == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    body = GIRL[:17]
    total = sum(map(mul, weights, map(int, body)))
    assert "10X98765432"[total % 11] == "X" == idcard.calc_check_digit(body)


@given(st.from_regex(r"\A[0-9]{17}\Z"), st.sampled_from("0123456789X"))
def test_only_the_check_character_of_the_weighted_sum_passes_the_checksum(
    body: str, last: str
) -> None:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    expected = "10X98765432"[sum(w * int(c) for w, c in zip(weights, body, strict=True)) % 11]
    assert idcard.calc_check_digit(body) == expected
    code = idcard.problem(body + last, date(2100, 1, 1))
    if last == expected:
        assert code in (None, "id.birth_date")
    elif (body + last).endswith("000"):  # as a spreadsheet number spells it
        assert code == "id.as_number"
    else:
        assert code == "id.checksum"


def test_a_lower_case_x_is_accepted_and_returned_upper_case() -> None:
    assert idcard.validate(GIRL.lower()) == GIRL
    assert idcard.is_valid(GIRL[:17] + "x")


def test_spaces_and_hyphens_are_removed() -> None:
    assert idcard.validate(" 110105-20120307-002X ") == GIRL


def test_no_break_and_full_width_spaces_are_removed_like_spaces() -> None:
    assert idcard.validate("110105\u00a020120307\u3000002\u202fx") == GIRL
    assert idcard.compact("\u3000" + GIRL.lower() + "\u00a0") == GIRL


def test_every_white_space_character_is_removed_wherever_it_stands() -> None:
    spaces = [c for c in map(chr, range(0x110000)) if c.isspace()]
    assert len(spaces) > 20
    for space in spaces:
        assert idcard.compact(GIRL[:6] + space + GIRL[6:] + space) == GIRL


def test_full_width_digits_are_not_taken_for_digits() -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in GIRL)  # １１０１０５…Ｘ
    assert idcard.compact(full_width) == full_width
    assert idcard.problem(full_width, date(2026, 1, 1)) == "id.format"


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("11010520120307002", InvalidLength),
        ("11010520120307002X1", InvalidLength),
        ("", InvalidLength),
        ("1101052012O307002X", InvalidFormat),  # letter O for a zero
        ("11010520120307002Y", InvalidFormat),
        ("１１０１０５２０１２０３０７００２X", InvalidFormat),  # full-width digits
        ("110105201203070021", InvalidChecksum),
        ("110105201202300022", InvalidComponent),  # 30 February, check digit right
        ("110105201213010020", InvalidComponent),  # month 13
    ],
)
def test_each_kind_of_bad_number_raises_its_own_error(
    number: str, error: type[ValidationError]
) -> None:
    with pytest.raises(error) as info:
        idcard.validate(number)
    assert isinstance(info.value, ValueError)
    assert not idcard.is_valid(number)
    assert number.strip() == "" or number not in str(info.value)


def test_a_birth_date_in_the_future_is_an_invalid_component() -> None:
    with pytest.raises(InvalidComponent):
        idcard.validate(GIRL, today=date(2012, 3, 6))
    assert idcard.validate(GIRL, today=date(2012, 3, 7)) == GIRL


@pytest.mark.parametrize(
    ("born", "valid"),
    [
        ("20120229", True),  # 2012 is a leap year
        ("20130229", False),
        ("20000229", True),  # divisible by 400: a leap year
        ("19000229", False),  # divisible by 100 only: not a leap year
        ("20121231", True),
        ("20121131", False),  # November has 30 days
        ("20120431", False),
        ("20120031", False),
        ("20121301", False),
        ("20120100", False),
        ("00000101", False),  # there is no year 0
    ],
)
def test_the_birth_date_must_exist(born: str, valid: bool) -> None:
    body = "110105" + born + "002"
    number = body + idcard.calc_check_digit(body)
    code = idcard.problem(number, date(2026, 1, 1))
    assert code == (None if valid else "id.birth_date")
    if valid:
        assert idcard.birth_date(number) == date(int(born[:4]), int(born[4:6]), int(born[6:]))


def test_birth_date_and_gender_come_from_the_number() -> None:
    assert idcard.birth_date(GIRL) == date(2012, 3, 7)
    assert idcard.gender(GIRL) == "female"
    assert idcard.gender(BOY) == "male"


def test_an_unknown_region_is_none_not_an_error() -> None:
    body = "990105201203070" + "02"
    number = body + idcard.calc_check_digit(body)
    assert idcard.is_valid(number)  # codes change: region is only a warning
    assert idcard.region(number) is None
    assert idcard.region(GIRL) == "北京市"


def test_the_province_table_has_the_34_province_level_divisions_of_gb_t_2260() -> None:
    assert len(idcard.PROVINCES) == 34
    assert idcard.PROVINCES["34"] == "安徽省" and idcard.PROVINCES["50"] == "重庆市"


def test_mask_hides_the_birth_date_and_never_shows_the_whole_number() -> None:
    masked = idcard.mask(GIRL)
    assert masked == "110105********002X"
    assert "20120307" not in masked


@given(st.text(max_size=40))
def test_mask_never_returns_the_number_it_was_given(text: str) -> None:
    compact = idcard.compact(text)
    masked = idcard.mask(text)
    assert len(masked) == len(compact)
    if len(compact) >= 4:
        assert masked != compact


@settings(max_examples=500)
@given(st.one_of(st.text(max_size=25), st.from_regex(r"\A[0-9]{17}[0-9Xx]\Z"), id_numbers()))
def test_no_input_makes_anything_but_a_validation_error_escape(text: str) -> None:
    # python-stdnum's cn.ric raises KeyError on some input: here nothing may escape.
    assert isinstance(idcard.is_valid(text), bool)
    with contextlib.suppress(ValidationError):
        idcard.validate(text)
    idcard.region(text)
    idcard.mask(text)


@given(id_numbers())
def test_every_generated_number_is_valid_and_round_trips(number: str) -> None:
    assert idcard.validate(number) == number
    assert idcard.format(number.lower()) == number
