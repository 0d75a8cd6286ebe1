"""Benchmark: reading and validating a 1,000,000-row roster through the library's functions,
side by side with merely parsing it.

Each measurement is a whole process (so that its peak memory is its own), run just after the
floor (``pyarrow.csv.read_csv`` of the same file on one thread), on the roster kinds of
``bench_roster.py``:

* ``validation_report(path)`` — what ``edupoverty validate`` runs: every row parsed, checked
  and counted, duplicates and ages checked, findings kept (target: at most 2.5x the floor);
* ``read_roster(path)`` then ``validate(result)`` — a ``Student`` per accepted row kept;
* ``read_roster_table(path)`` — the roster as an Arrow table, when this version has it
  (``edupoverty.records.roster``, ``.reader`` or ``edupoverty.records``); skipped otherwise.

Peak memory target: under 1 GB. ``--json`` also writes the figures to ``benchmarks/out/``.

Usage::

    python benchmarks/bench_validate.py                      # realistic and repeated, 1M rows
    python benchmarks/bench_validate.py --kind realistic --rows 100000 --rounds 5
"""

from __future__ import annotations

import argparse
import importlib
import sys

import harness

PROGRAMS = {
    "validation_report": (
        "import sys; from edupoverty.records import validation_report as v; "
        "r = v(sys.argv[1], school_year=2019); print(r.rows, r.accepted, len(r.findings))"
    ),
    "read_roster + validate": (
        "import sys; from edupoverty.records import read_roster, validate; "
        "r = read_roster(sys.argv[1]); f = validate(r, school_year=2019); "
        "print(r.rows, r.accepted, len(f))"
    ),
    "read_roster_table": (
        "import sys, importlib\n"
        "for name in ('edupoverty.records.roster', 'edupoverty.records.reader', "
        "'edupoverty.records'):\n"
        "    read = getattr(importlib.import_module(name), 'read_roster_table', None)\n"
        "    if read: break\n"
        "t = read(sys.argv[1], school_year=2019); print(t.rows, t.accepted)"
    ),
}
TARGETS = {"validation_report": 2.5, "read_roster + validate": None, "read_roster_table": 2.5}


def has_roster_table() -> bool:
    """Whether this version of the library offers ``read_roster_table``."""
    for name in ("edupoverty.records.roster", "edupoverty.records.reader", "edupoverty.records"):
        try:
            if hasattr(importlib.import_module(name), "read_roster_table"):
                return True
        except ImportError:
            continue
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    harness.add_common_arguments(parser)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--kind", action="append", choices=("realistic", "repeated"))
    parser.add_argument("--defect-rate", type=float, default=harness.DEFECT_RATE)
    args = parser.parse_args()
    env = harness.use_source(args.src)
    names = list(PROGRAMS)
    if not has_roster_table():
        print("read_roster_table: not in this version of the library, skipped")
        names.remove("read_roster_table")
    results, tables = {}, []
    for kind in args.kind or ["realistic", "repeated"]:
        path = harness.roster(kind, args.rows, args.dir, defect_rate=args.defect_rate)
        plan = [
            (
                f"{kind} {args.rows:,}: {name}",
                [sys.executable, "-c", PROGRAMS[name], str(path)],
                TARGETS[name],
                1000.0,
            )
            for name in names
        ]
        print(f"{kind}: {path.name} ({path.stat().st_size / 1e6:,.0f} MB)", flush=True)
        results[kind] = harness.compare(plan, harness.floor_argv(path), env, args.rounds)
        tables.append(harness.table(f"\n{kind} roster, {args.rows:,} rows", results[kind]))
    print("\n".join(tables))
    if args.json:
        payload = {"rows": args.rows, "rounds": args.rounds, "results": results}
        print(f"\nwritten: {harness.save('validate', payload)}")


if __name__ == "__main__":
    main()
