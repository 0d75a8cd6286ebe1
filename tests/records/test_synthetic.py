"""Synthetic rosters: deterministic, valid, with the defects asked for."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from edupoverty.records import idcard, read_roster, validate
from edupoverty.records.synthetic import DEFECTS, generate_rows, students, write_roster_csv


def test_the_same_seed_gives_the_same_roster_and_another_seed_another() -> None:
    assert list(generate_rows(50, seed=3)) == list(generate_rows(50, seed=3))
    assert list(generate_rows(50, seed=3)) != list(generate_rows(50, seed=4))


def test_a_clean_synthetic_roster_is_accepted_whole_with_the_real_mix_of_stages(
    tmp_path: Path,
) -> None:
    p = write_roster_csv(tmp_path / "r.csv", 2000, seed=1, encoding="gb18030")
    r = read_roster(p)
    assert r.rows == r.accepted == 2000
    stages = Counter(s.stage.value for s in r.students)
    assert 0.40 < stages["primary"] / 2000 < 0.50 and stages["undergraduate"] > 0
    poor = sum(1 for s in r.students if s.registered_poor)
    assert 0.07 < poor / 2000 < 0.13
    findings = validate(r, school_year=2019)
    assert [f for f in findings if f.is_error] == []


@pytest.mark.parametrize("defect", DEFECTS)
def test_each_defect_class_plants_the_finding_it_is_named_after(
    tmp_path: Path, defect: str
) -> None:
    p = write_roster_csv(tmp_path / "r.csv", 400, seed=2, defects={defect: 0.05})
    codes = Counter(f.code for f in validate(p, school_year=2019))
    assert codes[defect] >= 5, codes
    # a copied ID number usually belongs to a pupil of another age: row.age_stage follows
    allowed = {defect, "row.age_stage"} if defect == "report.duplicate" else {defect}
    assert codes.keys() <= allowed, codes


def test_unknown_defect_classes_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown defect"):
        next(generate_rows(1, defects={"id.typo": 0.1}))


def test_in_memory_students_are_valid_and_share_a_few_hundred_profiles() -> None:
    group = students(5000, seed=9)
    assert len(group) == 5000 and all(idcard.is_valid(s.id_number) for s in group)
    profiles = {(s.school_code, s.stage, s.grade, s.boarding, s.registered_poor) for s in group}
    assert len(profiles) <= 400


def test_in_memory_students_equal_students_built_by_the_constructor() -> None:
    import attrs

    from edupoverty.records import Student

    for s in students(500, seed=4):
        rebuilt = Student(**{a.name: getattr(s, a.name) for a in attrs.fields(Student)})
        assert rebuilt == s and hash(rebuilt) == hash(s)
