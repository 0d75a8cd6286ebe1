"""Workbooks for schools and county offices (Excel 工作簿): each table on its own sheet.

Two workbooks, laid out by :mod:`edupoverty.records.xlsx` (frozen header, autofilter,
fitted widths, money as ``0.00`` numbers with a totals row, ready to print):

- the **validation report** a school gets back (:func:`write_validation_xlsx`): a sheet
  ``问题清单`` with one line per problem — the row, the student's name, the column *as
  headed in the school's own file* (``身份证号``, not ``id_number``), what is wrong and what
  to do about it (:data:`~edupoverty.records.findings.FIXES`) — and a sheet ``概况`` with
  the counts;
- the **assessment** (:func:`write_assessment_xlsx`): the result on ``测算结果``, the rows
  the reader rejected on ``未通过的行`` and every problem found on ``问题清单``.

Sheet names and headers are Chinese, English with ``lang="en"``. Nothing in these sheets
holds an ID number, a bank account or an address: problems name the row and the column,
never the value (:mod:`edupoverty.records.findings`).

Examples:
    >>> import pathlib, tempfile
    >>> from edupoverty.records.validate import validation_report
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> roster = folder / "r.csv"
    >>> _ = roster.write_text("姓名,公民身份号码,学校代码,学段,学校所在地\\n"
    ...     "张三,3.41321E+17,3412001,小学,乡村\\n", encoding="utf-8")
    >>> write_validation_xlsx(folder / "校验报告.xlsx", validation_report(roster))
    1
    >>> from openpyxl import load_workbook
    >>> book = load_workbook(folder / "校验报告.xlsx")
    >>> book.sheetnames, [c.value for c in book["问题清单"][2]][:3]
    (['问题清单', '概况'], [2, '张三', '公民身份号码'])
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from edupoverty.records.celltext import Tabular
from edupoverty.records.findings import CODES, Finding, message_prefix
from edupoverty.records.reader import RejectedRow, RosterTable
from edupoverty.records.schema import DISBURSEMENT_COLUMNS, ROSTER_BY_NAME
from edupoverty.records.validate import ValidationReport
from edupoverty.records.xlsx import Sheet, write_sheets_xlsx

__all__ = [
    "SHEET_NAMES",
    "problems_table",
    "rejected_table",
    "write_assessment_xlsx",
    "write_validation_xlsx",
]

SHEET_NAMES: dict[str, dict[str, str]] = {
    "zh": {
        "assessment": "测算结果",
        "rejected": "未通过的行",
        "problems": "问题清单",
        "summary": "概况",
    },
    "en": {
        "assessment": "Assessment",
        "rejected": "Rejected rows",
        "problems": "Problems",
        "summary": "Summary",
    },
}
"""The names of the sheets, by language and by what they hold."""

_PROBLEM_HEADER = {
    "zh": ("文件", "行号", "姓名", "列", "问题", "怎样改", "级别", "代码"),
    "en": ("file", "row", "name", "column", "problem", "how to fix", "severity", "code"),
}
_REJECTED_HEADER = {"zh": ("行号", "姓名", "未通过的原因"), "en": ("row", "name", "reasons")}
_MARKERS = {  # the fields that are not columns (findings.py)
    "(line)": ("（整行）", "(whole row)"),
    "(extra cells)": ("（表头之外的单元格）", "(cells beyond the header)"),
}

Headers = Mapping[str, Mapping[str, str]]
Names = Mapping[str, Mapping[int, str]]


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def _column(field: str | None, headed: Mapping[str, str], lang: str) -> str:
    """A finding's field as the school knows the column: its header in their file, else
    the usual header (Chinese, or the field name in English)."""
    if not field:
        return ""
    if field in headed:
        return headed[field]
    if field in _MARKERS:
        return _MARKERS[field][lang == "en"]
    if lang == "en":
        return field
    if field in ROSTER_BY_NAME:
        return ROSTER_BY_NAME[field].headers[0]
    return DISBURSEMENT_COLUMNS.get(field, (field,))[0]


def _problem(f: Finding, lang: str) -> str:
    """The finding's message without the row and field it starts with (they have columns
    of their own)."""
    message = f.message(lang)
    prefix = message_prefix(f.row, f.field, lang)
    return message[len(prefix) :] if prefix and message.startswith(prefix) else message


def problems_table(
    findings: Iterable[Finding],
    *,
    headers: Headers | None = None,
    names: Names | None = None,
    lang: str = "zh",
    files: bool = False,
) -> pa.Table:
    """The findings as the table a school reads: the row, the student's name, the column as
    headed in their file, the problem, how to fix it, the severity and the code — with the
    file's name first when ``files``. Column names are the headers, in ``lang``.

    ``headers`` (by source, field → header as written) and ``names`` (by source, row → name)
    are those a reading keeps (:class:`~edupoverty.records.validate.ValidationReport`,
    :class:`~edupoverty.records.reader.RosterTable`).

    Examples:
        >>> from edupoverty.records.findings import finding
        >>> f = finding("id.checksum", row=7, field="id_number", source="a.csv")
        >>> t = problems_table([f], headers={"a.csv": {"id_number": "身份证号码"}},
        ...                    names={"a.csv": {7: "张三"}})
        >>> t.to_pylist()[0]["列"], t.to_pylist()[0]["问题"], t.to_pylist()[0]["怎样改"]
        ('身份证号码', '身份证号校验码错误', '逐位与身份证核对，改正录错的数字')
    """
    lang = _lang(lang)
    headers, names = headers or {}, names or {}
    rows: list[list[Any]] = []
    for f in findings:
        source = f.source or ""
        spec = CODES.get(f.code)
        rows.append(
            [
                Path(source).name,
                f.row,
                names.get(source, {}).get(f.row, "") if f.row is not None else "",
                _column(f.field, headers.get(source, {}), lang),
                _problem(f, lang),
                spec.fix(lang) if spec is not None else "",
                f.severity.value if lang == "en" else f.severity.zh,
                f.code,
            ]
        )
    shown = _PROBLEM_HEADER[lang]
    kinds = [pa.int64() if i == 1 else pa.string() for i in range(len(shown))]
    columns = [pa.array([r[i] for r in rows], kind) for i, kind in enumerate(kinds)]
    table = pa.table(columns, names=list(shown))
    return table if files else table.drop_columns([shown[0]])


def rejected_table(
    rejected: Iterable[RejectedRow],
    *,
    headers: Mapping[str, str] | None = None,
    names: Mapping[int, str] | None = None,
    lang: str = "zh",
) -> pa.Table:
    """Rejected rows as a table: the row, the student's name (from ``names``, row → name)
    and every reason, joined, each naming its column as ``headers`` (field → header as
    written in the file) heads it.

    Examples:
        >>> from edupoverty.records.findings import finding
        >>> bad = RejectedRow(3, (finding("field.missing", row=3, field="stage"),))
        >>> rejected_table([bad], names={3: "李四"}).to_pylist()
        [{'行号': 3, '姓名': '李四', '未通过的原因': '学段：必填项为空'}]
    """
    lang = _lang(lang)
    names = names or {}
    items = list(rejected)
    sep = "; " if lang == "en" else "；"
    colon = ": " if lang == "en" else "："
    reasons = []
    for r in items:
        parts = []
        for f in r.findings:
            column = _column(f.field, headers or {}, lang)
            parts.append(f"{column}{colon}{_problem(f, lang)}" if column else _problem(f, lang))
        reasons.append(sep.join(parts))
    shown = _REJECTED_HEADER[lang]
    return pa.table(
        [
            pa.array([r.row for r in items], pa.int64()),
            pa.array([names.get(r.row, "") for r in items], pa.string()),
            pa.array(reasons, pa.string()),
        ],
        names=list(shown),
    )


def _summary(report: ValidationReport, lang: str) -> pa.Table:
    errors = sum(1 for f in report.findings if f.is_error)
    counts = [
        ("名单行数", "roster rows", report.rows),
        ("接受", "accepted", report.accepted),
        ("未通过", "rejected", report.rejected),
        ("错误", "errors", errors),
        ("警告", "warnings", len(report.findings) - errors),
    ]
    if report.payments_rows:
        counts += [
            ("发放记录行数", "disbursement rows", report.payments_rows),
            ("发放记录接受", "disbursements accepted", report.payments_accepted),
            ("发放记录未通过", "disbursements rejected", report.payments_rejected),
        ]
    en = lang == "en"
    return pa.table(
        {
            "item" if en else "项目": [en_ if en else zh for zh, en_, _ in counts],
            "count" if en else "数量": pa.array([n for *_, n in counts], pa.int64()),
        }
    )


def write_validation_xlsx(
    path: str | os.PathLike[str] | IO[bytes], report: ValidationReport, *, lang: str = "zh"
) -> int:
    """Write the validation report a school gets back as an XLSX workbook; return the
    number of problems listed.

    Sheets: ``问题清单`` (:func:`problems_table`, with the file's name when several files
    were checked) and ``概况`` (the counts); ``Problems`` and ``Summary`` with
    ``lang="en"``. ``path`` is replaced whole.

    Examples:
        >>> import io
        >>> report = ValidationReport(rows=0, accepted=0, rejected=0, findings=())
        >>> write_validation_xlsx(io.BytesIO(), report, lang="en")
        0
    """
    lang = _lang(lang)
    names = SHEET_NAMES[lang]
    files = len({f.source for f in report.findings}) > 1 or len(report.sources) > 1
    problems = problems_table(
        report.findings, headers=report.headers, names=report.names, lang=lang, files=files
    )
    written = write_sheets_xlsx(
        path,
        [Sheet(problems, names["problems"]), Sheet(_summary(report, lang), names["summary"])],
        lang=lang,
    )
    return written[0]


def write_assessment_xlsx(
    path: str | os.PathLike[str] | IO[bytes],
    assessment: Tabular,
    roster: Callable[[], RosterTable | None],
    *,
    header: list[str] | None = None,
    lang: str = "zh",
) -> tuple[int, int, int]:
    """Write an assessment as an XLSX workbook: ``assessment`` (a table or a stream of
    record batches, its money columns ``decimal``) on ``测算结果`` with ``header`` and a
    totals row, then, from ``roster()`` — called once the assessment is written, so that
    a roster read as it is assessed has its rejected rows and findings ready — the rejected
    rows on ``未通过的行`` (:func:`rejected_table`) and the problems on ``问题清单``
    (:func:`problems_table`). Returns the rows of each sheet.

    Examples:
        >>> import io
        >>> from decimal import Decimal
        >>> t = pa.table({"name": ["张三"], "total": pa.array([Decimal("500")],
        ...                                                   pa.decimal128(18, 2))})
        >>> write_assessment_xlsx(io.BytesIO(), t, lambda: None, header=["姓名", "合计"])
        (1, 0, 0)
    """
    lang = _lang(lang)
    names = SHEET_NAMES[lang]

    def rejected() -> Iterable[pa.Table]:
        read = roster()
        yield rejected_table(
            read.rejected if read else (),
            headers=read.headers if read else {},
            names=read.names if read else {},
            lang=lang,
        )

    def problems() -> Iterable[pa.Table]:
        read = roster()
        findings = read.findings if read else ()
        headers = {read.source: read.headers} if read else {}
        names_ = {read.source: read.names} if read else {}
        yield problems_table(findings, headers=headers, names=names_, lang=lang)

    written = write_sheets_xlsx(
        path,
        [
            Sheet(assessment, names["assessment"], header),
            Sheet(rejected(), names["rejected"]),
            Sheet(problems(), names["problems"]),
        ],
        lang=lang,
    )
    return written[0], written[1], written[2]
