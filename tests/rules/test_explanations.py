"""What officers read: explanations in words, programme names, 未配置 never shown as zero, and
arguments a notebook gets wrong refused with typed errors."""

from __future__ import annotations

import warnings
from decimal import Decimal

import pytest

from edupoverty.errors import ArgumentError, PolicyError, PolicyStaleWarning
from edupoverty.records import Residence, Stage
from edupoverty.rules import (
    NotConfigured,
    assess,
    assess_many,
    load_policy,
    profile_aliases,
    summarize,
)
from tests.rules.rules_helpers import student, yuan

SEED = load_policy("seed")


def _rain_dew_only() -> object:
    # R-VOC-4: a rural registered-poor higher-vocational student qualifies for the Rain and
    # Dew plan only, whose amount the seed document cuts off.
    return student(stage=Stage.HIGHER_VOCATIONAL, registered_poor=True, residence=Residence.RURAL)


def test_a_boarder_is_told_in_words_why_the_boarding_allowance_applies() -> None:
    # R-CMP-3: financially difficult boarders with an official enrolment, primary 1000.
    a = assess(student(boarding=True, registered_poor=True), SEED, 2019)
    zh, en = a.explain(), a.explain("en")
    line = next(x for x in zh.splitlines() if x.startswith("+ 寄宿生生活补助"))
    assert line.startswith("+ 寄宿生生活补助：1000.00 元（现金）［R-CMP-3")
    for words in ("学段为初中或小学", "寄宿生", "有正式学籍", "家庭经济困难（建档立卡贫困户学生"):
        assert words in line
    assert "stage is junior or primary; a boarder; officially enrolled" in en
    for code in ("∈", "statuses_any", "boarding = true", "compulsory.", "registered_poor"):
        assert code not in zh and code not in en


def test_a_condition_not_met_is_named_in_words() -> None:
    # R-CMP-4: nutrition is for schools below the county seat.
    from edupoverty.records import SchoolLocation

    a = assess(student(school_location=SchoolLocation.COUNTY_SEAT), SEED, 2019)
    decision = next(d for d in a.decisions if d.programme == "compulsory.nutrition")
    assert decision.reason_zh == "条件不满足：学校位于乡村或镇区"
    assert decision.reason_en == "condition not met: the school is in a village or town"


def test_a_registered_poor_senior_is_told_the_tier_in_words() -> None:
    # R-SEN-1, R-ST-1: registered-poor students get tier 1, 2500.
    a = assess(student(stage=Stage.SENIOR, registered_poor=True, tuition_fee="1000"), SEED, 2019)
    grant = a.entitlement("senior.national_grant")
    assert grant is not None and grant.amount == yuan("2500") and grant.tier == 1
    assert "建档立卡学生享受最高档：第1档" in [c.zh for c in grant.conditions][-1]
    assert "第1档［R-SEN-1" in a.explain()


def test_when_the_only_entitlement_is_not_configured_the_total_says_so() -> None:
    a = assess(_rain_dew_only(), SEED, 2019)  # type: ignore[arg-type]
    assert [e.programme for e in a.entitlements] == ["rain_dew"]
    head_zh, head_en = a.explain().splitlines()[0], a.explain("en").splitlines()[0]
    assert head_zh == "2019学年，政策 seed：合计 未配置（雨露计划）"
    assert head_en == "School year 2019, policy seed: total not configured (Rain and Dew plan)"
    assert "0.00" not in head_zh and "0.00" not in head_en
    assert "+ 雨露计划：未配置：种子文件中雨露计划的资助标准被截断" in a.explain()


def test_a_configured_total_with_something_missing_names_what_is_missing() -> None:
    # R-SEN-1 + R-SEN-3 = 5000 configured; the senior fee waiver (R-SEN-2) needs the fee.
    a = assess(student(stage=Stage.SENIOR, registered_poor=True), SEED, 2019)
    assert a.explain().splitlines()[0] == (
        "2019学年，政策 seed：已配置金额合计 5000.00 元；未配置：普通高中免学杂费"
    )


def test_a_summary_never_shows_zero_for_a_programme_nobody_has_an_amount_for() -> None:
    s = summarize(assess_many([_rain_dew_only()], SEED, 2019))  # type: ignore[list-item]
    total = s.by_programme["rain_dew"]
    assert isinstance(total.amount, NotConfigured)
    assert total.students == total.not_configured == 1 and not total.complete
    assert repr(total) == "ProgrammeTotal(students=1, amount=未配置, not_configured=1)"
    assert s.to_dict()["by_programme"]["rain_dew"]["amount"] is None
    with pytest.raises(TypeError):
        total.amount + Decimal("1")  # type: ignore[operator]


def test_a_programme_partly_configured_sums_what_is_known_and_counts_the_rest() -> None:
    # Two registered-poor seniors, one with the school's fee of 1200 (R-SEN-2).
    kids = [
        student(stage=Stage.SENIOR, registered_poor=True, tuition_fee="1200"),
        student(stage=Stage.SENIOR, registered_poor=True),
    ]
    t = summarize(assess_many(kids, SEED, 2019)).by_programme["senior.fee_waiver"]
    assert t.amount == yuan("1200") and t.not_configured == 1 and not t.complete


def test_the_shipped_profiles_load_by_their_chinese_names() -> None:
    assert load_policy("砀山").name == "seed+dangshan"
    assert load_policy("醴陵").name == "seed+liling"
    assert load_policy("河北").name == "seed+hebei"
    assert load_policy("默认").name == "seed"
    assert profile_aliases()["砀山县"] == "dangshan"
    with pytest.raises(PolicyError, match="dangshan"):
        load_policy("砀山乡")  # not a shipped profile: the error lists the ones there are


def test_a_policy_and_a_programme_print_short() -> None:
    policy = load_policy("砀山")
    assert repr(policy) == (
        "<Policy seed+dangshan: 13 programmes, reviewed for school years 2016–2020>"
    )
    assert str(policy) == repr(policy)
    assert repr(SEED.programme("compulsory.boarding_allowance")) == (
        "<Programme compulsory.boarding_allowance 寄宿生生活补助>"
    )


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((SEED, "2019"), "school_year"),
        ((SEED, 2019.0), "school_year"),
        ((SEED, True), "school_year"),
        (("seed", 2019), "policy"),
    ],
)
def test_a_wrong_argument_type_is_a_typed_error_naming_the_parameter(
    args: tuple[object, object], name: str
) -> None:
    s = student()
    with pytest.raises(ArgumentError) as info:
        assess(s, *args)  # type: ignore[arg-type]
    assert info.value.name == name and info.value.code == "argument.type"
    assert isinstance(info.value, TypeError)
    with pytest.raises(ArgumentError):
        assess_many([s], *args)  # type: ignore[arg-type]  # at the call, not on iteration


def test_a_student_that_is_not_a_student_record_is_a_typed_error() -> None:
    with pytest.raises(ArgumentError, match="student"):
        assess({"name": "张三"}, SEED, 2019)  # type: ignore[arg-type]


def test_load_policy_refuses_a_source_that_is_neither_name_nor_path() -> None:
    with pytest.raises(ArgumentError, match="sources"):
        load_policy(2019)  # type: ignore[arg-type]


def test_a_school_year_before_the_reviewed_range_warns_as_one_after_it_does() -> None:
    with pytest.warns(PolicyStaleWarning, match="from 2016, not 2015"):
        assess(student(), SEED, 2015)
    with pytest.warns(PolicyStaleWarning, match="up to 2020, not 2021"):
        assess(student(), SEED, 2021)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assess(student(), SEED, 2016)
        assess(student(), SEED, 2020)
