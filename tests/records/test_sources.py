"""Roster-like files as streams of Arrow batches of text: row numbers, encodings, hostile files."""

from __future__ import annotations

import codecs
import csv
import io
import os
import subprocess
import sys
import textwrap
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edupoverty.errors import ArgumentError, RosterError
from edupoverty.records.sources import MAX_LINE, BadRow, TextSource, open_source
from edupoverty.records.xlsxfile import cell_text


def has_name(cells: object) -> bool:
    return "姓名" in cells  # type: ignore[operator]


def write(
    tmp_path: Path, data: str | bytes, name: str = "roster.csv", encoding: str = "utf-8"
) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return p


def read(p: Path, **kw: object) -> tuple[TextSource, list[tuple[int, list[str]]]]:
    """The source and its data rows as (row, cells), checking that every row is accounted for."""
    source = open_source(p, find_header=kw.pop("find_header", has_name), **kw)  # type: ignore[arg-type]
    rows: list[tuple[int, list[str]]] = []
    width = len(source.header)
    for batch in source.batches():
        assert batch.schema.names == [*map(str, range(width)), "row"]
        assert batch.schema.field("row").type == pa.int64()
        assert all(batch.column(i).null_count == 0 for i in range(width))
        data = batch.to_pydict()
        for i, row in enumerate(data["row"]):
            rows.append((row, [data[str(c)][i] for c in range(width)]))
    numbers = [r for r, _ in rows] + [b.row for b in source.bad_rows]
    assert len(numbers) == len(set(numbers))
    assert len(rows) + len(source.bad_rows) + source.blank_rows == source.rows
    assert [b.row for b in source.bad_rows] == sorted(b.row for b in source.bad_rows)
    assert [r for r, _ in rows] == sorted(r for r, _ in rows)
    assert all(source.header_row < n <= source.header_row + source.rows for n in numbers)
    return source, rows


# --- row numbers ------------------------------------------------------------------------------


def test_rows_are_numbered_as_in_excel_across_blank_lines_quoted_line_breaks_and_bad_rows(
    tmp_path: Path,
) -> None:
    p = write(
        tmp_path,
        '姓名,学段\n张三,小学\n\n"李\n四",初中\n王五,初中,多余\n , \n赵六\n"钱\r\n七",高中\n',
    )
    source, rows = read(p)
    assert rows == [(2, ["张三", "小学"]), (4, ["李\n四", "初中"]), (8, ["钱\r\n七", "高中"])]
    assert source.bad_rows == [
        BadRow(5, "row.width", ("王五", "初中", "多余")),
        BadRow(7, "row.width", ("赵六",)),
    ]
    assert (source.blank_rows, source.rows) == (2, 7)


def test_line_ends_may_be_cr_lf_or_crlf(tmp_path: Path) -> None:
    _, rows = read(write(tmp_path, "姓名,学段\r张三,小学\r\n李四,初中\n王五,高中"))
    assert rows == [(2, ["张三", "小学"]), (3, ["李四", "初中"]), (4, ["王五", "高中"])]


def test_batches_hold_at_most_batch_rows_and_can_be_read_again(tmp_path: Path) -> None:
    text = "姓名,学段\n" + "".join(f"学生{i},小学\n" for i in range(10))
    source = open_source(write(tmp_path, text), find_header=has_name, batch_rows=4)
    for _ in range(2):
        sizes = [b.num_rows for b in source.batches()]
        assert sum(sizes) == 10 and max(sizes) <= 4 and source.rows == 10


def test_a_file_with_only_its_header_has_no_rows(tmp_path: Path) -> None:
    source, rows = read(write(tmp_path, "姓名,学段"))
    assert (rows, source.rows, source.header) == ([], 0, ("姓名", "学段"))


def test_an_unclosed_quote_swallows_the_rest_of_a_small_file_into_one_bad_row(
    tmp_path: Path,
) -> None:
    source, rows = read(write(tmp_path, '姓名,学段\n张三,小学\n"李四,初中\n王五,初中\n'))
    assert rows == [(2, ["张三", "小学"])]
    assert source.bad_rows == [BadRow(3, "row.width", ("李四,初中\n王五,初中",))]


def test_a_row_of_many_megabytes_from_an_unclosed_quote_refuses_the_file(tmp_path: Path) -> None:
    p = write(tmp_path, b'\xe5\xa7\x93\xe5\x90\x8d,x\n"' + b"y" * 999 + (b"\n" + b"y" * 999) * 5000)
    source = open_source(p, find_header=has_name)
    with pytest.raises(RosterError) as info:
        list(source.batches())
    assert info.value.code == "roster.unsafe" and "quote" in info.value.message_en


# --- rows above the header ------------------------------------------------------------------


def test_non_blank_rows_above_the_header_are_listed_and_blank_ones_skipped(tmp_path: Path) -> None:
    text = '黄圩镇中心小学 2019学年\n\n,,\n"多行\n标题"\n姓名,学段\n张三,小学\n'
    source, rows = read(write(tmp_path, text))
    assert (source.header_row, source.above_header) == (5, (1, 4))
    assert rows == [(6, ["张三", "小学"])]


def test_no_header_among_the_first_twenty_non_blank_rows_is_a_roster_error(
    tmp_path: Path,
) -> None:
    text = "".join(f"说明{i}\n\n" for i in range(20)) + "姓名,学段\n张三,小学\n"
    with pytest.raises(RosterError) as info:
        open_source(write(tmp_path, text), find_header=has_name)
    assert info.value.code == "roster.header" and "20" in info.value.message_en
    text = "".join(f"说明{i}\n\n" for i in range(19)) + "姓名,学段\n张三,小学\n"
    assert open_source(write(tmp_path, text), find_header=has_name).header_row == 39


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("姓名\t学段\n张三\t小学\n", "\t"),
        ("说明;x;y\n姓名;学段\n张三;小学\n", ";"),
        ("a,b;c\n姓名,学段\n张三,小学\n", ","),
    ],
)
def test_the_delimiter_is_the_one_the_header_is_found_with(
    tmp_path: Path, text: str, delimiter: str
) -> None:
    source, rows = read(write(tmp_path, text))
    assert source.delimiter == delimiter and rows[0][1] == ["张三", "小学"]


# --- encodings --------------------------------------------------------------------------------

TEXT = "姓名,学段\n张三,小学\n李四,初中\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode(), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode(), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
    ],
)
def test_every_encoding_reads_the_same_cells(tmp_path: Path, data: bytes, encoding: str) -> None:
    source, rows = read(write(tmp_path, data))
    assert source.encoding == encoding and source.header == ("姓名", "学段")
    assert rows == [(2, ["张三", "小学"]), (3, ["李四", "初中"])]


def test_one_gbk_row_in_a_utf8_file_is_reported_and_no_other_name_is_garbled(
    tmp_path: Path,
) -> None:
    names = [f"学生{i}号" for i in range(200)]
    lines = [f"{n},小学\n".encode("gbk" if i == 100 else "utf-8") for i, n in enumerate(names)]
    lines[150] = "王五,初中,多余\n".encode("gbk")  # undecodable and too wide: encoding wins
    source, rows = read(write(tmp_path, "姓名,学段\n".encode() + b"".join(lines)))
    assert source.encoding == "utf-8"
    assert source.bad_rows == [BadRow(102, "row.encoding"), BadRow(152, "row.encoding")]
    assert [c[0] for _, c in rows] == [n for i, n in enumerate(names) if i not in (100, 150)]


def test_an_undecodable_row_in_a_gb18030_or_utf16_file_is_reported(tmp_path: Path) -> None:
    gb = "姓名,学段\n张三,小学\n".encode("gbk") + b"\x81\x20,x\n" + "王五,初中\n".encode("gbk")
    lone = b"\x00\xd8" + "a,b\n".encode("utf-16-le")  # a lone surrogate
    u16 = codecs.BOM_UTF16_LE + "姓名,学段\n张三,小学\n".encode("utf-16-le") + lone
    for data in (gb, u16 + "王五,初中\n".encode("utf-16-le")):
        source, rows = read(write(tmp_path, data))
        assert source.bad_rows == [BadRow(3, "row.encoding")]
        assert rows == [(2, ["张三", "小学"]), (4, ["王五", "初中"])]


def test_a_cell_holding_the_noncharacter_uffff_is_reported_as_undecodable(tmp_path: Path) -> None:
    source, rows = read(write(tmp_path, "姓名,学段\n张\uffff三,小学\n李四,初中\n"))
    assert source.bad_rows == [BadRow(2, "row.encoding")] and rows == [(3, ["李四", "初中"])]


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RosterError) as info:
        open_source(write(tmp_path, b"\x80\xff\xff,1\n\xff\xff,2\n"), find_header=bool)
    assert info.value.code == "roster.encoding"


@pytest.mark.parametrize(
    "data", [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"  \r\n\n\t\n", codecs.BOM_UTF8 + b"\n\n"]
)
def test_an_empty_or_bom_only_or_blank_file_is_empty(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(RosterError) as info:
        open_source(write(tmp_path, data), find_header=has_name)
    assert info.value.code == "roster.empty"


# --- giant lines and odd bytes ----------------------------------------------------------------


def test_a_line_over_max_line_is_reported_and_the_next_rows_are_read(tmp_path: Path) -> None:
    giant = b"x" * (3 * MAX_LINE) + b",y\n"
    p = write(tmp_path, "姓名,学段\n张三,小学\n".encode() + giant + "王五,初中\n".encode())
    source, rows = read(p)
    assert source.bad_rows == [BadRow(3, "row.too_long")]
    assert rows == [(2, ["张三", "小学"]), (4, ["王五", "初中"])]


def test_a_giant_line_inside_a_quoted_cell_reports_that_row(tmp_path: Path) -> None:
    p = write(tmp_path, b'a,b\n"x\n' + b"y" * (2 * MAX_LINE) + b'\nz",1\n2,3\n')
    source, rows = read(p, find_header=lambda c: c == ["a", "b"])
    assert source.bad_rows == [BadRow(2, "row.too_long")] and rows == [(3, ["2", "3"])]


def test_a_stray_nul_byte_is_text_of_its_cell_but_a_binary_file_is_refused(tmp_path: Path) -> None:
    _, rows = read(write(tmp_path, "姓名,学段\n张\x00三,小学\n"))
    assert rows == [(2, ["张\x00三", "小学"])]
    with pytest.raises(RosterError) as info:
        open_source(write(tmp_path, b"\x89PNG\r\n\x1a\n" + bytes(64)), find_header=has_name)
    assert info.value.code == "roster.type"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"%PDF-1.4 hello"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)),
        ("fake.xlsx", b"name,id\n"),
        ("damaged.xlsx", b"PK\x03\x04 not a zip"),
    ],
)
def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(
    tmp_path: Path, name: str, content: bytes
) -> None:
    with pytest.raises(RosterError) as info:
        open_source(write(tmp_path, content, name), find_header=has_name)
    assert info.value.code == "roster.type" and name in str(info.value)


def test_a_file_changed_after_it_was_opened_is_refused(tmp_path: Path) -> None:
    p = write(tmp_path, TEXT)
    source = open_source(p, find_header=has_name)
    p.write_text(TEXT + "王五,高中\n")
    with pytest.raises(RosterError, match="changed"):
        list(source.batches())


# --- paths that are not files: refused at once, never a hang -----------------------------------


def refusal(path: str, *, memory: int = 2 << 30, timeout: float = 10) -> tuple[str, float]:
    """Open and read ``path`` in a child process (bounded memory and time): the error code."""
    script = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
        from edupoverty.errors import ArgumentError, RosterError
        from edupoverty.records.sources import open_source
        try:
            for _ in open_source(sys.argv[1], find_header=lambda c: True).batches():
                pass
        except RosterError as e:
            print(e.code)
        else:
            print("read")
        """
    )
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, path], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{path}: no answer within {timeout} s")
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip(), seconds


def test_a_fifo_a_device_a_directory_stdin_or_a_missing_file_is_refused_at_once(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "roster.csv"
    os.mkfifo(fifo)
    cases = {
        str(fifo): "roster.file",
        "/dev/zero": "roster.file",
        str(tmp_path): "roster.file",
        "-": "roster.file",
        str(tmp_path / "nope.csv"): "roster.not_found",
    }
    for path, code in cases.items():
        start = time.perf_counter()
        with pytest.raises(RosterError) as info:
            open_source(path, find_header=has_name)  # in this process: it must not block
        assert time.perf_counter() - start < 1
        assert info.value.code == code and info.value.message_zh and info.value.message_en


def test_a_path_that_is_no_path_or_a_batch_size_below_one_is_an_argument_error(
    tmp_path: Path,
) -> None:
    with pytest.raises(ArgumentError):
        open_source(None, find_header=has_name)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError):
        open_source(write(tmp_path, TEXT), find_header=has_name, batch_rows=0)
    with pytest.raises(RosterError):
        open_source("bad\x00name.csv", find_header=has_name)


def test_a_fifo_is_refused_within_a_second_even_with_no_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code, seconds = refusal(str(fifo))
    assert code == "roster.file" and seconds < 10


# --- XLSX -------------------------------------------------------------------------------------


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
            elif v is not None:
                ws.write_string(r, c, str(v))
    wb.close()
    return path


def test_xlsx_cells_are_read_as_text_as_a_person_reads_them(tmp_path: Path) -> None:
    p = make_xlsx(
        tmp_path / "r.xlsx",
        [
            ["黄圩镇中心小学 2019学年在学状态表"],
            [],
            ["姓名", "学籍号", "身份证号", "入学日期", "寄宿", "学费"],
            ["张三", 3412001, 341321201004150012, date(2019, 9, 1), True, 1250.5],
            [],
            ["李四", "0012", "34132120100415001X", "2019-09-01", False, 800.0],
        ],
    )
    source, rows = read(p)
    assert source.encoding is None and source.delimiter is None
    assert (source.header_row, source.above_header, source.blank_rows) == (3, (1,), 1)
    assert rows == [
        (4, ["张三", "3412001", "3.4132120100415e+17", "2019-09-01", "true", "1250.5"]),
        (6, ["李四", "0012", "34132120100415001X", "2019-09-01", "false", "800"]),
    ]


def test_cell_text_matches_the_old_reader() -> None:
    assert [cell_text(v) for v in (None, "x", 7, 7.0, 1e15, True, datetime(2019, 9, 1, 10))] == [
        "",
        "x",
        "7",
        "7",
        "1000000000000000.0",
        "true",
        "2019-09-01",
    ]


def test_an_xlsx_starting_below_and_right_of_a1_keeps_its_row_numbers(tmp_path: Path) -> None:
    p = make_xlsx(tmp_path / "r.xlsx", [[], [], [None, "姓名", "学段"], [None, "张三", "小学"]])
    source, rows = read(p, batch_rows=1)
    assert source.header == ("姓名", "学段") and rows == [(4, ["张三", "小学"])]


SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
    '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{}</sheetData>'
    "</worksheet>"
)
HEAD_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>学段</t></is></c></row>'
)


def tiny_xlsx(
    path: Path, sheet_data: str, *, sheet: str = SHEET, part: str = "worksheets/sheet1.xml"
) -> Path:
    """A minimal workbook, written by hand, whose first sheet (in ``xl/{part}``) holds
    ``sheet_data``."""
    ns = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" ContentType='
            '"application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{ns}/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/'
            'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{ns}/officeDocument/2006/relationships/worksheet" '
            f'Target="{part}"/></Relationships>',
        )
        zf.writestr(f"xl/{part}", sheet.format(sheet_data))
    return path


def test_a_hand_written_xlsx_with_and_without_cell_references_is_read(tmp_path: Path) -> None:
    body = HEAD_ROW + '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row>'
    body += "<row><c><v>3</v></c><c><v>4</v></c></row>"
    source, rows = read(tiny_xlsx(tmp_path / "t.xlsx", body))
    assert source.header == ("姓名", "学段") and rows == [(2, ["1", "2"]), (3, ["3", "4"])]


FAR = {
    "far-off cell": '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    "far row, wide sheet": '<row r="1048576"><c r="IV1048576"><v>1</v></c></row>',
    "far row, narrow sheet": '<row r="1048576"><c r="AF1048576"><v>1</v></c></row>',
    "row past Excel's last": '<row r="99999999999"><c><v>1</v></c></row>',
    "cell past Excel's last": '<row r="2"><c r="B99999999"><v>1</v></c></row>',
    "single quotes": "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",
    "spaces around =": '<row r = "1048576"><c r = "XFD1048576"><v>1</v></c></row>',
    "a second reference": '<row r="2"><c r="A2" r="XFD1048576"><v>1</v></c></row>',
    "prefixed elements": '<x:row xmlns:x="urn:x" r="1048576"><x:c r="XFD1048576"><x:v>1</x:v>'
    "</x:c></x:row>",
    "cells without references": "<row>" + "<c/>" * 20000 + "<c><v>1</v></c></row>",
    "wide row then far row": '<row r="2">' + "<c/>" * 200 + '<c><v>1</v></c></row><row r="900000">'
    '<c r="A900000"><v>1</v></c></row>',
}


@pytest.mark.parametrize("attack", sorted(FAR))
def test_an_xlsx_whose_cells_reach_far_off_is_refused_in_seconds(
    tmp_path: Path, attack: str
) -> None:
    p = tiny_xlsx(tmp_path / "far.xlsx", HEAD_ROW + FAR[attack])
    assert p.stat().st_size < 4096
    code, seconds = refusal(str(p))
    assert code == "roster.unsafe" and seconds < 10


def test_a_far_off_cell_in_a_sheet_part_not_named_xml_is_refused(tmp_path: Path) -> None:
    p = tiny_xlsx(tmp_path / "far.xlsx", HEAD_ROW + FAR["far-off cell"], part="data/sheet.bin")
    code, seconds = refusal(str(p))
    assert code == "roster.unsafe" and seconds < 10


@pytest.mark.parametrize(
    "ref", ["1A", "$B$2", " B2", "B0", "B02", "ABCD2", "B&#50;", "", "B", "B2C"]
)
def test_a_malformed_cell_reference_is_a_clean_roster_error(tmp_path: Path, ref: str) -> None:
    p = tiny_xlsx(tmp_path / "bad.xlsx", HEAD_ROW + f'<row r="2"><c r="{ref}"><v>1</v></c></row>')
    code, _ = refusal(str(p))
    assert code == "roster.type"


def test_a_broken_worksheet_is_one_clear_error_not_a_traceback(tmp_path: Path) -> None:
    p = tiny_xlsx(tmp_path / "broken.xlsx", "", sheet="<worksheet><sheetData><row><c")
    with pytest.raises(RosterError) as info:
        list(open_source(p, find_header=has_name).batches())
    assert info.value.code == "roster.type"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>
</sheetData></worksheet>{}"""


def test_an_xlsx_with_an_entity_bomb_or_a_zip_bomb_or_utf16_xml_is_refused(
    tmp_path: Path,
) -> None:
    bomb = tiny_xlsx(tmp_path / "lol.xlsx", "", sheet=BILLION_LAUGHS)
    zipbomb = tiny_xlsx(tmp_path / "zip.xlsx", HEAD_ROW + " " * 50_000_000)
    assert zipbomb.stat().st_size < 200_000
    utf16 = tmp_path / "u16.xlsx"
    with (
        zipfile.ZipFile(tiny_xlsx(tmp_path / "g.xlsx", HEAD_ROW)) as zin,
        zipfile.ZipFile(utf16, "w") as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(
                info, data.decode().encode("utf-16") if "sheet1" in info.filename else data
            )
    for p in (bomb, zipbomb, utf16):
        start = time.perf_counter()
        with pytest.raises(RosterError) as info:
            open_source(p, find_header=has_name)
        assert info.value.code == "roster.unsafe" and time.perf_counter() - start < 5


# --- property: what Python's csv module writes, the batches give back --------------------------

CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\uffff")
    | st.sampled_from([",", ";", "\t", '"', "\n", "\r", " ", "张"]),
    max_size=8,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    width=st.integers(1, 4),
    data=st.data(),
    delimiter=st.sampled_from([",", "\t", ";"]),  # with one column: a comma (nothing to sniff)
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
)
def test_batches_give_back_what_the_csv_module_wrote(
    tmp_path: Path, width: int, data: st.DataObject, delimiter: str, encoding: str
) -> None:
    delimiter = delimiter if width > 1 else ","
    table = data.draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=12))
    header = [f"列{i}" for i in range(width)]
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows([header, *table])
    p = write(tmp_path, out.getvalue(), encoding=encoding)
    source, rows = read(p, find_header=lambda c: list(c) == header, batch_rows=5)
    expected = [(i + 2, row) for i, row in enumerate(table) if any(c.strip() for c in row)]
    assert (source.header, source.delimiter) == (tuple(header), delimiter)
    assert rows == expected and source.bad_rows == []
    assert source.blank_rows == len(table) - len(expected)
