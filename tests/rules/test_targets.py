"""Targets (R-TGT-1..4) read from data with citations, measured from the records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from edupoverty.errors import PolicyError
from edupoverty.records import idcard
from edupoverty.records.enums import ChangeKind, PaymentMethod, SchoolLocation, Semester, Stage
from edupoverty.records.model import Disbursement, Period, StatusChange, Student
from edupoverty.rules.targets import Comparison, Measure, evaluate, load_targets, measure

YEAR = Period(2019)


def _sid(i: int) -> str:
    """The (valid, invented) ID number of student ``i``: sequence number ``i``."""
    body = f"11010520120307{i:03d}"
    return body + idcard.calc_check_digit(body)


def _kid(i: int, stage: Stage = Stage.PRIMARY, **kw: object) -> Student:
    return Student(
        name=f"学生{i}",
        id_number=_sid(i),
        school_code="A",
        stage=stage,
        school_location=SchoolLocation.RURAL,
        **kw,  # type: ignore[arg-type]
    )


def _by(measures: tuple[Measure, ...]) -> dict[str, Measure]:
    return {m.indicator: m for m in measures}


def test_the_targets_are_the_documents_numbers_with_their_sources() -> None:
    t = {(x.rule, x.indicator): x for x in load_targets()}
    assert t[("R-TGT-1", "dropout_rate")].percent == Decimal("2")
    assert t[("R-TGT-1", "dropout_rate")].comparison is Comparison.AT_MOST
    assert t[("R-TGT-2", "preschool_enrolment")].percent == Decimal("85")
    assert t[("R-TGT-2", "school_age_enrolment")].percent == Decimal("100")
    assert t[("R-TGT-2", "primary_boarders")].percent == Decimal("30")
    assert t[("R-TGT-2", "primary_boarders")].by == date(2016, 12, 31)
    assert t[("R-TGT-4", "registered_poor_coverage")].percent == Decimal("100")
    assert all(x.source and x.clause for x in load_targets())


def test_a_drop_out_rate_of_one_in_fifty_is_within_two_percent_but_two_in_fifty_is_not() -> None:
    # R-TGT-1: 辍学率控制在2%以内.
    kids = [_kid(i, Stage.JUNIOR) for i in range(50)]
    one = [StatusChange(_sid(0), ChangeKind.DROP_OUT, date(2019, 10, 8), "A")]
    results = {r.target.indicator: r for r in evaluate(measure(kids, period=YEAR, changes=one))}
    assert results["dropout_rate"].measure == Measure("dropout_rate", 1, 50)
    assert results["dropout_rate"].status == "met"
    assert results["retention"].status == "not_met"  # R-TGT-3: 在校生巩固一个不能少
    two = [*one, StatusChange(_sid(1), ChangeKind.DROP_OUT, date(2020, 3, 2), "A")]
    m = _by(measure(kids, period=YEAR, changes=two))["dropout_rate"]
    assert m.percent == Decimal("4.00")
    assert not load_targets()[0].met_by(m.percent)


def test_a_drop_out_before_the_school_year_does_not_count_in_it() -> None:
    kids = [_kid(i) for i in range(10)]
    before = [StatusChange(_sid(0), ChangeKind.DROP_OUT, date(2019, 6, 1), "A")]
    m = _by(measure(kids, period=YEAR, changes=before))["dropout_rate"]
    assert (m.numerator, m.denominator) == (0, 9)


def test_primary_boarders_below_thirty_percent_miss_the_target() -> None:
    # R-TGT-2: 小学寄宿生达30%以上.
    kids = [_kid(i, boarding=i < 2) for i in range(10)] + [_kid(99, Stage.JUNIOR, boarding=True)]
    r = {x.target.indicator: x for x in evaluate(measure(kids, period=YEAR))}
    assert r["primary_boarders"].measure == Measure("primary_boarders", 2, 10)
    assert r["primary_boarders"].status == "not_met"
    assert "20.00%（2/10），目标不低于30%：未达标" in r["primary_boarders"].message("zh")


def test_enrolment_ratios_need_the_population_from_outside_the_records() -> None:
    # R-TGT-2: 学前三年入园率达到85%以上, 适龄儿童入学率达100%.
    kids = [_kid(i, Stage.PRESCHOOL) for i in range(17)] + [_kid(i) for i in range(20, 30)]
    without = {r.target.indicator: r for r in evaluate(measure(kids, period=YEAR))}
    assert without["preschool_enrolment"].status == "no_data"
    assert without["preschool_enrolment"].met is None
    assert "无数据" in without["school_age_enrolment"].message("zh")
    with_pop = {
        r.target.indicator: r
        for r in evaluate(
            measure(kids, period=YEAR, preschool_population=20, school_age_population=10)
        )
    }
    assert with_pop["preschool_enrolment"].measure.percent == Decimal("85.00")  # type: ignore[union-attr]
    assert with_pop["preschool_enrolment"].status == "met"
    assert with_pop["school_age_enrolment"].status == "met"


def test_every_registered_poor_student_must_be_covered() -> None:
    # R-TGT-4: 确保建档立卡贫困家庭学生享受资助全覆盖.
    kids = [_kid(i, registered_poor=True) for i in range(4)] + [_kid(9, registered_poor=False)]
    paid = [
        Disbursement(
            student_id=_sid(i),
            programme="compulsory.boarding_allowance",
            period=Period(2019, Semester.AUTUMN),
            amount="500",
            method=PaymentMethod.BANK_TRANSFER,
            paid_on=date(2019, 11, 1),
            batch="A",
        )
        for i in range(3)
    ]
    m = _by(measure(kids, period=YEAR, disbursements=paid))["registered_poor_coverage"]
    assert (m.numerator, m.denominator) == (3, 4)
    assert {r.target.indicator: r.status for r in evaluate([m])}["registered_poor_coverage"] == (
        "not_met"
    )
    last_year = [
        Disbursement(
            student_id=_sid(3),
            programme="p",
            period=Period(2018),
            amount="1",
            method=PaymentMethod.CASH,
            paid_on=date(2019, 1, 1),
            batch="B",
        )
    ]
    m2 = _by(measure(kids, period=YEAR, disbursements=paid + last_year))
    assert m2["registered_poor_coverage"].numerator == 3


def test_primary_progression_comes_from_counts_given() -> None:
    # R-TGT-3: 小学毕业升初中一个不能少.
    m = _by(measure([], period=YEAR, primary_graduates=40, graduates_progressed=40))
    assert m["primary_progression"].percent == Decimal("100.00")
    assert _by(measure([], period=YEAR))["primary_progression"].percent is None


def test_a_targets_file_with_a_float_or_an_unknown_key_is_refused(tmp_path: Path) -> None:
    base = (
        'rule = "R-TGT-1"\nindicator = "dropout_rate"\nname_zh = "辍学率"\nname_en = "d"\n'
        'comparison = "at_most"\nsource = "s"\nclause = "c"\n'
    )
    bad = tmp_path / "t.toml"
    bad.write_text("[[target]]\n" + base + "percent = 2.0\n", encoding="utf-8")
    with pytest.raises(PolicyError) as exc:
        load_targets(bad)
    assert exc.value.key == "target[0].percent"
    bad.write_text("[[target]]\n" + base + 'percent = "2"\nextra = 1\n', encoding="utf-8")
    with pytest.raises(PolicyError, match="extra"):
        load_targets(bad)
    good = tmp_path / "ok.toml"
    good.write_text("[[target]]\n" + base + 'percent = "1.5"\n', encoding="utf-8")
    assert load_targets(good)[0].percent == Decimal("1.5")
