"""A public list publishes nothing private (教财厅函〔2017〕28号, RULES.md §8): an ID number,
a phone, a bank account, a birth date or an address typed into an allowed cell — spaced,
full-width, in Chinese numerals, beside a name or split across two cells — is refused,
naming the row, the column and the kind, never the value."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import id_numbers

from edupoverty.disclosure.privacy import PrivateKind, normalise, private_cells, scan_text
from edupoverty.disclosure.public_list import ALLOWED_COLUMNS, DEFAULT_COLUMNS, public_list
from edupoverty.errors import PrivacyError
from edupoverty.records import idcard

ID = "34132220120307008X"  # made up, with a correct check digit
assert idcard.calc_check_digit(ID) == "X"
LOWER = dict(zip("0123456789X", "〇一二三四五六七八九X", strict=True))
UPPER = dict(zip("0123456789X", "零壹贰叁肆伍陆柒捌玖X", strict=True))


def _refusal(cells: dict[str, object], columns: list[str] | None = None) -> PrivacyError:
    """The error refusing a list whose second row is ``cells`` (the first is harmless)."""
    cols = columns or list(cells)
    harmless = {"name": "王五", "school": "黄圩小学"}
    with pytest.raises(PrivacyError) as info:
        public_list([harmless, cells], columns=cols)
    return info.value


def _refused_as(value: str, kind: PrivateKind, column: str = "name") -> None:
    err = _refusal({column: value})
    assert err.message_en.startswith(f"item 2, {column}: the value looks like {kind.en}")
    assert err.message_zh.startswith(f"第2项 {column}：内容像{kind.zh}")
    digits = "".join(ch for ch in value if ch.isdigit())
    for text in (str(err), err.message_zh, err.message_en, repr(err)):
        assert value not in text
        assert len(digits) < 4 or digits not in text


# --- ID numbers -------------------------------------------------------------------------------

ID_FORMS = {
    "plain": ID,
    "split by spaces": "3413 2220 1203 0700 8X",
    "split by hyphens": "341322-20120307-008X",
    "split by dots": "341322.20120307.008X",
    "split by slashes": "341322/20120307/008X",
    "in parentheses": "(341322)(20120307)(008X)",
    "split by no-break spaces": "341322\u00a020120307\u00a0008X",
    "split by ideographic spaces": "341322\u300020120307\u3000008X",
    "split by zero-width spaces": "341322\u200b20120307\u200b008X",
    "split by dashes": "341322\u201420120307\u2013008X",
    "beside a name": "张三3413 2220 1203 0700 8X",
    "lower-case x": "34132220120307008x",
    "full-width": "３４１３２２２０１２０３０７００８Ｘ",
    "full-width, spaced by full-width spaces": "３４１３２２　２０１２０３０７　００８ｘ",
    "Chinese numerals": "".join(LOWER[c] for c in ID),
    "Chinese numerals with 零": "".join(LOWER[c] for c in ID).replace("〇", "零"),
    "capital numerals": "".join(UPPER[c] for c in ID),
    "capital numerals, traditional": "參肆壹參貳貳貳零壹貳零參零柒零零捌X",
    "numerals and digits mixed": "三四一三二二 2012 〇三〇七 008X",
    "Arabic-Indic digits": "".join("٠١٢٣٤٥٦٧٨٩"[int(c)] if c != "X" else c for c in ID),
    "first-generation card (15 digits)": "341322 120307 002",
}


@pytest.mark.parametrize("value", ID_FORMS.values(), ids=ID_FORMS.keys())
def test_an_id_number_in_the_name_column_is_refused(value: str) -> None:
    _refused_as(value, PrivateKind.ID_NUMBER)


# --- Phones and bank accounts -----------------------------------------------------------------

PHONE_FORMS = {
    "mobile": "13800138000",
    "mobile spaced": "138 0013 8000",
    "mobile hyphenated": "138-0013-8000",
    "mobile with +86": "+86 138 0013 8000",
    "mobile with 0086": "0086-13800138000",
    "mobile beside a name": "李四13800138000",
    "mobile full-width": "１３９　００１３　８０００",
    "mobile in numerals": "一三八〇〇一三八〇〇〇",
    "mobile with 幺": "幺三八 零零幺三 八零零零",
    "landline with area code": "0557-1234567",
    "landline in parentheses": "(0557)1234567",
    "landline with a 3-digit area code": "010-12345678",
}


@pytest.mark.parametrize("value", PHONE_FORMS.values(), ids=PHONE_FORMS.keys())
def test_a_phone_number_is_refused(value: str) -> None:
    _refused_as(value, PrivateKind.PHONE)


BANK_FORMS = {
    "16 digits spaced": "6222 0200 0000 0000",
    "19 digits hyphenated": "6222-0202-0000-0000-123",
    "17 digits dotted": "6222.0200.0000.0000.1",
    "full-width with ideographic spaces": "６２２２\u3000０２００\u3000００００\u3000００００",
    "beside a name": "王五 6222020000000000",
}


@pytest.mark.parametrize("value", BANK_FORMS.values(), ids=BANK_FORMS.keys())
def test_a_bank_account_is_refused(value: str) -> None:
    _refused_as(value, PrivateKind.BANK_ACCOUNT)


def test_any_other_run_of_eleven_digits_is_refused_too() -> None:
    _refused_as("张三 1234 5678 901", PrivateKind.LONG_NUMBER)


# --- Birth dates -------------------------------------------------------------------------------

BIRTH_FORMS = {
    "in parentheses": "张三(2012-03-07)",
    "full-width parentheses": "张三（2012-03-07）",
    "compact": "张三20120307",
    "in 年月日": "张三 2012年3月7日",
    "dotted": "2012.3.7",
    "slashed": "张三 2012/03/07",
    "spaced": "张三 2012 3 7",
    "full-width": "张三（２０１２－０３－０７）",
    "in numerals": "张三二〇一二年三月七日",
    "in numerals with 十": "张三 二零一二年十二月二十七日",
    "compact in numerals": "张三二〇一二〇三〇七",
}


@pytest.mark.parametrize("value", BIRTH_FORMS.values(), ids=BIRTH_FORMS.keys())
def test_a_birth_date_beside_a_name_is_refused(value: str) -> None:
    _refused_as(value, PrivateKind.BIRTH_DATE)


# --- Addresses ---------------------------------------------------------------------------------

ADDRESS_FORMS = {
    "province to village group": ("name", "安徽省砀山县某某镇某某村3组"),
    "road and house number": ("name", "某某路12号"),
    "flat": ("class", "某某小区5栋3单元501室"),
    "village group in numerals": ("name", "张三 某某村三组"),
    "house number in numerals": ("programme", "某某路十二号"),
    "road and a number": ("major", "人民路12"),
    "town and village beside a name": ("name", "张三 某某镇某某村"),
    "province to village, no number": ("class", "安徽省砀山县某某镇某某村"),
    "a house number in the school column": ("school", "安徽省砀山县某某镇某某村3组"),
    "spaced and full-width": ("name", "某某路　１２　号"),
}


@pytest.mark.parametrize(("column", "value"), ADDRESS_FORMS.values(), ids=ADDRESS_FORMS.keys())
def test_an_address_is_refused(column: str, value: str) -> None:
    _refused_as(value, PrivateKind.ADDRESS, column)


# --- Across cells -----------------------------------------------------------------------------

SPLITS = {
    "ID number, name and school": (
        {"name": "王五 3413 2220 1", "school": "203 0700 8X"}, PrivateKind.ID_NUMBER, "name+school"
    ),
    "ID number in numerals": (
        {"name": "赵六 三四一三二二二〇", "school": "一二〇三〇七〇〇八X"},
        PrivateKind.ID_NUMBER,
        "name+school",
    ),
    "ID number across three cells": (
        {"name": "王五 341322", "school": "20120", "grade": "307008X"},
        PrivateKind.ID_NUMBER,
        "name+school+grade",
    ),
    "mobile, name and school": (
        {"name": "李四 138", "school": "0013 8000"}, PrivateKind.PHONE, "name+school"
    ),
    "mobile, a number after it": (
        {"name": "李四 138", "school": "0013 8000", "grade": 3},
        PrivateKind.PHONE,
        "name+school",
    ),
    "bank account, class and programme": (
        {"class": "6222 0200", "programme": "0000 0000"}, PrivateKind.BANK_ACCOUNT,
        "class+programme",
    ),
    "an empty cell between": (
        {"name": "李四 138", "school": None, "grade": "0013 8000"}, PrivateKind.PHONE,
        "name+grade",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("cells", "kind", "columns"), SPLITS.values(), ids=SPLITS.keys())
def test_a_number_split_across_neighbouring_cells_is_refused(
    cells: dict[str, object], kind: PrivateKind, columns: str
) -> None:
    err = _refusal(cells)
    assert err.message_en == (
        f"item 2, {columns}: the adjacent cells together look like {kind.en} and may not be shown"
    )
    assert err.message_zh == f"第2项 {columns}：相邻单元格连起来像{kind.zh}，不能公示"
    for value in cells.values():
        if isinstance(value, str):
            assert value not in str(err)


def test_cells_that_are_not_neighbours_are_not_read_together() -> None:
    row = {"name": "李四 138", "school": "黄圩小学", "class": "0013 8000"}
    assert public_list([row], columns=["name", "school", "class"]).rows


# --- What a list may show ---------------------------------------------------------------------

NAMES = [
    "张三", "李四", "王五", "赵六", "王一栋", "陈二栋", "刘十一", "陆三", "伍六一", "万一",
    "欧阳娜娜", "司马相如", "诸葛亮", "阿依古丽·买买提", "买买提·艾力", "阿依古丽•买买提",
    "努尔艾力·阿不都热合曼", "王镇东", "李村", "张 三", "Maria", "李十二",
]  # fmt: skip
SCHOOLS = [
    "黄圩小学", "砀山县第二中学", "某某镇中心小学", "黄圩镇中心学校", "砀山县黄圩镇中心学校",
    "砀山县黄圩镇某某村小学", "安徽省砀山县第二中学", "人民路第一小学", "人民路一小",
    "解放路2中", "第十二中学", "砀山县第一职业中学", "某某村教学点", "宿州市第三中学",
]  # fmt: skip
CLASSES = ["三年级2班", "初二(3)班", "高一（12）班", "2023级1班", "七年级", "一年级一班", "3班"]
GRADES: list[object] = [1, 3, 9, 12, "三年级", "初一", "高三", "2023级"]
PROGRAMMES = [
    "寄宿生生活费补助", "两免一补", "普通高中国家助学金", "雨露计划", "营养改善计划",
    "国家助学金（教财〔2010〕11号）", "2019年秋季学期生活费补助", "中职免学费", "五保户子女补助",
    "2026年春季学期",
]  # fmt: skip
OTHER = [
    ("major", "城市规划与乡村建设"), ("major", "农村区域发展"), ("major", "社区管理与服务"),
    ("major", "计算机应用"), ("department", "城乡建设学院"), ("department", "机电系"),
    ("tier", "一等"), ("tier", "特别困难"), ("tier", 2), ("amount", Decimal("1000.00")),
    ("amount", "1000.00"), ("amount", Decimal("625.00")), ("amount", Decimal("3500.00")),
    ("amount", "未配置"),
]  # fmt: skip
ALLOWED_VALUES = (
    [("name", v) for v in NAMES]
    + [("school", v) for v in SCHOOLS]
    + [("class", v) for v in CLASSES]
    + [("grade", v) for v in GRADES]
    + [("programme", v) for v in PROGRAMMES]
    + OTHER
)


@pytest.mark.parametrize(("column", "value"), ALLOWED_VALUES)
def test_what_a_public_list_shows_is_not_refused(column: str, value: object) -> None:
    assert public_list([{column: value}], columns=[column]).rows == ((value,),)
    assert scan_text(str(value), column) is None


def test_whole_rows_of_allowed_values_are_not_refused() -> None:
    rows = [
        {"name": n, "school": s, "grade": g, "class": c, "programme": p, "tier": t, "amount": a}
        for n, s, g, c, p, t, a in zip(
            NAMES,
            SCHOOLS * 2,
            [1, 3, 9, 12, 10, 2] * 4,
            CLASSES * 4,
            PROGRAMMES * 3,
            ["1", 2, "3", "一等"] * 6,
            ["1000.00", Decimal("625.00"), "13500.00", Decimal("2500.00")] * 6,
            strict=False,
        )
    ]
    columns = ["name", "school", "grade", "class", "tier", "amount", "programme"]
    assert len(public_list(rows, columns=columns).rows) == len(NAMES)
    # numbers side by side that make no private number: grade, class, tier, amount
    row = {"grade": "10", "class": "12", "tier": "1", "amount": "3500.00"}
    assert public_list([row], columns=list(row)).rows == (tuple(row.values()),)


def test_a_school_code_beside_a_name_numeral_or_a_grade_is_not_a_phone() -> None:
    # The list falls back to the school code when a school has no name; a name may end in a
    # numeral (王一) and a grade is a number: neither runs on into the code as a phone's digits.
    rows = [
        {"name": "王一", "school": "3413210001", "grade": 3},
        {"name": "王五", "school": "1341321000", "grade": 3},
        {"name": "李二三", "school": "3413210001", "grade": 1},
    ]
    assert len(public_list(rows, columns=["name", "school", "grade"]).rows) == 3
    # the same digits written as text in the cells still join into a phone number
    with pytest.raises(PrivacyError, match="school\\+grade"):
        public_list([{"school": "1341321000", "grade": "3"}], columns=["school", "grade"])


def test_a_village_school_is_a_school_name_but_not_a_name() -> None:
    village = "砀山县黄圩镇某某村"
    assert public_list([{"school": village + "小学"}], columns=["school"]).rows
    assert scan_text(village, "name") is PrivateKind.ADDRESS
    assert scan_text(village + "小学", "class") is PrivateKind.ADDRESS


def test_a_document_number_is_not_a_house_number() -> None:
    assert scan_text("教财〔2017〕28号", "programme") is None
    assert scan_text("某某村28号", "programme") is PrivateKind.ADDRESS


# --- Every valid ID number, however written, in any allowed cell ------------------------------

SEPARATORS = [
    " ", "-", ".", "/", "\u00a0", "\u3000", "\u2009", "\u200b", "\ufeff", "\u2010", "\u2013",
    "\u2014", "\u2212", "\uff0d", "\uff0e", "\uff0f", "(", ")", "（", "）", "·", "_", ",", "，",
    "、", "\t", "\n",
]  # fmt: skip
NUMERALS = [
    "0123456789", "〇一二三四五六七八九", "零一二三四五六七八九", "零壹贰叁肆伍陆柒捌玖",
    "０１２３４５６７８９",
]  # fmt: skip


@st.composite
def written_ids(draw: st.DrawFn) -> str:
    """A valid ID number, each digit in a numeral set, with separators between characters."""
    number = draw(id_numbers())
    chars = []
    for ch in number:
        digits = draw(st.sampled_from(NUMERALS))
        chars.append(digits[int(ch)] if ch != "X" else draw(st.sampled_from("Xxｘ")))
        chars.append(draw(st.text(st.sampled_from(SEPARATORS), max_size=2)))
    return "".join(chars)


@given(
    written=written_ids(),
    column=st.sampled_from(ALLOWED_COLUMNS),
    before=st.sampled_from(["", "张三", "阿依古丽·买买提", "黄圩小学 "]),
    after=st.sampled_from(["", "号", "（学生）", " 三年级"]),
)
def test_a_valid_id_number_however_written_in_any_allowed_cell_is_refused(
    written: str, column: str, before: str, after: str
) -> None:
    value = before + written + after
    with pytest.raises(PrivacyError) as info:
        public_list([{"name": "王五"}, {column: value}], columns=sorted({"name", column}))
    assert f"item 2, {column}:" in info.value.message_en
    assert written not in str(info.value)


@given(number=id_numbers(), cut=st.integers(1, 17), sep=st.sampled_from(SEPARATORS))
def test_a_valid_id_number_split_between_name_and_school_is_refused(
    number: str, cut: int, sep: str
) -> None:
    row = {"name": "王五" + sep + number[:cut], "school": number[cut:] + sep}
    with pytest.raises(PrivacyError):
        public_list([row], columns=["name", "school"])


# --- The pieces -------------------------------------------------------------------------------


def test_normalise_reads_width_numerals_and_separators() -> None:
    assert normalise("３４１３ 二二二〇-壹贰〇三.〇七〇〇\u3000八x") == ID
    assert normalise("二〇一二年十二月二十七日") == "2012年12月27日"


def test_private_cells_reports_every_finding_with_row_columns_and_kind() -> None:
    rows = [
        ("张三", "黄圩小学", 3),
        ("李四", "13800138000", 2),
        ("王五 3413 2220 1", "203 0700 8X", 1),
        ("赵六(2012-03-07)", "某某路12号", 1),
    ]
    found = [(f.row, f.columns, f.kind) for f in private_cells(DEFAULT_COLUMNS[:3], rows)]
    assert found == [
        (2, ("school",), PrivateKind.PHONE),
        (3, ("name", "school"), PrivateKind.ID_NUMBER),
        (4, ("name",), PrivateKind.BIRTH_DATE),
        (4, ("school",), PrivateKind.ADDRESS),
    ]


def test_a_roster_row_is_named_by_its_row_number() -> None:
    from edupoverty.records import SchoolLocation, Stage, Student

    student = Student(
        name="张三 2012年3月7日", id_number=ID, school_code="3412001", stage=Stage.JUNIOR,
        school_location=SchoolLocation.RURAL, row=12,
    )  # fmt: skip
    with pytest.raises(PrivacyError) as info:
        public_list([student], columns=["name", "school"])
    assert info.value.message_en.startswith("row 12, name: the value looks like a birth date")
    assert "2012" not in str(info.value)


def test_an_amount_is_read_alone_not_with_the_year_after_it() -> None:
    # 13500.00 then 2019… would read as 13500002019, a mobile number's shape
    row = {"amount": Decimal("13500.00"), "programme": "2019年秋季学期生活费补助"}
    assert public_list([row], columns=["amount", "programme"]).rows
