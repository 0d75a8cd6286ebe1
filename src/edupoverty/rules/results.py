"""What an assessment gives: entitlements, decisions and their explanation (测算结果).

An :class:`Assessment` is one student plus a :class:`Result`, the immutable part that
students alike in everything the rules read share (:func:`~edupoverty.rules.assess.assess_many`
hands out one object for them all). A result lists the :class:`Entitlement` of every
programme that applies and, for every programme of the policy, the :class:`Decision` that
says why it applies or not; :meth:`Assessment.explain` puts them in words.

Examples:
    >>> from edupoverty.records import SchoolLocation, Stage, Student
    >>> from edupoverty.rules import assess, load_policy
    >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
    ...             stage=Stage.PRIMARY, school_location=SchoolLocation.CITY)
    >>> a = assess(s, load_policy("seed"), 2019)
    >>> isinstance(a.result, Result), [e.programme for e in a.entitlements]
    (True, ['compulsory.fee_waiver', 'compulsory.free_textbooks'])
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from attrs import frozen

from edupoverty.records.convert import to_dict
from edupoverty.records.enums import FundingLevel, ProgrammeForm, Semester
from edupoverty.records.idcard import mask
from edupoverty.records.model import Student
from edupoverty.records.tables import html_table
from edupoverty.rules.eligibility import Label
from edupoverty.rules.values import NotConfigured

__all__ = ["SEMESTERS", "Amount", "Assessment", "Decision", "Entitlement", "Result"]

SEMESTERS: tuple[Semester, ...] = (Semester.AUTUMN, Semester.SPRING)
"""The semesters of a school year, in order."""

Amount = Decimal | NotConfigured
"""An amount of money, or the reason the documents do not give it."""


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
        >>> from edupoverty.rules import assess, load_policy
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
class Result:
    """The shared, immutable part of an assessment: every entitlement and decision and the
    totals. Students alike in everything the rules read get equal results (and, from one
    :func:`~edupoverty.rules.assess.assess_many`, the same object).

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.rules import assess, load_policy
        >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.JUNIOR, school_location=SchoolLocation.RURAL)
        >>> r = assess(s, load_policy("seed"), 2019).result
        >>> r.total, r.cash_total, r.in_kind_total, len(r.decisions)
        (Decimal('1780.00'), Decimal('0.00'), Decimal('980.00'), 12)
    """

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
    assessment itself only adds the student it is about. Its attributes are read-only.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import assess, load_policy
        >>> s = Student(name="王五", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.SENIOR, school_location=SchoolLocation.COUNTY_SEAT,
        ...             registered_poor=True)
        >>> a = assess(s, load_policy("seed"), 2019)
        >>> a.total, [e.programme for e in a.not_configured]
        (Decimal('5000.00'), ['senior.fee_waiver'])
        >>> a.student.name
        '王五'
        >>> Assessment(a.student, a.result) == a
        True
        >>> a
        Assessment(row=None, school_year=2019, total=5000.00, programmes=3)
        >>> "110105********002X" in a._repr_html_(), "20120307" in a._repr_html_()
        (True, False)
        >>> "行" in a._repr_html_()  # no roster row to name
        False
        >>> a.student = None
        Traceback (most recent call last):
        ...
        AttributeError: property 'student' of 'Assessment' object has no setter
    """

    __slots__ = ("_result", "_student")

    def __init__(self, student: Student, result: Result) -> None:
        self._student = student
        self._result = result

    def __repr__(self) -> str:
        return (
            f"Assessment(row={self._student.row!r}, school_year={self._result.school_year}, "
            f"total={self._result.total}, programmes={len(self._result.entitlements)})"
        )

    def _repr_html_(self) -> str:
        s, r = self._student, self._result
        where = f"，第{s.row}行" if s.row is not None else ""  # a student made in code has none
        head = (
            f"<p><b>{html.escape(s.name)}</b>（{html.escape(mask(s.id_number))}{where}）"
            f"{html.escape(self._headline(False))}</p>"
        )
        rows = [
            (
                e.programme,
                e.name_zh,
                e.form.zh,
                e.amount if isinstance(e.amount, Decimal) else "未配置",
                ", ".join(e.basis),
            )
            for e in r.entitlements
        ]
        return head + html_table(["项目", "名称", "形式", "金额（元）", "依据"], rows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Assessment):
            return NotImplemented
        return self._student == other._student and self._result == other._result

    def __hash__(self) -> int:
        return hash((self._student, self._result))

    @property
    def student(self) -> Student:
        """The student assessed (the roster's row)."""
        return self._student

    @property
    def result(self) -> Result:
        """The shared result (what students alike in the fields the rules read share)."""
        return self._result

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
            >>> from edupoverty.rules import assess, load_policy
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
            >>> from edupoverty.rules import assess, load_policy
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
