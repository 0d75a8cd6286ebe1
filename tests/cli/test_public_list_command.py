"""``edupoverty public-list``: a roster in, a public list out, nothing private in it."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path

import attrs
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edupoverty.cli import main
from edupoverty.disclosure.public_list import NOT_CONFIGURED, PublicList, public_list
from edupoverty.errors import PolicyStaleWarning, PrivacyError
from edupoverty.frame import entitlement_rows
from edupoverty.records import Student
from edupoverty.records.columns import table_from_students
from edupoverty.records.validate import current_school_year
from edupoverty.rules import assess_many, assess_table, load_policy
from tests.rules.test_table import POLICIES, students

ROSTER = (
    "姓名,身份证号,学校代码,学校名称,学段,年级,学校所在地,银行卡号\n"
    "张三,11010520120307002X,3412001,黄圩镇中心学校,初中,2,乡村,6222020000000000\n"
    '=HYPERLINK("http://x"),110105201203070038,3412001,黄圩镇中心学校,初中,1,乡村,\n'
)


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def test_a_csv_public_list_shows_only_allowed_columns(
    roster: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "list.csv"
    code = main(["public-list", str(roster), "-o", str(out), "--format", "json"])
    summary = json.loads(capsys.readouterr().out)
    text = out.read_text(encoding="utf-8-sig")
    assert summary["rows_written"] == 2 and summary["columns"] == ["name", "school", "grade"]
    assert code == (1 if summary["rejected"] else 0)
    lines = text.splitlines()
    assert lines[0] == "姓名,学校,年级"
    assert lines[1] == "张三,黄圩镇中心学校,2"
    assert lines[2].startswith("\"'=HYPERLINK")
    assert "11010520120307002X" not in text and "6222020000000000" not in text


def test_asking_for_the_id_number_is_refused_with_exit_2(
    roster: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "list.csv"
    code = main(["public-list", str(roster), "-o", str(out), "--columns", "name,身份证号"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("edupoverty: privacy.field:")
    assert not out.exists()


def test_a_printed_xlsx_list_with_dates_and_complaint_channel(
    roster: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "list.xlsx"
    main([
        "public-list", str(roster), "-o", str(out), "--posted-on", "2026-09-28",
        "--complaint-channel", "学校办公室 0557-0000000", "--title", "资助公示",
    ])  # fmt: skip
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(out).active.iter_rows()]
    assert rows[0][0] == "资助公示"
    assert rows[1][0] == "公示时间：2026年9月28日至2026年10月8日"
    assert rows[-1][0] == "举报受理方式：学校办公室 0557-0000000"


def test_an_xlsx_list_needs_a_complaint_channel(
    roster: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["public-list", str(roster), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "--complaint-channel" in capsys.readouterr().err


def test_an_unknown_output_type_is_exit_2(
    roster: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["public-list", str(roster), "-o", str(tmp_path / "x.pdf")]) == 2


def test_rejected_roster_rows_are_counted_by_row_number_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "姓名,身份证号,学校代码,学段,学校所在地\n"
        "张三,11010520120307002X,1,初中,乡村\n"
        "李四,110105201203070021,1,初中,乡村\n",
        encoding="utf-8",
    )
    out = tmp_path / "list.csv"
    code = main(["public-list", str(roster), "-o", str(out), "--format", "json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (summary["rows_written"], summary["rejected"], summary["rejected_rows"]) == (1, 1, [3])
    assert "110105201203070021" not in out.read_text(encoding="utf-8-sig")


def test_an_assessed_public_list_shows_programmes_and_amounts(
    roster: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from edupoverty.records.roster import read_roster
    from edupoverty.rules import assess_many, load_policy

    out = tmp_path / "list.csv"
    code = main(["public-list", str(roster), "-o", str(out), "--policy", "seed",
                 "--school-year", "2019", "--format", "json"])  # fmt: skip
    summary = json.loads(capsys.readouterr().out)
    assert summary["columns"] == ["name", "school", "grade", "programme", "tier", "amount"]
    students = read_roster(roster).students
    expected = sum(len(a.entitlements) for a in assess_many(students, load_policy("seed"), 2019))
    assert summary["rows_written"] == expected > 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "姓名,学校,年级,资助项目,资助等次,金额（元）"
    assert all("11010520120307002X" not in line for line in lines)
    assert code in (0, 1)


def test_a_policy_without_school_year_takes_the_current_one_and_says_so(
    roster: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["public-list", str(roster), "-o", str(tmp_path / "l.csv"), "--policy", "seed"]
    assert main(argv) in (0, 1)
    err = capsys.readouterr().err
    assert f"学年：{current_school_year()}（默认" in err and "--school-year" in err


LISTED = ["name", "school", "grade", "programme", "tier", "amount"]


def test_the_sample_roster_lists_what_each_assessment_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The list is built from the assessment table; it must be the list of the assessments
    # of the same students one by one: same rows, programmes, tiers and amounts, in order.
    from edupoverty.records.roster import read_roster
    from edupoverty.records.sample import SAMPLE_SCHOOL_YEAR, sample_roster_path

    out = tmp_path / "list.csv"
    main(["public-list", str(sample_roster_path()), "-o", str(out), "--policy", "seed",
          "--school-year", str(SAMPLE_SCHOOL_YEAR), "--format", "json"])  # fmt: skip
    summary = json.loads(capsys.readouterr().out)
    students = read_roster(sample_roster_path()).students
    each = public_list(assess_many(students, load_policy("seed"), SAMPLE_SCHOOL_YEAR), LISTED)
    expected = tmp_path / "each.csv"
    each.to_csv(expected)
    assert summary["rows_written"] == len(each.rows) > 0
    assert out.read_bytes() == expected.read_bytes()
    assert any(row[4] is not None for row in each.rows)  # a tier is shown
    assert NOT_CONFIGURED in {row[5] for row in each.rows}


def outcome(build: Callable[[], PublicList]) -> object:
    """The list ``build`` gives, or the refusal it raises (as type and message)."""
    try:
        return build().rows
    except PrivacyError as exc:
        return type(exc), str(exc)


@pytest.mark.parametrize("which", sorted(POLICIES))
@settings(max_examples=40, deadline=None)
@given(many=st.lists(students, min_size=1, max_size=30))
def test_the_list_of_an_assessment_table_is_the_list_of_its_assessments(
    which: str, many: list[Student]
) -> None:
    policy = POLICIES[which]
    many = [attrs.evolve(s, row=i + 2) for i, s in enumerate(many)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyStaleWarning)
        table = assess_table(table_from_students(many), policy, 2019)
        each = list(assess_many(many, policy, 2019))
    got = outcome(lambda: public_list(entitlement_rows(table), LISTED))
    assert got == outcome(lambda: public_list(each, LISTED))
