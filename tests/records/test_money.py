"""Money is Decimal yuan to the fen; floats are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edupoverty.errors import ArgumentError, InputError
from edupoverty.records.money import money


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,200", "1200.00"),
        ("1,200.00", "1200.00"),
        (" 800元 ", "800.00"),
        ("2500", "2500.00"),
        (600, "600.00"),
        (Decimal("0.5"), "0.50"),
        ("１２００", "1200.00"),
    ],
)
def test_money_reads_the_spellings_of_the_roster(raw: object, expected: str) -> None:
    assert money(raw) == Decimal(expected)  # type: ignore[arg-type]
    assert str(money(raw)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["12.345", "abc", "", "NaN", "Infinity", "1.2.3"])
def test_money_refuses_what_is_not_a_sum_to_the_fen(raw: str) -> None:
    with pytest.raises(InputError) as info:
        money(raw)
    assert info.value.code == "money.invalid"


@pytest.mark.parametrize(
    "raw", [0.1, 1000.0, float("nan"), float("inf"), 1e30, True, False, None, [1], b"100"]
)
def test_money_refuses_floats_and_other_types_with_a_typed_error(raw: object) -> None:
    with pytest.raises(ArgumentError) as info:
        money(raw)  # type: ignore[arg-type]
    e = info.value
    assert e.code == "argument.type" and e.name == "money"
    assert type(raw).__name__ in e.message_en and "float" in e.message_en
    # a programme that caught TypeError or ValueError keeps working
    assert isinstance(e, TypeError) and isinstance(e, ValueError)


@pytest.mark.parametrize(
    "raw",
    [
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        "-Infinity",
        "sNaN",
        "1" * 29,
        "-" + "9" * 29,
        Decimal("1E30"),
        Decimal("-1E16"),
        10**29,
        pytest.param(10**5000, id="an-int-of-5001-digits"),
        pytest.param("1" * 5000, id="text-of-5000-digits"),
    ],
)
def test_not_a_number_or_an_amount_out_of_range_is_a_money_error_never_invalid_operation(
    raw: object,
) -> None:
    with pytest.raises(InputError) as info:
        money(raw)  # type: ignore[arg-type]
    assert info.value.code == "money.invalid"
    assert not isinstance(info.value, TypeError)


def test_an_amount_out_of_range_says_so_without_the_value() -> None:
    with pytest.raises(InputError) as info:
        money("1" * 29)
    e = info.value
    assert "out of range" in e.message_en and "超出" in e.message_zh
    assert "1111" not in str(e)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_money_keeps_every_fen(fen: int) -> None:
    value = Decimal(fen) / 100
    assert money(value) == value
    assert money(str(value)) == value
    assert money(value).as_tuple().exponent == -2


@pytest.mark.parametrize("value", ["1E5", "1e30", 10**16, "10000000000000000"])
def test_an_amount_with_an_exponent_or_beyond_what_a_column_holds_is_refused(
    value: object,
) -> None:
    with pytest.raises(InputError, match=r"money\.invalid"):
        money(value)  # type: ignore[arg-type]
    assert money(10**16 - 1) == Decimal("9999999999999999.00")
