"""*When* and *to whom*: working days, disclosure (公示) windows, objections, notices,
public lists and reporting clocks.

Modules: :mod:`~edupoverty.disclosure.workdays` (the working-day calendar),
:mod:`~edupoverty.disclosure.windows` (windows, objections, batches),
:mod:`~edupoverty.disclosure.notices` (R-DIS-1 contents),
:mod:`~edupoverty.disclosure.public_list` (what a public list may show) and
:mod:`~edupoverty.disclosure.clocks` (R-CLK-1..4). This room reads records, never rules:
assessments arrive as plain values.

Examples:
    >>> from datetime import date
    >>> from edupoverty.disclosure import plan_disclosure, reply_due
    >>> w = plan_disclosure(date(2026, 9, 28))
    >>> w.last_day, w.report_from, reply_due(date(2026, 10, 1))
    (datetime.date(2026, 10, 8), datetime.date(2026, 10, 9), datetime.date(2026, 10, 10))
"""

from edupoverty.disclosure.clocks import (
    ClockSlot,
    check_urgent,
    late_reports,
    monthly_inspections,
    publicity_board_issues,
    red_flag_postings,
    report_deadlines,
    urgent_report_due,
    weekly_inspections,
)
from edupoverty.disclosure.notices import REQUIRED_PARTS, Notice, check_notice
from edupoverty.disclosure.public_list import (
    ALLOWED_COLUMNS,
    DEFAULT_COLUMNS,
    NOT_CONFIGURED,
    PublicList,
    public_list,
)
from edupoverty.disclosure.windows import (
    BatchPlan,
    Convention,
    Disclosure,
    DisclosureWindow,
    ListChange,
    ReportingStatus,
    adjust_list,
    complaints,
    describe_window,
    open_disclosure,
    overdue_replies,
    plan_batches,
    plan_disclosure,
    receive_objection,
    reply_due,
    reply_to_objection,
    reporting_status,
)
from edupoverty.disclosure.workdays import (
    CalendarYear,
    ProvisionalDate,
    WorkCalendar,
    add_working_days,
    default_calendar,
    is_provisional,
    is_workday,
    load_year_file,
    next_workday,
    working_days_between,
)

__all__ = [
    "ALLOWED_COLUMNS",
    "DEFAULT_COLUMNS",
    "NOT_CONFIGURED",
    "REQUIRED_PARTS",
    "BatchPlan",
    "CalendarYear",
    "ClockSlot",
    "Convention",
    "Disclosure",
    "DisclosureWindow",
    "ListChange",
    "Notice",
    "ProvisionalDate",
    "PublicList",
    "ReportingStatus",
    "WorkCalendar",
    "add_working_days",
    "adjust_list",
    "check_notice",
    "check_urgent",
    "complaints",
    "default_calendar",
    "describe_window",
    "is_provisional",
    "is_workday",
    "late_reports",
    "load_year_file",
    "monthly_inspections",
    "next_workday",
    "open_disclosure",
    "overdue_replies",
    "plan_batches",
    "plan_disclosure",
    "public_list",
    "publicity_board_issues",
    "receive_objection",
    "red_flag_postings",
    "reply_due",
    "reply_to_objection",
    "report_deadlines",
    "reporting_status",
    "urgent_report_due",
    "weekly_inspections",
    "working_days_between",
]
