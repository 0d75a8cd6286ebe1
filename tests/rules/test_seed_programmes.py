"""Case tests of the seed profile, one or more per programme of RULES.md §2, with its figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from edupoverty.records import (
    DifficultyLevel,
    FundingLevel,
    Ownership,
    Residence,
    SchoolLocation,
    Semester,
    Stage,
)
from edupoverty.rules import NotConfigured, assess, load_policy
from tests.rules.rules_helpers import amounts, student, yuan

SEED = load_policy("seed")


def test_rural_primary_boarder_from_registered_poor_household_2019() -> None:
    # R-CMP-1..4, R-ST-1/R-ST-2: 600 waiver + 90 textbooks + 1000 boarding + 800 nutrition.
    a = assess(student(boarding=True, registered_poor=True), SEED, 2019)
    assert amounts(a) == {
        "compulsory.fee_waiver": yuan("600"),
        "compulsory.free_textbooks": yuan("90"),
        "compulsory.boarding_allowance": yuan("1000"),
        "compulsory.nutrition": yuan("800"),
    }
    assert (a.cash_total, a.waiver_total, a.in_kind_total) == (
        yuan("1000"),
        yuan("600"),
        yuan("890"),
    )
    assert a.total == yuan("2490")
    assert a.not_configured == ()


def test_county_seat_junior_day_pupil_gets_waiver_and_textbooks_but_no_meals() -> None:
    # R-CMP-4: schools in the county seat are out of the nutrition programme.
    a = assess(student(stage=Stage.JUNIOR, school_location=SchoolLocation.COUNTY_SEAT), SEED, 2019)
    assert amounts(a) == {
        "compulsory.fee_waiver": yuan("800"),
        "compulsory.free_textbooks": yuan("180"),
    }
    assert "R-CMP-4" in a.explain("en")


def test_town_junior_boarder_recognised_as_difficult_gets_1250_and_meals() -> None:
    a = assess(
        student(
            stage=Stage.JUNIOR,
            school_location=SchoolLocation.TOWN,
            boarding=True,
            financial_difficulty=True,
        ),
        SEED,
        2019,
    )
    assert amounts(a)["compulsory.boarding_allowance"] == yuan("1250")
    assert amounts(a)["compulsory.nutrition"] == yuan("800")


def test_special_education_boarder_gets_6000_waiver_and_1250_allowance() -> None:
    a = assess(
        student(special_education=True, boarding=True, financial_difficulty=True), SEED, 2019
    )
    assert amounts(a)["compulsory.fee_waiver"] == yuan("6000")
    assert amounts(a)["compulsory.boarding_allowance"] == yuan("1250")


def test_boarder_not_recognised_as_difficult_gets_no_boarding_allowance() -> None:
    a = assess(student(boarding=True), SEED, 2019)
    assert "compulsory.boarding_allowance" not in amounts(a)
    text = a.explain("zh")
    # The explanation names the programme in Chinese, says why in words, cites the rule.
    assert "- 寄宿生生活补助：不适用［R-CMP-3" in text
    assert "条件不满足：家庭经济困难" in text
    assert "compulsory.boarding_allowance" not in text


def test_difficult_boarder_without_official_enrolment_gets_no_boarding_allowance() -> None:
    a = assess(
        student(boarding=True, financial_difficulty=True, official_enrolment=False), SEED, 2019
    )
    assert "compulsory.boarding_allowance" not in amounts(a)


def test_subsistence_allowance_alone_is_not_financial_difficulty_in_the_seed() -> None:
    # R-ST-2 / RULES.md §14: whether 低保 counts is a profile parameter; the seed says no.
    a = assess(student(boarding=True, subsistence_allowance=True), SEED, 2019)
    assert "compulsory.boarding_allowance" not in amounts(a)


@pytest.mark.parametrize(
    "status", ["financial_difficulty", "orphan", "disabled", "registered_poor"]
)
def test_child_in_inclusive_kindergarten_gets_300_provincial_grant(status: str) -> None:
    # R-PRE-1 (registered-poor counts as difficult, R-ST-2).
    a = assess(
        student(stage=Stage.PRESCHOOL, inclusive_kindergarten=True, **{status: True}), SEED, 2019
    )
    assert amounts(a) == {"preschool.provincial_grant": yuan("300")}


def test_orphan_in_a_kindergarten_that_is_not_inclusive_gets_nothing() -> None:
    a = assess(student(stage=Stage.PRESCHOOL, orphan=True), SEED, 2019)
    assert a.entitlements == ()


def test_registered_poor_senior_at_public_school_gets_tier_one_living_allowance_and_waiver() -> (
    None
):
    # R-SEN-1 (tier 1 for registered-poor), R-SEN-2 (fee the school charges), R-SEN-3.
    a = assess(
        student(stage=Stage.SENIOR, registered_poor=True, tuition_fee="1200", grade=1),
        SEED,
        2019,
    )
    grant = a.entitlement("senior.national_grant")
    assert grant is not None and grant.tier == 1 and grant.amount == yuan("2500")
    assert amounts(a)["senior.living_allowance"] == yuan("2500")
    assert amounts(a)["senior.fee_waiver"] == yuan("1200")
    assert a.total == yuan("6200")


def test_registered_poor_senior_listed_at_tier_two_still_gets_tier_one() -> None:
    # R-ST-1: registered-poor students get the highest standard.
    a = assess(student(stage=Stage.SENIOR, registered_poor=True, grant_tier=2), SEED, 2019)
    grant = a.entitlement("senior.national_grant")
    assert grant is not None and grant.tier == 1 and grant.amount == yuan("2500")


def test_difficult_senior_at_tier_two_gets_1500_and_no_living_allowance() -> None:
    a = assess(student(stage=Stage.SENIOR, financial_difficulty=True, grant_tier=2), SEED, 2019)
    assert amounts(a) == {"senior.national_grant": yuan("1500")}


def test_difficult_senior_without_tier_or_mapped_level_is_reported_not_guessed() -> None:
    a = assess(
        student(
            stage=Stage.SENIOR,
            financial_difficulty=True,
            difficulty_level=DifficultyLevel.SPECIAL,
        ),
        SEED,
        2019,
    )
    grant = a.entitlement("senior.national_grant")
    assert grant is not None and isinstance(grant.amount, NotConfigured)
    assert grant.amount.parameter == "senior.national_grant.tier"
    assert a.total == Decimal("0.00") and a.not_configured == (grant,)


def test_senior_fee_waiver_without_tuition_fee_is_not_configured_never_zero() -> None:
    a = assess(student(stage=Stage.SENIOR, registered_poor=True), SEED, 2019)
    waiver = a.entitlement("senior.fee_waiver")
    assert waiver is not None and isinstance(waiver.amount, NotConfigured)
    assert "tuition_fee" in waiver.amount.reason_en
    assert waiver in a.not_configured
    assert a.waiver_total == Decimal("0.00")
    assert isinstance(waiver.funding, NotConfigured)


def test_registered_poor_senior_at_private_school_has_no_fee_waiver() -> None:
    a = assess(
        student(stage=Stage.SENIOR, registered_poor=True, school_ownership=Ownership.PRIVATE),
        SEED,
        2019,
    )
    assert "senior.fee_waiver" not in amounts(a)


@pytest.mark.parametrize(
    ("fields", "waived"),
    [
        ({"disabled": True, "financial_difficulty": True}, True),
        ({"disabled": True}, False),
        ({"subsistence_allowance": True, "residence": Residence.RURAL}, True),
        ({"subsistence_allowance": True, "residence": Residence.URBAN}, False),
        ({"extreme_poverty_support": True, "residence": Residence.RURAL}, True),
    ],
)
def test_senior_fee_waiver_for_students_who_are_not_registered_poor(
    fields: dict[str, object], waived: bool
) -> None:
    # R-SEN-2: disabled difficult, rural 低保, rural 特困 students at public schools.
    a = assess(student(stage=Stage.SENIOR, tuition_fee="900", **fields), SEED, 2019)
    assert (amounts(a).get("senior.fee_waiver") == yuan("900")) is waived


def test_first_year_vocational_agri_major_gets_grant_and_free_tuition() -> None:
    # R-VOC-1, R-VOC-2.
    a = assess(
        student(stage=Stage.VOCATIONAL, grade=1, agri_major=True, residence=Residence.URBAN),
        SEED,
        2019,
    )
    assert amounts(a) == {
        "vocational.national_grant": yuan("2000"),
        "vocational.tuition_waiver": yuan("2000"),
    }


def test_third_year_difficult_vocational_student_gets_free_tuition_but_no_grant() -> None:
    a = assess(student(stage=Stage.VOCATIONAL, grade=3, financial_difficulty=True), SEED, 2019)
    assert amounts(a) == {"vocational.tuition_waiver": yuan("2000")}


def test_rural_student_in_contiguous_poverty_area_gets_vocational_grant() -> None:
    a = assess(
        student(
            stage=Stage.VOCATIONAL,
            grade=2,
            residence=Residence.RURAL,
            contiguous_poverty_area=True,
        ),
        SEED,
        2019,
    )
    assert amounts(a)["vocational.national_grant"] == yuan("2000")


def test_rural_performing_arts_student_pays_vocational_tuition() -> None:
    a = assess(
        student(
            stage=Stage.VOCATIONAL, grade=1, residence=Residence.RURAL, performing_arts_major=True
        ),
        SEED,
        2019,
    )
    assert "vocational.tuition_waiver" not in amounts(a)


def test_part_time_vocational_student_gets_neither_grant_nor_waiver() -> None:
    a = assess(
        student(stage=Stage.VOCATIONAL, grade=1, registered_poor=True, full_time=False),
        SEED,
        2019,
    )
    assert "vocational.national_grant" not in amounts(a)
    assert "vocational.tuition_waiver" not in amounts(a)


def test_outstanding_vocational_student_gets_4000_scholarship() -> None:
    a = assess(student(stage=Stage.VOCATIONAL, grade=2, outstanding=True), SEED, 2019)
    assert amounts(a)["vocational.provincial_scholarship"] == yuan("4000")


def test_rural_registered_poor_vocational_student_gets_rain_dew_not_configured() -> None:
    # R-VOC-4: the amount is cut off in the seed.
    a = assess(
        student(stage=Stage.HIGHER_VOCATIONAL, registered_poor=True, residence=Residence.RURAL),
        SEED,
        2019,
    )
    rain = a.entitlement("rain_dew")
    assert rain is not None and isinstance(rain.amount, NotConfigured)
    assert rain.amount.parameter == "rain_dew.amount"
    assert a.total == Decimal("0.00")
    assert "rain_dew" in a.explain("en") and "not configured" in a.explain("en")


def test_urban_registered_poor_vocational_student_is_not_in_rain_dew() -> None:
    a = assess(
        student(stage=Stage.VOCATIONAL, grade=1, registered_poor=True, residence=Residence.URBAN),
        SEED,
        2019,
    )
    assert "rain_dew" not in amounts(a)


def test_funding_shares_of_the_fee_waiver_boarding_allowance_and_meals() -> None:
    # R-FND-1, R-FND-3, R-FND-4; textbooks (R-FND-2) give no yuan shares: unknown.
    a = assess(student(boarding=True, registered_poor=True), SEED, 2019)
    waiver = a.entitlement("compulsory.fee_waiver")
    boarding = a.entitlement("compulsory.boarding_allowance")
    meals = a.entitlement("compulsory.nutrition")
    books = a.entitlement("compulsory.free_textbooks")
    assert waiver and boarding and meals and books
    assert dict(waiver.funding) == {
        FundingLevel.CENTRAL: yuan("480"),
        FundingLevel.PROVINCIAL: yuan("96"),
        FundingLevel.CITY: yuan("12"),
        FundingLevel.COUNTY: yuan("12"),
    }
    assert dict(boarding.funding) == {
        FundingLevel.CENTRAL: yuan("500"),
        FundingLevel.PROVINCIAL: yuan("500"),
    }
    assert dict(meals.funding) == {FundingLevel.CENTRAL: yuan("800")}
    assert isinstance(books.funding, NotConfigured)


def test_boarding_allowance_is_paid_per_semester_in_two_halves() -> None:
    # R-CMP-5, R-PAY-2.
    a = assess(student(boarding=True, registered_poor=True), SEED, 2019)
    boarding = a.entitlement("compulsory.boarding_allowance")
    assert boarding is not None
    assert dict(boarding.semesters) == {Semester.AUTUMN: yuan("500"), Semester.SPRING: yuan("500")}


def test_nutrition_is_four_yuan_for_each_of_200_school_days() -> None:
    a = assess(student(), SEED, 2019)
    meals = a.entitlement("compulsory.nutrition")
    assert meals is not None and meals.days == 200 and meals.amount == yuan("800")
    assert meals.form.value == "in_kind"  # R-PAY-3: meals, never cash


def test_undergraduate_gets_nothing_from_the_seed_profile() -> None:
    a = assess(student(stage=Stage.UNDERGRADUATE, registered_poor=True), SEED, 2019)
    assert a.entitlements == ()
