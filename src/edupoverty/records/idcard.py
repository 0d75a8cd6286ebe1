"""Resident identity numbers (居民身份证号码, GB 11643-1999).

An 18-character number: a 6-digit address code (GB/T 2260 administrative division), the
8-digit birth date ``YYYYMMDD``, a 3-digit sequence number (odd for men, even for women) and
a check character computed with ISO 7064 MOD 11-2 (``0``–``9`` or ``X``).

The module follows python-stdnum's contract: :func:`compact`, :func:`validate` (the clean
number or an ``Invalid*`` error of :mod:`edupoverty.errors`), :func:`is_valid` and
:func:`format`, plus :func:`birth_date`, :func:`gender`, :func:`region` and :func:`mask`.
Nothing raises a bare ``KeyError`` or ``IndexError``: a bad number is ``False`` or an
``Invalid*`` error. An unknown region code is not an error (codes change): check it with
:func:`region` and report a warning.

The numbers in the examples are made up, with correct check digits.

Examples:
    >>> from edupoverty.records import idcard
    >>> idcard.validate("11010520120307002x")
    '11010520120307002X'
    >>> idcard.is_valid("110105201203070021")
    False
    >>> idcard.birth_date("11010520120307002X"), idcard.gender("11010520120307002X")
    (datetime.date(2012, 3, 7), 'female')
    >>> idcard.mask("11010520120307002X")
    '110105********002X'
"""

from __future__ import annotations

import csv
from datetime import date
from functools import lru_cache
from importlib.resources import files
from operator import mul
from typing import Literal

from edupoverty.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

__all__ = [
    "PROVINCES",
    "birth_date",
    "calc_check_digit",
    "compact",
    "format",
    "gender",
    "is_valid",
    "mask",
    "problem",
    "region",
    "validate",
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# The checksum sums weight × digit; summing weight × byte and subtracting 48 × Σweights
# (48 = ord("0")) does the same with one C-level map over the ASCII bytes.
_OFFSET = 48 * sum(_WEIGHTS)
_LAST = frozenset("0123456789Xx")
_STRIP = str.maketrans("", "", " -\t\u3000")


def _load_provinces() -> dict[str, str]:
    text = files("edupoverty.records").joinpath("data/gb2260_provinces.csv").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    return {r["code"]: r["name"] for r in csv.DictReader(lines)}


PROVINCES: dict[str, str] = _load_provinces()
"""Province-level codes of GB/T 2260 (the first two digits) → name, from
``records/data/gb2260_provinces.csv``."""


def compact(number: str) -> str:
    """Remove spaces and hyphens and upper-case a final ``x``; no checks.

    Examples:
        >>> compact(" 110105 20120307 002x ")
        '11010520120307002X'
    """
    return str(number).translate(_STRIP).strip().upper()


def calc_check_digit(number: str) -> str:
    """The check character for the first 17 digits of ``number`` (ISO 7064 MOD 11-2).

    ``number`` must start with 17 ASCII digits (check with :func:`validate` first).

    Examples:
        >>> calc_check_digit("11010520120307002")
        'X'
    """
    return _CHECK[(sum(map(mul, _WEIGHTS, number[:17].encode("ascii"))) - _OFFSET) % 11]


# The weights 7, 9, 10, 5 … are 2**k mod 11 (k = 17 … 1), so the weighted sum is congruent
# to 2 × (the 17 digits read in base 13), because 13 ≡ 2 (mod 11): one C-level int() call.
# tests/records/test_idcard.py checks both ways agree.


@lru_cache(maxsize=1 << 16)
def _birth(yyyymmdd: str) -> date | None:
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def problem(number: str, today: date) -> str | None:
    """The finding code of the first problem of a *compact* number, or ``None`` if valid.

    The fast, exception-free check used when reading rosters: ``"id.length"``,
    ``"id.format"``, ``"id.checksum"`` or ``"id.birth_date"`` (impossible, or after
    ``today``).

    Examples:
        >>> problem("11010520120307002X", date(2026, 1, 1)) is None
        True
        >>> problem("11010520120307002X", date(2012, 3, 6))
        'id.birth_date'
        >>> problem("1101052012030700", date(2026, 1, 1))
        'id.length'
    """
    if len(number) != 18:
        return "id.length"
    head = number[:17]
    if not (head.isdigit() and head.isascii()):
        return "id.format"
    last = number[17]
    if _CHECK[(int(head, 13) << 1) % 11] != last:
        if last not in _LAST:
            return "id.format"
        if not (last == "x" and _CHECK[(int(head, 13) << 1) % 11] == "X"):
            return "id.checksum"
    born = _birth(number[6:14])
    if born is None or born > today:
        return "id.birth_date"
    return None


_ERRORS = {
    "id.length": InvalidLength,
    "id.format": InvalidFormat,
    "id.checksum": InvalidChecksum,
    "id.birth_date": InvalidComponent,
}


def validate(number: str, today: date | None = None) -> str:
    """Check ``number`` and return it compacted (a final ``x`` upper-cased).

    Raises :class:`~edupoverty.errors.InvalidLength` (not 18 characters),
    :class:`~edupoverty.errors.InvalidFormat` (not 17 digits and a digit or ``X``),
    :class:`~edupoverty.errors.InvalidChecksum` (wrong check character) or
    :class:`~edupoverty.errors.InvalidComponent` (a birth date that does not exist or is
    after ``today``, default the current date). The region code is not checked here: see
    :func:`region`.

    Examples:
        >>> validate("110105 20120307 002X")
        '11010520120307002X'
        >>> validate("110105201202300022")
        Traceback (most recent call last):
        ...
        edupoverty.errors.InvalidComponent: id.birth_date: ...
        >>> validate("11010520120307002X", today=date(2011, 1, 1))
        Traceback (most recent call last):
        ...
        edupoverty.errors.InvalidComponent: id.birth_date: ...
        >>> validate("110105201203070021")
        Traceback (most recent call last):
        ...
        edupoverty.errors.InvalidChecksum: id.checksum: ...
        >>> validate("11010520120307002")
        Traceback (most recent call last):
        ...
        edupoverty.errors.InvalidLength: id.length: ...
        >>> validate("1101052012O307002X")
        Traceback (most recent call last):
        ...
        edupoverty.errors.InvalidFormat: id.format: ...
    """
    if not isinstance(number, str):
        raise InvalidFormat()
    clean = compact(number)
    code = problem(clean, today if today is not None else date.today())
    if code is not None:
        raise _ERRORS[code]()
    return clean


def is_valid(number: str, today: date | None = None) -> bool:
    """True if :func:`validate` accepts ``number``; never raises.

    Examples:
        >>> is_valid("11010520120307002X"), is_valid("abc"), is_valid(None)  # type: ignore
        (True, False, False)
    """
    try:
        validate(number, today)
    except (InvalidLength, InvalidFormat, InvalidChecksum, InvalidComponent):
        return False
    return True


def format(number: str) -> str:
    """The number in its printed form (compact, upper-case ``X``), after validation.

    Examples:
        >>> format("11010520120307002x")
        '11010520120307002X'
    """
    return validate(number)


def birth_date(number: str) -> date:
    """The birth date encoded in a valid number.

    Examples:
        >>> birth_date("11010520120307002X")
        datetime.date(2012, 3, 7)
    """
    return _birth(validate(number)[6:14]) or date.min  # validate guarantees a date


def gender(number: str) -> Literal["male", "female"]:
    """``"male"`` if the sequence number (17th digit) is odd, ``"female"`` if even.

    Examples:
        >>> gender("110105201203070011")
        'male'
    """
    return "male" if int(validate(number)[16]) % 2 else "female"


def region(number: str) -> str | None:
    """The province (GB/T 2260, first two digits) of ``number``, or ``None`` if the code
    is not a known province code. Works on any text; never raises.

    Only province-level codes are shipped: city and county codes change too often to check
    without an up-to-date list. ``None`` is a warning (``id.region``), not an error.

    Examples:
        >>> region("34132120100101001X")
        '安徽省'
        >>> region("99010520120307002X") is None
        True
    """
    return PROVINCES.get(compact(str(number))[:2])


def mask(number: str) -> str:
    """The number for internal screens: at most the address code and the last four
    characters, never the birth date, never the whole number. Works on any text.

    Examples:
        >>> mask("11010520120307002X")
        '110105********002X'
        >>> mask("12345")
        '*****'
        >>> mask("1234567890")
        '1********0'
    """
    text = compact(str(number))
    n = len(text)
    if n == 18:
        return text[:6] + "*" * 8 + text[14:]
    keep = n // 6  # show at most a third of a malformed number
    if keep == 0:
        return "*" * n
    return text[:keep] + "*" * (n - 2 * keep) + text[n - keep :]
