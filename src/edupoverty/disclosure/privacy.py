"""Private data hidden in public-list cells (公示名单隐私检查; RULES.md §8, R-DIS-1).

A public list shows only name, school, department, grade, class, major, programme, tier and
amount (教财厅函〔2017〕28号, 教财〔2018〕16号). Choosing those columns is not enough: an ID
number, a phone number, a bank account, a birth date or an address can be typed *into* an
allowed cell — ``张三(2012-03-07)``, ``3413 2220 1203 0700 2X``, ``三四一三二二…``,
``某某路12号`` — or split across two neighbouring cells. This module finds them.

Every cell is read in a normal form first: width folded (NFKC: ``１２`` is ``12``), digits of
every script and Chinese numerals (``〇一二…``, ``零``, ``壹贰叁…``, ``幺``, ``十``) read as
digits, and separators removed — spaces of every kind (no-break, full-width, ideographic,
zero-width), hyphens and dashes, dots, slashes, commas, brackets and parentheses. Then:

- **numbers**: a run of 11 or more digits is refused: an ID number (17 digits and ``X``, 18
  digits with a correct check digit, or 15 digits with a birth date: the first-generation
  card), a phone (mobile ``1[3-9]`` and 9 digits, ``+86`` or ``0086`` before it, or a landline
  with its ``0`` area code), a bank account (16 to 19 digits) or another long number;
- **birth dates**: a whole calendar date, ``2012-03-07``, ``2012.3.7``, ``20120307``,
  ``2012年3月7日``, ``二〇一二年三月七日``;
- **addresses**: a house number (``12号``, ``3组``, ``5室``, ``2栋``, ``3单元``), a road or street
  with a number (``某某路12``), or a chain of administrative levels in their order
  (province, city, county, town, village, group: ``安徽省砀山县某某镇某某村``) — in the name
  column two levels are a chain, in the others three, and in the school column a chain is a
  school's name (``砀山县黄圩镇某某村小学``), never an address;
- **across cells**: the digits ending one cell and beginning the next (and on through cells
  of digits only) are read as one number, and refused when they make an ID number, a phone
  or a bank account.

Findings name the row, the column(s) and the kind (:class:`PrivateKind`), never the value.
Each distinct cell text is read once, so a list is checked in one pass, however long.

Examples:
    >>> scan_text("张三(2012-03-07)")
    <PrivateKind.BIRTH_DATE: 'birth_date'>
    >>> scan_text("３４１３ ２２２０-1203.0700 2x").zh
    '身份证号'
    >>> scan_text("黄圩镇中心学校", "school") is None
    True
    >>> split = [("王五 3413 2220 1", "203 0700 2X")]  # one ID number in two cells
    >>> [(c.columns, c.kind.value) for c in private_cells(["name", "school"], split)]
    [(('name', 'school'), 'id_number')]
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import chain
from typing import Any, NamedTuple

from attrs import frozen

from edupoverty.records.enums import LabelledEnum
from edupoverty.records.idcard import calc_check_digit

__all__ = ["PrivateCell", "PrivateKind", "normalise", "private_cells", "scan_text"]


class PrivateKind(LabelledEnum):
    """What a private value looks like: each kind with its Chinese label ``zh`` and an
    English phrase ``en`` for messages.

    Examples:
        >>> PrivateKind.PHONE.zh, PrivateKind.PHONE.en
        ('电话号码', 'a phone number')
    """

    ID_NUMBER = "id_number", "身份证号"
    PHONE = "phone", "电话号码"
    BANK_ACCOUNT = "bank_account", "银行卡号"
    BIRTH_DATE = "birth_date", "出生日期"
    ADDRESS = "address", "住址"
    LONG_NUMBER = "long_number", "长串数字（身份证号、电话或银行卡号）"

    @property
    def en(self) -> str:
        """The kind in English, as a message says it.

        Examples:
            >>> PrivateKind.ID_NUMBER.en
            'an ID number'
        """
        return _EN[self.value]


_EN = {
    "id_number": "an ID number",
    "phone": "a phone number",
    "bank_account": "a bank account",
    "birth_date": "a birth date",
    "address": "an address",
    "long_number": "a long number (an ID number, phone or bank account)",
}


@frozen
class PrivateCell:
    """A private value found in a list: the row (counted from 1 among the rows scanned), the
    column — or the adjacent columns whose cells together hold it — and its kind. Never the
    value.

    Examples:
        >>> PrivateCell(3, ("name",), PrivateKind.PHONE)
        PrivateCell(row=3, columns=('name',), kind=<PrivateKind.PHONE: 'phone'>)
    """

    row: int
    columns: tuple[str, ...]
    kind: PrivateKind


# --- The normal form --------------------------------------------------------------------------

_LOWER = "〇一二三四五六七八九"
_UPPER = "零壹贰叁肆伍陆柒捌玖"
_OLD_UPPER = "_壹貳參肆伍陸柒捌玖"
_NUMERALS = {
    **{c: str(i) for i, c in enumerate(_LOWER)},
    **{c: str(i) for i, c in enumerate(_UPPER)},
    **{c: str(i) for i, c in enumerate(_OLD_UPPER) if c != "_"},
    "○": "0", "◯": "0", "零": "0", "幺": "1", "两": "2", "兩": "2", "叁": "3", "叄": "3",
}  # fmt: skip
_DIGIT = "".join(_NUMERALS)
# 十 (拾) is positional: 十 = 10, 十二 = 12, 二十 = 20, 二十七 = 27 (dates, days, groups).
_TENS = re.compile(f"([{_DIGIT}])?[十拾]([{_DIGIT}])?")


def _tens(m: re.Match[str]) -> str:
    high, low = m.group(1), m.group(2)
    return (_NUMERALS[high] if high else "1") + (_NUMERALS[low] if low else "0")


def _separators() -> str:
    """Every character read as a separator: white space, invisible formatting and combining
    marks, control characters and dashes of every script, and the punctuation that groups
    digits or wraps them."""
    kinds = {"Zs", "Zl", "Zp", "Cc", "Cf", "Pd", "Mn", "Me"}
    found = (chr(c) for c in chain(range(0x10000), range(0xE0000, 0xE0080)))
    listed = ".·•・‧∙⋅。．/／\\＼()（）[]【】〔〕〖〗「」『』《》〈〉<>{},，、;；:：_~～'\"`*+|−⁃"
    return "".join(c for c in found if unicodedata.category(c) in kinds) + listed


@functools.cache
def _tables() -> tuple[dict[int, str], dict[int, str]]:
    """The translation tables of :func:`_forms`: numerals kept as written, and every digit
    and Chinese numeral read as an ASCII digit. Built on first use (a scan of Unicode that
    commands which never write a list should not pay for)."""
    separators = {ord(c): " " for c in _separators()}
    digits = {
        c: str(unicodedata.decimal(chr(c)))  # decimal digits of every script (Arabic-Indic …)
        for c in range(0x20000)
        if unicodedata.category(chr(c)) == "Nd"
    }
    x = {ord("x"): "X", ord("×"): "X"}
    numerals = {ord(c): d for c, d in _NUMERALS.items()}
    return str.maketrans({**separators, **x}), str.maketrans(
        {**separators, **digits, **numerals, **x}
    )

_SPACES = re.compile(" {2,}")


def _forms(text: str) -> tuple[str, str]:
    """``text`` with its width folded, each run of separators made one space and a final
    ``x`` an ``X``: with its numerals as written (ASCII digits only), and with every digit
    and Chinese numeral read as an ASCII digit."""
    keep, read_numerals = _tables()
    text = unicodedata.normalize("NFKC", text)
    kept = _SPACES.sub(" ", text.translate(keep)).strip()
    if "十" in text or "拾" in text:
        text = _TENS.sub(_tens, text)
    read = _SPACES.sub(" ", text.translate(read_numerals)).strip()
    return kept, read


def normalise(text: str) -> str:
    """``text`` as it is scanned for numbers: width folded, every digit and Chinese numeral
    read as an ASCII digit, a final ``x`` as ``X``, and every separator removed.

    Examples:
        >>> normalise("３４１３ 二二二〇-壹贰〇三.〇七〇〇\\u3000二x")
        '34132220120307002X'
        >>> normalise("二〇一二年十二月二十七日")
        '2012年12月27日'
    """
    return _forms(str(text))[1].replace(" ", "")


# --- Numbers ----------------------------------------------------------------------------------

_RUN = re.compile(r"[0-9]+X?")
_SHORTEST = 11  # digits: a mobile number, a landline with its area code


def _plausible_day(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _number_kind(run: str) -> PrivateKind | None:
    """The kind of a run of digits (a final ``X`` included) that is a specific private number
    — an ID number, a phone, a bank account — or ``None``."""
    digits = run.rstrip("X")
    n = len(digits)
    if run.endswith("X") and n >= _SHORTEST:
        return PrivateKind.ID_NUMBER
    if n == 18 and calc_check_digit(digits) == digits[17]:
        return PrivateKind.ID_NUMBER
    if n == 15 and _plausible_day(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12])):
        return PrivateKind.ID_NUMBER
    if _MOBILE.fullmatch(digits) or (digits[:1] == "0" and n in (11, 12)):
        return PrivateKind.PHONE
    if 16 <= n <= 19:
        return PrivateKind.BANK_ACCOUNT
    return None


_MOBILE = re.compile(r"(?:0{0,2}86)?1[3-9][0-9]{9}")


# A Chinese numeral of a name can stand right before the digits (张三13800138000 is read
# 张313800138000): the kind of a run read with numerals is also tried without its first
# few digits.
_NAME_NUMERALS = 3


def _run_kind(run: str, cuts: int = 0) -> PrivateKind | None:
    """The kind of a run of digits inside one cell: a specific number, a birth date written
    ``YYYYMMDD`` (each also tried without up to ``cuts`` leading digits), or any other run
    of 11 digits or more."""
    for cut in range(min(cuts, len(run) - 1) + 1):
        part = run[cut:]
        kind = _number_kind(part)
        if kind is not None:
            return kind
        if len(part) == 8 and part.isdigit() and _is_date(part[:4], part[4:6], part[6:]):
            return PrivateKind.BIRTH_DATE
    if len(run.rstrip("X")) >= _SHORTEST:
        return PrivateKind.LONG_NUMBER
    return None


def _is_date(year: str, month: str, day: str) -> bool:
    y = int(year)
    return 1900 <= y <= 2099 and _plausible_day(y, int(month), int(day))


# --- Dates and addresses ----------------------------------------------------------------------

# A whole date with separators (the compact YYYYMMDD is a run of digits above), perhaps
# right after the numerals of a name (张三二〇一二年… is read 张32012年…).
_DATE = re.compile(
    r"(?<![0-9])[0-9]{0,3}?((?:19|20)[0-9]{2}) ?[年 ] ?([0-9]{1,2}) ?[月 ] ?([0-9]{1,2})(?![0-9])"
)
_UNIT = "号楼|号|號|组|組|室|栋|棟|幢|单元|單元|弄"
# A house number written in digits: 12号, 3组, 501室. A document number (〔2017〕28号,
# its brackets read as separators: "2017 28号") is not one.
_HOUSE = re.compile(rf"(?<![0-9])((?:19|20)[0-9]{{2}} )?[0-9]+ ?({_UNIT})")
# A house number in Chinese numerals needs a place before it: 某某村三组, 某某路十二号 —
# a given name such as 王一栋 is not an address.
_PLACE_HOUSE = re.compile(
    rf"(?:村|社区|小区|路|街|巷|弄|胡同|镇|乡|楼|区|屯|庄) ?[0-9]+ ?(?:{_UNIT})"
)
# A road with a number: 某某路12, but not a school called after its road (人民路1小, 2中).
_ROAD = re.compile(
    r"(?:路|街|巷|大道|胡同) ?[0-9]+(?![0-9])(?! ?(?:小|中|学|校|幼|班|级|年|高|初))"
)
# Administrative levels, ranked from the province down to the village group.
_LEVELS = {
    "省": 1, "自治区": 1, "市": 2, "州": 2, "盟": 2, "自治州": 2, "县": 3, "区": 3, "旗": 3,
    "自治县": 3, "乡": 4, "镇": 4, "街道": 4, "村": 5, "社区": 5, "居委会": 5, "组": 6,
}  # fmt: skip
_LEVEL = re.compile("|".join(sorted(_LEVELS, key=len, reverse=True)))
_LONGEST_PLACE_NAME = 10


def _chain(flat: str) -> int:
    """The longest run of administrative levels in their order (a county after a province,
    a town after a county …), each after a name of its own of 1 to 10 characters. A marker
    right after another one belongs to a name (广州市, 乡村)."""
    best = length = rank = end = 0
    for m in _LEVEL.finditer(flat):
        gap = m.start() - end
        if gap == 0:
            end = m.end()
            continue
        level = _LEVELS[m.group()]
        length = length + 1 if length and level > rank and gap <= _LONGEST_PLACE_NAME else 1
        rank, end = level, m.end()
        best = max(best, length)
    return best


# --- One cell ---------------------------------------------------------------------------------


class _Edges(NamedTuple):
    """The digits a cell begins and ends with (an ``X`` ends digits) and whether it is
    nothing but digits, in one reading of it."""

    head: str
    tail: str
    whole: bool


_NO_EDGES = _Edges("", "", False)
_HEAD = re.compile(r"[0-9]+X?")
_TAIL = re.compile(r"[0-9]+X?\Z")


def _edges(flat: str) -> _Edges:
    head = _HEAD.match(flat)
    tail = _TAIL.search(flat)
    return _Edges(
        head.group() if head else "",
        tail.group() if tail else "",
        head is not None and head.end() == len(flat),
    )


class _Cell(NamedTuple):
    """What one distinct cell text holds: the private kind found in it alone when it stands
    in a name, in a school or in another column (:data:`_CLASSES`); its edges read with ASCII
    digits only and with numerals read as digits (``None`` if no digits begin or end it);
    whether numerals were read; and whether it is empty once separators are gone."""

    kinds: tuple[PrivateKind | None, PrivateKind | None, PrivateKind | None]
    edges: tuple[_Edges, _Edges] | None
    numerals: bool
    blank: bool


# Any character that is, or may be read as, a digit. A text in normal form without one holds
# no number, date or house number: only a chain of administrative levels is looked for.
_DIGITISH = re.compile(f"[\\d{_DIGIT}十拾]")


# An amount of money (1000.00, 625.5元): read alone, it is never the start or the end of a
# number running across cells.
_MONEY = re.compile(r"[+-]?[0-9]+\.[0-9]{1,2} ?元?")


def _read(text: str) -> _Cell:
    if unicodedata.is_normalized("NFKC", text) and not _DIGITISH.search(text):
        flat = text.translate(_tables()[0]).replace(" ", "")
        return _Cell(_chain_kinds(_chain(flat)), None, False, not flat)
    kept, read = _forms(text)
    flat_kept, flat_read = kept.replace(" ", ""), read.replace(" ", "")
    numerals = flat_kept != flat_read
    kind = None
    for run in _RUN.findall(flat_kept):
        kind = kind or _run_kind(run)
    if kind is None and numerals:
        for run in _RUN.findall(flat_read):
            kind = kind or _run_kind(run, _NAME_NUMERALS)
    if kind is None:
        kind = _date_or_address(kept, read)
    edges = (_edges(flat_kept), _edges(flat_read) if numerals else _edges(flat_kept))
    if _MONEY.fullmatch(text.strip()):
        edges = (_NO_EDGES, _NO_EDGES)  # an amount stands alone: its cents join nothing
    return _Cell(
        _chain_kinds(_chain(flat_read)) if kind is None else (kind, kind, kind),
        edges if any(e.head or e.tail for e in edges) else None,
        numerals,
        not flat_read,
    )


def _chain_kinds(levels: int) -> tuple[PrivateKind | None, PrivateKind | None, PrivateKind | None]:
    """What a chain of ``levels`` administrative levels is in a name, a school and another
    column (:data:`_CHAIN_NEEDED`)."""
    name, school, other = (
        PrivateKind.ADDRESS if 0 < needed <= levels else None for needed in _CHAIN_NEEDED
    )
    return name, school, other


def _date_or_address(kept: str, read: str) -> PrivateKind | None:
    for m in _DATE.finditer(read):
        if _is_date(*m.groups()):
            return PrivateKind.BIRTH_DATE
    for m in _HOUSE.finditer(kept):
        if not (m.group(1) and m.group(2) == "号"):
            return PrivateKind.ADDRESS
    if _PLACE_HOUSE.search(read) or _ROAD.search(kept):
        return PrivateKind.ADDRESS
    return None


_CLASSES = {"name": 0, "school": 1}
"""A column's class: 0 a name, 1 a school, 2 any other column."""
_CHAIN_NEEDED = (2, 0, 3)
"""Administrative levels that make an address in each class of column: two in a name, three
elsewhere; none in the school column, where they are the school's name."""


def scan_text(text: str, column: str = "") -> PrivateKind | None:
    """The kind of private value one cell's text holds, or ``None``.

    ``column`` is the public-list column the text stands in (``"name"``, ``"school"`` …):
    a chain of administrative levels is an address after two levels in the name column,
    after three elsewhere, and never in the school column.

    Examples:
        >>> scan_text("阿依古丽·买买提", "name") is None, scan_text("三年级2班", "class") is None
        (True, True)
        >>> scan_text("+86 138-0013-8000").value, scan_text("0557-1234567").value
        ('phone', 'phone')
        >>> scan_text("安徽省砀山县某某镇某某村", "name").value
        'address'
        >>> scan_text("安徽省砀山县某某镇某某村小学", "school") is None
        True
    """
    return _read(str(text)).kinds[_CLASSES.get(column, 2)]


# --- A list -----------------------------------------------------------------------------------


def private_cells(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[PrivateCell]:
    """Every private value in ``rows`` (cells in the order of ``columns``), row by row:
    in one cell, or in neighbouring cells read together. Empty cells (``None``, or only
    separators) are skipped and do not separate their neighbours; every other value is read
    as its text.

    A generator: take the first finding to refuse a list, or all of them to report. Each
    distinct cell text is read once.

    Examples:
        >>> rows = [("张三", "黄圩小学", 3), ("李四", "13800138000", 2),
        ...         ("王五 3413 2220", "1203 0700 2X", 1)]
        >>> for found in private_cells(["name", "school", "grade"], rows):
        ...     print(found.row, found.columns, found.kind.value)
        2 ('school',) phone
        3 ('name', 'school') id_number
    """
    cols = tuple(columns)
    classes = tuple(_CLASSES.get(c, 2) for c in cols)
    seen: dict[str, _Cell] = {}
    # Digits running across cells depend only on the cells' edges: each pattern of edges in a
    # row is read once.
    patterns: dict[tuple[Any, ...], tuple[tuple[tuple[str, ...], PrivateKind], ...]] = {}
    for r, row in enumerate(rows, 1):
        pattern: list[Any] = []
        for column, klass, value in zip(cols, classes, row, strict=True):
            if value is None:
                continue
            text = value if isinstance(value, str) else str(value)
            cell = seen.get(text)
            if cell is None:
                cell = seen[text] = _read(text)
            kind = cell.kinds[klass]
            if kind is not None:
                yield PrivateCell(r, (column,), kind)
                pattern.append(None)  # refused on its own: no number runs on through it
            elif not isinstance(value, str):
                pattern.append(None)  # a number kept as a number (a grade) is a value alone
            elif cell.edges is not None:
                pattern.append((column, cell.edges, cell.numerals))
            elif not cell.blank:
                pattern.append(None)
        if len(pattern) > 1:
            key = tuple(pattern)
            found = patterns.get(key)
            if found is None:
                found = patterns[key] = _across(key)
            for joined, kind in found:
                yield PrivateCell(r, joined, kind)


_Pattern = Sequence[tuple[str, tuple[_Edges, _Edges], bool] | None]


def _across(pattern: _Pattern) -> tuple[tuple[tuple[str, ...], PrivateKind], ...]:
    """The private numbers that digits running on from cell to cell make in a row whose
    cells have these edges (``None``: a cell that stops digits), in both readings."""
    found = dict(_runs(pattern, 0))
    if any(cell is not None and cell[2] for cell in pattern):
        found.update(_runs(pattern, 1))
    return tuple(found.items())


def _runs(pattern: _Pattern, view: int) -> Iterator[tuple[tuple[str, ...], PrivateKind]]:
    """Numbers in one reading (``view`` 0: ASCII digits only; 1: numerals read as digits)."""
    pieces: list[str] = []
    joined: list[str] = []
    numerals = False
    for cell in pattern:
        if cell is None:
            yield from _joined(pieces, joined, _NAME_NUMERALS if view and numerals else 0)
            pieces, joined, numerals = [], [], False
            continue
        column, edges, has_numerals = cell
        head, tail, whole = edges[view]
        if pieces and head:
            pieces.append(head)
            joined.append(column)
            numerals = numerals or has_numerals
            if whole and not head.endswith("X"):
                continue  # the number may go on in the next cell
        yield from _joined(pieces, joined, _NAME_NUMERALS if view and numerals else 0)
        if tail[-1:].isdigit():
            pieces, joined, numerals = [tail], [column], has_numerals
        else:
            pieces, joined, numerals = [], [], False
    yield from _joined(pieces, joined, _NAME_NUMERALS if view and numerals else 0)


def _joined(
    pieces: list[str], columns: list[str], cuts: int
) -> Iterator[tuple[tuple[str, ...], PrivateKind]]:
    """The first private number made by the digits of two neighbouring cells or more
    (``pieces``, one per cell), the longest first, each also tried without up to ``cuts``
    leading digits."""
    n = len(pieces)
    if n < 2 or sum(map(len, pieces)) < _SHORTEST:
        return
    for i in range(n - 1):
        if len(pieces[i]) <= cuts:
            continue  # no more than a name's own numerals (王一): the number starts later
        for j in range(n, i + 1, -1):
            run = "".join(pieces[i:j])
            for cut in range(min(cuts, len(pieces[i]) - 1) + 1):
                kind = _number_kind(run[cut:])
                if kind is not None:
                    yield tuple(columns[i:j]), kind
                    return
