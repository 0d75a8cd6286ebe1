"""Every CSV and XLSX written — by each writer of the library, by a public list and by the
command line — neutralises a formula wherever a spreadsheet may start one: the ASCII
``=+-@``, the full-width ``＝＋－＠`` and a formula after a ``;`` inside a cell, in cells,
headers, title and footer lines alike. XLSX cells are never formulas."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from openpyxl import load_workbook

from edupoverty.cli import main
from edupoverty.disclosure.public_list import public_list
from edupoverty.records.celltext import Cells, neutralise
from edupoverty.records.synthetic import write_roster_csv
from edupoverty.records.writers import (
    write_csv,
    write_csv_columns,
    write_table_csv,
    write_table_xlsx,
    write_xlsx,
)

HOSTILE = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "x;=1+1",
    "x;＝1+1",
    'x;"+1',
    "名;@A1;－2",
]
WANT = [neutralise(t) for t in HOSTILE]


def test_the_rule_changes_each_hostile_text() -> None:
    for text, want in zip(HOSTILE, WANT, strict=True):
        assert want != text and want.replace("'", "") == text.replace("'", "")


def csv_cells(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def xlsx_cells(path: Path) -> list[list[Any]]:
    """Every non-empty row of every sheet; a formula cell would fail the test."""
    rows = []
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row)
            values = [c.value for c in row]
            if any(v is not None for v in values):
                rows.append(values)
    return rows


WRITERS: dict[str, Callable[[Path], Any]] = {
    "write_csv": lambda p: write_csv(p, HOSTILE, [HOSTILE], preamble=HOSTILE),
    "write_csv_columns": lambda p: write_csv_columns(
        p, HOSTILE, [[t] for t in HOSTILE[:6]], [Cells(HOSTILE[6:])], more=[HOSTILE]
    ),
    "write_table_csv": lambda p: write_table_csv(
        pa.table({f"c{i}": [t] for i, t in enumerate(HOSTILE)}), p, header=HOSTILE
    ),
    "write_table_xlsx": lambda p: write_table_xlsx(
        pa.table({f"c{i}": [t] for i, t in enumerate(HOSTILE)}),
        p,
        header=HOSTILE,
        preamble=HOSTILE,
        footer=HOSTILE,
    ),
    "write_xlsx": lambda p: write_xlsx(p, HOSTILE, [HOSTILE], preamble=HOSTILE, footer=HOSTILE),
    "PublicList.to_csv": lambda p: public_list(
        [{"name": t, "school": t} for t in HOSTILE], columns=["name", "school"]
    ).to_csv(p),
    "PublicList.to_xlsx": lambda p: public_list(
        [{"name": t, "school": t} for t in HOSTILE], columns=["name", "school"]
    ).to_xlsx(p, title=HOSTILE[0], complaint_channel=HOSTILE[4]),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_every_writer_neutralises_every_hostile_text_it_is_given(
    tmp_path: Path, writer: str
) -> None:
    out = tmp_path / ("out.xlsx" if writer.endswith("xlsx") else "out.csv")
    WRITERS[writer](out)
    cells = [
        str(v)
        for row in (xlsx_cells(out) if out.suffix == ".xlsx" else csv_cells(out))
        for v in row
        if v is not None
    ]
    assert set(WANT) <= set(cells)  # every hostile text there, neutralised
    for cell in cells:
        assert neutralise(cell) == cell  # nothing left that a spreadsheet would run


@pytest.fixture()
def hostile_roster(tmp_path: Path) -> Path:
    """A valid roster whose names and school names are the hostile texts."""
    path = write_roster_csv(tmp_path / "roster.csv", len(HOSTILE), seed=5)
    rows = csv_cells(path)
    name, school = rows[0].index("姓名"), rows[0].index("学校名称")
    for row, text in zip(rows[1:], HOSTILE, strict=True):
        row[name] = row[school] = text
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig")
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["assess", "{roster}", "--format", "csv", "-o", "{out}.csv"],
        ["assess", "{roster}", "--format", "xlsx", "-o", "{out}.xlsx"],
        ["public-list", "{roster}", "-o", "{out}.csv", "--columns", "name,school"],
        [
            "public-list",
            "{roster}",
            "-o",
            "{out}.xlsx",
            "--columns",
            "name,school",
            "--complaint-channel",
            "电话 12345",
        ],
    ],
    ids=["assess-csv", "assess-xlsx", "public-list-csv", "public-list-xlsx"],
)
def test_the_command_line_writes_hostile_names_neutralised(
    tmp_path: Path, hostile_roster: Path, args: list[str]
) -> None:
    argv = [a.format(roster=hostile_roster, out=tmp_path / "out") for a in args]
    assert main(argv) in (0, 1)
    out = Path(argv[argv.index("-o") + 1])
    rows = xlsx_cells(out) if out.suffix == ".xlsx" else csv_cells(out)
    cells = [str(v) for row in rows for v in row if v is not None]
    assert all(neutralise(c) == c for c in cells)  # nothing a spreadsheet would run
    for text in HOSTILE:  # read with full-width letters folded (＝ as =), then neutralised
        assert neutralise(text) in cells or neutralise(unicodedata.normalize("NFKC", text)) in cells
