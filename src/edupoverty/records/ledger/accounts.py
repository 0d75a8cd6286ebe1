"""The ledger's accounts (收支分明, R-REC-2): balance by programme and funding level, payments
without their disclosure, and reconciliation of what was paid with what was due.

Pure functions over :class:`~edupoverty.records.model.LedgerEntry` values. Programme names are
normalised first (:func:`~edupoverty.records.ledger.entries.programme_id`), so a payment entered
as ``寄宿生生活补助`` and an allocation entered as ``compulsory.boarding_allowance`` meet on
one line.

Examples:
    >>> from datetime import date
    >>> from edupoverty.records.ledger.entries import chain, expenditure, income
    >>> es = chain([income(date(2019, 9, 2), "compulsory.boarding_allowance", "1000",
    ...                    FundingLevel.CENTRAL, "文件"),
    ...             expenditure(date(2019, 11, 1), "寄宿生生活补助", "500", batch="B")])
    >>> [(x.programme, x.income, x.expenditure) for x in balance(es).by_programme()]
    [('compulsory.boarding_allowance', Decimal('1000.00'), Decimal('500.00'))]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from attrs import field, frozen

from edupoverty.records.enums import FundingLevel
from edupoverty.records.ledger.entries import programme_id
from edupoverty.records.model import Disbursement, LedgerEntry, Period
from edupoverty.records.money import ZERO, money

__all__ = [
    "Balance",
    "BalanceLine",
    "ExpectedPayment",
    "Reconciliation",
    "ReconciliationLine",
    "balance",
    "reconcile",
    "undisclosed",
]


@frozen
class BalanceLine:
    """Income and expenditure of one programme and funding level, kept apart (收支分明).

    Examples:
        >>> line = BalanceLine("compulsory.nutrition", None, Decimal("800.00"), Decimal("300.00"))
        >>> line.balance
        Decimal('500.00')
    """

    programme: str
    funding_level: FundingLevel | None
    income: Decimal
    expenditure: Decimal

    @property
    def balance(self) -> Decimal:
        """Income less expenditure (结余)."""
        return self.income - self.expenditure


@frozen
class Balance:
    """The ledger's balance: a line per programme and funding level, and the totals.

    Expenditure entries usually name no funding level: they form the line whose
    ``funding_level`` is ``None``. :meth:`by_programme` adds the levels up.

    Examples:
        >>> balance([]).income_total
        Decimal('0.00')
    """

    lines: tuple[BalanceLine, ...]

    @property
    def income_total(self) -> Decimal:
        """All income."""
        return sum((x.income for x in self.lines), ZERO)

    @property
    def expenditure_total(self) -> Decimal:
        """All expenditure."""
        return sum((x.expenditure for x in self.lines), ZERO)

    @property
    def balance(self) -> Decimal:
        """All income less all expenditure."""
        return self.income_total - self.expenditure_total

    def by_programme(self) -> tuple[BalanceLine, ...]:
        """One line per programme, funding levels added up.

        Examples:
            >>> from datetime import date
            >>> from edupoverty.records.ledger.entries import chain, expenditure, income, reverse
            >>> es = chain([income(date(2019, 9, 2), "p", "80", FundingLevel.CENTRAL, "d"),
            ...             income(date(2019, 9, 2), "p", "20", FundingLevel.PROVINCIAL, "d"),
            ...             expenditure(date(2019, 9, 9), "p", "30", batch="B")])
            >>> [(x.programme, x.income, x.expenditure) for x in balance(es).by_programme()]
            [('p', Decimal('100.00'), Decimal('30.00'))]
        """
        acc: dict[str, list[Decimal]] = {}
        for x in self.lines:
            a = acc.setdefault(x.programme, [ZERO, ZERO])
            a[0] += x.income
            a[1] += x.expenditure
        return tuple(BalanceLine(p, None, a[0], a[1]) for p, a in sorted(acc.items()))


def balance(entries: Iterable[LedgerEntry], programmes: Mapping[str, str] | None = None) -> Balance:
    """Total income and expenditure apart, by programme and funding level (收支分明, R-REC-2).

    Corrections count with their (negative) amount in the column of what they reverse.
    Programme names are normalised (:func:`~edupoverty.records.ledger.entries.programme_id`,
    with ``programmes`` as extra ``{name: id}`` aliases, such as a policy's Chinese names).

    Examples:
        >>> from datetime import date
        >>> from edupoverty.records.ledger.entries import chain, expenditure, income, reverse
        >>> es = chain([income(date(2019, 9, 2), "p", "100", FundingLevel.CENTRAL, "d"),
        ...             expenditure(date(2019, 9, 9), "p", "60", batch="B")])
        >>> es = es + chain([reverse(es[1], date(2019, 9, 10))], after=es[1])
        >>> b = balance(es)
        >>> [(x.funding_level, x.income, x.expenditure) for x in b.lines]
        [(None, Decimal('0.00'), Decimal('0.00')), (<FundingLevel.CENTRAL: 'central'>, Decimal('100.00'), Decimal('0.00'))]
    """  # noqa: E501
    acc: dict[tuple[str, str], list[Any]] = {}
    for e in entries:
        fl = e.funding_level
        key = (programme_id(e.programme, programmes), "" if fl is None else fl.value)
        a = acc.get(key)
        if a is None:
            a = acc[key] = [fl, ZERO, ZERO]
        a[1 if e.kind == "income" else 2] += e.amount
    return Balance(tuple(BalanceLine(k[0], a[0], a[1], a[2]) for k, a in sorted(acc.items())))


def undisclosed(entries: Iterable[LedgerEntry]) -> tuple[LedgerEntry, ...]:
    """Expenditure entries that name no disclosure (每发放一笔资金都进行公示, R-PAY-4).

    Examples:
        >>> from datetime import date
        >>> from edupoverty.records.ledger.entries import chain, expenditure, income, reverse
        >>> es = chain([expenditure(date(2019, 9, 9), "p", "60", batch="B")])
        >>> [e.seq for e in undisclosed(es)]
        [1]
    """
    return tuple(
        e for e in entries if e.kind == "expenditure" and e.corrects is None and not e.disclosure_id
    )


@frozen
class ExpectedPayment:
    """What a student is due from a programme for a period (an entitlement, from the rules).

    Examples:
        >>> ExpectedPayment("11010520120307002X", "compulsory.boarding_allowance",
        ...                 Period(2019), "1000").amount
        Decimal('1000.00')
    """

    student_id: str = field(repr=False)
    programme: str
    period: Period
    amount: Decimal = field(converter=money)


@frozen
class ReconciliationLine:
    """Expected and paid for one student, programme and period; ``difference`` = paid −
    expected (negative: underpaid, positive: overpaid or not due).

    Examples:
        >>> line = ReconciliationLine("x", "p", Period(2019), Decimal("1000.00"), Decimal("500.00"))
        >>> line.difference
        Decimal('-500.00')
    """

    student_id: str = field(repr=False)
    programme: str
    period: Period | None
    expected: Decimal
    paid: Decimal

    @property
    def difference(self) -> Decimal:
        """Paid less expected."""
        return self.paid - self.expected


@frozen
class Reconciliation:
    """Expected against paid (对账), per student, programme and period.

    ``unattributed`` are the sequence numbers of expenditure entries that name no student and
    so cannot be matched.

    Examples:
        >>> reconcile([], []).ok
        True
    """

    lines: tuple[ReconciliationLine, ...]
    unattributed: tuple[int, ...] = ()

    @property
    def differences(self) -> tuple[ReconciliationLine, ...]:
        """The lines where paid and expected differ."""
        return tuple(x for x in self.lines if x.paid != x.expected)

    @property
    def ok(self) -> bool:
        """True when every line matches and every payment names its student."""
        return not self.differences and not self.unattributed


_Key = tuple[str, str, Period | None]


def reconcile(
    expected: Iterable[ExpectedPayment | tuple[str, str, Period, Decimal]],
    paid: Iterable[LedgerEntry | Disbursement],
    *,
    per_school_year: bool = False,
    programmes: Mapping[str, str] | None = None,
) -> Reconciliation:
    """Compare what was due with what was paid, per student, programme and period.

    ``expected`` holds :class:`ExpectedPayment` values or ``(student_id, programme, period,
    amount)`` tuples (what ``rules.expected_payments`` yields, one per semester); ``paid`` holds
    expenditure ledger entries (income entries are skipped) or disbursements. A payment for a
    semester counts towards an expectation for its whole school year; a payment without a
    period counts towards the only expectation of its student and programme, if there is
    exactly one. ``per_school_year=True`` compares whole school years on both sides (for
    ledgers that record a year's payment at once). Programme names on both sides are
    normalised as :func:`balance` normalises them (``programmes``: extra ``{name: id}``
    aliases), so ``寄宿生生活补助`` meets ``compulsory.boarding_allowance``.

    Examples:
        >>> from edupoverty.records.enums import PaymentMethod
        >>> from datetime import date
        >>> from edupoverty.records.ledger.entries import chain, expenditure, income, reverse
        >>> from edupoverty.records.enums import Semester
        >>> due = [ExpectedPayment("S1", "boarding", Period(2019), "1000"),
        ...        ExpectedPayment("S2", "boarding", Period(2019), "1000")]
        >>> paid = chain([expenditure(date(2019, 11, 1), "boarding", "500", batch="A",
        ...                           student_id=s, period=Period(2019, Semester.AUTUMN))
        ...               for s in ("S1", "S2")]
        ...              + [expenditure(date(2020, 4, 1), "boarding", "500", batch="B",
        ...                             student_id="S1", period=Period(2019, Semester.SPRING))])
        >>> r = reconcile(due, paid)
        >>> [(x.programme, x.expected, x.paid, x.difference) for x in r.differences]
        [('boarding', Decimal('1000.00'), Decimal('500.00'), Decimal('-500.00'))]
        >>> per_semester = [("S1", "boarding", Period(2019, Semester.AUTUMN), Decimal("500")),
        ...                 ("S1", "boarding", Period(2019, Semester.SPRING), Decimal("500"))]
        >>> yearly = chain([expenditure(date(2020, 6, 1), "boarding", "1000", batch="Y",
        ...                             student_id="S1", period=Period(2019))])
        >>> reconcile(per_semester, yearly).ok, reconcile(per_semester, yearly,
        ...                                               per_school_year=True).ok
        (False, True)
        >>> zh = chain([expenditure(date(2020, 6, 1), "寄宿生生活补助", "1000", batch="Z",
        ...                         student_id="S1", period=Period(2019))])
        >>> reconcile([("S1", "compulsory.boarding_allowance", Period(2019), "1000")], zh).ok
        True
    """

    def norm(p: Period | None) -> Period | None:
        if per_school_year and p is not None and p.semester is not None:
            return Period(p.school_year)
        return p

    exp: dict[_Key, Decimal] = {}
    by_sp: dict[tuple[str, str], list[_Key]] = {}
    for x in expected:
        if isinstance(x, tuple):
            x = ExpectedPayment(*x)
        programme = programme_id(x.programme, programmes)
        key: _Key = (x.student_id, programme, norm(x.period))
        if key not in exp:
            by_sp.setdefault((x.student_id, programme), []).append(key)
        exp[key] = exp.get(key, ZERO) + x.amount
    got: dict[_Key, Decimal] = {}
    unattributed: list[int] = []
    for p in paid:
        if isinstance(p, LedgerEntry):
            if p.kind != "expenditure":
                continue
            if not p.student_id:
                unattributed.append(p.seq)
                continue
            sid, period = p.student_id, norm(p.period)
        else:
            sid, period = p.student_id, norm(p.period)
        programme = programme_id(p.programme, programmes)
        key = (sid, programme, period)
        if key not in exp:
            if period is not None and period.semester is not None:
                whole: _Key = (sid, programme, Period(period.school_year))
                if whole in exp:
                    key = whole
            elif period is None:
                options = by_sp.get((sid, programme), [])
                if len(options) == 1:
                    key = options[0]
        got[key] = got.get(key, ZERO) + p.amount
    keys = sorted(set(exp) | set(got), key=_sort_key)
    return Reconciliation(
        tuple(
            ReconciliationLine(k[0], k[1], k[2], exp.get(k, ZERO), got.get(k, ZERO)) for k in keys
        ),
        tuple(unattributed),
    )


def _sort_key(k: _Key) -> tuple[str, int, str, str]:
    p = k[2]
    if p is None:
        return (k[1], -1, "", k[0])
    return (k[1], p.school_year, "" if p.semester is None else p.semester.value, k[0])
