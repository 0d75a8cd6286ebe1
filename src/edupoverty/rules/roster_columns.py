"""Assessing a roster read by the old column reader (``read_roster_columns``) — going away.

:func:`assess_columns` and :class:`RosterAssessment` serve the ``assess`` command until it
reads rosters with the new reader; they will then be deleted. New code assesses a typed
student table with :func:`edupoverty.rules.bulk.assess_table`.

A county's roster of a million rows has a few hundred thousand distinct
:class:`~edupoverty.records.roster.StudentProfile` objects and a few thousand distinct
results: :func:`assess_columns` assesses one student per distinct profile (through
:func:`~edupoverty.rules.assess.assess_many`, which shares results further) and gives every
row the index of its shared result. Nothing is built per row but that index; an
:class:`~edupoverty.rules.results.Assessment` per row is made only when asked for.

The results are those of :func:`~edupoverty.rules.assess.assess_many` over
:func:`~edupoverty.records.roster.read_roster`'s students, row for row
(``tests/rules/test_bulk.py``).

Examples:
    >>> import tempfile, pathlib
    >>> from edupoverty.records.roster import read_roster_columns
    >>> from edupoverty.rules import load_policy
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
    ...     "张三,11010520120307002X,3412001,初中,乡村\\n"
    ...     "李四,110105201203070011,3412001,初中,乡村\\n", encoding="utf-8")
    >>> assessed = assess_columns(read_roster_columns(p), load_policy("seed"), 2019)
    >>> len(assessed), len(assessed.distinct), assessed.result_index
    (2, 1, (0, 0))
    >>> assessed.assessment(1).student.name, assessed.assessment(1).total
    ('李四', Decimal('1780.00'))
    >>> assessed.summary().total
    Decimal('3560.00')
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

from edupoverty.errors import PolicyStaleWarning
from edupoverty.records.roster import RosterColumns, StudentProfile, profile_values
from edupoverty.rules.assess import assess_many
from edupoverty.rules.compute import check_arguments, relevant_fields
from edupoverty.rules.policy import Policy
from edupoverty.rules.proration import Proration, enrolment_spans
from edupoverty.rules.results import Assessment
from edupoverty.rules.totals import Summary, Totals
from edupoverty.rules.values import NotConfigured

__all__ = ["RosterAssessment", "assess_columns"]


class RosterAssessment:
    """The assessments of every accepted row of a :class:`~edupoverty.records.roster.RosterColumns`
    (going away with the old reader: see :func:`edupoverty.rules.bulk.assess_table`).

    ``distinct`` holds one :class:`~edupoverty.rules.assess.Assessment` per distinct result,
    each of one row that has it; ``result_index[i]`` is the index in ``distinct`` of
    accepted row ``i``'s result: row ``i`` is entitled to exactly what
    ``distinct[result_index[i]]`` lists (its entitlements and totals), as the student of row
    ``i``.

    Examples:
        >>> import tempfile, pathlib
        >>> from edupoverty.records.roster import read_roster_columns
        >>> from edupoverty.rules import load_policy
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
        ...     "张三,11010520120307002X,3412001,小学,城区\\n", encoding="utf-8")
        >>> assessed = assess_columns(read_roster_columns(p), load_policy("seed"), 2019)
        >>> [a.total for a in assessed]  # fee waiver 600 (R-CMP-1) + textbooks 90 (R-CMP-2)
        [Decimal('690.00')]
    """

    __slots__ = ("by_profile", "columns", "distinct", "policy", "result_index", "school_year")

    def __init__(
        self,
        columns: RosterColumns,
        policy: str,
        school_year: int,
        distinct: tuple[Assessment, ...],
        result_index: tuple[int, ...],
        by_profile: dict[StudentProfile, int],
    ) -> None:
        self.by_profile = by_profile  # each distinct profile -> its index in distinct
        self.columns = columns
        self.policy = policy  # the policy's name, e.g. "seed+dangshan"
        self.school_year = school_year
        self.distinct = distinct
        self.result_index = result_index

    def __len__(self) -> int:
        return len(self.result_index)

    def __iter__(self) -> Iterator[Assessment]:
        """Every accepted row's :class:`~edupoverty.rules.assess.Assessment`, in order."""
        results = [a.result for a in self.distinct]
        return map(Assessment, self.columns.students(), map(results.__getitem__, self.result_index))

    def assessment(self, i: int) -> Assessment:
        """The :class:`~edupoverty.rules.assess.Assessment` of accepted row ``i``.

        Examples:
            >>> import tempfile, pathlib
            >>> from edupoverty.records.roster import read_roster_columns
            >>> from edupoverty.rules import load_policy
            >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
            >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地,建档立卡\\n"
            ...     "张三,11010520120307002X,A,普通高中,县城,是\\n"
            ...     "李四,110105201203070011,B,初中,乡村,否\\n", encoding="utf-8")
            >>> assessed = assess_columns(read_roster_columns(p), load_policy("seed"), 2019)
            >>> a = assessed.assessment(1)
            >>> a.student.name, a.total  # fee waiver 800 + textbooks 180 + nutrition 800
            ('李四', Decimal('1780.00'))
        """
        return Assessment(self.columns.student(i), self.distinct[self.result_index[i]].result)

    def counts(self) -> Counter[tuple[str | None, int]]:
        """Students per (school code, index in ``distinct``).

        Examples:
            >>> import tempfile, pathlib
            >>> from edupoverty.records.roster import read_roster_columns
            >>> from edupoverty.rules import load_policy
            >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
            >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地,建档立卡\\n"
            ...     "张三,11010520120307002X,A,普通高中,县城,是\\n"
            ...     "李四,110105201203070011,B,初中,乡村,否\\n", encoding="utf-8")
            >>> assessed = assess_columns(read_roster_columns(p), load_policy("seed"), 2019)
            >>> sorted(assessed.counts().items())
            [(('A', 0), 1), (('B', 1), 1)]
        """
        by_profile = self.by_profile
        per_profile = Counter(self.columns.profiles)
        out: Counter[tuple[str | None, int]] = Counter()
        for profile, n in per_profile.items():
            out[profile.school_code, by_profile[profile]] += n
        return out

    def summary(self) -> Summary:
        """Totals by programme, form, school and funding level, as
        :func:`~edupoverty.rules.assess.summarize` gives them for the same assessments.

        Examples:
            >>> import tempfile, pathlib
            >>> from edupoverty.records.roster import read_roster_columns
            >>> from edupoverty.rules import load_policy
            >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
            >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地,建档立卡\\n"
            ...     "张三,11010520120307002X,A,普通高中,县城,是\\n"
            ...     "李四,110105201203070011,B,初中,乡村,否\\n", encoding="utf-8")
            >>> assessed = assess_columns(read_roster_columns(p), load_policy("seed"), 2019)
            >>> s = assessed.summary()
            >>> s.students, s.by_school["B"], s.not_configured["senior.fee_waiver"]
            (2, Decimal('1780.00'), 1)
        """
        totals = Totals()
        for (school, i), n in self.counts().items():
            totals.add_result(school or "", self.distinct[i].result, n)
        return totals.summary()

    def not_configured(self) -> list[dict[str, Any]]:
        """The amounts not configured, by programme and parameter, with their student counts
        and reasons (zh/en).

        Examples:
            >>> import tempfile, pathlib
            >>> from edupoverty.records.roster import read_roster_columns
            >>> from edupoverty.rules import load_policy
            >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
            >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地,建档立卡\\n"
            ...     "张三,11010520120307002X,A,普通高中,县城,是\\n"
            ...     "李四,110105201203070011,B,初中,乡村,否\\n", encoding="utf-8")
            >>> assessed = assess_columns(read_roster_columns(p), load_policy("seed"), 2019)
            >>> [(n["programme"], n["students"]) for n in assessed.not_configured()]
            [('senior.fee_waiver', 1)]
        """
        per_result = Counter(self.result_index)
        counts: dict[tuple[str, str, str, str], int] = {}
        for i, n in sorted(per_result.items()):
            for e in self.distinct[i].not_configured:
                if isinstance(e.amount, NotConfigured):
                    key = (e.programme, e.amount.parameter, e.amount.reason_zh, e.amount.reason_en)
                    counts[key] = counts.get(key, 0) + n
        return [
            {"programme": p, "parameter": par, "reason_zh": zh, "reason_en": en, "students": n}
            for (p, par, zh, en), n in counts.items()
        ]


def assess_columns(columns: RosterColumns, policy: Policy, school_year: int) -> RosterAssessment:
    """Assess every accepted row of ``columns`` under ``policy`` for ``school_year`` (going
    away with the old reader: see :func:`edupoverty.rules.bulk.assess_table`).

    One student per distinct profile is assessed (rows sharing a profile share every field
    the rules read); the result of each row is that of its profile. Issues
    :class:`~edupoverty.errors.PolicyStaleWarning` as :func:`~edupoverty.rules.assess.assess_many`
    does.

    Examples:
        >>> import tempfile, pathlib
        >>> from edupoverty.records.roster import read_roster_columns
        >>> from edupoverty.rules import load_policy
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地,建档立卡\\n"
        ...     "张三,11010520120307002X,3412001,普通高中,县城,是\\n", encoding="utf-8")
        >>> assessed = assess_columns(read_roster_columns(p), load_policy("seed"), 2019)
        >>> [e.programme for e in assessed.distinct[0].not_configured]
        ['senior.fee_waiver']
    """
    check_arguments(policy, school_year)  # once, pointing at the caller
    profiles = columns.profiles
    row_of = columns.profile_rows
    # one student per distinct value of what the policy reads and of what proration sees
    # of the enrolment: assess_many's own narrowest sharing (see Proration)
    relevant = relevant_fields(policy)
    values = profile_values(row_of, (*relevant, "enrolled_from", "enrolled_until"))
    proration = Proration(policy, school_year)
    views: dict[tuple[Any, ...], Any] = {}
    first: dict[tuple[Any, ...], int] = {}
    key_of: dict[StudentProfile, tuple[Any, ...]] = {}
    for profile, v in values.items():
        dates = v[-2:]
        view = views.get(dates)
        if view is None:
            student = columns.student(row_of[profile])
            view = views[dates] = proration.of(enrolment_spans(student, None))
        key = key_of[profile] = (v[:-2], view)
        row = row_of[profile]
        if row < first.get(key, len(profiles)):
            first[key] = row
    # in row order, so that the order of ``distinct`` (and of reports) is the file's
    first = dict(sorted(first.items(), key=itemgetter(1)))
    reps = [columns.student(i) for i in first.values()]
    distinct: list[Assessment] = []
    index_of_result: dict[int, int] = {}
    index_of_key: dict[tuple[Any, ...], int] = {}
    with warnings.catch_warnings():  # given once already, above
        warnings.simplefilter("ignore", PolicyStaleWarning)
        assessed = list(assess_many(reps, policy, school_year))
    for key, assessment in zip(first, assessed, strict=True):
        rid = id(assessment.result)  # a result shared by assess_many is one object
        at = index_of_result.get(rid)
        if at is None:  # kept in distinct, so its id is never reused
            at = index_of_result[rid] = len(distinct)
            distinct.append(assessment)
        index_of_key[key] = at
    index_of_profile = {profile: index_of_key[key] for profile, key in key_of.items()}
    return RosterAssessment(
        columns,
        policy.name,
        school_year,
        tuple(distinct),
        tuple(map(index_of_profile.__getitem__, profiles)),
        index_of_profile,
    )
