"""The validation report (效验, R-REC-3): every problem in rosters and payments.

:func:`validate` checks one or more rosters (already read, or paths) and the disbursements
paid against them, and returns :class:`~edupoverty.records.findings.Finding` values with the
stable codes of :data:`~edupoverty.records.findings.CODES`:

- row-level, found while reading: ``id.length``, ``id.format``, ``id.checksum``,
  ``id.birth_date``, ``id.region`` (warning), ``field.missing``, ``field.invalid``,
  ``column.unknown`` (warning);
- across rows: ``row.age_stage`` (warning: age at 1 September of the school year outside
  the plausible range for the stage, :data:`~edupoverty.records.checks.AGE_RANGES`) and
  ``report.duplicate`` (重报: one ID number twice in a roster, or in several rosters checked
  together; the later row is reported, naming the first);
- payments: ``payment.method`` (a boarding allowance not paid by bank transfer to the family,
  R-PAY-1; a nutrition benefit given as anything but meals by real name, R-PAY-3),
  ``payment.account`` (a bank transfer with no account to pay into) and ``report.duplicate``
  (the same programme paid twice to one student for one period, R-STK-3).

``report.missing``, ``report.ineligible`` and ``report.amount`` need the rules: they are
defined in the catalogue and produced by :mod:`edupoverty.rules`.

Messages name the row and the field, never an ID number or an account.

Examples:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = p.write_text(
    ...     "name,id_number,school_code,stage,school_location\\n"
    ...     "张三,11010520120307002X,1,primary,rural\\n"
    ...     "张三,11010520120307002X,1,primary,rural\\n", encoding="utf-8")
    >>> [(f.code, f.row) for f in validate(p, school_year=2019)]
    [('report.duplicate', 3)]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
from attrs import field, frozen

from edupoverty.records import idcard
from edupoverty.records.arguments import china_date
from edupoverty.records.checks import age_finding, age_stage
from edupoverty.records.duplicates import Seen, duplicate_finding
from edupoverty.records.enums import Payee, PaymentMethod
from edupoverty.records.findings import Finding, finding
from edupoverty.records.model import Disbursement
from edupoverty.records.reader import read_roster_table
from edupoverty.records.roster import DisbursementResult, RosterResult, read_disbursements

__all__ = [
    "ValidationReport",
    "check_payments",
    "current_school_year",
    "school_year_of",
    "validate",
    "validation_report",
]

Roster = RosterResult | str | os.PathLike[str]
Payments = DisbursementResult | str | os.PathLike[str] | Iterable[Disbursement]


@frozen
class ValidationReport:
    """The outcome of :func:`validation_report`: counts and findings.

    ``rows``/``accepted``/``rejected`` count roster rows (``rows == accepted + rejected``);
    ``payments_*`` count disbursement rows. ``findings`` are in file order, then row order.
    ``headers`` gives, by source, each field's header as that file writes it, and ``names``,
    by source, the student's name on each row with findings: what a report returned to a
    school names the column and the student by.

    Examples:
        >>> r = ValidationReport(rows=2, accepted=1, rejected=1, findings=())
        >>> r.has_errors
        False
    """

    rows: int
    accepted: int
    rejected: int
    findings: tuple[Finding, ...]
    sources: tuple[str, ...] = ()
    payments_rows: int = 0
    payments_accepted: int = 0
    payments_rejected: int = 0
    headers: dict[str, dict[str, str]] = field(factory=dict, eq=False)
    names: dict[str, dict[int, str]] = field(factory=dict, eq=False)

    @property
    def has_errors(self) -> bool:
        """True if any finding is an error (the CLI exits 1)."""
        return any(f.is_error for f in self.findings)


def school_year_of(day: date) -> int:
    """The school year a day falls in (a school year Y runs from Y-09-01 to (Y+1)-08-31).

    Examples:
        >>> school_year_of(date(2020, 3, 1)), school_year_of(date(2020, 9, 1))
        (2019, 2020)
    """
    return day.year if day.month >= 9 else day.year - 1


def current_school_year(now: datetime | None = None) -> int:
    """The school year of today in China (UTC+8, whatever the machine's clock zone), or of
    the instant ``now``: the one default school year of every command and of
    :func:`validation_report` (a school year starts on 1 September).

    Examples:
        >>> current_school_year(datetime(2026, 8, 31, 16, 0, tzinfo=UTC))  # 1 Sept. in China
        2026
        >>> current_school_year(datetime(2026, 8, 31, 15, 59, tzinfo=UTC))
        2025
    """
    return school_year_of(china_date(now if now is not None else datetime.now(UTC), "now"))


def _cross_checks(result: RosterResult, seen: Seen, school_year: int, today: date) -> list[Finding]:
    """Duplicates (across the rosters checked together) and ages over the students of a
    roster already read."""
    src = result.source
    students = result.students
    if not students:
        return []
    ids = pa.array([s.id_number for s in students], pa.string())
    rows = [0 if s.row is None else s.row for s in students]
    out = [
        duplicate_finding(rows[pos], first, src)
        for pos, first in seen.add(ids, pa.array(rows, pa.int64()), src)
    ]
    birth = idcard.check_column(ids, today).birth
    stages = pa.array([s.stage.value for s in students], pa.string())
    positions, ages = age_stage(birth, stages, school_year)
    for pos, age in zip(positions.tolist(), ages.tolist(), strict=True):
        out.append(age_finding(rows[pos], age, students[pos].stage, src))
    return out


def validation_report(
    *rosters: Roster,
    disbursements: Payments | Iterable[Payments] = (),
    school_year: int | None = None,
    today: date | None = None,
    progress: Callable[[int], object] | None = None,
) -> ValidationReport:
    """Check rosters and disbursements; return counts and findings (see :func:`validate`).
    ``progress``, if given, is called with the number of roster rows of each batch read.

    A roster given as a path is read as a table
    (:func:`~edupoverty.records.reader.read_roster_table`): its rows are checked column by
    column without building :class:`~edupoverty.records.model.Student` records. Raises
    :class:`~edupoverty.errors.RosterError` for a file that cannot be read.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("name,id_number,school_code,stage,school_location\\n"
        ...                  "张三,11010520120307002X,1,primary,\\n", encoding="utf-8")
        >>> rep = validation_report(p, school_year=2019)
        >>> rep.rows, rep.accepted, rep.rejected, [f.code for f in rep.findings]
        (1, 0, 1, ['field.missing'])
    """
    day = today if today is not None else date.today()
    if school_year is not None:
        year = school_year
    else:
        year = school_year_of(today) if today is not None else current_school_year()
    sources = [r.source if isinstance(r, RosterResult) else str(r) for r in rosters]
    seen = Seen()
    headers: dict[str, dict[str, str]] = {}
    names: dict[str, dict[int, str]] = {}
    findings: list[Finding] = []
    rows = accepted = rejected = 0
    for roster in rosters:
        if isinstance(roster, RosterResult):
            cross = _cross_checks(roster, seen, year, day)
            findings.extend(_merge(roster.findings, cross))
            # a repeat of a student of an earlier roster is rejected here (R-REC-3)
            repeats = len({f.row for f in cross if f.code == "report.duplicate"})
            rows += roster.rows
            accepted += roster.accepted - repeats
            rejected += len(roster.rejected) + repeats
            continue
        table = read_roster_table(
            roster, today=day, school_year=year, seen=seen, progress=progress
        )
        findings.extend(table.findings)
        headers[table.source], names[table.source] = table.headers, table.names
        rows += table.rows
        accepted += table.accepted
        rejected += len(table.rejected)
    pay_rows = pay_ok = pay_bad = 0
    for item in _payment_sources(disbursements):
        if isinstance(item, DisbursementResult):
            pay = item
        elif isinstance(item, str | os.PathLike):
            pay = read_disbursements(item, today=day)
        else:
            records = tuple(item)
            pay = DisbursementResult(
                source="<disbursements>",
                disbursements=records,
                rejected=(),
                findings=(),
                rows=len(records),
            )
        findings.extend(pay.findings)
        findings.extend(check_payments(pay.disbursements, source=pay.source))
        pay_rows += pay.rows
        pay_ok += pay.accepted
        pay_bad += len(pay.rejected)
    return ValidationReport(
        rows=rows,
        accepted=accepted,
        rejected=rejected,
        findings=tuple(findings),
        sources=tuple(sources),
        payments_rows=pay_rows,
        payments_accepted=pay_ok,
        payments_rejected=pay_bad,
        headers=headers,
        names=names,
    )


def _payment_sources(value: Any) -> list[Any]:
    if isinstance(value, DisbursementResult | str | os.PathLike):
        return [value]
    items = list(value)
    if items and all(isinstance(i, Disbursement) for i in items):
        return [items]
    return items


def _merge(first: tuple[Finding, ...], second: list[Finding]) -> list[Finding]:
    """Both lists in row order, a finding the roster already had (an age read with the
    school year) given once."""
    if not second:
        return list(first)
    both = dict.fromkeys([*first, *second])
    return sorted(both, key=lambda f: f.row if f.row is not None else 0)


def validate(
    *rosters: Roster,
    disbursements: Payments | Iterable[Payments] = (),
    school_year: int | None = None,
    today: date | None = None,
) -> list[Finding]:
    """Every finding of the validation report (效验, R-REC-3) for rosters and payments.

    ``rosters`` are :class:`~edupoverty.records.roster.RosterResult` values or paths (read
    with :func:`~edupoverty.records.roster.read_roster`'s rules); ``disbursements`` a path,
    a :class:`~edupoverty.records.roster.DisbursementResult`, disbursement records, or a list
    of those. ``school_year`` is the year whose 1 September the ages are counted at (default:
    the school year of ``today``, else :func:`current_school_year`); ``today`` (default:
    the current date) bounds birth dates.

    Duplicates are looked for among accepted rows: a row rejected for another reason is
    reported for that reason first.

    Examples:
        >>> from edupoverty.records import Stage, Student, SchoolLocation
        >>> from edupoverty.records.roster import read_rows
        >>> r = read_rows(["name", "id_number", "school_code", "stage", "school_location"],
        ...               [["王五", "11010520120307002X", "1", "senior", "city"]])
        >>> [f] = validate(r, school_year=2019)
        >>> f.code, f.severity.value, f.row
        ('row.age_stage', 'warning', 2)
        >>> f.message_en
        'row 2, id_number: age 7 at the start of the school year is implausible for stage senior'
    """
    return list(
        validation_report(
            *rosters, disbursements=disbursements, school_year=school_year, today=today
        ).findings
    )


def _is_boarding(programme: str) -> bool:
    return programme.endswith("boarding_allowance")


def _is_nutrition(programme: str) -> bool:
    return programme.endswith("nutrition")


def check_payments(
    disbursements: Iterable[Disbursement], *, source: str | None = None
) -> list[Finding]:
    """Payment findings: ``payment.method``, ``payment.account`` and duplicate payments.

    - R-PAY-1: a boarding allowance (programme id ending in ``boarding_allowance``) is paid
      by bank transfer (银行卡) to the family: any other method, or a payee other than the
      family (代领, the school), is ``payment.method``.
    - R-PAY-3: nutrition (programme id ending in ``nutrition``) is meals by real name
      (实名就餐): the school serves the student lunches and never hands out cash (由学校按实名制
      要求向在校学生提供营养午餐，不得发放现金). Any method other than
      :attr:`~edupoverty.records.enums.PaymentMethod.MEALS` is ``payment.method``: cash, a
      bank transfer to the family, or goods handed over (实物) alike.
    - A bank transfer with no account is ``payment.account``: the money cannot have reached
      the family's card. (The issue's wording, "a cash payment without a bank account", is
      read as a payment of cash *money* — as opposed to a waiver or meals — recorded as a
      bank payment without the account it went to; a cash-in-hand payment needs no account.)
    - R-STK-3: the same programme paid twice to one student for one period is
      ``report.duplicate`` (the later row).

    Examples:
        >>> from edupoverty.records import Period, Semester
        >>> d = Disbursement(student_id="11010520120307002X",
        ...                  programme="compulsory.nutrition", period=Period(2019, Semester.AUTUMN),
        ...                  amount="400", method=PaymentMethod.CASH, paid_on=date(2019, 12, 1),
        ...                  batch="B1", row=2)
        >>> [(f.code, f.row, f.field) for f in check_payments([d])]
        [('payment.method', 2, 'method')]
        >>> import attrs
        >>> to_family = attrs.evolve(d, method=PaymentMethod.BANK_TRANSFER,
        ...                          account="6222020000000000")
        >>> [(f.code, f.field) for f in check_payments([to_family])]
        [('payment.method', 'method')]
        >>> check_payments([attrs.evolve(d, method=PaymentMethod.MEALS)])
        []
    """
    out: list[Finding] = []
    paid: dict[tuple[str, str, int, object], int | None] = {}
    for d in disbursements:
        row = d.row
        if _is_boarding(d.programme):
            if d.method is not PaymentMethod.BANK_TRANSFER:
                out.append(
                    finding(
                        "payment.method",
                        row=row,
                        field="method",
                        source=source,
                        detail_zh="寄宿生生活补助须通过银行卡发放（R-PAY-1）",
                        detail_en="the boarding allowance must be paid by bank card (R-PAY-1)",
                    )
                )
            if d.payee is not Payee.FAMILY:
                out.append(
                    finding(
                        "payment.method",
                        row=row,
                        field="payee",
                        source=source,
                        detail_zh="寄宿生生活补助须发放给学生家庭，不得代领（R-PAY-1）",
                        detail_en="the boarding allowance goes to the family, "
                        "never collected by others (R-PAY-1)",
                    )
                )
        if _is_nutrition(d.programme) and d.method is not PaymentMethod.MEALS:
            out.append(
                finding(
                    "payment.method",
                    row=row,
                    field="method",
                    source=source,
                    detail_zh="营养改善计划实名就餐，不得发放现金或转给家庭（R-PAY-3）",
                    detail_en="nutrition is meals by real name, "
                    "never cash or money for the family (R-PAY-3)",
                )
            )
        if d.method is PaymentMethod.BANK_TRANSFER and not d.account:
            out.append(finding("payment.account", row=row, field="account", source=source))
        key = (d.student_id, d.programme, d.period.school_year, d.period.semester)
        if key in paid:
            first = paid[key]
            out.append(
                finding(
                    "report.duplicate",
                    row=row,
                    field="programme",
                    source=source,
                    other_row=first if first is not None else "?",
                )
            )
        else:
            paid[key] = row
    return out
