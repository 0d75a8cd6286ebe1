"""Every CSV or XLSX the library writes neutralises formulas (CSV/Excel injection)."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edupoverty.records.writers import neutralise, write_csv, write_xlsx

DANGEROUS = [
    "=1+1",
    "+86 138",
    "-2+3",
    "@SUM(A1:A2)",
    '=HYPERLINK("http://evil","点我")',
    "＝1+1",
    "＋86 138",
    "－2",
    "＠SUM(A1)",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_cell_that_starts_like_a_formula_is_kept_readable_as_text(text: str) -> None:
    assert neutralise(text) == "'" + text


def test_a_formula_after_a_semicolon_is_neutralised_where_it_starts() -> None:
    # where the list separator is ";", Excel opens "x;=1+1" as two cells
    assert neutralise("x;=1+1") == "x;'=1+1"
    assert neutralise('x;"@A1') == "x;\"'@A1"
    assert neutralise("a;b-c") == "a;b-c"


@given(st.text(max_size=30) | st.text(alphabet="=+-@\t\r＝＋－＠;\"' a", max_size=8))
def test_no_neutralised_text_starts_a_formula_and_only_apostrophes_are_added(text: str) -> None:
    safe = neutralise(text)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"))
    assert safe.replace("'", "") == text.replace("'", "")
    assert safe == text or safe.startswith("'") or ";" in text
    assert neutralise(safe) == safe


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
    write_csv(plain, ["a"], [[*h, *shared] for h in heads])
    assert fast.getvalue() == plain.getvalue()
    # and read back, every row is its cells (a carriage return inside a cell included)
    back = list(csv.reader(io.StringIO(fast.getvalue(), newline="")))
    assert back[1:] == [[cell_text(v) for v in [*h, *shared]] for h in heads]


# --- write_csv_columns: the file write_csv writes, made from columns ---------------------------

TEXT_CELL = st.text(alphabet=",\"\r\n\x00 =+-@\t'张a1", max_size=5)
ANY_CELL = st.one_of(
    TEXT_CELL,
    st.none(),
    st.integers(-5, 50),
    st.decimals(places=2, min_value=-10, max_value=10, allow_nan=False),
    st.booleans(),
    st.dates(),
)
# a column of one kind takes the fast path of write_csv_columns; a mixed one, the csv module
COLUMN_KINDS = {
    "text": TEXT_CELL,
    "plain text": st.text(alphabet="张a1 '.", max_size=5),
    "ints": st.integers(0, 10**6),
    "text or none": st.one_of(st.none(), st.text(alphabet="张a1 ", max_size=4)),
    "any": ANY_CELL,
}


@st.composite
def column_tables(
    draw: st.DrawFn,
) -> tuple[list[list[object]], list[object] | None, list[list[object]]]:
    from edupoverty.records.writers import Cells

    n = draw(st.integers(0, 9))
    kinds = draw(st.lists(st.sampled_from(sorted(COLUMN_KINDS)), max_size=4))
    columns = [draw(st.lists(COLUMN_KINDS[k], min_size=n, max_size=n)) for k in kinds]
    tails: list[object] | None = None
    if draw(st.booleans()) or not columns:
        pool = [
            Cells(c) for c in draw(st.lists(st.lists(ANY_CELL, max_size=3), min_size=1, max_size=3))
        ]
        tails = [draw(st.sampled_from(pool)) for _ in range(n)]  # shared, as in the CLI
    more = draw(st.lists(st.lists(ANY_CELL, max_size=4), max_size=3))
    return columns, tails, more


def expected_csv(
    header: list[str],
    columns: list[list[object]],
    tails: list[object] | None,
    more: list[list[object]],
) -> str:
    import io

    n = len(columns[0]) if columns else len(tails or ())
    rows: list[list[object]] = []
    for i in range(n):
        row = [col[i] for col in columns]
        if tails is not None:
            row.append(tails[i])
        rows.append(row)
    buf = io.StringIO()
    write_csv(buf, header, [*rows, *more])
    return buf.getvalue()


@settings(max_examples=300)
@given(table=column_tables(), header=st.lists(TEXT_CELL, min_size=1, max_size=4))
def test_write_csv_columns_writes_what_write_csv_writes(
    table: tuple[list[list[object]], list[object] | None, list[list[object]]], header: list[str]
) -> None:
    import io

    from edupoverty.records.writers import write_csv_columns

    columns, tails, more = table
    n = len(columns[0]) if columns else len(tails or ())
    buf = io.StringIO()
    assert write_csv_columns(buf, header, columns, tails, more=more) == n + len(more)  # type: ignore[arg-type]
    assert buf.getvalue() == expected_csv(header, columns, tails, more)
    part = io.StringIO()
    write_csv_columns(part, None, columns, tails, more=more)  # type: ignore[arg-type]
    whole = expected_csv(["h"], columns, tails, more)
    assert part.getvalue() == whole[len("h\n") :]  # the same rows, no header


def test_write_csv_columns_neutralises_and_quotes_like_write_csv(tmp_path: Path) -> None:
    from edupoverty.records.writers import Cells, write_csv_columns

    rows = [2, 3, 4, 5, 6, 7, 8, 9]
    names = ["张三", "=1+1", "+86 138", "-2", "@SUM(A1)", "\tx", "a,b", 'say "hi"\nbye']
    numbers: list[str | None] = [None, "G1", None, "-G2", "", "G3", "x\r\ny", "G4"]
    tail = Cells([Decimal("500.00"), "=HYPERLINK(1)", None, 7])
    other = Cells(["", "a,b"])
    tails = [tail, other] * 4
    more = [[99, "", "拒收: =bad"], [None, "-1", Decimal("0.50")]]
    p, q = tmp_path / "cols.csv", tmp_path / "rows.csv"
    assert (
        write_csv_columns(
            p, ["行", "=姓名", "学籍号", "金额"], [rows, names, numbers], tails, more=more
        )
        == 10
    )
    write_csv(
        q,
        ["行", "=姓名", "学籍号", "金额"],
        [[r, n, s, t] for r, n, s, t in zip(rows, names, numbers, tails, strict=True)] + more,
    )
    assert p.read_bytes() == q.read_bytes()
    assert p.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(p, encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh))
    assert got[0] == ["行", "'=姓名", "学籍号", "金额"]
    assert [r[1] for r in got[1:9]] == [
        "张三",
        "'=1+1",
        "'+86 138",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "a,b",
        'say "hi"\nbye',
    ]
    assert got[1][3:] == ["500.00", "'=HYPERLINK(1)", "", "7"]
    assert got[-2] == ["99", "", "拒收: =bad"] and got[-1] == ["", "'-1", "0.50"]
    headless = tmp_path / "part.csv"
    write_csv_columns(headless, None, [rows, names, numbers], tails, more=more)
    assert headless.read_bytes() == q.read_bytes()[len("\ufeff行,'=姓名,学籍号,金额\n".encode()) :]


def test_write_csv_columns_needs_rendered_tails() -> None:
    import io

    from edupoverty.records.writers import write_csv_columns

    with pytest.raises(TypeError, match="Cells"):
        write_csv_columns(io.StringIO(), ["a", "b"], [[1], ["x"]], [("500",)])  # type: ignore[list-item]


def test_write_csv_columns_over_many_chunks_matches_write_csv() -> None:
    import io

    from edupoverty.records.writers import Cells, write_csv_columns

    n = 5000  # more than two chunks of rows; a dangerous cell in the second only
    rows = list(range(2, n + 2))
    names = [f"名{i}" for i in range(n)]
    names[3000] = "=cmd"
    tails = [Cells([Decimal(i % 7), "x"]) for i in range(3)]
    shared = [tails[i % 3] for i in range(n)]
    a, b = io.StringIO(), io.StringIO()
    write_csv_columns(a, ["行", "姓名", "金额", "备注"], [rows, names], shared)
    write_csv(
        b,
        ["行", "姓名", "金额", "备注"],
        [[r, nm, t] for r, nm, t in zip(rows, names, shared, strict=True)],
    )
    assert a.getvalue() == b.getvalue()
    assert "\n3002,'=cmd,0,x\n" in a.getvalue()


@pytest.mark.parametrize("writer", ["write_csv", "write_csv_columns"])
def test_a_cell_holding_a_lone_carriage_return_stays_one_cell(tmp_path: Path, writer: str) -> None:
    from edupoverty.records import writers

    p = tmp_path / "out.csv"
    if writer == "write_csv":
        writers.write_csv(p, ["行", "学籍号"], [[2, "G1\r=1+1"]])
    else:
        writers.write_csv_columns(p, ["行", "学籍号"], [[2], ["G1\r=1+1"]])
    with open(p, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["行", "学籍号"], ["2", "G1\r=1+1"]]


def broken_rows() -> Iterator[list[object]]:
    yield ["张三", Decimal("500.00")]
    raise OSError("No space left on device")


@pytest.mark.parametrize("writer", ["write_csv", "write_csv_columns", "write_xlsx"])
def test_the_row_writers_replace_a_file_whole_or_leave_it_as_it_was(
    tmp_path: Path, writer: str
) -> None:
    from edupoverty.records import writers

    out = tmp_path / "公示名单.out"
    out.write_bytes(b"the old list")
    with pytest.raises(OSError):
        if writer == "write_csv_columns":
            writers.write_csv_columns(out, ["姓名", "金额"], [["张三"], ["1"]], more=broken_rows())
        else:
            getattr(writers, writer)(out, ["姓名", "金额"], broken_rows())
    assert out.read_bytes() == b"the old list"
    assert [p.name for p in tmp_path.iterdir()] == ["公示名单.out"]
    if writer == "write_xlsx":
        assert writers.write_xlsx(out, ["姓名"], [["=1+1"]]) == 1
    else:
        assert getattr(writers, writer)(out, ["姓名"], [["=1+1"]]) == 1
        assert out.read_bytes() == "\ufeff姓名\n'=1+1\n".encode()
