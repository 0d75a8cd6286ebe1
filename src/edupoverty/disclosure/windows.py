"""Disclosure windows (公示期), objections (异议) and list adjustments (R-DIS-2..5, R-PAY-4).

A :class:`DisclosureWindow` is the plan of one posting: the day it goes up, its last day and
the first day the list may be reported upward. A :class:`Disclosure` is the window with what
happened during it — objections, replies, additions and removals — as an immutable value;
the functions here return new values and never change old ones.

Planning a window — :class:`Convention`, :class:`DisclosureWindow`, :func:`plan_disclosure`,
:func:`reply_due`, :func:`describe_window`, :data:`MIN_DAYS` — lives in
:mod:`edupoverty.disclosure.planning` and is importable from here too.

Every function checks what it is given: a disclosure, a window, an objection or a day of the
wrong type is an :class:`~edupoverty.errors.ArgumentError` naming the parameter; days are
days in China (an aware datetime is converted to UTC+8 first); a single name given where a
list of names is taken (``add="张三"``) is refused, not split into characters.

Examples:
    >>> from datetime import date
    >>> w = plan_disclosure(date(2026, 9, 28))
    >>> w.last_day, w.report_from       # 5 October is a National Day holiday → 8 October
    (datetime.date(2026, 10, 8), datetime.date(2026, 10, 9))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

import attrs
from attrs import field, frozen

from edupoverty.disclosure.planning import (
    MIN_DAYS,
    Convention,
    DisclosureWindow,
    calendar_argument,
    describe_window,
    plan_disclosure,
    reply_due,
)
from edupoverty.disclosure.workdays import WorkCalendar
from edupoverty.errors import ArgumentError, InputError
from edupoverty.records.arguments import china_date, of_type, sequence_argument
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

# --- the disclosure as it happens -------------------------------------------------------


def _on(value: date) -> date:
    return china_date(value, "on")


def _add_or_remove(_inst: object, _attr: attrs.Attribute[str], value: str) -> None:
    if value not in ("add", "remove"):
        raise InputError("kind 应为 add 或 remove", "kind must be add or remove")


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

    kind: str = field(validator=_add_or_remove)
    subject: str
    on: date = field(converter=_on)
    objection_id: str | None = None
    window: DisclosureWindow | None = None


def _objections(values: Iterable[Objection]) -> tuple[Objection, ...]:
    out = sequence_argument(values, "objections")
    for o in out:
        _objection(o)
    return out


def _changes(values: Iterable[ListChange]) -> tuple[ListChange, ...]:
    out = sequence_argument(values, "changes")
    for c in out:
        of_type(c, ListChange, "changes", "ListChange 的列表", "a list of ListChange")
    return out


def _objection(value: object) -> Objection:
    return of_type(value, Objection, "objection", "Objection", "an Objection")


def _disclosure(value: object) -> Disclosure:
    return of_type(value, Disclosure, "disclosure", "Disclosure", "a Disclosure")


def _window(value: object) -> DisclosureWindow:
    return of_type(value, DisclosureWindow, "window", "DisclosureWindow", "a DisclosureWindow")


def _valid_window(_inst: object, _attr: attrs.Attribute[DisclosureWindow], value: object) -> None:
    _window(value)


def _names(values: Iterable[str], name: str) -> tuple[str, ...]:
    out = sequence_argument(values, name)
    for v in out:
        of_type(v, str, name, "名字（文本）的列表", "a list of names (text)")
    return out


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

    window: DisclosureWindow = field(validator=_valid_window)
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
    return Disclosure(window=_window(window), fresh_window_for_additions=fresh_window_for_additions)


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
    disclosure, objection = _disclosure(disclosure), _objection(objection)
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
    i = _find(_disclosure(disclosure), objection_id)
    replied_on = china_date(replied_on, "replied_on")
    of_type(upheld, bool, "upheld", "布尔值（True/False）", "a bool")
    o = disclosure.objections[i]
    if o.answered:
        raise InputError(f"异议 {objection_id} 已答复", f"objection {objection_id} was answered")
    if replied_on < o.received_on:
        raise InputError(
            f"异议 {objection_id} 的答复日期早于收到日期",
            f"objection {objection_id}: the reply is dated before the objection",
        )
    add, remove = _names(add, "add"), _names(remove, "remove")
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
    disclosure, on = _disclosure(disclosure), china_date(on, "on")
    add, remove = _names(add, "add"), _names(remove, "remove")
    fresh = None
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
    return tuple(o for o in _disclosure(disclosure).objections if o.late)


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
    disclosure = _disclosure(disclosure)
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
    cal = calendar_argument(calendar)
    disclosure = _disclosure(disclosure)
    as_of = None if as_of is None else china_date(as_of, "as_of")
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
    posted_on: Mapping[str, date] | None = None,
    calendar: WorkCalendar | None = None,
) -> tuple[BatchPlan, ...]:
    """One disclosure plan per payment batch (R-PAY-4), in order of posting day and batch.

    A batch is posted on the day given in ``posted_on[batch]``, else on its last payment
    day (the day the money went out).

    Examples:
        >>> plan_batches([])
        ()
    """
    payments = sequence_argument(disbursements, "disbursements")
    if posted_on is not None and not isinstance(posted_on, Mapping):
        raise ArgumentError(
            "posted_on", "批次到日期的映射", "a mapping of batch to date", type(posted_on).__name__
        )
    groups: dict[str, list[Disbursement]] = {}
    for d in payments:
        of_type(d, Disbursement, "disbursements", "Disbursement 的列表", "a list of Disbursement")
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
