"""What the roster benchmarks share: the code under test, synthetic rosters, whole processes
timed against a floor, and the table and JSON of the results.

The floor is ``pyarrow.csv.read_csv`` of the same file on one thread
(``ReadOptions(use_threads=False)``), run as its own process, like every command measured:
the time and memory of a whole process, from ``os.wait4`` (wall time, CPU time, peak resident
memory). Measurements alternate (floor, command, floor, command …) so that each ratio compares
runs made under the same load: on a shared machine absolute times drift, so the figure to quote
is the median of the per-round ratios.

Not a benchmark itself; ``bench_roster.py``, ``bench_validate.py`` and ``bench_assess.py``
import it (Python puts the script's directory on ``sys.path``).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
CACHE = Path(tempfile.gettempdir()) / "edupoverty-bench"
DEFECT_RATE = 0.0005  # per defect class: about 0.45 % of the rows carry one
FLOOR_CODE = (
    "import sys, pyarrow.csv as c; "
    "t = c.read_csv(sys.argv[1], read_options=c.ReadOptions(use_threads=False)); "
    "print(t.num_rows)"
)


def use_source(src: Path | None) -> dict[str, str]:
    """Import the library from ``src`` (default: this checkout's ``src``) here and in every
    child process; return the children's environment."""
    path = str((src or ROOT / "src").resolve())
    sys.path.insert(0, path)
    env = dict(os.environ)
    env["PYTHONPATH"] = path + os.pathsep + env.get("PYTHONPATH", "")
    return env


def add_common_arguments(parser: Any) -> None:
    """The options every benchmark script takes."""
    parser.add_argument("--src", type=Path, help="the library's source (default: ./src)")
    parser.add_argument("--dir", type=Path, default=CACHE, help=f"roster cache (default {CACHE})")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--json", action="store_true", help="also write JSON to benchmarks/out/")


@dataclass
class Run:
    """One finished process (or one stopped at its time or memory limit)."""

    wall: float  # seconds
    cpu: float  # user + system seconds
    peak_mb: float  # peak resident memory (MiB)
    exit: int
    timed_out: bool = False
    over_memory: bool = False  # killed on passing the memory limit


# Linux keeps a process's peak memory across exec, so a child started from this (large)
# process would report at least this process's size: a small Python process starts each
# command instead and reports the command's own figures (os.wait4) as JSON. Given a limit
# (MiB), it kills the command when its resident memory passes it (Linux: /proc).
_STARTER = """
import json, os, subprocess, sys, time
limit, argv = float(sys.argv[1]), sys.argv[2:]
start = time.perf_counter()
proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
over = False
while True:
    pid, status, use = os.wait4(proc.pid, os.WNOHANG if limit else 0)
    if pid:
        break
    try:
        with open(f"/proc/{proc.pid}/status") as fh:
            rss = next(int(ln.split()[1]) for ln in fh if ln.startswith("VmRSS:")) / 1024
    except (OSError, StopIteration, ValueError):
        rss = 0
    if rss > limit and not over:
        proc.kill()
        over = True
    time.sleep(0.2)
wall = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
print(json.dumps([wall, use.ru_utime + use.ru_stime, use.ru_maxrss / 1024, code, over]))
"""


def run(
    argv: Sequence[str],
    env: dict[str, str],
    timeout: float | None = None,
    memory_limit_mb: float | None = None,
) -> Run:
    """Run ``argv`` as its own process, its output discarded: wall and CPU time and peak
    memory of that process alone (``os.wait4``). Killed after ``timeout`` seconds, or on
    passing ``memory_limit_mb`` of resident memory."""
    with tempfile.TemporaryFile() as err:
        starter = [sys.executable, "-c", _STARTER, str(memory_limit_mb or 0), *argv]
        proc = subprocess.Popen(
            starter, stdout=subprocess.PIPE, stderr=err, env=env, start_new_session=True
        )
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            print(f"  ! timed out after {timeout:.0f} s: {' '.join(argv[:4])} …", flush=True)
            return Run(float(timeout or 0), 0.0, 0.0, -1, timed_out=True)
        wall, cpu, peak_mb, code, over = json.loads(out)
        if over:
            print(f"  ! killed at {peak_mb:,.0f} MB (limit {memory_limit_mb:,.0f} MB)", flush=True)
        elif code not in (0, 1):  # 1: the roster has rows with errors
            err.seek(0)
            tail = err.read()[-2000:].decode("utf-8", "replace")
            print(f"  ! exit {code}: {' '.join(argv[:4])} …\n{tail}", flush=True)
    return Run(wall, cpu, peak_mb, code, over_memory=over)


def floor_argv(path: Path) -> list[str]:
    """``pyarrow.csv.read_csv`` of ``path`` on one thread, as a process."""
    return [sys.executable, "-c", FLOOR_CODE, str(path)]


def generator_version() -> str:
    """A short hash of the synthetic generator's source: a cached roster is remade when it
    changes."""
    from edupoverty.records import synthetic

    here = Path(synthetic.__file__)
    files = sorted(here.parent.glob("*.py")) if here.name == "__init__.py" else [here]
    return hashlib.sha1(b"".join(p.read_bytes() for p in files)).hexdigest()[:8]


def roster(
    kind: str,
    rows: int,
    directory: Path,
    *,
    seed: int = 1,
    profiles: int = 400,
    defect_rate: float = DEFECT_RATE,
) -> Path:
    """A synthetic roster CSV as schools send it (UTF-8 with BOM, Chinese headers), every
    defect class planted at ``defect_rate``: ``kind`` ``"realistic"`` (every row drawn apart)
    or ``"repeated"`` (``profiles`` distinct profiles). Made once, then reused."""
    from edupoverty.records.synthetic import DEFECTS, write_roster_csv

    directory.mkdir(parents=True, exist_ok=True)
    name = f"{kind}-{rows}-seed{seed}-d{defect_rate}-{generator_version()}.csv"
    path = directory / name
    if not path.exists():
        print(f"writing a {rows:,}-row {kind} roster to {path} …", flush=True)
        start = time.perf_counter()
        part = path.with_suffix(".part")
        defects = dict.fromkeys(DEFECTS, defect_rate) if defect_rate else None
        repeated = profiles if kind == "repeated" else None
        write_roster_csv(part, rows, seed, defects, repeated=repeated)
        part.replace(path)
        size = path.stat().st_size / 1e6
        print(f"  {size:,.0f} MB in {time.perf_counter() - start:.1f} s", flush=True)
    return path


@dataclass
class Comparison:
    """A command measured against the floor, round by round."""

    label: str
    target: float | None  # at most this many times the floor
    memory_mb: float | None  # peak memory under this
    floor: list[Run] = field(default_factory=list)
    command: list[Run] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [c.wall / f.wall for f, c in zip(self.floor, self.command, strict=True)]

    def verdict(self) -> str:
        if not self.command or any(c.timed_out for c in self.command):
            return "timed out"
        if any(c.over_memory for c in self.command):
            return "NOT met (killed over the memory limit)"
        ok = self.target is None or statistics.median(self.ratios) <= self.target
        ok = ok and (
            self.memory_mb is None or max(c.peak_mb for c in self.command) < self.memory_mb
        )
        return "met" if ok else "NOT met"


def compare(
    commands: Sequence[tuple[str, list[str], float | None, float | None]],
    floor: list[str],
    env: dict[str, str],
    rounds: int,
    timeout: float | None = None,
    memory_limit_mb: float | None = None,
) -> list[Comparison]:
    """Each ``(label, argv, target ratio, memory target MB)`` measured ``rounds`` times, each
    run just after a run of the floor (limits: see :func:`run`)."""
    results = [Comparison(label, target, memory) for label, _argv, target, memory in commands]
    for r in range(rounds):
        for result, (_label, argv, _t, _m) in zip(results, commands, strict=True):
            result.floor.append(run(floor, env))
            result.command.append(run(argv, env, timeout, memory_limit_mb))
            f, c = result.floor[-1], result.command[-1]
            print(
                f"  round {r + 1}: {result.label}: {c.wall:.2f} s (cpu {c.cpu:.2f} s, "
                f"{c.peak_mb:,.0f} MB, exit {c.exit}); floor {f.wall:.2f} s "
                f"(cpu {f.cpu:.2f} s); {c.wall / f.wall:.2f}x",
                flush=True,
            )
    return results


def _spread(values: list[float], unit: str = "") -> str:
    return f"{min(values):.2f}/{statistics.median(values):.2f}/{max(values):.2f}{unit}"


def table(title: str, results: Sequence[Comparison]) -> str:
    """The results as a text table: seconds min/median/max, the median of the per-round
    ratios (by wall time, and by CPU time), peak memory, the target and whether it is met."""
    head = (
        f"{'measurement':<44}{'floor s':>20}{'command s':>23}{'x floor':>9}{'x cpu':>7}"
        f"{'peak MB':>9}  {'target':<20}verdict"
    )
    lines = [title, head, "-" * len(head)]
    for r in results:
        target = " ".join(
            t
            for t in (
                f"<= {r.target}x" if r.target else "",
                f"< {r.memory_mb:,.0f} MB" if r.memory_mb else "",
            )
            if t
        )
        cpu = statistics.median(c.cpu / f.cpu for f, c in zip(r.floor, r.command, strict=True))
        lines.append(
            f"{r.label:<44}{_spread([f.wall for f in r.floor]):>20}"
            f"{_spread([c.wall for c in r.command]):>23}{statistics.median(r.ratios):>8.2f}x"
            f"{cpu:>6.1f}x{max(c.peak_mb for c in r.command):>9,.0f}  {target:<20}{r.verdict()}"
        )
    return "\n".join(lines)


def save(name: str, payload: dict[str, Any]) -> Path:
    """Write ``payload`` (with the results as plain values) to ``benchmarks/out/``."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"

    def plain(value: Any) -> Any:
        if isinstance(value, Comparison):
            return {**asdict(value), "ratios": value.ratios, "verdict": value.verdict()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    path.write_text(json.dumps(plain(payload), indent=2, default=str), encoding="utf-8")
    return path
