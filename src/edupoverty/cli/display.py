"""How an assessment table is shown to people: row, name, student number, school code and
name, totals, one column per programme by its name, the programmes not configured; and
rejected rows in the same columns. Shared by every output of ``edupoverty assess``.

Examples:
    >>> from edupoverty.rules import load_policy
    >>> programme_names(load_policy("seed"), "zh")["compulsory.nutrition"]
    '农村义务教育学生营养改善计划'
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.records.reader import RejectedRow
from edupoverty.rules import Policy
from edupoverty.rules.bulk import TOTAL_COLUMNS
from edupoverty.rules.table_schema import not_configured_rows

__all__ = ["display_header", "display_of", "programme_names", "rejected_of"]


def programme_names(policy: Policy, lang: str) -> dict[str, str]:
    """Programme id → its name in ``lang``, in policy order.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> programme_names(load_policy("seed"), "en")["compulsory.fee_waiver"]
        'Compulsory-education fee waiver'
    """
    return {p.id: p.name_en if lang == "en" else p.name_zh for p in policy.programmes}


def display_header(policy: Policy, lang: str = "zh") -> list[str]:
    """The column names people read, in ``lang``, of :func:`display_of`'s table.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> display_header(load_policy("seed"))[:6]
        ['行', '姓名', '学籍号', '学校代码', '学校名称', '合计']
    """
    en = lang == "en"
    lead = (
        ("row", "name", "student_number", "school_code", "school_name", *TOTAL_COLUMNS)
        if en
        else ("行", "姓名", "学籍号", "学校代码", "学校名称", "合计", "现金", "减免", "实物")
    )
    names = programme_names(policy, lang)
    return [*lead, *names.values(), "not_configured" if en else "未配置"]


def display_of(assessed: pa.Table, policy: Policy, lang: str = "zh") -> pa.Table:
    """An assessment table as people read it: row, name, student number, school code and
    name, the totals, one column per programme (the amount, 未配置, or empty where it does
    not apply) and the programmes not configured, by name, in ``lang``
    (:func:`display_header`).

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地,建档立卡\\n"
        ...     "李四,11010520120307002X,3412001,高中,县城,是\\n", encoding="utf-8")
        >>> from edupoverty.cli.commands.assess import assess_report
        >>> r = assess_report(p)
        >>> t = display_of(r.assessed, r.policy)
        >>> t.column("senior.fee_waiver").to_pylist(), t.column("not_configured").to_pylist()
        (['未配置'], ['普通高中免学杂费'])
    """
    en = lang == "en"
    names = programme_names(policy, lang)
    nc_label = "not configured" if en else "未配置"
    columns: list[pa.Array | pa.ChunkedArray] = [
        assessed[c]
        for c in ("row", "name", "student_number", "school_code", "school_name", *TOTAL_COLUMNS)
    ]
    nc = assessed["not_configured"].combine_chunks()
    unpriced = not_configured_rows(assessed)
    for p in policy.programmes:
        text = pc.cast(assessed[p.id], pa.string())
        # few distinct amounts a programme: dictionary-encoded, each is neutralised once
        missing = unpriced.get(p.id)
        shown_text = text if missing is None else pc.if_else(missing, nc_label, text)
        columns.append(pc.dictionary_encode(shown_text))
    lookup = pa.array(list(names))
    shown = pa.array(list(names.values()))
    flat = pc.list_flatten(nc)
    listed = pa.ListArray.from_arrays(
        nc.offsets, pc.take(shown, pc.index_in(flat, value_set=lookup))
    )
    columns.append(pc.dictionary_encode(pc.binary_join(listed, "; " if en else "、")))
    field_names = [
        "row",
        "name",
        "student_number",
        "school_code",
        "school_name",
        *TOTAL_COLUMNS,
        *names,
        "not_configured",
    ]
    return pa.table(columns, names=field_names)


def rejected_of(rejected: Iterable[RejectedRow], schema: pa.Schema, lang: str) -> pa.Table:
    """Rejected rows in the columns of :func:`display_of`'s table: the row number, and the
    reasons in the last column (the rest empty).

    Examples:
        >>> from edupoverty.records.findings import finding
        >>> bad = RejectedRow(3, (finding("field.missing", row=3, field="name"),))
        >>> schema = pa.schema([("row", pa.int64()), ("name", pa.string())])
        >>> rejected_of([bad], schema, "en").to_pylist()
        [{'row': 3, 'name': 'row 3, name: a required value is missing'}]
    """
    rows = list(rejected)
    n = len(rows)
    columns = [pa.nulls(n, f.type) for f in schema]
    columns[0] = pa.array([r.row for r in rows], schema.field(0).type)
    columns[-1] = pa.array(["; ".join(f.message(lang) for f in r.findings) for r in rows])
    return pa.table(columns, schema=schema)
