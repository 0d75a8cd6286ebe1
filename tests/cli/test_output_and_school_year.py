"""What a county's IT person meets at the front door: the file name decides the format, one
school year default for every command, named first, and messages and help in their
language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from edupoverty.cli import build_parser, main
from edupoverty.records.sample import SAMPLE_SCHOOL_YEAR, sample_roster_path
from edupoverty.records.validate import current_school_year

ROSTER = str(sample_roster_path())
YEAR = ["--school-year", str(SAMPLE_SCHOOL_YEAR)]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl", ".txt"])
def test_the_suffix_of_the_output_file_chooses_the_format(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"测算{suffix}"
    code, stdout, _ = run(capsys, "assess", ROSTER, *YEAR, "-o", str(out))
    assert code == 1 and stdout == ""  # the sample has rejected rows
    text = out.read_text("utf-8-sig")
    if suffix == ".csv":
        assert text.startswith('"行","姓名"') and len(text.splitlines()) == 41
    elif suffix == ".json":
        assert json.loads(text)["school_year"] == SAMPLE_SCHOOL_YEAR
    elif suffix == ".jsonl":
        assert [json.loads(line)["row"] for line in text.splitlines()][:2] == [2, 3]
    else:
        assert text.startswith("政策 seed，2019学年")


def test_an_xlsx_output_is_a_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "测算.xlsx"
    assert run(capsys, "assess", ROSTER, *YEAR, "-o", str(out))[0] == 1
    assert out.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--format", "json", "-o", "{tmp}/out.csv"], "output.format"),
        (["--format", "table", "-o", "{tmp}/out.csv"], "output.format"),
        (["-o", "{tmp}/out.pdf"], "output.suffix"),
        (["-o", "{tmp}/out"], "output.suffix"),
        (["--format", "xlsx"], "output.needs_file"),
    ],
)
def test_a_format_the_file_name_contradicts_is_one_line_and_nothing_is_written(
    argv: list[str], code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    result, out, err = run(capsys, "--lang", "en", "assess", ROSTER, *argv)
    assert result == 2 and out == ""
    assert one_line(err).startswith(f"edupoverty: {code}: ")
    assert list(tmp_path.iterdir()) == []


def test_other_outputs_follow_their_suffix_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "public-list", ROSTER, "-o", str(tmp_path / "l.json"))[0] == 2
    assert run(capsys, "synthetic", "-o", str(tmp_path / "r.txt"))[0] == 2
    notice_out = str(tmp_path / "2027.txt")
    assert run(capsys, "calendar", "add", "--from-notice", ROSTER, "-o", notice_out)[0] == 2
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["assess", ROSTER, "--format", "json"],
        ["validate", ROSTER, "--format", "json"],
        ["public-list", ROSTER, "-o", "{tmp}/l.csv", "--policy", "seed", "--format", "json"],
    ],
)
def test_every_command_takes_the_current_school_year_and_says_so_on_stderr(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    _, out, err = run(capsys, *argv)
    json.loads(out)  # standard output stays one clean JSON document
    first = err.splitlines()[0]
    assert first.startswith(f"edupoverty: 学年：{current_school_year()}（默认：北京时间今天")
    if argv[0] == "assess":
        assert json.loads(out)["school_year"] == current_school_year()


def test_a_text_report_names_the_school_year_on_its_first_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, err = run(capsys, "--lang", "en", "validate", ROSTER, *YEAR)
    assert out.splitlines()[0] == "school year 2019"
    assert out.splitlines()[1].startswith("40 rows: 32 accepted")
    assert err == ""


def test_validate_without_a_year_on_an_old_roster_hints_at_the_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from edupoverty.records.synthetic import write_roster_csv

    roster = write_roster_csv(tmp_path / "r.csv", 200, seed=3, school_year=2012)
    _, _, err = run(capsys, "validate", str(roster), "--format", "json")
    assert "hint: 多数行的年龄" in err and "--school-year" in err
    _, _, err = run(capsys, "validate", str(roster), "--school-year", "2012")
    assert "hint" not in err


def test_quiet_drops_the_school_year_note_but_not_warnings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, _, err = run(capsys, "assess", ROSTER, "--format", "json", "-q", "--school-year", "2024")
    assert "学年：" not in err
    assert one_line(err).startswith("edupoverty: policy.stale: 政策配置只核对到2020学年")


def test_a_stale_policy_is_one_line_saying_what_to_do_not_a_python_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, _, err = run(capsys, "--lang", "en", "assess", ROSTER, "--format", "jsonl")
    stale = [line for line in err.splitlines() if "policy.stale" in line]
    assert len(stale) == 1
    assert "--school-year" in stale[0] and "--policy" in stale[0]
    assert ".py" not in err and "Warning" not in err


def test_a_provisional_date_is_followed_by_one_line_on_what_to_do(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["deadline", "2026-12-25", "-n", "5", "--estimate", "2027", "--format", "json"]
    code, out, err = run(capsys, *argv)
    assert code == 0 and json.loads(out)["provisional"] is True
    assert "calendar.provisional" in one_line(err) and "--from-notice" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["assess", ROSTER, *YEAR, "--format", "json", "--lang", "en"],
        ["policy", "list", "--lang", "en"],
        ["calendar", "check", "2027", "--lang", "en"],
        ["deadline", "2026-10-01", "-n", "3", "--lang", "en"],
    ],
)
def test_lang_works_after_any_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    after = run(capsys, *argv)
    before = run(capsys, "--lang", "en", *[a for a in argv if a not in ("--lang", "en")])
    assert after == before


def test_a_usage_error_is_one_line_in_the_language_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "--lang", "zh", "assess", "--school-year", "twenty")
    assert code == 2
    assert "参数 --school-year 应为整数" in one_line(err) and "--help" in err
    code, _, err = run(capsys, "--lang", "en", "assess")
    assert code == 2 and "required" in one_line(err)


def test_every_help_string_has_its_chinese() -> None:
    assert build_parser("zh").untranslated == []


def _help(env_lang: str, *argv: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env["LANG"] = env_lang
    done = subprocess.run(
        [sys.executable, "-m", "edupoverty.cli", *argv, "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_help_follows_a_chinese_locale_and_lang_overrides_it() -> None:
    zh = _help("zh_CN.UTF-8", "validate")
    assert zh.startswith("用法：edupoverty validate") and "选项：" in zh
    assert "名单所属学年" in zh and "效验名单文件" in zh
    top = _help("zh_CN.UTF-8")
    assert "按政策配置测算名单中每个学生应享受的资助" in top
    en = _help("en_US.UTF-8", "validate")
    assert en.startswith("usage: edupoverty validate") and "school year of the roster" in en
    assert _help("en_US.UTF-8", "--lang", "zh", "assess").startswith("用法：")


def test_validate_names_the_column_by_the_sample_s_own_header(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "validate", ROSTER, *YEAR)
    rows = [line for line in out.splitlines() if line.endswith(" id.checksum")]
    assert rows and all("身份证号" in line and "id_number" not in line for line in rows)


def test_validate_writes_its_report_in_the_format_of_the_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, doc, book = tmp_path / "问题.txt", tmp_path / "问题.json", tmp_path / "问题.xlsx"
    assert run(capsys, "validate", ROSTER, *YEAR, "-o", str(text)) == (1, "", "")
    assert text.read_text("utf-8").startswith("学年：2019\n共40行：接受32行")
    code, out, err = run(capsys, "validate", ROSTER, *YEAR, "-o", str(doc))
    assert (code, out) == (1, "") and err.startswith("edupoverty: 学年：2019")
    assert json.loads(doc.read_text("utf-8"))["rejected"] == 8
    code, out, _ = run(capsys, "validate", ROSTER, *YEAR, "-o", str(book))
    assert code == 1 and out.startswith("学年：2019\n") and book.read_bytes()[:2] == b"PK"
    wrong = ["--format", "json", "-o", str(tmp_path / "a.txt")]
    code, _, err = run(capsys, "validate", ROSTER, *wrong)
    assert code == 2 and one_line(err).startswith("edupoverty: output.format:")


def test_findings_name_the_column_as_the_school_headed_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(
        "公民身份号码,姓名,学校代码,学段,学校所在地\n11010520120307002Y,张三,1,小学,乡村\n",
        encoding="utf-8",
    )
    _, out, _ = run(capsys, "validate", str(roster), *YEAR)
    assert "公民身份号码" in out and "11010520120307002Y" not in out
    _, out, _ = run(capsys, "validate", str(roster), *YEAR, "--format", "json")
    [item] = json.loads(out)["findings"]
    assert (item["field"], item["column"]) == ("id_number", "公民身份号码")
