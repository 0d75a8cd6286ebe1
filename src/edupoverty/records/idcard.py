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

A whole column is checked at once by :func:`check_column`: an Arrow string column in, Arrow
columns out, numpy arithmetic over the bytes of the numbers. There is one check: the
single-value functions run the very same lines on one number (:func:`problem`), so a number
gets the same verdict alone and in a column of a million.

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
import re
from datetime import date
from importlib.resources import files
from operator import mul
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from attrs import frozen

from edupoverty.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

__all__ = [
    "AS_NUMBER",
    "PROVINCES",
    "IdColumn",
    "birth_date",
    "calc_check_digit",
    "check_column",
    "compact",
    "format",
    "gender",
    "is_valid",
    "keys",
    "mask",
    "problem",
    "region",
    "validate",
]


def _load_provinces() -> dict[str, str]:
    text = files("edupoverty.records").joinpath("data/gb2260_provinces.csv").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    return {r["code"]: r["name"] for r in csv.DictReader(lines)}


PROVINCES: dict[str, str] = _load_provinces()
"""Province-level codes of GB/T 2260 (the first two digits) → name, from
``records/data/gb2260_provinces.csv``."""

# --- The rules as data ------------------------------------------------------------------------

# ISO 7064 MOD 11-2: the first 17 digits weigh 2**k mod 11 (k = 17 … 1), the check character
# (0-9, or X for 10) weighs 1, and the weighted sum of all 18 is 1 (mod 11). So the check
# character of 17 digits whose weighted sum is s is _CHECK[s mod 11], "10X98765432"[s mod 11].
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "".join("0123456789X"[(1 - s) % 11] for s in range(11))
_OFFSET = 48 * sum(_WEIGHTS)  # Σ weight × ord("0"): calc_check_digit sums over the bytes

# The problems in the order they are looked for; the first one found is the one reported.
# A number that fails on its length, format or check digit in the way a spreadsheet number
# spells it is id.as_number instead (AS_NUMBER).
_PROBLEMS = (None, "id.length", "id.format", "id.checksum", "id.birth_date", "id.as_number")
_LENGTH, _FORMAT, _CHECKSUM, _BIRTH, _AS_NUMBER = 1, 2, 3, 4, 5

AS_NUMBER = (
    r"^(?:[0-9](?:\.[0-9]+)?E\+?[0-9]{1,2}"  # 3.41321E+17: shown in scientific notation
    r"|[0-9]{15,18}\.0*"  # 341321201203070012.0: a number's decimal point
    r"|[0-9]{15}000)$"  # 341321201203070000: 15 significant digits kept, the rest zeros
)
"""How an ID number stored as a number in a spreadsheet is spelled once it is text again
(compacted, so upper case): in scientific notation, with a decimal point, or 18 digits whose
last three are zeros — Excel keeps 15 significant digits. A number spelled so that fails on
its length, format or check digit is reported as ``id.as_number`` (the column must be set to
text and the numbers entered again), not as a bare wrong length. One regular expression,
read alike by Python's ``re`` (:func:`problem`) and Arrow's RE2 (:func:`check_column`).

Examples:
    >>> import re
    >>> [bool(re.match(AS_NUMBER, t)) for t in ("3.41321E+17", "341321201203070000", "123")]
    [True, True, False]
"""
_AS_NUMBER_RE = re.compile(AS_NUMBER)

# What compact() removes wherever it stands: the hyphen and every white-space character of
# str.isspace (spaces, tabs, line breaks, the no-break spaces U+00A0, U+2007 and U+202F, the
# full-width space U+3000 …). It also upper-cases ASCII letters, so a final x becomes X.
# Full-width digits (１) stay as they are: such a number is id.format.
_SEPARATORS = (
    "-\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_COMPACT = str.maketrans(
    {**dict.fromkeys(_SEPARATORS), **{c: c.upper() for c in "abcdefghijklmnopqrstuvwxyz"}}
)
_SEPARATOR_PATTERN = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _SEPARATORS) + "]"

_KNOWN_PROVINCE = np.zeros(100, dtype=bool)  # by the two-digit province code
_KNOWN_PROVINCE[[int(code) for code in PROVINCES]] = True

# --- The one check ----------------------------------------------------------------------------


def _mod(x: Any, n: int) -> Any:
    """``x`` mod ``n`` (floored, as Python's ``%``): numpy's ``%`` on integer arrays is many
    times slower than its ``//``."""
    return x - x // n * n


def _check(chars: Any, number: Any, today: date) -> tuple[Any, Any, Any, Any]:
    """The rules of GB 11643 over a compact number's length in characters and its 18 bytes
    (zeros if it has not 18 of them): its problem (an index into ``_PROBLEMS``, 0 if valid)
    and its birth year, month and day (meaningful only if valid).

    Only arithmetic and comparisons, so that the same lines run on one number (``chars`` an
    int, ``number`` a ``bytes``) and element by element on many at once (``chars`` an array,
    ``number`` an integer array with one row per character and one column per number).
    """
    digits = [byte - 48 for byte in number]
    is_x = (number[17] | 32) == ord("x")  # X, or x taken as X
    check = digits[17] + (10 - digits[17]) * is_x
    not_digits = 0  # stays 0 while every digit // 10 is 0, that is for 0-9
    for digit in digits[:17]:
        not_digits = not_digits | digit // 10
    bad_format = (not_digits != 0) | (check < 0) | (check > 10)
    weighted = sum(map(mul, _WEIGHTS, digits)) + check  # the first 17 digits, weighted
    bad_checksum = _mod(weighted, 11) != 1
    year = ((digits[6] * 10 + digits[7]) * 10 + digits[8]) * 10 + digits[9]
    month = digits[10] * 10 + digits[11]
    day = digits[12] * 10 + digits[13]
    leap = ((year & 3) == 0) & ((_mod(year, 100) != 0) | (_mod(year, 400) == 0))
    # 30 days and one more in odd months up to July and even ones from August; February 28
    # or 29.
    month_days = 30 + ((month + month // 8) & 1) - 2 * (month == 2) + ((month == 2) & leap)
    after_today = (year > today.year) | (
        (year == today.year)
        & ((month > today.month) | ((month == today.month) & (day > today.day)))
    )
    bad_birth = (
        (year < 1) | (month < 1) | (month > 12) | (day < 1) | (day > month_days) | after_today
    )
    # The first problem found is the one reported: each line overrides the one above it.
    code = _BIRTH * bad_birth
    code = code + (_CHECKSUM - code) * bad_checksum
    code = code + (_FORMAT - code) * bad_format
    code = code + (_LENGTH - code) * (chars != 18)
    return code, year, month, day


_NO_DIGITS = bytes(18)


def _verdict(number: str, today: date) -> tuple[int, date | None]:
    """:func:`_check` of one compact number: its problem index and, if valid, its birth
    date."""
    eighteen = len(number) == 18 and number.isascii()
    code, year, month, day = _check(
        len(number), number.encode("ascii") if eighteen else _NO_DIGITS, today
    )
    return code, date(year, month, day) if code == 0 else None


_BLOCK = 1 << 15  # numbers checked at a time in a column: the arrays stay in the CPU cache
IntArray = npt.NDArray[np.int64]
ByteMatrix = npt.NDArray[np.uint8]


def _days_since_1970(year: IntArray, month: IntArray, day: IntArray) -> IntArray:
    """Dates as Arrow's ``date32`` counts them (H. Hinnant's ``days_from_civil``)."""
    march_based = year - (month <= 2)  # years from March, so that February ends them
    era = march_based // 400
    year_of_era = march_based - era * 400
    day_of_year = (153 * (month + 12 * (month <= 2) - 3) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    days: IntArray = era * 146097 + day_of_era - 719468
    return days


def _verdicts(
    fixed: ByteMatrix, today: date, chars: npt.NDArray[np.int32] | None = None
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int32], npt.NDArray[np.bool_]]:
    """:func:`_check` over compact numbers whose bytes are the rows of ``fixed`` (zeros for
    those not 18 bytes long) and whose lengths in characters are ``chars`` (all 18 if not
    given), block by block: their problems, birth dates (days since 1970-01-01) and whether
    their province is known, the last two meaningful only where they are valid."""
    n = len(fixed)
    code = np.empty(n, dtype=np.int8)
    born = np.empty(n, dtype=np.int32)
    known = np.empty(n, dtype=bool)
    for start in range(0, n, _BLOCK):
        part = slice(start, start + _BLOCK)
        # A row per character, 16 bits: they hold every sum of digits.
        number = np.ascontiguousarray(fixed[part].T, dtype=np.int16)
        code[part], year, month, day = _check(18 if chars is None else chars[part], number, today)
        born[part] = _days_since_1970(year.astype(np.int32), month, day)
        province = np.clip((number[0] - 48) * 10 + number[1] - 48, 0, 99)
        known[part] = _KNOWN_PROVINCE[province]
    return code, born, known


# --- One number -------------------------------------------------------------------------------


def compact(number: str) -> str:
    """Remove hyphens and white space wherever they stand (spaces, tabs, line breaks,
    no-break and full-width spaces) and upper-case ASCII letters, so that a final ``x``
    becomes ``X``; no checks. Full-width digits are left as they are.

    Examples:
        >>> compact(" 110105 20120307 002x ")
        '11010520120307002X'
        >>> compact("110105\\u00a020120307\\u3000002-x")
        '11010520120307002X'
    """
    return str(number).translate(_COMPACT)


def calc_check_digit(number: str) -> str:
    """The check character for the first 17 digits of ``number`` (ISO 7064 MOD 11-2).

    ``number`` must start with 17 ASCII digits (check with :func:`validate` first).

    Examples:
        >>> calc_check_digit("11010520120307002")
        'X'
    """
    return _CHECK[(sum(map(mul, _WEIGHTS, number[:17].encode("ascii"))) - _OFFSET) % 11]


def problem(number: str, today: date) -> str | None:
    """The finding code of the first problem of a *compact* number, or ``None`` if valid.

    The exception-free check behind :func:`validate` and :func:`check_column`, looking in
    this order for ``"id.length"`` (not 18 characters), ``"id.format"`` (not 17 ASCII digits
    and a digit, ``X`` or ``x``), ``"id.checksum"`` and ``"id.birth_date"`` (a date that does
    not exist, or after ``today``); one of the first three in a number spelled as a
    spreadsheet spells a number (:data:`AS_NUMBER`) is ``"id.as_number"``.

    Examples:
        >>> problem("11010520120307002X", date(2026, 1, 1)) is None
        True
        >>> problem("11010520120307002X", date(2012, 3, 6))
        'id.birth_date'
        >>> problem("1101052012030700", date(2026, 1, 1))
        'id.length'
        >>> today = date(2026, 1, 1)
        >>> problem("1.10105E+17", today), problem("110105201203070000", today)
        ('id.as_number', 'id.as_number')
    """
    code = _verdict(number, today)[0]
    if _LENGTH <= code <= _CHECKSUM and _AS_NUMBER_RE.match(number):
        code = _AS_NUMBER
    return _PROBLEMS[code]


_ERRORS = {
    "id.length": InvalidLength,
    "id.format": InvalidFormat,
    "id.checksum": InvalidChecksum,
    "id.birth_date": InvalidComponent,
}


def _as_number() -> InvalidFormat:
    """The error of a number stored as a spreadsheet number (``id.as_number``)."""
    err = InvalidFormat(
        "身份证号被存成了数字，后几位已丢失：请把该列设置为文本格式后重新录入",
        "the ID number was stored as a number and lost its last digits: set the column to"
        " text and enter the number again",
    )
    err.code = "id.as_number"
    return err


def validate(number: str, today: date | None = None) -> str:
    """Check ``number`` and return it compacted (see :func:`compact`).

    Raises :class:`~edupoverty.errors.InvalidLength` (not 18 characters),
    :class:`~edupoverty.errors.InvalidFormat` (not 17 digits and a digit or ``X``),
    :class:`~edupoverty.errors.InvalidChecksum` (wrong check character) or
    :class:`~edupoverty.errors.InvalidComponent` (a birth date that does not exist or is
    after ``today``, default the current date); a number stored as a spreadsheet number
    (:data:`AS_NUMBER`) is an :class:`~edupoverty.errors.InvalidFormat` with the code
    ``id.as_number``. The region code is not checked here: see
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
        raise _as_number() if code == "id.as_number" else _ERRORS[code]()
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
    return _verdict(validate(number), date.max)[1] or date.min  # valid: it has a date


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


# --- A column of numbers ----------------------------------------------------------------------


@frozen
class IdColumn:
    """The check of a column of ID numbers (:func:`check_column`): four Arrow arrays as long
    as the column, row for row. A null number (a missing value, the caller's
    ``field.missing``) is null in all four.

    Attributes:
        compact: ``string``: each number compacted as by :func:`compact`, whether valid or
            not; so the same person written with ``x`` or ``X``, spaces, hyphens, no-break or
            full-width spaces has one compact number.
        problem: ``string``: null if the number is valid, else the finding code of its first
            problem, as :func:`problem` gives it: ``"id.length"`` (an empty number too),
            ``"id.format"``, ``"id.checksum"``, ``"id.birth_date"`` or ``"id.as_number"``.
        region_known: ``bool``: whether the first two digits are a province code of
            :data:`PROVINCES` (false: the warning ``id.region``); null where the number is
            not valid.
        birth: ``date32``: the birth date; null where the number is not valid.

    Examples:
        >>> import pyarrow as pa
        >>> c = check_column(pa.array(["11010520120307002x"]), date(2026, 1, 1))
        >>> c.compact.to_pylist(), c.problem.to_pylist(), c.region_known.to_pylist()
        (['11010520120307002X'], [None], [True])
        >>> c.birth.to_pylist()
        [datetime.date(2012, 3, 7)]
    """

    compact: pa.Array
    problem: pa.Array
    region_known: pa.Array
    birth: pa.Array


_PROBLEM_NAMES = pa.array(_PROBLEMS, type=pa.string())


def _as_strings(numbers: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(numbers, pa.ChunkedArray):
        numbers = numbers.combine_chunks()
    if not pa.types.is_string(numbers.type):
        numbers = numbers.cast(pa.string())
    return numbers


def _offsets(strings: pa.Array) -> npt.NDArray[np.int32]:
    """Where each value of a ``string`` array starts in its data buffer, and where the last
    one ends."""
    whole = np.frombuffer(strings.buffers()[1], dtype=np.int32)
    return whole[strings.offset : strings.offset + len(strings) + 1]


def _bytes_of_18(strings: pa.Array) -> ByteMatrix:
    """The bytes of a ``string`` array whose values are all 18 bytes long, a row each: a view
    of the array's data, no copy."""
    if len(strings) == 0:
        return np.zeros((0, 18), dtype=np.uint8)
    start = _offsets(strings)[0]
    data = np.frombuffer(strings.buffers()[2], dtype=np.uint8)
    return data[start : start + 18 * len(strings)].reshape(-1, 18)


def _check_compact(
    strings: pa.Array, today: date
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int32], npt.NDArray[np.bool_]]:
    """:func:`_verdicts` of a ``string`` array of compact numbers without nulls."""
    eighteen = np.diff(_offsets(strings)) == 18
    fixed = np.zeros((len(strings), 18), dtype=np.uint8)
    fixed[eighteen] = _bytes_of_18(strings.filter(pa.array(eighteen)))
    return _verdicts(fixed, today, pc.utf8_length(strings).to_numpy())


def check_column(numbers: pa.Array | pa.ChunkedArray, today: date) -> IdColumn:
    """Check a column of resident ID numbers at once: each compacted and checked as
    :func:`compact` and :func:`problem` do it (the same lines run over the whole column),
    with its birth date and whether its province code is known (see :class:`IdColumn`).

    ``numbers`` is a ``string`` column (other types are cast to ``string``) of any text; a
    birth date after ``today`` is ``"id.birth_date"``. Nulls are missing numbers: null in
    every result. Call it once per column or batch of rows, not per number: the numbers
    already compact (18 digits, or 17 and ``X``: the usual case) are read once, as bytes, in
    place; only the others are compacted and checked again.

    Examples:
        >>> import pyarrow as pa
        >>> numbers = pa.array(["110105 20120307 002x", "110105201203070021", None, ""])
        >>> c = check_column(numbers, date(2026, 1, 1))
        >>> c.compact.to_pylist()
        ['11010520120307002X', '110105201203070021', None, '']
        >>> c.problem.to_pylist()
        [None, 'id.checksum', None, 'id.length']
        >>> c.birth.to_pylist()
        [datetime.date(2012, 3, 7), None, None, None]
    """
    strings = _as_strings(numbers)
    n = len(strings)
    present = (
        np.ones(n, dtype=bool)
        if strings.null_count == 0
        else strings.is_valid().to_numpy(zero_copy_only=False)
    )
    # First the numbers of 18 bytes as they are written, read in place.
    eighteen = present & (np.diff(_offsets(strings)) == 18)
    if eighteen.all():
        fixed = _bytes_of_18(strings)
        code, born, known = _verdicts(fixed, today)
        as_is = (code != _FORMAT) & (fixed[:, 17] != ord("x"))
    else:
        rows = np.flatnonzero(eighteen)
        fixed = _bytes_of_18(strings.take(pa.array(rows)))
        code = np.zeros(n, dtype=np.int8)
        born = np.zeros(n, dtype=np.int32)
        known = np.zeros(n, dtype=bool)
        code[rows], born[rows], known[rows] = _verdicts(fixed, today)
        as_is = np.zeros(n, dtype=bool)
        as_is[rows] = (code[rows] != _FORMAT) & (fixed[:, 17] != ord("x"))
    # Those are compact if they are 17 digits and a digit or X. The others (a separator, a
    # lower-case letter, another length, other characters) are compacted and checked again.
    compacted = strings
    again = np.flatnonzero(present & ~as_is)
    if again.size:
        written = strings.take(pa.array(again))
        clean = pc.ascii_upper(pc.replace_substring_regex(written, _SEPARATOR_PATTERN, ""))
        code[again], born[again], known[again] = _check_compact(clean, today)
        if not pc.all(pc.equal(written, clean)).as_py():
            order = np.arange(n)
            order[again] = n + np.arange(again.size)
            compacted = pa.concat_arrays([strings, clean]).take(pa.array(order))
    suspect = np.flatnonzero(present & (code >= _LENGTH) & (code <= _CHECKSUM))
    if suspect.size:  # spelled as a spreadsheet spells a number?
        spelled = pc.match_substring_regex(compacted.take(pa.array(suspect)), AS_NUMBER)
        code[suspect[np.asarray(spelled.to_numpy(zero_copy_only=False), dtype=bool)]] = _AS_NUMBER
    invalid = (code != 0) | ~present
    return IdColumn(
        compact=compacted,
        problem=_PROBLEM_NAMES.take(pa.array(code)),
        region_known=pa.array(known, mask=invalid),
        birth=pa.array(born, mask=invalid).cast(pa.date32()),
    )


def keys(numbers: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.int64]:
    """Each *valid, compact* number (as :func:`check_column` leaves an accepted one) as one
    integer: its 17 digits times 11 plus its check character (``X`` = 10). Equal numbers give
    equal keys and different numbers different keys, so a column of numbers can be compared,
    sorted and looked up as integers (duplicate reports, R-REC-3). Numbers that are not 18
    characters raise :class:`~edupoverty.errors.InvalidLength`.

    Examples:
        >>> import pyarrow as pa
        >>> keys(pa.array(["11010520120307002X", "110105201203070011"])).tolist()
        [121115721323377032, 121115721323377012]
    """
    strings = _as_strings(numbers)
    if len(strings) and not bool(np.all(np.diff(_offsets(strings)) == 18)):
        raise InvalidLength()
    digits = _bytes_of_18(strings).astype(np.int64) - ord("0")
    value = np.zeros(len(strings), dtype=np.int64)
    for i in range(17):
        value = value * 10 + digits[:, i]
    last = digits[:, 17]
    return value * 11 + np.where(last == ord("X") - ord("0"), 10, last)
