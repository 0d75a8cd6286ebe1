"""Stacking (R-ST-1, R-STK-1..4), dynamic management (R-DYN-1..3), not configured, staleness."""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import pytest

from edupoverty.errors import PolicyStaleWarning
from edupoverty.records import EnrolmentPeriod, Period, Semester, Stage
from edupoverty.rules import (
    assess,
    assess_many,
    expected_payments,
    load_policy,
    summarize,
)
from edupoverty.rules.values import NotConfigured
from tests.rules.rules_helpers import amounts, county, student, yuan

SEED = load_policy("seed")
COUNTY = county()  # teaching days 2019-09-02..2020-01-17 and 2020-02-17..2020-07-10


def test_registered_poor_programmes_of_different_kinds_stack() -> None:
    # R-ST-1, R-STK-1: every programme they qualify for, at once.
    a = assess(student(stage=Stage.SENIOR, registered_poor=True, tuition_fee="1000"), SEED, 2019)
    assert set(amounts(a)) == {
        "senior.national_grant",
        "senior.fee_waiver",
        "senior.living_allowance",
    }


def test_tiers_of_one_grant_are_exclusive() -> None:
    # R-STK-2: one entitlement per programme, with one tier.
    a = assess(student(stage=Stage.SENIOR, registered_poor=True), SEED, 2019)
    grants = [e for e in a.entitlements if e.programme == "senior.national_grant"]
    assert len(grants) == 1 and grants[0].tier == 1


def test_a_programme_is_due_once_per_student_and_semester() -> None:
    # R-STK-3.
    a = assess(student(boarding=True, registered_poor=True), load_policy("dangshan"), 2019)
    rows = [(p, per) for _, p, per, _ in expected_payments([a])]
    assert len(rows) == len(set(rows))


def test_student_who_left_in_the_autumn_is_not_paid_for_the_spring() -> None:
    # R-DYN-1, R-DYN-2: left on 15 November 2019, in a county whose autumn term runs
    # 2 September 2019 – 17 January 2020.
    a = assess(
        student(
            stage=Stage.JUNIOR,
            boarding=True,
            financial_difficulty=True,
            enrolled_until=date(2019, 11, 15),
        ),
        COUNTY,
        2019,
    )
    boarding = a.entitlement("compulsory.boarding_allowance")
    assert boarding is not None
    # R-CMP-3: junior boarders 1250 a year, paid per semester (R-PAY-2): 625.
    assert dict(boarding.semesters) == {Semester.AUTUMN: yuan("625")}
    assert boarding.amount == yuan("625")
    # R-CMP-4: meals follow the school days of the time in school: 2 Sept–15 Nov is 75 of
    # the autumn term's 138 days, so 100 × 75 // 138 = 54 school days at 4 yuan.
    meals = a.entitlement("compulsory.nutrition")
    assert meals is not None and meals.days == 54 and meals.amount == yuan("216")
    assert all(per.semester is Semester.AUTUMN for _, _, per, _ in expected_payments([a]))


def test_student_who_joined_in_the_spring_is_paid_for_the_spring_only() -> None:
    a = assess(student(enrolled_from=date(2020, 2, 1)), COUNTY, 2019)
    waiver = a.entitlement("compulsory.fee_waiver")
    # R-CMP-1: primary 600 a year, 300 for the spring semester.
    assert waiver is not None and dict(waiver.semesters) == {Semester.SPRING: yuan("300")}


def test_a_pupil_enrolled_in_the_summer_holiday_is_not_paid_for_the_spring() -> None:
    # R-DYN-1: enrolled from 15 August 2020, after the spring term ended on 10 July: no
    # teaching day of school year 2019, so no boarding allowance, waiver, textbooks or meals.
    a = assess(
        student(boarding=True, registered_poor=True, enrolled_from=date(2020, 8, 15)),
        COUNTY,
        2019,
    )
    assert a.entitlements == ()
    assert "R-DYN-1" in a.explain("en")


def test_without_the_countys_terms_a_part_semester_is_reported_not_configured() -> None:
    # R-DYN-1, RULES.md §14: the seed gives no school calendar. Enrolled from 15 August
    # 2020, the pupil may or may not have been in school on a teaching day of the spring
    # semester: the amounts are not guessed.
    a = assess(
        student(boarding=True, registered_poor=True, enrolled_from=date(2020, 8, 15)),
        SEED,
        2019,
    )
    assert a.total == yuan("0")
    assert {e.programme for e in a.not_configured} == {
        "compulsory.fee_waiver",
        "compulsory.free_textbooks",
        "compulsory.boarding_allowance",
        "compulsory.nutrition",
    }
    for e in a.not_configured:
        assert isinstance(e.amount, NotConfigured) and e.amount.parameter == "parameters.terms"
    assert a.explain().splitlines()[0].startswith("2019学年，政策 seed：合计 未配置")
    # Whole semesters need no calendar: a pupil enrolled all year is paid in full.
    whole = assess(student(boarding=True, registered_poor=True), SEED, 2019)
    assert whole.total == yuan("2490") and not whole.not_configured


def test_student_not_in_school_during_the_year_gets_nothing_and_is_told_why() -> None:
    a = assess(student(enrolled_until=date(2019, 6, 30)), SEED, 2019)
    assert a.entitlements == ()
    assert "R-DYN-1" in a.explain("en")


def test_enrolment_from_status_changes_overrides_the_roster_dates() -> None:
    # Suspended from 1 Dec 2019 until 1 Mar 2020 (休学/复学): both semesters still count
    # under the seed's any-day rule, but meals only for the days in school.
    spans = [
        EnrolmentPeriod(
            student_id="x", school_code="A", start=date(2019, 9, 1), end=date(2019, 11, 30)
        ),
        EnrolmentPeriod(student_id="x", school_code="A", start=date(2020, 3, 1)),
    ]
    a = assess(student(), COUNTY, 2019, enrolment=spans)
    waiver = a.entitlement("compulsory.fee_waiver")
    meals = a.entitlement("compulsory.nutrition")
    assert waiver is not None and waiver.amount == yuan("600")
    # Autumn term: 2 Sept–30 Nov is 90 of 138 days → 65 school days; spring term:
    # 1 Mar–10 Jul is 132 of 145 days → 91 school days (R-CMP-4, 100 per semester).
    assert meals is not None and meals.days == 65 + 91 and meals.amount == yuan("624")


def test_a_census_day_profile_drops_a_semester_left_before_its_census(tmp_path: Path) -> None:
    # R-DYN-3: the proration rule is the profile's data.
    county = tmp_path / "county.toml"
    county.write_text(
        '[profile]\nid = "county"\nextends = "seed"\nreviewed_school_years = [2016, 2020]\n'
        '[parameters]\nproration = "census"\ncensus = { autumn = "09-30", spring = "03-31" }\n',
        encoding="utf-8",
    )
    policy = load_policy(county)
    left_early = student(enrolled_until=date(2019, 9, 20))
    assert assess(left_early, policy, 2019).entitlements == ()
    assert assess(left_early, SEED, 2019).entitlement("compulsory.fee_waiver") is not None
    # Shared results in assess_many follow the same census rule as assess.
    kids = [
        student(enrolled_from=start, enrolled_until=end)
        for start in (None, date(2019, 10, 2), date(2020, 3, 31), date(2020, 4, 1))
        for end in (None, date(2019, 9, 29), date(2019, 9, 30), date(2020, 3, 30))
    ]
    for a in assess_many(kids, policy, 2019):
        assert a.entitlements == assess(a.student, policy, 2019).entitlements


def test_amounts_not_configured_are_listed_apart_from_the_totals() -> None:
    kids = [
        student(stage=Stage.SENIOR, registered_poor=True, school_code="S1"),
        student(stage=Stage.SENIOR, registered_poor=True, tuition_fee="1200", school_code="S1"),
    ]
    s = summarize(assess_many(kids, SEED, 2019))
    assert s.not_configured == {"senior.fee_waiver": 1}
    assert s.by_programme["senior.fee_waiver"].amount == yuan("1200")
    assert s.by_programme["senior.fee_waiver"].students == 2
    assert s.total == yuan("11200")


def test_assessing_a_year_after_the_review_warns_that_the_policy_is_stale() -> None:
    with pytest.warns(PolicyStaleWarning, match="2020"):
        assess(student(), SEED, 2021)
    with pytest.warns(PolicyStaleWarning):
        list(assess_many([student()], SEED, 2023))


def test_assessing_a_reviewed_year_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assess(student(), SEED, 2019)
        assess(student(), load_policy("national-2025"), 2025)


def test_expected_payments_give_one_row_per_programme_and_semester() -> None:
    a = assess(student(boarding=True, registered_poor=True), SEED, 2019)
    rows = list(expected_payments([a]))
    assert len(rows) == 8
    assert (
        "11010520120307002X",
        "compulsory.boarding_allowance",
        Period(2019, Semester.SPRING),
        yuan("500"),
    ) in rows
    assert sum(r[3] for r in rows) == a.total


def test_assess_many_gives_the_same_answers_as_assess() -> None:
    kids = [
        student(stage=Stage.JUNIOR, boarding=True, registered_poor=True),
        student(name="李四", id_number="110105201203070011"),
        student(stage=Stage.SENIOR, financial_difficulty=True, grant_tier=1),
    ]
    many = list(assess_many(kids, SEED, 2019))
    assert [m.student for m in many] == kids
    assert [m.entitlements for m in many] == [assess(k, SEED, 2019).entitlements for k in kids]


def test_assess_many_uses_status_change_enrolment_per_student() -> None:
    kid = student()
    spans = {kid.id_number: [EnrolmentPeriod(kid.id_number, "A", date(2020, 2, 1))]}
    (a,) = assess_many([kid], SEED, 2019, enrolments=spans)
    waiver = a.entitlement("compulsory.fee_waiver")
    assert waiver is not None and list(waiver.semesters) == [Semester.SPRING]


def test_an_assessment_cannot_be_changed() -> None:
    a = assess(student(), SEED, 2019)
    with pytest.raises(AttributeError):
        a.student = student(name="李四")  # type: ignore[misc]


def test_the_explanation_names_the_status_that_made_a_student_financially_difficult() -> None:
    # R-ST-2: a registered-poor student counts as financially difficult; the explanation says so.
    from edupoverty.records import SchoolLocation, Stage, Student
    from edupoverty.rules import assess, load_policy

    def boarder(**kw: object) -> Student:
        return Student(
            name="张三",
            id_number="11010520120307002X",
            school_code="1",
            stage=Stage.PRIMARY,
            school_location=SchoolLocation.RURAL,
            boarding=True,
            **kw,  # type: ignore[arg-type]
        )

    seed = load_policy("seed")
    poor = assess(boarder(registered_poor=True), seed, 2019).explain("en")
    recognised = assess(boarder(financial_difficulty=True), seed, 2019).explain("en")
    assert "financially difficult (from a registered-poor household, R-ST-2)" in poor
    assert "financially difficult (recognised as financially difficult, R-ST-2)" in recognised
