"""``edupoverty calendar add --from-notice`` and ``--estimate``: next year's working days."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edupoverty.cli import main
from edupoverty.disclosure.workdays import load_year_file

NOTICES = Path(__file__).parents[1] / "disclosure" / "data" / "notices"


def test_the_notice_is_read_into_a_year_file_that_other_commands_take(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "2026.toml"
    notice = NOTICES / "2026.txt"
    assert main(["calendar", "add", "--from-notice", str(notice), "-o", str(out)]) == 0
    year = load_year_file(out)
    assert year.year == 2026 and len(year.workdays) == 6
    capsys.readouterr()
    assert main(["calendar", "add", str(out), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["source"].startswith("国务院办公厅关于2026年")


def test_a_notice_that_disagrees_with_itself_is_one_line_naming_its_line_and_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8").replace("共7天", "共6天")
    notice = tmp_path / "通知.txt"
    notice.write_text(text, encoding="utf-8")
    out = tmp_path / "2026.toml"
    assert main(["calendar", "add", "--from-notice", str(notice), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "第11行（国庆节）" in err
    assert not out.exists()


def test_add_takes_a_year_file_or_a_notice_not_both_nor_neither(
    capsys: pytest.CaptureFixture[str],
) -> None:
    notice = str(NOTICES / "2026.txt")
    assert main(["calendar", "add"]) == 2
    assert main(["calendar", "add", "x.toml", "--from-notice", notice]) == 2
    assert main(["calendar", "add", "x.toml", "-o", "y.toml"]) == 2


def test_an_estimate_knows_new_years_day(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["deadline", "2026-12-25", "--working-days", "5", "--format", "json"]
    assert main(args) == 2  # 2027 has no data: one line saying what to do
    err = capsys.readouterr().err
    assert "--from-notice" in err and "--estimate 2027" in err
    assert main([*args, "--estimate", "2027"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert "2027-01-04" in json.dumps(shown)  # not 1 January, New Year's Day
