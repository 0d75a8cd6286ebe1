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
    TypeError: money must be Decimal, int or str, not float
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from edupoverty.errors import InputError

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

    Accepts ``Decimal``, ``int`` and text such as ``"1,200.00"`` or ``"1200元"``. Refuses
    floats (``TypeError``) and values with fractions of a fen, that are not numbers, are
    written with an exponent or reach :data:`MAX_YUAN`
    (:class:`~edupoverty.errors.InputError`, code ``money.invalid``).

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
        edupoverty.errors.InputError: money.invalid: 金额不是精确到分的数 / ...
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"money must be Decimal, int or str, not {type(value).__name__}")
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "").removesuffix("元").strip()
        if "e" in text.lower():  # 1E5 is not how an amount of yuan is written
            raise _invalid()
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise _invalid() from None
    dec = Decimal(value)
    if not dec.is_finite() or abs(dec) >= MAX_YUAN:
        raise _invalid()
    quantized = dec.quantize(FEN)
    if quantized != dec:
        raise _invalid()
    return quantized


def _invalid() -> InputError:
    err = InputError("金额不是精确到分的数", "the amount is not a number of yuan to the fen")
    err.code = "money.invalid"
    return err
