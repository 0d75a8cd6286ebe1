"""The permanent ledger on disk (R-REC-2): append-only SQLite, tampering found when opened,
a killed writer and two writers at once with real processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from edupoverty.errors import InputError, LedgerIntegrityError
from edupoverty.records.enums import FundingLevel, Semester
from edupoverty.records.ledger import (
    Ledger,
    TamperKind,
    canonical_json,
    entry_hash,
    expenditure,
    income,
    reverse,
)
from edupoverty.records.model import Period

SRC = str(Path(__file__).resolve().parents[2] / "src")
BOARDING = "compulsory.boarding_allowance"


def _fill(path: Path, n: int = 8) -> None:
    with Ledger.create(path) as book:
        book.append([income(date(2019, 9, 2), BOARDING, "50000", FundingLevel.CENTRAL, "文件")])
        book.append(
            expenditure(
                date(2019, 11, 1),
                BOARDING,
                "500",
                batch="A",
                student_id=f"S{i}",
                period=Period(2019, Semester.AUTUMN),
                disclosure_id="GS-1",
            )
            for i in range(n - 1)
        )


def _raw(path: Path) -> sqlite3.Connection:
    """What someone with the sqlite3 shell could do: drop the triggers and change rows."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute("DROP TRIGGER entries_no_delete")
    return conn


def _problems(path: Path) -> list[tuple[TamperKind, int]]:
    with pytest.raises(LedgerIntegrityError):
        Ledger.open(path)
    with Ledger.open(path, check=False) as book:
        return [(p.kind, p.seq) for p in book.verify().problems]


def test_a_new_ledger_is_empty_and_verifies(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    Ledger.create(path).close()
    with Ledger.open(path) as book:
        assert len(book) == 0 and book.verify().ok and book.head()[0] == 0


def test_appended_entries_come_back_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    with Ledger.create(path) as book:
        added = book.append(
            [
                income(
                    date(2019, 9, 2), BOARDING, "1000", FundingLevel.PROVINCIAL, "皖财教〔2019〕1号"
                ),
                expenditure(
                    date(2019, 11, 1),
                    BOARDING,
                    "500",
                    batch="A",
                    student_id="S1",
                    period=Period(2019, Semester.AUTUMN),
                    disclosure_id="GS-1",
                    note="=1+1",
                ),
            ]
        )
    with Ledger.open(path) as book:
        assert tuple(book.entries()) == added
        assert book.head() == (2, added[-1].hash)


def test_the_file_refuses_update_and_delete(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    _fill(path, 3)
    conn = sqlite3.connect(str(path))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE entries SET body = body WHERE seq = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM entries WHERE seq = 3")
    conn.close()
    with Ledger.open(path) as book:
        assert len(book) == 3


def test_opening_finds_an_edited_amount(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    _fill(path)
    conn = _raw(path)
    conn.execute(
        "UPDATE entries SET body = replace(CAST(body AS TEXT), '\"500.00\"', '\"5000.00\"')"
        " WHERE seq = 4"
    )
    conn.close()
    assert _problems(path) == [(TamperKind.EDITED, 4)]


def test_opening_finds_an_edited_and_rehashed_entry(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    _fill(path)
    with Ledger.open(path) as book:
        e = list(book.entries())[2]
    body = canonical_json(e).replace(b'"500.00"', b'"5000.00"')
    conn = _raw(path)
    conn.execute(
        "UPDATE entries SET body = ?, hash = ? WHERE seq = 3", (body, entry_hash(e.prev_hash, body))
    )
    conn.close()
    assert _problems(path) == [(TamperKind.EDITED, 3)]


def test_opening_finds_a_deleted_entry(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    _fill(path)
    conn = _raw(path)
    conn.execute("DELETE FROM entries WHERE seq = 5")
    conn.close()
    assert _problems(path) == [(TamperKind.REMOVED, 6)]


def test_opening_finds_reordered_entries(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    _fill(path)
    conn = _raw(path)
    rows = {s: r for s, *r in conn.execute("SELECT seq, prev_hash, hash, body FROM entries")}
    for a, b in ((3, 6), (6, 3)):
        conn.execute(
            "UPDATE entries SET prev_hash = ?, hash = ?, body = ? WHERE seq = ?", (*rows[b], a)
        )
    conn.close()
    found = _problems(path)
    assert {k for k, _ in found} == {TamperKind.REORDERED}
    assert {3, 6} <= {s for _, s in found}


def test_opening_finds_an_inserted_entry(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    _fill(path)
    with Ledger.open(path) as book:
        third = list(book.entries())[2]
    forged = expenditure(date(2019, 11, 2), BOARDING, "9999", batch="X", student_id="GHOST")
    import attrs

    forged = attrs.evolve(forged, seq=4)
    body = canonical_json(forged)
    conn = _raw(path)
    conn.execute("UPDATE entries SET seq = seq + 1000 WHERE seq > 3")
    conn.execute("UPDATE entries SET seq = seq - 999 WHERE seq > 1000")
    conn.execute(
        "INSERT INTO entries (seq, prev_hash, hash, corrects, body) VALUES (4, ?, ?, NULL, ?)",
        (third.hash, entry_hash(third.hash, body), body),
    )
    conn.close()
    assert _problems(path) == [(TamperKind.INSERTED, 4)]


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("姓名,身份证号\n张三,11010520120307002X\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        Ledger.open(path)
    assert exc.value.code == "ledger.format"
    with pytest.raises(InputError) as exc:
        Ledger.open(tmp_path / "none.sqlite")
    assert exc.value.code == "ledger.missing"


def test_another_programs_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(str(other))
    conn.execute("CREATE TABLE students (name TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(InputError) as exc:
        Ledger.open(other)
    assert exc.value.code == "ledger.format"
    assert other.read_bytes() == before and not (tmp_path / "other.sqlite-wal").exists()
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with pytest.raises(InputError):
        Ledger.open(empty)
    assert empty.stat().st_size == 0


def test_a_rejected_append_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    _fill(path, 2)
    with Ledger.open(path) as book:
        good = expenditure(date(2019, 12, 1), BOARDING, "500", batch="B")
        bad = expenditure(date(2019, 12, 1), BOARDING, "0", batch="B")
        with pytest.raises(InputError, match="第2条"):
            book.append([good, bad])
        assert len(book) == 2


def test_corrections_in_the_file_reverse_once(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    _fill(path, 3)
    with Ledger.open(path) as book:
        wrong = list(book.entries())[1]
        book.append([reverse(wrong, date(2019, 11, 3), "错报")])
        with pytest.raises(InputError, match="corrects"):
            book.append([reverse(wrong, date(2019, 11, 4))])
        assert len(book) == 4 and book.verify().ok


# --- real processes ----------------------------------------------------------------------

_WRITER = """
import sys
from datetime import date
from edupoverty.records.ledger import Ledger, expenditure
path, tag, count, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
book = Ledger.open(path, check=False)
i = 0
while count < 0 or i < count:
    book.append(expenditure(date(2019, 11, 1), "compulsory.boarding_allowance", "500",
                            batch=tag, note=f"{tag}-{i}-{k}") for k in range(batch))
    i += 1
book.close()
"""


def _writer(path: Path, tag: str, count: int, batch: int = 1) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), tag, str(count), str(batch)], env=env
    )


def test_two_processes_appending_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    Ledger.create(path).close()
    procs = [_writer(path, tag, 60) for tag in ("school-A", "school-B")]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    with Ledger.open(path) as book:
        entries = list(book.entries())
        assert book.verify().ok
    assert len(entries) == 120
    notes = {e.note for e in entries}
    assert notes == {f"school-{t}-{i}-0" for t in "AB" for i in range(60)}


def test_a_writer_killed_mid_append_leaves_a_valid_ledger(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    Ledger.create(path).close()
    for _round in range(3):
        proc = _writer(path, "killed", -1, batch=50)
        deadline = time.monotonic() + 120
        start = _count(path)
        while _count(path) < start + 100 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
    with Ledger.open(path) as book:  # verifies the whole chain
        n = len(book)
        assert n >= 300
        assert n % 50 == 0, "an append is all or nothing"
        more = book.append([expenditure(date(2019, 12, 1), BOARDING, "1", batch="after")])
        assert more[0].seq == n + 1 and book.verify().ok


def _count(path: Path) -> int:
    conn = sqlite3.connect(str(path), timeout=60)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
    finally:
        conn.close()


def test_money_in_the_file_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    with Ledger.create(path) as book:
        book.append(
            [
                income(date(2019, 9, 2), BOARDING, "0.10", FundingLevel.CITY, "d"),
                income(date(2019, 9, 2), BOARDING, "0.20", FundingLevel.CITY, "d"),
            ]
        )
        assert sum(e.amount for e in book.entries()) == Decimal("0.30")


def test_a_damaged_file_is_a_typed_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    _fill(path, 3)
    conn = _raw(path)
    conn.execute("UPDATE entries SET body = X'00FF' WHERE seq = 2")
    conn.close()
    assert _problems(path) == [(TamperKind.EDITED, 2)]
    with Ledger.open(path, check=False) as book, pytest.raises(LedgerIntegrityError):
        list(book.entries())
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("DROP TABLE entries")
    conn.close()
    with Ledger.open(path, check=False) as book, pytest.raises(InputError) as exc:
        book.verify()
    assert exc.value.code == "ledger.database"


_ONE_BIG_APPEND = """
import sys
from datetime import date
from edupoverty.records.ledger import Ledger, expenditure

with Ledger.open(sys.argv[1]) as book:
    book.append(expenditure(date(2019, 12, 1), "compulsory.boarding_allowance", "500",
                            batch="half", note=str(k)) for k in range(500))
"""


def _settled(journal: Path, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    """The size of the writer's rollback journal once it has stopped growing: the writer
    has written its rows and waits to commit."""
    deadline = time.monotonic() + timeout
    last, steady = -1, 0
    while time.monotonic() < deadline and proc.poll() is None:
        size = journal.stat().st_size if journal.exists() else -1
        steady = steady + 1 if size == last and size > 0 else 0
        if steady >= 10:  # unchanged for half a second
            return size
        last = size
        time.sleep(0.05)
    raise AssertionError("the writer never reached its commit")


def test_a_writer_killed_between_insert_and_commit_leaves_the_ledger_as_it_was(
    tmp_path: Path,
) -> None:
    # A reader holding the file (an open read transaction) makes the writer wait at its
    # commit with its rows written: it is killed there, as a power cut would stop it.
    path = tmp_path / "l.sqlite"
    _fill(path, 5)
    with Ledger.open(path) as book:
        before = book.head()
    reader = sqlite3.connect(str(path), isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM entries").fetchone()
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.Popen([sys.executable, "-c", _ONE_BIG_APPEND, str(path)], env=env)
    try:
        assert _settled(Path(f"{path}-journal"), proc) > 0  # rows written, not committed
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        reader.execute("COMMIT")
        reader.close()
    with Ledger.open(path) as book:  # verifies
        assert book.head() == before and len(book) == 5
        added = book.append([expenditure(date(2019, 12, 2), BOARDING, "1", batch="next")])
        assert added[0].seq == 6 and book.verify().ok
