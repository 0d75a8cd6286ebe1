"""The line fast path of ``read_roster`` (blocks of lines cut at their ends, a profile per
distinct middle of a line) reads every roster exactly as the csv module path does: the same
Students with the same rows, the same rejected rows, findings and counts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edupoverty.errors import RosterError
from edupoverty.records import _lines, read_roster
from edupoverty.records import roster as roster_module
from edupoverty.records.synthetic import write_roster_csv
from edupoverty.records.validate import validation_report
from tests.records.roster_texts import (
    ENCODED,
    EVERY_DEFECT,
    TODAY,
    assert_same_reading,
    both,
    crafted,
    csv_module_only,
)

CRAFTED = dict(crafted())
NAMES = list(CRAFTED)


def read(path: Path) -> roster_module.RosterResult:
    return read_roster(path, today=TODAY)


@pytest.fixture(scope="module")
def crafted_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("crafted")


@pytest.mark.parametrize("encoding", ENCODED)
@pytest.mark.parametrize("seed", [1, 2])
def test_a_synthetic_roster_with_every_defect_reads_the_same_both_ways(
    tmp_path: Path, encoding: str, seed: int
) -> None:
    p = write_roster_csv(
        tmp_path / "r.csv", 2500, seed=seed, defects=EVERY_DEFECT, encoding=encoding
    )
    fast, slow, blocks = both(read, p)
    assert blocks >= 2  # more than one block of lines was read on the fast path
    assert fast.rows == 2500 and fast.rejected  # the defects were planted and found
    assert {f.code for f in fast.findings} >= {"id.checksum", "id.region", "field.invalid"}
    assert_same_reading(fast, slow)


IN_EVERY_ENCODING = {
    "plain",
    "crlf",
    "quoted cells with commas and doubled quotes",
    "a quoted cell spanning lines",
    "a lone CR as a line end",
    "shuffled columns 0",
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_a_crafted_roster_reads_the_same_both_ways(crafted_dir: Path, name: str) -> None:
    encodings = ENCODED if name in IN_EVERY_ENCODING else ("utf-8",)
    for encoding in encodings:
        p = crafted_dir / f"{NAMES.index(name)}.{encoding}.csv"
        p.write_bytes(CRAFTED[name].encode(encoding))
        fast, slow, blocks = both(read, p)
        assert fast.encoding == encoding
        assert blocks >= 1, "the fast path was not taken"
        assert fast.rows >= 1200 and fast.accepted > fast.rows // 2
        assert_same_reading(fast, slow)


def test_the_crafted_cases_do_what_they_say(crafted_dir: Path) -> None:
    """The crafted rosters reach the cases they are named after (not a vacuous comparison)."""
    r = read(_write(crafted_dir, "blank, whitespace-only, short and long lines"))
    assert r.blank_rows == 4  # "", "   ", a line of empty cells, "\t"
    assert "field.invalid" in {f.code for f in r.findings if f.field == "(extra cells)"}
    r = read(_write(crafted_dir, "title row"))
    assert r.students[0].row == 3
    r = read(_write(crafted_dir, "a quoted cell spanning lines"))
    found = {(f.row, f.field) for f in r.findings}
    assert {(962, "school_name"), (1062, "name")} <= found  # read whole: control characters
    r = read(_write(crafted_dir, "a cell longer than the csv field limit"))
    assert any(f.field == "(line)" for f in r.findings)
    r = read(_write(crafted_dir, "unknown columns 序号 first and 备注 last"))
    assert r.unknown_columns == ("序号", "备注")
    r = read(_write(crafted_dir, "a literal quote inside an unquoted cell"))
    assert any(s.school_name == 'ab"c' for s in r.students)
    r = read(_write(crafted_dir, "quoted cells with commas and doubled quotes"))
    assert any(s.school_name and s.school_name.endswith(",分校") for s in r.students)


def _write(directory: Path, name: str) -> Path:
    p = directory / f"check-{NAMES.index(name)}.csv"
    p.write_text(CRAFTED[name], encoding="utf-8")
    return p


def test_rows_after_a_lone_cr_keep_the_csv_modules_row_numbers(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text(
        "姓名,身份证号,学校代码,学段,学校所在地\r"
        "张三,11010520120307002X,3412001,小学,乡村\n"
        "李四,110105201203070021,3412001,小学,乡村\n"  # check character wrong
        "王五,11010520120307002X,3412001,小学,乡村\n",
        encoding="utf-8",
        newline="",
    )
    fast, slow, _ = both(read, p)
    assert_same_reading(fast, slow)
    assert [s.row for s in fast.students] == [2, 4]
    assert [r.row for r in fast.rejected] == [3]


def test_the_validation_report_is_the_same_both_ways(tmp_path: Path) -> None:
    a = write_roster_csv(tmp_path / "a.csv", 2000, seed=4, defects=EVERY_DEFECT)
    b = write_roster_csv(tmp_path / "b.csv", 500, seed=4, defects=EVERY_DEFECT, encoding="gb18030")
    fast = validation_report(a, b, school_year=2019, today=TODAY)
    with csv_module_only():
        slow = validation_report(a, b, school_year=2019, today=TODAY)
    assert fast == slow
    codes = {f.code for f in fast.findings}
    assert {"report.duplicate", "row.age_stage"} <= codes  # across rows and across files


def test_a_gbk_roster_that_starts_like_utf8_is_read_again_as_gb18030_both_ways(
    tmp_path: Path,
) -> None:
    head = "name,id_number,school_code,stage,school_location\n"
    ascii_row = "Zhang,11010520120307002X,3412001,primary,rural\n"
    text = head + ascii_row * 3000 + "张三,110105201203070011,3412001,小学,乡村\n"
    p = tmp_path / "r.csv"
    p.write_bytes(text.encode("gbk"))
    fast, slow, _ = both(read, p)
    assert fast.encoding == "gb18030"
    assert_same_reading(fast, slow)


# --- bugs found ---------------------------------------------------------------------------


def test_a_quoted_row_never_takes_the_profile_of_a_line_holding_unit_separators(
    tmp_path: Path,
) -> None:
    p = tmp_path / "r.csv"
    p.write_text(
        "姓名,身份证号,学校代码,学段,学校所在地\n"
        "张三,11010520120307002X,3412001,\x1f小学\x1f,乡村\n"  # \x1f is trimmed as space
        '李四,110105201203070011,"3412001,",小学,",乡村"\n',  # cells joined by \x1f: the same
        encoding="utf-8",
    )
    with csv_module_only():
        slow = read(p)
    assert [s.row for s in slow.students] == [2]
    assert [(f.row, f.field) for f in slow.rejected[0].findings] == [(3, "school_location")]
    fast = read(p)
    assert_same_reading(fast, slow)


FILLER = 70000 // len("张三,11010520120307002X,3412001,小学,乡村\n".encode())


def giant_across_lines(tmp_path: Path) -> Path:
    """A quoted cell longer than the csv field limit, split over two lines that each fit,
    both lines inside one block of the fast path."""
    limit = csv.field_size_limit()
    half = "x" * (limit // 2 + 100)
    row = "张三,11010520120307002X,3412001,小学,乡村\n"
    filler = row * FILLER  # the cell's first line starts one block
    p = tmp_path / "r.csv"
    p.write_text(
        "姓名,身份证号,学校代码,学段,学校所在地\n"
        + filler
        + f'李四,110105201203070011,"{half}\n{half}",小学,乡村\n'
        + row * 3,
        encoding="utf-8",
    )
    return p


def test_a_cell_over_the_field_limit_split_over_lines_rejects_its_row(tmp_path: Path) -> None:
    p = giant_across_lines(tmp_path)
    with csv_module_only():
        slow = read(p)
    assert [(r.row, r.findings[0].field) for r in slow.rejected] == [(FILLER + 2, "(line)")]
    fast = read(p)
    assert_same_reading(fast, slow)


def test_a_roster_of_only_a_byte_order_mark_is_an_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_bytes(b"\xef\xbb\xbf")
    with csv_module_only(), pytest.raises(RosterError) as slow:
        read(p)
    assert slow.value.code == "roster.empty"
    with pytest.raises(RosterError) as fast:
        read(p)
    assert fast.value.code == "roster.empty"


# --- property: small random rosters, any block size ---------------------------------------

VALUES = {
    "name": ["张三", "李四", "", " 王五 ", "a,b", 'x"y', "\t"],
    "id_number": [
        "11010520120307002X",
        "110105201203070011",
        "11010520120307002x",
        "1101052012030700",
        "",
        "110105 201203070011",
        "99010520120307002X",
        "11010520990307002X",
    ],
    "student_number": ["G1", "", " G2 ", "a,b", "x" * 201],
    "bank_account": ["6217000011112222", "", "62170000 1111 2222", "abc", "6217,0000"],
    "school_code": ["3412001", "3412002", "", "34,12", '"q"'],
    "school_name": ["一小", "", "二小,分校"],
    "stage": ["小学", "初中", "中职", "研究生", "", "primary"],
    "grade": ["3", "三年级", "", "9", "1"],
    "school_location": ["乡村", "城区", "镇区", "", "火星"],
    "boarding": ["是", "否", "", "可能", " 是 "],
    "registered_poor": ["是", "否", ""],
    "enrolled_from": ["2019-09-01", "", "2019/9/1", "昨天"],
    "enrolled_until": ["", "2020-01-15"],
    "tuition_fee": ["", "1200", "abc"],
}
UNKNOWN = {"序号": ["1", "2", ""], "备注": ["", "无", "a,b", '"x"']}
HEADERS = {**{k: k for k in VALUES}, "name": "姓名", "id_number": "身份证号", "stage": "学段"}


@st.composite
def rosters(draw: st.DrawFn) -> str:
    optional = [c for c in VALUES if c not in roster_module.REQUIRED]
    cols = list(roster_module.REQUIRED) + draw(st.lists(st.sampled_from(optional), unique=True))
    cols += draw(st.lists(st.sampled_from(list(UNKNOWN)), unique=True))
    cols = draw(st.permutations(cols))
    d = draw(st.sampled_from([",", "\t"]))
    pool = {c: VALUES.get(c) or UNKNOWN[c] for c in cols}

    def cell(c: str) -> str:
        return draw(st.sampled_from(pool[c]))

    def line(cells: list[str]) -> str:
        return d.join('"' + c.replace('"', '""') + '"' if d in c or '"' in c else c for c in cells)

    lines = [d.join(HEADERS.get(c, c) for c in cols)]
    common = [cell(c) for c in cols]  # rows alike but for a cell or two: shared profiles
    for _ in range(draw(st.integers(1, 25))):
        kind = draw(st.sampled_from(["new", "alike", "alike", "blank", "short", "long", "quoted"]))
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", "  ", d * (len(cols) - 1)])))
            continue
        cells = [cell(c) for c in cols] if kind == "new" else list(common)
        if kind == "alike" and draw(st.booleans()):
            i = draw(st.integers(0, len(cols) - 1))
            cells[i] = cell(cols[i])
        if kind == "short":
            cells = cells[: draw(st.integers(1, len(cells)))]
        elif kind == "long":
            cells += draw(st.lists(st.sampled_from(["", "x", " "]), min_size=1, max_size=2))
        if kind == "quoted":
            lines.append(d.join('"' + c.replace('"', '""') + '"' for c in cells))
        else:
            lines.append(line(cells))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    return eol.join(lines) + draw(st.sampled_from(["", eol]))


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=rosters(), block=st.integers(1, 300))
def test_any_small_roster_reads_the_same_both_ways_whatever_the_block_size(
    tmp_path_factory: pytest.TempPathFactory, text: str, block: int
) -> None:
    p = tmp_path_factory.mktemp("random") / "r.csv"
    p.write_text(text, encoding="utf-8", newline="")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_lines, "_BLOCK", block)
        fast = read(p)
    with csv_module_only():
        slow = read(p)
    assert_same_reading(fast, slow)
    with pytest.MonkeyPatch.context() as mp:  # duplicates and ages: the validators' reading
        mp.setattr(_lines, "_BLOCK", block)
        fast_report = validation_report(p, p, school_year=2019, today=TODAY)
    with csv_module_only():
        assert fast_report == validation_report(p, p, school_year=2019, today=TODAY)


@pytest.mark.parametrize(
    "name",
    [
        "plain",
        "quoted cells with commas and doubled quotes",
        "blank, whitespace-only, short and long lines",
        "a lone CR inside a line",
        "the name column in the middle",
    ],
)
def test_caches_emptied_at_every_step_change_nothing(
    crafted_dir: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memo caps (_PROFILE_MAX, _CACHE_MAX) of a county roster reached at once: caches
    emptied while a block is read give the same reading."""
    p = crafted_dir / f"caps-{NAMES.index(name)}.csv"
    p.write_text(CRAFTED[name], encoding="utf-8", newline="")
    expected = read(p)
    monkeypatch.setattr(roster_module, "_PROFILE_MAX", 2)
    monkeypatch.setattr(roster_module, "_CACHE_MAX", 2)
    fast, slow, blocks = both(read, p)
    assert blocks >= 1
    assert_same_reading(fast, expected)
    assert_same_reading(slow, expected)
    cols = roster_module.read_roster_columns(p, today=TODAY)
    assert list(cols.students()) == list(expected.students)
    assert cols.findings == expected.findings
    first: dict[int, int] = {}
    for i, profile in enumerate(cols.profiles):
        first.setdefault(id(profile), i)
    assert {id(k): v for k, v in cols.profile_rows.items()} == first


def test_a_student_number_holding_a_carriage_return_is_rejected_both_ways(tmp_path: Path) -> None:
    # A control character in a student number would split the row of a CSV written from it;
    # the row is rejected (field.invalid) whichever way the file is read.
    p = tmp_path / "r.csv"
    p.write_text(
        "姓名,身份证号,学籍号,学校代码,学段,学校所在地\n"
        '张三,11010520120307002X,"G1\r=1+1",3412001,小学,乡村\n'
        "李四,110105201203070011,G2,3412001,小学,乡村\n",
        encoding="utf-8",
    )
    fast = read_roster(p)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(roster_module, "_LINE_ENCODINGS", ())
        plain = read_roster(p)
    assert fast.rejected == plain.rejected
    assert [(f.row, f.code, f.field) for r in fast.rejected for f in r.findings] == [
        (2, "field.invalid", "student_number")
    ]
    assert [s.student_number for s in fast.students] == ["G2"]
