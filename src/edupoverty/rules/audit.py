"""Audits: what was paid against what is due (虚报、错报、漏报, R-REC-3, R-REC-5).

:func:`audit` compares a school year's disbursements with the entitlements of the roster,
programme by programme and semester by semester. Every programme counts, whatever its form:
the disbursement file records fee waivers, textbooks and meals as well as money paid.

* ``report.ineligible`` (虚报, R-REC-3) — a disbursement for a programme the student does
  not qualify for in that period, or for a student who is not on the roster;
* ``report.amount`` (错报, R-REC-3) — the amount paid for a programme and period differs
  from the entitlement (a programme paid twice for the same period shows here too, R-STK-3);
* ``report.missing`` (漏报, R-REC-5) — a registered-poor student entitled to a programme in
  a semester, with nothing paid for it and no paper waiver pledge giving it up: one finding
  per programme and semester.

:func:`check_average_grants` runs the profile's school-level checks (R-HB-1: the national
grant of registered-poor students averages at least 2000 / 3000 yuan at each school).

Findings name rows and fields, never an ID number or account. Messages name programmes by
their Chinese name (``message_zh``) and English name (``message_en``).

Examples:
    >>> from datetime import date
    >>> from edupoverty.records import (Disbursement, PaymentMethod, Period, SchoolLocation,
    ...                                 Semester, Stage, Student)
    >>> from edupoverty.rules import load_policy
    >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1", row=2,
    ...             stage=Stage.PRIMARY, school_location=SchoolLocation.CITY, boarding=True,
    ...             registered_poor=True)
    >>> def paid(programme, amount, semester, row, method=PaymentMethod.BANK_TRANSFER):
    ...     return Disbursement(student_id=s.id_number, programme=programme,
    ...                         period=Period(2019, semester), amount=amount, row=row,
    ...                         method=method, paid_on=date(2019, 11, 1), batch="B1",
    ...                         account="6222020000000000")
    >>> d = [paid("compulsory.fee_waiver", "600", None, 3, PaymentMethod.WAIVER),
    ...      paid("compulsory.free_textbooks", "90", None, 4, PaymentMethod.IN_KIND),
    ...      paid("compulsory.boarding_allowance", "600", Semester.AUTUMN, 5)]
    >>> [(f.code, f.row) for f in audit([s], d, [], load_policy("seed"), 2019)]
    [('report.amount', 5), ('report.missing', 2)]
    >>> print(audit([s], d, [], load_policy("seed"), 2019)[1].message_en)
    row 2: omission: a registered-poor student has no Boarding living allowance for the spring
    semester of school year 2019 and no paper waiver pledge giving it up
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from edupoverty.records.findings import Finding, finding
from edupoverty.records.model import Disbursement, Period, Student, WaiverPledge
from edupoverty.records.money import ZERO
from edupoverty.rules.assess import SEMESTERS, Assessment, Entitlement, assess_many
from edupoverty.rules.policy import Policy
from edupoverty.rules.values import NotConfigured

__all__ = ["audit", "check_average_grants"]

Amount = Decimal | NotConfigured


def _by_id(students: Iterable[Student], policy: Policy, school_year: int) -> dict[str, Assessment]:
    out: dict[str, Assessment] = {}
    for a in assess_many(students, policy, school_year):
        out.setdefault(a.student.id_number, a)
    return out


def _names(policy: Policy, programme: str) -> dict[str, str]:
    """The programme's Chinese and English names as finding parameters (the id if unknown)."""
    try:
        p = policy.programme(programme)
    except KeyError:
        return {"programme_zh": programme, "programme_en": programme}
    return {"programme_zh": p.name_zh, "programme_en": p.name_en}


def _period(period: Period) -> dict[str, str]:
    """A school year or semester as finding parameters: ``2019学年秋季学期`` /
    ``the autumn semester of school year 2019``."""
    year = period.school_year
    if period.semester is None:
        return {"period_zh": f"{year}学年", "period_en": f"school year {year}"}
    return {
        "period_zh": f"{year}学年{period.semester.zh}",
        "period_en": f"the {period.semester.value} semester of school year {year}",
    }


def audit(
    students: Iterable[Student],
    disbursements: Iterable[Disbursement],
    waivers: Iterable[WaiverPledge],
    policy: Policy,
    school_year: int,
) -> list[Finding]:
    """Findings ``report.ineligible``, ``report.amount`` and ``report.missing`` for
    ``school_year``, followed by the profile's school checks (:func:`check_average_grants`).

    Disbursements of other school years are ignored. Every programme is compared, cash,
    fee waivers and provision in kind (textbooks, meals) alike: each is a row of the
    disbursement file.

    - 虚报 (``report.ineligible``, on the disbursement's row): the student is not on the
      roster, or is not entitled to the programme in that semester or school year.
    - 错报 (``report.amount``, on the disbursement's row): the sum paid for a programme and
      semester differs from that semester's amount. A disbursement for the whole school year
      (``period.semester`` ``None``) is compared with the year's amount, together with any
      semester payments of the same programme (a year paid in full and a semester paid again
      is 错报). Amounts that are not configured
      (:class:`~edupoverty.rules.values.NotConfigured`) cannot be checked: no ``report.amount``.
    - 漏报 (``report.missing``, on the student's roster row): R-REC-5 and the documents'
      "特别关注建卡贫困户学生，做到不漏报" speak of registered-poor students, so only they are
      checked (``registered_poor`` true). For each programme and semester they are entitled
      to, something must be paid: a disbursement for that semester or a whole-year one,
      whatever its amount (a wrong amount is 错报, not 漏报). An entitlement whose amount is
      not configured still needs a disbursement; a configured amount of zero does not. The
      omission is cleared only by a pledge for the school year that is signed on paper
      (``on_paper``, 纸质承诺书) and :meth:`~edupoverty.records.model.WaiverPledge.covers`
      the programme: giving up meals does not give up the boarding allowance. A pledge that
      covers the programme but is not on paper clears nothing; the finding says so.

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
        >>> [f] = audit([s], [d], [], load_policy("seed"), 2019)
        >>> print(f.message_zh)
        第9行 programme：虚报：学生2019学年秋季学期不符合寄宿生生活补助的条件
        >>> print(f.message_en)
        row 9, programme: false report: the student does not qualify for Boarding living
        allowance in the autumn semester of school year 2019
    """
    students = list(students)
    assessments = _by_id(students, policy, school_year)
    paid = [d for d in disbursements if d.period.school_year == school_year]
    groups: dict[tuple[str, str], dict[Period, list[Disbursement]]] = {}
    for d in paid:
        groups.setdefault((d.student_id, d.programme), {}).setdefault(d.period, []).append(d)
    findings: list[Finding] = []
    for (sid, programme), periods in groups.items():
        a = assessments.get(sid)
        ent = a.entitlement(programme) if a is not None else None
        findings.extend(_compare(ent, programme, periods, policy))
    pledges = [w for w in waivers if w.school_year == school_year]
    for a in assessments.values():
        if a.student.registered_poor is True:
            findings.extend(_omissions(a, groups, pledges, school_year))
    findings.extend(check_average_grants(students, paid, policy, school_year))
    return findings


def _compare(
    ent: Entitlement | None,
    programme: str,
    periods: dict[Period, list[Disbursement]],
    policy: Policy,
) -> list[Finding]:
    """虚报 and 错报 for the disbursements of one student and programme, by period."""
    names = (
        {"programme_zh": ent.name_zh, "programme_en": ent.name_en}
        if ent is not None
        else _names(policy, programme)
    )
    out: list[Finding] = []
    due: dict[Period, list[Disbursement]] = {}
    for period, items in periods.items():
        if ent is None or (period.semester is not None and period.semester not in ent.semesters):
            out.append(
                finding(
                    "report.ineligible",
                    row=items[0].row,
                    field="programme",
                    **names,
                    **_period(period),
                )
            )
        else:
            due[period] = items
    if ent is None:
        return out
    whole = [p for p in due if p.semester is None]
    checks: list[tuple[Period, list[Disbursement], Amount]]
    if whole:
        # A whole-year disbursement stands for both semesters: semester payments add to it.
        everything = [d for items in due.values() for d in items]
        checks = [(whole[0], everything, ent.amount)]
    else:
        checks = [
            (p, items, ent.semesters[p.semester])
            for p, items in due.items()
            if p.semester is not None
        ]
    for period, items, expected in checks:
        total = sum((d.amount for d in items), ZERO)
        if isinstance(expected, Decimal) and total != expected:
            out.append(
                finding(
                    "report.amount",
                    row=due[period][0].row,
                    field="amount",
                    paid=str(total),
                    expected=str(expected),
                    **names,
                    **_period(period),
                )
            )
    return out


def _omissions(
    a: Assessment,
    groups: dict[tuple[str, str], dict[Period, list[Disbursement]]],
    pledges: Sequence[WaiverPledge],
    school_year: int,
) -> list[Finding]:
    """漏报 (R-REC-5) of one registered-poor student: each programme and semester due with
    nothing paid and no paper pledge giving the programme up."""
    sid = a.student.id_number
    own = [w for w in pledges if w.student_id == sid]
    out: list[Finding] = []
    for e in a.entitlements:
        got = groups.get((sid, e.programme), {})
        if Period(school_year) in got:
            continue
        covering = [w for w in own if w.covers(e.programme)]
        if any(w.on_paper for w in covering):
            continue
        detail = (
            {
                "detail_zh": "（放弃承诺书不是纸质的，不能作为放弃依据）",
                "detail_en": " (a waiver pledge is on file but not on paper: it does not count)",
            }
            if covering
            else {}
        )
        for sem in SEMESTERS:
            if sem not in e.semesters or Period(school_year, sem) in got:
                continue
            amount = e.semesters[sem]
            if isinstance(amount, Decimal) and amount == ZERO:
                continue
            out.append(
                finding(
                    "report.missing",
                    row=a.student.row,
                    programme_zh=e.name_zh,
                    programme_en=e.name_en,
                    **_period(Period(school_year, sem)),
                    **detail,
                )
            )
    return out


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
