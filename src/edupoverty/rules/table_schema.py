"""The assessment table: what :func:`~edupoverty.rules.bulk.assess_table` gives (测算结果表).

One row per student, in the order of the student table, with these columns:

===========================  ====================  ===========================================
column                       type                  holds
===========================  ====================  ===========================================
``row``                      ``int64``             the input's ``row`` (spreadsheet row)
``name``                     ``string``            the input's, passed through
``student_number``           ``string``            the input's, passed through
``school_code``              ``string``            the input's, passed through
``school_name``              ``string``            the input's, passed through (null: none)
``grade``                    ``int64``             the input's, passed through (null: none)
``total``                    ``decimal128(18,2)``  sum of every configured amount
``cash_total``               ``decimal128(18,2)``  sum of configured cash amounts
``waiver_total``             ``decimal128(18,2)``  sum of configured waivers
``in_kind_total``            ``decimal128(18,2)``  sum of configured in-kind provisions
*programme id* (each)        ``decimal128(18,2)``  the year's amount; null when the programme
                                                   does not apply or its amount is not
                                                   configured (one column per programme of the
                                                   policy, in policy order)
*programme id*.tier          ``int8``              the grant tier a tiered programme pays (one
                                                   column per tiered programme, in policy
                                                   order); null when it does not apply or the
                                                   tier is not configured
``not_configured``           ``list<string>``      ids of the programmes that apply but whose
                                                   amount is not configured, in policy order
``funding_central`` …        ``decimal128(18,2)``  configured amounts paid by each level of
``funding_county``                                 government (R-FND-1..4)
``funding_unknown``          ``decimal128(18,2)``  configured amounts whose shares are unknown
===========================  ====================  ===========================================

Each programme column's field metadata gives its ``name_zh``, ``name_en`` and ``form``; the
schema's metadata the ``policy`` name, the ``school_year`` and, once assessed,
``not_configured``: a JSON list of ``{programme, parameter, reason_zh, reason_en, students}``,
the students whose amount of a programme is not configured, by reason
(:func:`not_configured_of`).

Examples:
    >>> from edupoverty.rules import load_policy
    >>> schema = assessment_schema(load_policy("seed"), 2019)
    >>> schema.names[:7], schema.names[-6:-5]
    ... # doctest: +NORMALIZE_WHITESPACE
    (['row', 'name', 'student_number', 'school_code', 'school_name', 'grade', 'total'],
     ['not_configured'])
    >>> [n for n in schema.names if n.endswith(TIER_SUFFIX)]
    ['senior.national_grant.tier']
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.records.columns import MONEY
from edupoverty.records.enums import FundingLevel
from edupoverty.rules.policy import Policy

__all__ = [
    "FUNDING_COLUMNS",
    "PASSED_COLUMNS",
    "TIER_SUFFIX",
    "TOTAL_COLUMNS",
    "assessment_schema",
    "not_configured_of",
    "not_configured_rows",
    "programme_columns",
]

PASSED_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("row", pa.int64()),
    ("name", pa.string()),
    ("student_number", pa.string()),
    ("school_code", pa.string()),
    ("school_name", pa.string()),
    ("grade", pa.int64()),
)
"""The columns passed through from the student table, with their types."""

TOTAL_COLUMNS: tuple[str, ...] = (
    "total",
    "cash_total",
    "waiver_total",
    "in_kind_total",
)
"""The columns of totals, in order (``<form>_total`` for each programme form)."""

FUNDING_COLUMNS: tuple[str, ...] = (
    *(f"funding_{level.value}" for level in FundingLevel),
    "funding_unknown",
)
"""The columns of the funding split, in order."""

TIER_SUFFIX = ".tier"
"""A tiered programme's tier column is its id followed by this."""


def assessment_schema(policy: Policy, school_year: int | None = None) -> pa.Schema:
    """The schema of the assessment table under ``policy`` (and ``school_year``).

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> field = assessment_schema(load_policy("seed")).field("compulsory.nutrition")
        >>> field.type, field.metadata[b"form"]
        (Decimal128Type(decimal128(18, 2)), b'in_kind')
    """
    fields = [pa.field(name, kind) for name, kind in PASSED_COLUMNS]
    fields += [pa.field(name, MONEY, nullable=False) for name in TOTAL_COLUMNS]
    fields += [
        pa.field(
            p.id,
            MONEY,
            metadata={"name_zh": p.name_zh, "name_en": p.name_en, "form": p.form.value},
        )
        for p in policy.programmes
    ]
    fields += [
        pa.field(p.id + TIER_SUFFIX, pa.int8(), metadata={"programme": p.id})
        for p in policy.programmes
        if p.tiered
    ]
    fields.append(pa.field("not_configured", pa.list_(pa.string()), nullable=False))
    fields += [pa.field(name, MONEY, nullable=False) for name in FUNDING_COLUMNS]
    meta = {"policy": policy.name}
    if school_year is not None:
        meta["school_year"] = str(school_year)
    return pa.schema(fields, metadata=meta)


def programme_columns(schema: pa.Schema) -> list[str]:
    """The programme columns of an assessment table's ``schema``, in order: the amount
    columns between the totals and ``not_configured`` (not the tier columns).

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> programme_columns(assessment_schema(load_policy("seed")))[4:6]
        ['compulsory.nutrition', 'senior.national_grant']
    """
    names = schema.names
    between = range(names.index(TOTAL_COLUMNS[-1]) + 1, names.index("not_configured"))
    return [names[i] for i in between if pa.types.is_decimal(schema.field(i).type)]


def not_configured_rows(assessed: pa.Table) -> dict[str, npt.NDArray[np.bool_]]:
    """For each programme that applies somewhere with its amount not configured, which rows
    of an assessment table it does so in (its id is in their ``not_configured`` list); the
    list column is read once for every programme.

    Examples:
        >>> t = pa.table({"not_configured": [["senior.fee_waiver"], [], None]})
        >>> {p: rows.tolist() for p, rows in not_configured_rows(t).items()}
        {'senior.fee_waiver': [True, False, False]}
    """
    listed = assessed["not_configured"].combine_chunks()
    encoded = pc.dictionary_encode(pc.list_flatten(listed))
    which = np.asarray(encoded.indices, np.int64)
    owners = np.asarray(pc.list_parent_indices(listed), np.int64)
    found = {}
    for k, programme in enumerate(encoded.dictionary.to_pylist()):
        rows = np.zeros(len(listed), dtype=np.bool_)
        rows[owners[which == k]] = True
        found[str(programme)] = rows
    return found


def not_configured_of(assessed: pa.Table | pa.RecordBatch) -> list[dict[str, Any]]:
    """The amounts not configured in an assessment table, by programme and reason, with
    their student counts (from the table's metadata).

    Examples:
        >>> from edupoverty.records import SchoolLocation, Stage, Student
        >>> from edupoverty.records.columns import table_from_students
        >>> from edupoverty.rules import assess_table, load_policy
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
