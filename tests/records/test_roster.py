"""Reading roster files: encodings, headers, spellings, bad rows and hostile files."""

from __future__ import annotations

import csv
import io
import sys
import time
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edupoverty.errors import RosterError
from edupoverty.records import (
    DifficultyLevel,
    Payee,
    PaymentMethod,
    Residence,
    SchoolLocation,
    Semester,
    Stage,
    Student,
    read_disbursements,
    read_roster,
    read_rows,
    sources,
)
from edupoverty.records.idcard import calc_check_digit
from edupoverty.records.reader import read_roster_table

DATA = Path(__file__).parent / "data"


def ident(born: str, seq: int = 12, region: str = "341321") -> str:
    body = f"{region}{born}{seq:03d}"
    return body + calc_check_digit(body)


HEADER = "name,id_number,school_code,stage,grade,school_location,boarding"


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "r.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


# --- encodings -----------------------------------------------------------------------------


def test_a_gb18030_roster_with_chinese_headers_is_read_as_written_by_wps() -> None:
    r = read_roster(DATA / "roster_gb18030.csv")
    assert r.encoding == "gb18030"
    assert (r.rows, r.accepted, r.rejected) == (3, 3, ())
    first, second, third = r.students
    assert first.name == "吉𠮷祥"  # 𠮷 exists in GB18030 only, not in GBK
    assert (first.stage, first.grade, first.boarding) == (Stage.PRIMARY, 4, True)
    assert first.school_location is SchoolLocation.RURAL
    assert first.registered_poor is True and first.difficulty_level is DifficultyLevel.SPECIAL
    assert (second.stage, second.grade, second.residence) == (Stage.JUNIOR, 2, Residence.TOWN)
    assert second.school_location is SchoolLocation.TOWN
    assert third.tuition_fee == Decimal("1200.00")  # header 学费（元）: unit in brackets
    assert third.stage is Stage.SENIOR and third.grade == 3
    assert [s.row for s in r.students] == [2, 3, 4]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_each_encoding_schools_use_is_detected_without_being_told(
    tmp_path: Path, encoding: str
) -> None:
    text = f"{HEADER}\n张三,{ident('20100415')},3413210102,小学,三年级,乡村,是\n"
    r = read_roster(write(tmp_path, text, encoding))
    assert r.accepted == 1 and r.students[0].name == "张三"


def test_an_ascii_start_then_gbk_further_down_is_read_again_as_gb18030(tmp_path: Path) -> None:
    ascii_rows = "".join(
        f"Zhang{i},{ident('20100415', i % 1000)},1,primary,3,rural,no\n" for i in range(4000)
    )
    text = HEADER + "\n" + ascii_rows + f"李四,{ident('20100416')},1,小学,3,乡村,否\n"
    p = write(tmp_path, text, "gbk")
    assert len(p.read_bytes()) > 1 << 16  # the Chinese starts beyond the sniffed head
    r = read_roster(p)
    assert r.encoding == "gb18030"
    assert r.rows == 4001 and r.students[-1].name == "李四"


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_bytes(HEADER.encode() + b"\n\xff\xfe\xff,1,1,1,1,1,1\n")
    with pytest.raises(RosterError) as info:
        read_roster(p)
    assert info.value.code == "roster.encoding"
    assert "GB18030" in info.value.message_en


# --- files that cannot be read ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.csv", b"", "roster.empty"),
        ("blank.csv", b"  \n\n", "roster.empty"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "roster.type"),
        ("report.pdf", b"%PDF-1.4 hello", "roster.type"),
        ("binary.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "roster.type"),
        ("fake.xlsx", b"name,id\n", "roster.type"),
        ("notabook.xlsx", None, "roster.type"),
    ],
)
def test_a_file_that_is_no_roster_raises_roster_error_in_both_languages(
    tmp_path: Path, name: str, content: bytes | None, code: str
) -> None:
    p = tmp_path / name
    if content is None:
        with zipfile.ZipFile(p, "w") as zf:
            zf.writestr("word/document.xml", "<w/>")
    else:
        p.write_bytes(content)
    with pytest.raises(RosterError) as info:
        read_roster(p)
    assert info.value.code == code
    assert info.value.message_zh and info.value.message_en
    assert isinstance(info.value, ValueError)


def test_a_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(RosterError) as info:
        read_roster(tmp_path / "nope.csv")
    assert info.value.code == "roster.not_found" and "nope.csv" in str(info.value)


def test_missing_required_headers_are_named(tmp_path: Path) -> None:
    with pytest.raises(RosterError) as info:
        read_roster(write(tmp_path, "姓名,身份证号,学段\n张三,x,小学\n"))
    assert info.value.code == "roster.header"
    assert "school_code" in info.value.message_en and "school_location" in info.value.message_en


def test_two_columns_for_one_field_are_refused_naming_both_headers(tmp_path: Path) -> None:
    text = "姓名,身份证号,公民身份号码,学校代码,学段,学校所在地\n"
    with pytest.raises(RosterError) as info:
        read_roster(write(tmp_path, text))
    assert "身份证号" in info.value.message_zh and "公民身份号码" in info.value.message_zh


# --- headers and spellings -----------------------------------------------------------------


def test_headers_match_after_trimming_and_folding_full_width_and_a_title_row_is_skipped(
    tmp_path: Path,
) -> None:
    text = (
        "2019年秋季学期在学状态表,,,,,\n"
        " 姓名* ,身份证号（必填）,学校代码,学段,学校所在地,备注\n"
        f"张三,{ident('20100415')},0012,小学,乡村,转入\n"
    )
    r = read_roster(write(tmp_path, text))
    assert r.accepted == 1 and r.students[0].row == 3
    assert r.students[0].school_code == "0012"  # leading zeros kept
    assert r.unknown_columns == ("备注",)
    unknown = [f for f in r.findings if f.code == "column.unknown"]
    assert len(unknown) == 1 and unknown[0].row == 2 and not unknown[0].is_error


@pytest.mark.parametrize(
    ("cells", "field", "expected"),
    [
        (["√", "×", "Y", "n", "有", "无", "TRUE", "0"], "boarding", [True, False] * 4),
        (
            ["2019-09-01", "2019/9/1", "2019.9.1", "2019年9月1日", "20190901", "43709"],
            "enrolled_from",
            [date(2019, 9, 1)] * 6,
        ),
        (["学前", "小学", "初中", "高中", "中职", "高职", "普通高校"], "stage", list(Stage)),
        (["1200", "1,200.00", "1200元", "１２００"], "tuition_fee", [Decimal("1200.00")] * 4),
    ],
)
def test_the_value_spellings_of_roster_md(
    cells: list[str], field: str, expected: list[object]
) -> None:
    header = ["name", "id_number", "school_code", "stage", "grade", "school_location", field]
    if field == "stage":
        header.remove("stage")
    rows = []
    for i, cell in enumerate(cells):
        row = ["张三", ident("20100415", i), "1"] + ([] if field == "stage" else ["小学"])
        rows.append([*row, "1", "乡村", cell])  # grade 1 fits every stage
    r = read_rows(header, rows)
    assert [getattr(s, field) for s in r.students] == expected, r.findings


@pytest.mark.parametrize(
    ("stage", "grade", "year"),
    [
        ("小学", "一年级", 1),
        ("初中", "初二", 2),
        ("初中", "八年级", 2),
        ("普通高中", "高一", 1),
        ("中职", "2", 2),
        ("学前", "大班", 3),
    ],
)
def test_grades_are_the_year_within_the_stage(stage: str, grade: str, year: int) -> None:
    r = read_rows(
        ["name", "id_number", "school_code", "stage", "grade", "school_location"],
        [["张三", ident("20100415"), "1", stage, grade, "乡村"]],
    )
    assert r.students[0].grade == year


def test_every_problem_of_a_row_is_reported_with_its_row_and_field() -> None:
    r = read_rows(
        ["name", "id_number", "school_code", "stage", "grade", "school_location", "boarding"],
        [
            ["", "123", "", "研究生", "初二", "乡村", "可能"],
            ["李四", ident("20100415"), "1", "中职", "", "县城", "否"],
        ],
    )
    assert r.accepted == 0
    first, second = r.rejected
    assert first.row == 2
    assert sorted((f.code, f.field) for f in first.findings) == [
        ("field.invalid", "boarding"),
        ("field.invalid", "stage"),
        ("field.missing", "name"),
        ("field.missing", "school_code"),
        ("id.length", "id_number"),
    ]
    assert [(f.code, f.field) for f in second.findings] == [("field.missing", "grade")]


def test_blank_rows_are_skipped_and_counted_apart(tmp_path: Path) -> None:
    text = f"{HEADER}\n,,,,,,\n\n张三,{ident('20100415')},1,小学,3,乡村,是\n,,\n"
    r = read_roster(write(tmp_path, text))
    assert (r.rows, r.accepted, r.blank_rows) == (1, 1, 3)
    assert r.students[0].row == 4  # the empty line is spreadsheet row 3


def test_cells_beyond_the_last_header_reject_the_row_and_short_rows_are_padded(
    tmp_path: Path,
) -> None:
    text = (
        f"{HEADER}\n张三,{ident('20100415')},1,小学,3,乡村,是,多余\n"
        f"李四,{ident('20100416')},1,小学\n"
    )
    r = read_roster(write(tmp_path, text))
    assert [(f.row, f.field) for f in r.rejected[0].findings] == [(2, "(extra cells)")]
    assert [(f.row, f.code, f.field) for f in r.rejected[1].findings] == [
        (3, "field.missing", "school_location")
    ]


def test_a_giant_cell_is_an_error_on_its_row_and_the_next_rows_are_read(tmp_path: Path) -> None:
    giant = "x" * 300_000
    text = (
        f"{HEADER}\n张三,{ident('20100415')},1,小学,3,乡村,是\n"
        f"李四,{giant},1,小学,3,乡村,是\n王五,{ident('20100416')},1,小学,3,乡村,否\n"
    )
    r = read_roster(write(tmp_path, text))
    assert r.rows == 3 and r.accepted == 2
    # the 300,000-character ID number is not 18 characters: the row is rejected
    assert [(x.row, x.findings[0].code) for x in r.rejected] == [(3, "id.length")]
    assert [s.row for s in r.students] == [2, 4]


def test_a_giant_line_is_an_error_on_its_row_and_memory_stays_bounded(tmp_path: Path) -> None:
    line = ",".join(["y"] * (sources.MAX_LINE // 2 + 10))
    text = f"{HEADER}\n{line}\n王五,{ident('20100416')},1,小学,3,乡村,否\n"
    r = read_roster(write(tmp_path, text))
    assert r.rows == 2 and r.accepted == 1
    assert r.rejected[0].row == 2 and r.rejected[0].findings[0].field == "(line)"
    assert r.students[0].row == 3


def test_a_fast_built_student_equals_one_built_by_its_constructor(tmp_path: Path) -> None:
    from edupoverty.records.synthetic import write_roster_csv

    p = write_roster_csv(tmp_path / "s.csv", 300, seed=5)
    r = read_roster(p)
    assert r.accepted == 300
    for s in r.students:
        fields = {a.name: getattr(s, a.name) for a in attrs.fields(Student)}
        rebuilt = Student(**fields)
        assert rebuilt == s and rebuilt.row == s.row and hash(rebuilt) == hash(s)
        assert type(s) is Student  # a real Student, not the builder's helper class
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            s.name = "改名"  # type: ignore[misc]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            del s.row  # type: ignore[misc]


# --- hostile input: rows in = accepted + rejected, always ----------------------------------

CELLS = st.one_of(
    st.sampled_from(["", " ", "是", "否", "小学", "乡村", "中职", "3", "初二", "2019-09-01", "x"]),
    st.sampled_from([ident("20100415"), ident("20100415").lower(), "11010520120307002"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.text(alphabet=',"\n\r\t=+-@', max_size=6),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=10), max_size=25),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_rows_in_equal_accepted_plus_rejected_on_messy_files(
    tmp_path: Path, rows: list[list[str]], encoding: str
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    writer.writerows(rows)
    try:
        data = buf.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buf.getvalue().encode("utf-8")
    p = tmp_path / "messy.csv"
    p.write_bytes(data)
    r = read_roster(p)
    assert r.rows == r.accepted + len(r.rejected)
    numbers = [s.row for s in r.students] + [x.row for x in r.rejected]
    assert len(set(numbers)) == len(numbers) and all(n >= 2 for n in numbers if n is not None)
    assert all(any(f.is_error for f in x.findings) for x in r.rejected)


# --- XLSX ------------------------------------------------------------------------------------


def make_xlsx(path: Path, rows: list[list[object]]) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, date):
                ws.write_datetime(r, c, v, fmt)
            elif isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    wb.close()
    return path


def test_an_xlsx_roster_with_numbers_dates_and_a_title_row_is_read(tmp_path: Path) -> None:
    p = make_xlsx(
        tmp_path / "r.xlsx",
        [
            ["黄圩镇中心小学 2019学年在学状态表"],
            [
                "姓名",
                "身份证号",
                "学校代码",
                "学段",
                "年级",
                "学校所在地",
                "寄宿",
                "入学日期",
                "学费",
            ],
            ["张三", ident("20100415"), "0012", "小学", 3, "乡村", True, date(2016, 9, 1), 0],
            [
                "李四",
                ident("20050415"),
                "0013",
                "普通高中",
                2.0,
                "县城",
                False,
                date(2018, 9, 1),
                1200.5,
            ],
        ],
    )
    r = read_roster(p)
    assert r.encoding is None and r.accepted == 2, r.findings
    a, b = r.students
    assert (a.row, a.grade, a.boarding, a.enrolled_from) == (3, 3, True, date(2016, 9, 1))
    assert a.school_code == "0012" and a.tuition_fee == Decimal("0.00")
    assert (b.grade, b.boarding, b.tuition_fee) == (2, False, Decimal("1200.50"))


def test_without_the_xlsx_extra_the_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = make_xlsx(tmp_path / "r.xlsx", [["姓名"]])
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    with pytest.raises(RosterError) as info:
        read_roster(p)
    assert info.value.code == "xlsx.missing" and "edupoverty[xlsx]" in info.value.message_en


def rewrite_part(src: Path, dst: Path, part: str, content: bytes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = content if info.filename == part else zin.read(info)
            zout.writestr(info.filename, data)
    return dst


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&lol3;</t></si></sst>"""


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_an_xlsx_with_an_xml_entity_bomb_is_refused_quickly(tmp_path: Path, part: str) -> None:
    good = make_xlsx(tmp_path / "g.xlsx", [["姓名", "身份证号"], ["张三", "1"]])
    bad = rewrite_part(good, tmp_path / "bomb.xlsx", part, BILLION_LAUGHS)
    start = time.perf_counter()
    with pytest.raises(RosterError) as info:
        read_roster(bad)
    assert time.perf_counter() - start < 5
    assert info.value.code == "roster.unsafe" and "ENTITY" in info.value.message_en


def test_an_xlsx_zip_bomb_is_refused_before_decompression(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "g.xlsx", [["姓名"]])
    bomb = rewrite_part(
        good, tmp_path / "zipbomb.xlsx", "xl/worksheets/sheet1.xml", b" " * 50_000_000
    )
    assert bomb.stat().st_size < 200_000  # 50 MB squeezed a thousandfold
    start = time.perf_counter()
    with pytest.raises(RosterError) as info:
        read_roster(bomb)
    assert time.perf_counter() - start < 2
    assert info.value.code == "roster.unsafe"


def test_an_xlsx_part_whose_data_does_not_match_its_checksum_is_refused(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "g.xlsx", [["姓名", "身份证号"], ["张三", "1"]])
    stored = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    data = bytearray(stored.read_bytes())
    at = data.find(b"<sheetData>")
    data[at + 1] ^= 0x20  # one flipped bit in the sheet: the CRC no longer matches
    stored.write_bytes(bytes(data))
    with pytest.raises(RosterError) as info:
        read_roster(stored)
    assert info.value.code == "roster.type"


# --- disbursements --------------------------------------------------------------------------


def test_a_disbursement_file_with_chinese_headers_is_read_and_bad_rows_rejected(
    tmp_path: Path,
) -> None:
    girl = ident("20100415")
    text = (
        "身份证号,资助项目,学年,学期,金额,发放方式,银行卡号,发放日期,批次,领取人,学校代码\n"
        f"{girl},寄宿生生活补助,2019,秋季学期,500,银行卡,6217 0000 1111 2222,2019-11-20,"
        "B1,家长,0012\n"
        f"{girl},营养改善计划,2019-2020学年,春季,400,实名就餐,,2020/6/30,B2,学生本人,0012\n"
        f"{girl},营养改善计划,二〇一九,春季,四百,现金,,2020/6/30,,,0012\n"
    )
    r = read_disbursements(write(tmp_path, text, "gb18030"))
    assert (r.rows, r.accepted, len(r.rejected)) == (3, 2, 1)
    a, b = r.disbursements
    assert (a.programme, a.amount, a.method, a.payee) == (
        "compulsory.boarding_allowance",
        Decimal("500.00"),
        PaymentMethod.BANK_TRANSFER,
        Payee.FAMILY,
    )
    assert a.account == "6217000011112222" and a.period.semester is Semester.AUTUMN
    assert (b.programme, b.period.school_year, b.method) == (
        "compulsory.nutrition",
        2019,
        PaymentMethod.MEALS,
    )
    assert sorted((f.code, f.field) for f in r.rejected[0].findings) == [
        ("field.invalid", "amount"),
        ("field.invalid", "school_year"),
        ("field.missing", "batch"),
    ]


def test_reading_in_batches_of_any_size_gives_the_same_result(tmp_path: Path) -> None:
    from edupoverty.records.synthetic import DEFECTS, write_roster_csv

    p = write_roster_csv(tmp_path / "s.csv", 5000, seed=11, defects=dict.fromkeys(DEFECTS, 0.01))
    whole = read_roster_table(p, today=date(2026, 1, 1), school_year=2019)
    assert whole.rows == 5000
    for size in (7, 1000):
        part = read_roster_table(p, today=date(2026, 1, 1), school_year=2019, batch_rows=size)
        assert part.table.equals(whole.table)
        assert part.findings == whole.findings and part.rejected == whole.rejected


def test_a_broken_worksheet_is_one_clear_error_not_a_traceback(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "g.xlsx", [["姓名", "身份证号"], ["张三", "1"]])
    broken = rewrite_part(
        good, tmp_path / "broken.xlsx", "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c"
    )
    with pytest.raises(RosterError) as info:
        read_roster(broken)
    assert info.value.code == "roster.type"


def test_an_xml_part_in_utf16_cannot_dodge_the_entity_scan(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "g.xlsx", [["姓名"]])
    bad = rewrite_part(
        good,
        tmp_path / "u16.xlsx",
        "xl/sharedStrings.xml",
        BILLION_LAUGHS.decode().encode("utf-16"),
    )
    with pytest.raises(RosterError) as info:
        read_roster(bad)
    assert info.value.code == "roster.unsafe"


ZH_HEAD = "姓名,身份证号,学校代码,学段,学校所在地\n"


def test_a_row_of_another_width_mid_file_keeps_its_place_and_counts_first(tmp_path: Path) -> None:
    # R-REC-3: a trailing comma makes row 3 one cell wider; it is still row 3, the first of
    # the two rows of 李四, so row 4 is the repeat.
    p = write(
        tmp_path,
        ZH_HEAD
        + "张三,110105201203070011,1,小学,乡村\n"
        + "李四,11010520120307002X,1,小学,乡村,\n"
        + "李四,11010520120307002X,1,小学,乡村\n",
    )
    t = read_roster_table(p)
    assert t.table.column("row").to_pylist() == [2, 3]
    assert [(r.row, r.findings[0].code) for r in t.rejected] == [(4, "report.duplicate")]
    assert "row 3" in t.rejected[0].findings[0].message_en


def test_a_row_empty_under_the_header_but_with_cells_beyond_it_is_rejected(
    tmp_path: Path,
) -> None:
    p = write(tmp_path, ZH_HEAD + "张三,110105201203070011,1,小学,乡村\n,,,,,junk\n")
    t = read_roster_table(p)
    assert (t.rows, t.accepted, len(t.rejected), t.blank_rows) == (2, 1, 1, 0)
    assert t.rejected[0].findings[0].field == "(extra cells)"


@pytest.mark.parametrize("fee", ["99999999999999999999", "1e30", "1E5"])
def test_a_fee_too_large_or_with_an_exponent_is_an_unreadable_value_on_its_row(
    tmp_path: Path, fee: str
) -> None:
    p = write(
        tmp_path, ZH_HEAD.strip() + ",学费\n张三,110105201203070011,1,高中,县城," + fee + "\n"
    )
    t = read_roster_table(p)
    assert t.accepted == 0
    assert [(f.row, f.code, f.field) for f in t.rejected[0].findings] == [
        (2, "field.invalid", "tuition_fee")
    ]
