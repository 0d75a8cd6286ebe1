"""Helpers shared by the rules tests: students built in code, as a school would list them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from edupoverty.records import SchoolLocation, Stage, Student
from edupoverty.rules import Assessment, Policy, load_policy

COUNTY_TERMS = Path(__file__).parent / "data" / "county_terms.toml"
"""An overlay giving one county's teaching days (terms) for school year 2019."""


def county() -> Policy:
    """The seed profile with a county's school calendar for 2019 (terms configured)."""
    return load_policy(COUNTY_TERMS)


def student(**fields: Any) -> Student:
    """A roster row: a rural primary day pupil unless the test says otherwise."""
    base: dict[str, Any] = {
        "name": "张三",
        "id_number": "11010520120307002X",
        "school_code": "3412001",
        "stage": Stage.PRIMARY,
        "school_location": SchoolLocation.RURAL,
    }
    base.update(fields)
    return Student(**base)


def amounts(a: Assessment) -> dict[str, Any]:
    """Programme id → amount (Decimal, or the NotConfigured value)."""
    return {e.programme: e.amount for e in a.entitlements}


def yuan(text: str) -> Decimal:
    return Decimal(text).quantize(Decimal("0.01"))
