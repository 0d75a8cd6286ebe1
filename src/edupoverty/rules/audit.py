"""Audits: what was paid against what is due (虚报、错报、漏报, R-REC-3, R-REC-5).

:func:`audit` compares a school year's disbursements with the entitlements of the roster:

* ``report.ineligible`` (虚报) — a disbursement for a programme the student does not
  qualify for in that period, or for a student who is not on the roster;
* ``report.amount`` (错报) — the amount paid for a programme and period differs from the
  entitlement (a programme paid twice for the same period shows here too, R-STK-3);
* ``report.missing`` (漏报, R-REC-5) — a registered-poor student with an entitlement in a
  semester, no disbursement in it and no signed waiver pledge for the school year (one
  finding per student and school year).

:func:`check_average_grants` runs the profile's school-level checks (R-HB-1: the national
grant of registered-poor students averages at least 2000 / 3000 yuan at each school).

Findings name rows and fields, never an ID number or account.

Examples:
    >>> from datetime import date
    >>> from edupoverty.records import (Disbursement, PaymentMethod, Period, SchoolLocation,
    ...                                 Semester, Stage, Student)
    >>> from edupoverty.rules import load_policy
    >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1", row=2,
    ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL, boarding=True,
    ...             registered_poor=True)
    >>> paid = Disbursement(student_id=s.id_number, programme="compulsory.boarding_allowance",
    ...                     period=Period(2019, Semester.AUTUMN), amount="600", row=5,
    ...                     method=PaymentMethod.BANK_TRANSFER, paid_on=date(2019, 11, 1),
    ...                     batch="B1", account="6222020000000000")
    >>> [f.code for f in audit([s], [paid], [], load_policy("seed"), 2019)]
    ['report.amount', 'report.missing']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from edupoverty.records.enums import Semester
from edupoverty.records.findings import Finding, finding
from edupoverty.records.model import Disbursement, Period, Student, WaiverPledge
from edupoverty.records.money import ZERO
from edupoverty.rules.assess import Assessment, assess_many
from edupoverty.rules.policy import Policy

__all__ = ["audit", "check_average_grants"]


def _by_id(students: Iterable[Student], policy: Policy, school_year: int) -> dict[str, Assessment]:
    out: dict[str, Assessment] = {}
    for a in assess_many(students, policy, school_year):
        out.setdefault(a.student.id_number, a)
    return out


def audit(
    students: Iterable[Student],
    disbursements: Iterable[Disbursement],
    waivers: Iterable[WaiverPledge],
    policy: Policy,
    school_year: int,
) -> list[Finding]:
    """Findings ``report.ineligible``, ``report.amount`` and ``report.missing`` for
    ``school_year``, followed by the profile's school checks (:func:`check_average_grants`).

    Disbursements of other school years are ignored. A disbursement for a whole school
    year (``period.semester`` ``None``) is compared with the year's amount. Amounts that are
    not configured cannot be checked and raise no ``report.amount``.

    Examples:
        >>> from datetime import date
        >>> from edupoverty.records import (Disbursement, PaymentMethod, Period, Semester,
        ...                                 SchoolLocation, Stage, Student)
        >>> from edupoverty.rules import load_policy
        >>> s = Student(name="李四", id_number="11010520120307002X", school_code="1", row=3,
        ...             stage=Stage.JUNIOR, school_location=SchoolLocation.CITY)
        >>> d = Disbursement(student_id=s.id_number, programme="compulsory.boarding_allowance",
        ...                  period=Period(2019, Semester.AUTUMN), amount="625", row=9,
        ...                  method=PaymentMethod.BANK_TRANSFER, paid_on=date(2019, 11, 1),
        ...                  batch="B1", account="6222020000000000")
        >>> [f.message_zh for f in audit([s], [d], [], load_policy("seed"), 2019)]
        ['第9行 programme：虚报：学生不符合compulsory.boarding_allowance的条件']
    """
    students = list(students)
    assessments = _by_id(students, policy, school_year)
    paid = [d for d in disbursements if d.period.school_year == school_year]
    pledged = {w.student_id for w in waivers if w.school_year == school_year}
    groups: dict[tuple[str, str, Period], list[Disbursement]] = {}
    for d in paid:
        groups.setdefault((d.student_id, d.programme, d.period), []).append(d)
    findings: list[Finding] = []
    for (sid, programme, period), items in groups.items():
        row = items[0].row
        a = assessments.get(sid)
        ent = a.entitlement(programme) if a is not None else None
        expected: object
        if ent is None:
            expected = None
        elif period.semester is None:
            expected = ent.amount
        else:
            expected = ent.semesters.get(period.semester)
        if expected is None:
            findings.append(
                finding("report.ineligible", row=row, field="programme", programme=programme)
            )
            continue
        total = sum((d.amount for d in items), ZERO)
        if isinstance(expected, Decimal) and total != expected:
            findings.append(
                finding(
                    "report.amount",
                    row=row,
                    field="amount",
                    programme=programme,
                    paid=str(total),
                    expected=str(expected),
                )
            )
    periods_paid: dict[str, set[Period]] = {}
    for d in paid:
        periods_paid.setdefault(d.student_id, set()).add(d.period)
    for sid, a in assessments.items():
        if a.student.registered_poor is not True or sid in pledged:
            continue
        due: set[Semester] = set()
        for e in a.entitlements:
            due.update(e.semesters)
        got = periods_paid.get(sid, set())
        if Period(school_year) in got:
            continue
        # One finding per student and school year: a semester with something due, nothing paid.
        if any(Period(school_year, sem) not in got for sem in sorted(due)):
            findings.append(finding("report.missing", row=a.student.row))
    findings.extend(check_average_grants(students, paid, policy, school_year))
    return findings


def check_average_grants(
    students: Sequence[Student],
    disbursements: Iterable[Disbursement],
    policy: Policy,
    school_year: int,
) -> list[Finding]:
    """The profile's school-level average-grant checks (R-HB-1), as ``report.average_grant``.

    For each check and school: the registered-poor students at the check's stages (and
    household-registration provinces, if given), the sum disbursed to them in the school
    year for the check's programmes, divided by their number, must reach the minimum.

    Examples:
        >>> from datetime import date
        >>> from edupoverty.records import (Disbursement, PaymentMethod, Period,
        ...                                 SchoolLocation, Stage, Student)
        >>> from edupoverty.rules import load_policy
        >>> s = Student(name="王五", id_number="11010520120307002X", school_code="HB01",
        ...             stage=Stage.SENIOR, school_location=SchoolLocation.CITY,
        ...             registered_poor=True, hukou_province="河北省")
        >>> d = Disbursement(student_id=s.id_number, programme="senior.national_grant",
        ...                  period=Period(2019), amount="1500", method=PaymentMethod.BANK_TRANSFER,
        ...                  paid_on=date(2019, 11, 1), batch="B1", account="6222020000000000")
        >>> [f.message_en for f in check_average_grants([s], [d], load_policy("hebei"), 2019)]
        ... # doctest: +NORMALIZE_WHITESPACE
        ['school HB01: average hebei.average_grant.secondary per registered-poor student
          1500.00, below the minimum 2000.00']
    """
    if not policy.checks:
        return []
    paid: dict[tuple[str, str], Decimal] = {}
    for d in disbursements:
        if d.period.school_year == school_year:
            key = (d.student_id, d.programme)
            paid[key] = paid.get(key, ZERO) + d.amount
    findings: list[Finding] = []
    for check in policy.checks:
        per_school: dict[str, list[Decimal]] = {}
        for s in students:
            if s.registered_poor is not True or s.stage.value not in check.stages:
                continue
            if check.hukou_province and not (
                s.hukou_province
                and any(s.hukou_province.startswith(p) for p in check.hukou_province)
            ):
                continue
            got = sum((paid.get((s.id_number, p), ZERO) for p in check.programmes), ZERO)
            per_school.setdefault(s.school_code, []).append(got)
        for school, amounts in sorted(per_school.items()):
            average = (sum(amounts, ZERO) / len(amounts)).quantize(ZERO)
            if average < check.minimum:
                findings.append(
                    finding(
                        "report.average_grant",
                        school=school,
                        check=check.id,
                        average=str(average),
                        minimum=str(check.minimum),
                    )
                )
    return findings
