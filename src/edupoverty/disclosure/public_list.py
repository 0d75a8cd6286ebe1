"""Public lists (公示名单): what may be shown, and writing them safely.

A public list shows only name, school, department, grade, class, major, programme, tier and
amount (教财厅函〔2017〕28号, 教财〔2018〕16号; RULES.md §8). Asking for an ID number, a
birth date, an address, a phone number or a bank account — in any spelling, Chinese too —
raises :class:`~edupoverty.errors.PrivacyError`, and so does a cell that holds one, whatever
its column and however it is written — spaced, full-width, in Chinese numerals, beside a
name, or split across two neighbouring cells (:mod:`edupoverty.disclosure.privacy`). Files
are written through :mod:`edupoverty.records.writers`, which neutralises formulas.

Rows are mappings (English field names or Chinese headers) or assessments: any object with
a ``student`` (:class:`~edupoverty.records.Student`) and ``entitlements`` (each with a
``programme``, an ``amount`` and optionally a ``tier`` and a Chinese ``name_zh``, shown
instead of the programme id when present) gives one row per entitlement. An
amount that is not a :class:`~decimal.Decimal` (a policy value not configured) is shown as
``未配置``. A refusal names a student's roster row, and a mapping's own ``row`` (an int)
when it has one; else the item's place in ``rows``.

Examples:
    >>> from edupoverty.disclosure.public_list import public_list
    >>> pl = public_list([{"姓名": "张三", "学校": "黄圩小学", "年级": 3, "金额": "500"}],
    ...                  columns=["name", "school", "grade", "amount"])
    >>> pl.header("zh"), pl.rows
    (('姓名', '学校', '年级', '金额（元）'), (('张三', '黄圩小学', 3, '500'),))
    >>> public_list([], columns=["name", "身份证号"])
    Traceback (most recent call last):
    ...
    edupoverty.errors.PrivacyError: privacy.field: 公示名单不得包含...
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from attrs import field, frozen

from edupoverty.disclosure.privacy import PrivateCell, private_cells
from edupoverty.disclosure.windows import DisclosureWindow
from edupoverty.errors import InputError, PrivacyError
from edupoverty.records.model import Student
from edupoverty.records.writers import write_csv, write_xlsx
from edupoverty.records.xlsx import EXCEL_MAX_ROWS

__all__ = [
    "ALLOWED_COLUMNS",
    "DEFAULT_COLUMNS",
    "NOT_CONFIGURED",
    "PublicList",
    "public_list",
    "resolve_column",
]

ALLOWED_COLUMNS: tuple[str, ...] = (
    "name",
    "school",
    "department",
    "grade",
    "class",
    "major",
    "programme",
    "tier",
    "amount",
)
"""The only columns a public list may show (教财厅函〔2017〕28号)."""

DEFAULT_COLUMNS: tuple[str, ...] = (
    "name",
    "school",
    "grade",
    "class",
    "programme",
    "tier",
    "amount",
)
"""Columns shown when none are asked for."""

NOT_CONFIGURED = "未配置"
"""Shown for an amount the policy data does not configure."""

_HEADERS = {
    "name": ("姓名", "Name"),
    "school": ("学校", "School"),
    "department": ("院系", "Department"),
    "grade": ("年级", "Grade"),
    "class": ("班级", "Class"),
    "major": ("专业", "Major"),
    "programme": ("资助项目", "Programme"),
    "tier": ("资助等次", "Tier"),
    "amount": ("金额（元）", "Amount (yuan)"),
}

_ALIASES = {
    "name": "name", "姓名": "name", "学生姓名": "name",
    "school": "school", "schoolname": "school", "学校": "school", "学校名称": "school",
    "department": "department", "dept": "department", "院系": "department", "系部": "department",
    "系别": "department", "学院": "department",
    "grade": "grade", "年级": "grade",
    "class": "class", "classname": "class", "班级": "class", "班别": "class",
    "major": "major", "专业": "major",
    "programme": "programme", "program": "programme", "项目": "programme",
    "资助项目": "programme",
    "tier": "tier", "granttier": "tier", "等次": "tier", "档次": "tier", "资助等次": "tier",
    "资助档次": "tier", "助学金等次": "tier",
    "amount": "amount", "金额": "amount", "资助金额": "amount", "金额(元)": "amount",
}  # fmt: skip

_FORBIDDEN = (
    "身份证", "证件", "公民身份", "idnumber", "idcard", "idno", "identity", "citizen", "nationalid",
    "出生", "生日", "birth", "dob",
    "住址", "地址", "住所", "address", "domicile",
    "电话", "手机", "联系方式", "phone", "mobile", "tel",
    "银行", "卡号", "账号", "帐号", "bank", "account", "iban",
)  # fmt: skip


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    return re.sub(r"[\s_\-.·]+", "", text)


def resolve_column(name: str) -> str:
    """The allowed column a requested name means, or an error.

    :class:`~edupoverty.errors.PrivacyError` for a protected field (ID number, birth date,
    address, phone, bank account — any spelling); :class:`~edupoverty.errors.InputError`
    for a name that is neither allowed nor recognised.

    Examples:
        >>> resolve_column("班级"), resolve_column(" School_Name ")
        ('class', 'school')
        >>> resolve_column("Bank-Account")
        Traceback (most recent call last):
        ...
        edupoverty.errors.PrivacyError: privacy.field: 公示名单不得包含...
    """
    key = _norm(name)
    if key == "id" or any(tok in key for tok in _FORBIDDEN):
        raise PrivacyError()
    try:
        return _ALIASES[key]
    except KeyError:
        allowed = ", ".join(ALLOWED_COLUMNS)
        raise InputError(
            f"公示名单没有这一列（可选：{allowed}）",
            f"a public list has no such column (allowed: {allowed})",
        ) from None


def _strs(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _rows(values: Iterable[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(v) for v in values)


@frozen
class PublicList:
    """A public list ready to write: the columns and the rows (values, not text).

    Examples:
        >>> pl = PublicList(("name",), (("张三",),))
        >>> pl.header("en")
        ('Name',)
    """

    columns: tuple[str, ...] = field(converter=_strs)
    rows: tuple[tuple[Any, ...], ...] = field(converter=_rows)

    def header(self, lang: str = "zh") -> tuple[str, ...]:
        """Column headings in ``"zh"`` or ``"en"``.

        Examples:
            >>> PublicList(("name", "amount"), ()).header("zh")
            ('姓名', '金额（元）')
        """
        i = 1 if lang == "en" else 0
        return tuple(_HEADERS[c][i] for c in self.columns)

    def to_csv(self, path: str | os.PathLike[str], *, lang: str = "zh") -> int:
        """Write the list as CSV (UTF-8 with BOM, formulas neutralised): header and rows
        only, for machines; returns the number of rows.

        Examples:
            >>> import tempfile, pathlib
            >>> out = pathlib.Path(tempfile.mkdtemp()) / "list.csv"
            >>> PublicList(("name",), (("=cmd",),)).to_csv(out)
            1
            >>> out.read_text(encoding="utf-8-sig").splitlines()
            ['姓名', "'=cmd"]
        """
        return write_csv(path, self.header(lang), self.rows)

    def to_xlsx(
        self,
        path: str | os.PathLike[str],
        *,
        title: str,
        complaint_channel: str,
        window: DisclosureWindow | None = None,
        lang: str = "zh",
        max_rows: int = EXCEL_MAX_ROWS,
    ) -> int:
        """Write the list as an XLSX ready to print: the title, the posting and end dates
        (from ``window``), the rows, and a last line with the complaint channel (R-DIS-1).

        Amounts are numbers shown with two places (``0.00``) with a totals row under them
        (合计; an amount not configured, 未配置, counts for nothing); the header is frozen,
        filtered and repeated on every printed page; widths fit the content. A sheet holds
        at most ``max_rows`` rows, its title, dates, header, totals and complaint line
        included (Excel's limit unless told); a longer list goes on in further sheets
        (``公示名单(2)`` …), each with the title, the dates, the header, its totals and the
        complaint channel, so that every sheet posted alone says how to object.

        Examples:
            >>> import tempfile, pathlib
            >>> from datetime import date
            >>> from edupoverty.disclosure.windows import plan_disclosure
            >>> out = pathlib.Path(tempfile.mkdtemp()) / "list.xlsx"
            >>> PublicList(("name",), (("张三",),)).to_xlsx(
            ...     out, title="资助公示", complaint_channel="电话 0551-0000000",
            ...     window=plan_disclosure(date(2026, 3, 2)))
            1
        """
        if not str(title).strip() or not str(complaint_channel).strip():
            raise InputError(
                "打印版公示名单需要标题和举报受理方式（R-DIS-1）",
                "a printed public list needs a title and a complaint channel (R-DIS-1)",
            )
        preamble = [title]
        if window is not None:
            preamble.append(_dates_line(window, lang))
        channel = (
            f"Complaints: {complaint_channel}"
            if lang == "en"
            else f"举报受理方式：{complaint_channel}"
        )
        return write_xlsx(
            Path(path),
            self.header(lang),
            self.rows,
            sheet="公示名单" if lang != "en" else "Public list",
            preamble=preamble,
            footer=[channel],
            money=[i for i, c in enumerate(self.columns) if c == "amount"],
            lang=lang,
            max_rows=max_rows,
        )


def _dates_line(window: DisclosureWindow, lang: str) -> str:
    a, b = window.posted_on, window.last_day
    if lang == "en":
        return f"Posted {a.isoformat()} to {b.isoformat()}"
    return f"公示时间：{a.year}年{a.month}月{a.day}日至{b.year}年{b.month}月{b.day}日"


def _student_values(s: Student) -> dict[str, Any]:
    return {
        "name": s.name,
        "school": s.school_name or s.school_code,
        "grade": s.grade,
        "tier": s.grant_tier,
    }


def _amount(value: Any) -> Any:
    return value if isinstance(value, Decimal) else NOT_CONFIGURED


@functools.lru_cache(maxsize=1024)
def _column_of(key: str) -> str | None:
    """The allowed column a mapping key means, or ``None`` (keys repeat on every row)."""
    return _ALIASES.get(_norm(key))


def _rows_of(item: Any, n: int) -> list[dict[str, Any]]:
    if isinstance(item, Mapping):
        values: dict[str, Any] = {}
        for key, value in item.items():
            col = _column_of(str(key))
            if col is not None and col not in values:
                values[col] = value
        return [values]
    if isinstance(item, Student):
        return [_student_values(item)]
    student = getattr(item, "student", None)
    entitlements = getattr(item, "entitlements", None)
    if isinstance(student, Student) and entitlements is not None:
        base = _student_values(student)
        out = []
        for ent in entitlements:
            row = dict(base)
            row["programme"] = getattr(ent, "name_zh", None) or getattr(ent, "programme", None)
            tier = getattr(ent, "tier", None)  # the entitlement's own tier, never the roster's
            row["tier"] = getattr(tier, "value", tier)
            row["amount"] = _amount(getattr(ent, "amount", None))
            out.append(row)
        return out
    raise InputError(
        f"第{n}项既不是映射也不是资助认定结果",
        f"item {n} is neither a mapping nor an assessment",
    )


def _where(item: Any, n: int) -> tuple[str, str]:
    if isinstance(item, Mapping):
        row = item.get("row")
    else:
        student = item if isinstance(item, Student) else getattr(item, "student", None)
        row = getattr(student, "row", None) if isinstance(student, Student) else None
    if isinstance(row, bool):
        row = None
    if isinstance(row, int):
        return f"第{row}行", f"row {row}"
    return f"第{n}项", f"item {n}"


def public_list(rows: Iterable[Any], columns: Sequence[str] = DEFAULT_COLUMNS) -> PublicList:
    """Build a public list from mappings, students or assessments, showing only ``columns``.

    Every requested column is checked first (:func:`resolve_column`), then every cell, alone
    and with its neighbours (:func:`~edupoverty.disclosure.privacy.private_cells`): an ID
    number, phone, bank account, birth date or address — spaced, full-width, in Chinese
    numerals, beside a name or split across two cells — raises
    :class:`~edupoverty.errors.PrivacyError` naming the item (or roster row), the column and
    the kind, never the value. The list is refused whole: a list with a cell left blank
    would not show who is being funded.

    Examples:
        >>> public_list([{"name": "李四", "phone": "13800000000"}], columns=["name"]).rows
        (('李四',),)
        >>> public_list([{"name": "13800000000"}], columns=["name"])
        Traceback (most recent call last):
        ...
        edupoverty.errors.PrivacyError: privacy.field: 第1项 name：内容像电话号码，不能公示 / ...
        >>> public_list([{"name": "张三 2012年3月7日"}], columns=["name"])
        Traceback (most recent call last):
        ...
        edupoverty.errors.PrivacyError: privacy.field: 第1项 name：内容像出生日期，不能公示 / ...
        >>> public_list([{"row": 7, "name": "张三 2012年3月7日"}], columns=["name"])
        Traceback (most recent call last):
        ...
        edupoverty.errors.PrivacyError: privacy.field: 第7行 name：内容像出生日期，不能公示 / ...
    """
    cols = tuple(resolve_column(c) for c in columns)
    if not cols:
        raise InputError("至少需要一列", "at least one column is needed")
    if len(set(cols)) != len(cols):
        raise InputError("列重复", "a column is asked for twice")
    out: list[tuple[Any, ...]] = []
    origins: list[tuple[Any, int]] = []  # the item each row comes from, and its number
    for n, item in enumerate(rows, 1):
        for values in _rows_of(item, n):
            out.append(tuple(values.get(c) for c in cols))
            origins.append((item, n))
    found = next(private_cells(cols, out), None)
    if found is not None:
        raise _refusal(found, *origins[found.row - 1])
    return PublicList(cols, tuple(out))


def _refusal(found: PrivateCell, item: Any, n: int) -> PrivacyError:
    where_zh, where_en = _where(item, n)
    where = "+".join(found.columns)
    if len(found.columns) == 1:
        return PrivacyError(
            f"{where_zh} {where}：内容像{found.kind.zh}，不能公示",
            f"{where_en}, {where}: the value looks like {found.kind.en} and may not be shown",
        )
    return PrivacyError(
        f"{where_zh} {where}：相邻单元格连起来像{found.kind.zh}，不能公示",
        f"{where_en}, {where}: the adjacent cells together look like {found.kind.en} and "
        "may not be shown",
    )
