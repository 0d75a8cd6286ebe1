"""Totals of many assessments: by programme, form, school and level of government (汇总).

:func:`summarize` adds up assessments, :func:`merge_summaries` the summaries of parts of a
roster; :func:`~edupoverty.rules.bulk.summarize_table` gives the same :class:`Summary` from
an assessed Arrow table. Amounts are exact; an amount not configured is never added in as
zero: it is counted apart (:class:`ProgrammeTotal`, ``Summary.not_configured``).

Examples:
    >>> from edupoverty.records import SchoolLocation, Stage, Student
    >>> from edupoverty.rules import assess, load_policy
    >>> s = Student(name="张三", id_number="11010520120307002X", school_code="A",
    ...             stage=Stage.PRIMARY, school_location=SchoolLocation.CITY)
    >>> summarize([assess(s, load_policy("seed"), 2019)]).by_school["A"]
    Decimal('690.00')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pyarrow as pa
from attrs import frozen

from edupoverty.errors import ArgumentError
from edupoverty.records.columns import MONEY
from edupoverty.records.enums import FundingLevel, ProgrammeForm
from edupoverty.records.money import ZERO
from edupoverty.records.tables import html_table, to_pandas, to_polars
from edupoverty.rules.results import Assessment, Result
from edupoverty.rules.values import NotConfigured

__all__ = [
    "SUMMARY_VIEWS",
    "ProgrammeTotal",
    "Summary",
    "Totals",
    "make_summary",
    "merge_summaries",
    "summarize",
]


@frozen(repr=False)
class ProgrammeTotal:
    """Totals of one programme: students it applies to, the amount, and how many of those
    students have an amount not configured.

    ``amount`` is the sum of the configured amounts, or :class:`NotConfigured` when no
    student's amount is configured (never a zero that is not one); where only some are,
    ``not_configured`` says how many are left out of the sum.

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.rules import assess, load_policy
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

    @classmethod
    def of(
        cls, programme: str, students: int, amount: Decimal, not_configured: int
    ) -> ProgrammeTotal:
        """The total of ``programme`` over ``students``, ``amount`` the sum of the configured
        amounts: :class:`NotConfigured` instead when none of them is configured.

        Examples:
            >>> ProgrammeTotal.of("rain_dew", 2, ZERO, 2)
            ProgrammeTotal(students=2, amount=未配置, not_configured=2)
        """
        if students and not_configured == students:
            return cls(
                students,
                NotConfigured(
                    f"{programme}.amount",
                    "该项目所有学生的金额均未配置",
                    "no student's amount is configured for this programme",
                ),
                not_configured,
            )
        return cls(students, amount, not_configured)

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


SUMMARY_VIEWS = ("programme", "funding", "school", "form")
"""The tables a :class:`Summary` gives (``Summary.to_arrow(by=...)``)."""


@frozen(repr=False)
class Summary:
    """Totals of many assessments by programme, form, school and funding level.

    ``funding_unknown`` is the configured amount whose funding shares are unknown;
    ``not_configured`` counts, per programme, the students whose amount is not configured.
    Keys are in the order they first appear among the students.

    As tables (:meth:`to_arrow`, :meth:`to_pandas`, :meth:`to_polars`, ``by`` one of
    :data:`SUMMARY_VIEWS`): by programme ``programme, students, amount, not_configured``
    (``amount`` missing where no student's amount is configured, never 0); by funding
    level ``level, amount`` (a last row ``unknown``: the configured amounts whose shares
    are unknown); by school ``school_code, total``; by form ``form, amount``. Amounts are
    ``decimal128(18, 2)``.

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.rules import assess, load_policy
        >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL)
        >>> summary = summarize([assess(s, load_policy("seed"), 2019)])
        >>> summary.students, summary.total
        (1, Decimal('1490.00'))
        >>> summary
        Summary(students=1, total=Decimal('1490.00'), programmes=3, schools=1, not_configured=0)
        >>> summary.to_pandas()[["programme", "amount"]].iloc[0].tolist()
        ['compulsory.fee_waiver', Decimal('600.00')]
        >>> summary.to_polars(by="school")["total"].to_list()
        [Decimal('1490.00')]
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
            make_summary,
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

    def __repr__(self) -> str:
        return (
            f"Summary(students={self.students}, total={self.total!r}, "
            f"programmes={len(self.by_programme)}, schools={len(self.by_school)}, "
            f"not_configured={sum(self.not_configured.values())})"
        )

    def to_arrow(self, by: str = "programme") -> pa.Table:
        """One view of the summary as an Arrow table: ``by`` ``"programme"`` (default),
        ``"funding"``, ``"school"`` or ``"form"`` (see the class). A programme whose amount
        is configured for no student has a null ``amount``.

        Examples:
            >>> summarize([]).to_arrow("funding").column("level").to_pylist()[-1]
            'unknown'
        """
        if by == "programme":
            items = list(self.by_programme.items())
            return pa.table(
                {
                    "programme": pa.array([k for k, _ in items], pa.string()),
                    "students": pa.array([t.students for _, t in items], pa.int64()),
                    "amount": pa.array(
                        [t.amount if isinstance(t.amount, Decimal) else None for _, t in items],
                        MONEY,
                    ),
                    "not_configured": pa.array([t.not_configured for _, t in items], pa.int64()),
                }
            )
        if by == "funding":
            levels = [*(k.value for k in self.by_funding), "unknown"]
            amounts = [*self.by_funding.values(), self.funding_unknown]
            return pa.table(
                {"level": pa.array(levels, pa.string()), "amount": pa.array(amounts, MONEY)}
            )
        if by == "school":
            return pa.table(
                {
                    "school_code": pa.array(list(self.by_school), pa.string()),
                    "total": pa.array(list(self.by_school.values()), MONEY),
                }
            )
        if by == "form":
            return pa.table(
                {
                    "form": pa.array([k.value for k in self.by_form], pa.string()),
                    "amount": pa.array(list(self.by_form.values()), MONEY),
                }
            )
        raise ArgumentError("by", "、".join(SUMMARY_VIEWS), " or ".join(SUMMARY_VIEWS), repr(by))

    def to_pandas(self, by: str = "programme") -> Any:
        """:meth:`to_arrow` as a pandas ``DataFrame`` (exact decimals, missing as ``<NA>``)."""
        return to_pandas(self.to_arrow(by))

    def to_polars(self, by: str = "programme") -> Any:
        """:meth:`to_arrow` as a polars ``DataFrame``."""
        return to_polars(self.to_arrow(by))

    def _repr_html_(self) -> str:
        head = (
            f"<p>学生 {self.students} 人，已配置金额合计 {self.total} 元；"
            f"未配置 {sum(self.not_configured.values())} 项次 / {self.students} students, "
            f"configured total {self.total}</p>"
        )
        programmes = [
            (
                k,
                t.students,
                t.amount if isinstance(t.amount, Decimal) else "未配置",
                t.not_configured,
            )
            for k, t in self.by_programme.items()
        ]
        funding = [(k.zh, v) for k, v in self.by_funding.items()]
        funding.append(("份额未知", self.funding_unknown))
        return "".join(
            [
                head,
                html_table(["项目", "学生", "金额（元）", "未配置"], programmes, caption="按项目"),
                html_table(["出资", "金额（元）"], funding, caption="按出资层级"),
                html_table(
                    ["学校代码", "合计（元）"],
                    self.by_school.items(),
                    count=len(self.by_school),
                    caption="按学校",
                ),
            ]
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


def make_summary(
    students: int,
    total: Decimal,
    by_programme: dict[str, ProgrammeTotal],
    by_form: dict[ProgrammeForm, Decimal],
    by_school: dict[str, Decimal],
    by_funding: dict[FundingLevel, Decimal],
    funding_unknown: Decimal,
    not_configured: dict[str, int],
) -> Summary:
    """A :class:`Summary` holding read-only views of the dictionaries given.

    Examples:
        >>> make_summary(0, ZERO, {}, {}, {}, {}, ZERO, {}).students
        0
    """
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


def summarize(assessments: Iterable[Assessment]) -> Summary:
    """Add up assessments by programme, form, school and funding level.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import assess_many, load_policy
        >>> kids = [Student(name=n, id_number="11010520120307002X", school_code="A",
        ...                 stage=Stage.JUNIOR, school_location=SchoolLocation.TOWN)
        ...         for n in ("甲", "乙")]
        >>> s = summarize(assess_many(kids, load_policy("seed"), 2019))
        >>> s.total, s.by_school["A"], s.by_programme["compulsory.nutrition"].amount
        (Decimal('3560.00'), Decimal('3560.00'), Decimal('1600.00'))
    """
    results: dict[int, Result] = {}  # keeps each shared result alive while counting

    def keys() -> Iterator[tuple[str, int]]:
        for a in assessments:
            r = a.result
            rid = id(r)
            if rid not in results:
                results[rid] = r
            yield a.student.school_code, rid

    counts = Counter(keys())
    totals = Totals()
    for (school, rid), count in counts.items():
        totals.add_result(school, results[rid], count)
    return totals.summary()


class Totals:
    """Running totals of a :class:`Summary`, keys in order of first appearance.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> from edupoverty.rules import assess, load_policy
        >>> s = Student(name="甲", id_number="11010520120307002X", school_code="A",
        ...             stage=Stage.JUNIOR, school_location=SchoolLocation.TOWN)
        >>> totals = Totals()
        >>> totals.add_result("A", assess(s, load_policy("seed"), 2019).result, 3)
        >>> totals.summary().total
        Decimal('5340.00')
    """

    def __init__(self) -> None:
        self.students = 0
        self.total = ZERO
        self.by_prog: dict[str, list[Any]] = {}  # programme -> [students, amount, not configured]
        self.by_form = dict.fromkeys(ProgrammeForm, ZERO)
        self.by_school: dict[str, Decimal] = {}
        self.by_funding = dict.fromkeys(FundingLevel, ZERO)
        self.unknown = ZERO
        self.nc: dict[str, int] = {}

    def add_result(self, school: str, r: Result, count: int) -> None:
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
        """The summary of everything added so far."""
        return make_summary(
            self.students,
            self.total,
            {k: ProgrammeTotal.of(k, *v) for k, v in self.by_prog.items()},
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
        >>> from edupoverty.rules import assess_many, load_policy
        >>> kids = [Student(name=n, id_number="11010520120307002X", school_code=c,
        ...                 stage=Stage.JUNIOR, school_location=SchoolLocation.TOWN)
        ...         for n, c in (("甲", "A"), ("乙", "B"))]
        >>> parts = [summarize(assess_many([k], load_policy("seed"), 2019)) for k in kids]
        >>> merge_summaries(parts) == summarize(assess_many(kids, load_policy("seed"), 2019))
        True
    """
    totals = Totals()
    for s in summaries:
        totals.add_summary(s)
    return totals.summary()
