"""Benchmark: a roster on a Dask cluster of two workers against one process (edupoverty.dask).

The roster is the realistic synthetic one of the other benchmarks (``harness.roster``: every
row drawn apart, every defect class planted, cached in the temporary directory), as one CSV
file or cut into ``--files`` files sharing 1 % of their students.

1. **One process** (its own process, timed by ``harness.run``): ``read_roster_batches`` over
   the files with one ``Seen``, each batch assessed by one ``TableAssessor`` and summarised,
   the summaries merged — what ``edupoverty assess`` does, without writing.
2. **Dask**: ``distributed.LocalCluster(n_workers=2, threads_per_worker=1)``;
   ``read_rosters`` then ``assess(...).summary()`` and the file reports. Where the time goes
   is read from the cluster's task stream (seconds of work per step, summed over the
   workers); the peak memory of each worker from ``resource.getrusage`` run in it.

The speed-up is one process's wall time over Dask's. ``--json`` writes the figures to
``benchmarks/out/``.

Usage::

    python benchmarks/bench_dask.py --n 10000000
    python benchmarks/bench_dask.py --n 2000000 --files 4
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import harness

ONE_PROCESS = """
import sys, time
from datetime import date
from edupoverty.records.duplicates import Seen
from edupoverty.records.reader import read_roster_batches
from edupoverty.rules import TableAssessor, load_policy, merge_summaries, summarize_table
policy, seen, parts, rows = load_policy("seed"), Seen(), [], 0
assessor = TableAssessor(policy, 2019)
for path in sys.argv[1:]:
    reading = read_roster_batches(path, today=date(2026, 1, 1), school_year=2019, seen=seen)
    for table in reading:
        parts.append(summarize_table(assessor.assess(table)))
    rows += reading.result().rows
s = merge_summaries(parts)
print(rows, s.students, s.total)
"""


def files(args: argparse.Namespace) -> list[Path]:
    """The roster: the cached file of the other benchmarks, or ``--files`` files."""
    if args.files == 1:
        return [harness.roster("realistic", args.n, args.dir)]
    from edupoverty.records.synthetic import DEFECTS, write_rosters

    n = args.n // args.files
    stem = f"province-{args.files}x{n}-{harness.generator_version()}"
    paths = [args.dir / f"{stem}-{i}.csv" for i in range(args.files)]
    if not all(p.exists() for p in paths):
        args.dir.mkdir(parents=True, exist_ok=True)
        print(f"writing {args.files} rosters of {n:,} rows …", flush=True)
        defects = dict.fromkeys(DEFECTS, harness.DEFECT_RATE)
        write_rosters(paths, n, seed=1, defects=defects, shared=0.01)
    return paths


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_dask(paths: list[Path], partition_rows: int) -> dict[str, Any]:
    """The Dask run on a two-worker LocalCluster: wall time, work per step, worker peaks."""
    from datetime import date

    import distributed

    from edupoverty.dask import read_rosters
    from edupoverty.rules import load_policy

    policy = load_policy("seed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(lambda: None)  # workers up before timing
        marks: dict[str, float] = {}
        with distributed.get_task_stream(client) as stream:
            start = time.perf_counter()
            with read_rosters(
                paths, today=date(2026, 1, 1), school_year=2019, partition_rows=partition_rows
            ) as rosters:
                marks["read, checked, de-duplicated"] = time.perf_counter() - start
                summary = rosters.assess(policy, 2019).summary()
                marks["assessed and summarised"] = time.perf_counter() - start
                reports = rosters.reports()
                marks["file reports gathered"] = time.perf_counter() - start
                pieces = len(rosters.pieces)
        wall = time.perf_counter() - start
        work: dict[str, float] = defaultdict(float)
        for task in stream.data:
            for part in task.get("startstops", ()):
                if part["action"] == "compute":
                    prefix = str(task["key"][0] if isinstance(task["key"], tuple) else task["key"])
                    work[prefix.rsplit("-", 1)[0]] += part["stop"] - part["start"]
        peaks = client.run(_peak_mb)
    rows = sum(r.rows for r in reports)
    return {
        "wall": wall,
        "marks": marks,
        "work": dict(sorted(work.items(), key=lambda kv: -kv[1])),
        "worker_peak_mb": list(peaks.values()),
        "rows": rows,
        "students": summary.students,
        "total": str(summary.total),
        "pieces": pieces,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    harness.add_common_arguments(parser)
    parser.add_argument("--n", type=int, default=10_000_000, help="rows in all (default 10M)")
    parser.add_argument("--files", type=int, default=1, help="cut into this many files")
    parser.add_argument("--partition-rows", type=int, default=262_144)
    args = parser.parse_args()
    env = harness.use_source(args.src)
    paths = files(args)
    results: list[dict[str, Any]] = []
    for r in range(args.rounds):
        one = harness.run([sys.executable, "-c", ONE_PROCESS, *map(str, paths)], env)
        print(
            f"round {r + 1}: one process {one.wall:.1f} s (cpu {one.cpu:.1f} s, "
            f"peak {one.peak_mb:,.0f} MB)",
            flush=True,
        )
        d = run_dask(paths, args.partition_rows)
        print(
            f"round {r + 1}: dask 2 workers {d['wall']:.1f} s, {d['pieces']} pieces, "
            f"worker peaks {', '.join(f'{m:,.0f}' for m in d['worker_peak_mb'])} MB; "
            f"speed-up {one.wall / d['wall']:.2f}x",
            flush=True,
        )
        for label, at in d["marks"].items():
            print(f"    {at:7.1f} s  {label}")
        for step, seconds in d["work"].items():
            print(f"    {seconds:7.1f} s of work  {step}")
        results.append({"one": one.__dict__, "dask": d, "speedup": one.wall / d["wall"]})
    ups = sorted(x["speedup"] for x in results)
    print(f"\n{args.n:,} rows in {len(paths)} file(s): speed-up median {ups[len(ups) // 2]:.2f}x")
    if args.json:
        print(f"written: {harness.save('dask', {'n': args.n, 'results': results})}")


if __name__ == "__main__":
    main()
