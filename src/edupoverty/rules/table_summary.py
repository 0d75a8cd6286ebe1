"""Totals of an assessment table, computed on its columns (测算结果汇总).

Examples:
    >>> from edupoverty.records import SchoolLocation, Stage, Student
    >>> from edupoverty.records.columns import table_from_students
    >>> from edupoverty.rules import assess_table, load_policy
    >>> kids = [Student(name=n, id_number="11010520120307002X", school_code=c,
    ...                 stage=Stage.PRIMARY, school_location=SchoolLocation.CITY)
    ...         for n, c in (("甲", "A"), ("乙", "B"), ("丙", "A"))]
    >>> out = assess_table(table_from_students(kids), load_policy("seed"), 2019)
    >>> dict(summarize_table(out).by_school)
    {'A': Decimal('1380.00'), 'B': Decimal('690.00')}
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.records.enums import FundingLevel, ProgrammeForm
from edupoverty.records.money import ZERO
from edupoverty.rules.columns import first_rows
from edupoverty.rules.table_schema import programme_columns
from edupoverty.rules.totals import ProgrammeTotal, Summary, make_summary

__all__ = ["summarize_table"]


def summarize_table(assessed: pa.Table | pa.RecordBatch) -> Summary:
    """The :class:`~edupoverty.rules.totals.Summary` of an assessment table (what
    :func:`~edupoverty.rules.bulk.assess_table` gave): equal to what
    :func:`~edupoverty.rules.totals.summarize` gives of the same students' assessments (keys
    in the same order), computed on whole columns. The summaries of the batches of a roster
    add up with :func:`~edupoverty.rules.totals.merge_summaries`.

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.records.columns import table_from_students
        >>> from edupoverty.rules import assess_table, load_policy
        >>> s = Student(name="王五", id_number="11010520120307002X", school_code="A",
        ...             stage=Stage.SENIOR, school_location=SchoolLocation.CITY,
        ...             registered_poor=True)
        >>> t = summarize_table(assess_table(table_from_students([s]), load_policy("seed"), 2019))
        >>> t.by_school["A"], t.not_configured["senior.fee_waiver"]
        (Decimal('5000.00'), 1)
        >>> t.by_programme["senior.fee_waiver"]
        ProgrammeTotal(students=1, amount=未配置, not_configured=1)
    """
    programmes = programme_columns(assessed.schema)
    n = assessed.num_rows
    listed = assessed["not_configured"]
    if isinstance(listed, pa.ChunkedArray):
        listed = listed.combine_chunks()
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
                (
                    first,
                    k,
                    pid,
                    ProgrammeTotal.of(pid, students, amount, nc_count.get(pid, 0)),
                )
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
