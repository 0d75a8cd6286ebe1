"""Fault injection on the ledger file (R-REC-2): writers killed with SIGKILL and SIGTERM at
random points, a flipped byte in a journal left behind, read-only files and directories, a full
disk. Every child process runs under a timeout; the whole file takes a few seconds."""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from edupoverty.errors import InputError, LedgerIntegrityError
from edupoverty.records.ledger import Ledger, balance, expenditure, read_head_log

SRC = str(Path(__file__).resolve().parents[2] / "src")
ENV = {**os.environ, "PYTHONPATH": SRC}
BOARDING = "compulsory.boarding_allowance"
KEY = b"k3y-for-the-fault-tests-0123456789"

# Appends batches of `batch` entries for ever and prints the last number of each batch once
# append() has returned: the appends the caller was told are done.
_WRITER = """
import sys
from datetime import date
from edupoverty.records.ledger import Ledger, expenditure
path, log, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
key = sys.argv[4].encode() if len(sys.argv) > 4 else None
book = Ledger.open(path, check=False, key=key, head_log=log)
i = 0
while True:
    added = book.append(expenditure(date(2019, 11, 1), "compulsory.boarding_allowance", "500",
                                    batch="B", note=f"{i}-{k}") for k in range(batch))
    print(added[-1].seq, flush=True)
    i += 1
"""


def _run_and_kill(
    path: Path, log: Path, sig: int, rng: random.Random, batch: int = 1, key: bytes | None = None
) -> int:
    """Start a writer, kill it with ``sig`` after a random number of acknowledged appends
    and a random pause; return the highest acknowledged entry number."""
    args = [sys.executable, "-c", _WRITER, str(path), str(log), str(batch)]
    if key is not None:
        args.append(key.decode())
    proc = subprocess.Popen(args, env=ENV, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    acked: list[int] = []
    try:
        deadline = time.monotonic() + 30
        want = rng.randint(1, 12)
        while len(acked) < want and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            acked.append(int(line))
        time.sleep(rng.uniform(0, 0.03))
        os.kill(proc.pid, sig)
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    acked.extend(int(x) for x in rest.split())
    assert proc.returncode == -sig
    return max(acked, default=0)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_writers_killed_at_random_points_lose_no_acknowledged_append(
    tmp_path: Path, sig: int
) -> None:
    path, log = tmp_path / "l.sqlite", tmp_path / "heads.log"
    Ledger.create(path, key=KEY, head_log=log).close()
    rng = random.Random(20191101 + sig)
    acknowledged = 0
    for _round in range(6):
        acknowledged = max(
            acknowledged, _run_and_kill(path, log, sig, rng, rng.choice((1, 40)), KEY)
        )
    assert acknowledged > 0
    with Ledger.open(path, key=KEY, head_log=log) as book:  # verifies, every head included
        report = book.verify()
        assert report.ok and report.heads_checked >= 6
        assert len(book) >= acknowledged  # 0 of the acknowledged appends lost
    # Nothing acknowledged lives in a side file (no write-ahead log whose damaged frame could
    # drop it): the main file alone holds it all.
    assert not Path(f"{path}-wal").exists()
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(path, alone / "l.sqlite")
    with Ledger.open(alone / "l.sqlite", key=KEY, head_log=log) as copy:
        assert len(copy) >= acknowledged


def _flip(path: Path, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    i = rng.randrange(len(data))
    data[i] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def _kill_inside_a_transaction(path: Path, log: Path, out: Path) -> int:
    """Start a writer of large appends and kill it (SIGKILL) the moment its rollback journal
    is seen on disk, half-way through an append; return the highest acknowledged number."""
    journal = Path(f"{path}-journal")
    with open(out, "w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), str(log), "2000"], env=ENV, stdout=sink
        )
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and proc.poll() is None:
                if out.stat().st_size and journal.exists() and journal.stat().st_size > 512:
                    break
                time.sleep(0.0005)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
    return max((int(x) for x in out.read_text().split()), default=0)


def test_a_flipped_byte_in_a_journal_left_by_a_killed_writer_never_hides_an_acknowledged_append(
    tmp_path: Path,
) -> None:
    rng = random.Random(7)
    flipped = loud = 0
    for n in range(8):
        if flipped >= 3:
            break
        path, log = tmp_path / f"l{n}.sqlite", tmp_path / f"heads{n}.log"
        Ledger.create(path, head_log=log).close()
        acknowledged = _kill_inside_a_transaction(path, log, tmp_path / f"out{n}.txt")
        journal = Path(f"{path}-journal")
        if not journal.exists() or journal.stat().st_size == 0:
            continue
        flipped += 1
        _flip(journal, rng)
        try:
            with Ledger.open(path, check=False, head_log=log) as book:
                report = book.verify()
        except (InputError, LedgerIntegrityError):
            loud += 1  # the damage is reported as such
            continue
        # Either the damage is found, or every acknowledged entry is there.
        assert not report.ok or report.count >= acknowledged
    assert flipped >= 1, "no writer was caught with a journal to damage"


def test_a_ledger_left_in_wal_mode_is_moved_to_the_rollback_journal_on_its_next_append(
    tmp_path: Path,
) -> None:
    path = tmp_path / "l.sqlite"
    Ledger.create(path).close()
    conn = sqlite3.connect(str(path), isolation_level=None)
    assert conn.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    conn.close()
    with Ledger.open(path) as book:
        book.append([expenditure(date(2019, 11, 1), BOARDING, "500", batch="B")])
        assert not Path(f"{path}-wal").exists()
    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def _filled(tmp_path: Path, n: int = 5) -> tuple[Path, Path]:
    path, log = tmp_path / "l.sqlite", tmp_path / "heads.log"
    with Ledger.create(path, head_log=log) as book:
        for i in range(n):
            book.append([expenditure(date(2019, 11, 1), BOARDING, "500", batch="B", note=str(i))])
    return path, log


def test_a_read_only_file_is_verified_balanced_and_read_but_not_appended_to(
    tmp_path: Path,
) -> None:
    path, log = _filled(tmp_path)
    path.chmod(0o444)
    try:
        with Ledger.open(path, head_log=log) as book:
            assert book.read_only and book.verify().ok
            assert balance(book.entries()).expenditure_total == 2500
            with pytest.raises(InputError) as exc:
                book.append([expenditure(date(2019, 12, 1), BOARDING, "1", batch="C")])
            assert exc.value.code == "ledger.readonly"
    finally:
        path.chmod(0o644)
    with Ledger.open(path) as book:
        assert len(book) == 5


def test_a_ledger_in_a_read_only_directory_is_read_without_writing_there(tmp_path: Path) -> None:
    path, log = _filled(tmp_path / "d" if (tmp_path / "d").mkdir() is None else tmp_path)
    before = sorted(os.listdir(path.parent))
    path.parent.chmod(0o555)
    try:
        with Ledger.open(path, head_log=log) as book:
            assert book.read_only and book.verify().ok and len(list(book.entries())) == 5
            with pytest.raises(InputError) as exc:
                book.append([expenditure(date(2019, 12, 1), BOARDING, "1", batch="C")])
            assert exc.value.code == "ledger.readonly"
        assert sorted(os.listdir(path.parent)) == before
    finally:
        path.parent.chmod(0o755)


_CREATE = """
import sys
from edupoverty.records.ledger import Ledger
try:
    Ledger.create(sys.argv[1]).close()
except Exception as exc:
    print(getattr(exc, "code", type(exc).__name__))
"""

_APPEND = """
import sys
from datetime import date
from edupoverty.records.ledger import Ledger, expenditure
book = Ledger.open(sys.argv[1], head_log=sys.argv[2])
try:
    book.append(expenditure(date(2019, 12, 1), "compulsory.boarding_allowance", "500",
                            batch="full", note="x" * 200) for _ in range(2000))
except Exception as exc:
    print(getattr(exc, "code", type(exc).__name__))
"""


def _limited(size: int) -> object:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def test_init_on_a_full_disk_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    out = subprocess.run(
        [sys.executable, "-c", _CREATE, str(path)],
        env=ENV,
        preexec_fn=_limited(2048),  # type: ignore[arg-type]
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "ledger.write", out.stderr[-300:]
    assert os.listdir(tmp_path) == []


def test_an_append_on_a_full_disk_is_refused_and_leaves_the_ledger_as_it_was(
    tmp_path: Path,
) -> None:
    path, log = _filled(tmp_path)
    with Ledger.open(path) as book:
        before = book.head()
    heads_before = read_head_log(log)
    out = subprocess.run(
        [sys.executable, "-c", _APPEND, str(path), str(log)],
        env=ENV,
        preexec_fn=_limited(path.stat().st_size),  # type: ignore[arg-type]
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "ledger.write", out.stderr[-300:]
    with Ledger.open(path, head_log=log) as book:
        assert book.head() == before and book.verify().ok
    assert read_head_log(log) == heads_before
