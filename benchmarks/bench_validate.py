"""Benchmark: validating a 1,000,000-row roster end to end, against merely reading it.

Generates a synthetic roster CSV (``edupoverty.records.synthetic``, seeded, with a small rate
of every defect class) into a cache directory (reused when present), then measures, each in a
fresh subprocess so that peak memory (``ru_maxrss``) belongs to one measurement:

Measurements alternate (csv, validate, read+validate, csv, …) and the ratio reported is the
median of the per-round ratios: absolute times drift on a shared machine.

1. ``csv``: Python's ``csv.reader`` reading every row, doing nothing else (the baseline);
2. ``validate``: ``validation_report(path)`` — what ``edupoverty validate`` runs: every row
   parsed, checked and counted, duplicates and ages checked, findings kept, records not kept;
3. ``read+validate``: ``read_roster(path)`` keeping a ``Student`` per accepted row, then
   ``validate(result)``.

Prints rows per second, peak memory and the ratio to the ``csv`` time. Target: at most 3x
the ``csv`` time, peak memory under 1 GB.

Usage::

    python benchmarks/bench_validate.py              # 1,000,000 rows
    python benchmarks/bench_validate.py --rows 100000
"""

from __future__ import annotations

import argparse
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

DEFECT_RATE = 0.0005  # per defect class: about 0.45 % of rows carry one


def _generate(path: Path, rows: int, seed: int) -> None:
    from edupoverty.records.synthetic import DEFECTS, write_roster_csv

    tmp = path.with_suffix(".part")
    write_roster_csv(tmp, rows, seed=seed, defects=dict.fromkeys(DEFECTS, DEFECT_RATE))
    tmp.replace(path)


def _measure(kind: str, path: Path) -> dict[str, float]:
    """Run one measurement in this process and return its figures."""
    import csv

    if kind == "csv":
        start, cpu = time.perf_counter(), time.process_time()
        with open(path, encoding="utf-8", newline="") as fh:
            n = sum(1 for _ in csv.reader(fh)) - 1
        extra: dict[str, float] = {}
    elif kind == "validate":
        from edupoverty.records import validation_report

        start, cpu = time.perf_counter(), time.process_time()
        report = validation_report(path, school_year=2019)
        n = report.rows
        extra = {"accepted": report.accepted, "findings": len(report.findings)}
    elif kind == "read+validate":
        from edupoverty.records import read_roster, validate

        start, cpu = time.perf_counter(), time.process_time()
        result = read_roster(path)
        findings = validate(result, school_year=2019)
        n = result.rows
        extra = {"accepted": result.accepted, "findings": len(findings)}
    else:
        raise SystemExit(f"unknown measurement {kind}")
    wall = time.perf_counter() - start
    cpu_s = time.process_time() - cpu
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"rows": n, "wall": wall, "cpu": cpu_s, "maxrss_mb": rss_kib / 1024, **extra}


def _once(kind: str, path: Path) -> dict[str, float]:
    """One measurement in a fresh subprocess (its own peak memory)."""
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    figures: dict[str, float] = json.loads(out)
    return figures


KINDS = ("csv", "validate", "read+validate")


def _rounds(path: Path, repeat: int) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Best figures per measurement, and the median per-round ratio to ``csv``.

    The measurements alternate (csv, validate, read+validate, csv, …) so that each ratio
    compares runs made under the same load: on a shared machine absolute times drift.
    """
    best: dict[str, dict[str, float]] = {}
    ratios: dict[str, list[float]] = {k: [] for k in KINDS}
    for _ in range(repeat):
        this = {kind: _once(kind, path) for kind in KINDS}
        for kind, fig in this.items():
            if kind not in best or fig["wall"] < best[kind]["wall"]:
                best[kind] = fig
            ratios[kind].append(fig["wall"] / this["csv"]["wall"])
    return best, {k: statistics.median(v) for k, v in ratios.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best)")
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "edupoverty-bench"
    )
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(args.measure[0], Path(args.measure[1]))))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"roster-{args.rows}-seed{args.seed}.csv"
    if not path.exists():
        print(f"generating {args.rows:,} rows into {path} …", flush=True)
        t = time.perf_counter()
        _generate(path, args.rows, args.seed)
        print(f"  generated in {time.perf_counter() - t:.1f} s", flush=True)
    size = path.stat().st_size / 1e6
    print(f"file: {path} ({size:.0f} MB, {args.rows:,} rows); best of {args.repeat} runs each\n")
    results, ratio = _rounds(path, args.repeat)
    base = results["csv"]
    print(
        f"{'measurement':<15}{'best wall s':>12}{'cpu s':>8}{'rows/s':>11}{'peak MB':>9}"
        f"{'x csv (best)':>14}{'x csv (median of rounds)':>26}"
    )
    for kind, r in results.items():
        print(
            f"{kind:<15}{r['wall']:>12.2f}{r['cpu']:>8.2f}{r['rows'] / r['wall']:>11,.0f}"
            f"{r['maxrss_mb']:>9.0f}{r['wall'] / base['wall']:>14.2f}{ratio[kind]:>26.2f}"
        )
    for kind in ("validate", "read+validate"):
        r = results[kind]
        print(f"\n{kind}: {r['accepted']:,} accepted, {r['findings']:,} findings")
    print()
    for kind in ("validate", "read+validate"):
        r = results[kind]
        ok = ratio[kind] <= 3 and r["maxrss_mb"] < 1000
        print(
            f"target for {kind} (<= 3x csv time, peak < 1 GB): {'met' if ok else 'NOT met'} "
            f"({ratio[kind]:.2f}x median, {r['maxrss_mb']:.0f} MB)"
        )


if __name__ == "__main__":
    main()
