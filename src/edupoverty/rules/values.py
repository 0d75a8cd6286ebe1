"""Values the rules hand out: the typed *not configured* value and exact money splits.

:data:`NotConfigured` stands where the documents give no number (RULES.md §14): an
entitlement that applies but whose amount, tier or funding share is not stated. It is never
zero and never a guess: totals leave it out and list it separately.

Examples:
    >>> from decimal import Decimal
    >>> from edupoverty.rules.values import NotConfigured, split_exact
    >>> nc = NotConfigured("rain_dew.amount", "种子文件中金额缺失", "the amount is cut off")
    >>> bool(nc), nc.parameter
    (False, 'rain_dew.amount')
    >>> split_exact(Decimal("100.00"), [Decimal("1"), Decimal("1"), Decimal("1")])
    [Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Any, TypeVar

from attrs import frozen

from edupoverty.records.money import FEN, ZERO

__all__ = ["FrozenMap", "NotConfigured", "is_configured", "split_exact"]


K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """An immutable, hashable mapping (for semesters and funding shares of an entitlement).

    Examples:
        >>> m = FrozenMap({"autumn": 1})
        >>> m["autumn"], dict(m), hash(m) == hash(FrozenMap({"autumn": 1}))
        (1, {'autumn': 1}, True)
        >>> m == {"autumn": 1}
        True
    """

    __slots__ = ("_data", "_hash")
    _data: dict[K, V]
    _hash: int | None

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        object.__setattr__(self, "_data", dict(data or {}))
        object.__setattr__(self, "_hash", None)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FrozenMap is immutable")

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = hash(frozenset(self._data.items()))
            object.__setattr__(self, "_hash", h)
        return h

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return bool(self._data == other._data)
        if isinstance(other, Mapping):
            return bool(self._data == dict(other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


@frozen
class NotConfigured:
    """A value the documents do not give (未配置): which parameter, and why.

    It is falsy, so ``amount or ...`` never treats it as a number by accident, and it has
    no arithmetic: adding it to money raises ``TypeError``.

    Examples:
        >>> nc = NotConfigured("senior.fee_waiver.amount", "名单无学费",
        ...                    "no tuition_fee on the roster")
        >>> nc.message("en")
        'not configured: senior.fee_waiver.amount (no tuition_fee on the roster)'
        >>> nc.message("zh")
        '未配置：名单无学费'
    """

    parameter: str
    reason_zh: str
    reason_en: str

    def __bool__(self) -> bool:
        return False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready marker: ``not_configured`` true, the parameter and the reasons.

        Examples:
            >>> NotConfigured("rain_dew.amount", "未给出", "not given").to_dict()["not_configured"]
            True
        """
        return {
            "not_configured": True,
            "parameter": self.parameter,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }

    def message(self, lang: str = "zh") -> str:
        """A one-line description in ``"zh"`` or ``"en"`` (the parameter's key, which a
        profile would set, only in English: Chinese text names no code)."""
        if lang == "en":
            return f"not configured: {self.parameter} ({self.reason_en})"
        return f"未配置：{self.reason_zh}"


def is_configured(value: object) -> bool:
    """True if ``value`` is an amount, not :class:`NotConfigured`.

    Examples:
        >>> is_configured(Decimal("1.00")), is_configured(NotConfigured("x", "", ""))
        (True, False)
    """
    return not isinstance(value, NotConfigured)


def split_exact(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``amount`` in proportion to ``weights``, exactly to the fen.

    Largest-remainder method: every part is rounded down to the fen, then the fens left over
    go one each to the parts with the largest remainders (ties: the earlier part). The parts
    always add up to ``amount``.

    Examples:
        >>> split_exact(Decimal("600.00"), [Decimal(80), Decimal(16), Decimal(2), Decimal(2)])
        [Decimal('480.00'), Decimal('96.00'), Decimal('12.00'), Decimal('12.00')]
        >>> split_exact(Decimal("0.05"), [Decimal(50), Decimal(50)])
        [Decimal('0.03'), Decimal('0.02')]
    """
    total_weight = sum(weights, Decimal(0))
    if total_weight <= 0:
        raise ValueError("weights must add up to more than zero")
    exact = [amount * w / total_weight for w in weights]
    parts = [e.quantize(FEN, rounding=ROUND_FLOOR) for e in exact]
    left = int(((amount - sum(parts, ZERO)) / FEN).to_integral_value())
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += FEN
    return parts
