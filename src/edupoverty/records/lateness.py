"""Deadlines missed (逾期): the records the disclosure and reporting rooms hand to
accountability — an objection answered late (R-DIS-4, R-ACC-S2) and a report submitted late
(R-CLK-1..4, R-ACC-S4). Plain values; both are importable from
:mod:`edupoverty.records.model` too.

Examples:
    >>> from datetime import date
    >>> LateReport(report="月排查报告", clock="monthly_inspection", due_at=date(2026, 10, 9),
    ...            submitted_at=date(2026, 10, 12)).submitted_at
    datetime.date(2026, 10, 12)
"""

from __future__ import annotations

from datetime import date

from attrs import frozen

__all__ = ["LateReport", "OverdueReply"]


@frozen
class OverdueReply:
    """An objection answered after its due working day (R-DIS-4): what the disclosure module
    hands to accountability (R-ACC-S2).

    Examples:
        >>> # received 2026-09-30: due 2026-10-10 (3 working days; 10 October is a make-up
        >>> # working day), as edupoverty.disclosure.reply_due gives
        >>> o = OverdueReply(objection_id="O1", received_on=date(2026, 9, 30),
        ...                  due_on=date(2026, 10, 10), replied_on=date(2026, 10, 14))
        >>> o.working_days_late is None
        True
    """

    objection_id: str
    received_on: date
    due_on: date
    replied_on: date | None
    working_days_late: int | None = None
    responsible: str | None = None


@frozen
class LateReport:
    """A report, statistical return or urgent information submitted after its deadline
    (R-CLK-1..4): handed to accountability (R-ACC-S4).

    ``due_at``/``submitted_at`` are dates, or datetimes for the one-hour urgent clock.

    Examples:
        >>> LateReport(report="月排查报告", clock="monthly_inspection", due_at=date(2026, 10, 9),
        ...            submitted_at=date(2026, 10, 12)).clock
        'monthly_inspection'
    """

    report: str
    clock: str
    due_at: date
    submitted_at: date | None
    responsible: str | None = None
