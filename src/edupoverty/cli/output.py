"""Shared output helpers of the command line: JSON and plain tables.

Both show text from files safely: a table's cells go through
:func:`~edupoverty.records.echo.printable`, and JSON writes every character of
:data:`~edupoverty.records.echo.CONTROLS` as a ``\\uXXXX`` escape (the same data, read
back by any JSON reader) — so no ESC, carriage return or bidirectional control reaches the
terminal raw.

Examples:
    >>> from edupoverty.cli.output import dumps
    >>> dumps({"amount": Decimal("1.50")})
    '{\\n  "amount": "1.50"\\n}'
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from edupoverty.records.echo import CONTROLS, printable

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
        >>> print(dumps({"field": "\\u202eX\\x85"}))
        {
          "field": "\\u202eX\\u0085"
        }
    """
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_default)
    return CONTROLS.sub(_json_escape, text) if CONTROLS.search(text) else text


def _json_escape(match: re.Match[str]) -> str:
    """A control character as JSON escapes it: json.dumps has already escaped the C0
    controls inside strings, so a raw line feed is the layout's and stays."""
    char = match.group()
    if char == "\n":
        return char
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON writes a character beyond the BMP
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A plain text table, columns padded (CJK characters count as two cells wide), every
    cell shown by :func:`~edupoverty.records.echo.printable`.

    Examples:
        >>> print(table(["a", "名称"], [["1", "小学"]]))
        a  名称
        -  ----
        1  小学
    """
    cells = [[printable(str(h)) for h in headers]] + [
        ["" if c is None else printable(str(c)) for c in r] for r in rows
    ]
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
