"""Rosters on a Dask cluster give what one process gives (edupoverty.dask).

Three synthetic rosters share students (repeats planted across files, some written with
``x``, spaces or hyphens, one student sent three times) and carry defects; read in small
pieces on a two-worker ``distributed.LocalCluster``, they must give the accepted rows, the
rejected rows with every finding, the assessment table and the summary that one process
gives reading the files one after another with one ``Seen``.
"""

from __future__ import annotations

import faulthandler
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from edupoverty.dask import read_rosters  # noqa: E402
from edupoverty.errors import ArgumentError  # noqa: E402
from edupoverty.records.duplicates import Seen  # noqa: E402
from edupoverty.records.reader import read_roster_table  # noqa: E402
from edupoverty.records.synthetic import DEFECTS, write_rosters  # noqa: E402
from edupoverty.rules import assess_table, load_policy, summarize_table  # noqa: E402

TODAY = date(2026, 1, 1)
YEAR = 2019
ROWS = 1500  # per file
PIECE = 400  # rows of a piece: four pieces a file, repeats across pieces of one file too


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    # the cluster must never hang the suite: a traceback and an exit after four minutes
    faulthandler.dump_traceback_later(240, exit=True)
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    c = distributed.Client(cluster, timeout=60)
    try:
        yield c
    finally:
        c.close(timeout=30)
        cluster.close(timeout=30)
        faulthandler.cancel_dump_traceback_later()


def _respell(number: str, how: int) -> str:
    if how == 0:
        return number.lower()
    if how == 1:
        return f"{number[:6]} {number[6:14]} {number[14:]}"
    return f"{number[:6]}-{number[6:14]}-{number[14:]}"


@pytest.fixture(scope="module")
def rosters(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    d = tmp_path_factory.mktemp("province")
    paths = write_rosters(
        [d / "a.csv", d / "b.csv", d / "c.csv"],
        ROWS,
        seed=11,
        defects=dict.fromkeys(DEFECTS, 0.004),
        shared=0.03,
    )
    # the same students again, in other spellings: a later file repeating earlier ones, a
    # file repeating itself across its pieces, one student three times
    lines = paths[0].read_text("utf-8-sig").splitlines()[1:]
    ids = [(i, m.group(1)) for i, ln in enumerate(lines) if (m := re.search(r',"(\d{17}X)",', ln))]
    more = []
    for k, (i, number) in enumerate(ids[:6]):
        more.append(lines[i].replace(number, _respell(number, k % 3)))
    with paths[2].open("a", encoding="utf-8") as fh:
        fh.write("\n".join(more) + "\n" + more[0].replace(ids[0][1], ids[0][1]) + "\n")
    c_lines = paths[2].read_text("utf-8-sig").splitlines()
    with paths[2].open("a", encoding="utf-8") as fh:
        fh.write(c_lines[5].replace('"', "") + "\n")  # row 6 again, unquoted
    return paths


def _one_process(paths: list[Path]) -> tuple[list, pa.Table]:
    seen = Seen()
    tables = [read_roster_table(p, today=TODAY, school_year=YEAR, seen=seen) for p in paths]
    return tables, pa.concat_tables([t.table for t in tables])


def test_dask_gives_what_one_process_gives(client: object, rosters: list[Path]) -> None:
    policy = load_policy("seed")
    tables, accepted = _one_process(rosters)
    assessed = assess_table(accepted, policy, YEAR)
    with read_rosters(rosters, today=TODAY, school_year=YEAR, partition_rows=PIECE) as r:
        assert len(r.pieces) >= 12
        reports = r.reports()
        mine = r.to_arrow()
        out = r.assess(policy, YEAR)
        theirs = out.to_arrow()
        summary = out.summary()
        frame = r.accepted().compute()
    # every row accounted for, file by file, as one process counts them
    for t, rep in zip(tables, reports, strict=True):
        assert (rep.source, rep.rows, rep.accepted, rep.blank_rows) == (
            t.source,
            t.rows,
            t.accepted,
            t.blank_rows,
        )
        assert rep.rows == rep.accepted + len(rep.rejected)
        assert rep.rejected == t.rejected  # row, every finding and its message
        assert rep.findings == t.findings
    duplicates = [
        (rep.name, x.row)
        for rep in reports
        for x in rep.rejected
        if x.findings[0].code == "report.duplicate"
    ]
    assert len(duplicates) > 50 and {name for name, _ in duplicates} >= {"b.csv", "c.csv"}
    # the accepted rows, the assessment table and the summary, value for value
    assert mine.column("source").to_pylist() == [
        Path(t.source).name for t in tables for _ in range(t.accepted)
    ]
    assert mine.drop_columns(["source"]).equals(accepted)
    assert theirs.drop_columns(["source"]).equals(assessed)
    assert summary == summarize_table(assessed)
    # the dataframe keeps the rows and exact money
    assert len(frame) == accepted.num_rows
    assert str(frame["tuition_fee"].dtype).startswith("decimal128(18, 2)")


def test_a_file_without_rows_and_one_piece(client: object, tmp_path: Path) -> None:
    p = tmp_path / "empty.csv"
    p.write_text("姓名,身份证号,学校代码,学段,学校所在地\n\n", encoding="utf-8")
    q = tmp_path / "one.csv"
    q.write_text(
        "名单\n姓名,身份证号,学校代码,学段,学校所在地,备注\n张三,11010520120307002X,1,小学,乡村,x\n"
        "李四,1,2\n",
        encoding="utf-8",
    )
    with read_rosters([p, q], today=TODAY) as r:
        reports = r.reports()
    one = [read_roster_table(x, today=TODAY) for x in (p, q)]
    assert [(x.rows, x.accepted, x.blank_rows, x.findings) for x in reports] == [
        (t.rows, t.accepted, t.blank_rows, t.findings) for t in one
    ]


def test_paths_are_checked() -> None:
    with pytest.raises(ArgumentError):
        read_rosters([])
    with pytest.raises(ArgumentError):
        read_rosters(["a.csv"], partition_rows=0)
