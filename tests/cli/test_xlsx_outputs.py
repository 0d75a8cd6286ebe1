"""Every XLSX the command line writes is a workbook a county office can use as it is, read
back with an independent reader (openpyxl): Chinese sheet names and headers (English with
--lang en), money as 0.00 numbers with a totals row, the header frozen and filtered and
repeated on every printed page, widths fitted, landscape when wide, problems on their own
sheets and never an ID number in a report."""

from __future__ import annotations

import argparse
import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from edupoverty.cli import main
from edupoverty.cli.commands.validate import validate_paths
from edupoverty.records.sample import sample_roster_path


def _values(ws: Any) -> list[list[Any]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def _ids_of(roster: Path) -> set[str]:
    with open(roster, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("身份证号")
    return {r[col].strip() for r in rows[1:] if len(r) > col and len(r[col].strip()) >= 15}


def _assert_laid_out(ws: Any, header_row: int = 1) -> None:
    """The layout every sheet has: frozen header, a filter on it, header on every page,
    fitted to the page width, no column wider than the cap."""
    assert ws.freeze_panes == f"A{header_row + 1}"
    assert ws.auto_filter.ref.startswith(f"A{header_row}:")
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToHeight == 0
    for c in ws.iter_rows(min_row=header_row, max_row=header_row):
        for cell in c:
            assert cell.font.b  # the header in bold
    assert all(dim.width <= 51 for dim in ws.column_dimensions.values())


def test_an_assessment_workbook_has_its_result_rejected_rows_and_problems_apart(
    tmp_path: Path,
) -> None:
    out = tmp_path / "测算.xlsx"
    code = main(["assess", str(sample_roster_path()), "--school-year", "2019",
                 "--format", "xlsx", "-o", str(out)])  # fmt: skip
    assert code == 1  # rows were rejected
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["测算结果", "未通过的行", "问题清单"]
    ws = book["测算结果"]
    _assert_laid_out(ws)
    rows = _values(ws)
    header = rows[0]
    assert header[:6] == ["行", "姓名", "学籍号", "学校代码", "学校名称", "合计"]
    # the school by name, where the roster gives it
    assert {"黄圩镇中心小学", "砀山县第二中学"} <= {r[4] for r in rows[1:-1]}
    data, totals = rows[1:-1], rows[-1]
    assert len(data) == 32 and totals[0] == "合计"
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(header))}{len(data) + 1}"
    assert ws.page_setup.orientation == "landscape"  # twenty columns
    for c, name in enumerate(header):
        amounts = [r[c] for r in data if isinstance(r[c], int | float)]
        if name in ("行",):
            continue
        cells = [ws.cell(row=i + 2, column=c + 1) for i, r in enumerate(data) if r[c] is not None]
        if c >= 5 and name != "未配置":  # money: numbers shown with two places
            assert all(cell.number_format == "0.00" for cell in cells)
            want = sum(Decimal(repr(a)) for a in amounts)
            if amounts:
                assert Decimal(repr(totals[c])).quantize(Decimal("0.01")) == want
            else:  # no amount in the column: an empty total, never 0
                assert totals[c] is None
    # the total of the totals is what the rows add up to, to the fen
    assert totals[5] == pytest.approx(sum(r[5] for r in data))
    # a not-configured amount is an empty cell, and the 未配置 column names the programme
    nc = header.index("未配置")
    fee = header.index("普通高中免学杂费")
    for r in data:
        if r[nc] and "普通高中免学杂费" in r[nc]:
            assert r[fee] is None
    # a CJK column is wider than its character count
    name_col = get_column_letter(header.index("姓名") + 1)
    assert ws.column_dimensions[name_col].width >= 2 * 3
    rejected = _values(book["未通过的行"])
    assert rejected[0] == ["行号", "姓名", "未通过的原因"]
    assert len(rejected) == 1 + 8 and all(isinstance(r[0], int) for r in rejected[1:])
    assert any("身份证号：身份证号不是18位" in r[2] for r in rejected[1:])
    problems = _values(book["问题清单"])
    assert problems[0] == ["行号", "姓名", "列", "问题", "怎样改", "级别", "代码"]
    for sheet in ("未通过的行", "问题清单"):
        _assert_laid_out(book[sheet])
    text = " ".join(str(v) for s in ("未通过的行", "问题清单") for r in _values(book[s])
                    for v in r if v is not None)  # fmt: skip
    assert not any(i in text for i in _ids_of(sample_roster_path()))


def test_with_lang_en_the_sheets_and_headers_are_english(tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    main(["assess", str(sample_roster_path()), "--school-year", "2019", "--format", "xlsx",
          "-o", str(out), "--lang", "en"])  # fmt: skip
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Assessment", "Rejected rows", "Problems"]
    rows = _values(book["Assessment"])
    assert rows[0][:6] == ["row", "name", "student_number", "school_code", "school_name", "total"]
    assert rows[-1][0] == "Total"
    assert _values(book["Problems"])[0][:4] == ["row", "name", "column", "problem"]


def test_the_validation_report_a_school_gets_back(tmp_path: Path) -> None:
    roster = sample_roster_path()
    out = tmp_path / "校验报告.xlsx"
    args = argparse.Namespace(output=str(out), format="xlsx", lang="zh", school_year=2019)
    assert validate_paths([roster], args) == 1
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["问题清单", "概况"]
    ws = book["问题清单"]
    _assert_laid_out(ws)
    rows = _values(ws)
    assert rows[0] == ["行号", "姓名", "列", "问题", "怎样改", "级别", "代码"]
    by_code = {r[6]: r for r in rows[1:]}
    row, name, column, problem, fix, severity, _ = by_code["id.length"]
    assert isinstance(row, int) and name and column == "身份证号"  # as the school heads it
    assert problem == "身份证号不是18位" and fix and severity == "错误"
    assert by_code["column.unknown"][2] == "备注"
    summary = dict((r[0], r[1]) for r in _values(book["概况"])[1:])
    assert summary["名单行数"] == 40 and summary["未通过"] == 8
    text = " ".join(str(v) for s in book.worksheets for r in _values(s) for v in r if v)
    assert not any(i in text for i in _ids_of(roster))


def test_the_validation_report_needs_an_output_file() -> None:
    args = argparse.Namespace(format="xlsx", lang="zh", school_year=2019)
    with pytest.raises(Exception, match="-o"):
        validate_paths([sample_roster_path()], args)


def test_a_printed_public_list_totals_its_amounts_under_a_filtered_header(tmp_path: Path) -> None:
    out = tmp_path / "公示.xlsx"
    code = main(["public-list", str(sample_roster_path()), "-o", str(out), "--policy", "seed",
                 "--school-year", "2019", "--complaint-channel", "学校办公室 0557-0000000",
                 "--title", "资助公示"])  # fmt: skip
    assert code in (0, 1)
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "公示名单"
    _assert_laid_out(ws, header_row=2)
    rows = _values(ws)
    header = rows[1]
    amount = header.index("金额（元）")
    data = [r for r in rows[2:] if r[0] and r[0] != "合计" and not r[0].startswith("举报")]
    (totals,) = [r for r in rows if r[0] == "合计"]
    numbers = [r[amount] for r in data if isinstance(r[amount], int | float)]
    assert totals[amount] == pytest.approx(sum(numbers))
    cells = [ws.cell(row=i + 3, column=amount + 1) for i, r in enumerate(data)]
    assert all(c.number_format == "0.00" for c in cells if isinstance(c.value, int | float))
    assert rows[-1][0] == "举报受理方式：学校办公室 0557-0000000"
