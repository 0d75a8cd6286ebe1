"""DataFrames in and out (edupoverty.frame, to_arrow/to_pandas/to_polars, _repr_html_)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import edupoverty as ep
from edupoverty.errors import InputError
from edupoverty.frame import (
    FrameRowsError,
    assess_frame,
    assessments_to_arrow,
    assessments_to_pandas,
    findings_to_pandas,
    findings_to_polars,
    read_frame,
)
from edupoverty.records import SchoolLocation, Stage, Student, read_rows, synthetic
from edupoverty.records.columns import table_from_students
from edupoverty.rules import assess_many, assess_table, load_policy, summarize
from edupoverty.rules.table_schema import FUNDING_COLUMNS, TOTAL_COLUMNS

POLICY = load_policy("seed")
YEAR = 2019
MONEY = pa.decimal128(18, 2)
HEADER = ["name", "id_number", "school_code", "stage", "school_location"]


IDS = [s.id_number for s in synthetic.students(40, seed=1)]


def _senior(name: str = "王五", school: str = "A", k: int = 0, **kw: object) -> Student:
    return Student(
        name=name,
        id_number=IDS[k],
        school_code=school,
        stage=Stage.SENIOR,
        school_location=SchoolLocation.CITY,
        registered_poor=True,
        **kw,  # type: ignore[arg-type]
    )


def _expected(students: list[Student]) -> list[dict[str, object]]:
    """Per student: totals, each programme's amount (None: not applying or not configured),
    the funding split, as assess_many gives them."""
    out = []
    for a in assess_many(students, POLICY, YEAR):
        amounts: dict[str, object] = {p.id: None for p in POLICY.programmes}
        for e in a.entitlements:
            amounts[e.programme] = e.amount if e.configured else None
        out.append(
            {
                "total": a.total,
                "cash_total": a.cash_total,
                "waiver_total": a.waiver_total,
                "in_kind_total": a.in_kind_total,
                "not_configured": [e.programme for e in a.not_configured],
                **amounts,
            }
        )
    return out


def _columns() -> list[str]:
    return [*TOTAL_COLUMNS, "not_configured", *(p.id for p in POLICY.programmes)]


# --- assess_frame gives what assess_many gives ---------------------------------------------


def test_a_pandas_roster_with_chinese_headers_is_assessed_as_assess_many_assesses_it() -> None:
    text = synthetic.generate_table(300, seed=5, headers="zh")
    df = text.to_pandas()
    out = assess_frame(df, POLICY, YEAR)
    expected = _expected(synthetic.students(300, seed=5))
    assert isinstance(out, pd.DataFrame) and len(out) == 300
    assert list(out.columns[: len(df.columns)]) == list(df.columns)
    got = out[_columns()].to_dict("records")
    for row, want in zip(got, expected, strict=True):
        for name in _columns():
            value = row[name]
            value = None if value is pd.NA else value
            if name == "not_configured":
                value = list(value)
            assert value == want[name], name
    # not configured is missing in the frame, never 0, and some are
    nc = out["senior.fee_waiver"].isna() & out["not_configured"].map(
        lambda ids: "senior.fee_waiver" in list(ids)
    )
    assert nc.any()


def test_a_typed_polars_roster_gives_polars_with_the_amounts_of_assess_many() -> None:
    table = synthetic.student_table(200, seed=8)
    df = pl.from_arrow(table.drop_columns(["row"]))
    assert isinstance(df, pl.DataFrame)
    out = assess_frame(df, POLICY, YEAR)
    assert isinstance(out, pl.DataFrame) and out.height == 200
    assert out.schema["total"] == pl.Decimal(18, 2)
    expected = _expected(synthetic.students(200, seed=8))
    for row, want in zip(out.select(_columns()).rows(named=True), expected, strict=True):
        assert {k: row[k] for k in _columns()} == {k: want[k] for k in _columns()}


def test_the_funding_split_of_a_frame_is_the_funding_split_of_assess_table() -> None:
    table = synthetic.student_table(150, seed=11)
    out = assess_frame(table.drop_columns(["row"]), POLICY, YEAR)
    direct = assess_table(table, POLICY, YEAR)
    for name in (*FUNDING_COLUMNS, *TOTAL_COLUMNS):
        assert out.column(name).to_pylist() == direct.column(name).to_pylist()


def test_a_list_of_assessments_is_the_assessment_table_of_the_same_students() -> None:
    kids = synthetic.students(150, seed=12)
    direct = assess_table(table_from_students(kids), POLICY, YEAR)
    listed = assessments_to_arrow(assess_many(kids, POLICY, YEAR), POLICY)
    assert listed.schema.remove_metadata() == direct.schema.remove_metadata()
    assert listed.schema.field("compulsory.nutrition").metadata == (
        direct.schema.field("compulsory.nutrition").metadata
    )
    for name in direct.column_names:
        assert listed.column(name).to_pylist() == direct.column(name).to_pylist(), name


def test_assessments_without_the_policy_take_the_programmes_of_their_decisions() -> None:
    t = assessments_to_arrow(assess_many([_senior()], POLICY, YEAR))
    start = t.column_names.index("in_kind_total") + 1
    ids = [p.id for p in POLICY.programmes]
    assert t.column_names[start : start + len(ids)] == ids
    assert t.schema.field("senior.fee_waiver").type == MONEY
    df = assessments_to_pandas(assess_many([_senior()], POLICY, YEAR))
    assert df.loc[0, "senior.fee_waiver"] is pd.NA
    assert df.loc[0, "total"] == Decimal("5000.00")


# --- what happens to rows that fail the checks ---------------------------------------------


def _frame_with_bad_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["张三", "李四", ""],
            "id_number": ["11010520120307002X", "110105201203070021", "11010520120307002X"],
            "school_code": ["1", "1", "1"],
            "stage": ["primary", "primary", "primary"],
            "school_location": ["rural", "rural", "rural"],
        },
        index=["a", "b", "c"],
    )


def test_rejected_rows_raise_an_error_naming_their_rows_and_fields() -> None:
    with pytest.raises(FrameRowsError) as caught:
        assess_frame(_frame_with_bad_rows(), POLICY, YEAR)
    err = caught.value
    assert isinstance(err, ep.EdupovertyError) and isinstance(err, ValueError)
    assert err.rows == (3, 4)
    assert [(f.row, f.field, f.code) for f in err.findings] == [
        (3, "id_number", "id.checksum"),
        (4, "name", "field.missing"),
    ]
    assert "row 3 id_number (id.checksum)" in err.message_en
    assert "110105201203070021" not in str(err)


def test_dropping_rejected_rows_keeps_the_others_with_their_index() -> None:
    out = assess_frame(_frame_with_bad_rows(), POLICY, YEAR, invalid="drop")
    assert list(out.index) == ["a"]
    assert out.loc["a", "total"] == Decimal("1490.00")
    checked = read_frame(_frame_with_bad_rows())
    assert (checked.accepted, [r.row for r in checked.rejected]) == (1, [3, 4])


def test_an_empty_row_of_a_frame_is_named_never_left_out_unsaid() -> None:
    # Every input row is accounted for: an all-empty row is neither accepted nor rejected by
    # the roster checks, so assessing the frame must not silently return fewer rows.
    df = pd.DataFrame(
        {
            "name": ["张三", None],
            "id_number": ["11010520120307002X", None],
            "school_code": ["1", None],
            "stage": ["primary", None],
            "school_location": ["rural", None],
        },
        index=["a", "b"],
    )
    with pytest.raises(InputError) as caught:
        assess_frame(df, POLICY, YEAR)
    assert caught.value.code == "frame.empty_rows" and "row 3" in caught.value.message_en
    assert list(assess_frame(df, POLICY, YEAR, invalid="drop").index) == ["a"]


def test_a_repeated_id_number_in_a_frame_is_rejected_as_in_a_file() -> None:
    df = pd.DataFrame(
        {
            "姓名": ["张三", "张三"],
            "身份证号": ["11010520120307002X", "110105 20120307002x"],
            "学校代码": ["1", "1"],
            "学段": ["小学", "小学"],
            "学校所在地": ["乡村", "乡村"],
        }
    )
    with pytest.raises(FrameRowsError) as caught:
        assess_frame(df, POLICY, YEAR)
    assert [f.code for f in caught.value.findings] == ["report.duplicate"]


def test_a_frame_that_already_holds_a_result_column_is_refused() -> None:
    df = pd.DataFrame(
        {
            h: [v]
            for h, v in zip(
                HEADER, ["张三", "11010520120307002X", "1", "primary", "rural"], strict=True
            )
        }
    )
    df["total"] = [1]
    with pytest.raises(ep.EdupovertyError, match="total"):
        assess_frame(df, POLICY, YEAR)


def test_something_that_is_not_a_frame_is_an_argument_error() -> None:
    with pytest.raises(TypeError, match="DataFrame"):
        assess_frame([{"name": "张三"}], POLICY, YEAR)
    with pytest.raises(ValueError, match="invalid"):
        assess_frame(_frame_with_bad_rows(), POLICY, YEAR, invalid="keep")


# --- not configured stays missing when added up --------------------------------------------


def test_adding_up_a_not_configured_column_needs_min_count_to_stay_missing() -> None:
    kids = [_senior("甲", "A", 0), _senior("乙", "A", 1), _senior("丙", "B", 2)]
    df = assess_frame(table_from_students(kids).to_pandas(), POLICY, YEAR)
    assert str(df["senior.fee_waiver"].dtype) == "decimal128(18, 2)[pyarrow]"
    by_school = df.groupby("school_code")["senior.fee_waiver"]
    # the pitfall, written down: a plain sum turns "not configured" into 0.00
    assert by_school.sum().tolist() == [Decimal("0.00"), Decimal("0.00")]
    # the documented way keeps it missing
    assert by_school.sum(min_count=1).isna().all()
    assert df.groupby("school_code")["total"].sum(min_count=1).tolist() == [
        Decimal("10000.00"),
        Decimal("5000.00"),
    ]


def test_a_summary_as_tables_keeps_not_configured_missing() -> None:
    summary = summarize(assess_many([_senior(), _senior("乙", "B", 1)], POLICY, YEAR))
    programmes = summary.to_pandas()
    row = programmes.set_index("programme").loc["senior.fee_waiver"]
    assert row["amount"] is pd.NA and row["not_configured"] == 2
    funding = summary.to_polars(by="funding")
    assert funding["level"].to_list() == ["central", "provincial", "city", "county", "unknown"]
    assert funding.schema["amount"] == pl.Decimal(18, 2)
    assert summary.to_arrow("school").column("school_code").to_pylist() == ["A", "B"]
    assert summary.to_arrow("form").column("form").to_pylist() == ["cash", "waiver", "in_kind"]
    with pytest.raises(ValueError, match="by"):
        summary.to_arrow("county")


# --- rosters and findings as frames ---------------------------------------------------------


def test_a_roster_result_converts_its_accepted_students() -> None:
    r = read_rows(
        HEADER,
        [
            ["张三", "11010520120307002X", "1", "primary", "rural"],
            ["李四", "123", "1", "primary", "rural"],
        ],
    )
    df = r.to_pandas()
    assert df["name"].tolist() == ["张三"] and df["row"].tolist() == [2]
    assert r.to_polars().height == 1 and r.to_arrow().num_rows == 1
    findings = findings_to_pandas(r.findings)
    assert list(findings.columns) == [
        "row",
        "field",
        "code",
        "severity",
        "message_zh",
        "message_en",
    ]
    assert findings.loc[0, "code"] == "id.length"
    assert findings_to_polars(r.findings)["row"].to_list() == [3]


# --- HTML in Jupyter ------------------------------------------------------------------------


def test_the_html_of_a_roster_escapes_text_masks_ids_and_shows_twenty_rows() -> None:
    rows = [["<b>生</b>", IDS[i], f"S{i}", "primary", "rural"] for i in range(25)]
    rows += [["x", IDS[0], "<script>", "primary", "rural"]]
    r = read_rows(HEADER, rows, source="<名单>.csv")
    page = r._repr_html_()
    assert "<script>" not in page and "<b>生" not in page and "&lt;名单&gt;.csv" in page
    assert not any(i in page for i in IDS)
    assert page.count("********") == 20
    assert "… 还有 5 行 / 5 more rows" in page  # 26 rows, one rejected: 25 accepted
    assert repr(r).startswith("RosterResult(") and len(repr(r)) < 120


def test_the_html_of_an_assessment_and_a_summary_never_shows_an_account() -> None:
    s = _senior(name="<王五>", bank_account="6217000011112222")
    [a] = assess_many([s], POLICY, YEAR)
    page = a._repr_html_()
    assert "&lt;王五&gt;" in page and "未配置" in page
    assert "6217000011112222" not in page and IDS[0][6:14] not in page
    summary_page = summarize([a])._repr_html_()
    assert "未配置" in summary_page and "senior.fee_waiver" in summary_page
    assert len(repr(summarize([a]))) < 120
