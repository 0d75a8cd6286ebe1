"""Public lists show only what 教财厅函〔2017〕28号 allows, and are written safely."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from attrs import frozen

from edupoverty.disclosure import NOT_CONFIGURED, plan_disclosure, public_list
from edupoverty.disclosure.public_list import ALLOWED_COLUMNS, resolve_column
from edupoverty.errors import InputError, PrivacyError
from edupoverty.records import ProgrammeForm, SchoolLocation, Stage, Student

ID = "11010520120307002X"


def _student(name: str = "张三", **kw: object) -> Student:
    base: dict[str, object] = dict(
        name=name,
        id_number=ID,
        school_code="3412001",
        school_name="黄圩镇中心学校",
        stage=Stage.JUNIOR,
        school_location=SchoolLocation.RURAL,
        grade=2,
        bank_account="6222020000000000",
    )
    base.update(kw)
    return Student(**base)  # type: ignore[arg-type]


@frozen
class _NotConfigured:
    """Shaped like the rules module's not-configured amount."""

    reason: str = "seed gives no amount"


@frozen
class _Entitlement:
    programme: str
    amount: object
    name_zh: str | None = None
    tier: int | None = None
    form: ProgrammeForm = ProgrammeForm.CASH


@frozen
class _Assessment:
    student: Student
    entitlements: tuple[_Entitlement, ...]


PROTECTED = [
    "id_number", "身份证号", "身份证件号", "公民身份号码", "ID", "ID-Number", "idcard",
    "birth_date", "出生日期", "生日", "DOB",
    "address", "家庭住址", "住址", "Home Address",
    "phone", "联系电话", "手机号", "Mobile", "TEL",
    "bank_account", "银行卡号", "账号", "Bank Account", "ｂａｎｋ＿ａｃｃｏｕｎｔ",
]  # fmt: skip


@pytest.mark.parametrize("column", PROTECTED)
def test_asking_for_a_protected_column_raises_privacy_error(column: str) -> None:
    with pytest.raises(PrivacyError):
        public_list([_student()], columns=["name", column])


@pytest.mark.parametrize("column", ALLOWED_COLUMNS)
def test_every_allowed_column_can_be_shown(column: str) -> None:
    assert public_list([{column: "x"}], columns=[column]).rows == (("x",),)


def test_chinese_headers_mean_the_allowed_columns() -> None:
    assert [resolve_column(c) for c in ("姓名", "学校", "院系", "年级", "班级", "专业")] == [
        "name", "school", "department", "grade", "class", "major",
    ]  # fmt: skip


def test_an_unknown_column_is_an_input_error() -> None:
    with pytest.raises(InputError):
        public_list([], columns=["favourite_colour"])


def test_a_student_row_never_shows_id_or_bank_account() -> None:
    pl = public_list([_student()], columns=["name", "school", "grade"])
    assert pl.rows == (("张三", "黄圩镇中心学校", 2),)
    assert ID not in repr(pl) and "6222" not in repr(pl)


def test_mapping_rows_ignore_their_private_keys() -> None:
    row = {"姓名": "李四", "身份证号": ID, "班级": "初二(3)班", "金额": Decimal("625.00")}
    assert public_list([row], columns=["name", "class", "amount"]).rows == (
        ("李四", "初二(3)班", Decimal("625.00")),
    )


@pytest.mark.parametrize("value", [ID, "13800138000", "6222020000000000", "1101052012030700"])
def test_a_value_that_looks_private_is_refused_whatever_its_column(value: str) -> None:
    with pytest.raises(PrivacyError) as info:
        public_list([{"name": "王五"}, {"name": value}], columns=["name"])
    assert "item 2, name" in info.value.message_en
    assert value not in str(info.value)


def test_an_assessment_gives_one_row_per_entitlement_and_unconfigured_amounts() -> None:
    # one row per entitlement; the tier shown is the entitlement's, not the roster's grant tier
    a = _Assessment(
        _student("赵六", grant_tier=1),
        (
            _Entitlement("compulsory.boarding_allowance", Decimal("625.00"), "寄宿生生活费补助"),
            _Entitlement("senior.fee_waiver", _NotConfigured(), None, tier=2),
        ),
    )
    pl = public_list([a], columns=["name", "programme", "tier", "amount"])
    assert pl.rows == (
        ("赵六", "寄宿生生活费补助", None, Decimal("625.00")),  # the roster's tier is not its
        ("赵六", "senior.fee_waiver", 2, NOT_CONFIGURED),
    )


def test_an_assessment_without_entitlements_gives_no_row() -> None:
    assert public_list([_Assessment(_student(), ())], columns=["name"]).rows == ()


def test_something_else_is_an_input_error() -> None:
    with pytest.raises(InputError):
        public_list([42], columns=["name"])


# --- written files --------------------------------------------------------------------------


def _hostile() -> Iterator[dict[str, object]]:
    yield {"name": '=HYPERLINK("http://evil","点击")', "class": "+1班", "amount": Decimal("500")}
    yield {"name": "@SUM(A1)", "class": "-3班", "amount": Decimal("625.50")}


def test_formulas_are_neutralised_in_the_csv(tmp_path: Path) -> None:
    out = tmp_path / "公示.csv"
    assert public_list(_hostile(), columns=["name", "class", "amount"]).to_csv(out) == 2
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "姓名,班级,金额（元）"
    assert lines[1].startswith("\"'=HYPERLINK(") and ",'+1班,500" in lines[1]
    assert lines[2] == "'@SUM(A1),'-3班,625.50"


def test_the_printed_xlsx_has_title_dates_rows_and_complaint_channel(tmp_path: Path) -> None:
    out = tmp_path / "公示.xlsx"
    window = plan_disclosure(date(2026, 9, 28))
    pl = public_list(_hostile(), columns=["name", "class", "amount"])
    n = pl.to_xlsx(
        out,
        title="黄圩镇中心学校2026年秋季学期资助公示",
        complaint_channel="学校办公室 0557-0000000",
        window=window,
    )
    assert n == 2
    ws = openpyxl.load_workbook(out).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "黄圩镇中心学校2026年秋季学期资助公示"
    assert values[1][0] == "公示时间：2026年9月28日至2026年10月8日"
    assert values[2] == ["姓名", "班级", "金额（元）"]
    assert values[3][0].startswith("'=HYPERLINK")
    assert values[3][2] == 500
    assert values[4][:2] == ["'@SUM(A1)", "'-3班"]
    assert values[-1][0] == "举报受理方式：学校办公室 0557-0000000"
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_a_printed_list_needs_a_complaint_channel(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="R-DIS-1"):
        public_list([], columns=["name"]).to_xlsx(tmp_path / "x.xlsx", title="公示",
                                                  complaint_channel=" ")  # fmt: skip


def test_a_private_looking_value_names_the_roster_row_not_the_value() -> None:
    with pytest.raises(PrivacyError) as info:
        public_list([_student("13800138000", row=7)], columns=["name"])
    assert info.value.message_en.startswith("row 7, name:")
    assert "13800138000" not in str(info.value)


def test_a_list_split_across_sheets_keeps_title_dates_and_complaint_channel_on_each(
    tmp_path: Path,
) -> None:
    out = tmp_path / "公示.xlsx"
    rows = [{"name": f"学生{chr(0x4E00 + i)}", "amount": Decimal("500")} for i in range(7)]
    pl = public_list(rows, columns=["name", "amount"])
    written = pl.to_xlsx(
        out,
        title="资助公示",
        complaint_channel="学校办公室 0557-0000000",
        window=plan_disclosure(date(2026, 9, 28)),
        max_rows=9,  # title, dates, header, 2 rows, 2 totals lines, a blank line, complaints
    )
    assert written == 7
    sheets = openpyxl.load_workbook(out).worksheets
    assert [ws.title for ws in sheets] == ["公示名单", "公示名单(2)", "公示名单(3)", "公示名单(4)"]
    shown = []
    for ws in sheets:
        values = [[c.value for c in row] for row in ws.iter_rows()]
        assert values[0][0] == "资助公示"
        assert values[1][0] == "公示时间：2026年9月28日至2026年10月8日"
        assert values[2] == ["姓名", "金额（元）"]
        assert values[-1][0] == "举报受理方式：学校办公室 0557-0000000"
        assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
        data = [v for v in values[3:-1] if v[0] and not v[0].endswith("计")]
        sums = {v[0]: v[1] for v in values[3:-1] if v[0] and v[0].endswith("计")}
        assert sums["本表合计"] == 500 * len(data)
        shown += [v[0] for v in data]
    assert sums["总计"] == 3500  # the last sheet also sums the whole list
    assert shown == [r["name"] for r in rows]
