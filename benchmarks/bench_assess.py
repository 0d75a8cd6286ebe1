"""Benchmark: assessing students held in memory (``edupoverty.rules``).

1. ``assess_many`` over N synthetic students (``edupoverty.records.synthetic.students``,
   built once, before any timing), for each kind of roster: ``realistic`` (every row drawn
   independently) and ``repeated`` (a few hundred distinct profiles: it measures a cache).
   Target: at least 1,000,000 students/s. Then ``summarize(assess_many(...))``.
2. ``assess_table`` over the same students as an Arrow table (``student_table``), when this
   version has it (``edupoverty.rules.bulk`` or ``edupoverty.rules``); skipped otherwise.

Each timing is repeated ``--rounds`` times in this one process; the table gives students/s
min/median/max. The command-line ``edupoverty assess`` on a file is measured by
``bench_roster.py``. ``--json`` also writes the figures to ``benchmarks/out/``.

Usage::

    python benchmarks/bench_assess.py                        # 1,000,000 students, both kinds
    python benchmarks/bench_assess.py --kind repeated --n 200000 --rounds 5
"""

from __future__ import annotations

import argparse
import gc
import importlib
import statistics
import time
from collections.abc import Callable
from typing import Any

import harness

TARGET = 1_000_000  # students per second


def find(name: str, modules: tuple[str, ...]) -> Callable[..., Any] | None:
    """``name`` from the first of ``modules`` that has it."""
    for module in modules:
        try:
            found = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if found is not None:
            return found  # type: ignore[no-any-return]
    return None


def timed(label: str, n: int, rounds: int, work: Callable[[], object]) -> dict[str, Any]:
    """Students per second of ``work`` over ``rounds`` runs."""
    rates = []
    for r in range(rounds):
        gc.collect()
        start = time.perf_counter()
        work()
        rates.append(n / (time.perf_counter() - start))
        print(f"  round {r + 1}: {label}: {rates[-1]:,.0f} students/s", flush=True)
    return {"label": label, "students": n, "rates": rates}


def measure(kind: str, args: argparse.Namespace, policy: Any) -> list[dict[str, Any]]:
    """The timings of one kind of roster."""
    from edupoverty.records.synthetic import student_table
    from edupoverty.rules import assess_many, summarize

    students_from_table = find("students_from_table", ("edupoverty.records.columns",))
    assess_table = find("assess_table", ("edupoverty.rules.bulk", "edupoverty.rules"))
    assert students_from_table is not None
    start = time.perf_counter()
    table = student_table(args.n, seed=1, repeated=args.profiles if kind == "repeated" else None)
    roster = list(students_from_table(table))
    print(f"{kind}: {args.n:,} students built in {time.perf_counter() - start:.1f} s", flush=True)
    results = [
        timed(
            f"{kind}: assess_many",
            args.n,
            args.rounds,
            lambda: sum(1 for _ in assess_many(roster, policy, 2019)),
        ),
        timed(
            f"{kind}: assess_many + summarize",
            args.n,
            1,
            lambda: summarize(assess_many(roster, policy, 2019)),
        ),
    ]
    if assess_table is None:
        print("assess_table: not in this version of the library, skipped")
    else:
        work = lambda: assess_table(table, policy, 2019)  # noqa: E731
        results.append(timed(f"{kind}: assess_table", args.n, args.rounds, work))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    harness.add_common_arguments(parser)
    parser.add_argument("--n", type=int, default=1_000_000, help="students in memory")
    parser.add_argument("--kind", action="append", choices=("realistic", "repeated"))
    parser.add_argument("--profiles", type=int, default=400, help="of the repeated kind")
    parser.add_argument("--policy", action="append", help="policy profile(s), default seed")
    args = parser.parse_args()
    harness.use_source(args.src)
    from edupoverty.rules import load_policy

    policy = load_policy(*(args.policy or ["seed"]))
    results = []
    for kind in args.kind or ["realistic", "repeated"]:
        results += measure(kind, args, policy)
    head = f"{'measurement':<40}{'students/s min/median/max':>40}  {'target':<14}verdict"
    print(f"\n{args.n:,} students in memory, policy {policy.name}\n{head}\n{'-' * len(head)}")
    for r in results:
        rates = r["rates"]
        spread = f"{min(rates):,.0f}/{statistics.median(rates):,.0f}/{max(rates):,.0f}"
        verdict = "met" if statistics.median(rates) >= TARGET else "NOT met"
        target = f">= {TARGET:,}" if "summarize" not in r["label"] else ""
        print(f"{r['label']:<40}{spread:>40}  {target:<14}{verdict if target else ''}")
    if args.json:
        print(f"\nwritten: {harness.save('assess', {'n': args.n, 'results': results})}")


if __name__ == "__main__":
    main()
