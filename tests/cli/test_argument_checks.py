"""What a hostile command line gets: a school year out of range, a posting day at the end of
time, a window of a billion days, amounts of thirty digits. Each is one line on stderr and
exit 2 (or a row finding and exit 1), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from edupoverty.cli import main
from edupoverty.records.sample import sample_roster_path

ROSTER = str(sample_roster_path())
HEADER = "姓名,身份证号,学校代码,学段,学校所在地,学费,住宿费\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("edupoverty: "), err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("year", ["9999", "0", "-5", "1948", "2101"])
@pytest.mark.parametrize(
    "command",
    [
        ["assess", ROSTER],
        ["assess", ROSTER, "--format", "json"],
        ["validate", ROSTER, "--policy", "seed"],
        ["validate", ROSTER],
        ["public-list", ROSTER, "-o", "{tmp}/list.csv", "--policy", "seed"],
    ],
)
def test_a_school_year_out_of_range_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str], year: str
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in command]
    code, _, err = run(capsys, "--lang", "en", *argv, "--school-year", year)
    assert code == 2
    assert "school_year.range" in one_line(err) and "1949 to 2100" in err
    assert not (tmp_path / "list.csv").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["disclosure", "plan", "9999-12-31"],
        ["disclosure", "plan", "0001-01-01"],
        ["disclosure", "plan", "2026-03-02", "--days", "1000000000"],
        ["disclosure", "plan", "2026-03-02", "--days", "999999999999999999999"],
        ["disclosure", "plan", "2026-03-02", "--days", "100000", "--convention", "working_days"],
        ["deadline", "2026-03-02", "-n", "1000000000"],
        ["deadline", "9999-12-31", "-n", "1"],
        ["public-list", ROSTER, "-o", "{tmp}/list.csv", "--posted-on", "9999-12-31"],
        [
            "public-list",
            ROSTER,
            "-o",
            "{tmp}/list.csv",
            "--posted-on",
            "2026-03-02",
            "--days",
            "1000000000",
        ],
    ],
)
def test_a_day_or_a_length_the_calendar_cannot_reach_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = run(capsys, "--lang", "en", *argv)
    assert code == 2 and out == ""
    assert "calendar.range" in one_line(err)
    assert "2004-01-01 to 2026-12-31" in err
    assert not (tmp_path / "list.csv").exists()  # refused before any roster is read


@pytest.mark.parametrize("fee", ["1e30", "1E30", "1" * 29, "-" + "9" * 29, "NaN", "Infinity"])
def test_an_amount_no_money_column_holds_is_a_row_finding_in_every_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fee: str
) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(
        HEADER
        + f"张三,11010520120307002X,3412001,高中,县城,{fee},100\n"
        + "李四,110105201203070011,3412001,高中,县城,1200,100\n",
        encoding="utf-8",
    )
    for argv in (
        ["validate", str(roster)],
        ["assess", str(roster)],
        ["assess", str(roster), "--format", "json"],
        ["public-list", str(roster), "-o", str(tmp_path / "l.csv")],
        [
            "public-list",
            str(roster),
            "-o",
            str(tmp_path / "l.csv"),
            "--policy",
            "seed",
            "--school-year",
            "2019",
        ],
    ):
        code, out, err = run(capsys, "--lang", "en", *argv)
        assert code == 1, (argv, err)
        assert "Traceback" not in err and "InvalidOperation" not in out + err
        assert fee not in out + err  # the value is never echoed
        if argv[0] == "public-list":
            assert "rejected rows: 2" in out
        elif argv[0] == "validate":
            assert "学费" in out  # the column as the file heads it
        else:
            assert "tuition_fee" in out
