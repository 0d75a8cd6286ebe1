"""Every output is replaced whole: a write that fails, is interrupted, is killed or fills
the disk leaves the old file as it was, and a complete write replaces it in one step."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from edupoverty.errors import InputError
from edupoverty.records.outfile import replace_whole

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and permissions")


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_complete_write_replaces_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old")
    with replace_whole(out) as fh:
        fh.write("新的")
        assert out.read_text() == "old"  # nothing is seen before the write is complete
    assert out.read_text(encoding="utf-8") == "新的"
    assert names(tmp_path) == ["report.json"]


@pytest.mark.parametrize("error", [OSError, KeyboardInterrupt, SystemExit])
def test_a_write_that_raises_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, error: type[BaseException]
) -> None:
    out = tmp_path / "名单.csv"
    out.write_bytes(b"old list")
    with pytest.raises(error), replace_whole(out, "wb") as fh:
        fh.write(b"half a new list")
        raise error()
    assert out.read_bytes() == b"old list"
    assert names(tmp_path) == ["名单.csv"]


def test_a_write_that_fails_where_there_was_no_file_leaves_none(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), replace_whole(tmp_path / "new.csv") as fh:
        fh.write("x")
        raise RuntimeError
    assert names(tmp_path) == []


@posix_only
def test_the_file_being_written_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    with replace_whole(tmp_path / "名单.csv") as fh:
        (temp,) = tmp_path.iterdir()
        assert temp.name.startswith(".名单.csv.") and temp.name.endswith(".tmp")
        assert stat.S_IMODE(temp.stat().st_mode) == 0o600
        fh.write("x")


@posix_only
def test_a_replaced_file_keeps_its_permissions_and_a_new_one_follows_the_umask(
    tmp_path: Path,
) -> None:
    kept = tmp_path / "kept.csv"
    kept.write_text("old")
    kept.chmod(0o640)
    with replace_whole(kept) as fh:
        fh.write("new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    previous = os.umask(0o027)
    try:
        with replace_whole(tmp_path / "new.csv") as fh:
            fh.write("new")
    finally:
        os.umask(previous)
    # as open() would make it, where the umask can be read without changing it (Linux)
    expected = 0o640 if Path("/proc/self/status").exists() else 0o600
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == expected


def test_a_directory_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    for target in (tmp_path, f"{tmp_path / 'nothing'}{os.sep}"):
        with pytest.raises(InputError) as err, replace_whole(target):
            pass
        assert err.value.code == "output.directory"
    assert names(tmp_path) == []


@posix_only
def test_a_symbolic_link_stays_a_link_to_the_replaced_file(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "list.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with replace_whole(link) as fh:
        fh.write("new")
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_text() == "new"
    assert names(tmp_path / "real") == ["list.csv"]


@posix_only
def test_a_device_is_written_directly(tmp_path: Path) -> None:
    with replace_whole("/dev/null") as fh:
        fh.write("discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_path_that_is_not_a_path_is_a_typed_error() -> None:
    with pytest.raises(TypeError), replace_whole(3):  # type: ignore[arg-type]
        pass
    with pytest.raises(ValueError), replace_whole("x.csv", "a"):
        pass


# --- fault injection: real processes, killed or out of room -------------------------------------

# A child that writes a large CSV of an Arrow table over `target`, slowly enough to be
# caught half-way; it prints "writing" once the first batch is out.
WRITER = textwrap.dedent(
    """
    import signal, sys, time
    import pyarrow as pa
    from edupoverty.records.writers import write_table_csv

    if sys.argv[2] == "handler":  # how a command line turns SIGTERM into an exception
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    def batches():
        for i in range(10_000):
            yield pa.record_batch({"姓名": [f"学生{i}-{k}" for k in range(1000)]})
            if i == 0:
                print("writing", flush=True)
            time.sleep(0.001)

    write_table_csv(batches(), sys.argv[1])
    """
)


def start_writer(target: Path, mode: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target), mode], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "writing\n"
    time.sleep(0.05)
    return child


@posix_only
def test_a_writer_killed_half_way_leaves_the_old_file_intact(tmp_path: Path) -> None:
    out = tmp_path / "名单.csv"
    out.write_bytes(b"old list")
    child = start_writer(out, "plain")
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    assert out.read_bytes() == b"old list"
    # a killed process cannot clean up: at most its own hidden, owner-only temporary file
    left = [p for p in tmp_path.iterdir() if p != out]
    assert all(p.name.startswith(".名单.csv.") for p in left)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in left)


@posix_only
def test_a_writer_stopped_by_sigterm_through_a_handler_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    out = tmp_path / "名单.csv"
    out.write_bytes(b"old list")
    child = start_writer(out, "handler")
    child.send_signal(signal.SIGTERM)
    assert child.wait(10) == 143
    assert out.read_bytes() == b"old list"
    assert names(tmp_path) == ["名单.csv"]


FULL_DISK = textwrap.dedent(
    """
    import resource, signal, sys
    import pyarrow as pa
    from edupoverty.records.writers import {writer}

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
    table = pa.table({{"姓名": [f"学生{{i}}" for i in range(200_000)]}})
    try:
        {writer}(table, sys.argv[1])
    except OSError as err:
        print("refused", err.errno)
    """
)


@posix_only
@pytest.mark.parametrize("writer", ["write_table_csv", "write_table_jsonl", "write_table_xlsx"])
def test_a_write_that_runs_out_of_room_leaves_the_old_file(tmp_path: Path, writer: str) -> None:
    out = tmp_path / "名单.out"
    out.write_bytes(b"old list")
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK.format(writer=writer), str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.startswith("refused"), done.stderr
    assert out.read_bytes() == b"old list"
    assert names(tmp_path) == ["名单.out"]
