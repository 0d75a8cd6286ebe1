"""Benchmark: the commands on a 1,000,000-row roster, side by side with merely parsing it.

For each kind of roster — ``realistic`` (every row drawn independently: thousands of schools,
many fees, enrolment dates and statuses, as a county or province sends it) and ``repeated``
(a few hundred distinct profiles repeated: it measures a cache, not the library) — written by
``edupoverty.records.synthetic`` with every defect class at a small rate, and measured in one
run, one process each, rounds alternating with the floor (``pyarrow.csv.read_csv`` of the same
file on one thread):

* ``edupoverty validate FILE`` — target at most 2.5x the floor;
* ``edupoverty assess FILE --format csv -o OUT`` — at most 3x on the repeated roster, 5x on
  the realistic one;
* the peak memory of each — under 1 GB at 1M rows;
* with ``--ten-million``: a 10,000,000-row realistic roster assessed once (``--format csv``):
  peak memory under 1.5 GB (the file is 2.7 GB; writing it takes a minute or two). The run
  is killed when it passes ``--memory-limit`` (default 4,000 MB), so that a version that
  does not stream cannot exhaust a shared machine.

Prints a table (seconds min/median/max, the median of the per-round ratios by wall and by CPU
time, peak memory, target, verdict); ``--json`` also writes the figures to
``benchmarks/out/``. When the command still has ``--jobs`` (a process per CPU), ``assess`` is
run with ``--jobs 1``: one process.

Usage::

    python benchmarks/bench_roster.py                          # both kinds, 3 rounds
    python benchmarks/bench_roster.py --kind realistic --command validate
    python benchmarks/bench_roster.py --rows 100000 --rounds 5
    python benchmarks/bench_roster.py --ten-million --kind none
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import harness

TARGETS = {  # (kind, command) -> at most this many times the floor
    ("realistic", "validate"): 2.5,
    ("repeated", "validate"): 2.5,
    ("realistic", "assess"): 5.0,
    ("repeated", "assess"): 3.0,
}
MEMORY_MB = 1000.0
TEN_MILLION_MB = 1500.0


def one_process(env: dict[str, str]) -> list[str]:
    """``--jobs 1`` while ``assess`` still forks a process per CPU, else nothing."""
    text = subprocess.run(
        [sys.executable, "-m", "edupoverty", "assess", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    ).stdout
    runner = "--jobs" in text and "processes" in text and "no longer" not in text
    return ["--jobs", "1"] if runner else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    harness.add_common_arguments(parser)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--kind",
        action="append",
        choices=("realistic", "repeated", "none"),
        help="roster kind (repeatable; default both)",
    )
    parser.add_argument(
        "--command",
        action="append",
        choices=("validate", "assess"),
        help="command (repeatable; default both)",
    )
    parser.add_argument("--profiles", type=int, default=400, help="of the repeated kind")
    parser.add_argument("--defect-rate", type=float, default=harness.DEFECT_RATE)
    parser.add_argument("--ten-million", action="store_true", help="also assess 10M rows")
    parser.add_argument("--timeout", type=float, default=900, help="per run, seconds")
    parser.add_argument(
        "--memory-limit", type=float, default=4000, help="kill a 10M run above this many MB"
    )
    args = parser.parse_args()
    env = harness.use_source(args.src)
    python = [sys.executable, "-m", "edupoverty"]
    extra = one_process(env)
    if extra:
        print("assess runs with --jobs 1 (one process): this version forks one per CPU")
    kinds = [k for k in (args.kind or ["realistic", "repeated"]) if k != "none"]
    commands = args.command or ["validate", "assess"]
    results, tables = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "assessment.csv"
        for kind in kinds:
            path = harness.roster(
                kind, args.rows, args.dir, profiles=args.profiles, defect_rate=args.defect_rate
            )
            argv = {
                "validate": [*python, "validate", str(path), "--school-year", "2019"],
                "assess": [
                    *python,
                    "assess",
                    str(path),
                    "--format",
                    "csv",
                    "-o",
                    str(out),
                    "--school-year",
                    "2019",
                    *extra,
                ],
            }
            plan = [
                (f"{kind} {args.rows:,}: {name}", argv[name], TARGETS[kind, name], MEMORY_MB)
                for name in commands
            ]
            print(f"{kind}: {path.name} ({path.stat().st_size / 1e6:,.0f} MB)", flush=True)
            found = harness.compare(plan, harness.floor_argv(path), env, args.rounds, args.timeout)
            results[kind] = found
            tables.append(harness.table(f"\n{kind} roster, {args.rows:,} rows", found))
        if args.ten_million:
            path = harness.roster("realistic", 10_000_000, args.dir, defect_rate=args.defect_rate)
            label = "realistic 10,000,000: assess"
            big = [*python, "assess", str(path), "--format", "csv", "-o", str(out), *extra]
            found = harness.compare(
                [(label, big, None, TEN_MILLION_MB)],
                harness.floor_argv(path),
                env,
                1,
                args.timeout,
                args.memory_limit,
            )
            results["ten_million"] = found
            tables.append(harness.table("\n10,000,000-row realistic roster", found))
    print("\n".join(tables))
    if args.json:
        payload = {"rows": args.rows, "rounds": args.rounds, "extra": extra, "results": results}
        print(f"\nwritten: {harness.save('roster', payload)}")


if __name__ == "__main__":
    main()
