"""Disclosure windows (公示期), objections (异议) and list adjustments (R-DIS-2..5, R-PAY-4).

A :class:`DisclosureWindow` is the plan of one posting: the day it goes up, its last day and
the first day the list may be reported upward. A :class:`Disclosure` is the window with what
happened during it — objections, replies, additions and removals — as an immutable value;
the functions here return new values and never change old ones.

Counting (RULES.md §8): by default the PRC Civil Code (arts. 201, 203): the posting day does
not count, the window ends ``days`` days later, and a last day that is a rest day moves to
the next working day.

Examples:
    >>> from datetime import date
    >>> w = plan_disclosure(date(2026, 9, 28))
    >>> w.last_day, w.report_from       # 5 October is a National Day holiday → 8 October
    (datetime.date(2026, 10, 8), datetime.date(2026, 10, 9))
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

import attrs
from attrs import field, frozen

from edupoverty.disclosure.workdays import (
    WorkCalendar,
    default_calendar,
    is_provisional,
)
from edupoverty.errors import InputError
from edupoverty.records.model import Disbursement, Objection, OverdueReply

__all__ = [
    "MIN_DAYS",
    "BatchPlan",
    "Convention",
    "Disclosure",
    "DisclosureWindow",
    "ListChange",
    "ReportingStatus",
    "adjust_list",
    "complaints",
    "describe_window",
    "open_disclosure",
    "overdue_replies",
    "plan_batches",
    "plan_disclosure",
    "receive_objection",
    "reply_due",
    "reply_to_objection",
    "reporting_status",
]

MIN_DAYS = 7
"""R-DIS-2: a list is posted for at least one week (一周以上): seven calendar days covered."""


class Convention(Enum):
    """How a county counts a disclosure period. Each member has ``zh``/``en`` labels.

    - ``civil_code`` (default): the posting day does not count (Civil Code art. 201);
      ``last_day`` = posting day + ``days``; a rest day moves to the next working day
      (art. 203).
    - ``posting_day_counted``: the posting day is day 1; ``last_day`` = posting day +
      ``days`` - 1, moved to the next working day if it is a rest day.
    - ``working_days``: ``days`` working days after the posting day
      (``add_working_days(posted_on, days)``).

    Examples:
        >>> Convention("civil_code").zh
        '民法典计算（首日不计入，末日遇休息日顺延）'
    """

    CIVIL_CODE = "civil_code"
    POSTING_DAY_COUNTED = "posting_day_counted"
    WORKING_DAYS = "working_days"

    @property
    def zh(self) -> str:
        """Chinese label.

        Examples:
            >>> Convention.WORKING_DAYS.zh
            '按工作日计算'
        """
        return _CONVENTION_LABELS[self][0]

    @property
    def en(self) -> str:
        """English label.

        Examples:
            >>> Convention.WORKING_DAYS.en
            'counted in working days'
        """
        return _CONVENTION_LABELS[self][1]


_CONVENTION_LABELS = {
    Convention.CIVIL_CODE: (
        "民法典计算（首日不计入，末日遇休息日顺延）",
        "Civil Code (posting day not counted; a rest-day last day moves to the next working day)",
    ),
    Convention.POSTING_DAY_COUNTED: (
        "公示当日计入（末日遇休息日顺延）",
        "posting day counted (a rest-day last day moves to the next working day)",
    ),
    Convention.WORKING_DAYS: ("按工作日计算", "counted in working days"),
}


def _convention(value: Convention | str) -> Convention:
    if isinstance(value, Convention):
        return value
    try:
        return Convention(str(value).strip().lower().replace("-", "_"))
    except ValueError:
        names = ", ".join(c.value for c in Convention)
        raise InputError(
            f"未知的公示期计算方法（可选：{names}）",
            f"unknown disclosure convention (choose one of: {names})",
        ) from None


def _cal(calendar: WorkCalendar | None) -> WorkCalendar:
    return default_calendar() if calendar is None else calendar


@frozen
class DisclosureWindow:
    """The plan of one posting (公示): posted, last day, first day it may be reported upward.

    ``provisional`` is True when a date was computed across a weekend-only estimated year
    (:meth:`~edupoverty.disclosure.workdays.WorkCalendar.with_estimate`).

    Examples:
        >>> w = plan_disclosure(date(2026, 3, 2))
        >>> (w.posted_on, w.last_day, w.report_from, w.provisional)
        (datetime.date(2026, 3, 2), datetime.date(2026, 3, 9), datetime.date(2026, 3, 10), False)
    """

    posted_on: date
    last_day: date
    report_from: date
    provisional: bool = False
    days: int = MIN_DAYS
    convention: Convention = Convention.CIVIL_CODE
    batch: str | None = None

    def is_open(self, day: date) -> bool:
        """True if ``day`` lies within the window (posting day to last day, inclusive).

        Examples:
            >>> plan_disclosure(date(2026, 3, 2)).is_open(date(2026, 3, 9))
            True
        """
        return self.posted_on <= day <= self.last_day


def plan_disclosure(
    posted_on: date,
    days: int = MIN_DAYS,
    convention: Convention | str = Convention.CIVIL_CODE,
    *,
    calendar: WorkCalendar | None = None,
    batch: str | None = None,
) -> DisclosureWindow:
    """Plan a disclosure window posted on ``posted_on`` for ``days`` (R-DIS-2).

    ``days`` counts calendar days, or working days for ``convention="working_days"``. A
    window that would cover less than one week (:data:`MIN_DAYS` calendar days) is refused
    (:class:`~edupoverty.errors.InputError`): R-DIS-2 asks for at least a week.

    Examples:
        >>> plan_disclosure(date(2026, 9, 28)).last_day                    # Civil Code
        datetime.date(2026, 10, 8)
        >>> plan_disclosure(date(2026, 9, 28), convention="posting_day_counted").last_day
        datetime.date(2026, 10, 8)
        >>> plan_disclosure(date(2026, 9, 28), 5, convention="working_days").last_day
        datetime.date(2026, 10, 10)
        >>> plan_disclosure(date(2026, 3, 2), 5)
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: input: 公示期不足一周（R-DIS-2）...
    """
    conv = _convention(convention)
    cal = _cal(calendar)
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise InputError("公示天数应为正整数", "the number of days must be a positive integer")
    if conv is Convention.WORKING_DAYS:
        last = cal.add_working_days(posted_on, days)
        covered = (last - posted_on).days
    else:
        nominal = posted_on + timedelta(days=days if conv is Convention.CIVIL_CODE else days - 1)
        covered = (nominal - posted_on).days + (0 if conv is Convention.CIVIL_CODE else 1)
        last = cal.next_workday(nominal)
    if covered < MIN_DAYS:
        raise InputError(
            f"公示期不足一周（R-DIS-2）：按{conv.zh}只覆盖{covered}天",
            f"the window is shorter than one week (R-DIS-2): {covered} days by {conv.value}",
        )
    report_from = last + timedelta(days=1)
    provisional = is_provisional(last) or cal.is_provisional_span(posted_on, last)
    return DisclosureWindow(
        posted_on=posted_on,
        last_day=last,
        report_from=report_from,
        provisional=provisional,
        days=days,
        convention=conv,
        batch=batch,
    )


def reply_due(
    received_on: date, working_days: int = 3, *, calendar: WorkCalendar | None = None
) -> date:
    """The last day to answer an objection received on ``received_on`` (R-DIS-4: within 3
    working days of receiving the material): ``add_working_days(received_on, 3)``.

    Examples:
        >>> reply_due(date(2026, 9, 30))    # 1–7 October are holidays
        datetime.date(2026, 10, 10)
        >>> reply_due(date(2025, 1, 24))    # Sun 26 Jan worked, 27 Jan, then 春节 to 4 Feb
        datetime.date(2025, 2, 5)
    """
    if isinstance(working_days, bool) or not isinstance(working_days, int) or working_days < 1:
        raise InputError("答复期限应为正整数个工作日", "the reply period must be >= 1 working day")
    return _cal(calendar).add_working_days(received_on, working_days)


# --- the disclosure as it happens -------------------------------------------------------


@frozen
class ListChange:
    """An adjustment of the disclosed list (R-DIS-5): ``kind`` is ``"add"`` or ``"remove"``.

    ``subject`` names the beneficiary as shown on the list (a name, or a list row key —
    never an ID number). An addition made when fresh windows are required carries the
    ``window`` its names must be posted for.

    Examples:
        >>> ListChange("remove", "张三", date(2026, 10, 9), objection_id="O1").kind
        'remove'
    """

    kind: str = field(validator=attrs.validators.in_(("add", "remove")))
    subject: str
    on: date
    objection_id: str | None = None
    window: DisclosureWindow | None = None


def _objections(values: Iterable[Objection]) -> tuple[Objection, ...]:
    return tuple(values)


def _changes(values: Iterable[ListChange]) -> tuple[ListChange, ...]:
    return tuple(values)


@frozen
class Disclosure:
    """A disclosure as it happens: its window, the objections and the list changes.

    ``fresh_window_for_additions`` (default True): beneficiaries added after an upheld
    objection are posted for a fresh full window before the list may be reported.

    Examples:
        >>> d = open_disclosure(plan_disclosure(date(2026, 3, 2)))
        >>> d.objections, d.changes
        ((), ())
    """

    window: DisclosureWindow
    objections: tuple[Objection, ...] = field(default=(), converter=_objections)
    changes: tuple[ListChange, ...] = field(default=(), converter=_changes)
    fresh_window_for_additions: bool = True

    def last_open_day(self) -> date:
        """The latest last day among the main window and the fresh windows of additions.

        Examples:
            >>> open_disclosure(plan_disclosure(date(2026, 3, 2))).last_open_day()
            datetime.date(2026, 3, 9)
        """
        days = [self.window.last_day] + [c.window.last_day for c in self.changes if c.window]
        return max(days)


def open_disclosure(
    window: DisclosureWindow, *, fresh_window_for_additions: bool = True
) -> Disclosure:
    """Start a :class:`Disclosure` for ``window`` (no objections yet).

    Examples:
        >>> open_disclosure(plan_disclosure(date(2026, 3, 2)),
        ...                 fresh_window_for_additions=False).fresh_window_for_additions
        False
    """
    return Disclosure(window=window, fresh_window_for_additions=fresh_window_for_additions)


def _find(disclosure: Disclosure, objection_id: str) -> int:
    for i, o in enumerate(disclosure.objections):
        if o.objection_id == objection_id:
            return i
    raise InputError(f"没有编号为 {objection_id} 的异议", f"no objection with id {objection_id}")


def receive_objection(disclosure: Disclosure, objection: Objection) -> Disclosure:
    """Record an objection (R-DIS-3). One received after the last day of every open window
    is kept as a late objection (``late=True``: a complaint), never dropped.

    Examples:
        >>> d = open_disclosure(plan_disclosure(date(2026, 3, 2)))
        >>> o = Objection("O1", date(2026, 3, 12), "家长", "收入不符")
        >>> receive_objection(d, o).objections[0].late
        True
    """
    if objection.received_on < disclosure.window.posted_on:
        raise InputError(
            f"异议 {objection.objection_id} 的收到日期早于公示日",
            f"objection {objection.objection_id} is dated before the posting day",
        )
    if any(o.objection_id == objection.objection_id for o in disclosure.objections):
        raise InputError(
            f"异议编号 {objection.objection_id} 重复",
            f"objection id {objection.objection_id} is already recorded",
        )
    late = objection.received_on > disclosure.last_open_day()
    recorded = attrs.evolve(objection, late=late)
    return attrs.evolve(disclosure, objections=(*disclosure.objections, recorded))


def reply_to_objection(
    disclosure: Disclosure,
    objection_id: str,
    replied_on: date,
    upheld: bool,
    *,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    calendar: WorkCalendar | None = None,
) -> Disclosure:
    """Record the working group's reply (R-DIS-4) and, if the objection holds, the list
    changes it makes (R-DIS-5).

    Examples:
        >>> d = open_disclosure(plan_disclosure(date(2026, 3, 2)))
        >>> d = receive_objection(d, Objection("O1", date(2026, 3, 4), "同学", "未申报"))
        >>> d = reply_to_objection(d, "O1", date(2026, 3, 6), True, remove=["李四"])
        >>> [(c.kind, c.subject) for c in d.changes]
        [('remove', '李四')]
    """
    i = _find(disclosure, objection_id)
    o = disclosure.objections[i]
    if o.answered:
        raise InputError(f"异议 {objection_id} 已答复", f"objection {objection_id} was answered")
    if replied_on < o.received_on:
        raise InputError(
            f"异议 {objection_id} 的答复日期早于收到日期",
            f"objection {objection_id}: the reply is dated before the objection",
        )
    add, remove = tuple(add), tuple(remove)
    if not upheld and (add or remove):
        raise InputError(
            f"异议 {objection_id} 不成立，名单不应调整",
            f"objection {objection_id} was not upheld: the list does not change",
        )
    answered = attrs.evolve(o, replied_on=replied_on, upheld=upheld)
    objections = (*disclosure.objections[:i], answered, *disclosure.objections[i + 1 :])
    updated = attrs.evolve(disclosure, objections=objections)
    if add or remove:
        updated = adjust_list(
            updated,
            add=add,
            remove=remove,
            on=replied_on,
            objection_id=objection_id,
            calendar=calendar,
        )
    return updated


def adjust_list(
    disclosure: Disclosure,
    *,
    on: date,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    objection_id: str | None = None,
    calendar: WorkCalendar | None = None,
) -> Disclosure:
    """Add or remove beneficiaries (R-DIS-5), keeping the history of every change.

    With ``fresh_window_for_additions`` each addition gets a fresh full window posted on
    ``on`` (same days and convention as the main window).

    Examples:
        >>> d = open_disclosure(plan_disclosure(date(2026, 3, 2)))
        >>> d = adjust_list(d, on=date(2026, 3, 5), add=["王五"])
        >>> d.changes[0].window.last_day
        datetime.date(2026, 3, 12)
    """
    fresh = None
    add = tuple(add)
    if add and disclosure.fresh_window_for_additions:
        w = disclosure.window
        fresh = plan_disclosure(on, w.days, w.convention, calendar=calendar, batch=w.batch)
    new = [ListChange("add", s, on, objection_id, fresh) for s in add]
    new += [ListChange("remove", s, on, objection_id) for s in remove]
    return attrs.evolve(disclosure, changes=(*disclosure.changes, *new))


def complaints(disclosure: Disclosure) -> tuple[Objection, ...]:
    """The late objections, kept as complaints (举报投诉).

    Examples:
        >>> d = open_disclosure(plan_disclosure(date(2026, 3, 2)))
        >>> d = receive_objection(d, Objection("O9", date(2026, 4, 1), "村民", "冒领"))
        >>> [o.objection_id for o in complaints(d)]
        ['O9']
    """
    return tuple(o for o in disclosure.objections if o.late)


@frozen
class ReportingStatus:
    """May the list be reported upward (方可上报, R-DIS-5), and from when?

    ``allowed_from`` is the first day reporting is allowed, or ``None`` while an objection
    received in time is unanswered (``blocked_by`` lists them).

    Examples:
        >>> s = reporting_status(open_disclosure(plan_disclosure(date(2026, 3, 2))))
        >>> s.allowed_from, s.blocked_by
        (datetime.date(2026, 3, 10), ())
    """

    allowed_from: date | None
    blocked_by: tuple[str, ...] = ()
    provisional: bool = False


def reporting_status(disclosure: Disclosure) -> ReportingStatus:
    """When the list may be reported: the window's ``report_from`` or the day after the
    last reply, whichever is later; later still if a fresh window for additions ends later.
    An unanswered objection received in time blocks it. Late objections (complaints) do not
    block: the week passed without objection (R-DIS-5).

    Examples:
        >>> d = open_disclosure(plan_disclosure(date(2026, 3, 2)))
        >>> d = receive_objection(d, Objection("O1", date(2026, 3, 9), "家长", "不符"))
        >>> reporting_status(d).blocked_by
        ('O1',)
        >>> reporting_status(reply_to_objection(d, "O1", date(2026, 3, 11), False)).allowed_from
        datetime.date(2026, 3, 12)
    """
    w = disclosure.window
    pending = tuple(o.objection_id for o in disclosure.objections if not o.late and not o.answered)
    provisional = w.provisional or any(c.window.provisional for c in disclosure.changes if c.window)
    if pending:
        return ReportingStatus(None, pending, provisional)
    days = [w.report_from]
    days += [
        o.replied_on + timedelta(days=1)
        for o in disclosure.objections
        if o.replied_on is not None and not o.late
    ]
    days += [c.window.report_from for c in disclosure.changes if c.window is not None]
    return ReportingStatus(max(days), (), provisional)


def overdue_replies(
    disclosure: Disclosure,
    *,
    as_of: date | None = None,
    responsible: str | None = None,
    calendar: WorkCalendar | None = None,
) -> tuple[OverdueReply, ...]:
    """Objections answered after their due day (R-DIS-4) — and, given ``as_of``, those
    still unanswered after it — as :class:`~edupoverty.records.OverdueReply` records for
    accountability (R-ACC-S2). ``working_days_late`` counts working days after the due day.

    Examples:
        >>> d = open_disclosure(plan_disclosure(date(2026, 9, 24)))   # open until 8 October
        >>> d = receive_objection(d, Objection("O1", date(2026, 9, 30), "家长", "不符"))
        >>> d = reply_to_objection(d, "O1", date(2026, 10, 13), False)
        >>> r = overdue_replies(d)[0]
        >>> r.due_on, r.working_days_late
        (datetime.date(2026, 10, 10), 2)
    """
    cal = _cal(calendar)
    out = []
    for o in disclosure.objections:
        if o.late:
            continue
        due = reply_due(o.received_on, calendar=cal)
        end = o.replied_on if o.replied_on is not None else as_of
        if end is None or end <= due:
            continue
        out.append(
            OverdueReply(
                objection_id=o.objection_id,
                received_on=o.received_on,
                due_on=date(due.year, due.month, due.day),
                replied_on=o.replied_on,
                working_days_late=cal.working_days_between(due, end),
                responsible=responsible,
            )
        )
    return tuple(out)


# --- payment batches (R-PAY-4) ---------------------------------------------------------


@frozen
class BatchPlan:
    """The disclosure plan of one payment batch (R-PAY-4: every payment is disclosed).

    Examples:
        >>> from edupoverty.records import Period, PaymentMethod
        >>> p = plan_batches([Disbursement("x", "compulsory.boarding_allowance", Period(2025),
        ...                   "500", PaymentMethod.BANK_TRANSFER, date(2025, 11, 3), "B1")])[0]
        >>> p.batch, p.payments, p.total, p.window.last_day
        ('B1', 1, Decimal('500.00'), datetime.date(2025, 11, 10))
    """

    batch: str
    window: DisclosureWindow
    payments: int
    total: Decimal
    programmes: tuple[str, ...]


def plan_batches(
    disbursements: Iterable[Disbursement],
    *,
    days: int = MIN_DAYS,
    convention: Convention | str = Convention.CIVIL_CODE,
    posted_on: dict[str, date] | None = None,
    calendar: WorkCalendar | None = None,
) -> tuple[BatchPlan, ...]:
    """One disclosure plan per payment batch (R-PAY-4), in order of posting day and batch.

    A batch is posted on the day given in ``posted_on[batch]``, else on its last payment
    day (the day the money went out).

    Examples:
        >>> plan_batches([])
        ()
    """
    groups: dict[str, list[Disbursement]] = {}
    for d in disbursements:
        groups.setdefault(d.batch, []).append(d)
    plans = []
    for batch, items in groups.items():
        day = (posted_on or {}).get(batch) or max(d.paid_on for d in items)
        window = plan_disclosure(day, days, convention, calendar=calendar, batch=batch)
        plans.append(
            BatchPlan(
                batch=batch,
                window=window,
                payments=len(items),
                total=sum((d.amount for d in items), Decimal("0.00")),
                programmes=tuple(sorted({d.programme for d in items})),
            )
        )
    plans.sort(key=lambda p: (p.window.posted_on, p.batch))
    return tuple(plans)


def describe_window(window: DisclosureWindow, lang: str = "zh") -> str:
    """A short human description of a window (used by the CLI and ``edupoverty demo``).

    Examples:
        >>> print(describe_window(plan_disclosure(date(2026, 9, 28)), "en"))
        posted 2026-09-28, open until 2026-10-08 (7 days, civil_code); report from 2026-10-09
    """
    mark = ""
    if window.provisional:
        mark = "（暂定：含估算年份）" if lang == "zh" else " (provisional: estimated year)"
    if lang == "en":
        return (
            f"posted {window.posted_on.isoformat()}, open until {window.last_day.isoformat()} "
            f"({window.days} days, {window.convention.value}); report from "
            f"{window.report_from.isoformat()}{mark}"
        )
    unit = "个工作日" if window.convention is Convention.WORKING_DAYS else "天"
    return (
        f"{window.posted_on.isoformat()} 公示，至 {window.last_day.isoformat()} 止"
        f"（{window.days}{unit}，{window.convention.zh}）；"
        f"{window.report_from.isoformat()} 起可上报{mark}"
    )
