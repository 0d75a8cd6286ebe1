"""Status changes and enrolment periods (学籍异动, R-DYN-1..2, R-STK-3).

Schools report status changes promptly — transfer in and out, drop-out, suspension,
resumption, graduation — and the grants are adjusted (R-DYN-2): grants follow the student's
**actual time in school** (按受助学生实际在校时间核发, R-DYN-1). :func:`enrolment_periods`
applies :class:`~edupoverty.records.model.StatusChange` records to a roster and gives each
student's :class:`~edupoverty.records.model.EnrolmentPeriod` values, which the rules use to
prorate.

Conventions (the seed gives none, so they are stated here):

- a change ``on`` a day that ends an enrolment (transfer out, drop-out, suspension,
  graduation) makes the day before ``on`` the last day at that school; a change that starts one
  (transfer in, resumption) makes ``on`` the first day. A transfer out of school A and into
  school B on the same day therefore leaves no gap and no overlap;
- a roster row is the student's enrolment at the start of the span looked at (``since``), from
  ``enrolled_from`` if that is later — unless the first change at that school is a transfer in
  (the student arrived later) or a resumption (the student was suspended);
- the periods of one student **never overlap**: when school B reports a transfer in while
  school A still has the student, A's period ends the day before and the disagreement is an
  issue to resolve. So the same programme can never be paid twice for the same days, whatever
  school reports it (R-STK-3).

Inconsistent sequences (a resumption without a suspension, a transfer out twice, a student on
two rosters without a transfer) are :class:`StatusIssue` values, never exceptions.

Examples:
    >>> from datetime import date
    >>> from edupoverty.records.enums import ChangeKind, SchoolLocation, Stage
    >>> from edupoverty.records.model import StatusChange, Student
    >>> pupil = Student(name="张三", id_number="11010520120307002X", school_code="A",
    ...                 stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL)
    >>> moves = [StatusChange("11010520120307002X", ChangeKind.TRANSFER_OUT, date(2019, 11, 15),
    ...                       "A", "B"),
    ...          StatusChange("11010520120307002X", ChangeKind.TRANSFER_IN, date(2019, 11, 15),
    ...                       "B", "A")]
    >>> result = enrolment_periods([pupil], moves, since=date(2019, 9, 1))
    >>> [(p.school_code, str(p.start), str(p.end)) for p in result.periods]
    [('A', '2019-09-01', '2019-11-14'), ('B', '2019-11-15', 'None')]
    >>> result.issues
    ()
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from attrs import field, frozen

from edupoverty.records.enums import ChangeKind, FindingSeverity
from edupoverty.records.findings import Finding
from edupoverty.records.idcard import mask
from edupoverty.records.model import EnrolmentPeriod, StatusChange, Student

__all__ = [
    "Enrolment",
    "StatusIssue",
    "days_enrolled",
    "enrolment_periods",
    "overlaps",
]

_CLOSING = (
    ChangeKind.TRANSFER_OUT,
    ChangeKind.DROP_OUT,
    ChangeKind.SUSPENSION,
    ChangeKind.GRADUATION,
)
_DAY = timedelta(days=1)


@frozen
class StatusIssue:
    """An inconsistency in a student's status changes: what, where, about whom.

    ``who`` names the student for a person to find them — the student number, the roster row,
    or a masked identity number — never the raw identity number. ``code`` is one of
    ``status.not_enrolled`` (leaving a school the student is not at, e.g. a transfer out
    twice), ``status.resumption_without_suspension``, ``status.already_enrolled`` (a transfer
    in to the school the student is already at), ``status.transfer_overlap`` (a transfer in
    while another school still has the student) and ``status.two_schools`` (two rosters and no
    transfer).

    Examples:
        >>> i = StatusIssue("status.two_schools", "x", "学籍号G1", None, None, "B", None,
        ...                 "同时在两所学校名单中", "on two rosters")
        >>> i.to_finding().severity.value
        'error'
    """

    code: str
    student_id: str = field(repr=False)
    who: str
    on: date | None
    kind: ChangeKind | None
    school_code: str | None
    row: int | None
    message_zh: str
    message_en: str

    def to_finding(self) -> Finding:
        """This issue as a validation :class:`~edupoverty.records.findings.Finding`."""
        return Finding(
            self.code,
            FindingSeverity.ERROR,
            self.row,
            "status_change",
            f"{self.who}：{self.message_zh}",
            f"{self.who}: {self.message_en}",
        )


@frozen
class Enrolment:
    """The result of :func:`enrolment_periods`: every student's periods and the issues found.

    Examples:
        >>> Enrolment((), ()).of("x")
        ()
    """

    periods: tuple[EnrolmentPeriod, ...]
    issues: tuple[StatusIssue, ...]

    def of(self, student_id: str) -> tuple[EnrolmentPeriod, ...]:
        """The periods of one student, in date order."""
        return tuple(p for p in self.periods if p.student_id == student_id)

    def findings(self) -> tuple[Finding, ...]:
        """The issues as validation findings."""
        return tuple(i.to_finding() for i in self.issues)

    def by_student(self, school_code: str | None = None) -> dict[str, tuple[EnrolmentPeriod, ...]]:
        """The periods keyed by identity number — the ``enrolments`` mapping the rules take.

        Without ``school_code``, every school's periods of each student: what to hand the
        rules, which give a semester two schools share to one of them (R-STK-3). With
        ``school_code``, only that school's periods (to list its days; do not assess with it).

        Examples:
            >>> e = Enrolment((EnrolmentPeriod("x", "A", date(2019, 9, 1), date(2019, 11, 14)),
            ...                EnrolmentPeriod("x", "B", date(2019, 11, 15))), ())
            >>> [p.school_code for p in e.by_student()["x"]]
            ['A', 'B']
            >>> [str(p.end) for p in e.by_student("A")["x"]], e.by_student("C")
            (['2019-11-14'], {})
        """
        out: dict[str, list[EnrolmentPeriod]] = {}
        for p in self.periods:
            if school_code is None or p.school_code == school_code:
                out.setdefault(p.student_id, []).append(p)
        return {k: tuple(v) for k, v in out.items()}


def _who(student: Student | None, sid: str) -> str:
    if student is not None and student.student_number:
        return f"学籍号{student.student_number}"
    if student is not None and student.row is not None:
        return f"第{student.row}行"
    return mask(sid)


def enrolment_periods(
    roster: Iterable[Student], changes: Iterable[StatusChange], *, since: date
) -> Enrolment:
    """Apply status changes to a roster: each student's enrolment periods, and the issues.

    ``since`` is the first day of the span looked at (e.g. the school year's
    :attr:`~edupoverty.records.model.Period.start`): roster rows count from then.

    Examples:
        >>> from edupoverty.records.enums import SchoolLocation, Stage
        >>> pupil = Student(name="李四", id_number="11010520120307002X", school_code="A",
        ...                 stage=Stage.JUNIOR, school_location=SchoolLocation.TOWN,
        ...                 student_number="G1")
        >>> sid = "11010520120307002X"
        >>> changes = [StatusChange(sid, ChangeKind.SUSPENSION, date(2019, 10, 8), "A"),
        ...            StatusChange(sid, ChangeKind.RESUMPTION, date(2020, 3, 1), "A"),
        ...            StatusChange(sid, ChangeKind.RESUMPTION, date(2020, 4, 1), "A")]
        >>> result = enrolment_periods([pupil], changes, since=date(2019, 9, 1))
        >>> [(str(p.start), str(p.end)) for p in result.periods]
        [('2019-09-01', '2019-10-07'), ('2020-03-01', 'None')]
        >>> [i.code for i in result.issues], [i.who for i in result.issues]
        (['status.resumption_without_suspension'], ['学籍号G1'])
    """
    rows: dict[str, list[Student]] = {}
    for s in roster:
        rows.setdefault(s.id_number, []).append(s)
    events: dict[str, list[StatusChange]] = {}
    for c in changes:
        events.setdefault(c.student_id, []).append(c)
    periods: list[EnrolmentPeriod] = []
    issues: list[StatusIssue] = []
    for sid in sorted(set(rows) | set(events)):
        p, i = _one_student(sid, rows.get(sid, []), events.get(sid, []), since)
        periods.extend(p)
        issues.extend(i)
    return Enrolment(tuple(periods), tuple(issues))


def _one_student(
    sid: str, rows: Sequence[Student], changes: Sequence[StatusChange], since: date
) -> tuple[list[EnrolmentPeriod], list[StatusIssue]]:
    ordered = sorted(changes, key=lambda c: (c.on, c.kind not in _CLOSING))
    first_at: dict[str, ChangeKind] = {}
    for c in ordered:
        first_at.setdefault(c.school_code, c.kind)
    student = rows[0] if rows else None
    who = _who(student, sid)
    row = student.row if student is not None else None
    issues: list[StatusIssue] = []
    periods: list[EnrolmentPeriod] = []

    def issue(code: str, c: StatusChange | None, school: str | None, zh: str, en: str) -> None:
        issues.append(
            StatusIssue(
                code,
                sid,
                who,
                None if c is None else c.on,
                None if c is None else c.kind,
                school,
                row,
                zh,
                en,
            )
        )

    open_school: str | None = None
    open_start = since
    suspended_at: str | None = None
    starts = []
    for r in rows:
        first = first_at.get(r.school_code)
        if first is ChangeKind.RESUMPTION:
            suspended_at = r.school_code
        elif first is not ChangeKind.TRANSFER_IN:
            start = max(since, r.enrolled_from) if r.enrolled_from else since
            starts.append((start, r))
    if starts:
        starts.sort(key=lambda t: t[0])
        open_start, kept = starts[0]
        open_school = kept.school_code
        for _start, other in starts[1:]:
            if other.school_code != open_school:
                issue(
                    "status.two_schools",
                    None,
                    other.school_code,
                    f"同时在学校{open_school}和{other.school_code}的名单中，没有转学记录",
                    f"on the rosters of schools {open_school} and {other.school_code} "
                    "with no transfer",
                )
    implicitly_closed: set[str] = set()

    def close(on: date) -> None:
        nonlocal open_school
        assert open_school is not None
        end = on - _DAY
        if end >= open_start:
            periods.append(EnrolmentPeriod(sid, open_school, open_start, end))
        open_school = None

    for c in ordered:
        kind, school = c.kind, c.school_code
        if kind in _CLOSING:
            if open_school == school:
                close(c.on)
                suspended_at = school if kind is ChangeKind.SUSPENSION else None
            elif suspended_at == school and kind is not ChangeKind.SUSPENSION:
                suspended_at = None  # leaving while suspended
            elif school in implicitly_closed and kind is ChangeKind.TRANSFER_OUT:
                implicitly_closed.discard(school)  # already reported as a transfer overlap
            else:
                issue(
                    "status.not_enrolled",
                    c,
                    school,
                    f"{c.on.isoformat()}{kind.zh}，但该生此时不在学校{school}就读",
                    f"{kind.value} on {c.on.isoformat()} from school {school}, "
                    "where the student is not enrolled then",
                )
            continue
        if kind is ChangeKind.RESUMPTION and suspended_at is None:
            issue(
                "status.resumption_without_suspension",
                c,
                school,
                f"{c.on.isoformat()}复学，但没有休学记录",
                f"resumption on {c.on.isoformat()} without a suspension",
            )
            continue
        if open_school == school:
            issue(
                "status.already_enrolled",
                c,
                school,
                f"{c.on.isoformat()}{kind.zh}，但该生已在学校{school}就读",
                f"{kind.value} on {c.on.isoformat()} to school {school}, "
                "where the student is already enrolled",
            )
            continue
        if open_school is not None:
            was_at = open_school
            issue(
                "status.transfer_overlap",
                c,
                school,
                f"{c.on.isoformat()}转入学校{school}时仍在学校{was_at}就读：学校{was_at}的"
                f"在校期间截止到前一天，请核对转出日期",
                f"transfer into school {school} on {c.on.isoformat()} while still enrolled at "
                f"school {was_at}: that enrolment ends the day before; check the transfer-out "
                "date",
            )
            close(c.on)
            implicitly_closed.add(was_at)
        open_school, open_start, suspended_at = school, c.on, None
    if open_school is not None:
        periods.append(EnrolmentPeriod(sid, open_school, open_start, None))
    return periods, issues


def overlaps(
    periods: Iterable[EnrolmentPeriod],
) -> tuple[tuple[EnrolmentPeriod, EnrolmentPeriod], ...]:
    """Pairs of periods of the same student that share a day (there should be none, R-STK-3).

    Examples:
        >>> a = EnrolmentPeriod("x", "A", date(2019, 9, 1), date(2019, 11, 15))
        >>> b = EnrolmentPeriod("x", "B", date(2019, 11, 15))
        >>> len(overlaps([a, b]))
        1
    """
    by_student: dict[str, list[EnrolmentPeriod]] = {}
    for p in periods:
        by_student.setdefault(p.student_id, []).append(p)
    out = []
    for ps in by_student.values():
        ps.sort(key=lambda p: p.start)
        for i, a in enumerate(ps):
            for b in ps[i + 1 :]:
                if a.end is None or b.start <= a.end:
                    out.append((a, b))
    return tuple(out)


def days_enrolled(periods: Iterable[EnrolmentPeriod], start: date, end: date) -> int:
    """Calendar days from ``start`` to ``end`` (both included) covered by ``periods`` — the
    actual time in school (R-DYN-1) from which the rules prorate. Overlapping days count once.

    Examples:
        >>> ps = [EnrolmentPeriod("x", "A", date(2019, 9, 1), date(2019, 11, 14)),
        ...       EnrolmentPeriod("x", "B", date(2019, 11, 15))]
        >>> days_enrolled(ps, date(2019, 9, 1), date(2020, 1, 31))
        153
        >>> days_enrolled(ps[:1], date(2019, 9, 1), date(2020, 1, 31))
        75
    """
    spans = []
    for p in periods:
        a = max(start, p.start)
        b = end if p.end is None else min(end, p.end)
        if a <= b:
            spans.append((a, b))
    spans.sort()
    total = 0
    cur_a: date | None = None
    cur_b = start
    for a, b in spans:
        if cur_a is None or a > cur_b + _DAY:
            if cur_a is not None:
                total += (cur_b - cur_a).days + 1
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_a is not None:
        total += (cur_b - cur_a).days + 1
    return total
