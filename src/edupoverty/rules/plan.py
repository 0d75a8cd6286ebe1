"""Plans: what a programme gives one student, before what varies row by row (资助方案).

:func:`plan` decides everything a few flags decide — whether the programme applies and why
(R-ST-1), the tier (R-STK-2, R-SEN-1), the amount case, which semesters count (R-DYN-1..3)
and, per semester, how the amount is found: :class:`Fixed` (the profile's amount),
:class:`FeeShare` (half the fee the school charges, :func:`half_fen`), :class:`DailyRate`
(a rate per school day counted) or :class:`~edupoverty.rules.values.NotConfigured`.
:func:`~edupoverty.rules.compute.price` then prices the plan for one student, and
:func:`~edupoverty.rules.bulk.assess_table` for whole columns with the same arithmetic.

Examples:
    >>> from edupoverty.records import Stage, SchoolLocation, Student
    >>> from edupoverty.rules import load_policy
    >>> policy = load_policy("seed")
    >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
    ...             stage=Stage.SENIOR, school_location=SchoolLocation.CITY,
    ...             registered_poor=True, tuition_fee="1200")
    >>> p = plan(policy.programme("senior.fee_waiver"), s, frozenset({"registered_poor"}),
    ...          2019, View(SEMESTERS, (), ()), policy.parameters)
    >>> p.decision.applies, p.prices
    (True, (FeeShare(fee='tuition_fee', semester=0), FeeShare(fee='tuition_fee', semester=1)))
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from attrs import frozen

from edupoverty.records.enums import Semester
from edupoverty.records.model import Period, Student
from edupoverty.rules.eligibility import Label, evaluate
from edupoverty.rules.policy import AmountCase, FundingShares, Parameters, Programme
from edupoverty.rules.proration import View
from edupoverty.rules.results import SEMESTERS, Decision
from edupoverty.rules.values import NotConfigured

__all__ = ["DailyRate", "FeeShare", "Fixed", "Plan", "Price", "half", "half_fen", "plan"]


@frozen
class Fixed:
    """A semester's amount given by the profile.

    Examples:
        >>> Fixed(Decimal("500.00")).amount
        Decimal('500.00')
    """

    amount: Decimal


@frozen
class FeeShare:
    """A semester's share of the fee the school charges (the student's ``fee`` field, a
    year's fee halved exactly to the fen by :func:`half`); ``semester`` indexes
    :data:`~edupoverty.rules.results.SEMESTERS`.

    Examples:
        >>> FeeShare("tuition_fee", 1).fee
        'tuition_fee'
    """

    fee: str
    semester: int


@frozen
class DailyRate:
    """A per-day amount (R-CMP-4): ``rate`` × the ``school_days`` of the semester counted
    for the days the student was enrolled
    (:func:`~edupoverty.rules.proration.counted_days`).

    Examples:
        >>> DailyRate(Decimal("4.00"), 100, 0).school_days
        100
    """

    rate: Decimal
    school_days: int
    semester: int


Price = Fixed | FeeShare | DailyRate | NotConfigured
"""How one semester's amount is found (or why it is not configured)."""


@frozen
class Plan:
    """What a programme gives one student, before what varies from student to student.

    ``decision`` says whether it applies and why. For a programme that applies,
    ``semesters`` are the semesters counted and in force, ``prices`` how each semester's
    amount is found, ``shares`` the funding shares in force in each (``None``: unknown,
    R-FND-4), ``conditions`` the conditions that held, ``tier`` the grant tier and
    ``sources`` the documents.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import load_policy
        >>> policy = load_policy("seed")
        >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL)
        >>> p = plan(policy.programme("compulsory.nutrition"), s, frozenset(), 2019,
        ...          View(SEMESTERS, (153, 212), ()), policy.parameters)
        >>> p.decision.applies, p.prices[0]
        (True, DailyRate(rate=Decimal('4.00'), school_days=100, semester=0))
    """

    programme: Programme
    decision: Decision
    semesters: tuple[Semester, ...] = ()
    prices: tuple[Price, ...] = ()
    shares: tuple[FundingShares | None, ...] = ()
    conditions: tuple[Label, ...] = ()
    tier: int | None = None
    sources: tuple[str, ...] = ()


def plan(
    prog: Programme,
    student: Student,
    statuses: frozenset[str],
    school_year: int,
    view: View,
    params: Parameters,
) -> Plan:
    """Whether ``prog`` applies to ``student`` and, if so, how each semester's amount is
    found. ``statuses`` are :func:`~edupoverty.rules.eligibility.student_statuses`;
    ``view`` what proration sees of the enrolment (its ``days`` are not read: they only
    enter :func:`price`). Of a fee, only whether the student has one is read.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import load_policy
        >>> policy = load_policy("seed")
        >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL)
        >>> p = plan(policy.programme("senior.fee_waiver"), s, frozenset(), 2019,
        ...          View(SEMESTERS, (), ()), policy.parameters)
        >>> p.decision.applies, p.decision.reason_en
        (False, 'condition not met: stage is senior secondary')
    """
    ok, held, failed = evaluate(prog.eligibility, student, params.difficulty_statuses, statuses)

    def no(zh: str, en: str) -> Plan:
        return Plan(
            prog, Decision(prog.id, prog.name_zh, prog.name_en, False, prog.rules, held, zh, en)
        )

    if not ok:
        assert failed is not None
        return no(f"条件不满足：{failed.zh}", f"condition not met: {failed.en}")
    sems = tuple(s for s in view.counted if prog.in_force(Period(school_year, s).start))
    if not sems:
        if not view.counted:
            return no(
                "本学年没有在校的学期（R-DYN-1）",
                "not enrolled in any semester of the school year (R-DYN-1)",
            )
        return no("该学年不在项目有效期内", "the programme is not in force in this school year")
    tier = None
    tier_nc: NotConfigured | None = None
    conditions = list(held)
    if prog.tiered:
        tier, why, tier_nc = _tier(prog, student, params)
        if why is not None:
            conditions.append(why)
    case = None
    if tier_nc is None:
        for c in prog.cases:
            if tier is not None and c.tier != tier:
                continue
            cok, cheld, _ = evaluate(c.when, student, params.difficulty_statuses, statuses)
            if cok:
                case = c
                conditions.extend(x for x in cheld if x not in conditions)
                break
    sources: list[str] = []
    prices: tuple[Price, ...]
    if tier_nc is not None:
        prices = (tier_nc,) * len(sems)
    elif case is None:
        nc = NotConfigured(
            f"{prog.id}.amount",
            "配置中没有适用于该学生情况的金额",
            "the profile has no amount for this student's case",
        )
        prices = (nc,) * len(sems)
    else:
        prices, sources = _prices(prog, case, student, school_year, sems, view, params)
    basis = tuple(dict.fromkeys((*prog.rules, *([case.rule] if case and case.rule else []))))
    return Plan(
        prog,
        Decision(prog.id, prog.name_zh, prog.name_en, True, basis, tuple(conditions), "", ""),
        sems,
        prices,
        tuple(prog.funding_at(Period(school_year, s).start) for s in sems),
        tuple(conditions),
        tier,
        tuple(dict.fromkeys(sources)),
    )


def _tier(
    prog: Programme, student: Student, params: Parameters
) -> tuple[int | None, Label | None, NotConfigured | None]:
    tiers = sorted({c.tier for c in prog.cases if c.tier is not None})
    if student.registered_poor is True:
        return (
            tiers[0],
            Label(
                f"建档立卡学生享受最高档：第{tiers[0]}档（R-ST-1，R-SEN-1）",
                f"registered-poor: the highest tier, tier {tiers[0]} (R-ST-1, R-SEN-1)",
            ),
            None,
        )
    if student.grant_tier is not None:
        if student.grant_tier in tiers:
            n = student.grant_tier
            return n, Label(f"名单资助档次为第{n}档", f"the roster's grant tier is {n}"), None
        return (
            None,
            None,
            NotConfigured(
                f"{prog.id}.tier",
                f"名单中的资助档次{student.grant_tier}不存在",
                f"the roster's grant_tier {student.grant_tier} is not a tier of this programme",
            ),
        )
    mapped = params.tier_for(student.difficulty_level)
    if mapped is not None and mapped in tiers:
        level = student.difficulty_level
        assert level is not None
        return (
            mapped,
            Label(
                f"困难等级为{level.zh}，对应第{mapped}档",
                f"difficulty level {level.value}, which maps to tier {mapped}",
            ),
            None,
        )
    return (
        None,
        None,
        NotConfigured(
            f"{prog.id}.tier",
            "非建档立卡学生既无资助档次也无可对应的困难等级，档次未定（R-SEN-1）",
            "not registered-poor and neither grant_tier nor a mapped difficulty_level: "
            "tier undetermined (R-SEN-1)",
        ),
    )


def _terms_unknown(period: Period) -> NotConfigured:
    assert period.semester is not None
    return NotConfigured(
        "parameters.terms",
        f"未配置{period.school_year}学年{period.semester.zh}的教学起止日期（校历）；该生本学期"
        "只有部分日期在籍，无法判断是否在教学日在校（R-DYN-1）",
        f"the teaching days (terms) of the {period.semester.value} semester of school year "
        f"{period.school_year} are not configured; the student was enrolled for only part of "
        "it, so whether on a teaching day cannot be decided (R-DYN-1)",
    )


def _prices(
    prog: Programme,
    case: AmountCase,
    student: Student,
    school_year: int,
    sems: Sequence[Semester],
    view: View,
    params: Parameters,
) -> tuple[tuple[Price, ...], list[str]]:
    out: list[Price] = []
    sources: list[str] = []
    for sem in sems:
        i = SEMESTERS.index(sem)
        period = Period(school_year, sem)
        if case.kind == "not_configured":
            out.append(NotConfigured(f"{prog.id}.amount", case.reason_zh, case.reason_en))
            sources.append(case.source)
            continue
        if sem in view.unknown and (params.proration == "any_day" or case.kind == "per_school_day"):
            # R-DYN-1: whether the student was in school on a teaching day is unknown.
            out.append(_terms_unknown(period))
            continue
        if case.kind == "fee":
            assert case.fee is not None
            sources.append(case.source)
            if not case.in_force(period.start):
                out.append(
                    NotConfigured(
                        f"{prog.id}.amount",
                        f"{period.start} 没有有效的金额",
                        f"no value in force on {period.start}",
                    )
                )
            elif getattr(student, case.fee) is None:
                out.append(
                    NotConfigured(
                        f"{prog.id}.amount",
                        f"按学校收费标准减免，但名单没有 {case.fee}（{case.rule}）",
                        f"waived at the fee the school charges, but the roster has no "
                        f"{case.fee} ({case.rule})",
                    )
                )
            else:
                out.append(FeeShare(case.fee, i))
            continue
        value = case.value_at(period.start)
        if value is None or value.amount is None:
            reason = value.not_configured if value is not None else None
            out.append(
                NotConfigured(
                    f"{prog.id}.amount",
                    reason or f"{period.start} 没有有效的金额",
                    reason or f"no value in force on {period.start}",
                )
            )
            if value is not None:
                sources.append(value.source)
            continue
        sources.append(value.source)
        if case.kind == "per_school_day":
            days = params.days(sem)
            if days is None:
                out.append(
                    NotConfigured(
                        "parameters.school_days",
                        "未配置每学期在校天数",
                        "school days not configured",
                    )
                )
            else:
                out.append(DailyRate(value.amount, days, i))
        elif case.per == "semester":
            out.append(Fixed(value.amount))
        else:
            out.append(Fixed(half(value.amount)[i]))
    return tuple(out), sources


def half_fen(fen: Any) -> tuple[Any, Any]:
    """A year's amount in fen split into (autumn, spring), exact to the fen: spring gets
    the half rounded down, autumn the rest. Ints or NumPy integer arrays.

    Examples:
        >>> half_fen(120001), half_fen(-1)
        ((60001, 60000), (0, -1))
    """
    spring = fen // 2
    return fen - spring, spring


def half(amount: Decimal) -> tuple[Decimal, Decimal]:
    """A year's amount split into (autumn, spring), exact to the fen (:func:`half_fen`).

    Examples:
        >>> half(Decimal("1333.33"))
        (Decimal('666.67'), Decimal('666.66'))
    """
    autumn, spring = half_fen(int(amount.scaleb(2)))
    return Decimal(autumn).scaleb(-2), Decimal(spring).scaleb(-2)
