"""Writing an Arrow table as CSV, JSON Lines and XLSX: every value exact, every formula
neutralised, every row kept, and a file replaced whole or not at all."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from edupoverty.errors import ArgumentError, InputError
from edupoverty.records.celltext import FORMULA, neutralise, neutralise_column
from edupoverty.records.columns import MONEY
from edupoverty.records.writers import (
    write_table_csv,
    write_table_jsonl,
    write_table_xlsx,
    write_xlsx,
)
from tests.strategies import MONEY as AMOUNTS

# Text a spreadsheet could read as a formula, and what is written for it.
HOSTILE = {
    "=1+1": "'=1+1",
    "+86 138 0000 0000": "'+86 138 0000 0000",
    "-2+3": "'-2+3",
    "@SUM(A1:A2)": "'@SUM(A1:A2)",
    "\t=1": "'\t=1",
    "\r=1": "'\r=1",
    "＝1+1": "'＝1+1",
    "＋1": "'＋1",
    "－1": "'－1",
    "＠SUM(A1)": "'＠SUM(A1)",
    "备注;=1+1": "备注;'=1+1",
    '备注;"=HYPERLINK("http://x")': '备注;"\'=HYPERLINK("http://x")',
    "=a;-b": "'=a;'-b",
}

ROSTER = pa.table(
    {
        "row": pa.array([2, 3, 4], pa.int64()),
        "name": ["张三", "=1+1", None],
        "tuition_fee": pa.array([Decimal("1200"), Decimal("0.5"), None], MONEY),
        "enrolled_on": pa.array([date(2019, 9, 1), None, date(2020, 3, 2)]),
        "boarding": [True, None, False],
        "not_configured": pa.array([["营养改善计划", "=x"], [], None]),
        "remark": ["第一行\n第二行", 'say "hi", bye', "a\rb"],
    }
)
SHOWN = ["行", "姓名", "学费", "入学日期", "寄宿", "未配置", "备注"]


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def sheets(path: Path) -> dict[str, list[list[Any]]]:
    book = load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book}


# --- CSV ---------------------------------------------------------------------------------------


def test_a_csv_of_a_roster_table_reads_back_cell_for_cell(tmp_path: Path) -> None:
    out = tmp_path / "名单.csv"
    assert write_table_csv(ROSTER, out, header=SHOWN) == 3
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel and WPS read UTF-8
    assert read_csv(out) == [
        SHOWN,
        ["2", "张三", "1200.00", "2019-09-01", "true", "营养改善计划、=x", "第一行\n第二行"],
        ["3", "'=1+1", "0.50", "", "", "", 'say "hi", bye'],
        ["4", "", "", "2020-03-02", "false", "", "a\rb"],
    ]


def test_a_csv_names_its_columns_by_the_table_and_neutralises_the_header() -> None:
    buf = io.StringIO()
    write_table_csv(pa.table({"=姓名": ["张三"], "金额": [1]}), buf)
    assert list(csv.reader(io.StringIO(buf.getvalue()))) == [["'=姓名", "金额"], ["张三", "1"]]


@pytest.mark.parametrize(("text", "written"), HOSTILE.items())
def test_every_formula_in_a_text_cell_is_written_as_text(text: str, written: str) -> None:
    buf = io.StringIO()
    write_table_csv(pa.table({"备注": [text]}), buf)
    assert list(csv.reader(io.StringIO(buf.getvalue(), newline="")))[1] == [written]
    assert neutralise(text) == written


@given(st.text(alphabet=st.sampled_from("=+-@\t\r＝＋－＠;\"' a张,\n"), max_size=12) | st.text())
def test_a_csv_cell_is_the_text_with_apostrophes_only_where_a_formula_could_start(
    text: str,
) -> None:
    buf = io.StringIO()
    write_table_csv(pa.table({"x": [text]}), buf)
    cell = list(csv.reader(io.StringIO(buf.getvalue(), newline="")))[1][0]
    assert cell == neutralise(text)
    assert cell.replace("'", "") == text.replace("'", "")  # nothing else changed
    assert re.search(FORMULA, cell) is None  # no place left where a formula starts
    for piece in cell.split(";")[1:]:  # nor where a ;-separated spreadsheet starts a cell
        assert not piece.lstrip('"').startswith(tuple("=+-@\t\r＝＋－＠"))
    assert neutralise(cell) == cell


@given(st.lists(st.none() | st.text(alphabet=st.sampled_from('=+-@\t\r＝＋－＠;"a张\n'))))
def test_the_column_rule_is_the_single_value_rule(texts: list[str | None]) -> None:
    expected = [None if t is None else neutralise(t) for t in texts]
    column = pa.array(texts, pa.string())
    assert neutralise_column(column).to_pylist() == expected
    assert neutralise_column(column.dictionary_encode()).to_pylist() == expected
    assert neutralise_column(pa.chunked_array([column, column])).to_pylist() == expected * 2


@settings(max_examples=200)
@given(st.lists(AMOUNTS | st.none(), min_size=1, max_size=20))
def test_money_is_written_exactly_with_two_places(amounts: list[Decimal | None]) -> None:
    buf = io.StringIO()
    write_table_csv(pa.table({"金额": pa.array(amounts, MONEY)}), buf)
    cells = [r[0] for r in csv.reader(io.StringIO(buf.getvalue()))][1:]
    assert cells == ["" if a is None else f"{a:.2f}" for a in amounts]


def test_a_csv_to_a_binary_stream_from_a_stream_of_batches_has_no_byte_order_mark() -> None:
    buf = io.BytesIO()
    batches = iter(ROSTER.to_batches(max_chunksize=1))
    assert write_table_csv(batches, buf) == 3
    text = buf.getvalue().decode("utf-8")
    assert text.startswith('"row"')
    assert len(list(csv.reader(io.StringIO(text, newline="")))) == 4


def test_an_empty_table_gives_the_header_alone(tmp_path: Path) -> None:
    out = tmp_path / "空.csv"
    assert write_table_csv(ROSTER.slice(0, 0), out, header=SHOWN) == 0
    assert read_csv(out) == [SHOWN]
    assert write_table_csv(iter([]), out, header=["姓名"]) == 0
    assert read_csv(out) == [["姓名"]]


@pytest.mark.parametrize(
    "write", [write_table_csv, write_table_jsonl, write_table_xlsx], ids=lambda f: f.__name__
)
def test_an_unwritable_column_or_a_stream_that_changes_its_columns_is_refused(
    tmp_path: Path, write: Any
) -> None:
    out = tmp_path / "x.out"
    with pytest.raises(ArgumentError):
        write(pa.table({"s": [{"a": 1}]}), out)
    with pytest.raises(ArgumentError):
        write(pa.table({"b": [b"=cmd"]}), out)  # bytes are not text: never written unchecked
    with pytest.raises(ArgumentError):
        write([ROSTER.to_batches()[0], pa.record_batch({"x": [1]})], out)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("write", [write_table_csv, write_table_xlsx], ids=lambda f: f.__name__)
def test_a_header_of_another_length_is_refused(tmp_path: Path, write: Any) -> None:
    with pytest.raises(ArgumentError):
        write(ROSTER, tmp_path / "x.out", header=["姓名"])
    assert list(tmp_path.iterdir()) == []


# --- JSON Lines ----------------------------------------------------------------------------------


def test_json_lines_keep_types_nulls_and_lists(tmp_path: Path) -> None:
    out = tmp_path / "assessment.jsonl"
    assert write_table_jsonl(ROSTER, out) == 3
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""
    assert [json.loads(line) for line in lines[:-1]] == [
        {
            "row": 2,
            "name": "张三",
            "tuition_fee": "1200.00",
            "enrolled_on": "2019-09-01",
            "boarding": True,
            "not_configured": ["营养改善计划", "=x"],  # data for programs: not neutralised
            "remark": "第一行\n第二行",
        },
        {
            "row": 3,
            "name": "=1+1",
            "tuition_fee": "0.50",
            "enrolled_on": None,
            "boarding": None,
            "not_configured": [],
            "remark": 'say "hi", bye',
        },
        {
            "row": 4,
            "name": None,
            "tuition_fee": None,
            "enrolled_on": "2020-03-02",
            "boarding": False,
            "not_configured": None,
            "remark": "a\rb",
        },
    ]


@given(st.lists(st.text() | st.none(), min_size=1, max_size=8), st.text(min_size=1))
def test_any_text_is_one_json_line_that_reads_back_as_itself(
    texts: list[str | None], key: str
) -> None:
    buf = io.StringIO()
    write_table_jsonl(pa.table({key: pa.array(texts, pa.string())}), buf)
    lines = buf.getvalue().splitlines()  # splits on every line end Python knows
    assert [json.loads(line) for line in lines] == [{key: t} for t in texts]


def test_json_lines_write_numbers_as_numbers_and_nan_as_null() -> None:
    buf = io.StringIO()
    t = pa.table(
        {
            "n": pa.array([1, None], pa.int8()),
            "f": [0.5, float("nan")],
            "l": pa.array([[1, None], None], pa.list_(pa.int64())),
            "d": pa.array(["a", None]).dictionary_encode(),
        }
    )
    write_table_jsonl(t, buf)
    assert [json.loads(x) for x in buf.getvalue().splitlines()] == [
        {"n": 1, "f": 0.5, "l": [1, None], "d": "a"},
        {"n": None, "f": None, "l": None, "d": None},
    ]


# --- XLSX --------------------------------------------------------------------------------------


def test_an_xlsx_holds_values_of_their_own_kind_and_no_formula(tmp_path: Path) -> None:
    out = tmp_path / "名单.xlsx"
    assert write_table_xlsx(ROSTER, out, header=SHOWN) == 3
    ws = load_workbook(out).active
    assert ws.title == "名单"
    assert [c.value for c in ws[1]] == SHOWN
    assert ws["B3"].value == "'=1+1" and ws["B3"].data_type == "s"  # text, not a formula
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ws["C2"].value == 1200 and ws["C2"].number_format == "0.00"
    assert ws["C3"].value == 0.5
    assert ws["D2"].value.date() == date(2019, 9, 1)
    assert ws["D2"].number_format == "yyyy-mm-dd"
    assert (ws["E2"].value, ws["E4"].value) == (True, False)
    assert ws["F2"].value == "营养改善计划、=x"
    assert [ws[f"{c}4"].value for c in "BCF"] == [None, None, None]  # nulls: empty cells


@pytest.mark.parametrize(("text", "written"), HOSTILE.items())
def test_every_formula_in_an_xlsx_is_written_as_text(
    tmp_path: Path, text: str, written: str
) -> None:
    out = tmp_path / "x.xlsx"
    write_table_xlsx(pa.table({"备注": [text]}), out)
    cell = load_workbook(out).active["A2"]
    assert cell.data_type == "s"
    # XlsxWriter escapes control characters as _xHHHH_, which Excel shows as the character
    assert cell.value == written.replace("\r", "_x000D_")


@settings(max_examples=50)
@given(st.lists(AMOUNTS, min_size=1, max_size=10))
def test_money_in_an_xlsx_is_the_amount(amounts: list[Decimal]) -> None:
    buf = io.BytesIO()
    write_table_xlsx(pa.table({"金额": pa.array(amounts, MONEY)}), buf)
    ws = load_workbook(buf).active
    rows = list(ws.iter_rows(2))
    assert [Decimal(repr(c.value)).quantize(Decimal("0.01")) for (c,) in rows[:-1]] == [
        a for a in amounts
    ]
    (total,) = rows[-1]  # the totals row: the sum, to the fen
    assert Decimal(repr(total.value)).quantize(Decimal("0.01")) == sum(amounts)


def test_an_amount_too_long_for_a_spreadsheet_number_is_written_as_its_text(
    tmp_path: Path,
) -> None:
    out = tmp_path / "x.xlsx"
    big = Decimal("1234567890123456.78")
    write_table_xlsx(pa.table({"金额": pa.array([big, Decimal("1.10")], MONEY)}), out)
    ws = load_workbook(out).active
    assert (ws["A2"].value, ws["A3"].value) == ("1234567890123456.78", 1.1)


def test_rows_beyond_a_sheet_go_on_in_the_next_sheet_with_title_header_and_footer(
    tmp_path: Path,
) -> None:
    out = tmp_path / "公示.xlsx"
    table = pa.table({"行": list(range(2, 12)), "姓名": [f"学生{i}" for i in range(10)]})
    n = write_table_xlsx(
        table, out, preamble=["公示名单"], footer=["监督电话：12345"], max_rows=7
    )  # 7 rows: title, header, 3 data rows, a blank row, the footer
    assert n == 10
    got = sheets(out)
    assert list(got) == ["名单", "名单(2)", "名单(3)", "名单(4)"]
    data = []
    for rows in got.values():
        assert len(rows) <= 7
        assert rows[0][0] == "公示名单" and rows[1] == ["行", "姓名"]
        assert rows[-1][0] == "监督电话：12345"
        data += [r for r in rows[2:-2]]
    assert [r[0] for r in data] == list(range(2, 12))  # every row, in order


def test_the_row_writer_splits_sheets_too(tmp_path: Path) -> None:
    out = tmp_path / "list.xlsx"
    rows = [[i, f"名{i}"] for i in range(5)]
    assert write_xlsx(out, ["行", "姓名"], rows, sheet="assessment", max_rows=3) == 5
    got = sheets(out)
    assert list(got) == ["assessment", "assessment(2)", "assessment(3)"]
    assert [r[0] for rows_ in got.values() for r in rows_[1:]] == [0, 1, 2, 3, 4]


def test_a_sheet_without_room_for_a_data_row_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArgumentError):
        write_table_xlsx(ROSTER, tmp_path / "x.xlsx", preamble=["a", "b"], max_rows=3)
    assert not (tmp_path / "x.xlsx").exists()


def test_a_text_longer_than_a_cell_holds_is_refused_naming_row_and_column(
    tmp_path: Path,
) -> None:
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(InputError) as err:
        write_table_xlsx(pa.table({"备注": ["短", "长" * 40_000]}), out)
    assert err.value.code == "xlsx.cell_too_long"
    assert "2" in err.value.message_en and "备注" in err.value.message_en
    assert "长长" not in str(err.value)
    assert out.read_bytes() == b"old"


# --- a failed write leaves the old file -----------------------------------------------------------


def failing_batches() -> Iterator[pa.RecordBatch]:
    yield from ROSTER.to_batches(max_chunksize=1)[:1]
    raise RuntimeError("the source broke")


@pytest.mark.parametrize(
    "write", [write_table_csv, write_table_jsonl, write_table_xlsx], ids=lambda f: f.__name__
)
@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, write: Any, error: type[BaseException]
) -> None:
    out = tmp_path / "名单.out"
    out.write_bytes(b"the old list")

    def batches() -> Iterator[pa.RecordBatch]:
        yield from ROSTER.to_batches(max_chunksize=1)[:1]
        raise error

    with pytest.raises(error):
        write(batches(), out)
    assert out.read_bytes() == b"the old list"
    assert [p.name for p in tmp_path.iterdir()] == ["名单.out"]


def test_a_record_batch_reader_is_written_a_batch_at_a_time(tmp_path: Path) -> None:
    reader = pa.RecordBatchReader.from_batches(ROSTER.schema, ROSTER.to_batches(max_chunksize=2))
    out = tmp_path / "assessment.jsonl"
    assert write_table_jsonl(reader, out) == 3
    assert [json.loads(x)["row"] for x in out.read_text(encoding="utf-8").splitlines()] == [2, 3, 4]
