"""Every record type survives to_dict/from_dict and to_json/from_json unchanged."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edupoverty.records import Disbursement
from edupoverty.records.convert import from_dict, from_json, to_dict, to_json
from tests.strategies import RECORD_TYPES, records


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_record_round_trips_through_dicts_and_json(cls: type, data: st.DataObject) -> None:
    value = data.draw(records(cls))
    assert from_dict(to_dict(value), cls) == value
    assert from_json(to_json(value), cls) == value


@settings(max_examples=50, deadline=None)
@given(records(Disbursement))
def test_money_is_written_as_text_with_two_places_never_a_float(d: Disbursement) -> None:
    amount = to_dict(d)["amount"]
    assert isinstance(amount, str)
    assert amount == f"{d.amount:.2f}"
