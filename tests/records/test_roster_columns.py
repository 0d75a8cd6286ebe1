"""``read_roster_columns``: the accepted rows as parallel columns and shared StudentProfiles,
the same reading as ``read_roster``; ``profile_values``; ``slice_roster`` and reading a slice."""

from __future__ import annotations

import csv
import itertools
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest

from edupoverty.errors import RosterError
from edupoverty.records import Student, _lines, read_roster
from edupoverty.records import roster as roster_module
from edupoverty.records.roster import (
    RosterColumns,
    RosterSlice,
    profile_values,
    read_roster_columns,
    slice_roster,
)
from edupoverty.records.synthetic import HEADER, write_roster_csv
from edupoverty.records.writers import write_xlsx
from tests.records.roster_texts import (
    EVERY_DEFECT,
    TODAY,
    crafted,
    csv_module_only,
    rows_of,
    text_of,
)

PERSONAL = ("name", "id_number", "student_number", "bank_account", "row")
PROFILE_FIELDS = tuple(a.name for a in attrs.fields(Student) if a.name not in PERSONAL)
CRAFTED = dict(crafted(600))
SOME = [
    "plain",
    "quoted cells with commas and doubled quotes",
    "a literal quote inside an unquoted cell",
    "blank, whitespace-only, short and long lines",
    "a quoted cell spanning lines",
    "a lone CR inside a line",
    "the name column in the middle",
    "shuffled columns 1",
    "unknown columns 序号 first and 备注 last",
    "the required columns only",
    "lines with every cell quoted",
]


def columns(path: Path, **kwargs: Any) -> RosterColumns:
    return read_roster_columns(path, today=TODAY, **kwargs)


def profile_part(student: Student) -> dict[str, Any]:
    return {f: getattr(student, f) for f in PROFILE_FIELDS}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cols") / "roster.csv"
    return write_roster_csv(path, 3000, seed=11, defects=EVERY_DEFECT)


def assert_columns_match(cols: RosterColumns, whole: roster_module.RosterResult) -> None:
    students = list(cols.students())
    assert students == list(whole.students)
    assert [s.row for s in students] == [s.row for s in whole.students]
    assert [cols.student(i) for i in range(cols.accepted)] == students
    assert cols.accepted == whole.accepted == len(cols.profiles)
    assert cols.rejected == whole.rejected
    assert cols.findings == whole.findings
    assert (cols.rows, cols.blank_rows, cols.encoding, cols.unknown_columns) == (
        whole.rows,
        whole.blank_rows,
        whole.encoding,
        whole.unknown_columns,
    )
    assert cols.row_numbers == tuple(s.row for s in students)
    assert cols.names == tuple(s.name for s in students)
    assert cols.id_numbers == tuple(s.id_number for s in students)
    assert cols.student_numbers == tuple(s.student_number for s in students)
    assert cols.bank_accounts == tuple(s.bank_account for s in students)


def test_columns_are_the_reading_of_read_roster(synthetic: Path) -> None:
    whole = read_roster(synthetic, today=TODAY)
    assert whole.rejected and whole.accepted > 2500
    cols = columns(synthetic)
    assert_columns_match(cols, whole)
    with csv_module_only():  # the chunked row path (no blocks of lines) keeps columns too
        assert_columns_match(columns(synthetic), whole)


@pytest.mark.parametrize("name", SOME)
def test_columns_of_a_crafted_roster_are_the_reading_of_read_roster(
    tmp_path: Path, name: str
) -> None:
    p = tmp_path / "r.csv"
    p.write_text(CRAFTED[name], encoding="utf-8", newline="")
    assert_columns_match(columns(p), read_roster(p, today=TODAY))


def test_every_profile_maps_to_the_first_row_that_has_it(synthetic: Path) -> None:
    cols = columns(synthetic)
    first: dict[int, int] = {}
    for i, p in enumerate(cols.profiles):
        first.setdefault(id(p), i)
    assert len(cols.profile_rows) == len(first) < cols.accepted  # profiles are shared
    for profile, row in cols.profile_rows.items():
        assert first[id(profile)] == row
        assert cols.profiles[row] is profile


def test_rows_sharing_a_profile_differ_only_in_personal_fields(synthetic: Path) -> None:
    cols = columns(synthetic)
    students = list(cols.students())
    by_profile: dict[int, dict[str, Any]] = {}
    shared = 0
    for s, p in zip(students, cols.profiles, strict=True):
        fields = profile_part(s)
        assert p.fields() == fields
        assert p.school_code == s.school_code and p.stage == s.stage
        known = by_profile.setdefault(id(p), fields)
        if known is not fields:
            shared += 1
            assert known == fields
    assert shared == cols.accepted - len(cols.profile_rows) > 300


def test_rows_with_the_same_profile_cells_share_one_profile_object(tmp_path: Path) -> None:
    """One profile object per distinct combination of cells: checked against the cells the
    csv module reads, on a roster where some of those rows are quoted and some not."""
    p = tmp_path / "r.csv"
    p.write_text(CRAFTED["quoted cells with commas and doubled quotes"], encoding="utf-8")
    cols = columns(p)
    with open(p, encoding="utf-8", newline="") as fh:
        raw = list(csv.reader(fh))
    personal = {HEADER.index(f) for f in PERSONAL if f in HEADER}
    cells_of = {
        n: tuple(c for i, c in enumerate(row) if i not in personal)
        for n, row in enumerate(raw, start=1)
    }
    objects: dict[tuple[str, ...], set[int]] = {}
    for row, profile in zip(cols.row_numbers, cols.profiles, strict=True):
        objects.setdefault(cells_of[row], set()).add(id(profile))
    assert all(len(ids) == 1 for ids in objects.values())
    assert len(objects) == len(cols.profile_rows)


@pytest.mark.parametrize(
    "fields",
    [
        ("school_code",),
        ("stage", "school_code", "boarding"),
        ("enrolled_until", "registered_poor", "grade", "tuition_fee", "enrolled_from"),
        PROFILE_FIELDS,
        PROFILE_FIELDS[::-1],
    ],
)
def test_profile_values_are_the_students_attributes(
    synthetic: Path, fields: tuple[str, ...]
) -> None:
    cols = columns(synthetic)
    values = profile_values(cols.profiles, fields)
    assert set(values) == set(cols.profile_rows)
    for s, p in zip(cols.students(), cols.profiles, strict=True):
        assert values[p] == tuple(getattr(s, f) for f in fields)


def test_profile_values_of_absent_columns_are_the_student_defaults(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text(CRAFTED["the required columns only"], encoding="utf-8")
    cols = columns(p)
    fields = ("boarding", "school_code", "grade", "registered_poor", "stage", "tuition_fee")
    values = profile_values(cols.profiles, fields)
    for s, prof in zip(cols.students(), cols.profiles, strict=True):
        assert values[prof] == tuple(getattr(s, f) for f in fields)
        assert values[prof][0] is False and values[prof][2] is None  # the model's defaults


def test_profile_values_refuses_personal_and_unknown_fields(synthetic: Path) -> None:
    cols = columns(synthetic)
    for bad in (("name",), ("school_code", "id_number"), ("no_such_field",)):
        with pytest.raises(ValueError, match="not profile fields"):
            profile_values(cols.profiles, bad)


def test_profile_values_over_profiles_of_two_files_with_different_columns(
    synthetic: Path, tmp_path: Path
) -> None:
    p = tmp_path / "r.csv"
    p.write_text(CRAFTED["shuffled columns 2"], encoding="utf-8")
    a, b = columns(synthetic), columns(p)
    fields = ("stage", "boarding", "enrolled_from")
    values = profile_values([*a.profiles, *b.profiles], fields)
    for cols in (a, b):
        for s, prof in zip(cols.students(), cols.profiles, strict=True):
            assert values[prof] == tuple(getattr(s, f) for f in fields)


# --- slices -------------------------------------------------------------------------------


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 8 KiB: the header's block ends long before what a test puts at 4/5 of a
    small file (slice_roster gives None when the header's own block cannot be read)."""
    monkeypatch.setattr(_lines, "_BLOCK", 8192)


def test_a_header_block_that_cannot_be_read_by_lines_gives_no_slices(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text(CRAFTED["a quoted cell spanning lines"], encoding="utf-8")
    assert p.stat().st_size < 1 << 17  # one block of the default size holds it all
    assert slice_roster(p, 4, min_bytes=0) is None


def read_slices(path: Path, parts: tuple[RosterSlice, ...]) -> list[RosterColumns]:
    return [columns(path, part=part) for part in parts]


def assert_slices_are_the_whole(path: Path, parts: tuple[RosterSlice, ...]) -> None:
    whole = columns(path)
    got = read_slices(path, parts)
    assert list(itertools.chain.from_iterable(c.students() for c in got)) == list(whole.students())
    assert [r for c in got for r in c.rejected] == list(whole.rejected)
    assert [f for c in got for f in c.findings] == list(whole.findings)
    assert sum(c.rows for c in got) == whole.rows
    assert sum(c.blank_rows for c in got) == whole.blank_rows
    assert [n for c in got for n in c.row_numbers] == list(whole.row_numbers)
    assert all(c.encoding == whole.encoding for c in got)
    unknown = [f for f in got[0].findings if f.code == "column.unknown"]
    assert [f.field for f in unknown] == list(whole.unknown_columns)
    assert not any(f.code == "column.unknown" for c in got[1:] for f in c.findings)


@pytest.mark.parametrize("parts", [2, 3, 4, 5])
def test_slices_read_apart_are_the_whole_reading(synthetic: Path, parts: int) -> None:
    cut = slice_roster(synthetic, parts, min_bytes=0)
    assert cut is not None and len(cut) == parts
    size = synthetic.stat().st_size
    assert cut[-1].end == size
    assert all(a.end == b.start for a, b in itertools.pairwise(cut))
    assert [p.index for p in cut] == list(range(parts))
    assert cut[0].first_row == 2 and cut[0].header == HEADER
    assert_slices_are_the_whole(synthetic, cut)


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("crlf", "utf-8-sig"),
        ("blank lines and a title above the header", "utf-8"),
        ("blank, whitespace-only, short and long lines", "gb18030"),
        ("unknown columns 序号 first and 备注 last", "utf-8-sig"),
        ("tab", "utf-8"),
        ("no final newline", "utf-8"),
        ("quoted cells with commas and doubled quotes", "gb18030"),
        ("the name column in the middle", "utf-8"),
    ],
)
@pytest.mark.parametrize("parts", [2, 5])
def test_slices_of_crafted_rosters_are_the_whole_reading(
    tmp_path: Path, name: str, encoding: str, parts: int
) -> None:
    p = tmp_path / "r.csv"
    p.write_bytes(CRAFTED[name].encode(encoding))
    cut = slice_roster(p, parts, min_bytes=0)
    assert cut is not None and len(cut) == parts
    assert cut[0].encoding == encoding
    assert_slices_are_the_whole(p, cut)


def test_the_first_row_of_a_slice_is_its_spreadsheet_row(synthetic: Path) -> None:
    cut = slice_roster(synthetic, 4, min_bytes=0)
    assert cut is not None
    raw = synthetic.read_bytes()
    for part in cut:
        assert part.first_row == raw[: part.start].count(b"\n") + 1
        assert part.start == 0 or raw[part.start - 1 : part.start] == b"\n"
    got = read_slices(synthetic, cut)
    for part, cols in zip(cut, got, strict=True):
        numbers = [*cols.row_numbers, *(r.row for r in cols.rejected)]
        assert min(numbers) == part.first_row  # no blank line at a cut in this file


def test_more_parts_than_lines_gives_no_empty_slice(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text(text_of(list(HEADER), rows_of(3)), encoding="utf-8")
    cut = slice_roster(p, 8, min_bytes=0)
    assert cut is not None and 1 <= len(cut) <= 3
    assert all(part.end > part.start for part in cut)
    assert_slices_are_the_whole(p, cut)


def test_a_file_that_cannot_be_cut_gives_none(tmp_path: Path, synthetic: Path) -> None:
    assert slice_roster(synthetic, 2) is None  # less than the default 4 MiB of data
    assert slice_roster(synthetic, 2, min_bytes=synthetic.stat().st_size) is None
    assert slice_roster(synthetic, 1, min_bytes=0) is None
    assert slice_roster(tmp_path / "missing.csv", 2, min_bytes=0) is None

    text = synthetic.read_text(encoding="utf-8")
    utf16 = tmp_path / "utf16.csv"
    utf16.write_text(text, encoding="utf-16")
    assert read_roster(utf16, today=TODAY).accepted > 0  # readable, but not by lines
    assert slice_roster(utf16, 2, min_bytes=0) is None

    xlsx = tmp_path / "r.xlsx"
    rows = list(csv.reader(text.splitlines()))
    write_xlsx(xlsx, rows[0], rows[1:200])
    assert read_roster(xlsx, today=TODAY).rows == 199
    assert slice_roster(xlsx, 2, min_bytes=0) is None

    no_header = tmp_path / "no_header.csv"
    no_header.write_text("a,b\n" * 1000, encoding="utf-8")
    assert slice_roster(no_header, 2, min_bytes=0) is None
    spanning_header = tmp_path / "spanning.csv"
    spanning_header.write_text('"姓名\n(必填)",' + text.split("\n", 1)[1], encoding="utf-8")
    assert slice_roster(spanning_header, 2, min_bytes=0) is None


def test_a_slice_holding_a_cell_that_spans_lines_refuses_to_be_read_apart(
    tmp_path: Path, small_blocks: None
) -> None:
    p = tmp_path / "r.csv"
    p.write_text(CRAFTED["a quoted cell spanning lines"], encoding="utf-8")  # at 4/5
    cut = slice_roster(p, 4, min_bytes=0)
    assert cut is not None and len(cut) == 4
    first_three = read_slices(p, cut[:3])
    assert sum(c.rows for c in first_three) > 0
    with pytest.raises(RosterError) as err:
        columns(p, part=cut[3])
    assert err.value.code == "roster.slice"


@pytest.mark.parametrize("what", ["a lone CR inside a line", "a lone CR as a line end"])
def test_a_slice_holding_a_lone_cr_refuses_to_be_read_apart(
    tmp_path: Path, what: str, small_blocks: None
) -> None:
    p = tmp_path / "r.csv"
    p.write_text(CRAFTED[what], encoding="utf-8", newline="")
    cut = slice_roster(p, 4, min_bytes=0)
    assert cut is not None
    read_slices(p, cut[:3])
    with pytest.raises(RosterError) as err:
        columns(p, part=cut[3])
    assert err.value.code == "roster.slice"


def test_gbk_bytes_in_a_file_that_starts_like_utf8_refuse_the_slice_that_meets_them(
    tmp_path: Path,
) -> None:
    head = "name,id_number,school_code,stage,school_location\n"
    row = "Zhang,11010520120307002X,3412001,primary,rural\n"
    text = head + row * 4000 + "张三,110105201203070011,3412001,小学,乡村\n" + row * 10
    p = tmp_path / "r.csv"
    p.write_bytes(text.encode("gbk"))
    assert read_roster(p, today=TODAY).encoding == "gb18030"  # read whole: detected later
    cut = slice_roster(p, 3, min_bytes=0)
    assert cut is not None and cut[0].encoding == "utf-8"
    assert sum(c.rows for c in read_slices(p, cut[:2])) == cut[2].first_row - 2
    with pytest.raises(RosterError) as err:
        columns(p, part=cut[2])
    assert err.value.code == "roster.slice"


def test_a_slice_is_read_with_the_day_given(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    born_2024 = "11010520240307001X"
    from edupoverty.records.idcard import calc_check_digit

    born_2024 = born_2024[:17] + calc_check_digit(born_2024[:17])
    p.write_text(
        "姓名,身份证号,学校代码,学段,学校所在地\n" + f"张三,{born_2024},3412001,学前,乡村\n" * 50,
        encoding="utf-8",
    )
    cut = slice_roster(p, 2, min_bytes=0)
    assert cut is not None
    early = [read_roster_columns(p, part=c, today=date(2024, 1, 1)) for c in cut]
    late = [read_roster_columns(p, part=c, today=date(2024, 6, 1)) for c in cut]
    assert sum(c.accepted for c in early) == 0  # born after "today": id.birth_date
    assert sum(c.accepted for c in late) == 50


def test_a_slice_meeting_a_giant_cell_split_over_lines_refuses_to_be_read_apart(
    tmp_path: Path,
) -> None:
    limit = csv.field_size_limit()
    half = "x" * (limit // 2 + 100)
    row = "张三,11010520120307002X,3412001,小学,乡村\n"
    filler = row * (70000 // len(row.encode()))  # the cell starts in the slice's 1st block
    p = tmp_path / "r.csv"
    p.write_text(
        "姓名,身份证号,学校代码,学段,学校所在地\n"
        + filler
        + f'李四,110105201203070011,"{half}\n{half}",小学,乡村\n'
        + row * 12000,
        encoding="utf-8",
    )
    cut = slice_roster(p, 2, min_bytes=0)
    assert cut is not None and len(cut) == 2
    last_row = p.read_bytes().count(b"\n")
    assert columns(p, part=cut[1]).rows == last_row - cut[1].first_row + 1  # after the cell
    with pytest.raises(RosterError) as err:
        columns(p, part=cut[0])
    assert err.value.code == "roster.slice"
