"""Benchmark: ``add_working_days(d, 3)`` against ``chinese_calendar.find_workday`` (issue 3).

Both run in one process on the same random dates between 2004-01-01 and 2026-12-20 (late
enough in 2026 that three working days later is still inside the data). Prints calls per
second of each and the ratio. Targets: >= 1,000,000 calls/s and >= 100x find_workday.

Note the two do not compute the same thing: find_workday rolls a rest-day start forward and
counts it (RULES.md §8); the benchmark compares speed only.

Usage::

    PYTHONPATH=src python benchmarks/bench_workdays.py [N]     # default N = 1,000,000
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date

import chinese_calendar

from edupoverty.disclosure.workdays import add_working_days, default_calendar


def _rate(fn: object, days: list[date], n: int) -> float:
    best = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        fn(days)  # type: ignore[operator]
        dt = time.perf_counter() - t0
        best = max(best, n / dt)
    return best


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 1_000_000
    rng = random.Random(20261001)
    lo, hi = date(2004, 1, 1).toordinal(), date(2026, 12, 20).toordinal()
    days = [date.fromordinal(rng.randint(lo, hi)) for _ in range(n)]
    n_find = max(n // 20, 1000)
    cal = default_calendar()

    def ours(ds: list[date]) -> None:
        f = add_working_days
        for d in ds:
            f(d, 3)

    def method(ds: list[date]) -> None:
        f = cal.add_working_days
        for d in ds:
            f(d, 3)

    def theirs(ds: list[date]) -> None:
        f = chinese_calendar.find_workday
        for d in ds:
            f(3, d)

    r_ours = _rate(ours, days, n)
    r_method = _rate(method, days, n)
    r_find = _rate(theirs, days[:n_find], n_find)
    print(f"dates: {n:,} random days 2004-01-01..2026-12-20 (find_workday on {n_find:,})")
    print(f"edupoverty add_working_days(d, 3):   {r_ours:>12,.0f} calls/s")
    print(f"WorkCalendar.add_working_days(d, 3): {r_method:>12,.0f} calls/s")
    print(f"chinese_calendar.find_workday(3, d): {r_find:>12,.0f} calls/s")
    print(f"ratio (module function / find_workday): {r_ours / r_find:,.0f}x")
    ok = r_ours >= 1_000_000 and r_ours / r_find >= 100
    print("targets (>= 1,000,000/s, >= 100x):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
