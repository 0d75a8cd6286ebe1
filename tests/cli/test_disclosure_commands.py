"""The disclosure commands: deadline, disclosure plan, calendar check/add (exit codes, JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edupoverty.cli import main

DATA = Path(__file__).parent.parent / "disclosure" / "data"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_deadline_third_working_day_after_national_day(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "deadline", "2026-10-01", "--working-days", "3", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["due"] == "2026-10-10" and data["provisional"] is False


def test_deadline_table_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--lang", "en", "deadline", "2025-01-24", "-n", "3")
    assert code == 0 and "2025-02-05" in out and "due" in out


def test_deadline_into_2027_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--lang", "en", "deadline", "2026-12-30", "-n", "3")
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0
    assert "calendar.year_unavailable" in err and "2027" in err


def test_deadline_with_a_supplied_year_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "deadline", "2026-12-31", "-n", "1", "--calendar",
        str(DATA / "2027-TEST-DATA.toml"), "--format", "json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["due"] == "2027-01-04"


def test_deadline_with_an_explicit_estimate_is_provisional(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "deadline", "2026-12-30", "-n", "3", "--estimate", "2027",
                       "--format", "json")  # fmt: skip
    assert code == 0
    assert json.loads(out) == {
        "from": "2026-12-30", "working_days": 3, "due": "2027-01-05", "weekday": 2,
        "provisional": True,  # New Year's Day is a statutory holiday
    }  # fmt: skip


def test_a_bad_date_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "deadline", "1/10/2026", "-n", "3")
    assert code == 2 and "YYYY-MM-DD" in err


def test_disclosure_plan_default_convention(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "disclosure", "plan", "2026-09-28", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["last_day"], data["report_from"], data["convention"]) == (
        "2026-10-08", "2026-10-09", "civil_code",
    )  # fmt: skip
    assert data["reply_due_if_objection_on_last_day"] == "2026-10-12"


def test_disclosure_plan_in_working_days(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "disclosure", "plan", "2026-09-28", "--days", "5",
                       "--convention", "working_days", "--format", "json")  # fmt: skip
    assert code == 0 and json.loads(out)["last_day"] == "2026-10-10"


def test_disclosure_plan_shorter_than_a_week_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "disclosure", "plan", "2026-09-28", "--days", "3")
    assert code == 2 and "R-DIS-2" in err


def test_disclosure_plan_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "disclosure", "plan", "2026-09-28")
    assert code == 0 and "公示截止日" in out and "2026-10-08" in out


def test_calendar_check_2026_is_there(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "calendar", "check", "2026", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["available"] is True
    assert "2026-10-10" in data["workdays"]


def test_calendar_check_2027_is_missing_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "calendar", "check", "2027", "--format", "json")
    assert code == 1 and json.loads(out)["available"] is False
    code, out, _ = run(capsys, "--lang", "en", "calendar", "check", "2027")
    assert code == 1 and "2027" in out


def test_calendar_check_an_estimated_year_is_still_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, _ = run(capsys, "calendar", "check", "2027", "--estimate", "2027")
    assert code == 1


def test_calendar_add_checks_a_year_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "calendar", "add", str(DATA / "2027-TEST-DATA.toml"), "--format",
                       "json")  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["year"] == 2027 and data["workdays"] == ["2027-02-14"]


def test_calendar_add_refuses_a_weekday_make_up_day(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "2027.toml"
    bad.write_text(
        'year = 2027\nsource = "x"\n[[holiday]]\nfrom = 2027-01-01\nworkdays = [2027-01-05]\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--lang", "en", "calendar", "add", str(bad))
    assert code == 2 and out == ""
    assert err.startswith("edupoverty: calendar.data: 2027.toml: ") and "2027-01-05" in err


def test_calendar_add_a_missing_file_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "calendar", "add", str(tmp_path / "nope.toml"))
    assert code == 2 and err.startswith("edupoverty: calendar.data: nope.toml：文件不存在")


def test_the_demo_hook_prints_a_plan_for_a_given_day(capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import date

    from edupoverty.cli.commands.disclosure import print_demo_plan

    assert print_demo_plan("en", date(2026, 9, 28)) == 0
    assert "open until 2026-10-08" in capsys.readouterr().out
    assert print_demo_plan("en", date(2026, 12, 28)) == 1
    assert "2027" in capsys.readouterr().out
