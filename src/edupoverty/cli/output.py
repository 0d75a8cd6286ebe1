"""Shared output helpers of the command line: JSON and plain tables.

Examples:
    >>> from edupoverty.cli.output import dumps
    >>> dumps({"amount": Decimal("1.50")})
    '{\\n  "amount": "1.50"\\n}'
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

__all__ = ["dumps", "table"]


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(type(value).__name__)


def dumps(data: Any) -> str:
    """JSON for scripts: UTF-8 text, Decimal as string, dates as ISO strings.

    Examples:
        >>> dumps([date(2026, 10, 9)])
        '[\\n  "2026-10-09"\\n]'
    """
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A plain text table, columns padded (CJK characters count as two cells wide).

    Examples:
        >>> print(table(["a", "名称"], [["1", "小学"]]))
        a  名称
        -  ----
        1  小学
    """
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, r in enumerate(cells):
        lines.append("  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths).rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
