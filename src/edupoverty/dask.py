"""Rosters beyond one machine, with Dask (全省名单：多机并行).

A front door, like :mod:`edupoverty.cli`: it runs the same table functions as one process —
the reader's checks (:func:`~edupoverty.records.reader.read_source`), the duplicate rule
(:class:`~edupoverty.records.duplicates.Seen`,
:func:`~edupoverty.records.reader.reject_repeats`), :func:`~edupoverty.rules.bulk.assess_table`
and :func:`~edupoverty.rules.table_summary.summarize_table` — on the partitions of one or many
roster files, on whatever Dask scheduler is current (a ``distributed.Client``, or threads).
Needs the ``dask`` extra: ``pip install "edupoverty[dask]"``.

:func:`read_rosters` goes in four steps, each a Dask computation:

1. **split** (a task per file): the file is read once as text batches
   (:func:`~edupoverty.records.sources.open_source`: CSV or XLSX, the spreadsheet's own row
   numbers) and cut into pieces of ``partition_rows`` rows, written as Arrow IPC files to
   ``scratch`` (a directory every worker can reach);
2. **check** (a task per piece): the piece is read and checked as one process reads a file,
   repeated ID numbers left in (``repeats=False``); each piece gives the normalised ID numbers
   (:func:`~edupoverty.records.idcard.keys`) of its accepted rows, first met there;
3. **duplicates across pieces and files**: those keys are shuffled by key (a Dask dataframe
   ``shuffle``); for each key met in several pieces the first (file order, then row order)
   is found, and every later piece is told where that student first came;
4. **finish** (a task per piece): a :class:`~edupoverty.records.duplicates.Seen` holding
   those firsts rejects the repeats with ``report.duplicate``, exactly as one process reading
   the files one after another with one ``Seen`` does.

Every row is accounted for: per file, ``rows`` = accepted + rejected, blank rows apart
(:class:`FileReport`). The accepted rows (and the assessment) stay on the workers as Arrow
tables, one per piece, with a ``source`` column naming the file; :meth:`Rosters.accepted`
and :meth:`Assessed.frame` give them as Dask dataframes; summaries are added up exactly
(:func:`~edupoverty.rules.totals.merge_summaries`, ``Decimal``).

Examples:
    >>> import tempfile, pathlib
    >>> from edupoverty.rules import load_policy
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
    ...     "张三,11010520120307002X,3412001,小学,乡村\\n", encoding="utf-8")
    >>> _ = (d / "b.csv").write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
    ...     "张三,110105 20120307002x,3412001,小学,乡村\\n"
    ...     "李四,123,3412001,小学,乡村\\n", encoding="utf-8")
    >>> with read_rosters([d / "a.csv", d / "b.csv"], scheduler="sync") as rosters:
    ...     reports = rosters.reports()
    ...     summary = rosters.assess(load_policy("seed"), 2019).summary()
    >>> [(r.name, r.rows, r.accepted) for r in reports]
    [('a.csv', 1, 1), ('b.csv', 2, 0)]
    >>> [(x.row, x.findings[0].code) for x in reports[1].rejected]
    [(2, 'report.duplicate'), (3, 'id.length')]
    >>> reports[1].rejected[0].findings[0].message_en
    'row 2, id_number: duplicate report: the same ID number is also on row 2 of .../a.csv'
    >>> summary.students, summary.total
    (1, Decimal('1490.00'))
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import dask.base
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
from attrs import frozen
from dask.delayed import Delayed, delayed

from edupoverty.errors import ArgumentError
from edupoverty.records import idcard
from edupoverty.records.columns import STUDENT_SCHEMA
from edupoverty.records.duplicates import Seen
from edupoverty.records.findings import Finding, HasFindings
from edupoverty.records.reader import RejectedRow, RosterTable, read_source, reject_repeats
from edupoverty.records.schema import ROSTER_KEYS, names_a_header
from edupoverty.records.sources import BadRow, open_source
from edupoverty.records.tables import to_pandas
from edupoverty.rules.bulk import assess_table, summarize_table
from edupoverty.rules.policy import Policy
from edupoverty.rules.totals import Summary, merge_summaries

__all__ = ["Assessed", "FileReport", "Rosters", "read_rosters"]

PARTITION_ROWS = 262_144
"""Rows of a piece by default: a few seconds of checking and about 100 MB on a worker."""

# dask's own functions, typed where they are used
_compute: Callable[..., tuple[Any, ...]] = dask.base.compute
_persist: Callable[..., tuple[Any, ...]] = dask.base.persist

_ROW_BITS = 40  # the order of a row: its file's position, then its row number (< 2**40)
_KEYS_META = pd.DataFrame(
    {
        "key": pd.Series(dtype="int64"),
        "order": pd.Series(dtype="int64"),
        "piece": pd.Series(dtype="int64"),
    }
)
_LATER_META = pd.DataFrame(
    {
        "piece": pd.Series(dtype="int64"),
        "key": pd.Series(dtype="int64"),
        "first": pd.Series(dtype="int64"),
    }
)


@frozen
class FileReport(HasFindings):
    """What reading one file of :func:`read_rosters` found, as
    :class:`~edupoverty.records.reader.RosterTable` says it without the table: ``rows`` =
    ``accepted`` + ``len(rejected)``, blank rows apart; ``findings`` in row order
    (``column.unknown`` and rows above the header first), equal to one process's.

    Examples:
        >>> FileReport("a.csv", "a.csv", 0, 0, (), ()).errors
        ()
    """

    name: str
    source: str
    rows: int
    accepted: int
    rejected: tuple[RejectedRow, ...]
    findings: tuple[Finding, ...]
    blank_rows: int = 0
    unknown_columns: tuple[str, ...] = ()
    encoding: str | None = None


@frozen
class _Piece:
    """A piece of a file cut by the split step: its IPC file and what its reading needs."""

    file: int
    index: int
    path: str | None
    header: tuple[str, ...]
    header_row: int
    above_header: tuple[int, ...]
    encoding: str | None
    bad_rows: tuple[BadRow, ...]


@frozen
class _Split:
    source: str
    pieces: tuple[_Piece, ...]
    blank_rows: int


class _PieceSource:
    """A piece as a source for :class:`~edupoverty.records.reader.RosterReading`."""

    def __init__(self, piece: _Piece) -> None:
        self.header = piece.header
        self.header_row = piece.header_row
        self.above_header = piece.above_header
        self.encoding = piece.encoding
        self.bad_rows = list(piece.bad_rows)
        self.blank_rows = 0  # the split counted them
        self._path = piece.path

    def batches(self) -> Iterator[pa.RecordBatch]:
        if self._path is None:
            return
        with ipc.open_stream(self._path) as reader:
            yield from reader


def _split(file: int, path: str, scratch: str, partition_rows: int) -> _Split:
    """Read a file once as text and cut it into pieces (Arrow IPC files in ``scratch``)."""
    src = open_source(
        path,
        find_header=lambda cells: names_a_header(cells, ROSTER_KEYS),
        batch_rows=min(partition_rows, 65_536),
    )
    cut: list[tuple[str | None, int]] = []  # (IPC file, last row)
    held: list[pa.RecordBatch] = []
    count = 0

    def flush() -> None:
        nonlocal held, count
        name = os.path.join(scratch, f"{file:05d}-{len(cut):06d}.arrow")
        with ipc.new_stream(name, held[0].schema) as writer:
            for b in held:
                writer.write_batch(b)
        cut.append((name, int(held[-1].column("row")[-1].as_py())))
        held, count = [], 0

    for batch in src.batches():
        if batch.num_rows:
            held.append(batch)
            count += batch.num_rows
            if count >= partition_rows:
                flush()
    if held:
        flush()
    if not cut:
        cut.append((None, 0))
    pieces = []
    before = 0
    for k, (name, last) in enumerate(cut):
        final = k == len(cut) - 1
        bad = tuple(b for b in src.bad_rows if b.row > before and (final or b.row <= last))
        pieces.append(
            _Piece(
                file,
                k,
                name,
                src.header,
                src.header_row,
                src.above_header if k == 0 else (),
                src.encoding,
                bad,
            )
        )
        before = last
    return _Split(path, tuple(pieces), src.blank_rows)


def _check(piece: _Piece, source: str, today: date, school_year: int | None) -> RosterTable:
    return read_source(
        _PieceSource(piece), source, today=today, school_year=school_year, repeats=False
    )


def _keys(roster: RosterTable, file: int, piece: int) -> pd.DataFrame:
    """The normalised ID numbers of a piece's accepted rows, each where first met there."""
    table = roster.table
    keys = idcard.keys(table.column("id_number"))
    distinct, first = np.unique(keys, return_index=True)
    rows = np.asarray(table.column("row").to_numpy(), dtype=np.int64)[first]
    return pd.DataFrame(
        {
            "key": distinct,
            "order": (np.int64(file) << _ROW_BITS) | rows,
            "piece": np.full(len(distinct), piece, dtype=np.int64),
        }
    )


def _later(part: pd.DataFrame) -> pd.DataFrame:
    """In a shuffled partition (every row of a key together): each key's meetings after the
    first, with the order of the first."""
    part = part.sort_values(["key", "order"], kind="stable")
    key = part["key"].to_numpy()
    order = part["order"].to_numpy()
    starts = np.ones(len(key), dtype=bool)
    starts[1:] = key[1:] != key[:-1]
    first = order[np.maximum.accumulate(np.where(starts, np.arange(len(key)), 0))]
    later = ~starts
    return pd.DataFrame(
        {"piece": part["piece"].to_numpy()[later], "key": key[later], "first": first[later]}
    )


def _finish(
    roster: RosterTable,
    keys: np.ndarray[Any, Any],
    first: np.ndarray[Any, Any],
    sources: tuple[str, ...],
) -> RosterTable:
    """Reject the piece's repeats, with a :class:`Seen` holding the firsts met before it."""
    seen = Seen()
    if len(keys):
        table = roster.table
        mine = idcard.keys(table.column("id_number"))
        distinct, at = np.unique(mine, return_index=True)
        ids = (
            table.column("id_number")
            .combine_chunks()
            .take(pa.array(at[np.searchsorted(distinct, keys)]))
        )
        files = first >> _ROW_BITS
        rows = first & ((1 << _ROW_BITS) - 1)
        for f in np.unique(files).tolist():
            hit = np.flatnonzero(files == f)
            seen.add(ids.take(pa.array(hit)), pa.array(rows[hit]), sources[f])
    return reject_repeats(roster, seen)


def _accepted(roster: RosterTable, name: str) -> pa.Table:
    table = roster.table
    return table.append_column("source", pa.repeat(pa.scalar(name, pa.string()), table.num_rows))


_EMPTY_PIECE = STUDENT_SCHEMA.empty_table().append_column("source", pa.array([], pa.string()))
"""A piece without rows: the columns of every piece of accepted rows."""


def _assessed(accepted: pa.Table, policy: Policy, school_year: int) -> pa.Table:
    out = assess_table(accepted, policy, school_year)
    return out.append_column("source", accepted.column("source"))


def _frame(parts: list[Delayed], meta: pa.Table) -> dd.DataFrame:
    """Arrow tables as a Dask dataframe; money and every type kept (Arrow-backed columns)."""
    convert = delayed(to_pandas, pure=True)
    frame: dd.DataFrame = dd.from_delayed(
        [convert(p) for p in parts], meta=to_pandas(meta), verify_meta=False
    )
    return frame


class Rosters:
    """Rosters read by :func:`read_rosters`: the pieces, checked and without repeats, held by
    the workers (``with`` closes it: the split pieces are deleted).

    Attributes:
        sources: the files, in the order given (the order of duplicate detection).
        pieces: one ``dask.delayed`` per piece, in file then row order: its accepted rows as
            an Arrow table (:data:`~edupoverty.records.columns.STUDENT_SCHEMA` and
            ``source``, the file's name).
    """

    def __init__(
        self,
        sources: tuple[str, ...],
        pieces: list[Delayed],
        files: list[int],
        reports: list[Delayed],
        scratch: str,
        owned: bool,
    ) -> None:
        self.sources = sources
        self.pieces = pieces
        self._files = files
        self._reports = reports
        self._closer = weakref.finalize(self, shutil.rmtree, scratch, True) if owned else None

    def __enter__(self) -> Rosters:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Delete the split pieces (a scratch directory made by :func:`read_rosters`)."""
        if self._closer is not None:
            self._closer()

    def accepted(self) -> dd.DataFrame:
        """The accepted rows as a Dask dataframe, a partition per piece (Arrow-backed
        columns: money stays exact ``decimal128(18, 2)``)."""
        return _frame(self.pieces, _EMPTY_PIECE)

    def to_arrow(self) -> pa.Table:
        """All the accepted rows as one Arrow table, brought here (a roster that fits)."""
        return _concat(_compute(*self.pieces))

    def reports(self) -> list[FileReport]:
        """Per file, every row accounted for: accepted, rejected with its findings, blank."""
        reports = _compute(*self._reports)
        return [
            _merged_file([r for r, f in zip(reports, self._files, strict=True) if f == file])
            for file in range(len(self.sources))
        ]

    def assess(self, policy: Policy, school_year: int) -> Assessed:
        """Assess every accepted row with :func:`~edupoverty.rules.bulk.assess_table`, piece
        by piece (lazy: nothing runs until asked)."""
        task = delayed(_assessed, pure=True)
        meta = _assessed(_EMPTY_PIECE, policy, school_year)  # its columns, assessed here
        return Assessed([task(p, policy, school_year) for p in self.pieces], meta)


def _report(roster: RosterTable, blank: int) -> FileReport:
    """What a finished piece tells of its rows, without its table (nothing large to move)."""
    name = Path(roster.source).name
    return FileReport(
        name,
        roster.source,
        roster.rows,
        roster.accepted,
        roster.rejected,
        roster.findings,
        roster.blank_rows + blank,
        roster.unknown_columns,
        roster.encoding,
    )


def _merged_file(pieces: Sequence[FileReport]) -> FileReport:
    """A file's report from those of its pieces (the head findings are each piece's)."""
    first = pieces[0]
    head = [f for f in first.findings if f.code in _HEAD]
    return attrs.evolve(
        first,
        rows=sum(p.rows for p in pieces),
        accepted=sum(p.accepted for p in pieces),
        rejected=tuple(r for p in pieces for r in p.rejected),
        findings=tuple(head + [f for p in pieces for f in p.findings if f.code not in _HEAD]),
        blank_rows=sum(p.blank_rows for p in pieces),
    )


_HEAD = ("column.unknown", "row.above_header")


class Assessed:
    """The assessment tables of :meth:`Rosters.assess`, one per piece.

    Attributes:
        pieces: one ``dask.delayed`` per piece: its assessment table
            (:mod:`edupoverty.rules.table_schema`) and ``source``.
        meta: the same columns without rows (assessed here, from no rows).
    """

    def __init__(self, pieces: list[Delayed], meta: pa.Table) -> None:
        self.pieces = pieces
        self.meta = meta  # an empty assessment table: the columns of every piece's

    def frame(self) -> dd.DataFrame:
        """The assessment as a Dask dataframe (Arrow-backed columns, money exact)."""
        return _frame(self.pieces, self.meta)

    def to_arrow(self) -> pa.Table:
        """The whole assessment as one Arrow table, brought here (a roster that fits)."""
        return _concat(_compute(*self.pieces))

    def summary(self) -> Summary:
        """The :class:`~edupoverty.rules.totals.Summary` of the whole: each piece's
        :func:`~edupoverty.rules.table_summary.summarize_table`, added up exactly in file
        order (what one process gives of all the rows)."""
        parts = _compute(*[delayed(summarize_table, pure=True)(p) for p in self.pieces])
        return merge_summaries(parts)


def _concat(tables: Sequence[pa.Table]) -> pa.Table:
    return pa.concat_tables(tables) if tables else pa.table({})


def read_rosters(
    paths: Sequence[str | os.PathLike[str]],
    *,
    today: date | None = None,
    school_year: int | None = None,
    partition_rows: int = PARTITION_ROWS,
    scratch: str | os.PathLike[str] | None = None,
    scheduler: str | None = None,
) -> Rosters:
    """Read, check and de-duplicate roster files (CSV or XLSX) on the current Dask scheduler,
    as one process reading them one after another with one
    :class:`~edupoverty.records.duplicates.Seen` does (see the module docstring).

    ``today`` (default: the current date, taken here once for every worker) and
    ``school_year`` as for :func:`~edupoverty.records.reader.read_roster_table`. ``scratch``:
    a directory every worker can reach, for the split pieces (default: a new temporary
    directory, deleted by :meth:`Rosters.close`; on several machines give a shared one).
    ``scheduler``: as ``dask.compute`` takes it (``"sync"`` for a test). Raises
    :class:`~edupoverty.errors.RosterError` for a file that cannot be read.

    Examples:
        >>> read_rosters([])
        Traceback (most recent call last):
        ...
        edupoverty.errors.ArgumentError: ...
    """
    if isinstance(paths, str | os.PathLike) or not paths:
        raise ArgumentError("paths", "一个或多个名单文件", "one or more roster files", "none")
    if (
        not isinstance(partition_rows, int)
        or isinstance(partition_rows, bool)
        or (partition_rows < 1)
    ):
        raise ArgumentError("partition_rows", "正整数", "a positive int", str(partition_rows))
    sources = tuple(str(p) for p in paths)
    day = today if today is not None else date.today()
    owned = scratch is None
    where = tempfile.mkdtemp(prefix="edupoverty-dask-") if scratch is None else str(scratch)
    kw: dict[str, Any] = {} if scheduler is None else {"scheduler": scheduler}
    try:
        split = delayed(_split, pure=True)
        splits: tuple[_Split, ...] = _compute(
            *[split(i, s, where, partition_rows) for i, s in enumerate(sources)], **kw
        )
        pieces = [p for s in splits for p in s.pieces]
        files = [p.file for p in pieces]
        check = delayed(_check, pure=True)
        checked = [check(p, sources[p.file], day, school_year) for p in pieces]
        (checked,) = _persist(checked, **kw)
        keys = dd.from_delayed(
            [
                delayed(_keys, pure=True)(c, p.file, k)
                for k, (c, p) in enumerate(zip(checked, pieces, strict=True))
            ],
            meta=_KEYS_META,
            verify_meta=False,
        )
        later = keys.shuffle(on="key").map_partitions(_later, meta=_LATER_META)
        found: pd.DataFrame = later.compute(**kw)
        finish = delayed(_finish, pure=True)
        by_piece = {int(k): g for k, g in found.groupby("piece")}
        finished = []
        for k, c in enumerate(checked):
            g = by_piece.get(k)
            ks = g["key"].to_numpy() if g is not None else np.zeros(0, np.int64)
            fs = g["first"].to_numpy() if g is not None else np.zeros(0, np.int64)
            finished.append(finish(c, ks, fs, sources))
        (finished,) = _persist(finished, **kw)
    except BaseException:
        if owned:
            shutil.rmtree(where, ignore_errors=True)
        raise
    accepted = delayed(_accepted, pure=True)
    tables = [
        accepted(f, Path(sources[p.file]).name) for f, p in zip(finished, pieces, strict=True)
    ]
    blank = [s.blank_rows for s in splits]
    report = delayed(_report, pure=True)
    reports = [
        report(f, blank[p.file] if p.index == 0 else 0)
        for f, p in zip(finished, pieces, strict=True)
    ]
    return Rosters(sources, tables, files, reports, where, owned)
