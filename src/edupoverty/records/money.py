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

__all__ = ["FEN", "ZERO", "money"]

FEN = Decimal("0.01")
"""One fen (分), the smallest unit of money."""

ZERO = Decimal("0.00")
"""Zero yuan, with two places."""


def money(value: Decimal | int | str) -> Decimal:
    """Return ``value`` as yuan with exactly two decimal places.

    Accepts ``Decimal``, ``int`` and text such as ``"1,200.00"`` or ``"1200元"``. Refuses
    floats (``TypeError``) and values with fractions of a fen or that are not numbers
    (:class:`~edupoverty.errors.InputError`, code ``money.invalid``).

    Examples:
        >>> money(Decimal("800"))
        Decimal('800.00')
        >>> money("12.345")
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: money.invalid: 金额不是精确到分的数 / ...
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"money must be Decimal, int or str, not {type(value).__name__}")
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "").removesuffix("元").strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise _invalid() from None
    dec = Decimal(value)
    if not dec.is_finite():
        raise _invalid()
    quantized = dec.quantize(FEN)
    if quantized != dec:
        raise _invalid()
    return quantized


def _invalid() -> InputError:
    err = InputError("金额不是精确到分的数", "the amount is not a number of yuan to the fen")
    err.code = "money.invalid"
    return err
