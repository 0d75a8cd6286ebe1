"""``edupoverty public-list`` refuses a roster whose names hide private data: exit 2, one
line naming the row, the column and the kind, never the value, and no file written."""

from __future__ import annotations

from pathlib import Path

import pytest

from edupoverty.cli import main

HEADER = "姓名,身份证号,学校代码,学校名称,学段,年级,学校所在地\n"
GOOD = "张三,34132220120307008X,3412001,黄圩镇中心学校,初中,2,乡村\n"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("李四 3413 2220 1203 0700 8X", "an ID number"),
        ("李四 一三八〇〇一三八〇〇〇", "a phone number"),
        ("李四(2012-03-07)", "a birth date"),
        ("李四 某某路12号", "an address"),
    ],
)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_name_hiding_private_data_is_refused_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, kind: str, suffix: str
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        HEADER + GOOD + f"{name},110105201203070011,3412001,黄圩镇中心学校,初中,1,乡村\n",
        encoding="utf-8",
    )
    out = tmp_path / f"list{suffix}"
    code = main([
        "--lang", "en", "public-list", str(roster), "-o", str(out),
        "--complaint-channel", "学校办公室 0557-0000000",
    ])  # fmt: skip
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert code == 2 and len(lines) == 1
    assert lines[0] == (
        f"edupoverty: privacy.field: row 3, name: the value looks like {kind} and may not be shown"
    )
    assert name not in captured.err + captured.out
    assert not out.exists()
