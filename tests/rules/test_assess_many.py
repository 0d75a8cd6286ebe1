"""``assess_many`` shares results between students alike in what the policy reads of a student
at their stage: every student still gets exactly what ``assess`` gives them alone, under every
shipped policy, a county's terms and a census-day profile, however often students, fees and
enrolment dates repeat; students alike share one result object."""

from __future__ import annotations

import warnings

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from edupoverty.errors import PolicyStaleWarning
from edupoverty.records import Stage, Student
from edupoverty.rules import assess, assess_many
from tests.rules.rules_helpers import student
from tests.rules.test_table import POLICIES, students

# the same few students many times over, each time with a few fields taken from another
FIELDS = [f.name for f in attrs.fields(Student) if f.name not in ("id_number", "row")]
variants = st.tuples(students, st.lists(st.sampled_from(FIELDS), max_size=3))


@settings(max_examples=80, deadline=None)
@given(
    base=st.lists(students, min_size=1, max_size=6),
    picks=st.lists(st.tuples(st.integers(0, 5), variants), min_size=1, max_size=20),
    which=st.sampled_from(sorted(POLICIES)),
    year=st.sampled_from([2019, 2020, 2025]),
)
def test_every_student_gets_what_assess_gives_them_alone(
    base: list[Student],
    picks: list[tuple[int, tuple[Student, list[str]]]],
    which: str,
    year: int,
) -> None:
    policy = POLICIES[which]
    many = base + [
        attrs.evolve(base[i % len(base)], **{f: getattr(other, f) for f in fields})
        for i, (other, fields) in picks
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyStaleWarning)
        shared = list(assess_many(many, policy, year))
        for a, s in zip(shared, many, strict=True):
            alone = assess(s, policy, year)
            assert a.student is s
            assert a.entitlements == alone.entitlements
            assert a.decisions == alone.decisions
            assert (a.total, a.cash_total, a.waiver_total, a.in_kind_total) == (
                alone.total,
                alone.cash_total,
                alone.waiver_total,
                alone.in_kind_total,
            )


def test_students_alike_in_what_their_stage_is_read_for_share_one_result() -> None:
    # a primary pupil's tuition fee and vocational flags are read by no programme for them
    policy = POLICIES["seed"]
    a = student(stage=Stage.PRIMARY, boarding=True, registered_poor=True)
    b = attrs.evolve(a, name="乙", tuition_fee="999", agri_major=True, grade=3)
    c = attrs.evolve(a, boarding=False)
    x, y, z = assess_many([a, b, c], policy, 2019)
    assert x.result is y.result
    assert x.result is not z.result and x.total != z.total
