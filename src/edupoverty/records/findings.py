"""Findings of the validation report (效验, R-REC-3) and their stable codes.

A :class:`Finding` names a code, a severity, the spreadsheet row (header = 1) and the field,
with a message in Chinese and English. Messages never contain the value of an ID number, a
bank account or an address: they say *where*, not *what*.

The codes are a public contract: programs match on them.

Examples:
    >>> from edupoverty.records.findings import finding
    >>> f = finding("id.checksum", row=7, field="id_number")
    >>> f.severity.value, f.row, f.field
    ('error', 7, 'id_number')
    >>> f.message_en
    "row 7, id_number: the ID number's check digit is wrong"
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa
from attrs import frozen

from edupoverty.records.echo import printable
from edupoverty.records.enums import FindingSeverity
from edupoverty.records.tables import findings_html

__all__ = [
    "CODES",
    "FINDING_SCHEMA",
    "FIXES",
    "Finding",
    "FindingCode",
    "HasFindings",
    "finding",
    "findings_table",
    "message_prefix",
]

FINDING_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("field", pa.string()),
        ("code", pa.string()),
        ("severity", pa.string()),
        ("message_zh", pa.string()),
        ("message_en", pa.string()),
    ]
)
"""The columns of a findings table (:func:`findings_table`)."""


@frozen
class FindingCode:
    """A stable finding code with its severity and message templates.

    The templates may use ``{row}``, ``{field}`` and named parameters given to
    :func:`finding`; they never receive a private value.

    Examples:
        >>> CODES["id.region"].severity.value
        'warning'
    """

    code: str
    severity: FindingSeverity
    zh: str
    en: str
    rule: str | None = None

    def fix(self, lang: str = "zh") -> str:
        """What to do about a finding of this code (:data:`FIXES`), in ``"zh"`` or ``"en"``.

        Examples:
            >>> CODES["id.as_number"].fix()[:13]
            '把身份证号这一列设置为文本'
        """
        zh, en = FIXES.get(self.code, ("", ""))
        return en if lang == "en" else zh


_E = FindingSeverity.ERROR
_W = FindingSeverity.WARNING

CODES: dict[str, FindingCode] = {
    c.code: c
    for c in (
        FindingCode(
            "id.length", _E, "身份证号不是18位", "the ID number does not have 18 characters"
        ),
        FindingCode(
            "id.format",
            _E,
            "身份证号格式错误（应为17位数字加1位数字或X）",
            "the ID number must be 17 digits followed by a digit or X",
        ),
        FindingCode(
            "id.checksum", _E, "身份证号校验码错误", "the ID number's check digit is wrong"
        ),
        FindingCode(
            "id.birth_date",
            _E,
            "身份证号中的出生日期不存在或晚于今天",
            "the birth date in the ID number does not exist or is in the future",
        ),
        FindingCode(
            "id.as_number",
            _E,
            "身份证号被存成了数字（Excel 只保留15位有效数字，后几位已变成0或显示为科学计数法）",
            "the ID number was stored as a number (Excel keeps 15 significant digits: the last"
            " ones became zeros or scientific notation)",
        ),
        FindingCode(
            "id.region",
            _W,
            "身份证号的地区码不在已知行政区划代码中（代码可能已调整，请核实）",
            "the ID number's region code is not a known division code (codes change: check it)",
        ),
        FindingCode(
            "column.unknown",
            _W,
            "未知的列，已忽略（请核对表头）",
            "unknown column, ignored (check the header)",
        ),
        FindingCode("field.missing", _E, "必填项为空", "a required value is missing"),
        FindingCode(
            "field.invalid",
            _E,
            "无法识别的值{detail_zh}",
            "the value cannot be read{detail_en}",
        ),
        FindingCode(
            "row.above_header",
            _W,
            "表头之前的行，未作为数据读取（请核对）",
            "a row above the header, not read as data (check it)",
        ),
        FindingCode(
            "row.age_stage",
            _W,
            "学年开始时年龄{age}岁，与学段{stage_zh}不符",
            "age {age} at the start of the school year is implausible for stage {stage}",
        ),
        FindingCode(
            "report.duplicate",
            _E,
            "重报：同一身份证号已出现在第{other_row}行{other_file_zh}",
            "duplicate report: the same ID number is also on row {other_row}{other_file_en}",
            "R-REC-3",
        ),
        FindingCode(
            "payment.method",
            _E,
            "发放方式不合规：{detail_zh}",
            "payment method not allowed: {detail_en}",
            "R-PAY-1",
        ),
        FindingCode(
            "payment.account",
            _E,
            "银行卡发放但没有银行账号",
            "a bank payment without a bank account",
            "R-PAY-1",
        ),
        FindingCode(
            "report.missing",
            _E,
            "漏报：建档立卡学生{period_zh}没有{programme_zh}的发放记录，"
            "也没有放弃该项目的纸质承诺书{detail_zh}",
            "omission: a registered-poor student has no {programme_en} for {period_en} "
            "and no paper waiver pledge giving it up{detail_en}",
            "R-REC-5",
        ),
        FindingCode(
            "report.ineligible",
            _E,
            "虚报：学生{period_zh}不符合{programme_zh}的条件",
            "false report: the student does not qualify for {programme_en} in {period_en}",
            "R-REC-3",
        ),
        FindingCode(
            "report.amount",
            _E,
            "错报：{period_zh}{programme_zh}发放{paid}元，应为{expected}元",
            "wrong amount: {programme_en} for {period_en} paid {paid}, entitlement {expected}",
            "R-REC-3",
        ),
        FindingCode(
            "report.average_grant",
            _W,
            "学校{school}建档立卡学生{check}平均每生{average}元，低于{minimum}元",
            "school {school}: average {check} per registered-poor student {average}, "
            "below the minimum {minimum}",
            "R-HB-1",
        ),
        FindingCode(
            "notice.missing",
            _E,
            "公示内容缺少{part_zh}",
            "the notice lacks {part_en}",
            "R-DIS-1",
        ),
        FindingCode(
            "notice.short",
            _E,
            "公示期不足一周：只有{days}天",
            "the notice is posted for less than one week: {days} days",
            "R-DIS-2",
        ),
    )
}
"""Every finding code, by code."""

FIXES: dict[str, tuple[str, str]] = {
    "id.length": (
        "从身份证或户口簿重新抄录号码；15位的老号码须按公安机关的规则换成18位",
        "copy the number again from the ID card or household register; convert an old"
        " 15-digit number to 18 digits",
    ),
    "id.format": (
        "检查是否把字母O写成了0、用了全角数字；把该列设置为文本格式后重新录入",
        "look for a letter O for a zero or full-width digits; set the column to text and"
        " type the number again",
    ),
    "id.checksum": (
        "逐位与身份证核对，改正录错的数字",
        "compare every digit with the ID card and correct the typo",
    ),
    "id.birth_date": (
        "核对号码中的出生日期（第7至14位）",
        "check the birth date in the number (digits 7 to 14)",
    ),
    "id.as_number": (
        "把身份证号这一列设置为文本格式（右键→设置单元格格式→文本），再从身份证或原始名单"
        "重新录入完整的18位号码；不要粘贴到数字格式的单元格里",
        "set the ID-number column to text (Format Cells → Text), then type the full 18"
        " digits again from the ID card or the original list; never paste into number cells",
    ),
    "id.region": (
        "核对前6位地区码；代码确已调整的可以不改",
        "check the first six digits; a code that has since changed can stay",
    ),
    "column.unknown": (
        "核对表头是否写错；不需要的列可以删除",
        "check the header's spelling; a column not needed can be deleted",
    ),
    "field.missing": ("填写这一项", "fill in the value"),
    "field.invalid": (
        "按名单格式说明改成能识别的写法",
        "write the value in a form the roster format accepts",
    ),
    "row.above_header": (
        "核对表头上方的内容；名单数据应写在表头下方",
        "check what stands above the header; roster rows go below it",
    ),
    "row.age_stage": (
        "核对身份证号和学段是否填错",
        "check the ID number and the stage",
    ),
    "report.duplicate": (
        "同一学生只保留一行，删除重复的行",
        "keep one row per student and delete the repeat",
    ),
    "payment.method": (
        "按规定的发放方式发放，并改正发放记录",
        "pay by the method required and correct the record",
    ),
    "payment.account": ("补填学生家庭的银行账号", "fill in the family's bank account"),
    "report.missing": (
        "补发该项目，或补交放弃受助的纸质承诺书",
        "pay the programme, or file the signed paper waiver pledge",
    ),
    "report.ineligible": (
        "核实资格；不符合条件的停发并追回",
        "check eligibility; stop and recover payments made without it",
    ),
    "report.amount": ("按应发金额补发或追回差额", "pay or recover the difference"),
    "report.average_grant": (
        "核查该校资助资金是否足额发放",
        "check that the school's grants are paid in full",
    ),
    "notice.missing": ("补齐公示内容后重新公示", "complete the notice and post it again"),
    "notice.short": ("按规定延长公示期", "extend the posting period as required"),
}
"""What to do about each finding code, in Chinese and English (the validation report's
"how to fix" column; :meth:`FindingCode.fix`)."""


@frozen
class Finding:
    """One problem found in the data: where it is and what it is, in two languages.

    ``row`` is the spreadsheet row (header = 1, first data row = 2), or ``None`` for a
    finding about a whole file. ``source`` names the file when several were checked together.

    Examples:
        >>> f = Finding("field.missing", FindingSeverity.ERROR, 3, "name", "必填项为空", "missing")
        >>> f.is_error
        True
    """

    code: str
    severity: FindingSeverity
    row: int | None
    field: str | None
    message_zh: str
    message_en: str
    source: str | None = None

    @property
    def is_error(self) -> bool:
        """True for an error, False for a warning."""
        return self.severity is FindingSeverity.ERROR

    def message(self, lang: str = "zh") -> str:
        """The message in ``"zh"`` or ``"en"``.

        Examples:
            >>> finding("field.missing", row=2, field="name").message("zh")
            '第2行 name：必填项为空'
        """
        return self.message_en if lang == "en" else self.message_zh

    def _repr_html_(self) -> str:
        return findings_html([self])


def findings_table(findings: Iterable[Finding]) -> pa.Table:
    """Findings as an Arrow table (:data:`FINDING_SCHEMA`: ``row, field, code, severity,
    message_zh, message_en``), in the order given; ``row`` null for a finding about a whole
    file. Turn it into a frame with :func:`~edupoverty.records.tables.to_pandas` or
    :func:`~edupoverty.records.tables.to_polars`.

    Examples:
        >>> t = findings_table([finding("id.checksum", row=7, field="id_number")])
        >>> t.column("code").to_pylist(), t.column("severity").to_pylist()
        (['id.checksum'], ['error'])
    """
    fs = list(findings)
    return pa.table(
        [
            pa.array([f.row for f in fs], pa.int64()),
            pa.array([f.field for f in fs], pa.string()),
            pa.array([f.code for f in fs], pa.string()),
            pa.array([f.severity.value for f in fs], pa.string()),
            pa.array([f.message_zh for f in fs], pa.string()),
            pa.array([f.message_en for f in fs], pa.string()),
        ],
        schema=FINDING_SCHEMA,
    )


def finding(
    code: str,
    *,
    row: int | None = None,
    field: str | None = None,
    source: str | None = None,
    **params: Any,
) -> Finding:
    """Build the :class:`Finding` of a known ``code`` (``KeyError`` for an unknown code).

    ``params`` fill the code's message templates; missing ones are left empty. Never pass
    an ID number, bank account or address as a parameter. The field and the text
    parameters come from files: their control characters are escaped
    (:func:`~edupoverty.records.echo.printable`), in the messages and in ``field``.

    Examples:
        >>> f = finding("report.amount", row=4, field="amount", programme_zh="寄宿生生活补助",
        ...             programme_en="Boarding living allowance", period_zh="2019学年秋季学期",
        ...             period_en="the autumn semester of school year 2019",
        ...             paid="600.00", expected="500.00")
        >>> f.message_zh
        '第4行 amount：错报：2019学年秋季学期寄宿生生活补助发放600.00元，应为500.00元'
        >>> finding("column.unknown", row=1, field="\x1b[31m备注").message_en
        'row 1, \\\\x1b[31m备注: unknown column, ignored (check the header)'
    """
    spec = CODES[code]
    # text from a file (a header, a file name, a cell) is shown with its controls escaped
    values = _Defaults({k: printable(v) if isinstance(v, str) else v for k, v in params.items()})
    field = None if field is None else printable(field)
    zh = spec.zh.format_map(values)
    en = spec.en.format_map(values)
    return Finding(
        code=code,
        severity=spec.severity,
        row=row,
        field=field,
        message_zh=message_prefix(row, field, "zh") + zh,
        message_en=message_prefix(row, field, "en") + en,
        source=source,
    )


def message_prefix(row: int | None, field: str | None, lang: str = "zh") -> str:
    """What a message of :func:`finding` starts with: the row and the field, then a colon
    (nothing when there is neither).

    Examples:
        >>> message_prefix(3, "备注：家长"), message_prefix(3, None, "en")
        ('第3行 备注：家长：', 'row 3: ')
        >>> message_prefix(None, None)
        ''
    """
    if lang == "en":
        where = ", ".join([p for p in (f"row {row}" if row is not None else "", field or "") if p])
        return f"{where}: " if where else ""
    where = "".join([f"第{row}行" if row is not None else "", f" {field}" if field else ""])
    return f"{where.strip()}：" if where.strip() else ""


class _Defaults(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


class HasFindings:
    """What a reading of a file adds to its ``findings``: the errors and the warnings apart.

    Examples:
        >>> class Reading(HasFindings):
        ...     findings = (finding("field.missing", row=2, field="name"),)
        >>> len(Reading().errors), Reading().warnings
        (1, ())
    """

    __slots__ = ()
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings of severity error."""
        return tuple(f for f in self.findings if f.is_error)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings of severity warning."""
        return tuple(f for f in self.findings if not f.is_error)

    def findings_table(self) -> pa.Table:
        """The findings as an Arrow table (:func:`findings_table`)."""
        return findings_table(self.findings)
