"""``rules.bulk.assess_columns``: one student assessed per distinct profile, every row given
its shared result, gives row for row what ``assess_many`` gives over ``read_roster``'s
students; ``merge_summaries`` adds up parts exactly; ``Summary`` pickles."""

from __future__ import annotations

import itertools
import json
import pickle
import warnings
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edupoverty.errors import PolicyStaleWarning
from edupoverty.records import read_roster
from edupoverty.records.reader import read_roster_table
from edupoverty.records.synthetic import DEFECTS, write_roster_csv
from edupoverty.rules import (
    Assessment,
    Policy,
    Summary,
    assess,
    assess_many,
    key_fields,
    load_policy,
    merge_summaries,
    summarize,
)
from edupoverty.rules.bulk import assess_table, summarize_table
from tests.rules.rules_helpers import county

TODAY = date(2026, 6, 1)
CASES = [
    ("seed", 2019),
    ("dangshan", 2019),
    ("hebei", 2019),
    ("liling", 2019),
    ("national-2025", 2025),
]


@pytest.fixture(scope="module")
def rosters(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """A synthetic roster with every defect for each school year assessed."""
    d = tmp_path_factory.mktemp("bulk")
    defects = dict.fromkeys(DEFECTS, 0.01)
    return {
        year: write_roster_csv(
            d / f"r{year}.csv", 1500, seed=year, defects=defects, school_year=year
        )
        for year in (2019, 2021, 2025)
    }


def dumps(summary: Summary) -> str:
    """The summary as the JSON output writes it: key order included."""
    return json.dumps(summary.to_dict(), ensure_ascii=False)


def _amounts(a: Assessment) -> dict[str, Decimal | None]:
    return {
        e.programme: e.amount if isinstance(e.amount, Decimal) else None for e in a.entitlements
    }


@pytest.mark.parametrize(("name", "year"), CASES)
def test_a_roster_file_assessed_as_a_table_agrees_with_assess_many_row_for_row(
    rosters: dict[int, Path], name: str, year: int
) -> None:
    policy = load_policy(name)
    path = rosters[year]
    table = read_roster_table(path, today=TODAY)
    whole = read_roster(path, today=TODAY)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none of these policies is stale for its year
        assessed = assess_table(table.table, policy, year)
        expected = list(assess_many(whole.students, policy, year))
    assert assessed.num_rows == len(expected) == whole.accepted > 1300
    rows = assessed.to_pylist()
    for got, want in zip(rows, expected, strict=True):
        assert got["row"] == want.student.row and got["name"] == want.student.name
        assert got["total"] == want.total and got["cash_total"] == want.cash_total
        amounts = _amounts(want)
        for pid in policy.programme_ids():
            assert got[pid] == amounts.get(pid)
        assert got["not_configured"] == [e.programme for e in want.not_configured]
    assert summarize_table(assessed) == summarize(expected)
    assert dumps(summarize_table(assessed)) == dumps(summarize(expected))


def test_a_stale_policy_warns_as_assess_many_does(rosters: dict[int, Path]) -> None:
    policy = load_policy("seed")  # reviewed up to 2020
    table = read_roster_table(rosters[2021], today=TODAY)
    with pytest.warns(PolicyStaleWarning, match="2021"):
        assessed = assess_table(table.table, policy, 2021)
    with pytest.warns(PolicyStaleWarning):
        expected = list(assess_many(table.students(), policy, 2021))
    assert summarize_table(assessed) == summarize(expected)


def test_rows_differing_only_in_enrolment_dates_are_prorated_apart(tmp_path: Path) -> None:
    # R-DYN-1: the county's teaching days decide (tests/rules/data/county_terms.toml).
    p = tmp_path / "r.csv"
    head = "姓名,身份证号,学校代码,学段,学校所在地,寄宿,建档立卡,入学日期,离校日期\n"
    rows = [
        "甲,11010520120307002X,3412001,小学,乡村,是,是,2019-09-01,",
        "乙,110105201203070011,3412001,小学,乡村,是,是,2019-09-01,2019-12-20",
        "丙,110105201203070038,3412001,小学,乡村,是,是,2020-03-01,",
        "丁,110105201203070046,3412001,小学,乡村,是,是,2019-09-01,",
    ]
    p.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    policy = county()
    assessed = assess_table(read_roster_table(p, today=TODAY).table, policy, 2019)
    expected = [assess(s, policy, 2019) for s in read_roster(p, today=TODAY).students]
    totals = assessed.column("total").to_pylist()
    assert totals == [a.total for a in expected]
    assert totals[0] == totals[3] and totals[1] < totals[0] and totals[2] < totals[0]


def test_a_roster_with_no_accepted_row(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text(
        "姓名,身份证号,学校代码,学段,学校所在地\n张三,110105201203070021,1,小学,乡村\n",
        encoding="utf-8",
    )
    table = read_roster_table(p, today=TODAY)
    assessed = assess_table(table.table, load_policy("seed"), 2019)
    assert assessed.num_rows == 0
    assert summarize_table(assessed) == summarize([])


def test_key_fields_decide_the_result_and_end_with_the_enrolment_dates() -> None:
    for name, _ in CASES:
        fields = key_fields(load_policy(name))
        assert fields[-2:] == ("enrolled_from", "enrolled_until")
        assert not {"name", "id_number", "bank_account", "row", "student_number"} & set(fields)
        assert "stage" in fields


# --- merge_summaries and Summary pickling ----------------------------------------------------


@pytest.fixture(scope="module")
def assessed_2019(rosters: dict[int, Path]) -> tuple[Policy, list[Assessment]]:
    policy = load_policy("hebei")
    students = read_roster(rosters[2019], today=TODAY).students
    return policy, list(assess_many(students, policy, 2019))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_merged_summaries_of_parts_are_the_summary_of_the_whole(
    assessed_2019: tuple[Policy, list[Assessment]], data: st.DataObject
) -> None:
    _, assessments = assessed_2019
    n = len(assessments)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=6)))
    bounds = [0, *cuts, n]
    parts = [summarize(assessments[a:b]) for a, b in itertools.pairwise(bounds)]
    merged = merge_summaries(parts)
    whole = summarize(assessments)
    assert merged == whole
    assert dumps(merged) == dumps(whole)  # keys in the order of first appearance too
    assert isinstance(merged.by_programme, MappingProxyType)


def test_merging_no_summary_is_the_empty_summary() -> None:
    assert merge_summaries([]) == summarize([])
    assert merge_summaries([]).total == Decimal("0")


def test_a_summary_survives_pickling(assessed_2019: tuple[Policy, list[Assessment]]) -> None:
    _, assessments = assessed_2019
    summary = summarize(assessments)
    assert summary.not_configured  # hebei leaves amounts not configured: a non-empty map
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(summary, protocol=protocol))
        assert back == summary
        assert dumps(back) == dumps(summary)
        for mapping in (back.by_programme, back.by_form, back.by_school, back.not_configured):
            assert isinstance(mapping, MappingProxyType)  # still read-only
    assert merge_summaries([pickle.loads(pickle.dumps(summary))]) == summary
