"""Shared fixtures of the disclosure tests."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def test_year_2027() -> Path:
    """A 2027 year file that is TEST DATA, not the official 2027 notice."""
    return DATA / "2027-TEST-DATA.toml"
