"""Synthetic rosters: realistic by default (every row drawn apart), deterministic, valid, with
the defects asked for; the repeated kind has a few distinct profiles."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from edupoverty.errors import InputError
from edupoverty.records import idcard, read_roster, validate
from edupoverty.records.columns import students_from_table
from edupoverty.records.synthetic import (
    DEFECTS,
    HEADER,
    HEADER_ZH,
    Options,
    generate_rows,
    generate_table,
    main,
    student_table,
    students,
    write_roster_csv,
    write_roster_xlsx,
    write_rosters,
)

PERSONAL = ("name", "id_number", "student_number", "bank_account")
SCHOOL_FEES_DATES = (
    "school_code",
    "tuition_fee",
    "accommodation_fee",
    "enrolled_from",
    "enrolled_until",
)


def distinct(table: pa.Table, columns: tuple[str, ...] | list[str]) -> int:
    return len(set(zip(*(table.column(c).to_pylist() for c in columns), strict=True)))


def profile_columns(table: pa.Table) -> list[str]:
    return [c for c in table.column_names if c not in (*PERSONAL, "row")]


def test_the_same_seed_gives_the_same_roster_and_another_seed_another() -> None:
    assert generate_table(300, seed=3).equals(generate_table(300, seed=3))
    assert not generate_table(300, seed=3).equals(generate_table(300, seed=4))
    assert student_table(300, seed=3, repeated=20).equals(student_table(300, seed=3, repeated=20))
    assert list(generate_rows(50, seed=3)) == list(generate_rows(50, seed=3))


def test_every_row_is_drawn_apart_so_school_fee_and_date_combinations_grow_with_the_rows() -> None:
    small, large = student_table(2_000, seed=1), student_table(20_000, seed=1)
    assert distinct(large, SCHOOL_FEES_DATES) > 8 * distinct(small, SCHOOL_FEES_DATES)
    assert distinct(large, profile_columns(large)) > 0.7 * large.num_rows


def test_a_large_roster_comes_from_a_school_per_150_rows_with_many_fees_and_dates() -> None:
    t = student_table(30_000, seed=5)
    assert distinct(t, ["school_code"]) == 200
    assert distinct(t, ["tuition_fee"]) > 100 and distinct(t, ["accommodation_fee"]) > 100
    assert 0.5 < t.column("tuition_fee").null_count / t.num_rows < 0.9
    froms = t.column("enrolled_from").drop_null().to_pylist()
    untils = t.column("enrolled_until").drop_null().to_pylist()
    assert len(set(froms)) > 200 and len(set(untils)) > 200
    assert 0.2 < len(froms) / t.num_rows < 0.4 and 0.03 < len(untils) / t.num_rows < 0.07
    summer = [d for d in untils if date(2020, 7, 1) <= d <= date(2020, 8, 31)]
    in_term = [d for d in untils if date(2019, 9, 1) <= d < date(2020, 7, 1)]
    assert summer and in_term and len(summer) + len(in_term) == len(untils)


def test_the_mix_of_stages_and_statuses_is_a_rural_countys() -> None:
    t = student_table(20_000, seed=1)
    stages = Counter(t.column("stage").to_pylist())
    assert 0.40 < stages["primary"] / t.num_rows < 0.50 and stages["undergraduate"] > 0
    assert len(stages) == 7
    poor = t.column("registered_poor").to_pylist().count(True) / t.num_rows
    assert 0.05 < poor < 0.15
    grades = Counter(zip(t.column("stage").to_pylist(), t.column("grade").to_pylist(), strict=True))
    assert grades[("primary", 6)] > 0 and grades[("undergraduate", 4)] > 0


def test_id_numbers_are_valid_distinct_from_known_provinces_and_fit_the_stage() -> None:
    t = student_table(20_000, seed=8)
    ids = t.column("id_number").to_pylist()
    assert all(idcard.is_valid(i) for i in ids) and len(set(ids)) == len(ids)
    assert all(idcard.region(i) is not None for i in ids)
    ages = Counter(
        (stage, 2019 - idcard.birth_date(i).year)
        for stage, i in zip(t.column("stage").to_pylist(), ids, strict=True)
    )
    assert min(age for (stage, age) in ages if stage == "primary") >= 5
    assert max(age for (stage, age) in ages if stage == "primary") <= 14


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("r.csv", {}),
        ("r.csv", {"encoding": "gb18030", "repeated": 40}),
        ("r.csv", {"headers": "en", "encoding": "utf-8"}),
        ("r.xlsx", {}),
    ],
)
def test_a_reader_reads_the_file_as_the_student_table_says_and_finds_nothing_wrong(
    tmp_path: Path, name: str, options: Options
) -> None:
    path = tmp_path / name
    if name.endswith(".xlsx"):
        write_roster_xlsx(path, 1500, seed=2)
    else:
        write_roster_csv(path, 1500, seed=2, **options)
    expected = list(students_from_table(student_table(1500, seed=2, **options)))
    result = read_roster(path)
    assert result.rows == result.accepted == 1500
    assert [(s, s.row) for s in result.students] == [(s, s.row) for s in expected]
    assert validate(path, school_year=2019) == []


def test_files_are_written_as_schools_send_them(tmp_path: Path) -> None:
    raw = write_roster_csv(tmp_path / "r.csv", 3, seed=1).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + ",".join(HEADER_ZH).encode() + b"\n")
    gbk = write_roster_csv(tmp_path / "g.csv", 3, seed=1, encoding="gb18030").read_bytes()
    assert gbk.decode("gb18030").splitlines()[0] == ",".join(HEADER_ZH)
    en = write_roster_csv(tmp_path / "e.csv", 3, seed=1, headers="en").read_text("utf-8-sig")
    assert en.splitlines()[0] == ",".join(HEADER)


@pytest.mark.parametrize("defect", DEFECTS)
def test_each_defect_class_plants_exactly_the_finding_it_is_named_after(
    tmp_path: Path, defect: str
) -> None:
    clean = generate_table(2000, seed=2)
    planted = generate_table(2000, seed=2, defects={defect: 0.05})
    changed = sum(a != b for a, b in zip(clean.to_pylist(), planted.to_pylist(), strict=True))
    path = write_roster_csv(tmp_path / "r.csv", 2000, seed=2, defects={defect: 0.05})
    codes = Counter(f.code for f in validate(path, school_year=2019))
    assert 50 < changed < 150
    assert codes == {defect: changed}


def test_every_defect_class_at_once_is_planted_and_found(tmp_path: Path) -> None:
    path = write_roster_csv(tmp_path / "r.csv", 5000, seed=3, defects=dict.fromkeys(DEFECTS, 0.01))
    codes = Counter(f.code for f in validate(path, school_year=2019))
    assert set(codes) == set(DEFECTS) and all(20 < n < 90 for n in codes.values())


def test_unknown_defect_classes_and_rates_outside_zero_to_one_are_refused() -> None:
    with pytest.raises(InputError, match=r"unknown defect classes: id\.typo"):
        next(generate_rows(1, defects={"id.typo": 0.1}))
    with pytest.raises(ValueError, match="between 0 and 1"):
        generate_table(1, defects={"id.length": 2})


def test_the_repeated_kind_has_a_few_hundred_profiles_and_a_new_person_in_each_row() -> None:
    t = student_table(20_000, seed=4, repeated=300)
    assert distinct(t, profile_columns(t)) <= 300
    assert distinct(t, ["id_number"]) == 20_000
    assert all(idcard.is_valid(i) for i in t.column("id_number").to_pylist())
    text = generate_table(20_000, seed=4, repeated=300)
    assert distinct(text, [c for c in HEADER if c not in PERSONAL]) <= 300


def test_several_files_share_some_students_and_each_alone_has_no_duplicate(
    tmp_path: Path,
) -> None:
    a, b, c = write_rosters([tmp_path / f"{x}.csv" for x in "abc"], 1000, seed=6, shared=0.03)
    assert validate(a, school_year=2019) == validate(b, school_year=2019) == []
    across = validate(a, b, c, school_year=2019)
    assert {f.code for f in across} == {"report.duplicate"} and 30 < len(across) < 100


def test_students_in_memory_are_valid_distinct_and_the_same_for_a_seed() -> None:
    group = students(2000, seed=9)
    assert len({s.id_number for s in group}) == 2000
    assert group == students(2000, seed=9)
    assert [s.row for s in group[:3]] == [2, 3, 4]
    few = students(2000, seed=9, repeated=30)
    assert len({(s.school_code, s.stage, s.grade, s.tuition_fee) for s in few}) <= 30


def test_the_command_writes_a_roster_with_defects_and_several_that_share_students(
    tmp_path: Path,
) -> None:
    one = tmp_path / "one.csv"
    assert main([str(one), "-n", "400", "--seed", "2", "--defect", "id.checksum=0.1"]) == 0
    codes = {f.code for f in validate(one, school_year=2019)}
    assert codes == {"id.checksum"}
    two = [tmp_path / "a.csv", tmp_path / "b.xlsx"]
    assert main([*map(str, two), "-n", "300", "--shared", "0.1", "--repeated", "20"]) == 0
    assert {f.code for f in validate(*two, school_year=2019)} == {"report.duplicate"}
    with pytest.raises(SystemExit):
        main([str(one), "--defect", "id.typo=0.1"])
