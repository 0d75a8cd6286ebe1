"""Invariants: stacking order never changes a total; totals are the sum of their parts;
funding shares add up to the amount; identical inputs give identical results."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from edupoverty.records import (
    DifficultyLevel,
    Ownership,
    Period,
    ProgrammeForm,
    Residence,
    SchoolLocation,
    Semester,
    Stage,
    Student,
)
from edupoverty.rules import (
    NotConfigured,
    assess,
    assess_many,
    load_policy,
    split_exact,
    summarize,
)
from tests.rules.rules_helpers import county, student

POLICIES = [load_policy(n) for n in ("seed", "dangshan", "liling", "hebei", "national-2025")]
COUNTY = county()
opt_bool = st.sampled_from([None, True, False])

students = st.builds(
    student,
    stage=st.sampled_from(list(Stage)),
    school_location=st.sampled_from(list(SchoolLocation)),
    school_ownership=st.sampled_from(list(Ownership)),
    residence=st.sampled_from([None, *Residence]),
    grade=st.sampled_from([None, 1, 2, 3]),
    boarding=st.booleans(),
    special_education=st.booleans(),
    inclusive_kindergarten=st.booleans(),
    official_enrolment=st.booleans(),
    full_time=st.booleans(),
    registered_poor=opt_bool,
    financial_difficulty=opt_bool,
    orphan=opt_bool,
    disabled=opt_bool,
    subsistence_allowance=opt_bool,
    agri_major=opt_bool,
    outstanding=opt_bool,
    performing_arts_major=opt_bool,
    hukou_province=st.sampled_from([None, "河北省", "安徽"]),
    difficulty_level=st.sampled_from([None, *DifficultyLevel]),
    grant_tier=st.sampled_from([None, 1, 2]),
    tuition_fee=st.sampled_from([None, "1200", "1333.33"]),
    accommodation_fee=st.sampled_from([None, "400.01"]),
    enrolled_from=st.sampled_from([None, date(2019, 10, 8), date(2020, 3, 2)]),
    enrolled_until=st.sampled_from([None, date(2019, 12, 1), date(2020, 5, 20)]),
)


@settings(max_examples=150, deadline=None)
@given(s=students, which=st.integers(0, len(POLICIES) - 1), seed=st.integers(0, 10_000))
def test_programme_order_never_changes_a_total(s: Student, which: int, seed: int) -> None:
    policy = POLICIES[which]
    progs = list(policy.programmes)
    random.Random(seed).shuffle(progs)
    shuffled = attrs.evolve(policy, programmes=tuple(progs))
    a, b = assess(s, policy, 2019), assess(s, shuffled, 2019)
    assert (a.total, a.cash_total, a.waiver_total, a.in_kind_total) == (
        b.total,
        b.cash_total,
        b.waiver_total,
        b.in_kind_total,
    )
    assert {e.programme: e.amount for e in a.entitlements} == {
        e.programme: e.amount for e in b.entitlements
    }


@settings(max_examples=150, deadline=None)
@given(s=students, which=st.integers(0, len(POLICIES) - 1))
def test_totals_equal_the_sum_of_their_parts(s: Student, which: int) -> None:
    a = assess(s, POLICIES[which], 2019)
    configured = [e for e in a.entitlements if e.configured]
    assert a.total == sum((e.amount for e in configured), Decimal(0))  # type: ignore[misc]
    assert a.total == a.cash_total + a.waiver_total + a.in_kind_total
    assert a.cash_total == sum(
        (e.amount for e in configured if e.form is ProgrammeForm.CASH),
        Decimal(0),  # type: ignore[misc]
    )
    for e in configured:
        assert e.amount == sum(e.semesters.values(), Decimal(0))  # type: ignore[arg-type]
    assert set(a.not_configured) == {e for e in a.entitlements if not e.configured}


@settings(max_examples=150, deadline=None)
@given(s=students, which=st.integers(0, len(POLICIES) - 1))
def test_funding_shares_add_up_to_the_amount(s: Student, which: int) -> None:
    for e in assess(s, POLICIES[which], 2019).entitlements:
        if e.configured and not isinstance(e.funding, NotConfigured):
            assert sum(e.funding.values(), Decimal(0)) == e.amount


@given(
    cents=st.integers(0, 10**9),
    weights=st.lists(st.integers(0, 100), min_size=1, max_size=4).filter(lambda w: sum(w) > 0),
)
def test_an_exact_split_adds_up_to_the_fen(cents: int, weights: list[int]) -> None:
    amount = Decimal(cents) / 100
    parts = split_exact(amount, [Decimal(w) for w in weights])
    assert sum(parts, Decimal(0)) == amount
    assert all(p >= 0 and p == p.quantize(Decimal("0.01")) for p in parts)


@settings(max_examples=100, deadline=None)
@given(s=students, name=st.text(min_size=1, max_size=5), code=st.text(min_size=1, max_size=5))
def test_name_id_and_school_code_never_change_an_entitlement(
    s: Student, name: str, code: str
) -> None:
    other = attrs.evolve(s, name=name, id_number="110105201203070011", school_code=code, row=9)
    a, b = list(assess_many([s, other], POLICIES[0], 2019))
    assert a.entitlements == b.entitlements == assess(other, POLICIES[0], 2019).entitlements


@settings(max_examples=50, deadline=None)
@given(many=st.lists(students, max_size=12))
def test_summary_total_is_the_sum_of_student_totals(many: list[Student]) -> None:
    assessed = list(assess_many(many, POLICIES[1], 2019))
    s = summarize(assessed)
    assert s.students == len(many)
    assert s.total == sum((a.total for a in assessed), Decimal(0))
    assert s.total == sum(s.by_form.values(), Decimal(0))
    assert s.total == sum(s.by_school.values(), Decimal(0))
    assert s.total == sum((t.configured_amount for t in s.by_programme.values()), Decimal(0))
    for t in s.by_programme.values():
        assert isinstance(t.amount, Decimal) or t.not_configured == t.students
    assert s.total == sum(s.by_funding.values(), Decimal(0)) + s.funding_unknown


def test_enrolment_dates_shift_only_whole_semesters_under_any_day_proration() -> None:
    # Under "any day" proration (R-DYN-1), leaving on any teaching day of the spring term
    # (17 February – 10 July 2020 in the county) keeps both semesters of the boarding
    # allowance (R-CMP-3: 1000 a year); leaving before the term began keeps only the autumn.
    base = student(boarding=True, registered_poor=True)
    policy = COUNTY
    for days in range(0, 180, 17):
        until = date(2020, 2, 1) + timedelta(days=days)
        left = attrs.evolve(base, enrolled_until=until)
        e = assess(left, policy, 2019).entitlement("compulsory.boarding_allowance")
        expected = "1000.00" if until >= date(2020, 2, 17) else "500.00"
        assert e is not None and e.amount == Decimal(expected)


@settings(max_examples=100, deadline=None)
@given(
    start=st.dates(date(2019, 6, 1), date(2020, 10, 1)),
    length=st.integers(0, 400),
)
def test_a_semester_is_paid_only_if_enrolled_on_a_teaching_day_or_else_not_configured(
    start: date, length: int
) -> None:
    # R-DYN-1: with the county's terms a semester counts exactly when the enrolment meets a
    # teaching day; without them, a semester met only in part is never guessed.
    end = start + timedelta(days=length)
    s = student(boarding=True, registered_poor=True, enrolled_from=start, enrolled_until=end)
    terms = {
        Semester.AUTUMN: (date(2019, 9, 2), date(2020, 1, 17)),
        Semester.SPRING: (date(2020, 2, 17), date(2020, 7, 10)),
    }
    e = assess(s, COUNTY, 2019).entitlement("compulsory.fee_waiver")
    paid = set(e.semesters) if e is not None else set()
    assert paid == {sem for sem, (lo, hi) in terms.items() if start <= hi and end >= lo}
    seed = assess(s, POLICIES[0], 2019).entitlement("compulsory.fee_waiver")
    for sem, amount in (seed.semesters.items() if seed is not None else ()):
        half = Period(2019, sem)
        whole = start <= half.start and end >= half.end
        assert isinstance(amount, Decimal) == whole


@settings(max_examples=100, deadline=None)
@given(many=st.lists(students, min_size=1, max_size=8), which=st.integers(0, len(POLICIES)))
def test_shared_results_equal_the_results_of_assessing_each_student_alone(
    many: list[Student], which: int
) -> None:
    # every shipped profile, and a county whose terms make the days enrolled count
    policy = (*POLICIES, COUNTY)[which]
    for a in assess_many(many, policy, 2019):
        alone = assess(a.student, policy, 2019)
        assert a.entitlements == alone.entitlements
        assert a.decisions == alone.decisions
