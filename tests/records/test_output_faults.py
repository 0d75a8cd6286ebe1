"""Every output of the command line is replaced whole, whatever happens on the way: a full
disk (a file size limit) gives one line on stderr and exit 2, SIGTERM a clean stop (exit
143); either way the old output is left byte for byte and no temporary file stays behind.

Real processes, real limits and real signals: nothing is patched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from edupoverty.records.synthetic import write_roster_csv

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file size limits and signals")

OLD = b"the old output, complete\n"
LIMIT = 1 << 20  # bytes a child may write to any one file


def limited(limit: int) -> None:
    """In the child, before it starts: writes past ``limit`` bytes fail (EFBIG)."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def cli(args: list[str], tmp: Path, **options: object) -> subprocess.Popen[str]:
    env = dict(os.environ, TMPDIR=str(tmp))  # the writers' own scratch files, to count them
    return subprocess.Popen(
        [sys.executable, "-m", "edupoverty", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **options,  # type: ignore[call-overload]
    )


def leftovers(folder: Path, *keep: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p not in keep)


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40,000 rows: every output of them is well over :data:`LIMIT`."""
    return write_roster_csv(tmp_path_factory.mktemp("in") / "roster.csv", 40_000, seed=7)


@pytest.fixture(scope="module")
def big_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200,000 rows, 55 MB: its assessment takes seconds to write."""
    return write_roster_csv(tmp_path_factory.mktemp("in") / "roster.csv", 200_000, seed=1)


FULL_DISK = [
    ("assess", "csv"),
    ("assess", "jsonl"),
    ("assess", "json"),
    ("assess", "xlsx"),
    ("assess", "table"),
    ("public-list", "csv"),
    ("public-list", "xlsx"),
]


@pytest.mark.parametrize(("command", "fmt"), FULL_DISK)
def test_a_full_disk_leaves_the_old_output_and_says_so_in_one_line(
    tmp_path: Path, roster: Path, command: str, fmt: str
) -> None:
    out = tmp_path / "out" / f"结果.{'txt' if fmt == 'table' else fmt}"  # the suffix says it
    scratch = tmp_path / "scratch"
    out.parent.mkdir()
    scratch.mkdir()
    out.write_bytes(OLD)
    if command == "assess":
        year = ["--school-year", "2019", "-q"]  # a 2019 roster; no note on stderr
        args = ["assess", str(roster), "--format", fmt, *year, "-o", str(out)]
    else:
        args = ["public-list", str(roster), "-o", str(out), "--complaint-channel", "电话 12345"]
    child = cli(args, scratch, preexec_fn=lambda: limited(LIMIT))
    _, err = child.communicate(timeout=300)
    assert child.returncode == 2, err
    assert "Traceback" not in err and err.count("\n") == 1
    assert err.startswith("edupoverty: io: ") and "没有空间写入输出" in err
    assert out.read_bytes() == OLD
    assert leftovers(out.parent) == [out.name]  # no temporary file
    assert leftovers(scratch) == []  # nor the XLSX writer's row files


def test_the_same_commands_without_the_limit_replace_the_output(
    tmp_path: Path, roster: Path
) -> None:
    out = tmp_path / "结果.csv"
    out.write_bytes(OLD)
    argv = ["assess", str(roster), "--school-year", "2019", "-q", "-o", str(out)]
    child = cli(argv, tmp_path)
    _, err = child.communicate(timeout=300)
    assert child.returncode in (0, 1), err
    assert out.stat().st_size > LIMIT
    assert leftovers(tmp_path) == [out.name]


STOPS = [
    ("csv", signal.SIGTERM),
    ("jsonl", signal.SIGTERM),
    ("xlsx", signal.SIGTERM),
    ("csv", signal.SIGHUP),  # the terminal closed
    ("csv", signal.SIGINT),  # Ctrl-C
]


@pytest.mark.parametrize(("fmt", "sig"), STOPS)
def test_a_signal_in_the_middle_of_a_big_output_leaves_the_old_one_and_no_temporary_file(
    tmp_path: Path, big_roster: Path, fmt: str, sig: signal.Signals
) -> None:
    folder = tmp_path / "out"
    scratch = tmp_path / "scratch"
    folder.mkdir()
    scratch.mkdir()
    out = folder / f"assessment.{fmt}"
    out.write_bytes(OLD)
    # a 2019 roster, no school-year note (-q): the only line on stderr is the stop
    argv = ["assess", str(big_roster), "--school-year", "2019", "-q", "-o", str(out)]
    child = cli(argv, scratch)
    deadline = time.monotonic() + 120
    # wait until the output is being written: its temporary file is there (and, for the
    # formats written as they go, has data in it)
    while time.monotonic() < deadline and child.poll() is None:
        temps = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
        if temps and (fmt == "xlsx" or temps[0].stat().st_size > 0):
            break
        time.sleep(0.01)
    assert child.poll() is None, "the command ended before it could be stopped"
    if fmt == "xlsx":
        time.sleep(0.5)  # rows go to the writer's scratch files first
    child.send_signal(sig)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 128 + sig, err  # 143 for SIGTERM, 130 for Ctrl-C
    assert "Traceback" not in err and err.count("\n") == 1
    said = "interrupted" if sig == signal.SIGINT else "stopped"
    assert err.startswith(f"edupoverty: {said}: ")
    assert out.read_bytes() == OLD
    assert leftovers(folder) == [out.name]
    assert leftovers(scratch) == []


def test_a_process_that_ignores_sigterm_by_choice_still_ignores_it(
    tmp_path: Path, roster: Path
) -> None:
    """nohup-style: a signal the caller told the process to ignore is not turned into a
    stop (the command runs to its end and replaces its output)."""
    out = tmp_path / "结果.csv"
    out.write_bytes(OLD)
    child = cli(
        ["assess", str(roster), "--format", "csv", "-o", str(out)],
        tmp_path,
        preexec_fn=lambda: signal.signal(signal.SIGTERM, signal.SIG_IGN),
    )
    time.sleep(0.5)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=300)
    assert child.returncode in (0, 1), err
    assert out.read_bytes() != OLD
    assert leftovers(tmp_path) == [out.name]
