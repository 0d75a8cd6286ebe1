"""Case tests of the regional overlays (RULES.md §3) and the opt-in national-2025 profile (§15)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from edupoverty.errors import PolicyStaleWarning
from edupoverty.records import Ownership, Residence, SchoolLocation, Semester, Stage
from edupoverty.rules import NotConfigured, assess, load_policy
from tests.rules.rules_helpers import amounts, student, yuan

DANGSHAN = load_policy("dangshan")
LILING = load_policy("liling")
HEBEI = load_policy("hebei")
NATIONAL = load_policy("national-2025")


def test_dangshan_registered_poor_preschool_child_gets_600_instead_of_300() -> None:
    # R-DS-1 replaces R-PRE-1 for registered-poor children (R-STK-4).
    a = assess(
        student(stage=Stage.PRESCHOOL, inclusive_kindergarten=True, registered_poor=True),
        DANGSHAN,
        2019,
    )
    assert amounts(a) == {"preschool.provincial_grant": yuan("600")}
    assert "R-DS-1" in a.entitlements[0].basis


def test_dangshan_registered_poor_child_outside_inclusive_kindergarten_still_gets_600() -> None:
    a = assess(student(stage=Stage.PRESCHOOL, registered_poor=True), DANGSHAN, 2019)
    assert amounts(a) == {"preschool.provincial_grant": yuan("600")}


def test_dangshan_orphan_who_is_not_registered_poor_keeps_the_seed_300() -> None:
    a = assess(
        student(stage=Stage.PRESCHOOL, inclusive_kindergarten=True, orphan=True), DANGSHAN, 2019
    )
    assert amounts(a) == {"preschool.provincial_grant": yuan("300")}


@pytest.mark.parametrize(
    ("stage", "boarding", "programme", "amount"),
    [
        (Stage.PRIMARY, True, "compulsory.boarding_allowance", "1000"),
        (Stage.PRIMARY, False, "dangshan.non_boarder_allowance", "500"),
        (Stage.JUNIOR, True, "compulsory.boarding_allowance", "1250"),
        (Stage.JUNIOR, False, "dangshan.non_boarder_allowance", "600"),
    ],
)
def test_dangshan_compulsory_standards_for_registered_poor_students(
    stage: Stage, boarding: bool, programme: str, amount: str
) -> None:
    a = assess(student(stage=stage, boarding=boarding, registered_poor=True), DANGSHAN, 2019)
    got = amounts(a)
    assert got[programme] == yuan(amount)
    other = "dangshan.non_boarder_allowance" if boarding else "compulsory.boarding_allowance"
    assert other not in got  # a boarder is not also a non-boarder


def test_dangshan_non_boarder_allowance_is_only_for_registered_poor_students() -> None:
    a = assess(student(financial_difficulty=True), DANGSHAN, 2019)
    assert "dangshan.non_boarder_allowance" not in amounts(a)


@pytest.mark.parametrize(
    "status", ["registered_poor", "financial_difficulty", "orphan", "disabled"]
)
def test_liling_preschool_fee_reduced_by_500_each_semester(status: str) -> None:
    # R-LL-1: 减免每学期500元的保教费.
    a = assess(student(stage=Stage.PRESCHOOL, **{status: True}), LILING, 2019)
    red = a.entitlement("liling.preschool_fee_reduction")
    assert red is not None and red.form.value == "waiver"
    assert dict(red.semesters) == {Semester.AUTUMN: yuan("500"), Semester.SPRING: yuan("500")}
    assert red.amount == yuan("1000")


def _hebei_senior(**fields: object) -> object:
    base: dict[str, object] = {
        "stage": Stage.SENIOR,
        "school_location": SchoolLocation.CITY,
        "registered_poor": True,
        "hukou_province": "河北省",
        "tuition_fee": "1600",
        "accommodation_fee": "400",
    }
    base.update(fields)
    return student(**base)


def test_hebei_registered_poor_senior_studies_free_of_tuition_and_accommodation() -> None:
    # R-HB-1: free tuition and accommodation at what the school charges; the Hebei waiver
    # takes the place of the seed's senior fee waiver (R-STK-4), so the fee is waived once.
    a = assess(_hebei_senior(), HEBEI, 2019)  # type: ignore[arg-type]
    got = amounts(a)
    assert got["hebei.tuition_waiver"] == yuan("1600")
    assert got["hebei.accommodation_waiver"] == yuan("400")
    assert "senior.fee_waiver" not in got
    assert isinstance(got["hebei.free_textbooks"], NotConfigured)
    assert got["senior.national_grant"] == yuan("2500")
    assert "replaced by Hebei tuition waiver for registered-poor students (R-STK-4)" in a.explain(
        "en"
    )
    assert "由河北建档立卡学生免学费代替（R-STK-4）" in a.explain()


@pytest.mark.parametrize(
    "fields",
    [
        {"hukou_province": "安徽省"},
        {"school_ownership": Ownership.PRIVATE},
        {"independent_college": True, "stage": Stage.UNDERGRADUATE},
        {"studying_abroad": True},
        {"full_time": False},
    ],
)
def test_hebei_waivers_exclude_other_provinces_private_schools_independent_colleges_and_abroad(
    fields: dict[str, object],
) -> None:
    a = assess(_hebei_senior(**fields), HEBEI, 2019)  # type: ignore[arg-type]
    assert not {p for p in amounts(a) if p.startswith("hebei.")}


def test_hebei_rules_start_in_the_2016_autumn_semester() -> None:
    # R-HB-1: from the 2016 autumn semester. 2015 is before the years the profile was
    # reviewed for, which warns.
    with pytest.warns(PolicyStaleWarning, match="from 2016, not 2015"):
        a = assess(_hebei_senior(), HEBEI, 2015)  # type: ignore[arg-type]
    assert not {p for p in amounts(a) if p.startswith("hebei.")}


def test_the_school_fee_is_waived_only_from_the_date_the_waiver_is_in_force() -> None:
    # R-SEN-2: the senior waiver is the fee the school charges; the seed profile claims
    # nothing before 2016-09-01, fee-based values included (tuition 1600 a year).
    s = _hebei_senior(hukou_province="安徽省")
    seed = load_policy("seed")
    assert amounts(assess(s, seed, 2016))  # type: ignore[arg-type]["senior.fee_waiver"] == yuan("1600")
    with pytest.warns(PolicyStaleWarning):
        before = assess(s, seed, 2015)  # type: ignore[arg-type]
    waiver = amounts(before)["senior.fee_waiver"]
    assert isinstance(waiver, NotConfigured) and "2015-09-01" in waiver.reason_en


def test_hebei_third_year_registered_poor_vocational_student_gets_the_national_grant() -> None:
    # R-HB-1: "建档立卡贫困家庭学生全部享受国家助学金" — not only years 1 and 2.
    s = _hebei_senior(stage=Stage.VOCATIONAL, grade=3)
    assert amounts(assess(s, HEBEI, 2019))["vocational.national_grant"] == yuan("2000")  # type: ignore[arg-type]
    assert "vocational.national_grant" not in amounts(assess(s, load_policy("seed"), 2019))  # type: ignore[arg-type]


def test_hebei_university_grant_is_eligible_with_amount_set_by_the_school() -> None:
    a = assess(_hebei_senior(stage=Stage.UNDERGRADUATE), HEBEI, 2019)  # type: ignore[arg-type]
    grant = a.entitlement("hebei.higher_national_grant")
    assert grant is not None and isinstance(grant.amount, NotConfigured)


def test_national_2025_nutrition_rises_to_five_yuan_from_2021_autumn() -> None:
    assert amounts(assess(student(), NATIONAL, 2020))["compulsory.nutrition"] == yuan("800")
    assert amounts(assess(student(), NATIONAL, 2021))["compulsory.nutrition"] == yuan("1000")
    # The seed profile never changes silently.
    with pytest.warns(PolicyStaleWarning):
        seed_2021 = assess(student(), load_policy("seed"), 2021)
    assert amounts(seed_2021)["compulsory.nutrition"] == yuan("800")


def test_national_2025_senior_grant_from_2025_spring_is_not_configured() -> None:
    a = assess(student(stage=Stage.SENIOR, registered_poor=True), NATIONAL, 2024)
    grant = a.entitlement("senior.national_grant")
    assert grant is not None
    assert grant.semesters[Semester.AUTUMN] == yuan("1250")
    assert isinstance(grant.semesters[Semester.SPRING], NotConfigured)
    assert isinstance(grant.amount, NotConfigured)
    assert "财教〔2024〕181号" in grant.amount.reason_zh


def test_national_2025_final_preschool_year_waiver_from_2025_autumn() -> None:
    kid = student(stage=Stage.PRESCHOOL, grade=3)
    before = assess(kid, NATIONAL, 2024)
    after = assess(kid, NATIONAL, 2025)
    assert before.entitlement("preschool.final_year_fee_waiver") is None
    waiver = after.entitlement("preschool.final_year_fee_waiver")
    assert waiver is not None and isinstance(waiver.amount, NotConfigured)


def test_national_2025_third_year_vocational_grant_from_2025_spring() -> None:
    s = student(
        stage=Stage.VOCATIONAL, grade=3, financial_difficulty=True, residence=Residence.RURAL
    )
    assert assess(s, NATIONAL, 2023).entitlement("vocational.national_grant_year3") is None
    e = assess(s, NATIONAL, 2024).entitlement("vocational.national_grant_year3")
    assert e is not None and list(e.semesters) == [Semester.SPRING]


def test_overlays_compose_left_to_right() -> None:
    both = load_policy("seed", "dangshan", "liling")
    a = assess(student(stage=Stage.PRESCHOOL, registered_poor=True), both, 2019)
    assert amounts(a) == {
        "preschool.provincial_grant": yuan("600"),
        "liling.preschool_fee_reduction": yuan("1000"),
    }
    assert a.total == Decimal("1600.00")
