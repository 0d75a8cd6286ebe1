"""Assessing a whole table of students, each distinct input once (整表测算).

:func:`assess_table` assesses every row of a typed student table (the columns of
:data:`~edupoverty.records.columns.STUDENT_SCHEMA`; others are ignored) and gives the
assessment table (:mod:`edupoverty.rules.table_schema`: one row per student, one column per
programme, the totals, the programmes not configured and the funding split);
:func:`~edupoverty.rules.table_summary.summarize_table` adds it up into the
:class:`~edupoverty.rules.totals.Summary` that :func:`~edupoverty.rules.totals.summarize`
gives of the same students. A roster read in batches is assessed batch by batch with one
:class:`TableAssessor`, which remembers what it has decided.

What a programme decides from a few flags — whether it applies and why, the tier, the amount
case, which semesters count and how each semester's amount is found — is decided once per
distinct combination of what *that programme* reads: the outcome of each of its eligibility
conditions up to the first that fails (each condition evaluated by
:func:`~edupoverty.rules.eligibility.evaluate` once per distinct combination of the fields it
reads among the rows it is reached in) and, where none fails, the fields it reads to find
the amount and what proration sees of the enrolment (the semesters counted and undecided,
computed on the date columns with NumPy). That is a few hundred combinations on a realistic
roster, each planned by :func:`~edupoverty.rules.plan.plan` for one row that has it, the
function :func:`~edupoverty.rules.assess.assess` uses. What varies from row to row enters as column
arithmetic: a fee is the row's fee column halved exactly to the fen
(:func:`~edupoverty.rules.plan.half_fen`), a per-day amount counts the row's days enrolled
(:func:`~edupoverty.rules.proration.counted_days`), funding splits each distinct amount once
(:func:`~edupoverty.rules.values.split_exact`), and which programme replaces which (R-STK-4)
is decided once per distinct set of programmes that apply
(:func:`~edupoverty.rules.compute.replacements`).

Examples:
    >>> from edupoverty.records import SchoolLocation, Stage, Student
    >>> from edupoverty.records.columns import table_from_students
    >>> from edupoverty.rules import load_policy
    >>> kids = [Student(name=n, id_number="11010520120307002X", school_code="3412001",
    ...                 stage=Stage.JUNIOR, school_location=SchoolLocation.RURAL, row=r)
    ...         for n, r in (("张三", 2), ("李四", 3))]
    >>> out = assess_table(table_from_students(kids), load_policy("seed"), 2019)
    >>> out.column("total").to_pylist(), out.column("compulsory.nutrition").to_pylist()
    ([Decimal('1780.00'), Decimal('1780.00')], [Decimal('800.00'), Decimal('800.00')])
    >>> summarize_table(out).total
    Decimal('3560.00')
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.errors import ArgumentError, InputError
from edupoverty.records.columns import STUDENT_SCHEMA, students_from_table
from edupoverty.records.enums import FundingLevel, ProgrammeForm
from edupoverty.records.model import Student
from edupoverty.rules.columns import (
    BoolArray,
    IntArray,
    codes,
    combine,
    distinct,
    fen,
    first_rows,
    money,
)
from edupoverty.rules.compute import (
    amount_reads,
    check_arguments,
    condition_reads,
    eligibility_checks,
    relevant_fields,
    replacements,
)
from edupoverty.rules.eligibility import Label, evaluate, student_statuses
from edupoverty.rules.plan import DailyRate, FeeShare, Fixed, Plan, half_fen, plan
from edupoverty.rules.policy import FEE_FIELDS, FundingShares, Policy
from edupoverty.rules.proration import Proration, View, counted_days
from edupoverty.rules.results import SEMESTERS
from edupoverty.rules.table_schema import (
    FUNDING_COLUMNS,
    PASSED_COLUMNS,
    TOTAL_COLUMNS,
    assessment_schema,
    not_configured_of,
)
from edupoverty.rules.table_summary import summarize_table
from edupoverty.rules.values import NotConfigured, split_exact

__all__ = [
    "FUNDING_COLUMNS",
    "TOTAL_COLUMNS",
    "TableAssessor",
    "assess_table",
    "assessment_schema",
    "not_configured_of",
    "summarize_table",
]

_LEVELS = tuple(FundingLevel)
_VIEW = tuple(f"{what}:{s.value}" for s in SEMESTERS for what in ("counted", "unknown"))
_UNREAD = object()  # what a programme does not read of a student
_Outcome = tuple[bool, tuple[Label, ...]]  # a check holds, and the condition that held
# how a semester's amount is found (a plan's price), as a code
_ABSENT, _NOT_CONFIGURED, _FIXED, _FEE, _DAILY = range(5)
# a plan as a row of integers: applies, then per semester the kind, fixed fen, daily rate in
# fen, school days, fee field (index in FEE_FIELDS), shares (index); then the reason and the
# tier (-1: none)
_KIND, _FIXED_FEN, _RATE, _DAYS, _FEE_AT, _SHARE = (1 + 2 * k for k in range(6))
_REASON, _TIER = 13, 14
_WIDTH = 15


def assess_table(table: pa.Table, policy: Policy, school_year: int) -> pa.Table:
    """Assess every row of ``table`` (the columns of
    :data:`~edupoverty.records.columns.STUDENT_SCHEMA`; others are ignored) under ``policy``
    for ``school_year``: the assessment table (:mod:`edupoverty.rules.table_schema`), one row
    per row in, in order. Row ``i`` holds what :func:`~edupoverty.rules.assess.assess_many`
    gives the student of row ``i``. Issues :class:`~edupoverty.errors.PolicyStaleWarning` as
    ``assess_many`` does; a column missing raises :class:`~edupoverty.errors.InputError`
    naming it.

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.records.columns import table_from_students
        >>> from edupoverty.rules import load_policy
        >>> s = Student(name="王五", id_number="11010520120307002X", school_code="A",
        ...             stage=Stage.SENIOR, school_location=SchoolLocation.CITY,
        ...             registered_poor=True, tuition_fee="1333.33")
        >>> out = assess_table(table_from_students([s]), load_policy("seed"), 2019)
        >>> out.column("senior.fee_waiver").to_pylist(), out.column("total").to_pylist()
        ([Decimal('1333.33')], [Decimal('6333.33')])
        >>> out.column("not_configured").to_pylist()
        [[]]
        >>> out.column("funding_unknown").to_pylist()  # senior shares are not stated (R-FND-4)
        [Decimal('6333.33')]
    """
    if not isinstance(table, pa.Table):
        raise ArgumentError(
            "table", "pyarrow.Table 学生表", "a pyarrow.Table", type(table).__name__
        )
    check_arguments(policy, school_year)
    assessor = TableAssessor.__new__(TableAssessor)
    assessor._setup(policy, school_year)
    out = assessor.assess(table)
    assert isinstance(out, pa.Table)
    return out


class TableAssessor:
    """Assesses tables or record batches of students one after another (a roster read in
    batches) under one policy for one school year, each as :func:`assess_table` does: what it
    decides for one batch it remembers for the next. ``schema`` is the schema of what it
    gives; :meth:`not_configured` counts the amounts not configured over everything assessed.

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.records.columns import table_from_students
        >>> from edupoverty.rules import load_policy
        >>> s = Student(name="王五", id_number="11010520120307002X", school_code="A",
        ...             stage=Stage.SENIOR, school_location=SchoolLocation.CITY,
        ...             registered_poor=True)
        >>> assessor = TableAssessor(load_policy("seed"), 2019)
        >>> for batch in table_from_students([s, s, s]).to_batches(max_chunksize=2):
        ...     print(assessor.assess(batch).column("total"))
        [
          5000.00,
          5000.00
        ]
        [
          5000.00
        ]
        >>> [(x["programme"], x["students"]) for x in assessor.not_configured()]
        [('senior.fee_waiver', 3)]
    """

    schema: pa.Schema

    def __init__(self, policy: Policy, school_year: int) -> None:
        check_arguments(policy, school_year)
        self._setup(policy, school_year)

    def _setup(self, policy: Policy, school_year: int) -> None:
        self.policy = policy
        self.school_year = school_year
        self.schema = assessment_schema(policy, school_year)
        self.proration = Proration(policy, school_year)
        self._fields = tuple(dict.fromkeys(("stage", *relevant_fields(policy))))
        self._checks = [
            [(check, condition_reads(policy, check)) for check in eligibility_checks(p)]
            for p in policy.programmes
        ]
        self._amounts = [(*amount_reads(policy, p), *_VIEW) for p in policy.programmes]
        self._outcomes: dict[Any, tuple[bool, tuple[Label, ...]]] = {}
        self._plans: dict[Any, tuple[int, ...]] = {}
        self._shares: dict[FundingShares, int] = {}
        self._reasons: dict[NotConfigured, int] = {}
        self._counts: dict[tuple[int, int], int] = {}

    def assess(self, students: pa.Table | pa.RecordBatch) -> pa.Table | pa.RecordBatch:
        """The assessment of ``students``: a table for a table, a batch for a batch.

        Examples:
            >>> from edupoverty.records.columns import table_from_students
            >>> from edupoverty.rules import load_policy
            >>> TableAssessor(load_policy("seed"), 2019).assess(table_from_students([])).num_rows
            0
        """
        if isinstance(students, pa.RecordBatch):
            out = self.assess(pa.Table.from_batches([students]))
            return out.combine_chunks().to_batches()[0] if out.num_rows else _empty_batch(out)
        if not isinstance(students, pa.Table):
            raise ArgumentError(
                "students",
                "pyarrow.Table 学生表",
                "a pyarrow.Table",
                type(students).__name__,
            )
        wanted = (
            *(n for n, _ in PASSED_COLUMNS),
            "id_number",
            "school_location",
            *self._fields,
        )
        for name in (*wanted, "enrolled_from", "enrolled_until"):
            if name not in students.column_names:
                raise InputError(f"学生表缺少列 {name}", f"the student table has no column {name}")
        return _Batch(self, students).table()

    def not_configured(self) -> list[dict[str, Any]]:
        """The amounts not configured over everything assessed so far: per programme (in
        policy order) and reason, the number of students (as
        :func:`~edupoverty.rules.table_schema.not_configured_of` gives them for one table)."""
        return _reasons(self, self._counts)

    def _encode(self, p: Plan) -> tuple[int, ...]:
        """``p`` as a row of integers (the layout of ``_KIND`` … ``_TIER``)."""
        out = [int(p.decision.applies), *[0] * 10, -1, -1, -1, -1]
        if p.tier is not None:
            out[_TIER] = p.tier
        for sem, price, shares in zip(p.semesters, p.prices, p.shares, strict=True):
            i = SEMESTERS.index(sem)
            if shares is not None:
                out[_SHARE + i] = self._shares.setdefault(shares, len(self._shares))
            if isinstance(price, Fixed):
                out[_KIND + i], out[_FIXED_FEN + i] = (
                    _FIXED,
                    int(price.amount.scaleb(2)),
                )
            elif isinstance(price, FeeShare):
                out[_KIND + i], out[_FEE_AT + i] = _FEE, FEE_FIELDS.index(price.fee)
            elif isinstance(price, DailyRate):
                out[_KIND + i], out[_RATE + i] = _DAILY, int(price.rate.scaleb(2))
                out[_DAYS + i] = price.school_days
            else:
                out[_KIND + i] = _NOT_CONFIGURED
                if out[_REASON] < 0:  # the year's amount is the first semester's reason
                    out[_REASON] = self._reasons.setdefault(price, len(self._reasons))
        return tuple(out)


class _Batch:
    """One table being assessed. Its rows fall into groups alike in everything the rules
    read (``group``: each row's; ``first``: a row of each), and these into finer groups
    alike in their fees and days enrolled too (``group2``, ``first2``; ``of2``: each fine
    group's group). Each programme is planned per combination of what it reads (from the
    groups) and priced per fine group; the rows take their fine group's amounts."""

    def __init__(self, assessor: TableAssessor, source: pa.Table) -> None:
        self.a = assessor
        self.source = source
        self.rows = n = source.num_rows
        view = assessor.proration.columns(source["enrolled_from"], source["enrolled_until"])
        self.view = view
        self.keys: dict[str, tuple[IntArray, list[Any]]] = {}
        priced: list[tuple[IntArray, int]] = []
        fees = np.zeros((len(FEE_FIELDS), n), dtype=np.int64)
        for name in assessor._fields:
            if name in FEE_FIELDS:  # whether there is a fee decides; the fee is priced
                values, valid = fen(source[name])
                fees[FEE_FIELDS.index(name)] = values
                self.keys[name] = (valid.view(np.int8), [False, True])
                priced.append(codes(pa.array(values)))
            else:
                self.keys[name] = distinct(source[name])
        for i, sem in enumerate(SEMESTERS):
            self.keys[f"counted:{sem.value}"] = (view.counted[i].view(np.int8), [False, True])
            self.keys[f"unknown:{sem.value}"] = (view.unknown[i].view(np.int8), [False, True])
            if assessor.proration.daily:  # days enrolled: 0 … the window's length
                priced.append((view.days[i], assessor.proration.lengths[i] + 1))
        self.group, count = combine([(c, len(v)) for c, v in self.keys.values()], n)
        self.first = first_rows(self.group, count)
        # from here on, each key's code in each group (every row of a group has it)
        self.keys = {name: (c[self.first], v) for name, (c, v) in self.keys.items()}
        if priced:
            self.group2, count2 = combine([(self.group, count), *priced], n)
            self.first2 = first_rows(self.group2, count2)
        else:
            self.group2, self.first2 = self.group, self.first
        self.of2 = self.group[self.first2]
        self.fees = fees[:, self.first2]
        self.days = [d[self.first2] for d in view.days]
        self.students: dict[int, Student] = {}
        record = source.select([f.name for f in STUDENT_SCHEMA if f.name in source.column_names])
        self.batches = record.to_batches()
        self.starts = np.cumsum([0, *(len(b) for b in self.batches)])

    def table(self) -> pa.Table:
        a = self.a
        checks = self._eligibility()
        combos = [self._combos(j, found, read) for j, (found, read) in enumerate(checks)]
        missing = {
            (j, key): row
            for j, (_, keys, rows) in enumerate(combos)
            for key, row in zip(keys, rows.tolist(), strict=True)
            if (j, key) not in a._plans
        }
        self._student(set(missing.values()))
        params = a.policy.parameters
        for (j, key), row in missing.items():
            student = self.students[row]
            statuses = student_statuses(student, params.difficulty_statuses)
            prog = a.policy.programmes[j]
            found = plan(prog, student, statuses, a.school_year, self._view(row), params)
            a._plans[j, key] = a._encode(found)
        done = [
            _Priced(np.array([a._plans[j, k] for k in keys], np.int64).reshape(-1, _WIDTH), g)
            for j, (g, keys, _) in enumerate(combos)
        ]
        self._replace(done)
        return self._output(done)

    def _eligibility(self) -> list[tuple[list[tuple[IntArray, list[_Outcome]]], BoolArray]]:
        """For each programme, the outcome of each eligibility check in each group it is
        reached in (as an index into the check's outcomes, each whether the check holds and
        the condition that held; elsewhere 0), and the groups no check failed in. A check
        is evaluated once per distinct combination of the fields it reads among the groups
        that reach it (:func:`evaluate` stops at the first condition that fails)."""
        a = self.a
        groups = len(self.first)
        difficulty = a.policy.parameters.difficulty_statuses
        out: list[tuple[list[tuple[IntArray, list[_Outcome]]], BoolArray]] = [
            ([], np.ones(groups, dtype=np.bool_)) for _ in a._checks
        ]
        for k in range(max((len(c) for c in a._checks), default=0)):
            due = []
            for j, (_, read) in enumerate(out):
                if k < len(a._checks[j]):
                    at = np.flatnonzero(read)
                    fields = a._checks[j][k][1]
                    columns = [(self.keys[f][0][at], len(self.keys[f][1])) for f in fields]
                    ids, count = combine(columns, len(at))
                    chosen = at[first_rows(ids, count)].tolist()  # a group of each
                    values = [
                        tuple(self.keys[f][1][self.keys[f][0][g]] for f in fields) for g in chosen
                    ]
                    rows = self.first[chosen].tolist()
                    due.append((j, at, ids, rows, [(j, k, v) for v in values]))
            self._student(
                {
                    r
                    for *_, rows, keys in due
                    for r, key in zip(rows, keys, strict=True)
                    if key not in a._outcomes
                }
            )
            for j, at, ids, rows, keys in due:
                check = a._checks[j][k][0]
                outcomes = []
                for r, key in zip(rows, keys, strict=True):
                    found_one = a._outcomes.get(key)
                    if found_one is None:
                        ok, held, _ = evaluate(check, self.students[r], difficulty)
                        found_one = a._outcomes[key] = (ok, held)
                    outcomes.append(found_one)
                every = np.zeros(groups, dtype=np.int64)
                every[at] = ids
                found, read = out[j]
                found.append((every, outcomes or [(False, ())]))
                read[at] &= np.array([ok for ok, _ in outcomes], dtype=np.bool_)[ids]
        return out

    def _combos(
        self, j: int, checks: list[tuple[IntArray, list[_Outcome]]], eligible: BoolArray
    ) -> tuple[IntArray, list[tuple[Any, ...]], IntArray]:
        """Each group's combination of what programme ``j`` decides from (the outcome of its
        eligibility checks up to the first that fails; if none fails, what it reads to find
        the amount and what proration sees), each combination's values (as a key) and a row
        that has it."""
        groups = len(self.first)
        read = np.ones(groups, dtype=np.bool_)  # no check has failed
        per_group = []
        key_columns: list[list[Any]] = []
        for ids, outcomes in checks:
            per_group.append(((ids + 1) * read, len(outcomes) + 1))
            key_columns.append([_UNREAD, *outcomes])
            read &= np.array([ok for ok, _ in outcomes], dtype=np.bool_)[ids]
        for name in self.a._amounts[j]:
            codes_of, count = self._at_groups(name)
            per_group.append(((codes_of + 1) * eligible, count + 1))
            key_columns.append([_UNREAD, *self.keys[name][1]])
        of_group, count = combine(per_group, groups)
        at = first_rows(of_group, count)
        lists = [
            [column[c] for c in k[at].tolist()]
            for column, (k, _) in zip(key_columns, per_group, strict=True)
        ]
        return of_group, list(zip(*lists, strict=True)), self.first[at]

    def _at_groups(self, name: str) -> tuple[IntArray, int]:
        """The codes of key ``name`` in each group, and how many values it has."""
        codes_of, values = self.keys[name]
        return codes_of, len(values)

    def _student(self, rows: set[int]) -> None:
        """Build the :class:`Student` of each of ``rows`` not built yet."""
        wanted = sorted(r for r in rows if r not in self.students)
        if wanted:
            # batch by batch: a take across many chunks would join them first
            at = np.asarray(wanted, dtype=np.int64)
            where = np.searchsorted(self.starts, at, side="right") - 1
            parts = [
                self.batches[b].take(pa.array(at[where == b] - self.starts[b]))
                for b in np.unique(where).tolist()
            ]
            taken = pa.Table.from_batches(parts, schema=self.batches[0].schema)
            self.students.update(zip(wanted, students_from_table(taken), strict=True))

    def _view(self, row: int) -> View:
        """What proration sees of row ``row``'s enrolment (its days only enter prices)."""
        v = self.view
        return View(
            tuple(s for i, s in enumerate(SEMESTERS) if v.counted[i][row]),
            (),
            tuple(s for i, s in enumerate(SEMESTERS) if v.unknown[i][row]),
        )

    def _replace(self, done: list[_Priced]) -> None:
        """R-STK-4, decided once per distinct set of programmes that apply."""
        programmes = self.a.policy.programmes
        replaces = {p.id: p.replaces for p in programmes if p.replaces}
        groups = len(self.first)
        if not replaces or not groups:
            return
        named = {r for rs in replaces.values() for r in rs} | set(replaces)
        involved = [(p.id, d) for p, d in zip(programmes, done, strict=True) if p.id in named]
        ids, count = combine([(d.applies.view(np.int8), 2) for _, d in involved], groups)
        removed = np.zeros((len(involved), count), dtype=np.bool_)
        for k, g in enumerate(first_rows(ids, count).tolist()):
            gone = replacements([pid for pid, d in involved if d.applies[g]], replaces)
            for i, (pid, _) in enumerate(involved):
                removed[i, k] = pid in gone
        for i, (_, d) in enumerate(involved):
            d.applies = d.applies & ~removed[i][ids]

    def _output(self, done: list[_Priced]) -> pa.Table:
        a, of2 = self.a, self.of2
        fine = len(self.first2)
        shares = list(a._shares)
        sizes = np.bincount(self.group, minlength=len(self.first))
        forms = {form: np.zeros(fine, dtype=np.int64) for form in ProgrammeForm}
        funding = np.zeros((len(_LEVELS), fine), dtype=np.int64)
        unknown = np.zeros(fine, dtype=np.int64)
        rows = self.group2  # each row's fine group
        columns: list[pa.Array] = []
        flags: list[BoolArray] = []
        reasons: dict[tuple[int, int], int] = {}
        for j, (prog, d) in enumerate(zip(a.policy.programmes, done, strict=True)):
            nc = d.applies & d.nc[d.of_group]  # per group
            valid = (d.applies & ~nc)[of2]  # per fine group
            c = d.of_group[of2]  # each fine group's combination
            known = d.known[c] & valid
            amount = np.zeros(fine, dtype=np.int64)
            for i in range(len(SEMESTERS)):
                value = self._price(d, i, c, valid)
                amount += value
                split = known & (d.rec[c, _KIND + i] >= _FIXED)
                if split.any():
                    funding[:, split] += _split(value[split], d.rec[c[split], _SHARE + i], shares)
            forms[prog.form] += amount
            unknown += np.where(valid & ~known, amount, 0)
            columns.append(money(amount[rows], valid[rows]))
            flags.append(nc)
            counted = np.bincount(d.rec[d.of_group[nc], _REASON], weights=sizes[nc])
            for k in np.flatnonzero(counted).tolist():
                reasons[j, k] = int(counted[k])
                a._counts[j, k] = a._counts.get((j, k), 0) + int(counted[k])
        total = sum(forms.values(), np.zeros(fine, dtype=np.int64))
        listed = _listed([p.id for p in a.policy.programmes], flags, len(self.first))
        arrays = [pc.cast(self.source[name], kind) for name, kind in PASSED_COLUMNS]
        arrays += [money(x[rows]) for x in (total, *forms.values())]
        arrays += columns
        arrays += [
            _tiers(d.rec[d.of_group, _TIER], d.applies, self.group)
            for prog, d in zip(a.policy.programmes, done, strict=True)
            if prog.tiered
        ]
        arrays.append(listed.take(pa.array(self.group)))
        arrays += [money(x[rows]) for x in (*funding, unknown)]
        meta = dict(a.schema.metadata or {})
        meta[b"not_configured"] = json.dumps(_reasons(a, reasons), ensure_ascii=False).encode()
        return pa.Table.from_arrays(arrays, schema=a.schema.with_metadata(meta))

    def _price(self, d: _Priced, i: int, c: IntArray, valid: BoolArray) -> IntArray:
        """Semester ``i``'s amount (fen) of ``d`` in each fine group (of combination ``c``):
        a fixed amount, the fee halved (:func:`half_fen`), or a rate per school day counted
        (:func:`counted_days`); 0 where none is configured or the programme does not apply."""
        kind = d.rec[c, _KIND + i]
        value = np.where((kind == _FIXED) & valid, d.rec[c, _FIXED_FEN + i], 0)
        fee = (kind == _FEE) & valid
        if fee.any():
            charged = self.fees[d.rec[c[fee], _FEE_AT + i], np.flatnonzero(fee)]
            value[fee] = half_fen(charged)[i]
        daily = (kind == _DAILY) & valid
        if daily.any():
            school_days = d.rec[c[daily], _DAYS + i]
            counted = counted_days(school_days, self.days[i][daily], self.a.proration.lengths[i])
            value[daily] = d.rec[c[daily], _RATE + i] * counted
        return value


class _Priced:
    """One programme's plans, one row of integers per combination (``rec``), and each
    group's combination (``of_group``); ``applies`` per group, after replacement."""

    def __init__(self, rec: IntArray, of_group: IntArray) -> None:
        self.rec = rec
        self.of_group = of_group
        kind = rec[:, _KIND : _KIND + 2]
        share = rec[:, _SHARE : _SHARE + 2]
        self.applies = (rec[:, 0] == 1)[of_group]
        self.nc: BoolArray = np.asarray((kind == _NOT_CONFIGURED).any(axis=1), np.bool_)
        priced = kind >= _FIXED
        self.known: BoolArray = np.asarray((~priced | (share >= 0)).all(axis=1), np.bool_)


def _tiers(tier: IntArray, applies: BoolArray, group: IntArray) -> pa.Array:
    """A tiered programme's tier in each row, from its tier (-1: none) and whether it
    applies in each group (after replacement): null where it does not apply or has none."""
    shown = np.where(applies, tier, -1)[group]
    return pa.array(shown, pa.int8(), mask=shown < 0)


def _split(amounts: IntArray, share_ids: IntArray, shares: list[FundingShares]) -> IntArray:
    """Each amount (fen) split by its funding shares (R-FND-1..4, :func:`split_exact`):
    one row per level of government, one column per amount; each distinct pair split once."""
    amount_codes, values = distinct(pa.array(amounts, pa.int64()))
    ids, count = combine([(share_ids, len(shares)), (amount_codes, len(values))], len(amounts))
    parts = np.zeros((len(_LEVELS), count), dtype=np.int64)
    for k, at in enumerate(first_rows(ids, count).tolist()):
        weights = shares[int(share_ids[at])].shares
        split = split_exact(Decimal(int(amounts[at])).scaleb(-2), [w for _, w in weights])
        for (level, _), part in zip(weights, split, strict=True):
            parts[_LEVELS.index(level), k] += int(part.scaleb(2))
    return parts[:, ids]


def _listed(ids: list[str], flags: list[BoolArray], n: int) -> pa.Array:
    """A ``list<string>`` per row: the ``ids`` whose flag is set, in order."""
    if not ids:
        return pa.ListArray.from_arrays(
            pa.array(np.zeros(n + 1, np.int32)), pa.array([], pa.string())
        )
    rows, which = np.nonzero(np.stack(flags, axis=1))
    offsets = np.zeros(n + 1, dtype=np.int32)
    offsets[1:] = np.cumsum(np.bincount(rows, minlength=n))
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(ids, pa.string()).take(which))


def _reasons(a: TableAssessor, counts: dict[tuple[int, int], int]) -> list[dict[str, Any]]:
    reasons = list(a._reasons)
    return [
        {
            "programme": a.policy.programmes[j].id,
            "parameter": reasons[k].parameter,
            "reason_zh": reasons[k].reason_zh,
            "reason_en": reasons[k].reason_en,
            "students": n,
        }
        for (j, k), n in sorted(counts.items())
    ]


def _empty_batch(table: pa.Table) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist([], schema=table.schema)
