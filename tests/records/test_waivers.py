"""Waiver pledges (放弃受助资格承诺书, R-REC-5) read from a school's file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from edupoverty.errors import RosterError
from edupoverty.records.roster import read_waivers

IDENT = "11010520120307002X"


def _file(tmp_path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    p = tmp_path / "pledges.csv"
    p.write_text(text, encoding=encoding)
    return p


def test_a_pledge_with_chinese_headers_gives_up_the_named_programmes(tmp_path: Path) -> None:
    p = _file(
        tmp_path,
        "身份证号,学年,签署日期,签署人,放弃项目,存放位置\n"
        f"{IDENT},2019学年,2019年9月20日,张父,寄宿生生活补助、营养改善计划,资助档案柜\n",
    )
    result = read_waivers(p)
    [w] = result.waivers
    assert (w.student_id, w.school_year, w.signed_on, w.signed_by) == (
        IDENT,
        2019,
        date(2019, 9, 20),
        "张父",
    )
    assert w.programmes == ("compulsory.boarding_allowance", "compulsory.nutrition")
    assert w.on_paper and w.kept_at == "资助档案柜"
    assert w.covers("compulsory.nutrition") and not w.covers("compulsory.fee_waiver")


def test_a_pledge_without_programmes_gives_up_every_programme_of_the_year(
    tmp_path: Path,
) -> None:
    p = _file(
        tmp_path, f"id_number,school_year,signed_on,signed_by\n{IDENT},2019,2019-09-20,张母\n"
    )
    [w] = read_waivers(p).waivers
    assert w.programmes == () and w.covers("senior.national_grant")


def test_every_row_is_accepted_or_rejected_with_its_row_and_field_never_the_id(
    tmp_path: Path,
) -> None:
    p = _file(
        tmp_path,
        "身份证号,学年,签署日期,签署人,纸质承诺书\n"
        f"{IDENT},2019,2019-09-20,张父,是\n"
        f"{IDENT[:-1]}0,2019,2019-09-20,李父,是\n"  # wrong check digit
        f"{IDENT},2019,九月,,否\n"  # unreadable date, no signer
        "\n",
    )
    result = read_waivers(p)
    assert result.rows == result.accepted + len(result.rejected) == 3
    assert result.blank_rows == 1
    second, third = result.rejected
    assert (second.row, [f.code for f in second.findings]) == (3, ["id.checksum"])
    assert third.row == 4
    assert {(f.code, f.field) for f in third.findings} == {
        ("field.missing", "signed_by"),
        ("field.invalid", "signed_on"),
    }
    for f in result.findings:
        assert IDENT[:17] not in f.message_zh + f.message_en


def test_a_file_without_the_required_columns_is_a_roster_error(tmp_path: Path) -> None:
    p = _file(tmp_path, f"身份证号,学年\n{IDENT},2019\n")
    with pytest.raises(RosterError) as info:
        read_waivers(p)
    assert "signed_on" in info.value.message_en and "signed_by" in info.value.message_en
