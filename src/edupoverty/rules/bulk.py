"""Assessing a whole table of students, each distinct input once (整表测算).

:func:`assess_table` assesses every row of a typed student table (the columns of
:data:`~edupoverty.records.columns.STUDENT_SCHEMA`) and gives the result as an Arrow table;
:func:`summarize_table` adds it up into the :class:`~edupoverty.rules.totals.Summary` that
:func:`~edupoverty.rules.totals.summarize` gives of the same students.

What a programme decides from a few flags — whether it applies and why, the tier, the amount
case, which semesters count and how each semester's amount is found — is decided once per
distinct combination of the fields *that programme* reads and of what proration sees of the
enrolment (the semesters counted and undecided, computed on the date columns with NumPy):
a few thousand combinations on any roster, each planned by
:func:`~edupoverty.rules.compute.plan` for one row that has it, the same function
:func:`~edupoverty.rules.assess.assess` uses. What varies from row to row enters as column
arithmetic: a fee is the row's fee column halved exactly to the fen
(:func:`~edupoverty.rules.compute.half_fen`), a per-day amount counts the row's days enrolled
(:func:`~edupoverty.rules.proration.counted_days`), funding splits each distinct amount once
(:func:`~edupoverty.rules.values.split_exact`), and which programme replaces which (R-STK-4)
is decided once per distinct set of programmes that apply
(:func:`~edupoverty.rules.compute.replacements`).

The result, one row per input row and in the same order (:func:`assessment_schema`):

===========================  ====================  ===========================================
column                       type                  holds
===========================  ====================  ===========================================
``row``                      ``int64``             the input's ``row`` (spreadsheet row)
``name``                     ``string``            the input's, passed through
``student_number``           ``string``            the input's, passed through
``school_code``              ``string``            the input's, passed through
``total``                    ``decimal128(18,2)``  sum of every configured amount
``cash_total``               ``decimal128(18,2)``  sum of configured cash amounts
``waiver_total``             ``decimal128(18,2)``  sum of configured waivers
``in_kind_total``            ``decimal128(18,2)``  sum of configured in-kind provisions
*programme id* (each)        ``decimal128(18,2)``  the year's amount; null when the programme
                                                   does not apply or its amount is not
                                                   configured (one column per programme of the
                                                   policy, in policy order)
``not_configured``           ``list<string>``      ids of the programmes that apply but whose
                                                   amount is not configured, in policy order
``funding_central`` …        ``decimal128(18,2)``  configured amounts paid by each level of
``funding_county``                                 government (R-FND-1..4)
``funding_unknown``          ``decimal128(18,2)``  configured amounts whose shares are unknown
===========================  ====================  ===========================================

Each programme column's field metadata gives its ``name_zh``, ``name_en`` and ``form``; the
schema's metadata the ``policy`` name, ``school_year`` and ``not_configured``: a JSON list of
``{programme, parameter, reason_zh, reason_en, students}``, the students whose amount of a
programme is not configured, by reason (:func:`not_configured_of`).

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
from edupoverty.records.columns import MONEY, students_from_table
from edupoverty.records.enums import FundingLevel, ProgrammeForm, Stage
from edupoverty.records.money import ZERO
from edupoverty.rules.columns import (
    BoolArray,
    Codes,
    IntArray,
    codes,
    combine,
    distinct,
    fen,
    first_rows,
    money,
)
from edupoverty.rules.compute import (
    check_arguments,
    fails_on_stage,
    relevant_fields,
    replacements,
)
from edupoverty.rules.eligibility import student_statuses
from edupoverty.rules.plan import DailyRate, FeeShare, Fixed, Plan, half_fen, plan
from edupoverty.rules.policy import FEE_FIELDS, FundingShares, Policy, Programme
from edupoverty.rules.proration import Proration, View, counted_days
from edupoverty.rules.results import SEMESTERS
from edupoverty.rules.totals import ProgrammeTotal, Summary, make_summary
from edupoverty.rules.values import NotConfigured, split_exact

__all__ = [
    "FUNDING_COLUMNS",
    "TOTAL_COLUMNS",
    "assess_table",
    "assessment_schema",
    "not_configured_of",
    "summarize_table",
]

TOTAL_COLUMNS: tuple[str, ...] = ("total", "cash_total", "waiver_total", "in_kind_total")
"""The columns of totals of an assessed table, in order."""

FUNDING_COLUMNS: tuple[str, ...] = (
    *(f"funding_{level.value}" for level in FundingLevel),
    "funding_unknown",
)
"""The columns of the funding split of an assessed table, in order."""

_PASSED = (
    ("row", pa.int64()),
    ("name", pa.string()),
    ("student_number", pa.string()),
    ("school_code", pa.string()),
)
_LEVELS = tuple(FundingLevel)
_STAGES = frozenset(s.value for s in Stage)
_ABSENT, _NOT_CONFIGURED, _FIXED, _FEE, _DAILY = range(5)


def assessment_schema(policy: Policy, school_year: int | None = None) -> pa.Schema:
    """The schema of what :func:`assess_table` gives under ``policy``.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> schema = assessment_schema(load_policy("seed"), 2019)
        >>> schema.names[:5], schema.names[-6:-5]
        (['row', 'name', 'student_number', 'school_code', 'total'], ['not_configured'])
        >>> schema.field("compulsory.nutrition").metadata[b"form"]
        b'in_kind'
    """
    fields = [pa.field(name, kind) for name, kind in _PASSED]
    fields += [pa.field(name, MONEY, nullable=False) for name in TOTAL_COLUMNS]
    fields += [
        pa.field(
            p.id,
            MONEY,
            metadata={"name_zh": p.name_zh, "name_en": p.name_en, "form": p.form.value},
        )
        for p in policy.programmes
    ]
    fields.append(pa.field("not_configured", pa.list_(pa.string()), nullable=False))
    fields += [pa.field(name, MONEY, nullable=False) for name in FUNDING_COLUMNS]
    meta = {"policy": policy.name}
    if school_year is not None:
        meta["school_year"] = str(school_year)
    return pa.schema(fields, metadata=meta)


def assess_table(table: pa.Table, policy: Policy, school_year: int) -> pa.Table:
    """Assess every row of ``table`` (the columns of
    :data:`~edupoverty.records.columns.STUDENT_SCHEMA`; others are ignored) under ``policy``
    for ``school_year``: one row out per row in, in order, as the module describes. Row
    ``i`` holds what :func:`~edupoverty.rules.assess.assess_many` gives the student of row
    ``i``. Issues :class:`~edupoverty.errors.PolicyStaleWarning` as ``assess_many`` does; a
    column missing raises :class:`~edupoverty.errors.InputError` naming it.

    Examples:
        >>> from datetime import date
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
    missing = [
        name
        for name in (
            *(n for n, _ in _PASSED),
            "id_number",
            "stage",
            "school_location",
            *relevant_fields(policy),
            "enrolled_from",
            "enrolled_until",
        )
        if name not in table.column_names
    ]
    if missing:
        raise InputError(
            f"学生表缺少列 {missing[0]}", f"the student table has no column {missing[0]}"
        )
    return _Assessing(table, policy, school_year).table()


class _Programme:
    """One programme over the distinct groups of rows, before replacement (R-STK-4): per
    group, whether it applies, whether its amount is not configured, whether its funding
    shares are known, and per semester how the amount is found (``kind``, ``fixed`` fen,
    ``rate`` fen a day, ``school_days``, the fee field ``fee_at``, the ``share`` index)."""

    def __init__(
        self,
        prog: Programme,
        plans: list[Plan],
        of_group: IntArray,
        fees: list[str],
        shares: dict[FundingShares, int],
    ) -> None:
        c = len(plans)
        kind = np.zeros((2, c), dtype=np.int64)
        fixed = np.zeros((2, c), dtype=np.int64)
        rate = np.zeros((2, c), dtype=np.int64)
        school_days = np.zeros((2, c), dtype=np.int64)
        fee_at = np.zeros((2, c), dtype=np.int64)
        share = np.full((2, c), -1, dtype=np.int64)
        for k, p in enumerate(plans):
            for sem, price, found in zip(p.semesters, p.prices, p.shares, strict=True):
                i = SEMESTERS.index(sem)
                if found is not None:
                    share[i, k] = shares.setdefault(found, len(shares))
                if isinstance(price, Fixed):
                    kind[i, k], fixed[i, k] = _FIXED, int(price.amount.scaleb(2))
                elif isinstance(price, FeeShare):
                    kind[i, k], fee_at[i, k] = _FEE, fees.index(price.fee)
                elif isinstance(price, DailyRate):
                    kind[i, k], rate[i, k] = _DAILY, int(price.rate.scaleb(2))
                    school_days[i, k] = price.school_days
                else:
                    kind[i, k] = _NOT_CONFIGURED
        # the first amount not configured of each plan, as an index into ``reasons``
        self.reasons: list[NotConfigured] = []
        reason = np.full(c, -1, dtype=np.int64)
        for k, p in enumerate(plans):
            nc = next((x for x in p.prices if isinstance(x, NotConfigured)), None)
            if nc is not None:
                if nc not in self.reasons:
                    self.reasons.append(nc)
                reason[k] = self.reasons.index(nc)
        applies = np.array([p.decision.applies for p in plans], dtype=np.bool_)
        priced = kind >= _FIXED
        self.prog = prog
        self.applies = applies[of_group]
        nc = applies & np.any(kind == _NOT_CONFIGURED, axis=0)
        self.nc = np.asarray(nc, dtype=np.bool_)[of_group]
        known = np.all(~priced | (share >= 0), axis=0)
        self.known = np.asarray(known, dtype=np.bool_)[of_group]
        self.variable = bool(((kind == _FEE) | (kind == _DAILY)).any())
        self.kind = kind[:, of_group]
        self.fixed = fixed[:, of_group]
        self.rate = rate[:, of_group]
        self.school_days = school_days[:, of_group]
        self.fee_at = fee_at[:, of_group]
        self.share = share[:, of_group]
        self.reason = reason[of_group]


class _Assessing:
    """The work of :func:`assess_table` on one table: the rows fall into groups alike in
    everything the rules read (``group``: each row's; ``first``: a row of each); each
    programme is planned per combination of what it reads and priced per group, and only
    fees and days enrolled are priced row by row."""

    def __init__(self, table: pa.Table, policy: Policy, school_year: int) -> None:
        self.source = table
        self.policy = policy
        self.school_year = school_year
        self.rows = n = table.num_rows
        self.proration = Proration(policy, school_year)
        self.view = self.proration.columns(table["enrolled_from"], table["enrolled_until"])
        self.keys: dict[str, Codes] = {}
        self.fees: dict[str, IntArray] = {}
        for name in relevant_fields(policy):
            if name in FEE_FIELDS:  # only whether there is a fee decides; the fee is priced
                values, valid = fen(table[name])
                self.fees[name] = values
                self.keys[name] = (valid.astype(np.int64), 2)
            else:
                self.keys[name] = codes(table[name])
        stage_ids, stage_values = distinct(table["stage"])
        self.keys["stage"] = (stage_ids, len(stage_values))
        self.stages = [Stage(v) if v in _STAGES else None for v in stage_values]  # type: ignore[call-arg]
        for i, sem in enumerate(SEMESTERS):
            self.keys[f"counted:{sem.value}"] = (self.view.counted[i].astype(np.int64), 2)
            self.keys[f"unknown:{sem.value}"] = (self.view.unknown[i].astype(np.int64), 2)
        self.group, count = combine(list(self.keys.values()), n)
        self.first = first_rows(self.group, count)
        self.shares: dict[FundingShares, int] = {}

    def table(self) -> pa.Table:
        policy = self.policy
        combos = [self._combos(p) for p in policy.programmes]
        wanted = sorted({int(r) for _, rows in combos for r in rows})
        taken = self.source.take(pa.array(wanted, pa.int64()))
        students = dict(zip(wanted, students_from_table(taken), strict=True))
        params = policy.parameters
        statuses = {r: student_statuses(s, params.difficulty_statuses) for r, s in students.items()}
        done = []
        for prog, (of_group, rows) in zip(policy.programmes, combos, strict=True):
            plans = [
                plan(prog, students[r], statuses[r], self.school_year, self._view(r), params)
                for r in rows.tolist()
            ]
            done.append(_Programme(prog, plans, of_group, list(self.fees), self.shares))
        self._replace(done)
        return self._output(done)

    def _combos(self, prog: Programme) -> tuple[IntArray, IntArray]:
        """Each group's combination of what ``prog`` reads of a student at its stage, and a
        row that has each (at a stage ``prog`` is not for, it reads the stage alone)."""
        view = [k for k in self.keys if ":" in k]
        names = sorted({"stage", *relevant_fields(self.policy, prog)}) + view
        stage_at = self.keys["stage"][0][self.first]
        per_group = []
        for name in names:
            reads = np.array([name in self._reads(prog, st) for st in self.stages], np.bool_)
            values, count = self.keys[name]
            per_group.append((values[self.first] * reads[stage_at], count))
        of_group, count = combine(per_group, len(self.first))
        return of_group, self.first[first_rows(of_group, count)]

    def _reads(self, prog: Programme, stage: Stage | None) -> set[str]:
        """The keys ``prog`` reads of a student at ``stage`` (``None``: not a stage)."""
        if stage is None:
            return set(self.keys)
        fields = {"stage", *relevant_fields(self.policy, prog, stage=stage)}
        if not fails_on_stage(prog, stage):
            fields |= {k for k in self.keys if ":" in k}
        return fields

    def _view(self, row: int) -> View:
        v = self.view
        counted = tuple(s for i, s in enumerate(SEMESTERS) if v.counted[i][row])
        unknown = tuple(s for i, s in enumerate(SEMESTERS) if v.unknown[i][row])
        return View(counted, (), unknown)

    def _replace(self, done: list[_Programme]) -> None:
        """R-STK-4, decided once per distinct set of programmes that apply."""
        replaces = {d.prog.id: d.prog.replaces for d in done if d.prog.replaces}
        groups = len(self.first)
        if not replaces or not groups:
            return
        named = {r for rs in replaces.values() for r in rs} | set(replaces)
        involved = [d for d in done if d.prog.id in named]
        ids, count = combine([(d.applies.astype(np.int64), 2) for d in involved], groups)
        removed = np.zeros((len(involved), count), dtype=np.bool_)
        for k, g in enumerate(first_rows(ids, count).tolist()):
            gone = replacements([d.prog.id for d in involved if d.applies[g]], replaces)
            for j, d in enumerate(involved):
                removed[j, k] = d.prog.id in gone
        for j, d in enumerate(involved):
            out = removed[j][ids]
            d.applies = d.applies & ~out
            d.nc = d.nc & ~out

    def _output(self, done: list[_Programme]) -> pa.Table:
        group = self.group
        groups, n = len(self.first), self.rows
        shares = list(self.shares)
        # per group: what every row of the group gets; per row: what fees and days add
        forms = {form: np.zeros(groups, dtype=np.int64) for form in ProgrammeForm}
        funding = np.zeros((len(_LEVELS), groups), dtype=np.int64)
        unknown = np.zeros(groups, dtype=np.int64)
        row = _RowTotals(n)
        columns: list[pa.Array] = []
        for d in done:
            valid = d.applies & ~d.nc
            fixed = np.where(valid, d.fixed.sum(axis=0), 0)
            forms[d.prog.form] += fixed
            unknown += np.where(d.known, 0, fixed)
            for i in range(len(SEMESTERS)):
                split = valid & d.known & (d.kind[i] == _FIXED)
                if split.any():
                    funding[:, split] += _split(d.fixed[i][split], d.share[i][split], shares)
            amount = fixed[group]
            if d.variable:
                for i in range(len(SEMESTERS)):
                    self._vary(d, i, valid, amount, row)
            columns.append(money(amount, valid[group]))
        total = sum(forms.values(), np.zeros(groups, dtype=np.int64))
        nc = _listed([d.prog.id for d in done], [d.nc for d in done], groups)
        arrays = [pc.cast(self.source[name], kind) for name, kind in _PASSED]
        arrays += [money(total[group] + row.total)]
        arrays += [money(forms[form][group] + row.forms[form]) for form in ProgrammeForm]
        arrays += columns
        arrays.append(nc.take(pa.array(group)))
        arrays += [money(funding[k][group] + row.funding[k]) for k in range(len(_LEVELS))]
        arrays.append(money(unknown[group] + row.unknown))
        schema = assessment_schema(self.policy, self.school_year)
        meta = dict(schema.metadata or {})
        meta[b"not_configured"] = json.dumps(self._reasons(done), ensure_ascii=False).encode()
        return pa.Table.from_arrays(arrays, schema=schema.with_metadata(meta))

    def _reasons(self, done: list[_Programme]) -> list[dict[str, Any]]:
        """Students per programme and reason its amount is not configured."""
        per_group = np.bincount(self.group, minlength=len(self.first))
        out: dict[tuple[str, str, str, str], int] = {}
        for d in done:
            for k, nc in enumerate(d.reasons):
                n = int(per_group[d.nc & (d.reason == k)].sum())
                if n:
                    key = (d.prog.id, nc.parameter, nc.reason_zh, nc.reason_en)
                    out[key] = out.get(key, 0) + n
        return [
            {"programme": p, "parameter": par, "reason_zh": zh, "reason_en": en, "students": n}
            for (p, par, zh, en), n in out.items()
        ]

    def _vary(
        self, d: _Programme, i: int, valid: BoolArray, amount: IntArray, row: _RowTotals
    ) -> None:
        """Add to ``amount`` (per row) and ``row`` what fees and days enrolled give in
        semester ``i`` of ``d``: a fee halved (:func:`half_fen`), a rate per school day
        counted (:func:`counted_days`)."""
        kind = d.kind[i]
        which = np.flatnonzero((((kind == _FEE) | (kind == _DAILY)) & valid)[self.group])
        if not len(which):
            return
        g = self.group[which]
        k = kind[g]
        value = np.zeros(len(which), dtype=np.int64)
        fee = k == _FEE
        if fee.any():
            charged = np.stack(list(self.fees.values()))[d.fee_at[i][g][fee], which[fee]]
            value[fee] = half_fen(charged)[i]
        daily = ~fee
        if daily.any():
            days = self.view.days[i][which[daily]]
            counted = counted_days(d.school_days[i][g[daily]], days, self.proration.lengths[i])
            value[daily] = d.rate[i][g[daily]] * counted
        amount[which] += value
        row.forms[d.prog.form][which] += value
        known = d.known[g]
        row.total[which] += value
        row.unknown[which[~known]] += value[~known]
        if known.any():
            row.funding[:, which[known]] += _split(
                value[known], d.share[i][g][known], list(self.shares)
            )


class _RowTotals:
    """What fees and days enrolled add, row by row, to the totals and the funding split."""

    def __init__(self, n: int) -> None:
        self.total = np.zeros(n, dtype=np.int64)
        self.forms = {form: np.zeros(n, dtype=np.int64) for form in ProgrammeForm}
        self.funding = np.zeros((len(_LEVELS), n), dtype=np.int64)
        self.unknown = np.zeros(n, dtype=np.int64)


def _split(amounts: IntArray, share_ids: IntArray, shares: list[FundingShares]) -> IntArray:
    """Each amount (fen) split by its funding shares (R-FND-1..4, :func:`split_exact`):
    one row per level of government, one column per amount; each distinct pair split once."""
    amount_codes, amount_count = codes(pa.array(amounts, pa.int64()))
    ids, count = combine([(share_ids, len(shares)), (amount_codes, amount_count)], len(amounts))
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


def not_configured_of(assessed: pa.Table) -> list[dict[str, Any]]:
    """The amounts not configured in an assessment table, by programme and reason, with
    their student counts (from the table's metadata).

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.records.columns import table_from_students
        >>> from edupoverty.rules import load_policy
        >>> s = Student(name="王五", id_number="11010520120307002X", school_code="A",
        ...             stage=Stage.SENIOR, school_location=SchoolLocation.CITY,
        ...             registered_poor=True)
        >>> out = assess_table(table_from_students([s]), load_policy("seed"), 2019)
        >>> [(x["programme"], x["parameter"], x["students"]) for x in not_configured_of(out)]
        [('senior.fee_waiver', 'senior.fee_waiver.amount', 1)]
    """
    raw = (assessed.schema.metadata or {}).get(b"not_configured")
    items: list[dict[str, Any]] = json.loads(raw) if raw else []
    return items


def summarize_table(assessed: pa.Table) -> Summary:
    """The :class:`~edupoverty.rules.totals.Summary` of a table :func:`assess_table` gave:
    equal to what :func:`~edupoverty.rules.totals.summarize` gives of the same students'
    assessments (keys in the same order), computed on whole columns.

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.records.columns import table_from_students
        >>> from edupoverty.rules import load_policy
        >>> s = Student(name="王五", id_number="11010520120307002X", school_code="A",
        ...             stage=Stage.SENIOR, school_location=SchoolLocation.CITY,
        ...             registered_poor=True)
        >>> t = summarize_table(assess_table(table_from_students([s]), load_policy("seed"), 2019))
        >>> t.by_school["A"], t.not_configured["senior.fee_waiver"]
        (Decimal('5000.00'), 1)
        >>> t.by_programme["senior.fee_waiver"]
        ProgrammeTotal(students=1, amount=未配置, not_configured=1)
    """
    names = assessed.column_names
    programmes = names[names.index("in_kind_total") + 1 : names.index("not_configured")]
    n = assessed.num_rows
    listed = assessed["not_configured"].combine_chunks()
    flat = pc.list_flatten(listed)
    parents = np.asarray(pc.list_parent_indices(listed).to_numpy(zero_copy_only=False), np.int64)
    position = {pid: k for k, pid in enumerate(programmes)}
    nc_count: dict[str, int] = {}
    nc_first: dict[str, int] = {}
    if len(flat):
        encoded = pc.dictionary_encode(flat)
        distinct = encoded.dictionary.to_pylist()
        which = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), np.int64)
        count = len(distinct)
        firsts = first_rows(which, count)
        counts = np.bincount(which, minlength=count)
        for k, pid in enumerate(distinct):
            nc_count[pid] = int(counts[k])
            nc_first[pid] = int(parents[firsts[k]])
    found = []
    for k, pid in enumerate(programmes):
        column = assessed[pid]
        valid = np.asarray(column.is_valid().to_numpy(zero_copy_only=False), np.bool_)
        configured = int(valid.sum())
        students = configured + nc_count.get(pid, 0)
        if students:
            first = min(int(valid.argmax()) if configured else n, nc_first.get(pid, n))
            amount = _sum(column)
            found.append(
                (first, k, pid, ProgrammeTotal.of(pid, students, amount, nc_count.get(pid, 0)))
            )
    schools = pa.table(
        {
            "school": pc.fill_null(assessed["school_code"], ""),
            "total": assessed["total"],
            "at": pa.array(np.arange(n, dtype=np.int64)),
        }
    )
    by_school = (
        schools.group_by("school", use_threads=False)
        .aggregate([("total", "sum"), ("at", "min")])
        .sort_by("at_min")
    )
    return make_summary(
        n,
        _sum(assessed["total"]),
        {pid: total for _, _, pid, total in sorted(found)},
        {form: _sum(assessed[f"{form.value}_total"]) for form in ProgrammeForm},
        dict(
            zip(
                by_school["school"].to_pylist(),
                (v if v is not None else ZERO for v in by_school["total_sum"].to_pylist()),
                strict=True,
            )
        ),
        {level: _sum(assessed[f"funding_{level.value}"]) for level in FundingLevel},
        _sum(assessed["funding_unknown"]),
        {pid: nc_count[pid] for pid in sorted(nc_count, key=lambda p: (nc_first[p], position[p]))},
    )


def _sum(column: Any) -> Decimal:
    value = pc.sum(column).as_py()
    return ZERO if value is None else Decimal(value).quantize(ZERO)
