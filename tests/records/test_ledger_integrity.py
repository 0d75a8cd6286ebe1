"""What someone with the ledger file cannot do unnoticed (R-REC-2): re-chain it after changing a
payment, cut off its last entries, hide hostile content or control characters in it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from edupoverty.errors import InputError, LedgerIntegrityError
from edupoverty.records.enums import FundingLevel
from edupoverty.records.ledger import (
    GENESIS,
    Ledger,
    TamperKind,
    balance,
    chain,
    check_entries,
    entry_hash,
    escape_text,
    expenditure,
    income,
    read_head_log,
)
from edupoverty.records.ledger.keys import read_key

BOARDING = "compulsory.boarding_allowance"
KEY = b"a-key-kept-in-the-finance-office-safe"


def _fill(path: Path, log: Path | None = None, key: bytes | None = None) -> None:
    with Ledger.create(path, key=key, head_log=log) as book:
        book.append([income(date(2019, 9, 2), BOARDING, "50000", FundingLevel.CENTRAL, "文件")])
        for i in range(4):
            book.append([expenditure(date(2019, 11, 1), BOARDING, "500", batch="A", note=str(i))])


def _rechain(path: Path, edit: Callable[[list[bytes]], list[bytes]]) -> None:
    """What anyone with the file and the sqlite3 shell can do: drop the triggers, change the
    bodies and compute a fresh SHA-256 chain over them."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("DROP TRIGGER entries_no_delete")
    bodies = edit([bytes(b) for (b,) in conn.execute("SELECT body FROM entries ORDER BY seq")])
    conn.execute("DELETE FROM entries")
    prev = GENESIS
    for n, body in enumerate(bodies, start=1):
        h = entry_hash(prev, body)
        conn.execute("INSERT INTO entries VALUES (?, ?, ?, NULL, ?)", (n, prev, h, body))
        prev = h
    conn.close()


def _five_thousand(bodies: list[bytes]) -> list[bytes]:
    bodies[2] = bodies[2].replace(b'"amount":"500.00"', b'"amount":"5000.00"')
    return bodies


def test_a_rechained_plain_ledger_verifies_alone_but_not_against_its_head_log(
    tmp_path: Path,
) -> None:
    path, log = tmp_path / "l.sqlite", tmp_path / "heads.log"
    _fill(path, log)
    _rechain(path, _five_thousand)
    with Ledger.open(path) as book:  # the file alone cannot tell
        assert book.verify().ok
    with pytest.raises(LedgerIntegrityError) as exc:
        Ledger.open(path, head_log=log)
    assert "第3条记录与留存的校验值不符" in exc.value.message_zh
    assert "5000" not in str(exc.value)


def test_a_rechained_keyed_ledger_fails_with_its_key(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    _fill(path, key=KEY)
    with Ledger.open(path, key=KEY) as book:
        assert book.keyed and book.verify().ok and book.verify().key_checked
    _rechain(path, _five_thousand)
    with pytest.raises(LedgerIntegrityError):
        Ledger.open(path, key=KEY)
    with Ledger.open(path) as book:  # without the key only the links can be checked …
        report = book.verify()
        assert report.ok and report.keyed and not report.key_checked  # … and it says so


def test_a_keyed_ledger_refuses_a_wrong_key_a_missing_key_for_appends_and_a_stripped_mark(
    tmp_path: Path,
) -> None:
    path = tmp_path / "l.sqlite"
    _fill(path, key=KEY)
    with pytest.raises(InputError) as exc:
        Ledger.open(path, key=b"not-the-key-of-this-ledger")
    assert exc.value.code == "ledger.key" and "不符" in exc.value.message_zh
    with Ledger.open(path) as book, pytest.raises(InputError) as exc:
        book.append([expenditure(date(2019, 12, 1), BOARDING, "1", batch="C")])
    assert exc.value.code == "ledger.key"
    # Removing the mark and re-chaining with plain SHA-256 does not pass with the key.
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("DROP TRIGGER meta_no_delete")
    conn.execute("DELETE FROM meta WHERE key IN ('keyed', 'key_check')")
    conn.close()
    _rechain(path, _five_thousand)
    with pytest.raises(InputError) as exc:
        Ledger.open(path, key=KEY)
    assert exc.value.code == "ledger.key"


def test_the_head_log_finds_entries_missing_at_the_end(tmp_path: Path) -> None:
    path, log = tmp_path / "l.sqlite", tmp_path / "heads.log"
    _fill(path, log)
    assert [h.seq for h in read_head_log(log)] == [0, 1, 2, 3, 4, 5]
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("DROP TRIGGER entries_no_delete")
    conn.execute("DELETE FROM entries WHERE seq >= 4")
    conn.close()
    with Ledger.open(path) as book:
        assert book.verify().ok  # a chain cannot see its own cut-off tail
    with Ledger.open(path, check=False, head_log=log) as book:
        report = book.verify()
    assert [(p.kind, p.seq) for p in report.problems] == [(TamperKind.REMOVED, 5)]
    assert report.problems[0].message_en == (
        "entries 4-5 recorded in the head log are missing (the tail was removed)"
    )


def test_every_recorded_head_is_checked_not_just_the_last(tmp_path: Path) -> None:
    path, log = tmp_path / "l.sqlite", tmp_path / "heads.log"
    _fill(path, log)
    _rechain(path, _five_thousand)
    with Ledger.open(path, check=False, head_log=log) as book:
        report = book.verify()
    assert report.heads_checked == 6
    assert [p.seq for p in report.problems] == [3, 4, 5]


@pytest.mark.parametrize(
    "hostile",
    [
        b'"amount":"1E+30"',
        b'"amount":"100000000000000000000000000000.00"',
        b'"amount":1e30',
        b'"amount":"NaN"',
        b'"amount":' + b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_hostile_content_in_a_body_that_verifies_is_a_clean_typed_error(
    tmp_path: Path, hostile: bytes
) -> None:
    path = tmp_path / "l.sqlite"
    _fill(path)

    def plant(bodies: list[bytes]) -> list[bytes]:
        bodies[1] = bodies[1].replace(b'"amount":"500.00"', hostile)
        return bodies

    _rechain(path, plant)
    with Ledger.open(path) as book:
        assert book.verify().ok  # the chain holds: the content is hostile, not damaged
        with pytest.raises(LedgerIntegrityError) as exc:
            balance(book.entries())
    assert "第2条记录" in exc.value.message_zh


def test_a_body_with_extra_or_reordered_fields_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    _fill(path)
    _rechain(path, lambda b: [b[0], b[1].replace(b'"note":"0"', b'"note":"0","x":{"y":1}'), *b[2:]])
    with Ledger.open(path) as book, pytest.raises(LedgerIntegrityError):
        list(book.entries())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("note", "第一行\n2,forged,row"),
        ("note", "\x1b[2J"),
        ("programme", "boarding\r"),
        ("source_document", "\u202eexe.txt"),
        ("note", "C1 \x85 next line"),
        ("disclosure_id", "GS\u2028-1"),
    ],
)
def test_control_characters_are_refused_naming_the_field_not_the_value(
    field: str, value: str
) -> None:
    kwargs = {"note": None, "disclosure_id": None}
    if field in kwargs:
        kwargs[field] = value
    if field == "source_document":
        e = income(date(2019, 9, 2), BOARDING, "1", FundingLevel.CENTRAL, value)
    else:
        programme = value if field == "programme" else BOARDING
        e = expenditure(date(2019, 11, 1), programme, "1", batch="B", **kwargs)
    with pytest.raises(InputError) as exc:
        check_entries([e])
    assert f"entry 1, {field}" in exc.value.message_en and value not in str(exc.value)


def test_control_characters_are_escaped_on_the_way_out() -> None:
    assert escape_text("A\n合计\x1b[31m\u202e") == "A\\n合计\\x1b[31m\\u202e"
    assert escape_text("皖财教〔2019〕1号 寄宿") == "皖财教〔2019〕1号 寄宿"


def test_chinese_programme_names_and_ids_are_one_programme_in_the_balance() -> None:
    es = chain(
        [
            income(date(2019, 9, 2), BOARDING, "1000", FundingLevel.CENTRAL, "文件"),
            expenditure(date(2019, 11, 1), "寄宿生生活补助", "500", batch="B"),
            expenditure(date(2019, 11, 1), "营养餐", "80", batch="B"),
            expenditure(date(2019, 11, 1), "免学杂费", "30", batch="B"),
        ]
    )
    lines = balance(es, {"免学杂费": "compulsory.fee_waiver"}).by_programme()
    assert [(x.programme, x.balance) for x in lines] == [
        (BOARDING, 500),
        ("compulsory.fee_waiver", -30),
        ("compulsory.nutrition", -80),
    ]


def test_a_key_path_that_is_a_fifo_or_a_directory_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "ledger.key"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path, tmp_path / "missing.key"):
        with pytest.raises(InputError) as exc:
            read_key(path)  # a FIFO is never opened for a blocking read
        assert exc.value.code == "ledger.key" and path.name in exc.value.message_en


def test_a_head_log_that_is_a_fifo_or_missing_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "heads.log"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path / "missing.log"):
        with pytest.raises(InputError) as exc:
            read_head_log(path)  # a FIFO is never opened for a blocking read
        assert exc.value.code == "ledger.head_log" and path.name in exc.value.message_en
