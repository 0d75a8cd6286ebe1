"""A notice publishes policy documents, conditions, procedure, results and how to complain
(R-DIS-1), for at least a week (R-DIS-2)."""

from __future__ import annotations

from datetime import date

import pytest

from edupoverty.disclosure import REQUIRED_PARTS, Notice, check_notice
from edupoverty.errors import InputError
from edupoverty.records import CODES

COMPLETE = Notice(
    title="2026年秋季学期家庭经济困难学生资助公示",
    policy_documents=["教财〔2018〕16号"],
    conditions="建档立卡贫困家庭学生等",
    procedure="个人申请、班级评议、学校认定、公示、上报",
    results="见附表",
    complaint_channel="学校办公室举报电话",
    channels=["公示栏", "校园网", "微信群"],
    posted_on=date(2026, 9, 28),
    last_day=date(2026, 10, 8),
)


def test_a_complete_notice_has_no_finding() -> None:
    assert check_notice(COMPLETE) == ()


@pytest.mark.parametrize("part", [p for p, _, _ in REQUIRED_PARTS])
def test_each_missing_part_is_one_finding(part: str) -> None:
    import attrs

    empty = () if part == "policy_documents" else "  "
    (f,) = check_notice(attrs.evolve(COMPLETE, **{part: empty}))
    assert f.code == "notice.missing" and f.field == part and f.is_error
    assert CODES["notice.missing"].rule == "R-DIS-1"


def test_a_notice_without_anything_has_five_findings() -> None:
    fs = check_notice(Notice())
    assert [f.field for f in fs] == [p for p, _, _ in REQUIRED_PARTS]
    assert fs[-1].message_zh == "complaint_channel：公示内容缺少举报受理方式"


def test_a_notice_given_as_a_mapping_with_chinese_names() -> None:
    fs = check_notice({"政策文件": ["教财〔2018〕16号"], "资助条件": "x", "操作程序": "y",
                       "评选结果": "z", "举报受理方式": ""})  # fmt: skip
    assert [f.field for f in fs] == ["complaint_channel"]


def test_a_notice_posted_less_than_a_week_is_flagged() -> None:
    import attrs

    (f,) = check_notice(attrs.evolve(COMPLETE, last_day=date(2026, 10, 3)))
    assert f.code == "notice.short" and "6" in f.message_en
    assert check_notice(attrs.evolve(COMPLETE, last_day=date(2026, 10, 4))) == ()


def test_a_notice_of_another_type_is_an_input_error() -> None:
    with pytest.raises(InputError):
        check_notice("公示")  # type: ignore[arg-type]
