"""Hypothesis strategies for every record type, gathered in one place (house style)."""

from __future__ import annotations

import types
import typing
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

import attrs
from hypothesis import strategies as st

from edupoverty.records import idcard, model
from edupoverty.records.findings import Finding
from edupoverty.records.roster import DisbursementResult, RejectedRow, RosterResult
from edupoverty.records.validate import ValidationReport

MONEY = st.decimals(
    min_value=Decimal("-1000000000"),
    max_value=Decimal("1000000000"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
SCHOOL_YEARS = st.integers(model.FIRST_SCHOOL_YEAR, model.LAST_SCHOOL_YEAR)
TEXT = st.text(max_size=20)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    """Valid resident ID numbers (GB 11643) of a known province, born 1950-2020."""
    region = draw(st.sampled_from(sorted(idcard.PROVINCES))) + draw(st.from_regex(r"\A[0-9]{4}\Z"))
    born = draw(st.dates(min_value=date(1950, 1, 1), max_value=date(2020, 12, 31)))
    seq = draw(st.integers(0, 999))
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + idcard.calc_check_digit(body)


# Field-level constraints of the record types (their validators).
SPECIAL: dict[tuple[str, str], st.SearchStrategy[Any]] = {
    ("Student", "id_number"): id_numbers(),
    ("Student", "grant_tier"): st.none() | st.sampled_from([1, 2]),
    ("LedgerEntry", "kind"): st.sampled_from(["income", "expenditure"]),
    ("Period", "school_year"): SCHOOL_YEARS,
    ("Application", "school_year"): SCHOOL_YEARS,
    ("WaiverPledge", "school_year"): SCHOOL_YEARS,
}


def for_type(tp: Any) -> st.SearchStrategy[Any]:
    """A strategy for one annotated type of a record field."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(for_type(a) for a in typing.get_args(tp)))
    if origin is tuple:
        args = typing.get_args(tp)
        return st.lists(for_type(args[0]), max_size=2).map(tuple)
    if origin is dict:
        key, value = typing.get_args(tp)
        return st.dictionaries(for_type(key), for_type(value), max_size=2)
    if tp is type(None):
        return st.none()
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(-(10**6), 10**6)
    if tp is str:
        return TEXT
    if tp is Decimal:
        return MONEY
    if tp is date:
        return DATES
    if isinstance(tp, type) and issubclass(tp, Enum):
        return st.sampled_from(list(tp))
    if attrs.has(tp):
        return records(tp)
    raise TypeError(f"no strategy for {tp!r}")


def records(cls: type) -> st.SearchStrategy[Any]:
    """Any valid instance of an attrs record class, every field drawn."""
    hints = typing.get_type_hints(cls)
    fields = {}
    for f in attrs.fields(cls):
        name = f.alias or f.name
        special = SPECIAL.get((cls.__name__, f.name))
        fields[name] = special if special is not None else for_type(hints[f.name])
    return st.builds(cls, **fields)


RECORD_TYPES: list[type] = [
    getattr(model, name) for name in model.__all__ if attrs.has(getattr(model, name))
] + [Finding, RejectedRow, RosterResult, DisbursementResult, ValidationReport]
"""Every record type of edupoverty.records.model, findings and the results of reading."""
