"""Reading a roster into a table (读取名单): sources → schema → checks → the roster table.

:func:`read_roster_table` streams a CSV or XLSX roster as Arrow batches of text
(:mod:`~edupoverty.records.sources`), maps the header to the declared columns
(:mod:`~edupoverty.records.schema`), checks each batch column by column
(:mod:`~edupoverty.records.checks`) and returns a :class:`RosterTable`: the accepted rows as
a typed Arrow table (:data:`~edupoverty.records.columns.STUDENT_SCHEMA`), every finding, and
the rejected rows with all their findings. Every row of the file is accounted for: ``rows``
= accepted + rejected; blank rows are counted apart.

A student is counted once (R-REC-3, R-STK-3): a later row with the same ID number — in any
spelling: ``x``/``X``, spaces, hyphens — is rejected with ``report.duplicate`` naming the
first row, and never enters the table.

Examples:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
    ...     "张三,11010520120307002X,3412001,小学,乡村\\n"
    ...     "张三,110105 20120307002x,3412001,小学,乡村\\n"
    ...     "李四,123,3412001,小学,乡村\\n", encoding="utf-8")
    >>> t = read_roster_table(p)
    >>> t.rows, t.accepted, [(r.row, r.findings[0].code) for r in t.rejected]
    (3, 1, [(3, 'report.duplicate'), (4, 'id.length')])
    >>> t.table.column("name").to_pylist()
    ['张三']
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from attrs import field, frozen

from edupoverty.records.checks import (
    Checked,
    Problem,
    age_finding,
    age_stage,
    check_batch,
    problem_rank,
)
from edupoverty.records.columns import STUDENT_SCHEMA, students_from_table
from edupoverty.records.duplicates import Seen, duplicate_finding
from edupoverty.records.enums import Stage
from edupoverty.records.findings import FINDING_SCHEMA, Finding, HasFindings, finding
from edupoverty.records.model import Student
from edupoverty.records.schema import ROSTER, ROSTER_KEYS, Header, names_a_header
from edupoverty.records.sources import open_source
from edupoverty.records.tables import TableResult, roster_html

__all__ = [
    "FINDING_SCHEMA",
    "RejectedRow",
    "RosterReading",
    "RosterTable",
    "Seen",
    "duplicate_finding",
    "read_roster_batches",
    "read_roster_table",
    "read_source",
    "reject_repeats",
]

_STAGE: dict[str, Stage] = {s.value: s for s in Stage}


@frozen
class RejectedRow:
    """A row that was not accepted: its spreadsheet row number and every problem in it.

    Examples:
        >>> r = RejectedRow(3, (finding("field.missing", row=3, field="name"),))
        >>> r.row, r.findings[0].code
        (3, 'field.missing')
    """

    row: int
    findings: tuple[Finding, ...]
    source: str | None = None


@frozen(repr=False)
class RosterTable(HasFindings, TableResult):
    """What :func:`read_roster_table` found in one roster file.

    ``table`` holds the accepted rows (:data:`~edupoverty.records.columns.STUDENT_SCHEMA`,
    in file order); ``findings`` every finding in row order (``column.unknown`` and rows
    above the header first); ``rejected`` each rejected row with its findings; ``rows`` =
    accepted + rejected (blank rows counted apart in ``blank_rows``).

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
        ...     "张三,11010520120307002X,3412001,小学,乡村\\n", encoding="utf-8")
        >>> t = read_roster_table(p)
        >>> next(t.students()).name, t.findings_table().num_rows
        ('张三', 0)
        >>> t.to_pandas()["name"].tolist(), t.to_polars()["school_code"].to_list()
        (['张三'], ['3412001'])
        >>> t  # doctest: +ELLIPSIS
        RosterTable(source='.../r.csv', rows=1, accepted=1, rejected=0, findings=0)
    """

    source: str
    table: pa.Table
    rejected: tuple[RejectedRow, ...]
    findings: tuple[Finding, ...]
    rows: int
    unknown_columns: tuple[str, ...] = ()
    encoding: str | None = None
    blank_rows: int = 0
    headers: dict[str, str] = field(factory=dict, eq=False)
    """Field name → the column's header as the file writes it (``身份证号``)."""
    names: dict[int, str] = field(factory=dict, eq=False)
    """Row → the student's name, for the rows with findings (a report names them)."""

    @property
    def accepted(self) -> int:
        """Number of accepted rows."""
        return int(self.table.num_rows)

    def students(self) -> Iterator[Student]:
        """The accepted rows as :class:`~edupoverty.records.model.Student` records, built
        on demand, in order."""
        return students_from_table(self.table)

    def student(self, i: int) -> Student:
        """The :class:`~edupoverty.records.model.Student` of accepted row ``i``."""
        return next(students_from_table(self.table.slice(i, 1)))

    def to_arrow(self) -> pa.Table:
        """The accepted rows (:data:`~edupoverty.records.columns.STUDENT_SCHEMA`); also as
        frames: ``to_pandas()``, ``to_polars()``."""
        return self.table

    def __repr__(self) -> str:
        return (
            f"RosterTable(source={self.source!r}, rows={self.rows}, accepted={self.accepted}, "
            f"rejected={len(self.rejected)}, findings={len(self.findings)})"
        )

    def _repr_html_(self) -> str:
        return roster_html(self, self.table)


def _finding(p: Problem, row: int, source: str) -> Finding:
    return finding(
        p.code, row=row, field=p.field, source=source, detail_zh=p.detail_zh, detail_en=p.detail_en
    )


def read_roster_table(
    path: str | os.PathLike[str],
    *,
    today: date | None = None,
    school_year: int | None = None,
    seen: Seen | None = None,
    batch_rows: int = 65_536,
    progress: Callable[[int], object] | None = None,
) -> RosterTable:
    """Read one roster file (CSV or XLSX, Chinese or English headers) into a
    :class:`RosterTable`.

    ``progress``, if given, is called with the number of rows of each batch read (for a
    progress bar).

    ``today`` (default: the current date) bounds birth dates; ``school_year``, if given,
    adds the ``row.age_stage`` warnings (the age at its 1 September against the stage);
    ``seen`` shares duplicate detection with other rosters read before (a repeat of an ID
    accepted there is ``report.duplicate`` naming that file). Raises
    :class:`~edupoverty.errors.RosterError` for a file that cannot be read.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("name,id_number,school_code,stage,school_location\\n"
        ...     "王五,11010520120307002X,1,senior,city\\n", encoding="utf-8")
        >>> [f.code for f in read_roster_table(p, school_year=2019).findings]
        ['row.age_stage']
    """
    reading = read_roster_batches(
        path, today=today, school_year=school_year, seen=seen, batch_rows=batch_rows
    )
    pieces = []
    for piece in reading:
        pieces.append(piece)
        if progress is not None:
            progress(piece.num_rows)
    table = pa.concat_tables(pieces) if pieces else STUDENT_SCHEMA.empty_table()
    return reading.result(table)


def read_source(
    src: Any,
    source_name: str,
    *,
    today: date | None = None,
    school_year: int | None = None,
    seen: Seen | None = None,
    repeats: bool = True,
) -> RosterTable:
    """Read a roster from an opened source into a :class:`RosterTable` (see
    :class:`RosterReading` for what a source is; ``repeats=False``: see there)."""
    reading = RosterReading(
        src, source_name, today=today, school_year=school_year, seen=seen, repeats=repeats
    )
    pieces = list(reading)
    table = pa.concat_tables(pieces) if pieces else STUDENT_SCHEMA.empty_table()
    return reading.result(table)


class RosterReading:
    """A roster being read batch by batch: iterating gives the accepted rows as typed
    tables (:data:`~edupoverty.records.columns.STUDENT_SCHEMA`), in row order, repeated ID
    numbers already left out; once iterated, :meth:`result` gives the findings, the rejected
    rows and the counts. Memory is bounded by the batch, whatever the file's size.

    A source is anything with ``header`` (the header cells), ``header_row``, ``encoding``,
    ``batches()`` (Arrow batches of text columns ``"0"``, ``"1"`` … and ``row``) and
    ``bad_rows`` (:class:`~edupoverty.records.sources.BadRow`: rows that could not be
    split or decoded, known up to each batch's last row when the batch comes) — a
    :class:`~edupoverty.records.sources.TextSource`, or rows already in memory
    (:func:`~edupoverty.records.roster.read_rows`). A source that counts its blank rows
    itself (``blank_rows``) leaves them out of its batches; otherwise they are found here.

    ``repeats=False`` leaves rows with a repeated ID number in the table, for
    :func:`reject_repeats` to find once the rows read elsewhere are known (a roster read in
    pieces, side by side); ``seen`` is then not used.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
        ...     "张三,11010520120307002X,3412001,小学,乡村\\n"
        ...     "李四,123,3412001,小学,乡村\\n", encoding="utf-8")
        >>> reading = read_roster_batches(p)
        >>> sum(t.num_rows for t in reading), reading.result().rows
        (1, 2)
    """

    def __init__(
        self,
        src: Any,
        source_name: str,
        *,
        today: date | None = None,
        school_year: int | None = None,
        seen: Seen | None = None,
        batch_rows: int = 65_536,
        repeats: bool = True,
    ) -> None:
        self.src = src
        self.repeats = repeats
        self.batch_rows = batch_rows
        self.source = source_name
        self.today = today if today is not None else date.today()
        self.school_year = school_year
        self.seen = seen if seen is not None else Seen()
        self.header = Header(list(src.header), ROSTER, source_name)
        self.head: list[Finding] = [
            finding("column.unknown", row=src.header_row, field=c, source=source_name)
            for c in self.header.unknown
        ]
        self.head += [
            finding("row.above_header", row=r, field="(line)", source=source_name)
            for r in getattr(src, "above_header", ())
        ]
        self.per_row: dict[int, list[tuple[int, Finding]]] = {}
        self.errors: set[int] = set()
        self.memo: dict[str, dict[Any, Any]] = {}
        self.names: dict[int, str] = {}  # row → name, for the rows with findings
        self.rows = self.blank = 0
        self.done = False

    def __iter__(self) -> Iterator[pa.Table]:
        src = self.src
        taken = 0  # bad rows handled so far
        find_blank = not hasattr(src, "blank_rows")
        for batch in _regrouped(src.batches(), self.batch_rows):
            last = batch.column("row")[-1].as_py() if batch.num_rows else None
            pending = [b for b in src.bad_rows[taken:] if last is None or b.row <= last]
            taken += len(pending)
            yield self._checked(*self._merged(batch, self._readable(pending)), find_blank)
        width = self._readable(src.bad_rows[taken:])
        if width:
            yield self._checked(*_padded(width, self.header.width), True)
        self.blank += int(getattr(src, "blank_rows", 0))
        self.done = True

    def _readable(self, bad: Sequence[Any]) -> list[Any]:
        """Reject the rows that could not be read at all; return those of another width
        than the header, to be padded or cut and checked."""
        for b in bad:
            if b.code == "row.width":
                continue
            self.rows += 1
            zh, en = _UNREADABLE.get(b.code, _UNREADABLE["row.too_long"])
            f = finding(
                "field.invalid",
                row=b.row,
                field="(line)",
                source=self.source,
                detail_zh=zh,
                detail_en=en,
            )
            self.per_row.setdefault(b.row, []).append((0, f))
            self.errors.add(b.row)
        return [b for b in bad if b.code == "row.width"]

    def _merged(
        self, batch: pa.RecordBatch, width: list[Any]
    ) -> tuple[pa.RecordBatch, np.ndarray[Any, Any], bool]:
        """``batch`` with the rows of another width put in their places, padded or cut; the
        positions of those with cells beyond the header; whether padded rows are in (they
        may be blank)."""
        if not width:
            return batch, np.zeros(0, dtype=np.int64), False
        padded, extra, _ = _padded(width, self.header.width)
        n = batch.num_rows
        both = pa.Table.from_batches([batch, padded]).combine_chunks()
        order = np.argsort(both.column("row").to_numpy(), kind="stable")
        where = np.empty(len(order), dtype=np.int64)
        where[order] = np.arange(len(order))
        merged = both.take(pa.array(order)).to_batches(max_chunksize=both.num_rows)[0]
        return merged, np.sort(where[n + extra]), True

    def _checked(
        self, batch: pa.RecordBatch, extra: np.ndarray[Any, Any], padded: bool, find_blank: bool
    ) -> pa.Table:
        checked = check_batch(
            batch, self.header, self.today, memo=self.memo, find_blank=find_blank or padded
        )
        if extra.size:
            # a row whose header-wide cells are empty but which holds more is not blank
            checked.blank[extra] = False
            checked.problems.append(Problem(extra, "field.invalid", "(extra cells)", *_EXTRA_CELLS))
        self.blank += int(checked.blank.sum())
        self.rows += len(checked.blank) - int(checked.blank.sum())
        table = _accepted(checked, self.source, self.per_row, self.errors, self.school_year)
        if self.repeats:
            table = _without_duplicates(table, self.seen, self.source, self.per_row, self.errors)
        self._name_rows(checked)
        return table

    def _name_rows(self, checked: Checked) -> None:
        """Keep the names of the batch's rows that have findings (for the report)."""
        if not self.per_row:
            return
        rows = np.asarray(checked.rows.to_numpy(zero_copy_only=False), dtype=np.int64)
        found = np.flatnonzero(np.isin(rows, np.fromiter(self.per_row, dtype=np.int64)))
        if found.size:
            names = checked.columns["name"].take(pa.array(found)).to_pylist()
            for pos, name in zip(found.tolist(), names, strict=True):
                if name:
                    self.names[int(rows[pos])] = name

    def result(self, table: pa.Table | None = None) -> RosterTable:
        """What the reading found (call after iterating): a :class:`RosterTable` holding
        ``table`` (the accepted rows, if kept; else an empty table) and every finding."""
        if not self.done:
            for _ in self:
                pass
        per_row = self.per_row
        rejected = tuple(
            RejectedRow(row, tuple(f for _, f in sorted(per_row[row], key=_rank)), self.source)
            for row in sorted(self.errors)
        )
        findings = self.head + [
            f for row in sorted(per_row) for _, f in sorted(per_row[row], key=_rank)
        ]
        return RosterTable(
            source=self.source,
            table=table if table is not None else STUDENT_SCHEMA.empty_table(),
            rejected=rejected,
            findings=tuple(findings),
            rows=self.rows,
            unknown_columns=self.header.unknown,
            encoding=self.src.encoding,
            blank_rows=self.blank,
            headers=dict(self.header.headed),
            names=dict(self.names),
        )


def read_roster_batches(
    path: str | os.PathLike[str],
    *,
    today: date | None = None,
    school_year: int | None = None,
    seen: Seen | None = None,
    batch_rows: int = 65_536,
) -> RosterReading:
    """Read a roster file batch by batch (:class:`RosterReading`): for a roster too large to
    hold, the accepted rows come as typed tables to assess and write one after another.

    Examples:
        >>> read_roster_batches("no/such/roster.csv")
        Traceback (most recent call last):
        ...
        edupoverty.errors.RosterError: roster.not_found: no/such/roster.csv: 文件不存在 / ...
    """
    src = open_source(
        path, find_header=lambda cells: names_a_header(cells, ROSTER_KEYS), batch_rows=batch_rows
    )
    return RosterReading(
        src, str(path), today=today, school_year=school_year, seen=seen, batch_rows=batch_rows
    )


def _regrouped(batches: Iterator[pa.RecordBatch], rows: int) -> Iterator[pa.RecordBatch]:
    """The source's batches gathered into batches of about ``rows`` rows: each column of a
    batch is checked at once, so fewer, larger batches cost less."""
    held: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        held.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield _one(held)
            held, count = [], 0
    if held:
        yield _one(held)


def _one(batches: list[pa.RecordBatch]) -> pa.RecordBatch:
    if len(batches) == 1:
        return batches[0]
    table = pa.Table.from_batches(batches).combine_chunks()
    return table.to_batches(max_chunksize=table.num_rows)[0]


def _rank(item: tuple[int, Finding]) -> int:
    return item[0]


_UNREADABLE = {
    "row.encoding": ("（无法按文件的编码读取）", " (cannot be decoded in the file's encoding)"),
    "row.too_long": ("（该行或单元格过长）", " (the line or a cell is too long)"),
}
_EXTRA_CELLS = ("（表头之外还有内容）", " (cells beyond the last header)")


def _padded(
    bad: list[Any], width: int
) -> tuple[pa.RecordBatch, np.ndarray[Any, np.dtype[np.int64]], bool]:
    """Rows with more or fewer cells than the header, as one batch: short rows padded with
    empty cells, long rows cut at the header's width; the positions of rows whose cut cells
    held something (rejected: ``(extra cells)``); and True: padded rows are in (they may be
    blank)."""
    cells: list[list[str]] = [[] for _ in range(width)]
    extra: list[int] = []
    for k, b in enumerate(bad):
        texts = list(b.cells)
        if len(texts) > width and any(c.strip() for c in texts[width:]):
            extra.append(k)
        for column, text in zip(cells, (texts + [""] * width)[:width], strict=True):
            column.append(text)
    data = {str(i): pa.array(c, pa.string()) for i, c in enumerate(cells)}
    data["row"] = pa.array([b.row for b in bad], pa.int64())
    return pa.record_batch(data), np.asarray(extra, dtype=np.int64), True


# ranks of the findings of an accepted row, after any problem of a rejected one
_REGION, _DUPLICATE, _AGE = 1000, 1001, 1002


def _accepted(
    checked: Checked,
    source: str,
    per_row: dict[int, list[tuple[int, Finding]]],
    errors: set[int],
    school_year: int | None,
) -> pa.Table:
    """The batch's accepted rows as a typed table; findings recorded by row."""
    row_numbers = np.asarray(checked.rows.to_numpy(zero_copy_only=False), dtype=np.int64)
    failed = np.zeros(len(row_numbers), dtype=bool)
    for p in checked.problems:
        if p.code != "id.region":
            failed[p.rows] = True
    for p in checked.problems:
        rank = problem_rank(p.field)
        for pos in p.rows.tolist():
            row = int(row_numbers[pos])
            if p.code == "id.region" and not failed[pos]:
                per_row.setdefault(row, []).append((_REGION, _finding(p, row, source)))
            else:
                per_row.setdefault(row, []).append((rank, _finding(p, row, source)))
    errors.update(int(r) for r in row_numbers[failed])
    keep = pa.array(~failed & ~checked.blank)
    columns = {**checked.columns, "row": checked.rows}
    table = pa.table([columns[f.name] for f in STUDENT_SCHEMA], schema=STUDENT_SCHEMA).filter(keep)
    if school_year is not None and table.num_rows:
        birth = checked.birth.filter(keep)
        positions, ages = age_stage(birth, table.column("stage").combine_chunks(), school_year)
        rows = table.column("row").to_numpy()
        stages = table.column("stage").to_pylist() if positions.size else []
        for pos, age in zip(positions.tolist(), ages.tolist(), strict=True):
            row = int(rows[pos])
            f = age_finding(row, age, _STAGE[stages[pos]], source)
            per_row.setdefault(row, []).append((_AGE, f))
    return table


def _without_duplicates(
    table: pa.Table,
    seen: Seen,
    source: str,
    per_row: dict[int, list[tuple[int, Finding]]],
    errors: set[int],
) -> pa.Table:
    """The table without repeated ID numbers: each later row rejected (report.duplicate)."""
    if not table.num_rows:
        return table
    ids = table.column("id_number").combine_chunks()
    rows = table.column("row").combine_chunks()
    repeats = seen.add(ids, rows, source)
    if not repeats:
        return table
    repeated = np.zeros(table.num_rows, dtype=bool)
    row_list = rows.to_pylist()
    for pos, first in repeats:
        row = row_list[pos]
        f = duplicate_finding(row, first, source)
        per_row.setdefault(row, []).append((_DUPLICATE, f))
        errors.add(row)
        repeated[pos] = True
    return table.filter(pa.array(~repeated))


def reject_repeats(roster: RosterTable, seen: Seen) -> RosterTable:
    """``roster`` (read with ``repeats=False``) as reading it with ``seen`` gives it: each
    accepted row whose ID number ``seen`` holds, or an earlier row of the table holds, is
    rejected with ``report.duplicate`` naming the first row (R-REC-3). ``seen`` then holds
    the table's numbers too. The pieces of a roster read side by side are finished so, each
    with a :class:`Seen` holding the numbers first met in the pieces before it.

    Examples:
        >>> import tempfile, pathlib
        >>> from edupoverty.records.sources import open_source
        >>> from edupoverty.records.schema import ROSTER_KEYS, names_a_header
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
        ...     "张三,11010520120307002X,3412001,小学,乡村\\n"
        ...     "张三,110105-20120307002x,3412001,小学,乡村\\n", encoding="utf-8")
        >>> src = open_source(p, find_header=lambda c: names_a_header(c, ROSTER_KEYS))
        >>> piece = read_source(src, str(p), repeats=False)
        >>> piece.accepted
        2
        >>> t = reject_repeats(piece, Seen())
        >>> t.accepted, [(r.row, r.findings[0].message_en) for r in t.rejected]
        (1, [(3, 'row 3, id_number: duplicate report: the same ID number is also on row 2')])
        >>> t == read_roster_table(p), t.names == read_roster_table(p).names
        (True, True)
    """
    per_row: dict[int, list[tuple[int, Finding]]] = {}
    errors: set[int] = set()
    table = _without_duplicates(roster.table, seen, roster.source, per_row, errors)
    if not errors:
        return roster
    rank = {"id.region": _REGION, "report.duplicate": _DUPLICATE, "row.age_stage": _AGE}
    head = [f for f in roster.findings if f.code in _HEAD_CODES]
    body = [f for f in roster.findings if f.code not in _HEAD_CODES]
    for f in body:  # an accepted row had warnings only: they rank among the duplicate
        if f.row in errors:
            per_row[f.row].append((rank[f.code], f))
    mine = {row: tuple(f for _, f in sorted(per_row[row], key=_rank)) for row in errors}
    body = [f for f in body if f.row not in errors]
    body += [f for row in sorted(errors) for f in mine[row]]
    body.sort(key=_row_key)  # stable: a row's findings keep their order
    rejected = [*roster.rejected]
    rejected += [RejectedRow(row, mine[row], roster.source) for row in errors]
    rejected.sort(key=_rejected_row)
    # the names of the rows now rejected, as reading them with ``seen`` keeps them
    gone = roster.table.filter(pc.is_in(roster.table["row"], pa.array(sorted(errors))))
    rows, named = gone["row"].to_pylist(), gone["name"].to_pylist()
    names = {**roster.names, **dict(zip(rows, named, strict=True))}
    return attrs.evolve(
        roster, table=table, rejected=tuple(rejected), findings=tuple(head + body), names=names
    )


_HEAD_CODES = ("column.unknown", "row.above_header")


def _row_key(f: Finding) -> int:
    return f.row if f.row is not None else 0


def _rejected_row(r: RejectedRow) -> int:
    return r.row
