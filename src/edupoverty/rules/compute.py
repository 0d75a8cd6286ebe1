"""The rules applied to one student: outcome, funding, stacking (资助计算).

One programme's outcome is computed in two steps: :func:`~edupoverty.rules.plan.plan`
decides everything a few flags decide, then :func:`price` turns the plan into an
:class:`~edupoverty.rules.results.Entitlement` with what varies from student to student —
the fee the school charges and the days enrolled — and splits the amount between levels of
government to the fen (R-FND-1..4). :func:`assemble` stacks the outcomes of every programme
(R-STK-1, R-STK-4) into a :class:`~edupoverty.rules.results.Result`.

``assess``, ``assess_many`` and ``assess_table`` all use these functions: a table plans once
per distinct combination of the fields a programme reads (:func:`relevant_fields`) and
prices whole columns with the same arithmetic
(:func:`~edupoverty.rules.plan.half_fen`, :func:`~edupoverty.rules.proration.counted_days`).

Examples:
    >>> from edupoverty.records import Stage, SchoolLocation, Student
    >>> from edupoverty.rules import load_policy
    >>> from edupoverty.rules.plan import plan
    >>> from edupoverty.rules.proration import Proration, View
    >>> from edupoverty.rules.results import SEMESTERS
    >>> policy = load_policy("seed")
    >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
    ...             stage=Stage.SENIOR, school_location=SchoolLocation.CITY,
    ...             registered_poor=True, tuition_fee="1200")
    >>> view = View(SEMESTERS, (), ())
    >>> p = plan(policy.programme("senior.fee_waiver"), s, frozenset({"registered_poor"}),
    ...          2019, view, policy.parameters)
    >>> _, e = price(p, s, view, Proration(policy, 2019).lengths)
    >>> e.amount, e.funding.parameter  # the documents give no shares for it (R-FND-4)
    (Decimal('1200.00'), 'senior.fee_waiver.funding')
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from edupoverty.errors import ArgumentError, PolicyStaleWarning
from edupoverty.records.enums import FundingLevel, ProgrammeForm, Semester, Stage
from edupoverty.records.model import Student
from edupoverty.records.money import FEN, ZERO
from edupoverty.rules.eligibility import (
    Condition,
    condition_fields,
    student_statuses,
)
from edupoverty.rules.plan import DailyRate, FeeShare, Fixed, Plan, half, plan
from edupoverty.rules.policy import Parameters, Policy, Programme
from edupoverty.rules.proration import Proration, Span, View, counted_days
from edupoverty.rules.results import Amount, Decision, Entitlement, Result
from edupoverty.rules.values import FrozenMap, NotConfigured, split_exact

__all__ = [
    "Outcome",
    "amount_reads",
    "assemble",
    "check_arguments",
    "compute",
    "condition_reads",
    "eligibility_checks",
    "fails_on_stage",
    "outcome",
    "price",
    "relevant_fields",
    "replacements",
]

Outcome = tuple[Decision, Entitlement | None]
"""One programme's outcome for one student: the decision, and the entitlement if it applies."""

_STATUS_FIELDS = frozenset(
    {
        "registered_poor",
        "financial_difficulty",
        "subsistence_allowance",
        "extreme_poverty_support",
        "orphan",
        "disabled",
        "left_behind",
        "hardship_child",
    }
)
_TIER_FIELDS = frozenset({"registered_poor", "grant_tier", "difficulty_level"})


def relevant_fields(
    policy: Policy, *programmes: Programme, stage: Stage | None = None
) -> tuple[str, ...]:
    """The :class:`~edupoverty.records.model.Student` fields that ``programmes`` (default:
    every programme of ``policy``) can read: their conditions, amount cases, fees, tiers and
    statuses, sorted. Students equal in these fields and in their enrolment get equal
    outcomes from these programmes.

    With ``stage``, only what they read of a student at that stage: a programme whose
    eligibility fails on the stage reads nothing after that check (:func:`evaluate` stops at
    the first condition that fails).

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> seed = load_policy("seed")
        >>> relevant_fields(seed, seed.programme("compulsory.fee_waiver"))
        ('special_education', 'stage')
        >>> len(relevant_fields(seed)), relevant_fields(seed, stage=Stage.HIGHER_VOCATIONAL)
        (23, ('registered_poor', 'residence', 'stage'))
    """
    fields: set[str] = set()
    for prog in programmes or policy.programmes:
        stop = _stage_check(prog, stage)
        if stop is not None:
            checked = Condition(checks=prog.eligibility.checks[: stop + 1])
            fields.update(condition_reads(policy, checked))
        else:
            fields.update(condition_reads(policy, prog.eligibility))
            fields.update(amount_reads(policy, prog))
    return tuple(sorted(fields)) or ("stage",)


def condition_reads(policy: Policy, cond: Condition) -> tuple[str, ...]:
    """The :class:`~edupoverty.records.model.Student` fields evaluating ``cond`` reads, a
    status by its field and "financially difficult" by the policy's statuses (R-ST-2),
    sorted.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> seed = load_policy("seed")
        >>> condition_reads(seed, seed.programme("senior.national_grant").eligibility)
        ('financial_difficulty', 'registered_poor', 'stage')
    """
    fields = set(condition_fields(cond))
    statuses = {f.removeprefix("status:") for f in fields if f.startswith("status:")}
    fields = {f for f in fields if not f.startswith("status:")}
    if "difficult" in statuses:
        statuses.discard("difficult")
        statuses |= policy.parameters.difficulty_statuses
    return tuple(sorted(fields | (statuses & _STATUS_FIELDS)))


def amount_reads(policy: Policy, prog: Programme) -> tuple[str, ...]:
    """The fields ``prog`` reads of a student it applies to, to find the amount: its tier,
    its amount cases' conditions and its fees, sorted.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> seed = load_policy("seed")
        >>> amount_reads(seed, seed.programme("senior.national_grant"))
        ('difficulty_level', 'grant_tier', 'registered_poor')
    """
    fields: set[str] = set(_TIER_FIELDS) if prog.tiered else set()
    for case in prog.cases:
        fields.update(condition_reads(policy, case.when))
        if case.fee:
            fields.add(case.fee)
    return tuple(sorted(fields))


def eligibility_checks(prog: Programme) -> tuple[Condition, ...]:
    """Each condition of ``prog``'s eligibility as a condition of its own, in the order
    :func:`evaluate` checks them: the eligibility holds when each holds, and its outcome is
    that of the checks up to the first that fails.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> meals = load_policy("seed").programme("compulsory.nutrition")
        >>> [c.labels[0].en for c in eligibility_checks(meals)]
        ['stage is junior or primary', 'the school is in a village or town']
    """
    return tuple(Condition(checks=(check,)) for check in prog.eligibility.checks)


def _stage_check(prog: Programme, stage: Stage | None) -> int | None:
    """The position of the eligibility check on the stage that ``stage`` fails, if any."""
    if stage is not None:
        for i, (_label, kind, field, members) in enumerate(prog.eligibility.checks):
            if kind == "enum" and field == "stage" and stage not in members:
                return i
    return None


def fails_on_stage(prog: Programme, stage: Stage) -> bool:
    """True if ``prog`` never applies to a student at ``stage``: its eligibility names other
    stages. It then reads nothing of the student after that check — no other condition, no
    amount, not the enrolment.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> meals = load_policy("seed").programme("compulsory.nutrition")
        >>> fails_on_stage(meals, Stage.SENIOR), fails_on_stage(meals, Stage.PRIMARY)
        (True, False)
    """
    return _stage_check(prog, stage) is not None


def check_arguments(policy: Policy, school_year: int) -> None:
    """Typed errors for arguments of the wrong type; a
    :class:`~edupoverty.errors.PolicyStaleWarning` for a school year outside the years the
    policy was reviewed for, pointing at the caller of the function that calls this one.

    Examples:
        >>> check_arguments("seed", 2019)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        edupoverty.errors.ArgumentError: argument.type: ...
    """
    if not isinstance(policy, Policy):
        raise ArgumentError(
            "policy",
            " load_policy() 返回的政策配置",
            "a Policy returned by load_policy()",
            type(policy).__name__,
        )
    if not isinstance(school_year, int) or isinstance(school_year, bool):
        raise ArgumentError(
            "school_year",
            "整数学年（如 2019）",
            "an int school year (e.g. 2019)",
            type(school_year).__name__,
        )
    if school_year > policy.reviewed_until:
        warnings.warn(
            f"policy {policy.name} was reviewed for school years up to {policy.reviewed_until}, "
            f"not {school_year}: later national changes may apply (RULES.md §15) / "
            f"政策配置只核对到{policy.reviewed_until}学年",
            PolicyStaleWarning,
            stacklevel=3,
        )
    elif school_year < policy.reviewed_from:
        warnings.warn(
            f"policy {policy.name} was reviewed for school years from {policy.reviewed_from}, "
            f"not {school_year}: earlier standards may differ / "
            f"政策配置从{policy.reviewed_from}学年起核对，{school_year}学年的标准可能不同",
            PolicyStaleWarning,
            stacklevel=3,
        )


# --- prices ---------------------------------------------------------------------------------


def price(plan: Plan, student: Student, view: View, lengths: Sequence[int]) -> Outcome:
    """The outcome of ``plan`` for ``student``: each semester's amount from the student's
    fee or the days enrolled (``view.days``, of windows of ``lengths`` days), the year's
    amount (the first semester not configured, if any, else the sum) and its funding split
    to the fen (R-FND-1..4).

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import load_policy
        >>> from edupoverty.rules.results import SEMESTERS
        >>> policy = load_policy("seed")
        >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL)
        >>> view = View(SEMESTERS, (153, 71), ())  # left on 11 April 2020
        >>> p = plan(policy.programme("compulsory.nutrition"), s, frozenset(), 2019, view,
        ...          policy.parameters)
        >>> _, e = price(p, s, view, (153, 213))  # 100 school days a semester, 4.00 a day
        >>> e.amount, e.days
        (Decimal('532.00'), 133)
    """
    if not plan.decision.applies:
        return plan.decision, None
    prog = plan.programme
    amounts: dict[Semester, Amount] = {}
    days_total: int | None = None
    for sem, p in zip(plan.semesters, plan.prices, strict=True):
        if isinstance(p, Fixed):
            amounts[sem] = p.amount
        elif isinstance(p, FeeShare):
            amounts[sem] = half(getattr(student, p.fee))[p.semester]
        elif isinstance(p, DailyRate):
            i = p.semester
            counted = counted_days(p.school_days, view.days[i], lengths[i])
            days_total = (days_total or 0) + counted
            amounts[sem] = (p.rate * counted).quantize(FEN)
        else:
            amounts[sem] = p
    bad = [a for a in amounts.values() if isinstance(a, NotConfigured)]
    configured = (a for a in amounts.values() if isinstance(a, Decimal))
    amount: Amount = bad[0] if bad else sum(configured, ZERO)
    ent = Entitlement(
        programme=prog.id,
        name_zh=prog.name_zh,
        name_en=prog.name_en,
        form=prog.form,
        amount=amount,
        semesters=FrozenMap(amounts),
        basis=plan.decision.rules,
        conditions=plan.conditions,
        funding=_funding(plan, amounts),
        tier=plan.tier,
        days=days_total,
        sources=plan.sources,
    )
    return plan.decision, ent


def _funding(
    plan: Plan, amounts: Mapping[Semester, Amount]
) -> Mapping[FundingLevel, Decimal] | NotConfigured:
    totals: dict[FundingLevel, Decimal] = {}
    for sem, shares in zip(plan.semesters, plan.shares, strict=True):
        amount = amounts[sem]
        if isinstance(amount, NotConfigured):
            return amount
        if shares is None:
            return NotConfigured(
                f"{plan.programme.id}.funding",
                "文件未规定各级财政分担比例（R-FND-4）",
                "the documents do not state the funding shares (R-FND-4)",
            )
        parts = split_exact(amount, [p for _, p in shares.shares])
        for (level, _), part in zip(shares.shares, parts, strict=True):
            totals[level] = totals.get(level, ZERO) + part
    return FrozenMap(totals)


def outcome(
    prog: Programme,
    student: Student,
    statuses: frozenset[str],
    school_year: int,
    view: View,
    proration: Proration,
    params: Parameters,
) -> Outcome:
    """Whether ``prog`` applies to ``student`` and, if so, the entitlement: :func:`price`
    of :func:`plan`.

    Examples:
        >>> from datetime import date
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import load_policy
        >>> policy = load_policy("seed")
        >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.JUNIOR, school_location=SchoolLocation.RURAL)
        >>> proration = Proration(policy, 2019)
        >>> d, e = outcome(policy.programme("compulsory.fee_waiver"), s, frozenset(), 2019,
        ...                proration.of(((date.min, date.max),)), proration,
        ...                policy.parameters)
        >>> d.applies, e.amount
        (True, Decimal('800.00'))
    """
    return price(
        plan(prog, student, statuses, school_year, view, params), student, view, proration.lengths
    )


# --- stacking -------------------------------------------------------------------------------


def replacements(applying: Sequence[str], replaces: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """R-STK-4: of the programmes ``applying`` (ids, in policy order), those another
    applying programme takes the place of (``replaces``: profile data), each with the
    programme that replaces it.

    Examples:
        >>> replacements(["a", "b", "c"], {"c": ("a",), "d": ("b",)})
        {'a': 'c'}
    """
    present = dict.fromkeys(applying)
    out: dict[str, str] = {}
    for pid in [p for p in present if p in replaces]:
        for replaced in replaces[pid]:
            if replaced in present:
                del present[replaced]
                out[replaced] = pid
    return out


_FORMS: tuple[ProgrammeForm, ...] = tuple(ProgrammeForm)


def assemble(policy: Policy, school_year: int, outcomes: Sequence[Outcome]) -> Result:
    """One student's result from the outcome of every programme (in policy order): the
    programmes that apply stack (R-STK-1) except those another replaces (R-STK-4); totals
    add the configured amounts by form.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> policy = load_policy("seed")
        >>> none = [(Decision(p.id, p.name_zh, p.name_en, False, p.rules, (), "", ""), None)
        ...         for p in policy.programmes]
        >>> assemble(policy, 2019, none).total
        Decimal('0.00')
    """
    decisions = {d.programme: d for d, _ in outcomes}
    ents = {e.programme: e for _, e in outcomes if e is not None}
    replaces = {p.id: p.replaces for p in policy.programmes if p.replaces}
    if replaces:
        for replaced, by in replacements(list(ents), replaces).items():
            del ents[replaced]
            who = policy.programme(by)
            decisions[replaced] = attrs.evolve(
                decisions[replaced],
                applies=False,
                reason_zh=f"由{who.name_zh}代替（R-STK-4）",
                reason_en=f"replaced by {who.name_en} (R-STK-4)",
            )
    entitlements = tuple(ents.values())
    totals = dict.fromkeys(_FORMS, ZERO)
    for e in entitlements:
        if isinstance(e.amount, Decimal):
            totals[e.form] += e.amount
    return Result(
        policy=policy.name,
        school_year=school_year,
        entitlements=entitlements,
        decisions=tuple(decisions[p.id] for p in policy.programmes),
        total=sum(totals.values(), ZERO),
        cash_total=totals[ProgrammeForm.CASH],
        waiver_total=totals[ProgrammeForm.WAIVER],
        in_kind_total=totals[ProgrammeForm.IN_KIND],
        not_configured=tuple(e for e in entitlements if not e.configured),
    )


def compute(student: Student, policy: Policy, school_year: int, spans: tuple[Span, ...]) -> Result:
    """The result of ``student`` enrolled ``spans`` (as
    :func:`~edupoverty.rules.proration.enrolment_spans` gives them), every programme
    computed afresh.

    Examples:
        >>> from datetime import date
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import load_policy
        >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.JUNIOR, school_location=SchoolLocation.RURAL)
        >>> compute(s, load_policy("seed"), 2019, ((date.min, date.max),)).total
        Decimal('1780.00')
    """
    params = policy.parameters
    statuses = student_statuses(student, params.difficulty_statuses)
    proration = Proration(policy, school_year)
    view = proration.of(spans)
    outcomes = [
        outcome(p, student, statuses, school_year, view, proration, params)
        for p in policy.programmes
    ]
    return assemble(policy, school_year, outcomes)
