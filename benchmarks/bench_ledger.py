"""Benchmark the permanent ledger (R-REC-2): append N entries to an SQLite file and verify them.

Usage::

    PYTHONPATH=src python benchmarks/bench_ledger.py [N] [BATCH]

Prints appends per second (batched transactions, and one entry per transaction), the time to
open (which verifies the whole chain) and verified entries per second, by wall-clock time and by
the process's CPU time (which leaves out other load on a shared machine). Target: verify at
least 200,000 entries per second.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from edupoverty.records.enums import FundingLevel, Semester
from edupoverty.records.ledger import Ledger, chain, expenditure, income, verify
from edupoverty.records.model import Period

REPEAT = 5
PROGRAMMES = ("compulsory.boarding_allowance", "compulsory.fee_waiver", "senior.national_grant")


def _drafts(start: int, count: int):  # type: ignore[no-untyped-def]
    for i in range(start, start + count):
        prog = PROGRAMMES[i % 3]
        if i % 100 == 0:
            yield income(date(2019, 9, 2), prog, "100000", FundingLevel.CENTRAL, "财教〔2019〕1号")
        else:
            yield expenditure(
                date(2019, 11, 1),
                prog,
                "500",
                batch=f"2019-{i // 1000}",
                disclosure_id=f"GS-{i // 1000}",
                student_id=f"3412{i:014d}",
                period=Period(2019, Semester.AUTUMN),
            )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.sqlite"
        with Ledger.create(path) as book:
            t0 = time.perf_counter()
            for start in range(0, n, batch):
                book.append(_drafts(start, min(batch, n - start)))
            t_append = time.perf_counter() - t0
            single = 200
            t0 = time.perf_counter()
            for i in range(single):
                book.append(_drafts(n + i, 1))
            t_single = time.perf_counter() - t0
        total = n + single

        t0 = time.perf_counter()
        book = Ledger.open(path)  # verifies the whole chain
        t_open = time.perf_counter() - t0
        t_verify = c_verify = float("inf")
        for _ in range(REPEAT):  # best of REPEAT: the machine may be shared
            t0, c0 = time.perf_counter(), time.process_time()
            report = book.verify()
            t_verify = min(t_verify, time.perf_counter() - t0)
            c_verify = min(c_verify, time.process_time() - c0)
        t0 = time.perf_counter()
        entries = list(book.entries())
        t_read = time.perf_counter() - t0
        book.close()
        assert report.ok and report.count == total

    t0 = time.perf_counter()
    chained = chain(_drafts(0, min(n, 100_000)))
    t_chain = time.perf_counter() - t0
    t0 = time.perf_counter()
    assert verify(chained).ok
    t_pure = time.perf_counter() - t0

    print(f"entries: {total:,} (batch {batch:,} per transaction)")
    print(f"append (batched):        {n / t_append:12,.0f} entries/s  ({t_append:.2f} s)")
    print(f"append (1 per commit):   {single / t_single:12,.0f} entries/s")
    print(f"open + verify file:      {total / t_open:12,.0f} entries/s  ({t_open:.3f} s)")
    print(
        f"verify file (best of {REPEAT}): {total / t_verify:10,.0f} entries/s  ({t_verify:.3f} s)"
    )
    print(f"verify file, CPU time:   {total / c_verify:12,.0f} entries/s  (other load excluded)")
    print(f"read entries (decode):   {len(entries) / t_read:12,.0f} entries/s")
    print(f"chain (pure, in memory): {len(chained) / t_chain:12,.0f} entries/s")
    print(f"verify (pure values):    {len(chained) / t_pure:12,.0f} entries/s")
    print(
        "target: verify >= 200,000 entries/s:", "met" if total / t_verify >= 200_000 else "NOT met"
    )


if __name__ == "__main__":
    main()
