"""Reading roster files (在学状态表), disbursement files (资助发放表) and waiver pledges.

:func:`read_roster` reads a school's roster, CSV or XLSX, and returns a :class:`RosterResult`:
the accepted :class:`~edupoverty.records.model.Student` records and the rejected rows, each
with its spreadsheet row number (header = row 1, first data row = 2) and **every** problem
found in it. Rows in = accepted + rejected, always. Blank rows are skipped and counted apart.

It is the record-by-record face of :func:`~edupoverty.records.reader.read_roster_table`,
which reads the file as a stream of Arrow batches (:mod:`~edupoverty.records.sources`),
checks it column by column (:mod:`~edupoverty.records.checks`) and keeps the accepted rows as
a typed table; for a whole county's roster use the table itself.

- CSV in UTF-8, UTF-8 with BOM, UTF-16 with BOM or GB18030/GBK (what Excel and WPS on Chinese
  Windows write), detected without being told; comma, tab or semicolon separated.
- Chinese or English headers (ROSTER.md, :mod:`~edupoverty.records.schema`), matched after
  trimming and folding full-width characters; a title row above the header is reported and
  skipped. Unknown columns are reported once (``unknown_columns`` and one ``column.unknown``
  warning each), never an error.
- A student is counted once: a later row with the same ID number is rejected
  (``report.duplicate``).
- A file that cannot be read at all raises :class:`~edupoverty.errors.RosterError`.

Examples:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
    >>> _ = p.write_text(
    ...     "姓名,身份证号,学校代码,学段,年级,学校所在地,寄宿\\n"
    ...     "张三,11010520120307002X,3412001,小学,三年级,乡村,是\\n"
    ...     "李四,110105201203070021,3412001,小学,3,乡村,否\\n", encoding="utf-8-sig")
    >>> result = read_roster(p)
    >>> result.rows, result.accepted, len(result.rejected)
    (2, 1, 1)
    >>> result.students[0].boarding, result.students[0].grade
    (True, 3)
    >>> [(f.row, f.code, f.field) for f in result.rejected[0].findings]
    [(3, 'id.checksum', 'id_number')]
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

import pyarrow as pa
from attrs import field, frozen

from edupoverty.records import idcard
from edupoverty.records import spellings as sp
from edupoverty.records.checks import AGE_RANGES
from edupoverty.records.columns import table_from_students
from edupoverty.records.duplicates import Seen
from edupoverty.records.enums import Payee
from edupoverty.records.findings import Finding, HasFindings, finding
from edupoverty.records.model import (
    FIRST_SCHOOL_YEAR,
    LAST_SCHOOL_YEAR,
    Disbursement,
    Period,
    Student,
    WaiverPledge,
)
from edupoverty.records.reader import (
    RejectedRow,
    RosterTable,
    read_roster_table,
    read_source,
)
from edupoverty.records.schema import (
    COLUMNS,
    DISBURSEMENT_COLUMNS,
    DISBURSEMENT_KEYS,
    DISBURSEMENT_REQUIRED,
    MAX_TEXT,
    REQUIRED,
    WAIVER_COLUMNS,
    WAIVER_KEYS,
    WAIVER_REQUIRED,
    Header,
    names_a_header,
)
from edupoverty.records.sources import BadRow, open_source
from edupoverty.records.tables import HTML_ROWS, TableResult, roster_html

__all__ = [
    "AGE_RANGES",
    "COLUMNS",
    "DISBURSEMENT_COLUMNS",
    "REQUIRED",
    "WAIVER_COLUMNS",
    "DisbursementResult",
    "RejectedRow",
    "RosterResult",
    "RosterTable",
    "Seen",
    "WaiverResult",
    "read_disbursements",
    "read_roster",
    "read_roster_table",
    "read_rows",
    "read_table",
    "read_waivers",
]

PROGRAMMES: dict[str, str] = {
    "寄宿生生活补助": "compulsory.boarding_allowance",
    "寄宿生生活费补助": "compulsory.boarding_allowance",
    "家庭经济困难寄宿生生活补助": "compulsory.boarding_allowance",
    "营养改善计划": "compulsory.nutrition",
    "农村义务教育学生营养改善计划": "compulsory.nutrition",
    "营养餐": "compulsory.nutrition",
}
"""Chinese programme names mapped to the programme ids of the rules (others kept as written)."""


@frozen
class _FileResult(HasFindings):
    """What a reader found in one file, whatever the rows hold: rejected rows, findings and
    counts (``rows`` = accepted + rejected; blank rows are counted apart)."""

    source: str
    rejected: tuple[RejectedRow, ...]
    findings: tuple[Finding, ...]
    rows: int
    unknown_columns: tuple[str, ...] = ()
    encoding: str | None = None
    blank_rows: int = 0


@frozen(repr=False)
class RosterResult(_FileResult, TableResult):
    """What :func:`read_roster` found in one file.

    ``findings`` holds every finding of the reading, in row order: ``column.unknown``
    warnings (the header row) first, then the errors of the rejected rows and the warnings
    on accepted rows (``id.region``). ``to_arrow()``, ``to_pandas()`` and ``to_polars()``
    give the accepted students as a table; ``findings_table()`` the findings.

    Examples:
        >>> r = RosterResult(source="x.csv", students=(), rejected=(), findings=(), rows=0)
        >>> r.accepted, r.errors
        (0, ())
        >>> r
        RosterResult(source='x.csv', rows=0, accepted=0, rejected=0, findings=0)
        >>> r.to_pandas().shape[0], r.findings_table().column_names[:3]
        (0, ['row', 'field', 'code'])
    """

    students: tuple[Student, ...] = field(kw_only=True)

    @property
    def accepted(self) -> int:
        """Number of accepted rows."""
        return len(self.students)

    def to_arrow(self) -> pa.Table:
        """The accepted students as a table
        (:data:`~edupoverty.records.columns.STUDENT_SCHEMA`, one row each, in order)."""
        return table_from_students(self.students)

    def __repr__(self) -> str:
        return (
            f"RosterResult(source={self.source!r}, rows={self.rows}, accepted={self.accepted}, "
            f"rejected={len(self.rejected)}, findings={len(self.findings)})"
        )

    def _repr_html_(self) -> str:
        return roster_html(self, table_from_students(self.students[:HTML_ROWS]))


@frozen
class DisbursementResult(_FileResult):
    """What :func:`read_disbursements` found in one file.

    Examples:
        >>> DisbursementResult(source="p.csv", disbursements=(), rejected=(), findings=(),
        ...                    rows=0).accepted
        0
    """

    disbursements: tuple[Disbursement, ...] = field(kw_only=True, repr=False)

    @property
    def accepted(self) -> int:
        """Number of accepted rows."""
        return len(self.disbursements)


@frozen
class WaiverResult(_FileResult):
    """What :func:`read_waivers` found in one file.

    Examples:
        >>> WaiverResult(source="w.csv", waivers=(), rejected=(), findings=(), rows=0).accepted
        0
    """

    waivers: tuple[WaiverPledge, ...] = field(kw_only=True, repr=False)

    @property
    def accepted(self) -> int:
        """Number of accepted rows."""
        return len(self.waivers)


def _result(t: RosterTable) -> RosterResult:
    return RosterResult(
        source=t.source,
        rejected=t.rejected,
        findings=t.findings,
        rows=t.rows,
        unknown_columns=t.unknown_columns,
        encoding=t.encoding,
        blank_rows=t.blank_rows,
        students=tuple(t.students()),
    )


def read_roster(
    path: str | os.PathLike[str],
    *,
    today: date | None = None,
    school_year: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> RosterResult:
    """Read a roster file (CSV or XLSX) into accepted students and rejected rows.

    ``today`` (default: the current date) is the day after which a birth date is in the
    future (``id.birth_date``); ``school_year``, if given, adds ``row.age_stage`` warnings;
    ``progress``, if given, is called with the number of rows of each batch read.
    Raises :class:`~edupoverty.errors.RosterError` if the file cannot be read at all;
    problems in rows are never raised, they are findings.

    Examples:
        >>> read_roster("no/such/roster.csv")
        Traceback (most recent call last):
        ...
        edupoverty.errors.RosterError: roster.not_found: no/such/roster.csv: 文件不存在 / ...
    """
    table = read_roster_table(path, today=today, school_year=school_year, progress=progress)
    return _result(table)


class _MemoryRows:
    """Roster rows already in memory, as a source of one batch (rows of another width than
    the header go to ``bad_rows`` with their cells, as a file's would)."""

    encoding = None
    header_row = 1
    above_header = ()

    def __init__(self, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        self.header = tuple(str(h) for h in header)
        width = len(self.header)
        self.bad_rows: list[BadRow] = []
        cells: list[list[str]] = [[] for _ in range(width)]
        numbers: list[int] = []
        for n, row in enumerate(rows, start=2):
            texts = [str(c) for c in row]
            if len(texts) != width:
                self.bad_rows.append(BadRow(n, "row.width", tuple(texts)))
                continue
            for column, text in zip(cells, texts, strict=True):
                column.append(text)
            numbers.append(n)
        data = {str(i): pa.array(c, pa.string()) for i, c in enumerate(cells)}
        data["row"] = pa.array(numbers, pa.int64())
        self._batch = pa.record_batch(data)

    def batches(self) -> Iterator[pa.RecordBatch]:
        yield self._batch


def read_rows(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    source: str = "<rows>",
    today: date | None = None,
    school_year: int | None = None,
) -> RosterResult:
    """Read roster rows already in memory (a header and rows of text), as :func:`read_roster`.

    Examples:
        >>> r = read_rows(["name", "id_number", "school_code", "stage", "school_location"],
        ...               [["张三", "11010520120307002X", "1", "primary", "rural"]])
        >>> r.students[0].stage.zh, r.students[0].row
        ('小学', 2)
    """
    table = read_source(_MemoryRows(header, rows), source, today=today, school_year=school_year)
    return _result(table)


# --- small tables: disbursements and waiver pledges ----------------------------------------

T = TypeVar("T")
_ACCOUNT_STRIP = str.maketrans("", "", " -\t\u3000")


class _Row:
    """One data row of a small table (disbursements, waiver pledges): its cells by field and
    the problems found in it. Problems name the row and field, never the value."""

    __slots__ = ("cells", "index", "number", "problems", "source")

    def __init__(self, cells: list[str], index: dict[str, int], number: int, source: str):
        self.cells = cells
        self.index = index
        self.number = number
        self.source = source
        self.problems: list[Finding] = []

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.problems)

    def cell(self, name: str) -> str:
        i = self.index.get(name)
        return sp.normalise(self.cells[i]) if i is not None and i < len(self.cells) else ""

    def add(self, code: str, name: str) -> None:
        self.problems.append(finding(code, row=self.number, field=name, source=self.source))

    def bad(self, name: str, zh: str = "", en: str = "") -> None:
        self.problems.append(
            finding(
                "field.invalid",
                row=self.number,
                field=name,
                source=self.source,
                detail_zh=f"（{zh}）" if zh else "",
                detail_en=f" ({en})" if en else "",
            )
        )

    def require(self, names: Iterable[str]) -> None:
        for name in names:
            if not self.cell(name):
                self.add("field.missing", name)

    def text(self, name: str) -> str:
        value = self.cell(name)
        if len(value) > MAX_TEXT:
            self.bad(name, "内容过长", "text too long")
        return value

    def ident(self, today: date) -> str | None:
        """The row's ID number, compact; its problem (``id.*``) recorded if any."""
        ident = idcard.compact(self.cell("id_number"))
        if not ident:
            return None
        code = idcard.problem(ident, today)
        if code is not None:
            self.add(code, "id_number")
        return ident

    def school_year(self) -> int | None:
        text = self.cell("school_year")
        if not text:
            return None
        m = re.fullmatch(r"(\d{4})(?:\s*[-—~至]\s*\d{4})?\s*(?:学年|年)?", text)
        if m is None:
            self.bad("school_year", "应为学年，如2019", "expected a school year such as 2019")
            return None
        year = int(m[1])
        if not FIRST_SCHOOL_YEAR <= year <= LAST_SCHOOL_YEAR:
            self.bad(
                "school_year",
                f"学年应在{FIRST_SCHOOL_YEAR}至{LAST_SCHOOL_YEAR}之间",
                f"expected a school year from {FIRST_SCHOOL_YEAR} to {LAST_SCHOOL_YEAR}",
            )
            return None
        return year

    def parse(self, name: str, parser: Callable[[str], T]) -> T | None:
        text = self.cell(name)
        if not text:
            return None
        try:
            return parser(text)
        except sp.Unreadable as exc:
            self.bad(name, exc.zh, exc.en)
            return None


class _Table(Generic[T]):
    """What :func:`_read_records` found."""

    def __init__(self) -> None:
        self.accepted: list[T] = []
        self.rejected: list[RejectedRow] = []
        self.findings: list[Finding] = []
        self.unknown: tuple[str, ...] = ()
        self.count = 0
        self.blanks = 0
        self.encoding: str | None = None

    def counts(self, source: str) -> dict[str, Any]:
        """The fields every file result shares (:class:`_FileResult`)."""
        return {
            "source": source,
            "rejected": tuple(self.rejected),
            "findings": tuple(self.findings),
            "rows": self.count,
            "unknown_columns": self.unknown,
            "encoding": self.encoding,
            "blank_rows": self.blanks,
        }


def _read_records(
    path: str | os.PathLike[str],
    columns: dict[str, tuple[str, ...]],
    keys: dict[str, str],
    required: Sequence[str],
    build: Callable[[_Row], T | None],
) -> _Table[T]:
    """Read a small table row by row: every row accepted (``build`` returned a record and no
    error was found) or rejected with all its problems; blank rows counted apart."""
    source = str(path)
    src = open_source(path, find_header=lambda cells: names_a_header(cells, keys))
    header = Header(list(src.header), columns, source, required)
    table: _Table[T] = _Table()
    table.encoding = src.encoding
    table.unknown = header.unknown
    table.findings = [
        finding("column.unknown", row=src.header_row, field=c, source=source)
        for c in header.unknown
    ]
    for batch in src.batches():
        numbers = batch.column("row").to_pylist()
        cells = [batch.column(str(i)).to_pylist() for i in range(header.width)]
        for k, number in enumerate(numbers):
            raw = [c[k] for c in cells]
            if not any(c.strip() for c in raw):
                table.blanks += 1
                continue
            table.count += 1
            row = _Row(raw, header.index, number, source)
            row.require(required)
            record = build(row)
            if record is None or row.failed:
                table.rejected.append(RejectedRow(number, tuple(row.problems), source))
                table.findings.extend(row.problems)
                continue
            table.accepted.append(record)
    table.blanks += src.blank_rows
    for bad in src.bad_rows:
        table.count += 1
        row = _Row(list(bad.cells), header.index, bad.row, source)
        if bad.code == "row.width":
            row.require(required)
            record = build(row)
            if len(bad.cells) > header.width and any(c.strip() for c in bad.cells[header.width :]):
                row.bad("(extra cells)", "表头之外还有内容", "cells beyond the last header")
            if record is not None and not row.failed:
                table.accepted.append(record)
                continue
        else:
            row.bad("(line)", "该行无法读取", "the row cannot be read")
        table.rejected.append(RejectedRow(bad.row, tuple(row.problems), source))
        table.findings.extend(row.problems)
    table.rejected.sort(key=lambda r: r.row)
    table.findings.sort(key=lambda f: f.row or 0)
    return table


def read_disbursements(
    path: str | os.PathLike[str], *, today: date | None = None
) -> DisbursementResult:
    """Read a disbursement file (资助发放表): one payment per row.

    Columns: id_number, programme, school_year, semester, amount, method, account, paid_on,
    batch, payee, school_code (Chinese headers too, :data:`DISBURSEMENT_COLUMNS`). Chinese
    programme names of the boarding allowance and the nutrition programme become their
    programme ids (``compulsory.boarding_allowance``, ``compulsory.nutrition``).

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "paid.csv"
        >>> _ = p.write_text(
        ...     "身份证号,资助项目,学年,学期,金额,发放方式,银行卡号,发放日期,批次\\n"
        ...     "11010520120307002X,寄宿生生活补助,2019,秋季,500,银行卡,6217000011112222,"
        ...     "2019-11-01,B1\\n", encoding="utf-8")
        >>> d = read_disbursements(p).disbursements[0]
        >>> d.programme, d.amount, d.period.semester.value, d.row
        ('compulsory.boarding_allowance', Decimal('500.00'), 'autumn', 2)
    """
    day = today if today is not None else date.today()

    def build(row: _Row) -> Disbursement | None:
        student_id = row.ident(day)
        programme = row.text("programme")
        school_year = row.school_year()
        semester = row.parse("semester", sp.parse_semester)
        amount = row.parse("amount", sp.parse_money)
        method = row.parse("method", sp.parse_method)
        paid_on = row.parse("paid_on", sp.parse_date)
        payee = row.parse("payee", sp.parse_payee)
        account = row.cell("account").translate(_ACCOUNT_STRIP)
        if account and not (account.isascii() and account.isdigit() and 8 <= len(account) <= 32):
            row.bad("account", "应为8至32位数字", "expected 8 to 32 digits")
        batch = row.text("batch")
        if row.failed or None in (student_id, school_year, amount, method, paid_on):
            return None
        assert student_id is not None and school_year is not None
        assert amount is not None and method is not None and paid_on is not None
        return Disbursement(
            student_id=student_id,
            programme=PROGRAMMES.get(programme, programme),
            period=Period(school_year, semester),
            amount=amount,
            method=method,
            paid_on=paid_on,
            batch=batch,
            account=account or None,
            payee=payee or Payee.FAMILY,
            school_code=row.cell("school_code") or None,
            row=row.number,
        )

    table = _read_records(
        path, DISBURSEMENT_COLUMNS, DISBURSEMENT_KEYS, DISBURSEMENT_REQUIRED, build
    )
    return DisbursementResult(disbursements=tuple(table.accepted), **table.counts(str(path)))


def read_waivers(path: str | os.PathLike[str], *, today: date | None = None) -> WaiverResult:
    """Read a file of waiver pledges (放弃受助资格承诺书, R-REC-5): one signed pledge per row.

    Columns: id_number, school_year, signed_on, signed_by (required), programmes (the
    programme ids or names given up, separated by 、 ; or /; empty: every programme of the
    year), on_paper (default yes), kept_at — Chinese headers too (:data:`WAIVER_COLUMNS`).

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "pledges.csv"
        >>> _ = p.write_text(
        ...     "身份证号,学年,签署日期,签署人,放弃项目\\n"
        ...     "11010520120307002X,2019,2019-09-20,张父,寄宿生生活补助\\n", encoding="utf-8")
        >>> w = read_waivers(p).waivers[0]
        >>> w.school_year, w.programmes, w.on_paper
        (2019, ('compulsory.boarding_allowance',), True)
    """
    day = today if today is not None else date.today()

    def build(row: _Row) -> WaiverPledge | None:
        student_id = row.ident(day)
        school_year = row.school_year()
        signed_on = row.parse("signed_on", sp.parse_date)
        signed_by = row.text("signed_by")
        names = [n.strip() for n in re.split(r"[、;；/]", row.text("programmes")) if n.strip()]
        on_paper = row.parse("on_paper", sp.parse_bool)
        kept_at = row.text("kept_at") or None
        if row.failed or None in (student_id, school_year, signed_on):
            return None
        assert student_id is not None and school_year is not None and signed_on is not None
        return WaiverPledge(
            student_id=student_id,
            school_year=school_year,
            signed_on=signed_on,
            signed_by=signed_by,
            programmes=[PROGRAMMES.get(n, n) for n in names],
            on_paper=on_paper is not False,
            kept_at=kept_at,
        )

    table = _read_records(path, WAIVER_COLUMNS, WAIVER_KEYS, WAIVER_REQUIRED, build)
    return WaiverResult(waivers=tuple(table.accepted), **table.counts(str(path)))


def read_table(path: str | os.PathLike[str]) -> list[list[str]]:
    """Every non-blank row of a small CSV or XLSX file as lists of text, the first one the
    header, read with the same defences and encoding detection as :func:`read_roster`.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = p.write_text("a,b\\n1,2\\n", encoding="utf-8")
        >>> read_table(p)
        [['a', 'b'], ['1', '2']]
    """
    src = open_source(path, find_header=lambda cells: True)
    out = [list(src.header)]
    width = len(src.header)
    for batch in src.batches():
        cells = [batch.column(str(i)).to_pylist() for i in range(width)]
        out.extend([list(r) for r in zip(*cells, strict=True)])
    return out
