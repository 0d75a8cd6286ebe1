"""Money: yuan as :class:`decimal.Decimal` with two places (元，精确到分).

Floats are refused everywhere: ``0.1 + 0.2`` is not a sum of money.

Examples:
    >>> from edupoverty.records.money import money
    >>> money("1,200")
    Decimal('1200.00')
    >>> money(2500)
    Decimal('2500.00')
    >>> money(0.1)
    Traceback (most recent call last):
    ...
    edupoverty.errors.ArgumentError: argument.type: 参数 money 应为Decimal、整数或文本...
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from edupoverty.errors import ArgumentError, InputError

__all__ = ["FEN", "MAX_YUAN", "ZERO", "money"]

FEN = Decimal("0.01")
"""One fen (分), the smallest unit of money."""

ZERO = Decimal("0.00")
"""Zero yuan, with two places."""


MAX_YUAN = Decimal("1E16")
"""Amounts are below this many yuan (what a ``decimal128(18, 2)`` column holds): a larger
number in a file is a mistake, not an amount."""


def money(value: Decimal | int | str) -> Decimal:
    """Return ``value`` as yuan with exactly two decimal places.

    Accepts ``Decimal``, ``int`` and text such as ``"1,200.00"`` or ``"1200元"``.

    Refuses, always with a typed error (never a bare ``TypeError`` or
    ``decimal.InvalidOperation``):

    - a float, ``None``, a boolean or any other type:
      :class:`~edupoverty.errors.ArgumentError` (code ``argument.type``; also a
      ``TypeError``, as before);
    - a value with fractions of a fen, that is not a number (``NaN``, ``Infinity``), is
      written with an exponent, or is at least :data:`MAX_YUAN` in size:
      :class:`~edupoverty.errors.InputError` (code ``money.invalid``; the message says which,
      never the value).

    Examples:
        >>> money(Decimal("800"))
        Decimal('800.00')
        >>> money("12.345")
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: money.invalid: 金额不是精确到分的数 / ...
        >>> money("99999999999999999999")
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: money.invalid: 金额超出可处理的范围...
        >>> money(None)
        Traceback (most recent call last):
        ...
        edupoverty.errors.ArgumentError: argument.type: ... / money must be a Decimal, ...
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ArgumentError(
            "money",
            "Decimal、整数或文本（不能是浮点数）",
            "a Decimal, an int or text (never a float)",
            type(value).__name__,
        )
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "").removesuffix("元").strip()
        if "e" in text.lower():  # 1E5 is not how an amount of yuan is written
            raise _invalid()
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise _invalid() from None
    dec = Decimal(value)
    if not dec.is_finite():
        raise _invalid()
    if abs(dec) >= MAX_YUAN:
        raise _out_of_range()
    quantized = dec.quantize(FEN)
    if quantized != dec:
        raise _invalid()
    return quantized


def _invalid() -> InputError:
    err = InputError("金额不是精确到分的数", "the amount is not a number of yuan to the fen")
    err.code = "money.invalid"
    return err


def _out_of_range() -> InputError:
    err = InputError(
        f"金额超出可处理的范围（应小于 {MAX_YUAN} 元）",
        f"the amount is out of range (it must be below {MAX_YUAN} yuan)",
    )
    err.code = "money.invalid"
    return err
