"""Policy profiles, overlays, targets and calendar year files pointed at hostile things —
a device without end, a FIFO, a directory, a huge file, a value nested 100,000 deep — are
refused at once with their own typed error, never read through, never a RecursionError."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from edupoverty.disclosure.workdays import load_year_file
from edupoverty.errors import CalendarDataError, InputError, PolicyError
from edupoverty.records import from_json
from edupoverty.records.model import Period
from edupoverty.records.safefile import MAX_BYTES, MAX_DEPTH, load_toml, read_limited
from edupoverty.rules import load_policy
from edupoverty.rules.loading import compose
from edupoverty.rules.targets import load_targets

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero")

LOADERS: dict[str, tuple[Callable[[Path], Any], type[InputError]]] = {
    "policy": (lambda p: load_policy(p), PolicyError),
    "overlay": (lambda p: compose(load_policy("seed"), p), PolicyError),
    "targets": (lambda p: load_targets(p), PolicyError),
    "calendar": (lambda p: load_year_file(p), CalendarDataError),
}

DEEP = 100_000


def hostile(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.toml"
    if kind == "deep_arrays":
        path.write_text("a = " + "[" * DEEP + "]" * DEEP + "\n", encoding="utf-8")
    elif kind == "deep_tables":
        path.write_text("a = " + "{b = " * DEEP + "1" + "}" * DEEP + "\n", encoding="utf-8")
    elif kind == "just_too_deep":  # parses, but deeper than any data file needs
        depth = MAX_DEPTH  # the top table counts as one level
        path.write_text("a = " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    elif kind == "huge":
        with path.open("wb") as fh:
            fh.write(b"# " + b"x" * (64 * MAX_BYTES) + b"\n")
    elif kind == "directory":
        path.mkdir()
    elif kind == "not_utf8":
        path.write_bytes("year = 2027 # 国务院".encode("gb18030"))
    else:
        raise AssertionError(kind)
    return path


@pytest.mark.parametrize("loader", sorted(LOADERS))
@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("deep_arrays", "nested more than 32 levels"),
        ("deep_tables", "nested more than 32 levels"),
        ("just_too_deep", "nested more than 32 levels"),
        ("huge", "larger than 1048576 bytes"),
        ("directory", "is a directory"),
        ("not_utf8", "not UTF-8"),
    ],
)
def test_a_hostile_data_file_is_refused_quickly_with_the_loaders_own_error(
    tmp_path: Path, loader: str, kind: str, reason: str
) -> None:
    load, error = LOADERS[loader]
    path = hostile(tmp_path, kind)
    start = time.perf_counter()
    with pytest.raises(error) as info:
        load(path)
    assert time.perf_counter() - start < 2
    assert reason in info.value.message_en
    assert f"{kind}.toml" in info.value.message_en


@posix_only
@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_a_device_is_refused_without_being_read(loader: str) -> None:
    load, error = LOADERS[loader]
    with pytest.raises(error) as info:
        load(Path("/dev/zero"))
    assert "not a regular file" in info.value.message_en


def test_a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"x" * 100)
    assert read_limited(path, limit=100) == b"x" * 100
    with pytest.raises(InputError) as info:
        read_limited(path, limit=99)
    assert info.value.code == "file.too_large"


def test_a_file_nested_to_the_limit_loads(tmp_path: Path) -> None:
    path = tmp_path / "ok.toml"
    path.write_text("a = " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1), encoding="utf-8")
    assert "a" in load_toml(path)


def test_the_refusals_carry_stable_codes(tmp_path: Path) -> None:
    codes = {}
    for kind in ("deep_arrays", "huge", "directory", "not_utf8"):
        with pytest.raises(InputError) as info:
            load_toml(hostile(tmp_path, kind))
        codes[kind] = info.value.code
    with pytest.raises(InputError) as info:
        load_toml(tmp_path / "missing.toml")
    codes["missing"] = info.value.code
    assert codes == {
        "deep_arrays": "file.nested",
        "huge": "file.too_large",
        "directory": "file.not_regular",
        "not_utf8": "file.encoding",
        "missing": "file.not_found",
    }


def test_json_nested_without_end_is_an_input_error() -> None:
    with pytest.raises(InputError):
        from_json("[" * DEEP + "]" * DEEP, Period)


# --- the command line: one line on stderr, exit 2, in bounded time ----------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "edupoverty", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@posix_only
@pytest.mark.parametrize("kind", ["dev_zero", "fifo", "deep_arrays", "deep_tables", "huge"])
@pytest.mark.parametrize("command", ["calendar", "policy"])
def test_the_command_line_refuses_a_hostile_file_in_one_line(
    tmp_path: Path, kind: str, command: str
) -> None:
    if kind == "dev_zero":
        path = Path("/dev/zero")
    elif kind == "fifo":
        path = tmp_path / "never.toml"
        os.mkfifo(path)  # no writer: a blocking open or read would hang for ever
    else:
        path = hostile(tmp_path, kind)
    if command == "calendar":
        done = run_cli("deadline", "2026-10-09", "-n", "5", "--calendar", str(path))
        code = "calendar.data"
    else:
        done = run_cli("policy", "show", str(path))
        code = "policy.invalid"
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith(f"edupoverty: {code}: ")
