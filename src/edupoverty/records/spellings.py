"""The value spellings of ROSTER.md: how schools write booleans, stages, grades, dates …

Each ``parse_*`` function takes the text of one cell (already stripped and normalised to
half-width) and returns the value, or raises :class:`Unreadable` with a short reason in both
languages (never the cell's value). They are pure, so the roster reader memoises them per
column: most columns have a handful of distinct values.

Examples:
    >>> from edupoverty.records.spellings import parse_bool, parse_stage, parse_date
    >>> parse_bool("√"), parse_bool("否"), parse_stage("高中").value
    (True, False, 'senior')
    >>> parse_date("2019年9月1日"), parse_date("43709")
    (datetime.date(2019, 9, 1), datetime.date(2019, 9, 1))
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from edupoverty.errors import InputError
from edupoverty.records.enums import (
    DifficultyLevel,
    LabelledEnum,
    Ownership,
    Payee,
    PaymentMethod,
    Residence,
    SchoolLocation,
    Semester,
    Stage,
)
from edupoverty.records.idcard import PROVINCES
from edupoverty.records.money import money

__all__ = [
    "MAX_GRADE",
    "Unreadable",
    "normalise",
    "parse_bool",
    "parse_date",
    "parse_difficulty",
    "parse_grade",
    "parse_location",
    "parse_method",
    "parse_money",
    "parse_ownership",
    "parse_payee",
    "parse_province",
    "parse_residence",
    "parse_semester",
    "parse_stage",
    "parse_tier",
]


class Unreadable(ValueError):
    """A cell's text is not a known spelling; ``zh`` and ``en`` say why (no value inside).

    Examples:
        >>> Unreadable("不是是/否", "not yes/no").en
        'not yes/no'
    """

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def normalise(text: str) -> str:
    """Trim and fold full-width characters to half-width (NFKC): ``（` → ``(``.

    Examples:
        >>> normalise("  身份证号（必填） ")
        '身份证号(必填)'
    """
    text = text.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    return text


_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "✔", "t"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×", "✗", "✘", "f"}


def parse_bool(text: str) -> bool:
    """是/否, 有/无, Y/N, yes/no, true/false, 1/0, √/× (any case).

    Examples:
        >>> parse_bool("Yes"), parse_bool("无"), parse_bool("TRUE")
        (True, False, True)
        >>> parse_bool("可能")
        Traceback (most recent call last):
        ...
        edupoverty.records.spellings.Unreadable: expected yes/no (是/否)
    """
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise Unreadable("应为是/否", "expected yes/no (是/否)")


E = TypeVar("E", bound=LabelledEnum)


def _table(pairs: dict[str, tuple[str, ...]], enum: type[E]) -> dict[str, E]:
    out: dict[str, E] = {}
    for value, spellings in pairs.items():
        member: E = enum.by_label(value)
        out[value] = member
        out[member.zh] = member
        for s in spellings:
            out[s.lower()] = member
    return out


def _choose(table: dict[str, E], text: str, zh: str, en: str) -> E:
    """The member ``text`` spells (case-insensitive), or :class:`Unreadable` with ``zh``/``en``."""
    found = table.get(text.lower())
    if found is None:
        raise Unreadable(zh, en)
    return found


_STAGES = _table(
    {
        "preschool": ("学前", "学前教育", "幼儿园", "学前班"),
        "primary": ("小学",),
        "junior": ("初中", "初级中学"),
        "senior": ("普通高中", "高中"),
        "vocational": ("中职", "中等职业教育", "中专", "职高", "职业高中", "普通中专", "技工学校"),
        "higher_vocational": ("高职", "高职高专", "大专"),
        "undergraduate": ("本科", "普通高校", "大学本科"),
    },
    Stage,
)


def parse_stage(text: str) -> Stage:
    """学段: English ids or the Chinese spellings of ROSTER.md.

    Examples:
        >>> parse_stage("中等职业教育"), parse_stage("Primary")
        (<Stage.VOCATIONAL: 'vocational'>, <Stage.PRIMARY: 'primary'>)
    """
    return _choose(_STAGES, text, "未知学段", "unknown stage")


_LOCATIONS = _table(
    {
        "city": ("城区", "城市", "市区"),
        "county_seat": ("县城", "县城区"),
        "town": ("镇区", "乡镇", "镇"),
        "rural": ("乡村", "农村", "村"),
    },
    SchoolLocation,
)


def parse_location(text: str) -> SchoolLocation:
    """学校所在地: city 城区/城市 · county_seat 县城 · town 镇区/乡镇 · rural 乡村/农村.

    Examples:
        >>> parse_location("乡镇").value
        'town'
    """
    return _choose(_LOCATIONS, text, "未知学校所在地类型", "unknown school location")


_OWNERSHIP = _table({"public": ("公办",), "private": ("民办",)}, Ownership)


def parse_ownership(text: str) -> Ownership:
    """办学性质: 公办 / 民办.

    Examples:
        >>> parse_ownership("民办").value
        'private'
    """
    return _choose(_OWNERSHIP, text, "应为公办或民办", "expected public or private")


_RESIDENCE = _table(
    {
        "rural": ("农村", "农业", "农业户口"),
        "town": ("县镇",),
        "urban": ("城市", "城镇", "非农业", "非农业户口"),
    },
    Residence,
)


def parse_residence(text: str) -> Residence:
    """户口性质: rural 农村 · town 县镇 · urban 城市/城镇 (also 农业/非农业户口).

    Examples:
        >>> parse_residence("城镇").value
        'urban'
    """
    return _choose(_RESIDENCE, text, "未知户口性质", "unknown household registration type")


_DIFFICULTY = _table(
    {
        "special": ("特别困难",),
        "ordinary": ("困难", "比较困难"),
        "general": ("一般困难",),
    },
    DifficultyLevel,
)


def parse_difficulty(text: str) -> DifficultyLevel:
    """困难等级: special 特别困难 · ordinary 困难/比较困难 · general 一般困难.

    Examples:
        >>> parse_difficulty("比较困难").value
        'ordinary'
    """
    return _choose(_DIFFICULTY, text, "未知困难等级", "unknown difficulty level")


_TIERS = {"1": 1, "一等": 1, "一档": 1, "一": 1, "2": 2, "二等": 2, "二档": 2, "二": 2}


def parse_tier(text: str) -> int:
    """助学金等次: 1 一等 · 2 二等 (R-SEN-1).

    Examples:
        >>> parse_tier("二等")
        2
    """
    found = _TIERS.get(text)
    if found is None:
        raise Unreadable("等次应为一等或二等", "expected tier 1 or 2")
    return found


_SHORT = {name: name for name in PROVINCES.values()}
for _name in PROVINCES.values():
    _short = re.sub(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$", "", _name)
    _SHORT[_short] = _name


def parse_province(text: str) -> str:
    """户籍省份: a province name, with or without 省/市/自治区; returns the full name.

    Examples:
        >>> parse_province("河北"), parse_province("广西")
        ('河北省', '广西壮族自治区')
    """
    found = _SHORT.get(text)
    if found is None:
        raise Unreadable("未知省份", "unknown province")
    return found


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_GRADE_WORDS = {"小班": 1, "中班": 2, "大班": 3}
_PREFIX = {"初": Stage.JUNIOR, "高": Stage.SENIOR, "大": Stage.UNDERGRADUATE}

MAX_GRADE: dict[Stage, int] = {
    Stage.PRESCHOOL: 3,
    Stage.PRIMARY: 6,
    Stage.JUNIOR: 4,  # 五四制 junior schools have four years
    Stage.SENIOR: 3,
    Stage.VOCATIONAL: 3,
    Stage.HIGHER_VOCATIONAL: 5,  # five-year 五年制高职
    Stage.UNDERGRADUATE: 5,  # five-year programmes (medicine, architecture)
}
"""The highest year within each stage a roster may give."""


def parse_grade(text: str, stage: Stage | None) -> int:
    """年级 as the year within the stage: ``3``, ``三年级``, ``初二``, ``高一``, ``大班``.

    Junior rows may use the nine-year numbering (七年级 = 初一 = 1), senior rows the twelve-year
    numbering (十年级 = 高一 = 1). A grade beyond the stage's length (:data:`MAX_GRADE`), or a
    prefix of another stage (初二 on a senior row) is unreadable.

    Examples:
        >>> parse_grade("初二", Stage.JUNIOR), parse_grade("八年级", Stage.JUNIOR)
        (2, 2)
        >>> parse_grade("3", Stage.PRIMARY), parse_grade("大班", Stage.PRESCHOOL)
        (3, 3)
        >>> parse_grade("初二", Stage.PRIMARY)
        Traceback (most recent call last):
        ...
        edupoverty.records.spellings.Unreadable: the grade does not fit the stage
    """
    t = text.removesuffix("年级").removesuffix("级").strip()
    number: int | None = None
    prefix_stage: Stage | None = None
    if t in _GRADE_WORDS:
        number, prefix_stage = _GRADE_WORDS[t], Stage.PRESCHOOL
    elif t.isascii() and t.isdigit() and len(t) <= 2:
        number = int(t)
    elif len(t) == 2 and t[0] in _PREFIX and t[1] in _CN_DIGITS:
        number, prefix_stage = _CN_DIGITS[t[1]], _PREFIX[t[0]]
    elif t in _CN_DIGITS:
        number = _CN_DIGITS[t]
    elif t in ("十", "十一", "十二"):
        number = {"十": 10, "十一": 11, "十二": 12}[t]
    if number is None:
        raise Unreadable("无法识别的年级", "unknown grade")
    mismatch = prefix_stage is not None and stage is not None and prefix_stage is not stage
    if mismatch and not (prefix_stage is Stage.SENIOR and stage is Stage.VOCATIONAL):
        raise Unreadable("年级与学段不符", "the grade does not fit the stage")
    if stage is Stage.JUNIOR and 7 <= number <= 9:
        number -= 6
    elif stage in (Stage.SENIOR, Stage.VOCATIONAL) and 10 <= number <= 12:
        number -= 9
    limit = MAX_GRADE.get(stage, 6) if stage is not None else 12
    if not 1 <= number <= limit:
        raise Unreadable("年级超出该学段的学制", "the grade does not fit the stage")
    return number


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(text: str) -> date:
    """2019-09-01, 2019/9/1, 2019.9.1, 2019年9月1日, 20190901, or an Excel serial date
    (days since 1899-12-30, as a CSV exported from Excel may hold: ``43709``).

    Examples:
        >>> parse_date("2019/9/1"), parse_date("20190901"), parse_date("2019-09-01 00:00:00")
        (datetime.date(2019, 9, 1), datetime.date(2019, 9, 1), datetime.date(2019, 9, 1))
        >>> parse_date("2019-02-30")
        Traceback (most recent call last):
        ...
        edupoverty.records.spellings.Unreadable: not a date
    """
    m = _DATE.match(text)
    try:
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        if text.isascii() and text.isdigit():
            if len(text) == 8:
                return date(int(text[:4]), int(text[4:6]), int(text[6:]))
            if 3 <= len(text) <= 5:  # Excel serial: 1900-03-01 … 2173
                return _EXCEL_EPOCH + timedelta(days=int(text))
        if text.endswith(".0") and text[:-2].isascii() and text[:-2].isdigit():
            return parse_date(text[:-2])
    except ValueError:
        pass
    raise Unreadable("不是日期", "not a date")


def parse_money(text: str) -> Decimal:
    """Yuan: ``1200``, ``1,200.00``, ``1200元``; not negative, at most two decimals.

    Examples:
        >>> parse_money("1,200.00"), parse_money("800元")
        (Decimal('1200.00'), Decimal('800.00'))
        >>> parse_money("-5")
        Traceback (most recent call last):
        ...
        edupoverty.records.spellings.Unreadable: not an amount of yuan
    """
    try:
        value = money(text)
    except InputError:
        raise Unreadable("不是金额", "not an amount of yuan") from None
    if value < 0:
        raise Unreadable("不是金额", "not an amount of yuan")
    return value


_SEMESTERS = _table(
    {
        "autumn": ("秋季", "秋", "上学期", "第一学期", "1"),
        "spring": ("春季", "春", "下学期", "第二学期", "2"),
    },
    Semester,
)


def parse_semester(text: str) -> Semester:
    """学期: 秋季(学期)/上学期 → autumn, 春季(学期)/下学期 → spring.

    Examples:
        >>> parse_semester("秋季学期").value, parse_semester("下学期").value
        ('autumn', 'spring')
    """
    return _choose(_SEMESTERS, text, "未知学期", "unknown semester")


_METHODS = _table(
    {
        "bank_transfer": ("银行卡", "银行转账", "转账", "打卡", "一卡通", "bank"),
        "cash": ("现金", "现金发放"),
        "meals": ("实名就餐", "就餐", "营养餐", "供餐"),
        "waiver": ("减免", "免除"),
        "in_kind": ("实物", "实物发放"),
    },
    PaymentMethod,
)


def parse_method(text: str) -> PaymentMethod:
    """发放方式: 银行卡(转账)/打卡 · 现金 · 实名就餐 · 减免 · 实物.

    Examples:
        >>> parse_method("银行卡").value, parse_method("现金").value
        ('bank_transfer', 'cash')
    """
    return _choose(_METHODS, text, "未知发放方式", "unknown payment method")


_PAYEES = _table(
    {
        "family": ("家庭", "家长", "学生", "学生本人", "监护人", "本人"),
        "school": ("学校",),
        "other": ("代领", "他人"),
    },
    Payee,
)


def parse_payee(text: str) -> Payee:
    """领取人: 学生家庭/家长/学生本人 → family · 学校 → school · 他人代领 → other.

    Examples:
        >>> parse_payee("家长").value, parse_payee("他人代领").value
        ('family', 'other')
    """
    return _choose(_PAYEES, text, "未知领取人", "unknown payee")
