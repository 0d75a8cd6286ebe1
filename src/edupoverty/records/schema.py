"""The roster's columns, each declared once (名单的列).

A :class:`Column` says everything the reader needs about one column: its field name (the
English header), the Chinese headers schools write, how a cell is read (its spelling
table in :mod:`edupoverty.records.spellings`), and whether a value is required. Adding a
column to the roster means one declaration here (plus its use in the rules, if any).

:class:`Header` maps the cells of a header row to declared columns: headers match after
trimming, folding full-width characters and dropping a trailing ``*`` or ``(…)``
(``学费(元)``, ``姓名(必填)``); an unknown header is kept aside and reported, a duplicate or
a missing required column is a :class:`~edupoverty.errors.RosterError`.

Examples:
    >>> h = Header(["姓名", "身份证号", "学校代码", "学段", "学校所在地", "备注"], ROSTER, "r.csv")
    >>> h.index["stage"], h.unknown
    (3, ('备注',))
    >>> ROSTER_BY_NAME["boarding"].headers
    ('寄宿', '是否寄宿', '寄宿生')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from attrs import frozen

from edupoverty.errors import RosterError
from edupoverty.records import spellings as sp
from edupoverty.records.echo import printable

__all__ = [
    "COLUMNS",
    "DISBURSEMENT_COLUMNS",
    "DISBURSEMENT_KEYS",
    "DISBURSEMENT_REQUIRED",
    "MAX_TEXT",
    "REQUIRED",
    "ROSTER",
    "ROSTER_BY_NAME",
    "ROSTER_KEYS",
    "WAIVER_COLUMNS",
    "WAIVER_KEYS",
    "WAIVER_REQUIRED",
    "Column",
    "Header",
    "header_key",
    "lookup",
    "names_a_header",
    "text",
]

MAX_TEXT = 200
"""Longest text accepted in a cell of a text column (a name, a school name …)."""


def text(raw: str) -> str:
    """A text cell: trimmed, full-width folded; at most :data:`MAX_TEXT` printable
    characters (:class:`~edupoverty.records.spellings.Unreadable` otherwise).

    Examples:
        >>> text(" 黄圩镇中心学校 ")
        '黄圩镇中心学校'
        >>> text("a\\x1bb")
        Traceback (most recent call last):
        ...
        edupoverty.records.spellings.Unreadable: control characters in the text
    """
    value = sp.normalise(raw)
    if len(value) > MAX_TEXT:
        raise sp.Unreadable("内容过长", "text too long")
    if not value.isprintable():
        raise sp.Unreadable("含有控制字符", "control characters in the text")
    return value


@frozen
class Column:
    """One declared column: its field name (the English header), the Chinese headers
    accepted, how a cell is read, and whether a value is required.

    ``parse`` reads one normalised, non-empty cell (raising
    :class:`~edupoverty.records.spellings.Unreadable`); ``None`` for the columns with a check
    of their own (the name, the ID number, the student number, the bank account, the grade,
    which depends on the stage).

    Examples:
        >>> c = ROSTER_BY_NAME["stage"]
        >>> c.required, c.parse("初中").value
        (True, 'junior')
    """

    name: str
    headers: tuple[str, ...]
    parse: Callable[[str], Any] | None = None
    required: bool = False


def _c(
    name: str, *headers: str, parse: Callable[[str], Any] | None = None, required: bool = False
) -> Column:
    return Column(name, headers, parse, required)


ROSTER: tuple[Column, ...] = (
    _c("name", "姓名", "学生姓名", required=True),
    _c("id_number", "身份证号", "身份证件号", "身份证号码", "公民身份号码", required=True),
    _c("student_number", "学籍号", "全国学籍号"),
    _c("school_code", "学校代码", "学校标识码", "机构码", parse=text, required=True),
    _c("school_name", "学校名称", "学校", parse=text),
    _c("stage", "学段", parse=sp.parse_stage, required=True),
    _c("grade", "年级"),
    _c("special_education", "特殊教育", "是否特教", parse=sp.parse_bool),
    _c("boarding", "寄宿", "是否寄宿", "寄宿生", parse=sp.parse_bool),
    _c("school_location", "学校所在地", "学校所在地类型", parse=sp.parse_location, required=True),
    _c("school_ownership", "办学性质", parse=sp.parse_ownership),
    _c("inclusive_kindergarten", "普惠性幼儿园", "是否普惠", parse=sp.parse_bool),
    _c("residence", "户口性质", "户籍类型", parse=sp.parse_residence),
    _c("hukou_province", "户籍省份", "户籍所在省", parse=sp.parse_province),
    _c("full_time", "全日制", "是否全日制", parse=sp.parse_bool),
    _c("official_enrolment", "正式学籍", "是否正式学籍", parse=sp.parse_bool),
    _c("agri_major", "涉农专业", "是否涉农专业", parse=sp.parse_bool),
    _c("performing_arts_major", "艺术表演专业", "是否艺术类表演专业", parse=sp.parse_bool),
    _c("contiguous_poverty_area", "连片特困地区", "是否连片特困地区", parse=sp.parse_bool),
    _c("registered_poor", "建档立卡", "是否建档立卡", "建档立卡贫困户", parse=sp.parse_bool),
    _c("financial_difficulty", "家庭经济困难", "是否家庭经济困难", parse=sp.parse_bool),
    _c("difficulty_level", "困难等级", "认定等级", parse=sp.parse_difficulty),
    _c("grant_tier", "助学金等次", "资助档次", parse=sp.parse_tier),
    _c("subsistence_allowance", "低保", "是否低保", parse=sp.parse_bool),
    _c("extreme_poverty_support", "特困供养", "特困救助供养", parse=sp.parse_bool),
    _c("orphan", "孤儿", "是否孤儿", parse=sp.parse_bool),
    _c("disabled", "残疾", "是否残疾", parse=sp.parse_bool),
    _c("left_behind", "留守儿童", parse=sp.parse_bool),
    _c("hardship_child", "困境儿童", parse=sp.parse_bool),
    _c("outstanding", "优秀", "品学兼优", parse=sp.parse_bool),
    _c("enrolled_from", "入学日期", "入校日期", parse=sp.parse_date),
    _c("enrolled_until", "离校日期", "异动日期", parse=sp.parse_date),
    _c("tuition_fee", "学费", "学杂费标准", parse=sp.parse_money),
    _c("accommodation_fee", "住宿费", parse=sp.parse_money),
    _c("independent_college", "独立学院", "是否独立学院", parse=sp.parse_bool),
    _c("studying_abroad", "境外就读", "是否境外就读", parse=sp.parse_bool),
    _c("bank_account", "银行卡号", "账号"),
)
"""The roster's columns (ROSTER.md), in the order their problems are reported."""

ROSTER_BY_NAME: dict[str, Column] = {c.name: c for c in ROSTER}
"""The roster's columns by field name."""

COLUMNS: dict[str, tuple[str, ...]] = {c.name: c.headers for c in ROSTER}
"""Roster fields (the English header) → the Chinese headers accepted (ROSTER.md)."""

REQUIRED: tuple[str, ...] = tuple(c.name for c in ROSTER if c.required)
"""Columns a roster must have (ROSTER.md)."""

DISBURSEMENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id_number": ("身份证号", "身份证件号", "身份证号码", "公民身份号码"),
    "programme": ("资助项目", "项目", "资助项目名称"),
    "school_year": ("学年",),
    "semester": ("学期",),
    "amount": ("金额", "发放金额", "资助金额"),
    "method": ("发放方式",),
    "account": ("银行卡号", "账号", "银行账号"),
    "paid_on": ("发放日期",),
    "batch": ("批次", "发放批次"),
    "payee": ("领取人", "收款人"),
    "school_code": ("学校代码", "学校标识码", "机构码"),
}
"""Disbursement fields → Chinese headers accepted (the ``--disbursements`` file)."""

DISBURSEMENT_REQUIRED: tuple[str, ...] = (
    "id_number",
    "programme",
    "school_year",
    "amount",
    "method",
    "paid_on",
    "batch",
)
"""Columns a disbursement file must have."""

WAIVER_COLUMNS: dict[str, tuple[str, ...]] = {
    "id_number": ("身份证号", "身份证件号", "身份证号码", "公民身份号码"),
    "school_year": ("学年",),
    "signed_on": ("签署日期", "承诺日期"),
    "signed_by": ("签署人", "承诺人"),
    "programmes": ("放弃项目", "放弃的资助项目"),
    "on_paper": ("纸质承诺书", "是否纸质"),
    "kept_at": ("存放位置", "保存位置"),
}
"""Waiver-pledge fields → Chinese headers accepted (放弃受助资格承诺书, R-REC-5)."""

WAIVER_REQUIRED: tuple[str, ...] = ("id_number", "school_year", "signed_on", "signed_by")
"""Columns a waiver-pledge file must have."""


def header_key(cell: str) -> str:
    """The key a header cell is matched by: trimmed, full-width folded, lower case, without
    a trailing ``*`` or ``(…)``; spaces and hyphens become ``_`` in English headers.

    Examples:
        >>> header_key(" 学费（元） "), header_key("ID Number*")
        ('学费', 'id_number')
    """
    t = sp.normalise(cell).lower().rstrip("*").strip()
    t = re.sub(r"\([^()]*\)$", "", t).strip()
    return re.sub(r"[\s\-]+", "_", t) if t.isascii() else re.sub(r"\s+", "", t)


def lookup(columns: dict[str, tuple[str, ...]] | Sequence[Column]) -> dict[str, str]:
    """Header key → field name, for the English names and every Chinese header.

    Examples:
        >>> lookup(ROSTER)["学籍号"]
        'student_number'
    """
    pairs = columns.items() if isinstance(columns, dict) else ((c.name, c.headers) for c in columns)
    out: dict[str, str] = {}
    for name, zh in pairs:
        out[name] = name
        for h in zh:
            out[header_key(h)] = name
    return out


class Header:
    """The columns of a file's header row: ``index`` (field name → cell position),
    ``headed`` (field name → its header as the file writes it, trimmed, control characters
    escaped: what a report to the school names the column by), ``unknown`` (headers not
    declared, kept aside to be reported) and ``width``.

    Raises :class:`~edupoverty.errors.RosterError` (``roster.header``) for a column headed
    twice or a required column missing.

    Examples:
        >>> Header(["姓名", "姓名"], ROSTER, "r.csv")
        Traceback (most recent call last):
        ...
        edupoverty.errors.RosterError: roster.header: r.csv: 表头重复：name (姓名 / 姓名) / ...
    """

    def __init__(
        self,
        cells: Sequence[str],
        columns: dict[str, tuple[str, ...]] | Sequence[Column],
        source: str,
        required: Sequence[str] | None = None,
    ) -> None:
        keys = lookup(columns)
        if required is None:
            required = [c.name for c in columns if isinstance(c, Column) and c.required]
        self.index: dict[str, int] = {}
        self.headed: dict[str, str] = {}
        unknown: list[str] = []
        dupes: dict[str, list[str]] = {}
        for i, cell in enumerate(cells):
            key = header_key(cell)
            name = keys.get(key)
            if name is None:
                if key:
                    unknown.append(sp.normalise(cell)[:40])
                continue
            if name in self.index:
                dupes.setdefault(name, [cells[self.index[name]].strip()]).append(cell.strip())
                continue
            self.index[name] = i
            self.headed[name] = printable(sp.normalise(cell)[:40]) or name
        self.unknown: tuple[str, ...] = tuple(unknown)
        self.width = len(cells)
        if dupes:
            names = printable("; ".join(f"{k} ({' / '.join(v)})" for k, v in dupes.items()))
            raise RosterError(
                source, f"表头重复：{names}", f"duplicate headers: {names}", code="roster.header"
            )
        missing = [c for c in required if c not in self.index]
        if missing:
            names = ", ".join(missing)
            raise RosterError(
                source,
                f"缺少必需的列：{names}",
                f"missing required columns: {names}",
                code="roster.header",
            )


ROSTER_KEYS: dict[str, str] = lookup(ROSTER)
"""Header key → roster field."""
DISBURSEMENT_KEYS: dict[str, str] = lookup(DISBURSEMENT_COLUMNS)
"""Header key → disbursement field."""
WAIVER_KEYS: dict[str, str] = lookup(WAIVER_COLUMNS)
"""Header key → waiver-pledge field."""


def names_a_header(cells: Sequence[str], keys: dict[str, str]) -> bool:
    """True if a row names at least two known columns (``keys`` from :func:`lookup`): the
    header row.

    Examples:
        >>> names_a_header(["姓名", "身份证号", "x"], ROSTER_KEYS)
        True
        >>> names_a_header(["张三", "1"], ROSTER_KEYS)
        False
    """
    return sum(header_key(c) in keys for c in cells) >= 2
