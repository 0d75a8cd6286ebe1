"""Benchmark of edupoverty.rules (issue 4): prints figures, asserts nothing.

1. ``assess_many`` over N synthetic students held in memory (target: >= 500,000 students/s
   on one core; identical eligibility-relevant inputs share one result).
2. ``edupoverty assess`` on an N-row CSV roster (``--format csv -o``, or ``json``), each run
   in a fresh subprocess (its own peak memory), against the time the ``csv`` module takes just
   to read the same file (target: <= 3x); rounds alternate the two and the median ratio is
   printed, for ``--jobs 1`` (one process) and the default ``--jobs 0`` (one process per CPU,
   at most 4; the roster read in slices). Then the split of one process: reading
   (``read_roster_columns``), assessing (``assess_columns``), writing CSV and JSON.

Usage::

    PYTHONPATH=src python benchmarks/bench_assess.py            # 1,000,000 students
    PYTHONPATH=src python benchmarks/bench_assess.py --n 100000 --csv-n 100000
    PYTHONPATH=src python benchmarks/bench_assess.py --skip-memory --format csv --format json
    PYTHONPATH=src python benchmarks/bench_assess.py --skip-memory --jobs 1 --jobs 2
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # this checkout

from edupoverty.cli import main as cli_main
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


def _cli_once(
    path: Path, out: Path, fmt: str, jobs: int, policy_names: list[str]
) -> dict[str, float]:
    """``edupoverty assess`` in a fresh subprocess: its wall time and peak memory (of the
    process and, with ``--jobs``, of its largest worker)."""
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    args = [sys.executable, __file__, "--measure-cli", str(path), str(out), fmt, str(jobs)]
    done = subprocess.run(
        [*args, *policy_names], check=True, capture_output=True, text=True, env=env
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def _measure_cli(path: str, out: str, fmt: str, jobs: str, policy_names: list[str]) -> None:
    args = ["assess", path, "--format", fmt, "-o", out, "--jobs", jobs]
    for name in policy_names:
        args += ["--policy", name]
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli_main(args)
    wall = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "maxrss_mb": rss_mb, "child_mb": children, "exit": code}))


def _csv_read(path: Path) -> tuple[int, float]:
    t0 = time.perf_counter()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = sum(1 for _ in csv.reader(fh)) - 1
    return rows, time.perf_counter() - t0


def bench_cli(
    n: int, policy_names: list[str], repeat: int, formats: list[str], jobs_list: list[int]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster.csv"
        print(f"writing a {n:,}-row roster CSV …", flush=True)
        write_roster_csv(path, n, seed=1)
        # Rounds alternate the csv read and the command, each ratio comparing runs made
        # under the same load (absolute times drift on a shared machine).
        for fmt in formats:
            for jobs in jobs_list:
                out = Path(tmp) / f"assessment.{fmt}"
                ratios, best, best_csv = [], None, None
                for _ in range(repeat):
                    rows, t_csv = _csv_read(path)
                    fig = _cli_once(path, out, fmt, jobs, policy_names)
                    ratios.append(fig["wall"] / t_csv)
                    best = fig if best is None or fig["wall"] < best["wall"] else best
                    best_csv = t_csv if best_csv is None else min(best_csv, t_csv)
                assert best is not None and best_csv is not None
                label = "--jobs 1 (one process)" if jobs == 1 else f"--jobs {jobs or 'auto'}"
                print(
                    f"edupoverty assess --format {fmt} {label} (exit {best['exit']:.0f}): best "
                    f"{best['wall']:.2f} s ({rows / best['wall']:,.0f} rows/s), peak "
                    f"{best['maxrss_mb']:.0f} MB (workers {best['child_mb']:.0f} MB); csv "
                    f"module read best {best_csv:.2f} s; ratio {statistics.median(ratios):.2f}x "
                    f"median of {repeat} rounds ({min(ratios):.2f}-{max(ratios):.2f}; "
                    "target <= 3x)",
                    flush=True,
                )
        # Where the time goes, step by step, in a fresh subprocess
        _rows, t_csv = _csv_read(path)
        env = dict(os.environ)
        src = str(Path(__file__).resolve().parents[1] / "src")
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
        done = subprocess.run(
            [sys.executable, __file__, "--measure-split", str(path), tmp, *policy_names],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        print(f"  split (csv module read {t_csv:.2f} s): {done.stdout.strip()}")


def _measure_split(path: Path, tmp: str, policy_names: list[str]) -> None:
    """Read, assess, write CSV and write JSON in one process, timed apart, with the cyclic
    garbage collector paused as the command pauses it."""
    from edupoverty.cli.commands.assess import AssessReport, write_csv_report, write_json
    from edupoverty.records.roster import read_roster_columns
    from edupoverty.rules.bulk import assess_columns

    gc.disable()
    t0 = time.perf_counter()
    columns = read_roster_columns(path)
    t_read = time.perf_counter() - t0
    policy = load_policy(*policy_names)
    t0 = time.perf_counter()
    assessed = assess_columns(columns, policy, 2019)
    t_assess = time.perf_counter() - t0
    report = AssessReport(policy, 2019, assessed, list(columns.rejected))
    t0 = time.perf_counter()
    write_csv_report(report, Path(tmp) / "split.csv")
    t_csv_out = time.perf_counter() - t0
    t0 = time.perf_counter()
    with open(Path(tmp) / "split.json", "w", encoding="utf-8") as fh:
        write_json(report, fh)
    t_json = time.perf_counter() - t0
    print(
        f"read_roster_columns {t_read:.2f} s ({len(columns.profile_rows):,} distinct profiles); "
        f"assess_columns {t_assess:.2f} s ({len(assessed.distinct):,} distinct results); "
        f"write CSV {t_csv_out:.2f} s; write JSON {t_json:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="students in memory")
    parser.add_argument("--csv-n", type=int, default=1_000_000, help="rows in the CSV roster")
    parser.add_argument("--policy", action="append", help="policy profile(s), default seed")
    parser.add_argument("--skip-cli", action="store_true", help="only the in-memory benchmark")
    parser.add_argument("--skip-memory", action="store_true", help="only the CLI benchmark")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the CLI benchmark")
    parser.add_argument(
        "--format", action="append", choices=("csv", "json"), help="output format(s), default csv"
    )
    parser.add_argument(
        "--jobs", action="append", type=int, help="--jobs of the command (default: 1, then 0)"
    )
    parser.add_argument("--measure-cli", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--measure-split", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_split:
        path, tmp, *policies = args.measure_split
        _measure_split(Path(path), tmp, policies)
        return
    if args.measure_cli:
        path, out, fmt, jobs, *policies = args.measure_cli
        _measure_cli(path, out, fmt, jobs, policies)
        return
    names = args.policy or ["seed"]
    if not args.skip_memory:
        bench_memory(args.n, names)
    if not args.skip_cli:
        bench_cli(args.csv_n, names, args.repeat, args.format or ["csv"], args.jobs or [1, 0])


if __name__ == "__main__":
    main()
