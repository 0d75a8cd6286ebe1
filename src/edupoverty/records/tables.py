"""Results as tables for notebooks and scripts (表格输出): Arrow tables as pandas or polars
frames, and short HTML tables for Jupyter.

Every result that holds rows (a roster read, an assessment table, a summary, findings) is an
Arrow table first; :func:`to_pandas` and :func:`to_polars` hand it to pandas or polars
without losing anything:

- money stays exact: a ``decimal128(18, 2)`` column becomes a pandas
  ``ArrowDtype(decimal128(18, 2))`` column (never ``float64``) or a polars ``Decimal``;
- an amount *not configured* (未配置) stays missing (``<NA>`` / ``null``), never 0. Beware
  of sums: ``df.groupby(...)[col].sum()`` gives 0 for a group whose values are all missing;
  ``sum(min_count=1)`` keeps it missing (see ``docs/api/front-door.md``).

pandas and polars are optional (the ``pandas`` and ``polars`` extras): they are imported
only when a conversion asks for them, and a missing one raises :class:`MissingExtraError`
naming the extra to install.

:func:`html_table` draws the HTML tables the results show in Jupyter (``_repr_html_``):
every text escaped, at most ``limit`` rows with a line saying how many more there are. ID
numbers are shown masked (:func:`~edupoverty.records.idcard.mask`) and bank accounts never
(:func:`students_html`).

Examples:
    >>> import pyarrow as pa
    >>> from decimal import Decimal
    >>> t = pa.table({"school_code": ["A", "B"],
    ...               "amount": pa.array([Decimal("600.00"), None], pa.decimal128(18, 2))})
    >>> df = to_pandas(t)
    >>> str(df["amount"].dtype), df["amount"].isna().tolist()
    ('decimal128(18, 2)[pyarrow]', [False, True])
    >>> to_polars(t)["amount"].to_list()
    [Decimal('600.00'), None]
"""

from __future__ import annotations

import abc
import html
import importlib
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any, Protocol

import pyarrow as pa

from edupoverty.errors import EdupovertyError
from edupoverty.records import idcard
from edupoverty.records.enums import FindingSeverity, SchoolLocation, Stage

__all__ = [
    "HTML_ROWS",
    "MissingExtraError",
    "TableResult",
    "findings_html",
    "html_table",
    "roster_html",
    "students_html",
    "to_pandas",
    "to_polars",
]

HTML_ROWS = 20
"""How many rows an HTML table shows before its "… N more" line."""


class MissingExtraError(EdupovertyError, ImportError):
    """An optional package is not installed: the message names the extra that brings it.

    Also an ``ImportError``, so code that already catches that keeps working.

    Examples:
        >>> e = MissingExtraError("polars", "polars")
        >>> e.code, e.extra
        ('extra.missing', 'polars')
        >>> print(e.message("en"))
        this needs polars: pip install 'edupoverty[polars]'
    """

    code = "extra.missing"
    default_zh = "缺少可选依赖"
    default_en = "an optional dependency is missing"

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"需要安装 {package}：pip install 'edupoverty[{extra}]'",
            f"this needs {package}: pip install 'edupoverty[{extra}]'",
        )


def _optional(package: str, extra: str) -> ModuleType:
    try:
        return importlib.import_module(package)
    except ImportError:
        raise MissingExtraError(package, extra) from None


def to_pandas(table: pa.Table) -> Any:
    """``table`` as a pandas ``DataFrame`` whose every column keeps its Arrow type
    (``pd.ArrowDtype``): money as exact decimals, nulls as ``<NA>``, dates as dates. Raises
    :class:`MissingExtraError` without pandas (extra ``pandas``).

    Examples:
        >>> import pyarrow as pa
        >>> money = pa.array([None, None], pa.decimal128(18, 2))
        >>> df = to_pandas(pa.table({"row": [2, 3], "total": money}))
        >>> df["total"].sum(), df["total"].sum(min_count=1)  # all missing: 0 unless min_count
        (Decimal('0.00'), <NA>)
    """
    pd = _optional("pandas", "pandas")
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def to_polars(table: pa.Table) -> Any:
    """``table`` as a polars ``DataFrame`` (money as ``Decimal(18, 2)``, nulls as null).
    Raises :class:`MissingExtraError` without polars (extra ``polars``).

    Examples:
        >>> import pyarrow as pa
        >>> to_polars(pa.table({"row": [2]})).shape
        (1, 1)
    """
    pl = _optional("polars", "polars")
    return pl.from_arrow(table)


class TableResult(abc.ABC):
    """What a result that is a table offers: :meth:`to_arrow` (each result defines it),
    and from it :meth:`to_pandas` and :meth:`to_polars`.

    Examples:
        >>> import pyarrow as pa
        >>> class Two(TableResult):
        ...     def to_arrow(self):
        ...         return pa.table({"row": [2, 3]})
        >>> Two().to_polars()["row"].to_list()
        [2, 3]
    """

    __slots__ = ()

    @abc.abstractmethod
    def to_arrow(self) -> pa.Table:
        """The result as an Arrow table."""

    def to_pandas(self) -> Any:
        """The result as a pandas ``DataFrame`` (:func:`to_pandas`)."""
        return to_pandas(self.to_arrow())

    def to_polars(self) -> Any:
        """The result as a polars ``DataFrame`` (:func:`to_polars`)."""
        return to_polars(self.to_arrow())


def _cell(value: object) -> str:
    return "" if value is None else html.escape(str(value))


def html_table(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    count: int | None = None,
    caption: str = "",
    limit: int = HTML_ROWS,
) -> str:
    """An HTML table of at most ``limit`` of ``rows`` under ``header``, every text escaped
    (``None`` is an empty cell); when ``count`` (the number of rows in all) is larger, a
    last line says how many more there are. ``caption`` is escaped too.

    Examples:
        >>> page = html_table(["姓名"], [["<b>张三</b>"], ["李四"]], count=5, limit=1)
        >>> print(page.replace("<tbody>", "\\n").replace("</table>", "\\n"))
        <table><thead><tr><th>姓名</th></tr></thead>
        <tr><td>&lt;b&gt;张三&lt;/b&gt;</td></tr></tbody>
        <p>… 还有 4 行 / 4 more rows</p>
    """
    head = "".join(f"<th>{_cell(h)}</th>" for h in header)
    body = []
    for k, row in enumerate(rows):
        if k >= limit:
            break
        body.append("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>")
    cap = f"<caption>{_cell(caption)}</caption>" if caption else ""
    out = f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    more = (count if count is not None else len(body)) - len(body)
    if more > 0:
        out += f"<p>… 还有 {more} 行 / {more} more rows</p>"
    return out


_STAGE_ZH = {m.value: m.zh for m in Stage}
_LOCATION_ZH = {m.value: m.zh for m in SchoolLocation}


def students_html(
    table: pa.Table, *, count: int | None = None, caption: str = "", limit: int = HTML_ROWS
) -> str:
    """The first ``limit`` students of a student table
    (:data:`~edupoverty.records.columns.STUDENT_SCHEMA`) as an HTML table: row, name, the ID
    number masked, school, stage, grade, location, boarding, registered poor. Never a bank
    account, never a whole ID number. ``count`` is the number of students in all (default:
    the table's rows), for the "… N more" line.

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.records.columns import table_from_students
        >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL,
        ...             bank_account="6217000011112222")
        >>> page = students_html(table_from_students([s]))
        >>> "110105********002X" in page, "20120307" in page, "6217" in page
        (True, False, False)
    """
    part = table.slice(0, limit)
    cols = {
        name: part.column(name).to_pylist()
        for name in (
            "row",
            "name",
            "id_number",
            "school_code",
            "stage",
            "grade",
            "school_location",
            "boarding",
            "registered_poor",
        )
    }
    rows = [
        (
            cols["row"][i],
            cols["name"][i],
            idcard.mask(cols["id_number"][i]) if cols["id_number"][i] else None,
            cols["school_code"][i],
            _STAGE_ZH.get(cols["stage"][i] or ""),
            cols["grade"][i],
            _LOCATION_ZH.get(cols["school_location"][i] or ""),
            _yes(cols["boarding"][i]),
            _yes(cols["registered_poor"][i]),
        )
        for i in range(part.num_rows)
    ]
    header = ["行", "姓名", "身份证号", "学校代码", "学段", "年级", "学校所在地", "寄宿"]
    header.append("建档立卡")
    total = table.num_rows if count is None else count
    return html_table(header, rows, count=total, caption=caption, limit=limit)


def _yes(value: bool | None) -> str | None:
    return None if value is None else ("是" if value else "否")


class _FindingRow(Protocol):
    """What :func:`findings_html` shows of a finding
    (:class:`~edupoverty.records.findings.Finding` has it)."""

    @property
    def row(self) -> int | None: ...
    @property
    def field(self) -> str | None: ...
    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> FindingSeverity: ...
    @property
    def message_zh(self) -> str: ...


def findings_html(findings: Iterable[_FindingRow], *, limit: int = HTML_ROWS) -> str:
    """The first ``limit`` findings as an HTML table (row, field, code, severity, message in
    Chinese), every text escaped; a last line counts the rest.

    Examples:
        >>> from edupoverty.records.findings import finding
        >>> page = findings_html([finding("field.missing", row=2, field="<name>")])
        >>> "&lt;name&gt;" in page, "<name>" in page
        (True, False)
    """
    fs = list(findings)
    rows = ((f.row, f.field, f.code, f.severity.zh, f.message_zh) for f in fs)
    return html_table(["行", "字段", "代码", "级别", "说明"], rows, count=len(fs), limit=limit)


def roster_html(result: Any, students: pa.Table, *, limit: int = HTML_ROWS) -> str:
    """The HTML of a roster reading (``source``, ``rows``, ``accepted``, ``rejected``,
    ``blank_rows``, ``findings``): its counts, the first accepted ``students`` (a student
    table holding at least the first ``limit``, :func:`students_html`) and the first
    findings (:func:`findings_html`).

    Examples:
        >>> from edupoverty.records.roster import read_rows
        >>> r = read_rows(["name", "id_number", "school_code", "stage", "school_location"],
        ...               [["张三", "11010520120307002X", "1", "primary", "rural"],
        ...                ["<i>李四</i>", "123", "1", "primary", "rural"]], source="a&b.csv")
        >>> page = roster_html(r, r.to_arrow())
        >>> "a&amp;b.csv" in page, "共 2 行" in page, "<i>" in page
        (True, True, False)
    """
    head = (
        f"<p><b>{_cell(result.source)}</b>：共 {result.rows} 行，接收 {result.accepted} 行，"
        f"退回 {len(result.rejected)} 行，空行 {result.blank_rows} 行；"
        f"{len(result.findings)} 条发现 / {result.rows} rows, {result.accepted} accepted, "
        f"{len(result.rejected)} rejected, {result.blank_rows} blank; "
        f"{len(result.findings)} findings</p>"
    )
    caption = "接收的学生 / accepted"
    parts = [head, students_html(students, count=result.accepted, caption=caption, limit=limit)]
    if result.findings:
        parts.append(findings_html(result.findings, limit=limit))
    return "".join(parts)
