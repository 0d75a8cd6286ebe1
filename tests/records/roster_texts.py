"""Rosters built to hit every case of the line fast path of ``read_roster`` (and helpers to
read a file both ways: blocks of lines, and the csv module alone).

The texts are made by hand (not by the csv module), so that they can hold what the csv
module itself never writes: a literal quote inside an unquoted cell, a lone carriage return,
short and over-long lines, a title row above the header.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from edupoverty.records import roster as roster_module
from edupoverty.records.synthetic import DEFECTS, HEADER, generate_rows

TODAY = date(2024, 6, 1)
"""A fixed day after which a birth date is in the future: readings do not depend on the clock."""

EVERY_DEFECT = dict.fromkeys(DEFECTS, 0.01)
H = list(HEADER)
COL = {name: i for i, name in enumerate(H)}


def rows_of(n: int, seed: int = 1, rate: float = 0.01) -> list[list[str]]:
    """``n`` synthetic rows (cells in :data:`HEADER` order), with every defect at ``rate``."""
    defects = dict.fromkeys(DEFECTS, rate)
    return [list(r.values()) for r in generate_rows(n, seed, defects)]


def quote(cell: str, delimiter: str) -> str:
    """A cell as a spreadsheet program writes it: quoted only when it must be."""
    if any(c in cell for c in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def text_of(
    header: list[str],
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    eol: str = "\n",
    final: bool = True,
) -> str:
    """The CSV text of ``header`` and ``rows``."""
    lines = [delimiter.join(quote(c, delimiter) for c in r) for r in [header, *rows]]
    return eol.join(lines) + (eol if final else "")


def reorder(order: list[int], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """The header and rows with their columns in ``order``."""
    return [H[i] for i in order], [[r[i] for i in order] for r in rows]


def crafted(n: int = 1200) -> Iterator[tuple[str, str]]:
    """(name, text) of rosters of ``n`` rows, each built to hit one case of the fast path.

    What ends the fast path stands at 4/5 of the file: the blocks before it are read fast.
    """
    base = rows_of(n)
    late = n * 4 // 5
    plain = text_of(H, base)
    yield "plain", plain
    yield "crlf", text_of(H, base, eol="\r\n")
    yield "tab", text_of(H, base, delimiter="\t")
    yield "semicolon", text_of(H, base, delimiter=";")
    yield "no final newline", text_of(H, base, final=False)
    yield "crlf, no final newline", text_of(H, base, eol="\r\n", final=False)

    lines = plain.split("\n")
    lines.insert(5, "")
    lines.insert(10, "   ")
    lines.insert(20, "," * (len(H) - 1))
    lines.insert(30, "abc")
    lines.insert(40, lines[41].rsplit(",", 3)[0])  # three cells short
    lines.insert(50, lines[51] + ",extra")  # a cell beyond the header
    lines.insert(60, lines[61] + ",")  # an empty cell beyond the header
    lines.insert(70, lines[71] + ",,  ")
    lines.insert(80, "\t")
    yield "blank, whitespace-only, short and long lines", "\n".join(lines)

    yield "title row", "2019学年在学状态表\n" + plain
    yield "blank lines and a title above the header", "\n\n2019学年在学状态表,,\n\n" + plain

    rows = [r[:] for r in base]
    for i in range(0, n, 7):
        rows[i][COL["school_name"]] += ",分校"
    for i in range(3, n, 11):
        rows[i][COL["name"]] = '"' + rows[i][COL["name"]] + '"'
    for i in range(5, n, 13):
        rows[i][COL["bank_account"]] = 'x"y'
    for i in range(6, n, 17):
        rows[i][COL["id_number"]] = rows[i][COL["id_number"]] + ","
    yield "quoted cells with commas and doubled quotes", text_of(H, rows)

    lines = plain.split("\n")
    literal = {COL["school_name"]: 'ab"c', COL["name"]: 'ab"c', COL["stage"]: '小学"'}
    for k, (column, value) in enumerate(literal.items()):
        for i in range(k, n, 9 + 4 * k):  # the cell written as it is, unquoted
            cells = [quote(c, ",") for c in base[i]]
            cells[column] = value
            lines[i + 1] = ",".join(cells)
    yield "a literal quote inside an unquoted cell", "\n".join(lines)

    lines = plain.split("\n")
    for i in range(3, n, 29):  # every cell quoted, as some exporters write
        lines[i + 1] = ",".join('"' + c.replace('"', '""') + '"' for c in base[i])
    yield "lines with every cell quoted", "\n".join(lines)

    rows = [r[:] for r in base]
    rows[late][COL["school_name"]] = "第一\n第二"
    rows[late + 100][COL["name"]] = "张\r\n三"
    yield "a quoted cell spanning lines", text_of(H, rows)
    yield "a quoted cell spanning lines, CRLF", text_of(H, rows, eol="\r\n")

    at = plain.index("\n", len(plain) * 4 // 5)
    yield "a lone CR as a line end", plain[:at] + "\r" + plain[at + 1 :]
    lines = plain.split("\n")
    lines[late] = lines[late].replace(",", ",\r", 1)
    yield "a lone CR inside a line", "\n".join(lines)

    limit = csv.field_size_limit()
    rows = [r[:] for r in base]
    rows[late][COL["school_name"]] = "x" * (limit + 10)
    yield "a cell longer than the csv field limit", text_of(H, rows)
    rows = [r[:] for r in base]
    rows[late][COL["school_name"]] = "x," * (limit // 2 + 10)
    yield "a quoted cell longer than the csv field limit", text_of(H, rows)

    rng = random.Random(3)
    for k in range(4):
        order = list(range(len(H)))
        rng.shuffle(order)
        yield f"shuffled columns {k}", text_of(*reorder(order, base))
    order = list(range(len(H)))
    order.remove(COL["name"])
    order.insert(10, COL["name"])
    yield "the name column in the middle", text_of(*reorder(order, base))
    order = list(range(len(H)))
    order.remove(COL["bank_account"])
    order.insert(0, COL["bank_account"])
    yield "every personal column first", text_of(*reorder(order, base))
    order = list(range(len(H)))
    order.remove(COL["id_number"])
    order.append(COL["id_number"])
    yield "the ID number last", text_of(*reorder(order, base))

    personal = [COL[c] for c in ("name", "id_number", "student_number", "bank_account")]
    order = [i for i in range(len(H)) if i not in personal] + personal
    yield "every personal column last", text_of(*reorder(order, base))

    padded = [[*r, "", ""] if i % 3 else r for i, r in enumerate(base)]
    yield "empty header cells at the end, rows with and without them", text_of([*H, "", ""], padded)
    gap = [[*r[:5], "x" if i % 2 else "", *r[5:]] for i, r in enumerate(base)]
    yield "an empty header cell among the profile columns", text_of([*H[:5], "", *H[5:]], gap)
    twice = [["a", *r, "b"] for r in base]
    yield "one unknown header twice, first and last", text_of(["备注", *H, "备注"], twice)

    numbered = [[str(i), *r, "无" if i % 3 else ""] for i, r in enumerate(base)]
    yield "unknown columns 序号 first and 备注 last", text_of(["序号", *H, "备注"], numbered)
    middle = [[str(i), *r[:10], "x", *r[10:]] for i, r in enumerate(base)]
    yield (
        "an unknown column among the profile columns",
        text_of(["序号", *H[:10], "备注", *H[10:]], middle),
    )
    required = [COL[c] for c in roster_module.REQUIRED]
    yield "the required columns only", text_of(*reorder(required, base))
    yield "the required columns only, reversed", text_of(*reorder(required[::-1], base))
    chinese = [roster_module.COLUMNS[c][0] if roster_module.COLUMNS[c] else c for c in H]
    yield "Chinese headers", text_of(chinese, base)


ENCODED = ("utf-8", "utf-8-sig", "gb18030")


@contextmanager
def csv_module_only() -> Iterator[None]:
    """Read rosters with the csv module alone (no line fast path)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(roster_module, "_LINE_ENCODINGS", ())
        yield


@contextmanager
def counting_blocks() -> Iterator[list[int]]:
    """Count the blocks of lines the roster reader takes on its fast path."""
    calls = [0]
    block = roster_module._RosterReader.block

    def spy(self: Any, *args: Any, **kwargs: Any) -> None:
        if not kwargs.get("by_rows"):
            calls[0] += 1
        block(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(roster_module._RosterReader, "block", spy)
        yield calls


def both(read: Callable[[Path], Any], path: Path) -> tuple[Any, Any, int]:
    """``read(path)`` on the fast path, then with the csv module alone, and the number of
    blocks the fast path took."""
    with counting_blocks() as blocks:
        fast = read(path)
    with csv_module_only():
        slow = read(path)
    return fast, slow, blocks[0]


def assert_same_reading(fast: Any, slow: Any) -> None:
    """Two readings of one roster agree row for row."""
    assert (fast.rows, fast.blank_rows, fast.encoding) == (
        slow.rows,
        slow.blank_rows,
        slow.encoding,
    )
    assert fast.unknown_columns == slow.unknown_columns
    assert len(fast.students) == len(slow.students)
    for a, b in zip(fast.students, slow.students, strict=True):
        assert a == b
        assert a.row == b.row
    assert fast.rejected == slow.rejected
    assert fast.findings == slow.findings
