"""The record types every part of edupoverty reads (数据结构).

All are frozen, slotted attrs classes: values, not objects with a life. Money is
:class:`~decimal.Decimal` with two places, dates are :class:`datetime.date`, and choices are
enums with Chinese labels (:mod:`edupoverty.records.enums`). ``student_id`` fields hold the
18-character resident identity number (身份证号); never print them, use
:func:`edupoverty.records.idcard.mask`.

Examples:
    >>> from datetime import date
    >>> from edupoverty.records import Student, Stage, SchoolLocation
    >>> s = Student(name="张三", id_number="11010520120307002X", school_code="3412001",
    ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL, grade=3)
    >>> s.boarding, s.full_time, s.registered_poor
    (False, True, None)
    >>> s.statuses()
    frozenset()
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

import attrs
from attrs import field, frozen

from edupoverty.errors import ArgumentError, InputError, ValidationError
from edupoverty.records import idcard
from edupoverty.records.arguments import (
    FIRST_SCHOOL_YEAR,
    LAST_SCHOOL_YEAR,
    check_school_year,
    china_date,
    sequence_argument,
)
from edupoverty.records.enums import (
    ChangeKind,
    DifficultyLevel,
    EvidenceKind,
    FundingLevel,
    Ownership,
    Payee,
    PaymentMethod,
    Residence,
    SchoolLocation,
    Semester,
    Stage,
    Status,
)
from edupoverty.records.lateness import LateReport, OverdueReply
from edupoverty.records.money import money

__all__ = [
    "FIRST_SCHOOL_YEAR",
    "LAST_SCHOOL_YEAR",
    "Application",
    "Disbursement",
    "EnrolmentPeriod",
    "Evidence",
    "HomeVisit",
    "Household",
    "LateReport",
    "LedgerEntry",
    "Objection",
    "OverdueReply",
    "Pairing",
    "Period",
    "School",
    "StatusChange",
    "Student",
    "WaiverPledge",
    "check_school_year",
]

def _money(value: Decimal | int | str) -> Decimal:
    return money(value)


def _opt_money(value: Decimal | int | str | None) -> Decimal | None:
    return None if value is None else money(value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return sequence_argument(value, "programmes/student_ids")


def _items(value: Iterable[object]) -> tuple[object, ...]:
    return sequence_argument(value, "stages/evidence")


def _day(value: date) -> date:
    return china_date(value, "date")


def _opt_day(value: date | None) -> date | None:
    return None if value is None else china_date(value, "date")


def _valid_school_year(_inst: object, attribute: attrs.Attribute[int], value: int) -> None:
    check_school_year(value, attribute.name)


def _one_of(*allowed: str) -> Callable[[object, attrs.Attribute[str], str], None]:
    """An attrs validator: the value is one of ``allowed`` (an InputError otherwise)."""

    def check(_inst: object, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in allowed:
            names = ", ".join(allowed)
            raise InputError(
                f"{attribute.name} 应为 {names} 之一", f"{attribute.name} must be one of {names}"
            )

    return check


def _id_number(value: str) -> str:
    """``value`` checked by :func:`edupoverty.records.idcard.validate` and compacted; the
    error names the field, never the value."""
    try:
        return idcard.validate(value)
    except ValidationError as exc:
        raise type(exc)(f"id_number：{exc.message_zh}", f"id_number: {exc.message_en}") from None


_STATUS_FIELDS: tuple[tuple[str, Status], ...] = (
    ("registered_poor", Status.REGISTERED_POOR),
    ("financial_difficulty", Status.FINANCIAL_DIFFICULTY),
    ("subsistence_allowance", Status.SUBSISTENCE_ALLOWANCE),
    ("extreme_poverty_support", Status.EXTREME_POVERTY_SUPPORT),
    ("orphan", Status.ORPHAN),
    ("disabled", Status.DISABLED),
    ("left_behind", Status.LEFT_BEHIND),
    ("hardship_child", Status.HARDSHIP_CHILD),
)


@frozen
class Student:
    """One row of a school's roster (在学状态表): the fields of ROSTER.md.

    Booleans without a default in ROSTER.md are ``None`` when the roster leaves them empty
    (unknown), so that "not stated" and "no" stay apart. ``row`` is the spreadsheet row the
    record came from (header = 1), ``None`` for records built in code.

    ``id_number`` is checked when the record is built, by the one check of
    :func:`edupoverty.records.idcard.validate` (length, format, check digit, a birth date that
    exists and is not after today), and stored compact: spaces and hyphens removed, a final
    ``x`` upper-cased, as the roster reader stores it. A bad number raises the
    :class:`~edupoverty.errors.ValidationError` subclass of its problem (also a
    ``ValueError``), whose message names the field, never the number. The roster reader
    checks each row's number while reading and builds its Students without a second check.

    Examples:
        >>> s = Student(name="李四", id_number="11010520120307002X", school_code="0012",
        ...             stage=Stage.SENIOR, school_location=SchoolLocation.COUNTY_SEAT,
        ...             registered_poor=True, tuition_fee="1,200")
        >>> s.tuition_fee
        Decimal('1200.00')
        >>> sorted(st.value for st in s.statuses())
        ['registered_poor']
        >>> Student(name="李四", id_number="110105 20120307 002x", school_code="0012",
        ...         stage=Stage.SENIOR, school_location=SchoolLocation.TOWN).id_number
        '11010520120307002X'
        >>> Student(name="李四", id_number="110105201203070021", school_code="0012",
        ...         stage=Stage.SENIOR, school_location=SchoolLocation.TOWN)
        Traceback (most recent call last):
        ...
        edupoverty.errors.InvalidChecksum: id.checksum: id_number：身份证号校验码错误 / ...
    """

    name: str
    id_number: str = field(repr=False, converter=_id_number)
    school_code: str
    stage: Stage
    school_location: SchoolLocation
    student_number: str | None = None
    school_name: str | None = None
    grade: int | None = None
    special_education: bool = False
    boarding: bool = False
    school_ownership: Ownership = Ownership.PUBLIC
    inclusive_kindergarten: bool = False
    residence: Residence | None = None
    hukou_province: str | None = None
    full_time: bool = True
    official_enrolment: bool = True
    agri_major: bool | None = None
    performing_arts_major: bool | None = None
    contiguous_poverty_area: bool | None = None
    registered_poor: bool | None = None
    financial_difficulty: bool | None = None
    difficulty_level: DifficultyLevel | None = None
    grant_tier: int | None = field(default=None)
    subsistence_allowance: bool | None = None
    extreme_poverty_support: bool | None = None
    orphan: bool | None = None
    disabled: bool | None = None
    left_behind: bool | None = None
    hardship_child: bool | None = None
    outstanding: bool | None = None
    enrolled_from: date | None = field(default=None, converter=_opt_day)
    enrolled_until: date | None = field(default=None, converter=_opt_day)
    tuition_fee: Decimal | None = field(default=None, converter=_opt_money)
    accommodation_fee: Decimal | None = field(default=None, converter=_opt_money)
    independent_college: bool | None = None
    studying_abroad: bool | None = None
    bank_account: str | None = field(default=None, repr=False)
    row: int | None = field(default=None, eq=False)

    @grant_tier.validator
    def _check_tier(self, _attr: attrs.Attribute[int | None], value: int | None) -> None:
        if value is not None and (isinstance(value, bool) or value not in (1, 2)):
            raise InputError("grant_tier 应为 1 或 2", "grant_tier must be 1 or 2")

    def statuses(self) -> frozenset[Status]:
        """The beneficiary statuses (RULES.md §1) this row states as true.

        Examples:
            >>> s = Student(name="王五", id_number="11010520120307002X", school_code="1",
            ...             stage=Stage.PRESCHOOL, school_location=SchoolLocation.TOWN,
            ...             orphan=True, disabled=False)
            >>> [st.value for st in s.statuses()]
            ['orphan']
        """
        return frozenset(st for name, st in _STATUS_FIELDS if getattr(self, name) is True)


@frozen
class School:
    """A school or kindergarten (学校), identified by its institution code (机构码).

    Examples:
        >>> School(code="3412001", name="黄圩镇中心学校", location=SchoolLocation.TOWN).ownership
        <Ownership.PUBLIC: 'public'>
    """

    code: str
    name: str
    location: SchoolLocation
    ownership: Ownership = Ownership.PUBLIC
    stages: tuple[Stage, ...] = field(default=(), converter=_items)
    county_code: str | None = None
    inclusive_kindergarten: bool = False


@frozen
class Household:
    """A family (家庭), with its poverty handbook number (《扶贫手册》, R-HB-1).

    ``poor_village`` tells whether the household lives in a registered poor village: R-REC-6
    keeps separate books for each.

    Examples:
        >>> h = Household(household_id="H001", registered_poor=True, handbook_number="FP-2016-001",
        ...               village="李庄村", poor_village=True)
        >>> h.registered_poor
        True
    """

    household_id: str
    registered_poor: bool = False
    handbook_number: str | None = None
    village: str | None = None
    poor_village: bool | None = None
    subsistence_allowance: bool = False
    extreme_poverty_support: bool = False
    student_ids: tuple[str, ...] = field(default=(), converter=_strings, repr=False)
    address: str | None = field(default=None, repr=False)


@frozen
class Period:
    """A school year, or one semester of it. School year ``Y`` runs from ``Y-09-01`` to
    ``(Y+1)-08-31``; the autumn semester is its first half, the spring semester its second.

    ``school_year`` is an ``int`` from :data:`FIRST_SCHOOL_YEAR` to :data:`LAST_SCHOOL_YEAR`
    (:func:`check_school_year`); ``semester`` a :class:`~edupoverty.records.enums.Semester`
    or ``None``. Anything else is refused when the period is built, with an
    :class:`~edupoverty.errors.ArgumentError` (a wrong type) or an
    :class:`~edupoverty.errors.InputError` (a year out of range).

    Examples:
        >>> Period(2019, Semester.SPRING)
        Period(school_year=2019, semester=<Semester.SPRING: 'spring'>)
        >>> Period(2019).start, Period(2019).end
        (datetime.date(2019, 9, 1), datetime.date(2020, 8, 31))
        >>> Period("2019", "autumn")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        edupoverty.errors.ArgumentError: ... school_year must be an int school year ..., not str
    """

    school_year: int = field(validator=_valid_school_year)
    semester: Semester | None = field(default=None)

    @semester.validator
    def _check_semester(self, _attr: attrs.Attribute[Semester | None], value: object) -> None:
        if value is not None and not isinstance(value, Semester):
            raise ArgumentError(
                "semester", "Semester 或 None", "a Semester or None", type(value).__name__
            )

    @property
    def start(self) -> date:
        """First day of the school year (1 September), or of the semester.

        The seed gives no census dates (RULES.md §14): the semester boundary here is the
        calendar split (autumn until 31 January, spring from 1 February), a convention that
        policy profiles may refine.
        """
        if self.semester is Semester.SPRING:
            return date(self.school_year + 1, 2, 1)
        return date(self.school_year, 9, 1)

    @property
    def end(self) -> date:
        """Last day of the school year (31 August), or of the semester."""
        if self.semester is Semester.AUTUMN:
            return date(self.school_year + 1, 1, 31)
        return date(self.school_year + 1, 8, 31)


@frozen
class StatusChange:
    """A change of enrolment status (学籍异动, R-DYN-2): transfer in/out, drop-out,
    suspension, resumption, graduation.

    Examples:
        >>> c = StatusChange(student_id="11010520120307002X", kind=ChangeKind.TRANSFER_OUT,
        ...                  on=date(2019, 11, 15), school_code="A", other_school_code="B")
        >>> c.kind.zh
        '转出'
    """

    student_id: str = field(repr=False)
    kind: ChangeKind
    on: date = field(converter=_day)
    school_code: str
    other_school_code: str | None = None
    reason: str | None = None


@frozen
class EnrolmentPeriod:
    """A span in which a student was enrolled at one school (``end`` ``None``: still there).

    Examples:
        >>> p = EnrolmentPeriod(student_id="x", school_code="A", start=date(2019, 9, 1))
        >>> p.covers(date(2020, 3, 1))
        True
    """

    student_id: str = field(repr=False)
    school_code: str
    start: date = field(converter=_day)
    end: date | None = field(default=None, converter=_opt_day)

    def covers(self, day: date) -> bool:
        """True if the student was enrolled here on ``day`` (a day in China,
        :func:`~edupoverty.records.arguments.china_date`)."""
        day = china_date(day, "day")
        return self.start <= day and (self.end is None or day <= self.end)


@frozen
class Evidence:
    """One piece of evidence kept with an application (R-REC-4, R-HB-2).

    ``original_returned`` records that the school kept a copy and gave the original back
    (R-HB-2: the poverty handbook).

    Examples:
        >>> Evidence(EvidenceKind.POVERTY_HANDBOOK, copy_kept=True, original_returned=True).kind.zh
        '扶贫手册'
    """

    kind: EvidenceKind
    copy_kept: bool = True
    original_returned: bool = False
    note: str | None = None


@frozen
class Application:
    """An application for a programme with its evidence (申请, R-REC-4, R-HB-2).

    Examples:
        >>> a = Application(student_id="11010520120307002X", programme="senior.national_grant",
        ...                 school_year=2019, submitted_on=date(2019, 9, 10),
        ...                 evidence=[Evidence(EvidenceKind.APPLICATION_FORM)])
        >>> a.has(EvidenceKind.APPLICATION_FORM), a.has(EvidenceKind.POVERTY_HANDBOOK)
        (True, False)
    """

    student_id: str = field(repr=False)
    programme: str
    school_year: int = field(validator=_valid_school_year)
    submitted_on: date = field(converter=_day)
    evidence: tuple[Evidence, ...] = field(default=(), converter=_items)
    decision: bool | None = None
    decided_on: date | None = field(default=None, converter=_opt_day)

    def has(self, kind: EvidenceKind) -> bool:
        """True if evidence of ``kind`` is on file."""
        return any(e.kind is kind for e in self.evidence)


@frozen
class WaiverPledge:
    """A signed paper pledge giving up a benefit (放弃受助资格承诺书, R-REC-5).

    ``programmes`` empty means every programme of the school year.

    Examples:
        >>> w = WaiverPledge(student_id="11010520120307002X", school_year=2019,
        ...                  signed_on=date(2019, 9, 20), signed_by="张父")
        >>> w.covers("compulsory.boarding_allowance")
        True
    """

    student_id: str = field(repr=False)
    school_year: int = field(validator=_valid_school_year)
    signed_on: date = field(converter=_day)
    signed_by: str
    programmes: tuple[str, ...] = field(default=(), converter=_strings)
    on_paper: bool = True
    kept_at: str | None = None

    def covers(self, programme: str) -> bool:
        """True if this pledge gives up ``programme``."""
        return not self.programmes or programme in self.programmes


@frozen
class Disbursement:
    """One payment (or waiver, or provision in kind) to one student for one period (发放).

    Examples:
        >>> d = Disbursement(student_id="11010520120307002X",
        ...                  programme="compulsory.boarding_allowance",
        ...                  period=Period(2019, Semester.AUTUMN), amount="500",
        ...                  method=PaymentMethod.BANK_TRANSFER, account="6222020000000000",
        ...                  paid_on=date(2019, 11, 1), batch="2019-A1")
        >>> d.amount, d.payee.zh
        (Decimal('500.00'), '学生家庭')
    """

    student_id: str = field(repr=False)
    programme: str
    period: Period
    amount: Decimal = field(converter=_money)
    method: PaymentMethod
    paid_on: date = field(converter=_day)
    batch: str
    account: str | None = field(default=None, repr=False)
    payee: Payee = Payee.FAMILY
    school_code: str | None = None
    row: int | None = field(default=None, eq=False)


@frozen
class LedgerEntry:
    """One entry of the permanent assistance ledger (永久性救助台账, R-REC-2).

    ``kind`` is ``"income"`` (an allocation received: ``source_document``, programme, funding
    level, amount) or ``"expenditure"`` (a payment: ``disbursement_batch``, the
    ``disclosure_id`` that covered it). A correction is a new entry whose ``corrects`` names
    the sequence number it reverses; nothing is edited. ``prev_hash`` and ``hash`` chain the
    entries (SHA-256 of the canonical JSON). ``period`` is the school year or semester a
    payment is for (used to reconcile it with the entitlements; ``None`` for income).

    Examples:
        >>> e = LedgerEntry(seq=1, kind="income", recorded_on=date(2019, 9, 1),
        ...                 programme="compulsory.boarding_allowance", amount="100000",
        ...                 funding_level=FundingLevel.CENTRAL, source_document="皖财教〔2019〕1号")
        >>> e.amount
        Decimal('100000.00')
    """

    seq: int
    kind: str = field(validator=_one_of("income", "expenditure"))
    recorded_on: date = field(converter=_day)
    programme: str
    amount: Decimal = field(converter=_money)
    funding_level: FundingLevel | None = None
    source_document: str | None = None
    student_id: str | None = field(default=None, repr=False)
    disbursement_batch: str | None = None
    disclosure_id: str | None = None
    corrects: int | None = None
    note: str | None = None
    prev_hash: str = ""
    hash: str = ""
    period: Period | None = None


@frozen
class Objection:
    """An objection to a disclosed list (异议, R-DIS-3..5).

    ``late`` marks one received after the window's last day: kept as a complaint, never
    dropped. ``upheld`` is the working group's finding once it has replied.

    Examples:
        >>> o = Objection(objection_id="O1", received_on=date(2026, 9, 30), raised_by="家长",
        ...               grounds="家庭收入不符")
        >>> o.answered
        False
    """

    objection_id: str
    received_on: date = field(converter=_day)
    raised_by: str
    grounds: str
    subject: str | None = None
    replied_on: date | None = field(default=None, converter=_opt_day)
    upheld: bool | None = None
    late: bool = False

    @property
    def answered(self) -> bool:
        """True once the working group has replied."""
        return self.replied_on is not None


@frozen
class Pairing:
    """A pairing (包保, R-REC-7): a principal per village, a teacher per household/student.

    Examples:
        >>> p = Pairing(teacher="王老师", household_id="H001", since=date(2019, 9, 1))
        >>> p.active_on(date(2020, 1, 1))
        True
    """

    teacher: str
    since: date = field(converter=_day)
    household_id: str | None = None
    student_id: str | None = field(default=None, repr=False)
    village: str | None = None
    role: str = "teacher"
    until: date | None = field(default=None, converter=_opt_day)

    def active_on(self, day: date) -> bool:
        """True if the pairing holds on ``day`` (a day in China,
        :func:`~edupoverty.records.arguments.china_date`)."""
        day = china_date(day, "day")
        return self.since <= day and (self.until is None or day <= self.until)


@frozen
class HomeVisit:
    """A home visit by a pairing teacher (家访/入户走访, R-REC-7).

    Examples:
        >>> HomeVisit(teacher="王老师", household_id="H001", visited_on=date(2019, 10, 8),
        ...           handbook_checked=True).handbook_checked
        True
    """

    teacher: str
    household_id: str
    visited_on: date = field(converter=_day)
    handbook_checked: bool = False
    notes: str | None = None
