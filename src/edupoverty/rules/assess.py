"""Assessment: what one student is entitled to in one school year, and why (资助测算).

:func:`assess` is a pure function of a student, a policy and a school year. It applies every
programme of the policy whose eligibility holds (R-ST-1, R-STK-1: programmes stack), picks
the one tier of a tiered grant (R-STK-2, registered-poor students the highest, R-SEN-1),
pays each programme once per student and semester (R-STK-3), drops programmes that another
applying programme replaces (R-STK-4, profile data), counts the semesters the student was
enrolled in (R-DYN-1..3, the profile's proration rule), and splits each amount between
levels of government exactly to the fen (R-FND-1..4). :func:`assess_many` does the same for
many students, computing each distinct input once.

Amounts the documents do not give come back as :class:`~edupoverty.rules.values.NotConfigured`
and are listed apart from the totals.

The work is shared out by concern: the value types in :mod:`edupoverty.rules.results`, the
rules in :mod:`edupoverty.rules.compute`, proration in :mod:`edupoverty.rules.proration`,
totals in :mod:`edupoverty.rules.totals` (their public names are importable from here too),
whole tables in :mod:`edupoverty.rules.bulk`.

Examples:
    >>> from decimal import Decimal
    >>> from edupoverty.records import Stage, SchoolLocation, Student
    >>> from edupoverty.rules import assess, load_policy
    >>> s = Student(name="张三", id_number="11010520120307002X", school_code="3412001",
    ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL, boarding=True,
    ...             registered_poor=True)
    >>> a = assess(s, load_policy("seed"), 2019)
    >>> [(e.programme, str(e.amount)) for e in a.entitlements]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('compulsory.fee_waiver', '600.00'), ('compulsory.free_textbooks', '90.00'),
     ('compulsory.boarding_allowance', '1000.00'), ('compulsory.nutrition', '800.00')]
    >>> a.total, a.cash_total
    (Decimal('2490.00'), Decimal('1000.00'))
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

import attrs

from edupoverty.errors import ArgumentError
from edupoverty.records.enums import Stage
from edupoverty.records.model import EnrolmentPeriod, Period, Student
from edupoverty.rules.compute import (
    Outcome,
    assemble,
    check_arguments,
    compute,
    fails_on_stage,
    price,
    relevant_fields,
)
from edupoverty.rules.eligibility import student_statuses
from edupoverty.rules.plan import Plan, plan
from edupoverty.rules.policy import FEE_FIELDS, Policy, Programme
from edupoverty.rules.proration import Proration, Span, View, enrolment_spans
from edupoverty.rules.results import SEMESTERS, Assessment, Decision, Entitlement, Result
from edupoverty.rules.totals import ProgrammeTotal, Summary, merge_summaries, summarize

__all__ = [
    "SEMESTERS",
    "Assessment",
    "Decision",
    "Entitlement",
    "ProgrammeTotal",
    "Summary",
    "assess",
    "assess_many",
    "expected_payments",
    "key_fields",
    "merge_summaries",
    "projection",
    "summarize",
]

_EXCLUDED = frozenset(
    {"name", "id_number", "row", "bank_account", "student_number", "school_name", "school_code"}
)
_KEY_FIELDS: tuple[str, ...] = tuple(
    f.name for f in attrs.fields(Student) if f.name not in _EXCLUDED
)
_key_of = operator.attrgetter(*_KEY_FIELDS)


def projection(student: Student) -> tuple[Any, ...]:
    """The eligibility-relevant projection of ``student``: every roster field except the
    name, ID number, student number, school name and code, bank account and row. Students
    with equal projections get equal entitlements.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> a = Student(name="甲", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL)
        >>> b = attrs.evolve(a, name="乙", id_number="110105201203070011", school_code="2")
        >>> projection(a) == projection(b)
        True
    """
    return tuple(_key_of(student))


def key_fields(policy: Policy) -> tuple[str, ...]:
    """The Student fields that decide a student's result under ``policy``, enrolment dates
    included: students equal in these get equal entitlements (without ``enrolments``).

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> fields = key_fields(load_policy("seed"))
        >>> "stage" in fields, "name" in fields, fields[-2:]
        (True, False, ('enrolled_from', 'enrolled_until'))
    """
    return (*relevant_fields(policy), "enrolled_from", "enrolled_until")


def assess(
    student: Student,
    policy: Policy,
    school_year: int,
    *,
    enrolment: Sequence[EnrolmentPeriod] | None = None,
) -> Assessment:
    """Assess one student for one school year under ``policy``.

    ``enrolment`` lists the spans the student was enrolled (from status changes, R-DYN-2);
    without it the roster's ``enrolled_from`` / ``enrolled_until`` decide. A school year
    outside the years the policy was reviewed for issues :class:`PolicyStaleWarning`; a
    ``student``, ``policy`` or ``school_year`` of the wrong type raises
    :class:`~edupoverty.errors.ArgumentError`.

    Examples:
        >>> from datetime import date
        >>> from edupoverty.records import Semester, Stage, SchoolLocation, Student
        >>> from edupoverty.rules import load_policy
        >>> left = Student(name="孙七", id_number="11010520120307002X", school_code="1",
        ...                stage=Stage.JUNIOR, school_location=SchoolLocation.RURAL,
        ...                boarding=True, financial_difficulty=True,
        ...                enrolled_until=date(2019, 11, 15))
        >>> e = assess(left, load_policy("seed"), 2019).entitlement("compulsory.boarding_allowance")
        >>> e.semesters[Semester.AUTUMN].parameter  # in school on a teaching day? unknown
        'parameters.terms'

        With the county's school calendar (its terms) the autumn semester counts:

        >>> import attrs
        >>> from edupoverty.rules import Term
        >>> seed = load_policy("seed")
        >>> county = attrs.evolve(seed, parameters=attrs.evolve(seed.parameters, terms=(
        ...     Term(2019, Semester.AUTUMN, date(2019, 9, 2), date(2020, 1, 17), "校历"),
        ...     Term(2019, Semester.SPRING, date(2020, 2, 17), date(2020, 7, 10), "校历"))))
        >>> e = assess(left, county, 2019).entitlement("compulsory.boarding_allowance")
        >>> {s.value: str(v) for s, v in e.semesters.items()}
        {'autumn': '625.00'}
    """
    if not isinstance(student, Student):
        raise ArgumentError("student", "学生记录 Student", "a Student", type(student).__name__)
    check_arguments(policy, school_year)
    spans = enrolment_spans(student, enrolment)
    return Assessment(student, compute(student, policy, school_year, spans))


def assess_many(
    students: Iterable[Student],
    policy: Policy,
    school_year: int,
    *,
    enrolments: Mapping[str, Sequence[EnrolmentPeriod]] | None = None,
) -> Iterator[Assessment]:
    """Assess many students, lazily, in order.

    Students alike in everything the policy reads of a student at their stage and in their
    enrolment share one immutable result, so a county's roster of tens of thousands costs a
    few hundred computations. ``enrolments`` maps an ID number to its enrolment spans.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import load_policy
        >>> kids = [Student(name=n, id_number="11010520120307002X", school_code="1",
        ...                 stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL)
        ...         for n in ("甲", "乙")]
        >>> a, b = assess_many(kids, load_policy("seed"), 2019)
        >>> a.student.name, b.student.name, a.entitlements is b.entitlements
        ('甲', '乙', True)
    """
    check_arguments(policy, school_year)
    return _assess(students, _Memo(policy, school_year), enrolments)


def _assess(
    students: Iterable[Student],
    memo: _Memo,
    enrolments: Mapping[str, Sequence[EnrolmentPeriod]] | None,
) -> Iterator[Assessment]:
    by_stage = memo.by_stage
    other = memo.other
    resolve = memo.resolve
    if enrolments is None:
        for student in students:
            try:
                key_of, results = by_stage[student.stage]
            except KeyError:  # not a Stage: every field the policy reads decides
                key_of, results = other
            key = key_of(student)
            result = results.get(key)
            if result is None:
                spans = enrolment_spans(student, None)
                result = results[key] = resolve(student, spans, key[:-2])
            yield Assessment(student, result)
        return
    for student in students:
        try:
            key_of, results = by_stage[student.stage]
        except KeyError:
            key_of, results = other
        periods = enrolments.get(student.id_number)
        spans = enrolment_spans(student, periods)
        fields = key_of(student)
        key = (fields, spans) if periods is not None else fields
        result = results.get(key)
        if result is None:
            result = results[key] = resolve(student, spans, fields[:-2])
        yield Assessment(student, result)


class _Memo:
    """What :func:`assess_many` remembers while it runs.

    A student's result is looked up by the fields the policy reads of a student at that
    stage (:func:`~edupoverty.rules.compute.relevant_fields`) plus the roster's enrolment
    dates; on a miss, by those fields and what proration sees of the enrolment. Failing
    that, each programme's outcome is looked up by the fields that programme reads of a
    student at that stage and, if it can apply, what proration sees of the enrolment; its
    plan likewise, but for the fee and days enrolled, which only enter its price. Equal
    outcomes are one object, and students whose programmes all came out the same share one
    result.
    """

    def __init__(self, policy: Policy, school_year: int) -> None:
        self.policy = policy
        self.school_year = school_year
        self.params = policy.parameters
        self.proration = Proration(policy, school_year)
        dates = ("enrolled_from", "enrolled_until")
        self.by_stage: dict[Any, tuple[Callable[[Student], Any], dict[Any, Result]]] = {
            stage: (
                operator.attrgetter(*_in_order(relevant_fields(policy, stage=stage)), *dates),
                {},
            )
            for stage in Stage
        }
        self.other: tuple[Callable[[Student], Any], dict[Any, Result]] = (
            operator.attrgetter(*relevant_fields(policy), *dates),
            {},
        )
        # per stage, each programme with what it reads of a student at that stage
        self.programmes: dict[Any, list[_Reads]] = {
            stage: [_reads(policy, p, stage) for p in policy.programmes] for stage in Stage
        }
        self.every = [_reads(policy, p, None) for p in policy.programmes]
        self.shared: dict[Any, Result] = {}
        self.plans: dict[Any, Plan] = {}
        self.outcomes: dict[Any, Outcome] = {}  # keeps every outcome alive: their ids are stable
        self.interned: dict[Outcome, Outcome] = {}
        self.combos: dict[tuple[int, ...], Result] = {}

    def resolve(self, student: Student, spans: tuple[Span, ...], fields: Any) -> Result:
        """The result of ``student`` enrolled ``spans``, ``fields`` the values of what the
        policy reads of a student at that stage."""
        view = self.proration.of(spans)
        narrow = (student.stage, fields, view)
        result = self.shared.get(narrow)
        if result is not None:
            return result
        outcomes = self.outcomes
        found = []
        programmes = self.programmes.get(student.stage, self.every)
        for i, r in enumerate(programmes):
            if r.seen:  # the programme can apply: what proration sees of the enrolment counts
                days = view.days if r.per_day else ()
                k: Any = (i, r.fields(student), view.counted, days, view.unknown)
            else:
                k = (i, r.fields(student))
            o = outcomes.get(k)
            if o is None:
                o = self._outcome(i, r, student, view)
                o = outcomes[k] = self.interned.setdefault(o, o)
            found.append(o)
        combo = tuple(map(id, found))
        result = self.combos.get(combo)
        if result is None:
            result = self.combos[combo] = assemble(self.policy, self.school_year, found)
        self.shared[narrow] = result
        return result

    def _outcome(self, i: int, r: _Reads, student: Student, view: View) -> Outcome:
        """``r``'s programme's outcome: its plan (shared by students who differ only in
        their fee or days enrolled) priced for ``student``."""
        fees = tuple(getattr(student, f) is None for f in r.fees)
        key = (i, r.unpriced(student), fees, view.counted, view.unknown) if r.seen else (i,)
        found = self.plans.get(key) if r.seen else None
        if found is None:
            statuses = student_statuses(student, self.params.difficulty_statuses)
            found = plan(r.programme, student, statuses, self.school_year, view, self.params)
            if r.seen:
                self.plans[key] = found
        return price(found, student, view, self.proration.lengths)


class _Reads(NamedTuple):
    """A programme and what it reads of a student at one stage."""

    programme: Programme
    fields: Callable[[Student], Any]  # every field it reads
    unpriced: Callable[[Student], Any]  # … but the fees
    fees: tuple[str, ...]  # the fee fields it reads
    seen: bool  # it can apply: what proration sees of the enrolment counts
    per_day: bool  # it counts school days


def _reads(policy: Policy, prog: Programme, stage: Stage | None) -> _Reads:
    """What ``prog`` reads of a student at ``stage`` (``None``: any stage)."""
    fields = relevant_fields(policy, prog, stage=stage)
    fees = tuple(f for f in fields if f in FEE_FIELDS)
    unpriced = [f for f in fields if f not in fees] or ["stage"]
    return _Reads(
        prog,
        operator.attrgetter(*fields),
        operator.attrgetter(*unpriced),
        fees,
        stage is None or not fails_on_stage(prog, stage),
        any(c.kind == "per_school_day" for c in prog.cases),
    )


_ORDER = {name: i for i, name in enumerate(attrs.fields_dict(Student))}


def _in_order(fields: Iterable[str]) -> list[str]:
    """``fields`` but the stage, in the order a Student holds them (read one after another)."""
    return sorted((f for f in fields if f != "stage"), key=_ORDER.__getitem__)


def expected_payments(
    assessments: Iterable[Assessment],
) -> Iterator[tuple[str, str, Period, Decimal]]:
    """The configured amounts due, one per student, programme and semester:
    ``(student_id, programme, Period(school_year, semester), amount)``.

    For reconciling with the ledger; amounts not configured are left out (they are listed
    by :attr:`Assessment.not_configured`).

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import load_policy
        >>> s = Student(name="周八", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.PRIMARY, school_location=SchoolLocation.CITY)
        >>> rows = list(expected_payments([assess(s, load_policy("seed"), 2019)]))
        >>> [(p, per.semester.value, str(a)) for _, p, per, a in rows][:2]
        ... # doctest: +NORMALIZE_WHITESPACE
        [('compulsory.fee_waiver', 'autumn', '300.00'),
         ('compulsory.fee_waiver', 'spring', '300.00')]
    """
    for a in assessments:
        sid = a.student.id_number
        year = a.school_year
        for e in a.entitlements:
            for sem, amount in e.semesters.items():
                if isinstance(amount, Decimal):
                    yield sid, e.programme, Period(year, sem), amount
