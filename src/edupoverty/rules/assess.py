"""Assessment: what one student is entitled to in one school year, and why (资助测算).

:func:`assess` is a pure function of a student, a policy and a school year. It applies every
programme of the policy whose eligibility holds (R-ST-1, R-STK-1: programmes stack), picks
the one tier of a tiered grant (R-STK-2, registered-poor students the highest, R-SEN-1),
pays each programme once per student and semester (R-STK-3), drops programmes that another
applying programme replaces (R-STK-4, profile data), counts the semesters the student was
enrolled in (R-DYN-1..3, the profile's proration rule), and splits each amount between
levels of government exactly to the fen (R-FND-1..4).

Amounts the documents do not give come back as :class:`~edupoverty.rules.values.NotConfigured`
and are listed apart from the totals.

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
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from types import MappingProxyType
from typing import Any

import attrs
from attrs import frozen

from edupoverty.errors import ArgumentError, PolicyStaleWarning
from edupoverty.records.convert import to_dict
from edupoverty.records.enums import FundingLevel, ProgrammeForm, Semester
from edupoverty.records.model import EnrolmentPeriod, Period, Student
from edupoverty.records.money import FEN, ZERO
from edupoverty.rules.eligibility import Label, condition_fields, evaluate, student_statuses
from edupoverty.rules.policy import AmountCase, Parameters, Policy, Programme
from edupoverty.rules.values import FrozenMap, NotConfigured, split_exact

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

SEMESTERS: tuple[Semester, ...] = (Semester.AUTUMN, Semester.SPRING)
"""The semesters of a school year, in order."""

Amount = Decimal | NotConfigured


@frozen
class Entitlement:
    """One programme that applies to a student in a school year.

    ``amount`` is the year's amount (or :class:`NotConfigured`), ``semesters`` the amount of
    each semester counted, ``basis`` the rule ids, ``conditions`` the eligibility conditions
    that held, in words (:class:`~edupoverty.rules.eligibility.Label`), ``funding`` the
    split by level of government (or :class:`NotConfigured` when
    the shares are unknown), ``tier`` the grant tier if the programme has tiers, ``days`` the
    school days counted for a per-day programme.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import assess, load_policy
        >>> s = Student(name="李四", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.JUNIOR, school_location=SchoolLocation.TOWN)
        >>> e = assess(s, load_policy("seed"), 2019).entitlement("compulsory.fee_waiver")
        >>> e.amount, dict(e.funding)[FundingLevel.CENTRAL], e.form.zh
        (Decimal('800.00'), Decimal('640.00'), '减免')
    """

    programme: str
    name_zh: str
    name_en: str
    form: ProgrammeForm
    amount: Amount
    semesters: Mapping[Semester, Amount]
    basis: tuple[str, ...]
    conditions: tuple[Label, ...]
    funding: Mapping[FundingLevel, Decimal] | NotConfigured
    tier: int | None = None
    days: int | None = None
    sources: tuple[str, ...] = ()

    @property
    def configured(self) -> bool:
        """True if the amount is known."""
        return not isinstance(self.amount, NotConfigured)


@frozen
class Decision:
    """Why a programme applies to a student or not (for :meth:`Assessment.explain`):
    ``held`` lists the conditions that held, in words
    (:class:`~edupoverty.rules.eligibility.Label`).

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.rules import load_policy
        >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL)
        >>> d = assess(s, load_policy("seed"), 2019).decisions[0]
        >>> d.programme, d.applies, d.reason_zh
        ('preschool.provincial_grant', False, '条件不满足：学段为学前')
        >>> d.reason_en
        'condition not met: stage is preschool'
    """

    programme: str
    name_zh: str
    name_en: str
    applies: bool
    rules: tuple[str, ...]
    held: tuple[Label, ...]
    reason_zh: str
    reason_en: str


@frozen
class _Result:
    """The shared, immutable part of an assessment (identical inputs share one)."""

    policy: str
    school_year: int
    entitlements: tuple[Entitlement, ...]
    decisions: tuple[Decision, ...]
    total: Decimal
    cash_total: Decimal
    waiver_total: Decimal
    in_kind_total: Decimal
    not_configured: tuple[Entitlement, ...]


class Assessment:
    """What one student is entitled to in one school year (``student`` + a shared result).

    Students with the same eligibility-relevant data share one immutable result; the
    assessment itself only adds the student it is about.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import load_policy
        >>> s = Student(name="王五", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.SENIOR, school_location=SchoolLocation.COUNTY_SEAT,
        ...             registered_poor=True)
        >>> a = assess(s, load_policy("seed"), 2019)
        >>> a.total, [e.programme for e in a.not_configured]
        (Decimal('5000.00'), ['senior.fee_waiver'])
        >>> a.student.name
        '王五'
    """

    __slots__ = ("_result", "student")

    student: Student
    _result: _Result

    def __init__(self, student: Student, result: _Result) -> None:
        _set_student(self, student)
        _set_result(self, result)

    def __setattr__(self, name: str, value: Any) -> None:
        raise attrs.exceptions.FrozenInstanceError()

    def __repr__(self) -> str:
        return (
            f"Assessment(row={self.student.row!r}, school_year={self._result.school_year}, "
            f"total={self._result.total}, programmes={len(self._result.entitlements)})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Assessment):
            return NotImplemented
        return self.student == other.student and self._result == other._result

    def __hash__(self) -> int:
        return hash((self.student, self._result))

    @property
    def policy(self) -> str:
        """The name of the policy used (e.g. ``seed+dangshan``)."""
        return self._result.policy

    @property
    def school_year(self) -> int:
        """The school year assessed."""
        return self._result.school_year

    @property
    def entitlements(self) -> tuple[Entitlement, ...]:
        """The programmes that apply, in policy order."""
        return self._result.entitlements

    @property
    def decisions(self) -> tuple[Decision, ...]:
        """For every programme of the policy: applies or not, and why."""
        return self._result.decisions

    @property
    def total(self) -> Decimal:
        """Sum of every configured amount (cash, waivers and in kind)."""
        return self._result.total

    @property
    def cash_total(self) -> Decimal:
        """Sum of configured cash amounts."""
        return self._result.cash_total

    @property
    def waiver_total(self) -> Decimal:
        """Sum of configured waivers."""
        return self._result.waiver_total

    @property
    def in_kind_total(self) -> Decimal:
        """Sum of configured in-kind provisions (textbooks, meals)."""
        return self._result.in_kind_total

    @property
    def not_configured(self) -> tuple[Entitlement, ...]:
        """Entitlements that apply but whose amount the documents do not give."""
        return self._result.not_configured

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (what :func:`edupoverty.records.convert.to_dict` and
        ``to_json`` give for an assessment): the student as ``to_dict`` gives a student, the
        policy, school year, totals as exact strings, entitlements (an amount not configured
        is an explicit marker, never zero), the programmes not configured, every decision.

        Examples:
            >>> from edupoverty.records import SchoolLocation, Stage, Student
            >>> from edupoverty.records.convert import to_json
            >>> from edupoverty.rules import load_policy
            >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
            ...             stage=Stage.SENIOR, school_location=SchoolLocation.RURAL,
            ...             registered_poor=True)
            >>> d = assess(s, load_policy("seed"), 2019).to_dict()
            >>> d["total"], d["not_configured"]
            ('5000.00', ['senior.fee_waiver'])
            >>> d["entitlements"][1]["amount"]["not_configured"]
            True
            >>> '"total": "5000.00"' in to_json(assess(s, load_policy("seed"), 2019))
            True
        """
        return {
            "student": to_dict(self.student),
            "policy": self.policy,
            "school_year": self.school_year,
            "total": to_dict(self.total),
            "cash_total": to_dict(self.cash_total),
            "waiver_total": to_dict(self.waiver_total),
            "in_kind_total": to_dict(self.in_kind_total),
            "entitlements": to_dict(list(self.entitlements)),
            "not_configured": [e.programme for e in self.not_configured],
            "decisions": to_dict(list(self.decisions)),
        }

    def entitlement(self, programme: str) -> Entitlement | None:
        """The entitlement for ``programme``, or ``None`` if it does not apply."""
        for e in self._result.entitlements:
            if e.programme == programme:
                return e
        return None

    def explain(self, lang: str = "zh") -> str:
        """Why each programme applies or not, in words, citing rule ids, in ``"zh"`` or
        ``"en"``. Programmes are named in the language asked for (their ids are in
        :attr:`entitlements` and the JSON output); amounts not configured are said so in the
        first line, never added in as zero.

        Examples:
            >>> from edupoverty.records import Stage, SchoolLocation, Student
            >>> from edupoverty.rules import load_policy
            >>> s = Student(name="赵六", id_number="11010520120307002X", school_code="1",
            ...             stage=Stage.PRIMARY, school_location=SchoolLocation.COUNTY_SEAT)
            >>> text = assess(s, load_policy("seed"), 2019).explain()
            >>> print(text.splitlines()[0])
            2019学年，政策 seed：合计 690.00 元
            >>> print(text.splitlines()[2])
            + 免学杂费：600.00 元（减免）［R-CMP-1, R-FND-1］依据：学段为初中或小学；学段为小学
            >>> print(text.splitlines()[5])  # doctest: +ELLIPSIS
            - 农村义务教育学生营养改善计划：不适用［...］：条件不满足：学校位于乡村或镇区
            >>> print(assess(s, load_policy("seed"), 2019).explain("en").splitlines()[2])
            ... # doctest: +NORMALIZE_WHITESPACE
            + Compulsory-education fee waiver: 600.00 waiver [R-CMP-1, R-FND-1] because
              stage is junior or primary; stage is primary
        """
        r = self._result
        en = lang == "en"
        ents = {e.programme: e for e in r.entitlements}
        lines = [self._headline(en)]
        for d in r.decisions:
            rules = ", ".join(d.rules)
            name = d.name_en if en else d.name_zh
            if d.applies:
                e = ents[d.programme]
                why = [c.text(lang) for c in d.held]
                if en:
                    amount = (
                        e.amount.message("en")
                        if isinstance(e.amount, NotConfigured)
                        else f"{e.amount} {e.form.value.replace('_', ' ')}"
                    )
                    tier = f", tier {e.tier}" if e.tier else ""
                    lines.append(
                        f"+ {name}: {amount}{tier} [{rules}] because "
                        + ("; ".join(why) or "no condition")
                    )
                else:
                    amount = (
                        e.amount.message("zh")
                        if isinstance(e.amount, NotConfigured)
                        else f"{e.amount} 元（{e.form.zh}）"
                    )
                    tier = f"，第{e.tier}档" if e.tier else ""
                    lines.append(
                        f"+ {name}：{amount}{tier}［{rules}］依据：" + ("；".join(why) or "无条件")
                    )
            elif en:
                lines.append(f"- {name}: does not apply [{rules}]: {d.reason_en}")
            else:
                lines.append(f"- {name}：不适用［{rules}］：{d.reason_zh}")
        return "\n".join(lines)

    def _headline(self, en: bool) -> str:
        r = self._result
        missing = [e.name_en if en else e.name_zh for e in r.not_configured]
        configured = len(r.entitlements) > len(r.not_configured)
        if en:
            head = f"School year {r.school_year}, policy {r.policy}: "
            if not missing:
                return f"{head}total {r.total}"
            if not configured:
                return f"{head}total not configured ({'; '.join(missing)})"
            return f"{head}total {r.total} configured; not configured: {'; '.join(missing)}"
        head = f"{r.school_year}学年，政策 {r.policy}："
        if not missing:
            return f"{head}合计 {r.total} 元"
        if not configured:
            return f"{head}合计 未配置（{'、'.join(missing)}）"
        return f"{head}已配置金额合计 {r.total} 元；未配置：{'、'.join(missing)}"


_set_student = Assessment.__dict__["student"].__set__
_set_result = Assessment.__dict__["_result"].__set__
_new = object.__new__


# --- computation --------------------------------------------------------------------------

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


_STATUS_FIELDS = (
    "registered_poor",
    "financial_difficulty",
    "subsistence_allowance",
    "extreme_poverty_support",
    "orphan",
    "disabled",
    "left_behind",
    "hardship_child",
)


def key_fields(policy: Policy) -> tuple[str, ...]:
    """The Student fields that decide a student's result under ``policy``, enrolment dates
    included: students equal in these get equal entitlements (without ``enrolments``).

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> fields = key_fields(load_policy("seed"))
        >>> "stage" in fields, "name" in fields, fields[-2:]
        (True, False, ('enrolled_from', 'enrolled_until'))
    """
    return (*_relevant_fields(policy), "enrolled_from", "enrolled_until")


def _relevant_fields(policy: Policy, *programmes: Programme) -> tuple[str, ...]:
    """The student fields ``programmes`` (default: all of ``policy``'s) can read: their
    conditions, fees, tiers and statuses."""
    fields: set[str] = set()
    for prog in programmes or policy.programmes:
        fields |= condition_fields(prog.eligibility)
        for case in prog.cases:
            fields |= condition_fields(case.when)
            if case.fee:
                fields.add(case.fee)
        if prog.tiered:
            fields |= {"registered_poor", "grant_tier", "difficulty_level"}
    statuses = {f.removeprefix("status:") for f in fields if f.startswith("status:")}
    fields = {f for f in fields if not f.startswith("status:")}
    if "difficult" in statuses:
        statuses.discard("difficult")
        statuses |= policy.parameters.difficulty_statuses
    fields |= statuses & set(_STATUS_FIELDS)
    return tuple(sorted(fields)) or ("stage",)


_ONE_DAY = timedelta(days=1)


def _clip(
    spans: tuple[tuple[date, date], ...], lo: date, hi: date
) -> tuple[tuple[date, date], ...]:
    """Enrolment spans cut to ``lo``–``hi`` (the school year): all proration can see of them."""
    return tuple((max(s, lo), min(e, hi)) for s, e in spans if s <= hi and e >= lo)


def _spans(
    student: Student, enrolment: Sequence[EnrolmentPeriod] | None
) -> tuple[tuple[date, date], ...]:
    if enrolment is not None:
        own = [
            (p.start, p.end or date.max) for p in enrolment if p.school_code == student.school_code
        ]
        other = [
            (p.start, p.end or date.max) for p in enrolment if p.school_code != student.school_code
        ]
        spans = _attribute(own, other) if own and other else own or other
    else:
        spans = [(student.enrolled_from or date.min, student.enrolled_until or date.max)]
    return _merge(spans)


def _semester_index(day: date) -> int:
    """Semesters numbered in order: autumn of school year Y is 2Y, its spring 2Y + 1."""
    if day.month >= 9:
        return 2 * day.year
    if day.month == 1:
        return 2 * (day.year - 1)
    return 2 * (day.year - 1) + 1


def _semester_bounds(index: int) -> tuple[date, date]:
    period = Period(index // 2, SEMESTERS[index % 2])
    return period.start, period.end


def _attribute(
    own: list[tuple[date, date]], other: list[tuple[date, date]]
) -> list[tuple[date, date]]:
    """R-STK-3: a semester shared by two schools (a transfer) is counted by one of them.

    The semester belongs to the school where the student spent most of its days (ties: the
    school the student was at first in it). The owning school counts every day of the
    semester the student was enrolled in the county, at either school; the other counts
    none of it. Semesters only one school touched are left as they are.
    """
    # Open spans (still enrolled) are bounded by the latest known date.
    last = max([e for _, e in own + other if e != date.max] + [s for s, _ in own + other])
    cap = _semester_index(last) + 1
    contested: set[int] = set()
    for s1, e1 in own:
        for s2, e2 in other:
            begin = _semester_index(max(s1, s2))
            end = min(_semester_index(min(e1, e2)) if min(e1, e2) != date.max else cap, cap)
            contested.update(range(begin, end + 1))
    kept = list(own)
    for index in sorted(contested):
        first, last_day = _semester_bounds(index)
        mine = _days_in(own, first, last_day)
        theirs = _days_in(other, first, last_day)
        if not mine or not theirs:
            continue
        first_mine = min(max(s, first) for s, e in own if s <= last_day and e >= first)
        first_theirs = min(max(s, first) for s, e in other if s <= last_day and e >= first)
        owner_is_me = mine > theirs or (mine == theirs and first_mine <= first_theirs)
        kept = [(s, e) for s, e in kept if not (s <= last_day and e >= first)] + [
            piece
            for s, e in kept
            if s <= last_day and e >= first
            for piece in ((s, first - _ONE_DAY), (last_day + _ONE_DAY, e))
            if piece[0] <= piece[1]
        ]
        if owner_is_me:
            kept += [
                (max(s, first), min(e, last_day))
                for s, e in own + other
                if s <= last_day and e >= first
            ]
    return kept


def _days_in(spans: list[tuple[date, date]], lo: date, hi: date) -> int:
    return sum((min(e, hi) - max(s, lo)).days + 1 for s, e in spans if s <= hi and e >= lo)


def _merge(spans: list[tuple[date, date]]) -> tuple[tuple[date, date], ...]:
    spans.sort()
    merged: list[tuple[date, date]] = []
    for s, e in spans:
        if e < s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return tuple(merged)


def _half(amount: Decimal) -> tuple[Decimal, Decimal]:
    """Split a year's amount into (autumn, spring), exact to the fen."""
    spring = (amount / 2).quantize(FEN, rounding=ROUND_FLOOR)
    return amount - spring, spring


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


def _case_amounts(
    prog: Programme,
    case: AmountCase,
    student: Student,
    school_year: int,
    sems: Sequence[Semester],
    view: _View,
    proration: _Proration,
    params: Parameters,
) -> tuple[dict[Semester, Amount], int | None, list[str]]:
    out: dict[Semester, Amount] = {}
    sources: list[str] = []
    days_total: int | None = None
    _, days_enrolled, unknown = view
    for sem in sems:
        period = Period(school_year, sem)
        if case.kind == "not_configured":
            out[sem] = NotConfigured(f"{prog.id}.amount", case.reason_zh, case.reason_en)
            sources.append(case.source)
            continue
        if sem in unknown and (params.proration == "any_day" or case.kind == "per_school_day"):
            # R-DYN-1: whether the student was in school on a teaching day is unknown.
            out[sem] = _terms_unknown(period)
            continue
        if case.kind == "fee":
            assert case.fee is not None
            fee: Decimal | None = getattr(student, case.fee)
            sources.append(case.source)
            if not case.in_force(period.start):
                out[sem] = NotConfigured(
                    f"{prog.id}.amount",
                    f"{period.start} 没有有效的金额",
                    f"no value in force on {period.start}",
                )
            elif fee is None:
                out[sem] = NotConfigured(
                    f"{prog.id}.amount",
                    f"按学校收费标准减免，但名单没有 {case.fee}（{case.rule}）",
                    f"waived at the fee the school charges, but the roster has no {case.fee} "
                    f"({case.rule})",
                )
            else:
                out[sem] = _half(fee)[SEMESTERS.index(sem)]
            continue
        value = case.value_at(period.start)
        if value is None or value.amount is None:
            reason = value.not_configured if value is not None else None
            out[sem] = NotConfigured(
                f"{prog.id}.amount",
                reason or f"{period.start} 没有有效的金额",
                reason or f"no value in force on {period.start}",
            )
            if value is not None:
                sources.append(value.source)
            continue
        sources.append(value.source)
        if case.kind == "per_school_day":
            days = params.days(sem)
            if days is None:
                out[sem] = NotConfigured(
                    "parameters.school_days", "未配置每学期在校天数", "school days not configured"
                )
                continue
            i = SEMESTERS.index(sem)
            enrolled, length = days_enrolled[i], proration.lengths[i]
            counted = days if enrolled >= length else days * enrolled // length
            days_total = (days_total or 0) + counted
            out[sem] = (value.amount * counted).quantize(FEN)
        elif case.per == "semester":
            out[sem] = value.amount
        else:
            out[sem] = _half(value.amount)[SEMESTERS.index(sem)]
    return out, days_total, sources


def _funding(
    prog: Programme, school_year: int, sems: Mapping[Semester, Amount]
) -> Mapping[FundingLevel, Decimal] | NotConfigured:
    totals: dict[FundingLevel, Decimal] = {}
    for sem, amount in sems.items():
        if isinstance(amount, NotConfigured):
            return amount
        shares = prog.funding_at(Period(school_year, sem).start)
        if shares is None:
            return NotConfigured(
                f"{prog.id}.funding",
                "文件未规定各级财政分担比例（R-FND-4）",
                "the documents do not state the funding shares (R-FND-4)",
            )
        parts = split_exact(amount, [p for _, p in shares.shares])
        for (level, _), part in zip(shares.shares, parts, strict=True):
            totals[level] = totals.get(level, ZERO) + part
    return FrozenMap(totals)


_Outcome = tuple[Decision, Entitlement | None]
_FORMS: tuple[ProgrammeForm, ...] = tuple(ProgrammeForm)


def _outcome(
    prog: Programme,
    student: Student,
    statuses: frozenset[str],
    school_year: int,
    view: _View,
    proration: _Proration,
    params: Parameters,
) -> _Outcome:
    """Whether ``prog`` applies to ``student`` and, if so, the entitlement."""
    ok, held, failed = evaluate(prog.eligibility, student, params.difficulty_statuses, statuses)
    counted = view[0]

    def no(zh: str, en: str) -> _Outcome:
        return Decision(prog.id, prog.name_zh, prog.name_en, False, prog.rules, held, zh, en), None

    if not ok:
        assert failed is not None
        return no(f"条件不满足：{failed.zh}", f"condition not met: {failed.en}")
    sems = [s for s in counted if prog.in_force(Period(school_year, s).start)]
    if not sems:
        if not counted:
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
    days = None
    sources: list[str] = []
    amounts: dict[Semester, Amount]
    if tier_nc is not None:
        amounts = dict.fromkeys(sems, tier_nc)
    elif case is None:
        nc = NotConfigured(
            f"{prog.id}.amount",
            "配置中没有适用于该学生情况的金额",
            "the profile has no amount for this student's case",
        )
        amounts = dict.fromkeys(sems, nc)
    else:
        amounts, days, sources = _case_amounts(
            prog, case, student, school_year, sems, view, proration, params
        )
    bad = [a for a in amounts.values() if isinstance(a, NotConfigured)]
    configured = (a for a in amounts.values() if isinstance(a, Decimal))
    amount: Amount = bad[0] if bad else sum(configured, ZERO)
    basis = tuple(dict.fromkeys((*prog.rules, *([case.rule] if case and case.rule else []))))
    ent = Entitlement(
        programme=prog.id,
        name_zh=prog.name_zh,
        name_en=prog.name_en,
        form=prog.form,
        amount=amount,
        semesters=FrozenMap(amounts),
        basis=basis,
        conditions=tuple(conditions),
        funding=_funding(prog, school_year, amounts),
        tier=tier,
        days=days,
        sources=tuple(dict.fromkeys(sources)),
    )
    decision = Decision(prog.id, prog.name_zh, prog.name_en, True, basis, tuple(conditions), "", "")
    return decision, ent


def _replaces(policy: Policy) -> dict[str, tuple[str, ...]]:
    return {p.id: p.replaces for p in policy.programmes if p.replaces}


def _assemble(
    policy: Policy,
    school_year: int,
    outcomes: Sequence[_Outcome],
    replaces: Mapping[str, tuple[str, ...]],
) -> _Result:
    """One student's result from the outcome of every programme (in policy order)."""
    decisions = {d.programme: d for d, _ in outcomes}
    ents = {e.programme: e for _, e in outcomes if e is not None}
    # R-STK-4: a programme that applies takes the place of those it replaces (profile data).
    for pid in [p for p in ents if p in replaces]:
        for replaced in replaces[pid]:
            if replaced in ents:
                del ents[replaced]
                decisions[replaced] = attrs.evolve(
                    decisions[replaced],
                    applies=False,
                    reason_zh=f"由{ents[pid].name_zh}代替（R-STK-4）",
                    reason_en=f"replaced by {ents[pid].name_en} (R-STK-4)",
                )
    entitlements = tuple(ents.values())
    totals = dict.fromkeys(_FORMS, ZERO)
    for e in entitlements:
        if isinstance(e.amount, Decimal):
            totals[e.form] += e.amount
    return _Result(
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


def _compute(
    student: Student, policy: Policy, school_year: int, spans: tuple[tuple[date, date], ...]
) -> _Result:
    params = policy.parameters
    statuses = student_statuses(student, params.difficulty_statuses)
    proration = _Proration(policy, school_year)
    view = proration.of(spans)[1]
    outcomes = [
        _outcome(p, student, statuses, school_year, view, proration, params)
        for p in policy.programmes
    ]
    return _assemble(policy, school_year, outcomes, _replaces(policy))


def _check(policy: Policy, school_year: int) -> None:
    """Typed errors for arguments of the wrong type; a warning for a school year outside
    the years the policy was reviewed for."""
    if not isinstance(policy, Policy):
        raise ArgumentError(
            "policy",
            " load_policy() 返回的政策配置",
            "a Policy returned by load_policy()",
            type(policy).__name__,
        )
    if not isinstance(school_year, int) or isinstance(school_year, bool):
        raise ArgumentError(
            "school_year", "整数学年（如 2019）", "an int school year (e.g. 2019)",
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
        >>> from edupoverty.records import Stage, SchoolLocation, Student
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
    _check(policy, school_year)
    spans = _spans(student, enrolment)
    return Assessment(student, _compute(student, policy, school_year, spans))


_View = tuple[tuple[Semester, ...], tuple[int, ...], tuple[Semester, ...]]
"""What proration sees of an enrolment: the semesters counted, the days enrolled in each
semester's teaching window, and the semesters that cannot be decided (terms not configured
and the student enrolled for only part of the semester)."""


class _Proration:
    """What proration sees of an enrolment in one school year under one policy (R-DYN-1..3).

    Each semester has a window: its term (the county's teaching days, a profile parameter)
    or, where no term is configured, its half of the school year. A semester counts if the
    student was enrolled on a day of its window (``any_day``) or on its census day
    (``census``); per-day programmes count the share of the window the student was enrolled.
    Without a term, a semester the student was enrolled for only part of is undecided
    (reported as not configured, never guessed). Students alike in the fields a policy reads
    and in this view share one result (:func:`assess_many`, :mod:`~edupoverty.rules.bulk`).
    """

    def __init__(self, policy: Policy, school_year: int) -> None:
        params = policy.parameters
        self.start, self.end = Period(school_year).start, Period(school_year).end
        self.bounds: list[tuple[Semester, date, date, bool]] = []
        for sem in SEMESTERS:
            term = params.term(sem, school_year)
            if term is None:
                half = Period(school_year, sem)
                self.bounds.append((sem, half.start, half.end, False))
            else:
                self.bounds.append((sem, term.start, term.end, True))
        self.lengths = tuple((hi - lo).days + 1 for _, lo, hi, _ in self.bounds)
        self.census = {
            s: params.census_day(s, school_year) for s in SEMESTERS if params.proration == "census"
        }
        self.daily = any(c.kind == "per_school_day" for p in policy.programmes for c in p.cases)
        self.seen: dict[Any, tuple[tuple[tuple[date, date], ...], _View]] = {}

    def of(
        self, spans: tuple[tuple[date, date], ...]
    ) -> tuple[tuple[tuple[date, date], ...], _View]:
        """(spans clipped to the school year, the view), memoised."""
        hit = self.seen.get(spans)
        if hit is None:
            clipped = _clip(spans, self.start, self.end)
            hit = self.seen[spans] = (clipped, self.view(clipped))
        return hit

    def of_dates(self, enrolled_from: date | None, enrolled_until: date | None) -> _View:
        """The view of a roster's own enrolment dates (no status changes)."""
        spans = _merge([(enrolled_from or date.min, enrolled_until or date.max)])
        return self.of(spans)[1]

    def view(self, clipped: tuple[tuple[date, date], ...]) -> _View:
        """What proration sees of the enrolment ``clipped`` to the school year."""
        counted: list[Semester] = []
        days: list[int] = []
        unknown: list[Semester] = []
        census = self.census
        for (sem, lo, hi, known), length in zip(self.bounds, self.lengths, strict=True):
            n = 0
            for a, b in clipped:
                a = a if a > lo else lo
                b = b if b < hi else hi
                if a <= b:
                    n += (b - a).days + 1
            days.append(n)
            if not known and 0 < n < length:
                unknown.append(sem)
            if census:
                day = census.get(sem)
                if day is not None and any(a <= day <= b for a, b in clipped):
                    counted.append(sem)
            elif n > 0:
                counted.append(sem)
        return tuple(counted), tuple(days) if self.daily else (), tuple(unknown)


def assess_many(
    students: Iterable[Student],
    policy: Policy,
    school_year: int,
    *,
    enrolments: Mapping[str, Sequence[EnrolmentPeriod]] | None = None,
) -> Iterator[Assessment]:
    """Assess many students, lazily, in order.

    Students whose eligibility-relevant data (:func:`projection`) and enrolment are equal
    share one immutable result, so a county's roster of tens of thousands costs a few
    hundred computations. ``enrolments`` maps an ID number to its enrolment spans.

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
    _check(policy, school_year)
    return _assess_many(students, policy, school_year, enrolments)


def _assess_many(
    students: Iterable[Student],
    policy: Policy,
    school_year: int,
    enrolments: Mapping[str, Sequence[EnrolmentPeriod]] | None = None,
) -> Iterator[Assessment]:
    """:func:`assess_many` without the stale-policy warning (its caller gives it)."""
    # Caches, from the hot path down: by the fields this policy reads plus the roster's
    # enrolment dates (one C-level attrgetter per student); on a miss, by those fields and
    # the enrolment as proration sees it, so that students who differ only in what the
    # policy ignores share one result.
    fields = _relevant_fields(policy)
    cache: dict[Any, _Result] = {}
    shared: dict[Any, _Result] = {}
    get = cache.get
    key_of = operator.attrgetter(*key_fields(policy))
    relevant = operator.attrgetter(*fields)
    new = _new
    set_student = _set_student
    set_result = _set_result

    # A third, per programme: each programme's outcome depends only on the fields it reads
    # and on the enrolment as proration sees it: the semesters counted and, for per-day
    # programmes, the days enrolled in each semester (R-DYN-1..3).
    params = policy.parameters
    replaces = _replaces(policy)
    per_programme = [
        (
            p,
            operator.attrgetter(*_relevant_fields(policy, p)),
            any(c.kind == "per_school_day" for c in p.cases),
        )
        for p in policy.programmes
    ]
    outcomes: dict[Any, _Outcome] = {}  # keeps every outcome alive: their ids are stable
    combos: dict[tuple[int, ...], _Result] = {}
    interned: dict[_Outcome, _Outcome] = {}
    proration = _Proration(policy, school_year)

    def resolve(student: Student, spans: tuple[tuple[date, date], ...]) -> _Result:
        view = proration.of(spans)[1]
        counted, days, unknown = view
        narrow = (relevant(student), view)
        result = shared.get(narrow)
        if result is None:
            statuses = None
            found = []
            for prog, fields, per_day in per_programme:
                k = (prog.id, fields(student), counted, days if per_day else (), unknown)
                o = outcomes.get(k)
                if o is None:
                    if statuses is None:
                        statuses = student_statuses(student, params.difficulty_statuses)
                    o = _outcome(prog, student, statuses, school_year, view, proration, params)
                    o = outcomes[k] = interned.setdefault(o, o)  # equal outcomes, one object
                found.append(o)
            # Students whose programmes all came out the same share one result too.
            combo = tuple(map(id, found))
            result = combos.get(combo)
            if result is None:
                result = combos[combo] = _assemble(policy, school_year, found, replaces)
            shared[narrow] = result
        return result

    if enrolments is None:
        for student in students:
            key = key_of(student)
            result = get(key)
            if result is None:
                result = cache[key] = resolve(student, _spans(student, None))
            a = new(Assessment)
            set_student(a, student)
            set_result(a, result)
            yield a
        return
    for student in students:
        periods = enrolments.get(student.id_number)
        spans = _spans(student, periods)
        key = (key_of(student), spans) if periods is not None else key_of(student)
        result = get(key)
        if result is None:
            result = cache[key] = resolve(student, spans)
        a = new(Assessment)
        set_student(a, student)
        set_result(a, result)
        yield a


# --- totals -------------------------------------------------------------------------------


@frozen(repr=False)
class ProgrammeTotal:
    """Totals of one programme: students it applies to, the amount, and how many of those
    students have an amount not configured.

    ``amount`` is the sum of the configured amounts, or :class:`NotConfigured` when no
    student's amount is configured (never a zero that is not one); where only some are,
    ``not_configured`` says how many are left out of the sum.

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.rules import load_policy
        >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL)
        >>> summarize([assess(s, load_policy("seed"), 2019)]).by_programme[
        ...     "compulsory.fee_waiver"]
        ProgrammeTotal(students=1, amount=Decimal('600.00'), not_configured=0)
        >>> senior = Student(name="王五", id_number="11010520120307002X", school_code="1",
        ...                  stage=Stage.SENIOR, school_location=SchoolLocation.CITY,
        ...                  registered_poor=True)
        >>> t = summarize([assess(senior, load_policy("seed"), 2019)]).by_programme[
        ...     "senior.fee_waiver"]
        >>> t
        ProgrammeTotal(students=1, amount=未配置, not_configured=1)
        >>> t.configured_amount, t.complete
        (Decimal('0.00'), False)
    """

    students: int
    amount: Decimal | NotConfigured
    not_configured: int

    @property
    def configured_amount(self) -> Decimal:
        """The sum of the configured amounts (zero when none is configured)."""
        return self.amount if isinstance(self.amount, Decimal) else ZERO

    @property
    def complete(self) -> bool:
        """True if every student's amount is configured, so ``amount`` is the whole total."""
        return self.not_configured == 0

    def __repr__(self) -> str:
        amount = repr(self.amount) if isinstance(self.amount, Decimal) else "未配置"
        return (
            f"ProgrammeTotal(students={self.students}, amount={amount}, "
            f"not_configured={self.not_configured})"
        )


def _programme_total(pid: str, students: int, amount: Decimal, nc: int) -> ProgrammeTotal:
    if students and nc == students:
        return ProgrammeTotal(
            students,
            NotConfigured(
                f"{pid}.amount",
                "该项目所有学生的金额均未配置",
                "no student's amount is configured for this programme",
            ),
            nc,
        )
    return ProgrammeTotal(students, amount, nc)


@frozen
class Summary:
    """Totals of many assessments by programme, form, school and funding level.

    ``funding_unknown`` is the configured amount whose funding shares are unknown;
    ``not_configured`` counts, per programme, the students whose amount is not configured.

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.rules import load_policy
        >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL)
        >>> summary = summarize([assess(s, load_policy("seed"), 2019)])
        >>> summary.students, summary.total
        (1, Decimal('1490.00'))
    """

    students: int
    total: Decimal
    by_programme: Mapping[str, ProgrammeTotal]
    by_form: Mapping[ProgrammeForm, Decimal]
    by_school: Mapping[str, Decimal]
    by_funding: Mapping[FundingLevel, Decimal]
    funding_unknown: Decimal
    not_configured: Mapping[str, int]

    def __reduce__(self) -> tuple[Any, ...]:
        # picklable (for worker processes): the read-only mappings travel as plain dicts
        return (
            _make_summary,
            (
                self.students,
                self.total,
                dict(self.by_programme),
                dict(self.by_form),
                dict(self.by_school),
                dict(self.by_funding),
                self.funding_unknown,
                dict(self.not_configured),
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (amounts as strings; a programme whose amount is not
        configured for any student has ``amount`` ``null``, never ``"0.00"``).

        Examples:
            >>> summarize([]).to_dict()["total"]
            '0.00'
        """
        return {
            "students": self.students,
            "total": str(self.total),
            "by_programme": {
                k: {
                    "students": v.students,
                    "amount": str(v.amount) if isinstance(v.amount, Decimal) else None,
                    "not_configured": v.not_configured,
                }
                for k, v in self.by_programme.items()
            },
            "by_form": {k.value: str(v) for k, v in self.by_form.items()},
            "by_school": {k: str(v) for k, v in self.by_school.items()},
            "by_funding": {k.value: str(v) for k, v in self.by_funding.items()},
            "funding_unknown": str(self.funding_unknown),
            "not_configured": dict(self.not_configured),
        }


def summarize(assessments: Iterable[Assessment]) -> Summary:
    """Add up assessments by programme, form, school and funding level.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import load_policy
        >>> kids = [Student(name=n, id_number="11010520120307002X", school_code="A",
        ...                 stage=Stage.JUNIOR, school_location=SchoolLocation.TOWN)
        ...         for n in ("甲", "乙")]
        >>> s = summarize(assess_many(kids, load_policy("seed"), 2019))
        >>> s.total, s.by_school["A"], s.by_programme["compulsory.nutrition"].amount
        (Decimal('3560.00'), Decimal('3560.00'), Decimal('1600.00'))
    """
    results: dict[int, _Result] = {}  # keeps each shared result alive while counting

    def keys() -> Iterator[tuple[str, int]]:
        for a in assessments:
            r = a._result
            rid = id(r)
            if rid not in results:
                results[rid] = r
            yield a.student.school_code, rid

    counts = Counter(keys())
    return _summary((school, results[rid], count) for (school, rid), count in counts.items())


def _summary(groups: Iterable[tuple[str, _Result, int]]) -> Summary:
    """The summary of ``count`` students of each school sharing each result."""
    totals = _Totals()
    for school, r, count in groups:
        totals.add_result(school, r, count)
    return totals.summary()


class _Totals:
    """Running totals of a :class:`Summary`, keys in order of first appearance."""

    def __init__(self) -> None:
        self.students = 0
        self.total = ZERO
        self.by_prog: dict[str, list[Any]] = {}  # programme -> [students, amount, not configured]
        self.by_form = dict.fromkeys(ProgrammeForm, ZERO)
        self.by_school: dict[str, Decimal] = {}
        self.by_funding = dict.fromkeys(FundingLevel, ZERO)
        self.unknown = ZERO
        self.nc: dict[str, int] = {}

    def add_result(self, school: str, r: _Result, count: int) -> None:
        """Add ``count`` students of ``school`` sharing the result ``r``."""
        self.students += count
        self.total += r.total * count
        self.by_school[school] = self.by_school.get(school, ZERO) + r.total * count
        for e in r.entitlements:
            row = self.by_prog.setdefault(e.programme, [0, ZERO, 0])
            row[0] += count
            if isinstance(e.amount, Decimal):
                row[1] += e.amount * count
                self.by_form[e.form] += e.amount * count
                if isinstance(e.funding, NotConfigured):
                    self.unknown += e.amount * count
                else:
                    for level, part in e.funding.items():
                        self.by_funding[level] += part * count
            else:
                row[2] += count
                self.nc[e.programme] = self.nc.get(e.programme, 0) + count

    def add_summary(self, s: Summary) -> None:
        """Add the totals of another summary."""
        self.students += s.students
        self.total += s.total
        for pid, t in s.by_programme.items():
            row = self.by_prog.setdefault(pid, [0, ZERO, 0])
            row[0] += t.students
            row[1] += t.configured_amount
            row[2] += t.not_configured
        for form, amount in s.by_form.items():
            self.by_form[form] += amount
        for school, amount in s.by_school.items():
            self.by_school[school] = self.by_school.get(school, ZERO) + amount
        for level, amount in s.by_funding.items():
            self.by_funding[level] += amount
        self.unknown += s.funding_unknown
        for pid, count in s.not_configured.items():
            self.nc[pid] = self.nc.get(pid, 0) + count

    def summary(self) -> Summary:
        return _make_summary(
            self.students,
            self.total,
            {k: _programme_total(k, *v) for k, v in self.by_prog.items()},
            self.by_form,
            self.by_school,
            self.by_funding,
            self.unknown,
            self.nc,
        )


def merge_summaries(summaries: Iterable[Summary]) -> Summary:
    """Add up the summaries of parts of a roster (read in slices, or school by school) into
    the summary of the whole: amounts are exact, keys keep their order of first appearance.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import load_policy
        >>> kids = [Student(name=n, id_number="11010520120307002X", school_code=c,
        ...                 stage=Stage.JUNIOR, school_location=SchoolLocation.TOWN)
        ...         for n, c in (("甲", "A"), ("乙", "B"))]
        >>> parts = [summarize(assess_many([k], load_policy("seed"), 2019)) for k in kids]
        >>> merge_summaries(parts) == summarize(assess_many(kids, load_policy("seed"), 2019))
        True
    """
    totals = _Totals()
    for s in summaries:
        totals.add_summary(s)
    return totals.summary()


def _make_summary(
    students: int,
    total: Decimal,
    by_programme: dict[str, ProgrammeTotal],
    by_form: dict[ProgrammeForm, Decimal],
    by_school: dict[str, Decimal],
    by_funding: dict[FundingLevel, Decimal],
    funding_unknown: Decimal,
    not_configured: dict[str, int],
) -> Summary:
    return Summary(
        students=students,
        total=total,
        by_programme=MappingProxyType(by_programme),
        by_form=MappingProxyType(by_form),
        by_school=MappingProxyType(by_school),
        by_funding=MappingProxyType(by_funding),
        funding_unknown=funding_unknown,
        not_configured=MappingProxyType(not_configured),
    )


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
