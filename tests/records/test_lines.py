"""``records._lines.LineCsv``: a CSV file read in blocks of whole lines gives the rows the csv
module reads, row for row, whatever the file holds (quotes, CRs, blank lines, long cells)."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from edupoverty.records import _lines
from edupoverty.records._lines import Block, LineCsv, Unsafe


def csv_rows(path: Path, encoding: str, delimiter: str) -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding)


def line_rows(path: Path, encoding: str, delimiter: str, *, head: int = 0) -> list[list[str]]:
    """The rows of LineCsv: ``head`` rows by iteration, then the rest by :meth:`pieces`."""
    lc = LineCsv(path, encoding, delimiter)
    try:
        it = iter(lc)
        rows = [row for _, row in zip(range(head), it, strict=False)]
        for piece in lc.pieces():
            rows.extend(piece.rows(delimiter) if isinstance(piece, Block) else piece)
        return rows
    finally:
        lc.close()


def iterated(path: Path, encoding: str, delimiter: str) -> list[list[str]]:
    lc = LineCsv(path, encoding, delimiter)
    try:
        return list(lc)
    finally:
        lc.close()


def kinds(path: Path, encoding: str, delimiter: str) -> list[str]:
    """The kinds of pieces LineCsv hands on: "block" or "csv" (the csv module's rows)."""
    lc = LineCsv(path, encoding, delimiter)
    try:
        return ["block" if isinstance(p, Block) else "csv" for p in lc.pieces()]
    finally:
        lc.close()


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Blocks of 16 bytes: every line boundary, and lines longer than a block, get met."""
    monkeypatch.setattr(_lines, "_BLOCK", 16)
    yield


# --- Block ----------------------------------------------------------------------------------


def test_a_block_gives_split_lines_empty_rows_and_the_parsed_quoted_lines() -> None:
    block = Block(["a,b", "", 'x,"y,z"', "c"], {2: ["x", "y,z"]})
    assert list(block.rows(",")) == [["a", "b"], [], ["x", "y,z"], ["c"]]
    tail = block.tail(2)
    assert tail.lines == ['x,"y,z"', "c"] and tail.quoted == {0: ["x", "y,z"]}
    assert list(tail.rows(",")) == [["x", "y,z"], ["c"]]
    assert block.tail(0) is block


def test_lines_without_a_quote_are_split_and_quoted_ones_parsed(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text('a,b\n"x,y",z\n\n ,\nab"c,d\n', encoding="utf-8")
    lc = LineCsv(p, "utf-8", ",")
    try:
        (piece,) = list(lc.pieces())
    finally:
        lc.close()
    assert isinstance(piece, Block)
    assert piece.lines == ["a,b", '"x,y",z', "", " ,", 'ab"c,d']
    assert piece.quoted == {1: ["x,y", "z"], 4: ['ab"c', "d"]}
    assert list(piece.rows(",")) == csv_rows(p, "utf-8", ",")


def test_an_encoding_a_newline_byte_may_hide_in_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_bytes("a,b\n".encode("utf-16"))
    with pytest.raises(ValueError, match="not a line-safe encoding"):
        LineCsv(p, "utf-16", ",")


# --- the fast path ends where the line view cannot represent the file ---------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("plain", "a,b\nc,d\n", ["block"]),
        ("crlf", "a,b\r\nc,d\r\n", ["block"]),
        ("lone cr", "a,b\rc,d\n", ["csv"]),
        ("quoted newline", 'a,"b\nc",d\ne,f\n', ["csv"]),
        ("quoted crlf", 'a,"b\r\nc",d\r\ne,f\r\n', ["csv"]),
        ("unterminated quote", 'a,"b\n', ["csv"]),
        ("quote inside cell", 'a,b"c\n', ["block"]),
    ],
)
def test_a_block_the_line_view_cannot_take_hands_the_rest_to_the_csv_module(
    tmp_path: Path, name: str, text: str, expected: list[str]
) -> None:
    p = tmp_path / "r.csv"
    p.write_text(text, encoding="utf-8", newline="")
    assert kinds(p, "utf-8", ",") == expected
    assert line_rows(p, "utf-8", ",") == csv_rows(p, "utf-8", ",")


def test_the_fast_path_ends_at_the_block_that_needs_the_csv_module(
    tmp_path: Path, small_blocks: None
) -> None:
    p = tmp_path / "r.csv"
    p.write_text('a,b\nc,d\ne,f\ng,"h\ni",j\nk,l\n', encoding="utf-8", newline="")
    got = kinds(p, "utf-8", ",")
    assert got[0] == "block" and got[-1] == "csv" and got.count("csv") == 1
    assert line_rows(p, "utf-8", ",") == csv_rows(p, "utf-8", ",")


def test_a_line_longer_than_the_field_limit_goes_to_the_csv_module_and_its_error(
    tmp_path: Path,
) -> None:
    limit = csv.field_size_limit()
    p = tmp_path / "r.csv"
    p.write_text("a,b\n" + "x" * (limit + 1) + ",c\nd,e\n", encoding="utf-8")
    lc = LineCsv(p, "utf-8", ",")
    try:
        pieces = lc.pieces()
        first = next(pieces)
        assert isinstance(first, Block) and list(first.rows(",")) == [["a", "b"]]
        rest = next(pieces)
        assert not isinstance(rest, Block)
        with pytest.raises(csv.Error):  # as the csv module raises on the whole file
            next(iter(rest))
    finally:
        lc.close()
    with open(p, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        assert next(reader) == ["a", "b"]
        with pytest.raises(csv.Error):
            next(reader)


def test_a_line_longer_than_a_block_is_read_whole(tmp_path: Path, small_blocks: None) -> None:
    p = tmp_path / "r.csv"
    long = ",".join(f"cell{i}" for i in range(40))
    p.write_text(f"a,b\n{long}\nc\n{long}", encoding="utf-8")
    assert set(kinds(p, "utf-8", ",")) == {"block"}
    assert line_rows(p, "utf-8", ",") == csv_rows(p, "utf-8", ",")


def test_a_bom_is_read_at_the_start_only_and_gb18030_lines_split_at_newlines(
    tmp_path: Path, small_blocks: None
) -> None:
    p = tmp_path / "r.csv"
    p.write_bytes(b"\xef\xbb\xbf" + "姓名,学段\n张三,小学\n\ufeff李四,初中\n".encode())
    expected = [["姓名", "学段"], ["张三", "小学"], ["\ufeff李四", "初中"]]
    assert iterated(p, "utf-8-sig", ",") == expected == csv_rows(p, "utf-8-sig", ",")
    g = tmp_path / "g.csv"
    g.write_bytes("姓名,学段\n张三,小学\n𠀀王五,中职\n".encode("gb18030"))
    assert iterated(g, "gb18030", ",") == csv_rows(g, "gb18030", ",")


def test_a_file_of_only_a_byte_order_mark_has_no_rows(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_bytes(b"\xef\xbb\xbf")
    assert csv_rows(p, "utf-8-sig", ",") == []
    assert iterated(p, "utf-8-sig", ",") == []


def test_undecodable_bytes_raise_as_the_text_stream_would(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_bytes(b"a,b\n" + "张三,小学\n".encode("gbk"))
    with pytest.raises(UnicodeDecodeError):
        iterated(p, "utf-8", ",")
    lc = LineCsv(p, "utf-8", ",", strict=True)
    try:
        with pytest.raises(Unsafe):
            list(lc.pieces())
    finally:
        lc.close()


# --- strict mode: a slice of the file -------------------------------------------------------


def slice_rows(path: Path, encoding: str, delimiter: str, start: int, end: int) -> list[list[str]]:
    lc = LineCsv(path, encoding, delimiter, start=start, end=end, strict=True)
    try:
        rows: list[list[str]] = []
        for piece in lc.pieces():
            assert isinstance(piece, Block)  # strict: never the csv module
            rows.extend(piece.rows(delimiter))
        return rows
    finally:
        lc.close()


def test_slices_of_a_file_read_apart_give_the_whole_files_rows(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    text = "h1,h2\n" + "".join(f'{i},"v,{i}"\n' if i % 3 else f"{i},x\n" for i in range(50))
    p.write_bytes(b"\xef\xbb\xbf" + text.encode())
    raw = p.read_bytes()
    cuts = [0, raw.index(b"\n", 100) + 1, raw.index(b"\n", 300) + 1, len(raw)]
    got = [
        row for a, b in itertools.pairwise(cuts) for row in slice_rows(p, "utf-8-sig", ",", a, b)
    ]
    assert got == csv_rows(p, "utf-8-sig", ",")


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ('a,b\nc,"d\ne",f\n', "a quoted cell spanning lines"),
        ("a,b\nc\rd\n", "a lone CR"),
        ("a,b\n" + "x" * (csv.field_size_limit() + 1) + "\n", "a line over the field limit"),
    ],
)
def test_a_slice_the_line_view_cannot_read_exactly_raises_unsafe(
    tmp_path: Path, text: str, what: str
) -> None:
    p = tmp_path / "r.csv"
    p.write_text(text, encoding="utf-8", newline="")
    with pytest.raises(Unsafe):
        slice_rows(p, "utf-8", ",", 0, p.stat().st_size)


# --- property: any text, any block size -------------------------------------------------------

TEXTS = st.text(alphabet='ab,"\n\r \t;张', max_size=120)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])
DELIMITERS = st.sampled_from([",", "\t", ";"])


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=TEXTS,
    encoding=ENCODINGS,
    delimiter=DELIMITERS,
    block=st.integers(1, 40),
    head=st.integers(0, 4),
)
def test_linecsv_rows_are_the_csv_modules_rows(
    tmp_path_factory: pytest.TempPathFactory,
    text: str,
    encoding: str,
    delimiter: str,
    block: int,
    head: int,
) -> None:
    assume(not (text == "" and encoding == "utf-8-sig"))  # a lone BOM: tested above
    p = tmp_path_factory.mktemp("lines") / "r.csv"
    p.write_bytes(text.encode(encoding))
    expected = csv_rows(p, encoding, delimiter)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_lines, "_BLOCK", block)
        assert iterated(p, encoding, delimiter) == expected
        assert line_rows(p, encoding, delimiter, head=head) == expected
    assert line_rows(p, encoding, delimiter, head=head) == expected  # one block


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS, encoding=ENCODINGS, block=st.integers(1, 40), data=st.data())
def test_slices_read_apart_agree_with_the_whole_file_or_refuse(
    tmp_path_factory: pytest.TempPathFactory,
    text: str,
    encoding: str,
    block: int,
    data: st.DataObject,
) -> None:
    raw = text.encode(encoding)
    starts = sorted({0} | {i + 1 for i, b in enumerate(raw) if b == 0x0A and i + 1 < len(raw)})
    cuts = data.draw(st.lists(st.sampled_from(starts), max_size=4))
    bounds = sorted({0, *cuts, len(raw)})
    p = tmp_path_factory.mktemp("slices") / "r.csv"
    p.write_bytes(raw)
    got: list[list[str]] = []
    unsafe = False
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_lines, "_BLOCK", block)
        for a, b in itertools.pairwise(bounds):
            try:
                got += slice_rows(p, encoding, ",", a, b)
            except Unsafe:
                unsafe = True
    if "\r" in text.replace("\r\n", ""):
        assert unsafe  # the csv module ends a line at a lone CR: never read apart
    if not unsafe:
        assert got == csv_rows(p, encoding, ",")
