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
from edupoverty.rules.plan import DailyRate, FeeShare, Plan, plan
from edupoverty.rules.policy import FEE_FIELDS, Policy, Programme
from edupoverty.rules.proration import Proration, View, enrolment_spans
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
                result = results[key] = resolve(student, memo.view(student))
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
            result = results[key] = resolve(student, memo.proration.of(spans))
        yield Assessment(student, result)


class _Memo:
    """What :func:`assess_many` remembers while it runs.

    A student's result is looked up first by the fields the policy reads of a student at
    that stage (:func:`~edupoverty.rules.compute.relevant_fields`) plus the roster's
    enrolment dates. On a miss, the rules are taken in two steps, as for a table: the plans
    of every programme (:func:`~edupoverty.rules.plan.plan`) are shared by the students
    alike in what decides them (the flags, whether each fee is given, and which semesters
    count or are undecided); each set of plans then remembers its results by the values its
    prices read (the fees it shares out, the days enrolled it pays for). Equal outcomes are
    one object, and students whose programmes all came out the same share one result.
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
        # per stage, what the plans of every programme read of a student at that stage
        self.reads: dict[Any, _Reads] = {stage: _reads(policy, stage) for stage in Stage}
        self.every = _reads(policy, None)
        self.bundles: dict[Any, _Bundle] = {}
        self.plans: dict[Any, _Planned] = {}
        self.views: dict[tuple[Any, Any], View] = {}  # by the roster's enrolment dates
        self.interned: dict[Outcome, Outcome] = {}  # keeps every outcome alive: ids are stable
        self.combos: dict[tuple[int, ...], Result] = {}

    def view(self, student: Student) -> View:
        """What proration sees of the roster's enrolment dates of ``student``."""
        dates = (student.enrolled_from, student.enrolled_until)
        view = self.views.get(dates)
        if view is None:
            view = self.views[dates] = self.proration.of(enrolment_spans(student, None))
        return view

    def resolve(self, student: Student, view: View) -> Result:
        """The result of ``student`` whose enrolment proration sees as ``view``."""
        reads = self.reads.get(student.stage, self.every)
        fields, given = reads.unpriced(student), reads.given(student)
        key = (student.stage, fields, given, view.counted, view.unknown)
        bundle = self.bundles.get(key)
        if bundle is None:
            bundle = self.bundles[key] = self._bundle(reads, student, view)
        priced = (bundle.fees(student), bundle.days(view.days))
        result = bundle.results.get(priced)
        if result is None:
            found = list(bundle.fixed)
            for i in bundle.priced:
                o = price(bundle.plans[i], student, view, self.proration.lengths)
                found[i] = self.interned.setdefault(o, o)
            outcomes = [o for o in found if o is not None]  # every plan has one by now
            combo = tuple(map(id, outcomes))
            result = self.combos.get(combo)
            if result is None:
                result = self.combos[combo] = assemble(self.policy, self.school_year, outcomes)
            bundle.results[priced] = result
        return result

    def _bundle(self, reads: _Reads, student: Student, view: View) -> _Bundle:
        """The plans of every programme for students alike to ``student`` in what decides
        them, and what their prices read."""
        statuses = None
        found = []
        for i, (prog, unpriced, given, seen) in enumerate(reads.programmes):
            if seen:
                key: Any = (i, unpriced(student), given(student), view.counted, view.unknown)
            else:  # fails on the stage: one plan for every student at this stage
                key = (i, student.stage)
            known = self.plans.get(key)
            if known is None:
                if statuses is None:
                    statuses = student_statuses(student, self.params.difficulty_statuses)
                p = plan(prog, student, statuses, self.school_year, view, self.params)
                known = self.plans[key] = self._planned(p, student, view)
            found.append(known)
        shared = sorted({fee for k in found for fee in k.fees})
        days = sorted({semester for k in found for semester in k.days})
        return _Bundle(
            tuple(k.plan for k in found),
            tuple(k.fixed for k in found),
            tuple(i for i, k in enumerate(found) if k.fixed is None),
            operator.attrgetter(*shared) if shared else _nothing,
            operator.itemgetter(*days) if days else _nothing,
            {},
        )

    def _planned(self, p: Plan, student: Student, view: View) -> _Planned:
        """What the memo keeps of plan ``p``: the fees it shares out and the semesters whose
        days enrolled it pays for; or, priced from nothing but the profile, its one
        outcome, whoever the student."""
        fees = frozenset(q.fee for q in p.prices if isinstance(q, FeeShare))
        days = frozenset(q.semester for q in p.prices if isinstance(q, DailyRate))
        fixed = None
        if not fees and not days:
            o = price(p, student, view, self.proration.lengths)
            fixed = self.interned.setdefault(o, o)
        return _Planned(p, fixed, fees, days)


class _Planned(NamedTuple):
    """A plan, and what its prices read (or its one outcome)."""

    plan: Plan
    fixed: Outcome | None  # its outcome, when priced from the profile alone
    fees: frozenset[str]  # the fees it shares out
    days: frozenset[int]  # the semesters whose days enrolled it pays for


def _nothing(values: object) -> None:
    """What prices that share out no fee, or pay for no days enrolled, read."""


class _Bundle(NamedTuple):
    """The plans of every programme for a kind of student, and their results."""

    plans: tuple[Plan, ...]
    fixed: tuple[Outcome | None, ...]  # the outcome of each plan priced from the profile
    priced: tuple[int, ...]  # the plans priced from the student's fee or days enrolled
    fees: Callable[[Student], Any]  # the fees their prices share out
    days: Callable[[tuple[int, ...]], Any]  # of a view's days, those they pay for
    results: dict[Any, Result]  # by those fees and days


class _Reads(NamedTuple):
    """What the plans of a policy's programmes read of a student at one stage: every
    field but the fees, and of each fee whether it is given."""

    unpriced: Callable[[Student], Any]
    given: Callable[[Student], Any]  # of each fee, whether it is missing
    # each programme, what its plan reads (but the fees, and whether each fee is given),
    # and whether it can apply at the stage
    programmes: tuple[
        tuple[Programme, Callable[[Student], Any], Callable[[Student], Any], bool], ...
    ]


def _reads(policy: Policy, stage: Stage | None) -> _Reads:
    """What the plans of ``policy``'s programmes read of a student at ``stage`` (``None``:
    any stage)."""
    everything = relevant_fields(policy, stage=stage)
    programmes = []
    for prog in policy.programmes:
        fields = relevant_fields(policy, prog, stage=stage)
        fees = [f for f in fields if f in FEE_FIELDS]
        programmes.append(
            (
                prog,
                operator.attrgetter(*[f for f in fields if f not in fees] or ["stage"]),
                _missing(fees),
                stage is None or not fails_on_stage(prog, stage),
            )
        )
    fees = [f for f in everything if f in FEE_FIELDS]
    return _Reads(
        operator.attrgetter(*[f for f in everything if f not in fees] or ["stage"]),
        _missing(fees),
        tuple(programmes),
    )


def _missing(fees: Sequence[str]) -> Callable[[Student], Any]:
    """Of each of ``fees``, whether a student's is missing (one fee: a bool)."""
    if not fees:
        return _nothing
    get = operator.attrgetter(*fees)
    if len(fees) == 1:
        return lambda s: get(s) is None
    return lambda s: tuple(v is None for v in get(s))


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
