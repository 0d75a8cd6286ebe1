"""Proration: what the rules of one school year see of a student's enrolment (R-DYN-1..3).

Each semester has a *window*: its term (the county's teaching days, a profile parameter,
:class:`~edupoverty.rules.policy.Term`) or, where no term is configured, its half of the
school year. A semester counts if the student was enrolled on a day of its window
(``any_day`` proration) or on its census day (``census``); per-day programmes count the share
of the window the student was enrolled (:func:`counted_days`). Without a term, a semester the
student was enrolled for only part of is *undecided*: its amounts are reported as not
configured, never guessed.

:class:`Proration` gives this :class:`View` of one student's enrolment spans
(:meth:`Proration.of`) and, for a whole table, of its ``enrolled_from`` / ``enrolled_until``
columns at once (:meth:`Proration.columns`). Both count days with :func:`days_within`, on day
numbers (days since 1970-01-01, Arrow's ``date32``).

Examples:
    >>> from datetime import date
    >>> from edupoverty.rules import load_policy
    >>> p = Proration(load_policy("seed"), 2019)
    >>> v = p.of(((date(2019, 9, 1), date(2019, 12, 31)),))
    >>> [s.value for s in v.counted], [s.value for s in v.unknown]
    (['autumn'], ['autumn'])
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.records.enums import Semester
from edupoverty.records.model import EnrolmentPeriod, Period, Student
from edupoverty.rules.policy import Policy
from edupoverty.rules.results import SEMESTERS

__all__ = [
    "Proration",
    "ProrationColumns",
    "Span",
    "View",
    "counted_days",
    "day_number",
    "days_within",
    "enrolment_spans",
]

Span = tuple[date, date]
"""A span of enrolment, first and last day included (``date.min`` / ``date.max``: open)."""

_EPOCH = date(1970, 1, 1)
_ONE_DAY = timedelta(days=1)

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def day_number(day: date) -> int:
    """Days since 1970-01-01 (the value of an Arrow ``date32``).

    Examples:
        >>> day_number(date(1970, 1, 2)), day_number(date(2019, 9, 1))
        (1, 18140)
    """
    return (day - _EPOCH).days


def days_within(start: Any, end: Any, lo: Any, hi: Any) -> Any:
    """Days from ``start`` to ``end`` (both included) that fall within ``lo``–``hi``:
    ``max(0, min(end, hi) − max(start, lo) + 1)``, on day numbers (:func:`day_number`),
    ints or NumPy arrays (element by element). The one count of days enrolled in a
    semester's window, for a student alone (in plain ints) and for a whole table.

    Examples:
        >>> int(days_within(10, 20, 15, 40)), int(days_within(10, 20, 21, 40))
        (6, 0)
        >>> days_within(np.array([0, 16]), np.array([30, 18]), 15, 40).tolist()
        [16, 3]
    """
    if isinstance(start, int) and isinstance(end, int):
        return max(min(end, hi) - max(start, lo) + 1, 0)
    return np.maximum(np.minimum(end, hi) - np.maximum(start, lo) + 1, 0)


def counted_days(school_days: Any, enrolled: Any, length: Any) -> Any:
    """The school days of a semester counted for a per-day programme (R-CMP-4): all
    ``school_days`` for a student enrolled every day of the ``length`` days of the
    semester's window, else ``school_days × enrolled // length`` (rounded down). Ints or
    NumPy arrays (``enrolled`` never exceeds ``length``).

    Examples:
        >>> counted_days(100, 153, 153), counted_days(100, 76, 153)
        (100, 49)
    """
    return school_days * enrolled // length


class View(NamedTuple):
    """What proration sees of an enrolment: the semesters ``counted``, the ``days``
    enrolled in each semester's window (only for policies with per-day programmes, else
    empty) and the semesters ``unknown`` (undecided: terms not configured and the student
    enrolled for only part of the semester).

    Examples:
        >>> View((Semester.AUTUMN,), (), ()).counted
        (<Semester.AUTUMN: 'autumn'>,)
    """

    counted: tuple[Semester, ...]
    days: tuple[int, ...]
    unknown: tuple[Semester, ...]


class ProrationColumns(NamedTuple):
    """:class:`View` of every row of a table, as NumPy arrays, one per semester of
    :data:`~edupoverty.rules.results.SEMESTERS`: the ``days`` enrolled in the semester's
    window, whether the semester is ``counted``, whether it is ``unknown``.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> p = Proration(load_policy("seed"), 2019)
        >>> c = p.columns(pa.array([None], pa.date32()), pa.array([None], pa.date32()))
        >>> c.days[1].tolist(), c.counted[1].tolist(), c.unknown[1].tolist()
        ([213], [True], [False])
    """

    days: tuple[IntArray, ...]
    counted: tuple[BoolArray, ...]
    unknown: tuple[BoolArray, ...]


class _Window(NamedTuple):
    semester: Semester
    lo: int  # day numbers, within the school year
    hi: int
    length: int  # days of the whole window
    known: bool  # a term is configured
    census: int | None  # the census day, under census proration


class Proration:
    """What proration sees of an enrolment in one school year under one policy (R-DYN-1..3).

    Students alike in the fields a policy reads and in this view share one result
    (:func:`~edupoverty.rules.assess.assess_many`, :func:`~edupoverty.rules.bulk.assess_table`).
    ``lengths`` are the days of each semester's window; ``daily`` is true when the policy has
    a per-day programme (then views carry the days enrolled).

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> p = Proration(load_policy("seed"), 2019)
        >>> p.lengths, p.daily  # 2020 is a leap year
        ((153, 213), True)
        >>> p.of(((date(2020, 3, 1), date.max),)).counted
        (<Semester.SPRING: 'spring'>,)
    """

    def __init__(self, policy: Policy, school_year: int) -> None:
        params = policy.parameters
        year = Period(school_year)
        first, last = day_number(year.start), day_number(year.end)
        windows = []
        for sem in SEMESTERS:
            term = params.term(sem, school_year)
            half = Period(school_year, sem)
            lo, hi = (term.start, term.end) if term is not None else (half.start, half.end)
            census = params.census_day(sem, school_year) if params.proration == "census" else None
            windows.append(
                _Window(
                    sem,
                    max(day_number(lo), first),
                    min(day_number(hi), last),
                    (hi - lo).days + 1,
                    term is not None,
                    None if census is None else day_number(census),
                )
            )
        self.windows: tuple[_Window, ...] = tuple(windows)
        self.lengths: tuple[int, ...] = tuple(w.length for w in windows)
        self.census = params.proration == "census"
        self.daily = any(c.kind == "per_school_day" for p in policy.programmes for c in p.cases)
        self._seen: dict[tuple[Span, ...], View] = {}

    def of(self, spans: tuple[Span, ...]) -> View:
        """The view of ``spans`` (merged, as :func:`enrolment_spans` gives them), memoised."""
        view = self._seen.get(spans)
        if view is None:
            view = self._seen[spans] = self.view(spans)
        return view

    def view(self, spans: Sequence[Span]) -> View:
        """What proration sees of the enrolment ``spans`` (disjoint spans).

        Examples:
            >>> from edupoverty.rules import load_policy
            >>> p = Proration(load_policy("seed"), 2019)
            >>> p.view([(date(2019, 9, 1), date(2019, 10, 31)), (date(2019, 12, 1), date.max)])
            ... # doctest: +NORMALIZE_WHITESPACE
            View(counted=(<Semester.AUTUMN: 'autumn'>, <Semester.SPRING: 'spring'>),
                 days=(123, 213), unknown=(<Semester.AUTUMN: 'autumn'>,))
        """
        numbers = [(day_number(s), day_number(e)) for s, e in spans]
        counted: list[Semester] = []
        days: list[int] = []
        unknown: list[Semester] = []
        for w in self.windows:
            n = sum(days_within(s, e, w.lo, w.hi) for s, e in numbers)
            on_census = w.census is not None and any(s <= w.census <= e for s, e in numbers)
            count, undecided = self._classify(w, n, on_census)
            days.append(n)
            if count:
                counted.append(w.semester)
            if undecided:
                unknown.append(w.semester)
        return View(tuple(counted), tuple(days) if self.daily else (), tuple(unknown))

    def columns(self, enrolled_from: Any, enrolled_until: Any) -> ProrationColumns:
        """The view of every row's own enrolment dates (Arrow ``date32`` arrays, null: open),
        computed on whole columns. Row ``i`` gets what :meth:`view` gives of the span
        ``enrolled_from[i]``–``enrolled_until[i]``.

        Examples:
            >>> from edupoverty.rules import load_policy
            >>> p = Proration(load_policy("seed"), 2019)
            >>> c = p.columns(pa.array([date(2019, 9, 1)], pa.date32()),
            ...               pa.array([date(2019, 12, 31)], pa.date32()))
            >>> c.days[0].tolist(), c.counted[0].tolist(), c.unknown[0].tolist()
            ([122], [True], [True])
        """
        starts = _day_numbers(enrolled_from, day_number(date.min))
        ends = _day_numbers(enrolled_until, day_number(date.max))
        days, counted, unknown = [], [], []
        for w in self.windows:
            n = days_within(starts, ends, w.lo, w.hi)
            on_census = (
                (starts <= w.census) & (w.census <= ends)
                if w.census is not None
                else np.zeros(len(n), dtype=np.bool_)
            )
            count, undecided = self._classify(w, n, on_census)
            days.append(n)
            counted.append(np.asarray(count, dtype=np.bool_))
            unknown.append(np.asarray(undecided, dtype=np.bool_))
        return ProrationColumns(tuple(days), tuple(counted), tuple(unknown))

    def _classify(self, w: _Window, days: Any, on_census: Any) -> tuple[Any, Any]:
        """(counted, undecided) for ``days`` enrolled in the window ``w``: one rule for a
        student alone (ints) and for a column (arrays)."""
        counted = on_census if self.census else days > 0
        undecided = (days > 0) & (days < w.length) & (not w.known)
        return counted, undecided


def _day_numbers(column: Any, missing: int) -> IntArray:
    """An Arrow ``date32`` column as day numbers, nulls as ``missing``."""
    days = pc.fill_null(pc.cast(column, pa.int32()), missing)
    if isinstance(days, pa.ChunkedArray):
        days = days.combine_chunks()
    return np.asarray(days.to_numpy(zero_copy_only=False), dtype=np.int64)


def enrolment_spans(
    student: Student, enrolment: Sequence[EnrolmentPeriod] | None
) -> tuple[Span, ...]:
    """The spans ``student`` was enrolled, merged: from status changes (``enrolment``,
    R-DYN-2) or else the roster's ``enrolled_from`` / ``enrolled_until`` (open when empty).
    A semester shared by two schools (a transfer) is counted by one of them (R-STK-3).

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage
        >>> s = Student(name="甲", id_number="11010520120307002X", school_code="A",
        ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL,
        ...             enrolled_until=date(2019, 11, 15))
        >>> enrolment_spans(s, None)
        ((datetime.date(1, 1, 1), datetime.date(2019, 11, 15)),)
    """
    if enrolment is not None:
        own = [
            (p.start, p.end or date.max) for p in enrolment if p.school_code == student.school_code
        ]
        other = [
            (p.start, p.end or date.max) for p in enrolment if p.school_code != student.school_code
        ]
        spans = _attribute(own, other) if own and other else own or other
    else:
        spans = [(student.enrolled_from or date.min, student.enrolled_until or date.max)]
    return _merge(spans)


def _semester_index(day: date) -> int:
    """Semesters numbered in order: autumn of school year Y is 2Y, its spring 2Y + 1."""
    if day.month >= 9:
        return 2 * day.year
    if day.month == 1:
        return 2 * (day.year - 1)
    return 2 * (day.year - 1) + 1


def _semester_bounds(index: int) -> Span:
    period = Period(index // 2, SEMESTERS[index % 2])
    return period.start, period.end


def _attribute(own: list[Span], other: list[Span]) -> list[Span]:
    """R-STK-3: a semester shared by two schools (a transfer) is counted by one of them.

    The semester belongs to the school where the student spent most of its days (ties: the
    school the student was at first in it). The owning school counts every day of the
    semester the student was enrolled in the county, at either school; the other counts
    none of it. Semesters only one school touched are left as they are.
    """
    # Open spans (still enrolled) are bounded by the latest known date.
    last = max([e for _, e in own + other if e != date.max] + [s for s, _ in own + other])
    cap = _semester_index(last) + 1
    contested: set[int] = set()
    for s1, e1 in own:
        for s2, e2 in other:
            begin = _semester_index(max(s1, s2))
            end = min(_semester_index(min(e1, e2)) if min(e1, e2) != date.max else cap, cap)
            contested.update(range(begin, end + 1))
    kept = list(own)
    for index in sorted(contested):
        first, last_day = _semester_bounds(index)
        mine = _days_in(own, first, last_day)
        theirs = _days_in(other, first, last_day)
        if not mine or not theirs:
            continue
        first_mine = min(max(s, first) for s, e in own if s <= last_day and e >= first)
        first_theirs = min(max(s, first) for s, e in other if s <= last_day and e >= first)
        owner_is_me = mine > theirs or (mine == theirs and first_mine <= first_theirs)
        kept = [(s, e) for s, e in kept if not (s <= last_day and e >= first)] + [
            piece
            for s, e in kept
            if s <= last_day and e >= first
            for piece in ((s, first - _ONE_DAY), (last_day + _ONE_DAY, e))
            if piece[0] <= piece[1]
        ]
        if owner_is_me:
            kept += [
                (max(s, first), min(e, last_day))
                for s, e in own + other
                if s <= last_day and e >= first
            ]
    return kept


def _days_in(spans: list[Span], lo: date, hi: date) -> int:
    return sum((min(e, hi) - max(s, lo)).days + 1 for s, e in spans if s <= hi and e >= lo)


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    spans.sort()
    merged: list[Span] = []
    for s, e in spans:
        if e < s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return tuple(merged)
