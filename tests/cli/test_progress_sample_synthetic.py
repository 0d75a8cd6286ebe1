"""Progress on a terminal only, and the commands that write sample and synthetic rosters."""

from __future__ import annotations

import os
import select
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from edupoverty.cli import main
from edupoverty.records import read_roster
from edupoverty.records.sample import sample_roster_path
from edupoverty.records.synthetic import write_roster_csv

fcntl = pytest.importorskip("fcntl")  # pseudo-terminals: POSIX only
termios = pytest.importorskip("termios")



@pytest.fixture(scope="module")
def big_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_roster_csv(tmp_path_factory.mktemp("big") / "r.csv", 30_000, seed=5)


def _run_with_terminal_stderr(
    argv: list[str], columns: int = 100, timeout: float = 120
) -> tuple[int, str]:
    """Run the command with stderr on a pseudo-terminal; what it wrote there."""
    primary, secondary = os.openpty()
    if columns:
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "edupoverty.cli", *argv],
        stdout=subprocess.DEVNULL,
        stderr=secondary,
        stdin=subprocess.DEVNULL,
    )
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(primary, 65536)
                except OSError:  # the other end closed (Linux)
                    break
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(primary)
    return code, seen.decode("utf-8", "replace")


@pytest.mark.parametrize("columns", [100, 0])  # a terminal reporting no width: 80
def test_a_large_roster_shows_rows_rate_and_time_left_on_a_terminal(
    columns: int, big_roster: Path, tmp_path: Path
) -> None:
    argv = ["assess", str(big_roster), "--school-year", "2019", "-o", str(tmp_path / "a.csv")]
    code, err = _run_with_terminal_stderr(argv, columns)
    assert code == 0, err
    assert "测算" in err and "/30.0k" in err and "行/s" in err  # rows of the total, rate
    assert "<" in err  # elapsed<left


def test_validating_a_large_roster_shows_progress_on_a_terminal(big_roster: Path) -> None:
    argv = ["validate", str(big_roster), "--school-year", "2019", "--format", "json"]
    code, err = _run_with_terminal_stderr(argv)
    assert code in (0, 1), err
    assert "校验" in err and "/30.0k" in err and "行/s" in err


def test_a_public_list_of_a_large_roster_shows_progress_on_a_terminal(
    big_roster: Path, tmp_path: Path
) -> None:
    argv = ["public-list", str(big_roster), "-o", str(tmp_path / "list.csv")]
    code, err = _run_with_terminal_stderr(argv)
    assert code in (0, 1), err
    assert "读取名单" in err and "/30.0k" in err, err


def test_writing_a_large_synthetic_roster_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    argv = ["synthetic", "--rows", "30000", "-o", str(tmp_path / "s.csv")]
    code, err = _run_with_terminal_stderr(argv)
    assert code == 0, err
    assert "生成" in err and "/30.0k" in err, err


def test_quiet_shows_no_progress_even_on_a_terminal(big_roster: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "a.jsonl")
    code, err = _run_with_terminal_stderr(["assess", str(big_roster), "-q", "-o", out])
    assert code == 0 and "行/s" not in err and "学年：" not in err


def test_nothing_but_the_school_year_goes_to_a_stderr_that_is_not_a_terminal(
    big_roster: Path, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "edupoverty.cli", "assess", str(big_roster), "-o", "a.csv"],
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    err = done.stderr.decode()
    assert done.returncode == 0
    assert "\r" not in err and "行/s" not in err
    assert err.splitlines()[0].startswith("edupoverty: 学年：")


def test_sample_writes_the_bundled_files_and_replaces_them_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "示例" / "名单"
    assert main(["sample", str(folder)]) == 0
    roster = folder / "sample_roster.csv"
    assert roster.read_bytes() == sample_roster_path().read_bytes()
    assert "--school-year 2019" in capsys.readouterr().out
    roster.write_text("changed")
    assert main(["--lang", "en", "sample", str(folder), "--format", "json"]) == 0
    assert roster.read_bytes() == sample_roster_path().read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == [
        "sample_disbursements.csv",
        "sample_roster.csv",
    ]


def test_sample_into_a_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "file"
    target.write_text("")
    assert main(["sample", str(target)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_synthetic_writes_a_readable_roster_the_seed_repeats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (a, b):
        argv = ["synthetic", "--rows", "300", "--seed", "7", "--school-year", "2019", "-o"]
        assert main([*argv, str(out)]) == 0
    assert a.read_bytes() == b.read_bytes()
    result = read_roster(a)
    assert result.rows == 300 and result.accepted == 300


def test_synthetic_repeated_profiles_and_xlsx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.xlsx"
    argv = ["synthetic", "-n", "200", "--repeated", "5", "--school-year", "2019", "-o", str(out)]
    assert main(argv) == 0
    students = read_roster(out).students
    assert len(students) == 200
    assert len({(s.school_code, s.stage, s.grade) for s in students}) <= 5


def test_synthetic_refuses_a_bad_count_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["synthetic", "--rows", "-1", "-o", str(tmp_path / "r.csv")]) == 2
    assert main(["synthetic", "--defects", "2", "-o", str(tmp_path / "r.csv")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 2 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
