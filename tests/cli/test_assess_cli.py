"""``edupoverty assess``: every row accounted for, amounts not configured listed, files safe."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from edupoverty.cli import main
from edupoverty.records.synthetic import write_roster_csv

HEADER = "name,id_number,school_code,stage,school_location,boarding,registered_poor,grade\n"


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_roster_csv(tmp_path_factory.mktemp("r") / "roster.csv", 40, seed=5, defects={})


def test_json_has_the_documented_shape(roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(roster), "--format", "json", "--school-year", "2019"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "policy",
        "school_year",
        "students",
        "rejected",
        "not_configured",
        "summary",
    ]
    assert data["policy"] == "seed" and data["school_year"] == 2019
    assert len(data["students"]) == 40 and data["rejected"] == []
    programmes = [
        "preschool.provincial_grant",
        "compulsory.fee_waiver",
        "compulsory.nutrition",
        "senior.fee_waiver",
        "rain_dew",
    ]
    for s in data["students"]:
        assert {"row", "name", "student_number", "school_code", "total", "cash_total"} <= set(s)
        assert {*programmes, "not_configured", "funding_central", "funding_unknown"} <= set(s)
        assert isinstance(s["total"], str) and isinstance(s["cash_total"], str)
        assert all(s[p] is None or isinstance(s[p], str) for p in programmes)
    assert data["summary"]["students"] == 40


def test_a_registered_poor_rural_boarder_row_gets_the_documented_amounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER + "张三,11010520120307002X,3412001,小学,乡村,是,是,3\n", encoding="utf-8"
    )
    assert main(["assess", str(path), "--format", "json"]) == 0
    (student,) = json.loads(capsys.readouterr().out)["students"]
    got = {k: v for k, v in student.items() if "." in k and v is not None}
    assert got == {
        "compulsory.fee_waiver": "600.00",  # R-CMP-1
        "compulsory.free_textbooks": "90.00",  # R-CMP-2
        "compulsory.boarding_allowance": "1000.00",  # R-CMP-3
        "compulsory.nutrition": "800.00",  # R-CMP-4
    }
    assert (student["row"], student["total"], student["cash_total"]) == (2, "2490.00", "1000.00")


def test_amounts_not_configured_are_null_and_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER + "李四,11010520120307002X,3412001,高中,县城,否,是,1\n", encoding="utf-8"
    )
    assert main(["assess", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    student = data["students"][0]
    assert student["senior.fee_waiver"] is None
    assert student["not_configured"] == ["senior.fee_waiver"]
    assert data["not_configured"][0]["programme"] == "senior.fee_waiver"
    assert data["not_configured"][0]["students"] == 1
    assert data["students"][0]["total"] == "5000.00"


def test_rejected_rows_are_listed_with_their_row_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER
        + "张三,11010520120307002X,3412001,小学,乡村,是,是,3\n"
        + "王五,110105201203070012,3412001,小学,乡村,是,是,3\n",
        encoding="utf-8",
    )
    assert main(["--lang", "en", "assess", str(path)]) == 1
    out = capsys.readouterr().out
    assert "1 students assessed, 1 rows rejected" in out
    assert "row 3" in out and "110105201203070012" not in out


def test_csv_output_has_one_row_per_student_and_neutralises_formulas(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER + "=HYPERLINK(1),11010520120307002X,3412001,初中,镇区,否,否,1\n", encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    code = main(["assess", str(path), "--format", "csv", "-o", str(out), "--policy", "dangshan"])
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert code == 0
    header, row = rows
    assert row[1] == "'=HYPERLINK(1)"
    # R-CMP-4: 4 yuan × 200 school days; the column is headed by the programme's Chinese name.
    assert row[header.index("农村义务教育学生营养改善计划")] == "800.00"
    assert "compulsory.nutrition" not in header
    assert row[header.index("合计")] == "1780.00"


def test_xlsx_output_needs_a_file_and_is_written(
    roster: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(roster), "--format", "xlsx"]) == 2
    assert "-o" in capsys.readouterr().err
    out = tmp_path / "a.xlsx"
    assert main(["assess", str(roster), "--format", "xlsx", "-o", str(out)]) == 0
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert len(sheet) == 42  # the header, 40 students and the totals row (合计)


def test_policy_overlays_and_school_year_are_applied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER + "张三,11010520120307002X,3412001,小学,乡村,否,是,3\n", encoding="utf-8"
    )
    assert (
        main(
            [
                "assess",
                str(path),
                "--format",
                "json",
                "--policy",
                "dangshan",
                "--policy",
                "national-2025",
                "--school-year",
                "2021",
            ]
        )
        == 0
    )
    (student,) = json.loads(capsys.readouterr().out)["students"]
    assert student["dangshan.non_boarder_allowance"] == "500.00"  # R-DS-1
    assert student["compulsory.nutrition"] == "1000.00"  # 5 yuan × 200 days from 2021


def test_an_unknown_policy_or_missing_roster_is_one_line_and_exit_2(
    roster: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(roster), "--policy", "atlantis"]) == 2
    assert main(["assess", str(tmp_path / "missing.csv")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 2 and "Traceback" not in err


def test_json_escapes_names_and_keeps_chinese_readable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [
                HEADER.strip().split(","),
                ['张"三\\', "11010520120307002X", "3412001", "小学", "乡村", "否", "否", "3"],
            ]
        )
    assert main(["assess", str(path), "--format", "json"]) == 0
    out = capsys.readouterr().out
    (student,) = json.loads(out)["students"]
    assert (student["row"], student["name"], student["student_number"]) == (2, '张"三\\', None)
    assert "张" in out
