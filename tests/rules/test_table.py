"""``assess_table`` and ``summarize_table``: a whole table assessed on columns gives, row for
row, what ``assess_many`` gives each student — every programme's amount, the programmes not
configured, the totals and the funding split — under every shipped policy, a county's terms
and a census-day profile; its summary is ``summarize``'s."""

from __future__ import annotations

import json
import warnings
from datetime import date
from decimal import Decimal

import attrs
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edupoverty.errors import ArgumentError, InputError, PolicyStaleWarning
from edupoverty.records import (
    DifficultyLevel,
    FundingLevel,
    Ownership,
    Residence,
    SchoolLocation,
    Semester,
    Stage,
    Student,
)
from edupoverty.records.columns import table_from_students
from edupoverty.rules import (
    Assessment,
    NotConfigured,
    Policy,
    Summary,
    assess,
    assess_many,
    assess_table,
    list_profiles,
    load_policy,
    merge_summaries,
    summarize,
    summarize_table,
)
from edupoverty.rules.bulk import (
    FUNDING_COLUMNS,
    TOTAL_COLUMNS,
    TableAssessor,
    assessment_schema,
    not_configured_of,
)
from edupoverty.rules.proration import Proration, enrolment_spans
from tests.rules.rules_helpers import county, student


def census() -> Policy:
    """The seed profile counting a semester by its census day (R-DYN-3)."""
    seed = load_policy("seed")
    params = attrs.evolve(
        seed.parameters,
        proration="census",
        census=((Semester.AUTUMN, 9, 30), (Semester.SPRING, 3, 15)),
    )
    return attrs.evolve(seed, parameters=params)


POLICIES: dict[str, Policy] = {name: load_policy(name) for name, _, _ in list_profiles()}
POLICIES["county terms"] = county()
POLICIES["census day"] = census()

opt_bool = st.sampled_from([None, True, False])
mostly = st.sampled_from([True, True, True, False])  # rare combinations come up often enough
fees = st.none() | st.decimals(
    min_value=Decimal("-10"), max_value=Decimal("100000"), places=2, allow_nan=False
)
days = st.none() | st.dates(date(2018, 6, 1), date(2021, 2, 1))

students = st.builds(
    student,
    name=st.text(min_size=1, max_size=3),
    school_code=st.sampled_from(["A", "B", "C"]),
    stage=st.sampled_from([*Stage, Stage.SENIOR, Stage.VOCATIONAL] * 2),
    school_location=st.sampled_from(list(SchoolLocation)),
    school_ownership=st.sampled_from([Ownership.PUBLIC, Ownership.PUBLIC, Ownership.PRIVATE]),
    residence=st.sampled_from([None, *Residence]),
    grade=st.sampled_from([None, 1, 2, 3, 4]),
    boarding=st.booleans(),
    special_education=st.booleans(),
    inclusive_kindergarten=mostly,
    official_enrolment=mostly,
    full_time=mostly,
    agri_major=opt_bool,
    performing_arts_major=opt_bool,
    contiguous_poverty_area=opt_bool,
    registered_poor=st.sampled_from([None, True, True, False]),
    financial_difficulty=opt_bool,
    difficulty_level=st.sampled_from([None, *DifficultyLevel]),
    grant_tier=st.sampled_from([None, 1, 2]),
    subsistence_allowance=opt_bool,
    extreme_poverty_support=opt_bool,
    orphan=opt_bool,
    disabled=opt_bool,
    left_behind=opt_bool,
    hardship_child=opt_bool,
    outstanding=opt_bool,
    independent_college=st.sampled_from([None, None, False, True]),
    studying_abroad=st.sampled_from([None, None, False, True]),
    hukou_province=st.sampled_from([None, "河北省", "河北省", "河北省", "安徽省"]),
    enrolled_from=days,
    enrolled_until=days,
    tuition_fee=fees,
    accommodation_fee=fees,
    row=st.none() | st.integers(2, 10**6),
)


def expected_row(
    a: Assessment, programmes: list[str], tiered: list[str]
) -> dict[str, object]:
    """What ``assess_table`` should give for the row of assessment ``a`` (``tiered``: the
    tiered programmes, whose tier columns it has)."""
    funding = dict.fromkeys(FundingLevel, Decimal("0.00"))
    unknown = Decimal("0.00")
    for e in a.entitlements:
        if not isinstance(e.amount, Decimal):
            continue
        if isinstance(e.funding, NotConfigured):
            unknown += e.amount
        else:
            for level, part in e.funding.items():
                funding[level] += part
    amounts = {e.programme: e.amount for e in a.entitlements if e.configured}
    tiers = {e.programme: e.tier for e in a.entitlements}
    return {
        "row": a.student.row,
        "name": a.student.name,
        "student_number": a.student.student_number,
        "school_code": a.student.school_code,
        "school_name": a.student.school_name,
        "grade": a.student.grade,
        "total": a.total,
        "cash_total": a.cash_total,
        "waiver_total": a.waiver_total,
        "in_kind_total": a.in_kind_total,
        **{pid: amounts.get(pid) for pid in programmes},
        **{f"{pid}.tier": tiers.get(pid) for pid in tiered},
        "not_configured": [e.programme for e in a.not_configured],
        **{f"funding_{level.value}": v for level, v in funding.items()},
        "funding_unknown": unknown,
    }


def reasons(assessments: list[Assessment]) -> list[dict[str, object]]:
    """The amounts not configured by programme (in policy order) and reason, counted."""
    counts: dict[tuple[str, str, str, str], int] = {}
    for a in assessments:
        for e in a.not_configured:
            assert isinstance(e.amount, NotConfigured)
            key = (
                e.programme,
                e.amount.parameter,
                e.amount.reason_zh,
                e.amount.reason_en,
            )
            counts[key] = counts.get(key, 0) + 1
    return [
        {
            "programme": p,
            "parameter": par,
            "reason_zh": zh,
            "reason_en": en,
            "students": n,
        }
        for (p, par, zh, en), n in counts.items()
    ]


def by_key(items: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return sorted(tuple(item.values()) for item in items)


def dumps(summary: Summary) -> str:
    """The summary as the JSON output writes it: key order included."""
    return json.dumps(summary.to_dict(), ensure_ascii=False)


def assess_both(
    many: list[Student], policy: Policy, year: int
) -> tuple[pa.Table, list[Assessment]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyStaleWarning)
        out = assess_table(table_from_students(many), policy, year)
        expected = list(assess_many(many, policy, year))
    return out, expected


@pytest.mark.parametrize("which", sorted(POLICIES))
@settings(max_examples=60, deadline=None)
@given(
    many=st.lists(students, min_size=1, max_size=40),
    year=st.sampled_from([2019, 2019, 2020, 2025]),
)
def test_a_table_is_assessed_row_for_row_as_assess_many_assesses_each_student(
    which: str, many: list[Student], year: int
) -> None:
    policy = POLICIES[which]
    out, expected = assess_both(many, policy, year)
    programmes = [p.id for p in policy.programmes]
    tiered = [p.id for p in policy.programmes if p.tiered]
    assert out.schema.names == assessment_schema(policy).names
    assert out.num_rows == len(many)
    for got, a in zip(out.to_pylist(), expected, strict=True):
        assert got == expected_row(a, programmes, tiered)
    summary = summarize_table(out)
    assert summary == summarize(expected)
    assert dumps(summary) == dumps(summarize(expected))  # keys in the same order too
    assert by_key(not_configured_of(out)) == by_key(reasons(expected))


@pytest.mark.parametrize("which", ["hebei", "county terms"])
@settings(max_examples=40, deadline=None)
@given(many=st.lists(students, min_size=1, max_size=30), size=st.integers(1, 7))
def test_a_table_assessed_batch_by_batch_is_the_table_assessed_whole(
    which: str, many: list[Student], size: int
) -> None:
    policy = POLICIES[which]
    table = table_from_students(many)
    assessor = TableAssessor(policy, 2019)
    parts = [assessor.assess(batch) for batch in table.to_batches(max_chunksize=size)]
    whole = assess_table(table, policy, 2019)
    assert all(isinstance(p, pa.RecordBatch) for p in parts)
    assert pa.Table.from_batches(parts).to_pylist() == whole.to_pylist()
    assert by_key(assessor.not_configured()) == by_key(not_configured_of(whole))
    assert merge_summaries(summarize_table(p) for p in parts) == summarize_table(whole)


@settings(max_examples=200, deadline=None)
@given(
    pairs=st.lists(st.tuples(days, days), min_size=1, max_size=20),
    which=st.sampled_from(["seed", "county terms", "census day"]),
    year=st.sampled_from([2019, 2020]),
)
def test_proration_on_date_columns_sees_what_it_sees_of_each_student(
    pairs: list[tuple[date | None, date | None]], which: str, year: int
) -> None:
    proration = Proration(POLICIES[which], year)
    starts = pa.array([a for a, _ in pairs], pa.date32())
    ends = pa.array([b for _, b in pairs], pa.date32())
    columns = proration.columns(starts, ends)
    for i, (a, b) in enumerate(pairs):
        view = proration.view(enrolment_spans(student(enrolled_from=a, enrolled_until=b), None))
        counted = tuple(s for k, s in enumerate(Semester) if columns.counted[k][i])
        unknown = tuple(s for k, s in enumerate(Semester) if columns.unknown[k][i])
        assert (counted, unknown) == (view.counted, view.unknown)
        assert tuple(int(d[i]) for d in columns.days) == view.days


def test_a_senior_fee_waiver_is_the_fee_each_row_charges_split_exactly_by_semester() -> None:
    # R-SEN-2: waived at the fee the school charges; the year's fee halved to the fen.
    policy = load_policy("seed")
    kids = [
        student(stage=Stage.SENIOR, registered_poor=True, tuition_fee=fee)
        for fee in ("1333.33", "0.01", "2400", None)
    ]
    out, expected = assess_both(kids, policy, 2019)
    assert out["senior.fee_waiver"].to_pylist() == [
        Decimal("1333.33"),
        Decimal("0.01"),
        Decimal("2400.00"),
        None,
    ]
    assert out["not_configured"].to_pylist()[3] == ["senior.fee_waiver"]
    fee = expected[0].entitlement("senior.fee_waiver")
    assert fee is not None
    assert [str(v) for v in fee.semesters.values()] == ["666.67", "666.66"]


def test_a_pupil_who_left_in_april_is_given_the_school_days_counted() -> None:
    # R-CMP-4: meals at 4.00 a school day, the spring's days counted for the days enrolled.
    policy = county()
    left = student(enrolled_from=date(2019, 9, 1), enrolled_until=date(2020, 4, 10))
    out, (a,) = assess_both([left], policy, 2019)
    meals = a.entitlement("compulsory.nutrition")
    assert meals is not None and meals.days is not None and meals.days < 200
    assert out["compulsory.nutrition"].to_pylist() == [meals.amount]
    assert meals.amount == Decimal("4.00") * meals.days


def test_replaced_programmes_leave_the_row_as_they_leave_the_assessment() -> None:
    # R-STK-4: in Hebei a registered-poor senior student's tuition waiver replaces the
    # national senior fee waiver.
    policy = load_policy("hebei")
    s = student(
        stage=Stage.SENIOR,
        school_location=SchoolLocation.COUNTY_SEAT,
        registered_poor=True,
        hukou_province="河北省",
        tuition_fee="1500",
    )
    out, (a,) = assess_both([s], policy, 2019)
    assert a.entitlement("senior.fee_waiver") is None
    assert out["senior.fee_waiver"].to_pylist() == [None]
    assert out["hebei.tuition_waiver"].to_pylist() == [Decimal("1500.00")]


def test_a_table_in_many_chunks_with_extra_columns_gives_the_same_rows() -> None:
    policy = load_policy("dangshan")
    kids = [
        student(stage=stage, boarding=b, registered_poor=True, row=k)
        for k, (stage, b) in enumerate(
            [(Stage.PRIMARY, True), (Stage.JUNIOR, False), (Stage.PRESCHOOL, False)] * 3
        )
    ]
    whole = table_from_students(kids)
    parts = pa.concat_tables([whole.slice(0, 4), whole.slice(4, 1), whole.slice(5)])
    parts = parts.append_column("remark", pa.array(["x"] * len(kids)))
    assert assess_table(parts, policy, 2019).equals(assess_table(whole, policy, 2019))


def test_an_empty_table_gives_an_empty_assessment_and_summary() -> None:
    policy = load_policy("seed")
    out = assess_table(table_from_students([]), policy, 2019)
    assert out.num_rows == 0 and out.schema.names == assessment_schema(policy).names
    assert summarize_table(out) == summarize([])


def test_a_missing_column_is_named() -> None:
    table = table_from_students([student()]).drop_columns(["boarding"])
    with pytest.raises(InputError, match="boarding"):
        assess_table(table, load_policy("seed"), 2019)


def test_a_table_of_the_wrong_type_is_an_argument_error() -> None:
    with pytest.raises(ArgumentError, match="table"):
        assess_table([student()], load_policy("seed"), 2019)  # type: ignore[arg-type]


def test_a_stale_policy_warns_as_assess_many_does() -> None:
    with pytest.warns(PolicyStaleWarning, match="2021"):
        assess_table(table_from_students([student()]), load_policy("seed"), 2021)


def test_the_output_names_the_policy_school_year_and_each_programme() -> None:
    policy = load_policy("seed")
    out = assess_table(table_from_students([student()]), policy, 2019)
    meta = out.schema.metadata
    assert meta is not None and (meta[b"policy"], meta[b"school_year"]) == (
        b"seed",
        b"2019",
    )
    field = out.schema.field("compulsory.nutrition")
    assert field.metadata is not None and field.metadata[b"form"] == b"in_kind"
    assert out.schema.names[6:10] == list(TOTAL_COLUMNS)
    assert out.schema.names[-5:] == list(FUNDING_COLUMNS)
    # one tier column per tiered programme, before the programmes not configured
    tiers = [n for n in out.schema.names if n.endswith(".tier")]
    assert tiers == ["senior.national_grant.tier"]
    assert out.schema.names.index(tiers[0]) + 1 == out.schema.names.index("not_configured")


def test_the_tier_column_holds_the_tier_the_grant_pays() -> None:
    # R-STK-2: one tier of a tiered grant; registered-poor students the highest (R-SEN-1).
    kids = [
        student(stage=Stage.SENIOR, financial_difficulty=True, grant_tier=2),
        student(stage=Stage.SENIOR, registered_poor=True, grant_tier=2),
        student(stage=Stage.SENIOR),
        student(stage=Stage.PRIMARY, grade=4),
    ]
    policy = load_policy("seed")
    out = assess_table(table_from_students(kids), policy, 2019)
    assert out.column("senior.national_grant.tier").to_pylist() == [2, 1, None, None]
    assert out.column("grade").to_pylist() == [None, None, None, 4]
    alone = [assess(s, policy, 2019).entitlement("senior.national_grant") for s in kids[:2]]
    assert [e.tier for e in alone] == [2, 1]


def test_each_row_gets_what_assess_gives_its_student_alone() -> None:
    policy = county()
    kids = [
        student(stage=Stage.PRIMARY, boarding=True, financial_difficulty=True),
        student(stage=Stage.JUNIOR, enrolled_until=date(2019, 11, 15)),
        student(
            stage=Stage.SENIOR,
            grant_tier=2,
            financial_difficulty=True,
            tuition_fee="900",
        ),
        student(stage=Stage.PRESCHOOL, inclusive_kindergarten=True, orphan=True),
    ]
    out = assess_table(table_from_students(kids), policy, 2019)
    programmes = [p.id for p in policy.programmes]
    tiered = [p.id for p in policy.programmes if p.tiered]
    for got, s in zip(out.to_pylist(), kids, strict=True):
        assert got == expected_row(assess(s, policy, 2019), programmes, tiered)


def test_the_amounts_not_configured_are_counted_by_programme_and_reason() -> None:
    # R-SEN-2: the senior waiver is the school's fee; without the fee it is not configured.
    kids = [
        student(stage=Stage.SENIOR, registered_poor=True, school_location=SchoolLocation.CITY),
        student(stage=Stage.SENIOR, registered_poor=True, school_location=SchoolLocation.TOWN),
        student(stage=Stage.SENIOR, registered_poor=True, tuition_fee="1200"),
    ]
    out = assess_table(table_from_students(kids), load_policy("seed"), 2019)
    [item] = not_configured_of(out)
    assert (item["programme"], item["parameter"], item["students"]) == (
        "senior.fee_waiver",
        "senior.fee_waiver.amount",
        2,
    )
    assert "tuition_fee" in item["reason_en"]
