"""Workbooks for county offices and schools, read back with openpyxl: a sheet split past
its rows keeps its layout and totals; an ID number Excel stored as a number is its own
finding with the way to fix it, from a CSV and from a numeric XLSX cell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pytest
import xlsxwriter

from edupoverty.errors import ArgumentError
from edupoverty.records import idcard
from edupoverty.records.columns import MONEY
from edupoverty.records.findings import CODES, finding
from edupoverty.records.validate import validation_report
from edupoverty.records.workbook import problems_table, write_validation_xlsx
from edupoverty.records.writers import write_xlsx
from edupoverty.records.xlsx import MAX_COLUMN_WIDTH, text_width, write_table_xlsx

HEADER = "姓名,身份证号,学校代码,学段,学校所在地\n"


def _values(ws: Any) -> list[list[Any]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_a_sheet_too_short_for_its_totals_and_one_row_is_refused_at_once(tmp_path: Path) -> None:
    # header + sheet total + grand total leave no data row in 3 rows: refused, never a loop
    out = tmp_path / "测算.xlsx"
    table = pa.table({"姓名": ["学生"], "金额": pa.array([Decimal("300.10")], MONEY)})
    with pytest.raises(ArgumentError, match="max_rows"):
        write_table_xlsx(table, out, max_rows=3)
    with pytest.raises(ArgumentError, match="max_rows"):
        write_xlsx(out, ["姓名", "金额"], [["学生", Decimal("1.00")]], money=[1], max_rows=3)
    assert not out.exists()


def test_every_part_of_a_split_sheet_keeps_its_layout_and_its_own_totals(tmp_path: Path) -> None:
    out = tmp_path / "测算.xlsx"
    amounts = [Decimal("300.10")] * 7
    table = pa.table({"姓名": [f"学生{i}" for i in range(7)], "金额": pa.array(amounts, MONEY)})
    assert write_table_xlsx(table, out, sheet="测算结果", max_rows=5) == 7  # 2 rows a sheet
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["测算结果", "测算结果(2)", "测算结果(3)", "测算结果(4)"]
    for ws in book.worksheets:
        rows = _values(ws)
        assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1"
        data = [r for r in rows[1:] if not str(r[0]).endswith("计")]
        assert ws.auto_filter.ref == f"A1:B{len(data) + 1}"
        sheet_total = next(r for r in rows if r[0] in ("本表合计",))
        assert Decimal(repr(sheet_total[1])).quantize(Decimal("0.01")) == Decimal("300.10") * len(
            data
        )
        assert ws["B2"].number_format == "0.00"
    last = _values(book.worksheets[-1])
    assert last[-1][0] == "总计" and Decimal(repr(last[-1][1])) == Decimal("2100.70")


def test_widths_fit_the_content_with_cjk_counting_double_up_to_a_cap(tmp_path: Path) -> None:
    out = tmp_path / "w.xlsx"
    t = pa.table({"a": ["黄圩镇中心学校"], "b": ["x" * 500], "c": pa.array([None], MONEY)})
    write_table_xlsx(t, out, totals=False)
    dims = openpyxl.load_workbook(out).active.column_dimensions
    assert dims["A"].width >= text_width("黄圩镇中心学校") == 14
    assert MAX_COLUMN_WIDTH <= dims["B"].width <= MAX_COLUMN_WIDTH + 1
    assert dims["C"].width >= 6  # a narrow column keeps room for the filter button


def test_a_column_without_any_amount_has_an_empty_total_never_zero(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    t = pa.table({"姓名": ["张三"], "a": pa.array([None], MONEY), "b": pa.array([0], MONEY)})
    write_table_xlsx(t, out)
    rows = _values(openpyxl.load_workbook(out).active)
    assert rows[-1] == ["合计", None, 0]


def _as_number_findings(path: Path) -> list[Any]:
    report = validation_report(path, school_year=2019)
    return [f for f in report.findings if f.code == "id.as_number"]


def test_an_id_number_shown_in_scientific_notation_in_a_csv_says_it_was_stored_as_a_number(
    tmp_path: Path,
) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(
        HEADER + "张三,3.41321E+17,3412001,小学,乡村\n李四,341321201203070000,3412001,小学,乡村\n",
        encoding="utf-8",
    )
    found = _as_number_findings(roster)
    assert [f.row for f in found] == [2, 3]
    assert "存成了数字" in found[0].message_zh and "stored as a number" in found[0].message_en
    assert "文本" in CODES["id.as_number"].fix("zh") and "text" in CODES["id.as_number"].fix("en")


def test_an_id_number_in_a_numeric_xlsx_cell_is_reported_with_the_fix(tmp_path: Path) -> None:
    roster = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(str(roster))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["姓名", "公民身份号码", "学校代码", "学段", "学校所在地"])
    ws.write_row(1, 0, ["王五", 341321201203070012, "3412001", "小学", "乡村"])
    ws.write_row(2, 0, ["赵六", "11010520120307002X", "3412001", "小学", "乡村"])
    wb.close()
    (f,) = _as_number_findings(roster)
    assert f.row == 2
    out = tmp_path / "校验报告.xlsx"
    assert write_validation_xlsx(out, validation_report(roster, school_year=2019)) == 1
    book = openpyxl.load_workbook(out)
    rows = _values(book["问题清单"])
    assert rows[1][:3] == [2, "王五", "公民身份号码"]  # the column as the school heads it
    assert "文本格式" in rows[1][4] and rows[1][6] == "id.as_number"
    text = " ".join(str(v) for s in book.worksheets for r in _values(s) for v in r if v)
    assert "341321" not in text and "11010520120307002X" not in text


def test_the_single_number_and_the_column_check_agree_on_numbers_stored_as_numbers() -> None:
    from datetime import date

    texts = ["3.41321E+17", "3.4132120120307e+17", "341321201203070012.0", "341321201203070000",
             "110105201203070000", "1.1E+14", "123"]  # fmt: skip
    today = date(2026, 1, 1)
    column = idcard.check_column(pa.array(texts), today).problem.to_pylist()
    assert column == [idcard.problem(idcard.compact(t), today) for t in texts]
    assert column[:6] == ["id.as_number"] * 6 and column[6] == "id.length"


def test_the_report_of_several_files_names_the_file_of_each_problem(tmp_path: Path) -> None:
    a, b = tmp_path / "一小.csv", tmp_path / "二小.csv"
    a.write_text(HEADER + "张三,123,3412001,小学,乡村\n", encoding="utf-8")
    b.write_text(HEADER + "李四,11010520120307002X,3412001,小学,\n", encoding="utf-8")
    out = tmp_path / "r.xlsx"
    write_validation_xlsx(out, validation_report(a, b, school_year=2019), lang="en")
    rows = _values(openpyxl.load_workbook(out)["Problems"])
    assert rows[0][:4] == ["file", "row", "name", "column"]
    assert [r[:4] for r in rows[1:]] == [["一小.csv", 2, "张三", "身份证号"],
                                         ["二小.csv", 2, "李四", "学校所在地"]]  # fmt: skip


def test_a_header_with_a_colon_keeps_its_whole_problem_text() -> None:
    # the field comes from the school's file and may hold a colon itself
    f = finding("column.unknown", row=1, field="备注：家长")
    problem = problems_table([f]).to_pylist()[0]["问题"]
    assert problem == f.message_zh.removeprefix("第1行 备注：家长：") and "家长" not in problem
