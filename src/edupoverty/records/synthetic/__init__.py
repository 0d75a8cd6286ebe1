"""Synthetic rosters: realistic, deterministic, any size (合成数据).

A roster is drawn the way a county or a province sends one: every row independently, from
thousands of schools (each with its code, name, stage, location, fees and its own way of
writing 是/否, dates and amounts), every stage and grade, valid resident ID numbers (a known
province, a birth date that fits the stage and grade, a correct check digit, no number twice),
names, student numbers and bank accounts, statuses and flags drawn apart at plausible rates,
tuition and accommodation fees from many values (some empty), and enrolment dates (most empty,
some in the school year, some in the summer holiday). On request a share of the rows carries
each defect class of the validation report (:data:`DEFECTS`).

Every function takes the keyword :class:`Options`, among them ``repeated=P``, which gives the
old kind of roster instead: ``P`` distinct profiles (everything but name, ID number, student
number and bank account) repeated over the rows. A benchmark on it measures a cache, not the
library. :func:`write_rosters` writes several files that share some students (重报 across
files). :func:`student_table` gives what a reader should make of the rows.

Columns are drawn with NumPy and Arrow a batch of rows at a time (:mod:`.draw`) and written
with ``pyarrow.csv``: a million rows take seconds. The same seed gives the same roster with the
same NumPy version. Everything is invented: names, ID numbers, schools and accounts. The package
is also a command: ``python -m edupoverty.records.synthetic --help``.

Examples:
    >>> from edupoverty.records.synthetic import generate_rows
    >>> rows = list(generate_rows(3, seed=1))
    >>> len(rows), list(rows[0])[:3]
    (3, ['name', 'id_number', 'student_number'])
    >>> rows == list(generate_rows(3, seed=1))
    True
"""

from __future__ import annotations

import argparse
import codecs
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Unpack

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from edupoverty.errors import InputError
from edupoverty.records.columns import STUDENT_SCHEMA, students_from_table
from edupoverty.records.model import Student
from edupoverty.records.outfile import replace_whole
from edupoverty.records.roster import COLUMNS
from edupoverty.records.synthetic.draw import BATCH, DEFECTS, Defects, Options, draw

__all__ = [
    "DEFECTS",
    "HEADER",
    "HEADER_ZH",
    "Options",
    "generate_batches",
    "generate_rows",
    "generate_table",
    "main",
    "student_table",
    "students",
    "write_roster_csv",
    "write_roster_xlsx",
    "write_rosters",
]

HEADER: tuple[str, ...] = tuple(COLUMNS)
"""The English headers of a generated roster, in column order (the fields of ROSTER.md)."""

HEADER_ZH: tuple[str, ...] = tuple(names[0] for names in COLUMNS.values())
"""The Chinese headers, as schools write them (the first name of each column in ROSTER.md)."""

_XLSX_ROWS = 1_048_575


def generate_batches(
    n: int, seed: int = 0, defects: Defects = None, **options: Unpack[Options]
) -> Iterator[pa.RecordBatch]:
    """``n`` roster rows as Arrow record batches of text, columns in :data:`HEADER` order,
    named in English (or in Chinese: ``headers="zh"``); an empty cell is not stated.

    ``defects`` maps a class of :data:`DEFECTS` to the share of rows that carry it, each class
    drawn apart: ``{"id.checksum": 0.01}``.

    Examples:
        >>> batch = next(generate_batches(5, seed=2, headers="zh"))
        >>> batch.num_rows, batch.schema.names[:3]
        (5, ['姓名', '身份证号', '学籍号'])
    """
    names = list(HEADER_ZH if options.get("headers") == "zh" else HEADER)
    if n <= 0:
        yield pa.record_batch([pa.array([], pa.string())] * len(names), names=names)
    for _typed, text in draw(n, seed, defects, options):
        yield pa.record_batch([text[h] for h in HEADER], names=names)


def generate_table(
    n: int, seed: int = 0, defects: Defects = None, **options: Unpack[Options]
) -> pa.Table:
    """The rows of :func:`generate_batches` as one table of text.

    Examples:
        >>> t = generate_table(1000, seed=3, defects={"id.checksum": 0.5}, repeated=20)
        >>> t.num_rows, t.num_columns
        (1000, 37)
    """
    return pa.Table.from_batches(list(generate_batches(n, seed, defects, **options)))


def generate_rows(
    n: int, seed: int = 0, defects: Defects = None, **options: Unpack[Options]
) -> Iterator[dict[str, str]]:
    """Yield ``n`` roster rows, each a dict of texts keyed by :data:`HEADER`.

    Examples:
        >>> from edupoverty.records import idcard
        >>> rows = list(generate_rows(200, seed=7))
        >>> all(idcard.is_valid(r["id_number"]) for r in rows)
        True
        >>> bad = list(generate_rows(200, seed=7, defects={"id.checksum": 1.0}))
        >>> any(idcard.is_valid(r["id_number"]) for r in bad)
        False
    """
    for _typed, text in draw(n, seed, defects, options):
        for cells in zip(*(text[h].to_pylist() for h in HEADER), strict=True):
            yield dict(zip(HEADER, cells, strict=True))


def student_table(n: int, seed: int = 0, **options: Unpack[Options]) -> pa.Table:
    """The typed table (:data:`~edupoverty.records.columns.STUDENT_SCHEMA`) of the rows the
    other functions write with the same arguments, without defects: what a reader should make
    of them, ``row`` being the spreadsheet row (header = 1).

    Examples:
        >>> t = student_table(4, seed=1)
        >>> t.num_rows, t.column("row").to_pylist()
        (4, [2, 3, 4, 5])
    """
    schema = STUDENT_SCHEMA
    batches = [
        pa.record_batch([typed[f].cast(schema.field(f).type) for f in schema.names], schema=schema)
        for typed, _text in draw(n, seed, None, options)
    ]
    return pa.Table.from_batches(batches, schema=schema)


def students(n: int, seed: int = 0, **options: Unpack[Options]) -> list[Student]:
    """``n`` valid :class:`~edupoverty.records.model.Student` records, built in memory by their
    constructor from :func:`student_table`.

    Examples:
        >>> group = students(1000, seed=2)
        >>> len(group), len({s.id_number for s in group})
        (1000, 1000)
        >>> group == students(1000, seed=2)
        True
    """
    return list(students_from_table(student_table(n, seed, **options)))


def _counted(
    batches: Iterable[pa.RecordBatch], progress: Callable[[int], object] | None
) -> Iterator[pa.RecordBatch]:
    """``batches``, telling ``progress`` (if given) the rows of each once it is written."""
    for batch in batches:
        yield batch
        if progress is not None:
            progress(batch.num_rows)


def _write_csv(path: Path, batches: Iterable[pa.RecordBatch], encoding: str) -> Path:
    codec = codecs.lookup(encoding).name
    encoder = None if codec in ("utf-8", "utf-8-sig") else codecs.getincrementalencoder(codec)()
    with replace_whole(path, "wb") as fh:
        fh.write(codecs.BOM_UTF8 if codec == "utf-8-sig" else b"")
        for i, batch in enumerate(batches):
            sink = pa.BufferOutputStream()
            options = pacsv.WriteOptions(include_header=i == 0, quoting_header="none")
            pacsv.write_csv(batch, sink, options)
            data = sink.getvalue().to_pybytes()
            fh.write(data if encoder is None else encoder.encode(data.decode("utf-8")))
    return path


def _write_xlsx(path: Path, batches: Iterable[pa.RecordBatch]) -> Path:
    import xlsxwriter

    with replace_whole(path, "wb") as fh:
        book = xlsxwriter.Workbook(fh, {"constant_memory": True, "strings_to_urls": False})
        sheet, row = book.add_worksheet(), 1
        for batch in batches:
            if row - 1 + batch.num_rows > _XLSX_ROWS:  # refused, never cut short
                raise _too_many_rows()
            if row == 1:
                sheet.write_row(0, 0, batch.schema.names)
            for cells in zip(*(c.to_pylist() for c in batch.columns), strict=True):
                for col, cell in enumerate(cells):
                    if cell:
                        sheet.write_string(row, col, cell)
                row += 1
        book.close()
    return path


def write_roster_csv(
    path: str | os.PathLike[str],
    n: int,
    seed: int = 0,
    defects: Defects = None,
    *,
    progress: Callable[[int], object] | None = None,
    **options: Unpack[Options],
) -> Path:
    """Write ``n`` generated rows to a CSV file and return its path; by default as schools send
    it: UTF-8 with a byte-order mark, Chinese headers (:class:`Options`). ``progress``, if
    given, is called with the number of rows of each batch written.

    Examples:
        >>> import tempfile, pathlib
        >>> p = write_roster_csv(pathlib.Path(tempfile.mkdtemp()) / "r.csv", 5, seed=3)
        >>> text = p.read_text("utf-8-sig")
        >>> len(text.splitlines()), text.split(",")[:2]
        (6, ['姓名', '身份证号'])
    """
    options = Options(headers="zh", encoding="utf-8-sig") | options
    batches = _counted(generate_batches(n, seed, defects, **options), progress)
    return _write_csv(Path(path), batches, options.get("encoding", "utf-8-sig"))


def _too_many_rows() -> InputError:
    return InputError("XLSX 工作表最多1048575行", "an XLSX sheet holds at most 1,048,575 rows")


def write_roster_xlsx(
    path: str | os.PathLike[str],
    n: int,
    seed: int = 0,
    defects: Defects = None,
    *,
    progress: Callable[[int], object] | None = None,
    **options: Unpack[Options],
) -> Path:
    """Write ``n`` generated rows to an XLSX workbook, every cell text, and return its path.
    Needs XlsxWriter (the ``xlsx`` extra); at most 1,048,575 rows.

    Examples:
        >>> import tempfile, pathlib
        >>> from edupoverty.records import read_roster
        >>> p = write_roster_xlsx(pathlib.Path(tempfile.mkdtemp()) / "r.xlsx", 20, seed=3)
        >>> read_roster(p).accepted
        20
    """
    if n > _XLSX_ROWS:
        raise _too_many_rows()
    batches = generate_batches(n, seed, defects, **(Options(headers="zh") | options))
    return _write_xlsx(Path(path), _counted(batches, progress))


def write_rosters(
    paths: Sequence[str | os.PathLike[str]],
    n: int,
    seed: int = 0,
    defects: Defects = None,
    shared: float = 0.01,
    **options: Unpack[Options],
) -> list[Path]:
    """Write ``n`` rows to each of ``paths`` (``.xlsx``: a workbook, else CSV). In every file
    after the first a share ``shared`` of the rows repeats a whole row of an earlier file: the
    same students sent twice (重报 across rosters). The rows are held in memory.

    Examples:
        >>> import tempfile, pathlib
        >>> from edupoverty.records import validate
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> a, b = write_rosters([d / "a.csv", d / "b.csv"], 300, seed=4, shared=0.05)
        >>> sum(f.code == "report.duplicate" for f in validate(a, b, school_year=2019)) > 5
        True
    """
    if not 0 <= shared <= 1:
        raise InputError("共享比例应在0到1之间", "shared must be between 0 and 1")
    options = Options(headers="zh", encoding="utf-8-sig") | options
    table = generate_table(n * len(paths), seed, defects, **options).combine_chunks()
    rng = np.random.default_rng([seed, 4])
    written: list[pa.Table] = []
    for j, path in enumerate(map(Path, paths)):
        part = table.slice(j * n, n)
        if written and n:
            hit = rng.random(n) < shared
            earlier = pa.concat_tables(written)
            rows = pa.array(rng.integers(0, earlier.num_rows, int(hit.sum())))
            copies = zip(part.columns, earlier.columns, strict=True)
            columns = [
                pc.replace_with_mask(mine.combine_chunks(), hit, theirs.take(rows).combine_chunks())
                for mine, theirs in copies
            ]
            part = pa.table(columns, names=part.column_names)
        written.append(part)
        if path.suffix.lower() == ".xlsx":
            _write_xlsx(path, part.to_batches(BATCH))
        else:
            _write_csv(path, part.to_batches(BATCH), options.get("encoding", "utf-8-sig"))
    return [Path(p) for p in paths]


def main(argv: Sequence[str] | None = None) -> int:
    """The command: write a synthetic roster, or several that share some students.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> main([str(p), "--rows", "10", "--seed", "1", "--defects", "0.1"])
        0
        >>> len(p.read_text("utf-8-sig").splitlines())
        11
    """
    parser = argparse.ArgumentParser(
        prog="python -m edupoverty.records.synthetic",
        description="Write a synthetic student roster (合成在学状态表): every row drawn "
        "independently, or a few hundred profiles repeated (--repeated). Several FILEs share "
        "some students (--shared).",
    )
    add = parser.add_argument
    add("paths", nargs="+", type=Path, metavar="FILE", help=".csv or .xlsx")
    add("-n", "--rows", type=int, default=1000, help="rows per file (default 1000)")
    add("--seed", type=int, default=0, help="default 0")
    add("--school-year", type=int, default=2019, help="default 2019")
    add("--repeated", type=int, metavar="PROFILES", help="repeat this many distinct profiles")
    add("--schools", type=int, help="how many schools (default: one per 150 rows)")
    add("--defects", type=float, default=0, metavar="RATE", help="every defect class at RATE")
    add("--defect", action="append", default=[], metavar="CODE=RATE", help="one defect class")
    add("--shared", type=float, default=0.01, help="share of rows sent twice (default 0.01)")
    add("--encoding", default="utf-8-sig", help="of CSV: utf-8-sig (default), gb18030 …")
    add("--headers", choices=("zh", "en"), default="zh", help="header language (default zh)")
    args = parser.parse_args(argv)
    rates = dict.fromkeys(DEFECTS, args.defects) if args.defects else {}
    for item in args.defect:
        code, _, rate = item.partition("=")
        try:
            rates[code] = float(rate)  # a probability of planting the defect, not money
        except ValueError:
            parser.error(f"--defect {item}: expected CODE=RATE, CODE one of {', '.join(DEFECTS)}")
    options = Options(
        school_year=args.school_year,
        repeated=args.repeated,
        schools=args.schools,
        headers=args.headers,
        encoding=args.encoding,
    )
    path = args.paths[0]
    try:
        if len(args.paths) > 1:
            write_rosters(args.paths, args.rows, args.seed, rates, args.shared, **options)
        elif path.suffix.lower() == ".xlsx":
            write_roster_xlsx(path, args.rows, args.seed, rates, **options)
        else:
            write_roster_csv(path, args.rows, args.seed, rates, **options)
    except (InputError, LookupError) as exc:
        parser.error(str(exc))
    return 0
