"""Benchmark of edupoverty.rules (issue 4): prints figures, asserts nothing.

1. ``assess_many`` over N synthetic students held in memory (target: >= 500,000 students/s
   on one core; identical eligibility-relevant inputs share one result).
2. ``edupoverty assess`` on an N-row CSV roster (``--format csv -o``), against the time the
   ``csv`` module takes just to read the same file (target: <= 3x).

Usage::

    PYTHONPATH=src python benchmarks/bench_assess.py            # 1,000,000 students
    PYTHONPATH=src python benchmarks/bench_assess.py --n 100000 --csv-n 100000
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import io
import tempfile
import time
from pathlib import Path

from edupoverty.cli import main as cli_main
from edupoverty.records.roster import read_roster
from edupoverty.records.synthetic import students, write_roster_csv
from edupoverty.rules import assess_many, load_policy, projection, summarize


def bench_memory(n: int, policy_names: list[str]) -> None:
    print(f"generating {n:,} synthetic students …", flush=True)
    roster = list(students(n, seed=1))
    distinct = len({projection(s) for s in roster})
    policy = load_policy(*policy_names)
    best = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        count = 0
        for _a in assess_many(roster, policy, 2019):
            count += 1
        dt = time.perf_counter() - t0
        best = max(best, count / dt)
    print(
        f"assess_many ({policy.name}): {n:,} students, {distinct:,} distinct profiles: "
        f"best of 3 {best:,.0f} students/s (target >= 500,000)"
    )
    t0 = time.perf_counter()
    s = summarize(assess_many(roster, policy, 2019))
    dt = time.perf_counter() - t0
    print(f"assess_many + summarize: {n / dt:,.0f} students/s; total {s.total} yuan")


def bench_cli(n: int, policy_names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster.csv"
        out = Path(tmp) / "assessment.csv"
        print(f"writing a {n:,}-row roster CSV …", flush=True)
        write_roster_csv(path, n, seed=1)
        t0 = time.perf_counter()
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = sum(1 for _ in csv.reader(fh))
        t_csv = time.perf_counter() - t0
        args = ["assess", str(path), "--format", "csv", "-o", str(out)]
        for name in policy_names:
            args += ["--policy", name]
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            code = cli_main(args)
        t_cli = time.perf_counter() - t0
        print(
            f"csv module read: {rows - 1:,} rows in {t_csv:.2f} s; edupoverty assess "
            f"(exit {code}): {t_cli:.2f} s; ratio {t_cli / t_csv:.2f}x (target <= 3x)"
        )
        # Where the time goes: reading (records.read_roster), assessing, writing; with the
        # cyclic garbage collector paused, as the command pauses it.
        gc.collect()
        gc.disable()
        t0 = time.perf_counter()
        result = read_roster(path)
        t_read = time.perf_counter() - t0
        policy = load_policy(*policy_names)
        t0 = time.perf_counter()
        assessed = list(assess_many(result.students, policy, 2019))
        t_assess = time.perf_counter() - t0
        distinct = len({id(a._result) for a in assessed})
        gc.enable()
        print(
            f"  read_roster {t_read:.2f} s ({t_read / t_csv:.1f}x csv); assess_many "
            f"{t_assess:.2f} s ({distinct:,} distinct results); writing and the rest "
            f"{t_cli - t_read - t_assess:.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="students in memory")
    parser.add_argument("--csv-n", type=int, default=1_000_000, help="rows in the CSV roster")
    parser.add_argument("--policy", action="append", help="policy profile(s), default seed")
    parser.add_argument("--skip-cli", action="store_true", help="only the in-memory benchmark")
    args = parser.parse_args()
    names = args.policy or ["seed"]
    bench_memory(args.n, names)
    if not args.skip_cli:
        bench_cli(args.csv_n, names)


if __name__ == "__main__":
    main()
