"""DataFrames in and out (数据框): rosters, assessments and findings for notebooks.

A front door, like :mod:`edupoverty.cli`: it imports the rooms, the rooms never import it.
pandas and polars are optional (extras ``pandas``, ``polars``); nothing here imports them
before a frame is handed in or asked for.

- :func:`assess_frame` takes a pandas or polars DataFrame (or an Arrow table) holding the
  roster's columns — the English field names of
  :data:`~edupoverty.records.columns.STUDENT_SCHEMA` or the Chinese headers of the roster
  format (``姓名``, ``身份证号``, ``学段`` …) — checks every row exactly as a roster file is
  checked (:func:`read_frame`), assesses the accepted rows (:func:`~edupoverty.rules.assess_table`)
  and gives back the same kind of frame with the entitlement columns added.
- :func:`read_frame` is the check alone: a :class:`~edupoverty.records.reader.RosterTable`
  (accepted rows, findings, rejected rows) of a frame.
- :func:`assessments_to_arrow` (``_pandas``, ``_polars``) turns a list of
  :class:`~edupoverty.rules.Assessment` into the assessment table
  (:mod:`edupoverty.rules.table_schema`); :func:`findings_to_arrow` (``_pandas``,
  ``_polars``) a list of findings into the findings table.

Money is exact everywhere: ``decimal128(18, 2)`` in Arrow, a pandas
``ArrowDtype(decimal128(18, 2))`` column (never ``float64``), a polars ``Decimal``. An amount
not configured (未配置) is missing (``<NA>``, ``null``), never 0 — add it up with
``sum(min_count=1)`` in pandas (``docs/api/front-door.md``).

Examples:
    >>> import pandas as pd
    >>> from edupoverty.rules import load_policy
    >>> df = pd.DataFrame({"姓名": ["张三"], "身份证号": ["11010520120307002X"],
    ...                    "学校代码": ["3412001"], "学段": ["初中"], "学校所在地": ["乡村"]})
    >>> out = assess_frame(df, load_policy("seed"), 2019)
    >>> out.loc[0, "姓名"], out.loc[0, "total"], str(out["total"].dtype)
    ('张三', Decimal('1780.00'), 'decimal128(18, 2)[pyarrow]')
"""

from __future__ import annotations

import importlib
import math
import operator
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.disclosure.public_list import NOT_CONFIGURED
from edupoverty.errors import ArgumentError, InputError
from edupoverty.records.columns import MONEY
from edupoverty.records.enums import FundingLevel, ProgrammeForm
from edupoverty.records.findings import Finding, findings_table
from edupoverty.records.reader import RosterTable, read_source
from edupoverty.records.tables import MissingExtraError, to_pandas, to_polars
from edupoverty.rules import Assessment, NotConfigured, Policy, assess_table
from edupoverty.rules.table_schema import (
    FUNDING_COLUMNS,
    PASSED_COLUMNS,
    TIER_SUFFIX,
    TOTAL_COLUMNS,
    assessment_schema,
    not_configured_rows,
    programme_columns,
)

__all__ = [
    "FrameRowsError",
    "MissingExtraError",
    "assess_frame",
    "assessments_to_arrow",
    "assessments_to_pandas",
    "assessments_to_polars",
    "entitlement_rows",
    "findings_to_arrow",
    "findings_to_pandas",
    "findings_to_polars",
    "frame_to_arrow",
    "read_frame",
    "to_pandas",
    "to_polars",
]

FIRST_ROW = 2
"""The row number of a frame's first row in findings: as in the CSV the frame would write
(``df.to_csv(index=False)``: the header is row 1)."""


class FrameRowsError(InputError):
    """Rows of a frame given to :func:`assess_frame` were rejected by the roster checks.

    ``findings`` holds every finding of the rejected rows (warnings too), ``rows`` their row
    numbers (position + 2, as in the CSV the frame would write), ``roster`` the whole
    :class:`~edupoverty.records.reader.RosterTable` (accepted rows too). The message names
    the rows, fields and codes of the errors (the first ten), never a value.

    Examples:
        >>> import pandas as pd
        >>> from edupoverty.rules import load_policy
        >>> df = pd.DataFrame({"name": ["张三"], "id_number": ["123"], "school_code": ["1"],
        ...                    "stage": ["primary"], "school_location": ["rural"]})
        >>> try:
        ...     assess_frame(df, load_policy("seed"), 2019)
        ... except FrameRowsError as e:
        ...     print(e.code, e.rows, e.message("en"))
        frame.rows (2,) 1 row of the frame rejected: row 2 id_number (id.length); ...
    """

    code = "frame.rows"
    default_zh = "数据框中有未通过检查的行"
    default_en = "rows of the frame were rejected"

    def __init__(self, roster: RosterTable) -> None:
        self.roster = roster
        self.rows = tuple(r.row for r in roster.rejected)
        self.findings = tuple(f for r in roster.rejected for f in r.findings)
        errors = [f for f in self.findings if f.is_error]
        where = [f"row {f.row} {f.field} ({f.code})" for f in errors[:10]]
        where_zh = [f"第{f.row}行 {f.field}（{f.code}）" for f in errors[:10]]
        more = len(errors) - len(where)
        tail_en = f"; … {more} more" if more > 0 else ""
        tail_zh = f"；另有 {more} 条" if more > 0 else ""
        hint_en = "; see .findings, or pass invalid='drop' to assess the other rows"
        hint_zh = "；详见 .findings，或传入 invalid='drop' 只测算其余的行"
        super().__init__(
            f"数据框有 {len(self.rows)} 行未通过检查：{'；'.join(where_zh)}{tail_zh}{hint_zh}",
            f"{len(self.rows)} row{'s' if len(self.rows) != 1 else ''} of the frame rejected: "
            f"{'; '.join(where)}{tail_en}{hint_en}",
        )


def _kind(frame: Any) -> str:
    if isinstance(frame, pa.Table):
        return "arrow"
    module = type(frame).__module__.split(".")[0]
    if module in ("pandas", "polars") and type(frame).__name__ == "DataFrame":
        return module
    raise ArgumentError(
        "frame",
        " pandas 或 polars 的 DataFrame，或 pyarrow.Table",
        "a pandas or polars DataFrame, or a pyarrow.Table",
        type(frame).__name__,
    )


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def frame_to_arrow(frame: Any) -> pa.Table:
    """A pandas or polars DataFrame (or an Arrow table) as an Arrow table, column by column,
    the pandas index left out. A pandas column Arrow cannot type (mixed values) becomes
    text.

    Examples:
        >>> import pandas as pd
        >>> frame_to_arrow(pd.DataFrame({"grade": [3, "三年级"]})).column("grade").to_pylist()
        ['3', '三年级']
    """
    kind = _kind(frame)
    if kind == "arrow":
        return frame
    if kind == "polars":
        table: pa.Table = frame.to_arrow()
        return table
    arrays = []
    for name in frame.columns:
        series = frame[name]
        try:
            arrays.append(pa.array(series, from_pandas=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
            values = [None if _missing(v) else str(v) for v in series.tolist()]
            arrays.append(pa.array(values, pa.string()))
    return pa.table(arrays, names=[str(n) for n in frame.columns])


def _as_text(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """A column as the text a roster cell would hold (missing: empty)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    kind = column.type
    if pa.types.is_dictionary(kind):
        return _as_text(column.cast(kind.value_type))
    if pa.types.is_null(kind):
        return pa.array([""] * len(column), pa.string())
    if pa.types.is_boolean(kind):
        text = pc.if_else(column, "true", "false")
    elif pa.types.is_timestamp(kind):
        text = pc.cast(pc.cast(column, pa.date32()), pa.string())
    elif pa.types.is_floating(kind):
        values = column.to_numpy(zero_copy_only=False)
        finite = values[~np.isnan(values)]
        whole = bool(np.all(finite == np.floor(finite))) and bool(np.all(np.abs(finite) < 2**53))
        text = pc.cast(pc.cast(column, pa.int64()) if whole else column, pa.string())
    else:
        try:
            text = pc.cast(column, pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            text = pa.array([None if v is None else str(v) for v in column.to_pylist()])
    return pc.fill_null(text, "")


class _FrameSource:
    """A frame's columns as a roster source (:class:`~edupoverty.records.reader.RosterReading`):
    the column names are the header, every cell the text a file would hold."""

    encoding = None
    above_header = ()
    bad_rows: Sequence[Any] = ()

    def __init__(self, table: pa.Table, first_row: int) -> None:
        self.header = tuple(table.column_names)
        self.header_row = first_row - 1
        data = {str(i): _as_text(table.column(i)) for i in range(table.num_columns)}
        data["row"] = pa.array(np.arange(first_row, first_row + table.num_rows, dtype=np.int64))
        self._batch = pa.record_batch(data)

    def batches(self) -> Iterator[pa.RecordBatch]:
        yield self._batch


def read_frame(
    frame: Any,
    *,
    source: str = "<frame>",
    today: date | None = None,
    school_year: int | None = None,
    first_row: int = FIRST_ROW,
) -> RosterTable:
    """Check a frame's rows as a roster file's rows are checked and read them into a
    :class:`~edupoverty.records.reader.RosterTable`: the accepted rows as a typed student
    table, every finding, the rejected rows. The columns are named as the roster's fields
    (``id_number``) or its Chinese headers (``身份证号``); other columns are
    ``column.unknown`` warnings. Each cell is read as its text would be (a number, a date, a
    bool too). Row ``i`` (from 0) of the frame is row ``first_row + i`` in the findings: by
    default as in the CSV the frame would write. ``today`` and ``school_year`` as
    :func:`~edupoverty.records.reader.read_roster_table`.

    Examples:
        >>> import polars as pl
        >>> df = pl.DataFrame({"name": ["张三", "李四"], "school_code": ["1", "1"],
        ...                    "id_number": ["11010520120307002X", "110105201203070021"],
        ...                    "stage": ["primary"] * 2, "school_location": ["rural"] * 2})
        >>> t = read_frame(df)
        >>> t.accepted, [(f.row, f.code) for f in t.errors]
        (1, [(3, 'id.checksum')])
    """
    table = frame_to_arrow(frame)
    src = _FrameSource(table, first_row)
    return read_source(src, source, today=today, school_year=school_year)


def assess_frame(
    frame: Any,
    policy: Policy,
    school_year: int,
    *,
    invalid: str = "raise",
    today: date | None = None,
) -> Any:
    """Assess every student of a frame: the same kind of frame (pandas in, pandas out;
    polars in, polars out; an Arrow table in, an Arrow table out), its rows and columns as
    given, with the columns of the assessment table added (``total``, ``cash_total``,
    ``waiver_total``, ``in_kind_total``, one per programme, ``not_configured``, the funding
    split: :mod:`edupoverty.rules.table_schema`). The amounts are what
    :func:`~edupoverty.rules.assess_many` gives the same students; a programme that does not
    apply, or whose amount is not configured, is missing (never 0).

    The rows are checked first as :func:`read_frame` checks them (so as a roster file is).
    ``invalid`` says what a rejected row does: ``"raise"`` (default) raises
    :class:`FrameRowsError` naming every rejected row and field; ``"drop"`` leaves the
    rejected rows out of the result (see them with :func:`read_frame`). A row with every
    cell missing is refused the same way (an :class:`~edupoverty.errors.InputError`,
    ``frame.empty_rows``, naming the rows) or left out with ``"drop"``. Warnings never
    stop a row. An added column named as a column of the frame is an
    :class:`~edupoverty.errors.InputError`.

    Examples:
        >>> import polars as pl
        >>> from edupoverty.rules import load_policy
        >>> df = pl.DataFrame({"name": ["王五", "李四"], "school_code": ["A", "A"],
        ...                    "id_number": ["11010520120307002X", "123"],
        ...                    "stage": ["senior"] * 2, "school_location": ["city"] * 2,
        ...                    "registered_poor": [True, True]})
        >>> out = assess_frame(df, load_policy("seed"), 2019, invalid="drop")
        >>> out.select("name", "total", "senior.fee_waiver", "not_configured").rows()
        [('王五', Decimal('5000.00'), None, ['senior.fee_waiver'])]
    """
    kind = _kind(frame)
    if invalid not in ("raise", "drop"):
        raise ArgumentError("invalid", '"raise" 或 "drop"', '"raise" or "drop"', repr(invalid))
    roster = read_frame(frame, today=today, school_year=school_year)
    if roster.rejected and invalid == "raise":
        raise FrameRowsError(roster)
    if roster.blank_rows and invalid == "raise":
        raise _blank_rows(roster, _height(frame, kind))
    assessed = assess_table(roster.table, policy, school_year)
    passed = {name for name, _ in PASSED_COLUMNS}
    added = assessed.select([n for n in assessed.column_names if n not in passed])
    names = [str(n) for n in (frame.column_names if kind == "arrow" else frame.columns)]
    clash = [n for n in added.column_names if n in names]
    if clash:
        raise InputError(
            f"数据框已有测算结果的列：{'、'.join(clash)}",
            f"the frame already has columns of the assessment: {', '.join(clash)}",
        )
    positions = roster.table.column("row").to_numpy() - FIRST_ROW
    everything = len(positions) == _height(frame, kind)
    if kind == "arrow":
        kept = frame if everything else frame.take(pa.array(positions))
        for name in added.column_names:
            kept = kept.append_column(added.schema.field(name), added.column(name))
        return kept
    if kind == "polars":
        pl = importlib.import_module("polars")
        kept = frame if everything else frame[positions.tolist()]
        return pl.concat([kept, to_polars(added)], how="horizontal")
    kept = frame.copy() if everything else frame.iloc[positions].copy()
    extra = to_pandas(added)
    for name in extra.columns:
        kept[name] = extra[name].array  # by position, whatever the frame's index
    return kept


def _height(frame: Any, kind: str) -> int:
    return int(frame.num_rows if kind == "arrow" else len(frame))


def _blank_rows(roster: RosterTable, height: int) -> InputError:
    """The error for the empty rows of a frame (every cell missing): neither accepted nor
    rejected, they would otherwise be left out of the result unsaid."""
    seen = {r.row for r in roster.rejected}
    seen.update(roster.table.column("row").to_pylist())
    empty = [row for row in range(FIRST_ROW, FIRST_ROW + height) if row not in seen]
    shown = ", ".join(map(str, empty[:10])) + (" …" if len(empty) > 10 else "")
    err = InputError(
        f"数据框有 {len(empty)} 行全部为空：第 {shown} 行；传入 invalid='drop' 可略去这些行",
        f"{len(empty)} row{'s' if len(empty) != 1 else ''} of the frame are empty: row "
        f"{shown}; pass invalid='drop' to leave them out",
    )
    err.code = "frame.empty_rows"
    return err


# --- assessments and findings as tables --------------------------------------------------


def assessments_to_arrow(
    assessments: Iterable[Assessment], policy: Policy | None = None
) -> pa.Table:
    """Assessments as the assessment table (:mod:`edupoverty.rules.table_schema`), one row
    each, in order: the table :func:`~edupoverty.rules.assess_table` gives of the same
    students. With ``policy`` the schema is exactly that of ``assess_table`` (its field
    metadata too); without, the programme columns are those of the first assessment's
    decisions (every programme of its policy, in order), and the tier columns those of the
    programmes some entitlement gives a tier. A programme that does not apply or whose
    amount is not configured is null, never 0.

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.rules import assess_many, load_policy
        >>> s = Student(name="王五", id_number="11010520120307002X", school_code="A",
        ...             stage=Stage.SENIOR, school_location=SchoolLocation.CITY,
        ...             registered_poor=True, row=2)
        >>> t = assessments_to_arrow(assess_many([s], load_policy("seed"), 2019))
        >>> t.column("total").to_pylist(), t.column("senior.fee_waiver").to_pylist()
        ([Decimal('5000.00')], [None])
        >>> t.column("not_configured").to_pylist()
        [['senior.fee_waiver']]
        >>> t.column("senior.national_grant.tier").to_pylist()  # registered poor: tier 1
        [1]
    """
    items = list(assessments)
    if policy is not None:
        programmes = [p.id for p in policy.programmes]
        tiered = [p.id for p in policy.programmes if p.tiered]
    else:
        programmes = [d.programme for d in items[0].decisions] if items else []
        given = {e.programme for a in items for e in a.entitlements if e.tier is not None}
        tiered = [p for p in programmes if p in given]
    values: dict[int, list[Any]] = {}
    passed = operator.attrgetter(*(n for n, _ in PASSED_COLUMNS))
    rows = []
    for a in items:
        key = id(a.result)
        if key not in values:
            values[key] = _result_values(a, programmes, tiered)
        rows.append([*passed(a.student), *values[key]])
    names = [
        *(n for n, _ in PASSED_COLUMNS),
        *TOTAL_COLUMNS,
        *programmes,
        *(p + TIER_SUFFIX for p in tiered),
        "not_configured",
        *FUNDING_COLUMNS,
    ]
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    if policy is not None:
        year = items[0].school_year if items else None
        schema = assessment_schema(policy, year)
    else:
        fields = [pa.field(n, t) for n, t in PASSED_COLUMNS]
        fields += [pa.field(n, MONEY) for n in (*TOTAL_COLUMNS, *programmes)]
        fields += [pa.field(p + TIER_SUFFIX, pa.int8()) for p in tiered]
        fields.append(pa.field("not_configured", pa.list_(pa.string())))
        fields += [pa.field(n, MONEY) for n in FUNDING_COLUMNS]
        schema = pa.schema(fields)
    arrays = [pa.array(list(c), schema.field(n).type) for n, c in zip(names, columns, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


def entitlement_rows(assessed: pa.Table) -> Iterator[dict[str, Any]]:
    """The rows a public list shows of an assessment table
    (:func:`~edupoverty.rules.bulk.assess_table`): one per programme that applies to a
    student, students in order and programmes in policy order, as
    :func:`~edupoverty.disclosure.public_list.public_list` takes them: ``row``, ``name``,
    ``school`` (its name, else its code), ``grade``, ``programme`` (the Chinese name),
    ``tier`` and ``amount`` (``未配置`` where the policy gives none).

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.records.columns import table_from_students
        >>> from edupoverty.rules import assess_table, load_policy
        >>> s = Student(name="王五", id_number="11010520120307002X", school_code="A",
        ...             stage=Stage.SENIOR, school_location=SchoolLocation.CITY,
        ...             registered_poor=True, row=2)
        >>> out = assess_table(table_from_students([s]), load_policy("seed"), 2019)
        >>> [(r["programme"], r["tier"], str(r["amount"])) for r in entitlement_rows(out)]
        ... # doctest: +NORMALIZE_WHITESPACE
        [('普通高中国家助学金', 1, '2500.00'), ('普通高中免学杂费', None, '未配置'),
         ('普通高中建档立卡学生生活费补助', None, '2500.00')]
    """
    # each entitlement: the student's index, the programme's, its amount and tier
    at_rows: list[Any] = [np.zeros(0, np.int64)]
    at_programmes: list[Any] = [np.zeros(0, np.int64)]
    names: list[str] = []
    amounts: list[Any] = []
    tiers: list[Any] = []
    unpriced = not_configured_rows(assessed)
    for k, pid in enumerate(programme_columns(assessed.schema)):
        column = assessed[pid]
        applies = np.asarray(column.is_valid(), np.bool_)
        if pid in unpriced:
            applies |= unpriced[pid]
        at = np.flatnonzero(applies)
        at_rows.append(at)
        at_programmes.append(np.full(len(at), k, np.int64))
        meta = assessed.schema.field(pid).metadata or {}
        names.append(meta.get(b"name_zh", pid.encode()).decode())
        amounts += column.take(at).to_pylist()
        tier = pid + TIER_SUFFIX
        tiers += (
            assessed[tier].take(at).to_pylist()
            if tier in assessed.column_names
            else [None] * len(at)
        )
    rows, which = np.concatenate(at_rows), np.concatenate(at_programmes)
    order = np.lexsort((which, rows))  # students in order, each's programmes in order
    passed = assessed.select(["row", "name", "school_name", "school_code", "grade"])
    students = passed.take(pa.array(rows[order])).to_pylist()
    for student, i in zip(students, order.tolist(), strict=True):
        amount = amounts[i]
        yield {
            "row": student["row"],
            "name": student["name"],
            "school": student["school_name"] or student["school_code"],
            "grade": student["grade"],
            "programme": names[which[i]],
            "tier": tiers[i],
            "amount": NOT_CONFIGURED if amount is None else amount,
        }


def _result_values(a: Assessment, programmes: list[str], tiered: list[str]) -> list[Any]:
    """Totals, programme amounts, tiers, programmes not configured and the funding split of
    one (shared) result, in the columns' order."""
    tiers = {e.programme: e.tier for e in a.entitlements}
    amounts: dict[str, Decimal | None] = dict.fromkeys(programmes)
    funding = dict.fromkeys(FundingLevel, Decimal("0.00"))
    unknown = Decimal("0.00")
    for e in a.entitlements:
        if not isinstance(e.amount, Decimal):
            continue
        amounts[e.programme] = e.amount
        if isinstance(e.funding, NotConfigured):
            unknown += e.amount
        else:
            for level, part in e.funding.items():
                funding[level] += part
    totals = [a.total, *_form_totals(a)]
    listed = [e.programme for e in a.not_configured]
    return [
        *totals,
        *(amounts[p] for p in programmes),
        *(tiers.get(p) for p in tiered),
        listed,
        *funding.values(),
        unknown,
    ]


def _form_totals(a: Assessment) -> list[Decimal]:
    by_form = {
        ProgrammeForm.CASH: a.cash_total,
        ProgrammeForm.WAIVER: a.waiver_total,
        ProgrammeForm.IN_KIND: a.in_kind_total,
    }
    return [by_form[form] for form in ProgrammeForm]


def assessments_to_pandas(assessments: Iterable[Assessment], policy: Policy | None = None) -> Any:
    """:func:`assessments_to_arrow` as a pandas ``DataFrame`` (exact decimals, ``<NA>``).

    Examples:
        >>> assessments_to_pandas([]).shape[0]
        0
    """
    return to_pandas(assessments_to_arrow(assessments, policy))


def assessments_to_polars(assessments: Iterable[Assessment], policy: Policy | None = None) -> Any:
    """:func:`assessments_to_arrow` as a polars ``DataFrame``.

    Examples:
        >>> assessments_to_polars([]).columns[:2]
        ['row', 'name']
    """
    return to_polars(assessments_to_arrow(assessments, policy))


def findings_to_arrow(findings: Iterable[Finding]) -> pa.Table:
    """Findings (what :func:`~edupoverty.records.validate` gives, or a reading's
    ``findings``) as the findings table: ``row, field, code, severity, message_zh,
    message_en``.

    Examples:
        >>> from edupoverty.records import finding
        >>> findings_to_arrow([finding("field.missing", row=2, field="name")]).num_rows
        1
    """
    return findings_table(findings)


def findings_to_pandas(findings: Iterable[Finding]) -> Any:
    """:func:`findings_to_arrow` as a pandas ``DataFrame``.

    Examples:
        >>> from edupoverty.records import finding
        >>> findings_to_pandas([finding("id.checksum", row=7, field="id_number")]).loc[0, "row"]
        7
    """
    return to_pandas(findings_table(findings))


def findings_to_polars(findings: Iterable[Finding]) -> Any:
    """:func:`findings_to_arrow` as a polars ``DataFrame``.

    Examples:
        >>> from edupoverty.records import finding
        >>> findings_to_polars([finding("id.region", row=3, field="id_number")])["severity"][0]
        'warning'
    """
    return to_polars(findings_table(findings))
