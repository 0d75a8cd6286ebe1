"""Every CSV or XLSX the library writes neutralises formulas (CSV/Excel injection)."""

from __future__ import annotations

import csv
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edupoverty.records.writers import neutralise, write_csv, write_xlsx

DANGEROUS = ["=1+1", "+86 138", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("http://evil","点我")']


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_cell_that_starts_like_a_formula_is_kept_readable_as_text(text: str) -> None:
    assert neutralise(text) == "'" + text


@given(st.text(max_size=30))
def test_no_neutralised_text_starts_a_formula_and_the_text_stays_inside(text: str) -> None:
    safe = neutralise(text)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe.endswith(text)


def test_a_written_csv_neutralises_every_dangerous_cell_and_opens_in_excel(tmp_path: Path) -> None:
    p = tmp_path / "list.csv"
    n = write_csv(
        p, ["姓名", "=备注"], [[name, "x"] for name in DANGEROUS] + [["张三", Decimal("5")]]
    )
    assert n == len(DANGEROUS) + 1
    raw = p.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel on Chinese Windows reads UTF-8
    with open(p, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["姓名", "'=备注"]
    assert [r[0] for r in rows[1:-1]] == ["'" + t for t in DANGEROUS]
    assert rows[-1] == ["张三", "5"]


def test_a_written_xlsx_holds_no_formula_and_shows_the_text(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    p = tmp_path / "list.xlsx"
    write_xlsx(p, ["姓名", "金额"], [[t, Decimal("500.00")] for t in DANGEROUS], preamble=["=标题"])
    with zipfile.ZipFile(p) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
    rows = CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "'=标题"
    assert [r[0] for r in rows[2:]] == ["'" + t for t in DANGEROUS]
    assert rows[2][1] == 500


CELL = st.one_of(
    st.text(alphabet=',"\r\n\x00 =+-@\t张a1', max_size=6),
    st.none(),
    st.integers(-5, 5),
    st.decimals(places=2, min_value=-10, max_value=10, allow_nan=False),
)


@given(st.lists(st.lists(CELL, min_size=1, max_size=4), max_size=6), st.lists(CELL, max_size=4))
def test_rows_ending_with_shared_cells_are_written_as_if_every_cell_were_given(
    heads: list[list[object]], shared: list[object]
) -> None:
    import io

    from edupoverty.records.writers import Cells, cell_text

    tail = Cells(shared)
    assert list(tail) == [cell_text(v) for v in shared]  # rendered (neutralised) once
    fast, plain = io.StringIO(), io.StringIO()
    assert write_csv(fast, ["a"], [[*h, tail] for h in heads]) == len(heads)
    expected = csv.writer(plain, lineterminator="\n")
    expected.writerow(["a"])
    expected.writerows([[cell_text(v) for v in [*h, *shared]] for h in heads])
    assert fast.getvalue() == plain.getvalue()
