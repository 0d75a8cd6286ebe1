"""``edupoverty assess --jobs N``: a CSV roster read, assessed and rendered in slices by forked
workers gives byte for byte the output of one process (``--jobs 1``), and falls back to one
process whenever a slice cannot be read apart."""

from __future__ import annotations

import argparse
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from edupoverty.cli import main, parallel
from edupoverty.records.roster import slice_roster
from edupoverty.records.synthetic import DEFECTS, write_roster_csv

pytestmark = pytest.mark.skipif(
    "fork" not in __import__("multiprocessing").get_all_start_methods(),
    reason="--jobs forks its workers (POSIX)",
)


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2000 rows with every defect: rejected rows, warnings, amounts not configured."""
    path = tmp_path_factory.mktemp("par") / "roster.csv"
    return write_roster_csv(path, 2000, seed=21, defects=dict.fromkeys(DEFECTS, 0.01))


@pytest.fixture(scope="module")
def clean_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("par") / "clean.csv"
    return write_roster_csv(path, 1000, seed=22, defects={})


@pytest.fixture
def outcomes(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """Slice even small rosters (min_bytes=0), and record what assess_in_slices returned:
    an exit code when the slices were used, None when one process ran instead."""
    got: list[int | None] = []

    def small_slices(path: Any, parts: int, *, min_bytes: int = 0) -> Any:
        return slice_roster(path, parts, min_bytes=0)

    in_slices = parallel.assess_in_slices

    def recorded(args: Any, jobs: int) -> int | None:
        code = in_slices(args, jobs)
        got.append(code)
        return code

    monkeypatch.setattr(parallel, "slice_roster", small_slices)
    monkeypatch.setattr(parallel, "assess_in_slices", recorded)
    return got


def run_to_file(
    tmp_path: Path, roster: Path, jobs: int, *options: str, lang: str = "zh"
) -> tuple[int, bytes]:
    """``edupoverty --lang LANG assess ROSTER -o FILE --jobs JOBS OPTIONS``: exit code, bytes."""
    out = tmp_path / f"out-{jobs}-{len(list(tmp_path.iterdir()))}"
    argv = ["--lang", lang, "assess", str(roster), "-o", str(out), "--jobs", str(jobs), *options]
    code = main(argv)
    return code, out.read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("jobs", [2, 5])
def test_a_file_written_by_several_processes_is_the_file_of_one(
    tmp_path: Path, roster: Path, outcomes: list[int | None], fmt: str, jobs: int
) -> None:
    one = run_to_file(tmp_path, roster, 1, "--format", fmt)
    many = run_to_file(tmp_path, roster, jobs, "--format", fmt)
    assert outcomes == [None, 1]  # --jobs 1: one process; --jobs N: the slices, rows rejected
    assert one[0] == many[0] == 1  # rows were rejected
    assert many[1] == one[1]
    if fmt == "json":
        doc = json.loads(one[1])
        assert doc["rejected"] and doc["not_configured"] is not None
        assert len(doc["students"]) + len(doc["rejected"]) == 2000
        assert doc["summary"]["students"] == len(doc["students"])
    else:
        assert one[1].startswith(b"\xef\xbb\xbf")
        assert one[1].count(b"\n") > 2000  # header, students, rejected rows (a few quoted)


@pytest.mark.parametrize(
    ("lang", "options"),
    [
        ("en", ("--format", "csv", "--policy", "dangshan")),
        ("en", ("--format", "json", "--policy", "hebei")),
        ("zh", ("--format", "csv", "--policy", "liling", "--school-year", "2020")),
        ("zh", ("--format", "json", "--policy", "seed", "--policy", "national-2025")),
    ],
)
def test_policies_languages_and_years_give_the_same_file_either_way(
    tmp_path: Path, roster: Path, outcomes: list[int | None], lang: str, options: tuple[str, ...]
) -> None:
    one = run_to_file(tmp_path, roster, 1, *options, lang=lang)
    many = run_to_file(tmp_path, roster, 4, *options, lang=lang)
    assert outcomes[1] == 1
    assert many == one


def test_a_clean_roster_exits_zero_either_way(
    tmp_path: Path, clean_roster: Path, outcomes: list[int | None]
) -> None:
    one = run_to_file(tmp_path, clean_roster, 1, "--format", "json")
    many = run_to_file(tmp_path, clean_roster, 3, "--format", "json")
    assert outcomes == [None, 0]
    assert one == many and one[0] == 0
    assert json.loads(one[1])["rejected"] == []


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_standard_output_is_the_same_bytes_either_way(
    roster: Path, outcomes: list[int | None], capsysbinary: pytest.CaptureFixture[bytes], fmt: str
) -> None:
    assert main(["assess", str(roster), "--format", fmt, "--jobs", "1"]) == 1
    one = capsysbinary.readouterr().out
    assert main(["assess", str(roster), "--format", fmt, "--jobs", "3"]) == 1
    many = capsysbinary.readouterr().out
    assert outcomes == [None, 1]  # written by the slices, as they arrived
    assert many == one
    assert not one.startswith(b"\xef\xbb\xbf")  # no byte-order mark on standard output
    if fmt == "json":
        json.loads(one)


def test_the_default_jobs_gives_the_same_file(
    tmp_path: Path, roster: Path, outcomes: list[int | None]
) -> None:
    one = run_to_file(tmp_path, roster, 1, "--format", "csv")
    out = tmp_path / "default.csv"
    assert main(["assess", str(roster), "--format", "csv", "-o", str(out)]) == one[0]
    assert out.read_bytes() == one[1]
    assert outcomes[-1] == (1 if parallel.default_jobs() > 1 else None)


def with_line(roster: Path, target: Path, at: int, line: bytes) -> Path:
    lines = roster.read_bytes().splitlines(keepends=True)
    lines.insert(at, line)
    target.write_bytes(b"".join(lines))
    return target


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_cell_spanning_lines_mid_file_falls_back_to_one_process(
    tmp_path: Path, roster: Path, outcomes: list[int | None], fmt: str
) -> None:
    spanning = '王五,11010520120307002X,,"第一\n第二",1,2,小学,3,否,否,乡村,公办\n'.encode()
    p = with_line(roster, tmp_path / "spanning.csv", 1000, spanning)
    one = run_to_file(tmp_path, p, 1, "--format", fmt)
    many = run_to_file(tmp_path, p, 3, "--format", fmt)
    assert outcomes == [None, None]  # the middle slice met the cell: the whole file, once
    assert many == one and one[0] == 1


def test_gbk_text_after_a_utf8_start_falls_back_to_one_process(
    tmp_path: Path, outcomes: list[int | None]
) -> None:
    head = "name,id_number,school_code,stage,school_location\n"
    row = "Zhang,11010520120307002X,3412001,primary,rural\n"
    p = tmp_path / "gbk.csv"
    p.write_bytes((head + row * 3000 + "张三,110105201203070011,3412001,小学,乡村\n").encode("gbk"))
    one = run_to_file(tmp_path, p, 1, "--format", "json")
    many = run_to_file(tmp_path, p, 2, "--format", "json")
    assert outcomes == [None, None]
    assert many == one and one[0] == 0
    assert json.loads(one[1])["students"][-1]["name"] == "张三"


@pytest.fixture
def dying_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every forked worker dies mid-slice: no result through the pipe."""
    parent = os.getpid()
    work: Callable[..., Any] = parallel._assessed

    def dying(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            os._exit(3)
        return work(*args, **kwargs)

    monkeypatch.setattr(parallel, "_assessed", dying)


@pytest.mark.usefixtures("dying_workers")
def test_a_worker_that_dies_makes_one_process_run_instead(
    tmp_path: Path, roster: Path, outcomes: list[int | None]
) -> None:
    one = run_to_file(tmp_path, roster, 1, "--format", "csv")
    many = run_to_file(tmp_path, roster, 3, "--format", "csv")
    assert outcomes == [None, None]
    assert many == one


def test_formats_other_than_csv_and_json_run_in_one_process(
    tmp_path: Path, roster: Path, outcomes: list[int | None], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(roster), "--jobs", "3"]) == 1  # table
    table = capsys.readouterr().out
    assert main(["assess", str(roster), "--jobs", "1"]) == 1
    assert capsys.readouterr().out == table
    out = tmp_path / "r.xlsx"
    assert main(["assess", str(roster), "--format", "xlsx", "-o", str(out), "--jobs", "3"]) == 1
    assert out.stat().st_size > 0
    assert outcomes == [None, None, None]


def test_negative_jobs_are_refused(roster: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(roster), "--jobs", "-1"]) == 2
    assert "--jobs" in capsys.readouterr().err


def test_a_roster_over_the_default_slicing_size_is_cut_without_help(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """No monkeypatching: a roster of more than 4 MiB is sliced by the CLI's own default."""
    d = tmp_path_factory.mktemp("big")
    path = write_roster_csv(d / "big.csv", 25000, seed=23, defects=dict.fromkeys(DEFECTS, 0.002))
    assert path.stat().st_size > 4 << 20
    assert slice_roster(path, 2) is not None
    one, many = d / "one.csv", d / "many.csv"
    assert main(["assess", str(path), "--format", "csv", "-o", str(one), "--jobs", "1"]) == 1
    assert main(["assess", str(path), "--format", "csv", "-o", str(many), "--jobs", "2"]) == 1
    assert many.read_bytes() == one.read_bytes()


def test_a_stale_policy_warns_once_either_way(
    tmp_path: Path, roster: Path, outcomes: list[int | None]
) -> None:
    from edupoverty.errors import PolicyStaleWarning

    results = []
    for jobs in (1, 3):
        with pytest.warns(PolicyStaleWarning) as caught:
            results.append(
                run_to_file(tmp_path, roster, jobs, "--format", "json", "--school-year", "2021")
            )
        assert len([w for w in caught if w.category is PolicyStaleWarning]) == 1
    assert outcomes == [None, 1]
    assert results[0] == results[1]


@pytest.mark.parametrize("kind", ["xlsx", "utf-16"])
def test_a_roster_that_cannot_be_cut_by_lines_runs_in_one_process(
    tmp_path: Path, roster: Path, outcomes: list[int | None], kind: str
) -> None:
    import csv

    from edupoverty.records.writers import write_xlsx

    text = roster.read_text(encoding="utf-8")
    if kind == "xlsx":
        rows = list(csv.reader(text.splitlines()))
        p = tmp_path / "roster.xlsx"
        write_xlsx(p, rows[0], rows[1:300])
    else:
        p = tmp_path / "roster.csv"
        p.write_text(text, encoding="utf-16")
    one = run_to_file(tmp_path, p, 1, "--format", "json")
    many = run_to_file(tmp_path, p, 3, "--format", "json")
    assert outcomes == [None, None]
    assert many == one
    assert json.loads(one[1])["students"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_giant_cell_split_over_lines_is_a_rejected_row_not_a_crash(
    tmp_path: Path, outcomes: list[int | None], jobs: int
) -> None:
    import csv

    half = "x" * (csv.field_size_limit() // 2 + 100)
    row = "张三,11010520120307002X,3412001,小学,乡村\n"
    p = tmp_path / "r.csv"
    p.write_text(
        "姓名,身份证号,学校代码,学段,学校所在地\n"
        + row * (70000 // len(row.encode()))
        + f'李四,110105201203070011,"{half}\n{half}",小学,乡村\n'
        + row * 12000,
        encoding="utf-8",
    )
    code, out = run_to_file(tmp_path, p, jobs, "--format", "json")
    assert code == 1
    assert [r["findings"][0]["field"] for r in json.loads(out)["rejected"]] == ["(line)"]


@pytest.mark.usefixtures("dying_workers")
def test_a_failed_attempt_leaves_no_partial_file_and_an_earlier_output_intact(
    tmp_path: Path, roster: Path, outcomes: list[int | None]
) -> None:
    # The output is assembled in a temporary file beside -o FILE, which replaces FILE only
    # when every slice is done: a worker that dies leaves nothing behind.
    out = tmp_path / "out.csv"
    out.write_bytes(b"earlier")
    args = argparse.Namespace(
        roster=str(roster), policy=None, school_year=2019, format="csv", output=str(out), lang="zh"
    )
    assert parallel.assess_in_slices(args, 3) is None
    assert out.read_bytes() == b"earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_an_output_that_is_the_roster_itself_is_written_after_one_process_read_it(
    tmp_path: Path, roster: Path, outcomes: list[int | None]
) -> None:
    copy = tmp_path / "roster.csv"
    copy.write_bytes(roster.read_bytes())
    expected = run_to_file(tmp_path, roster, 1, "--format", "csv")
    code = main(["assess", str(copy), "-o", str(copy), "--jobs", "3", "--format", "csv"])
    assert outcomes[-1] is None  # one process: the slices would read a file being replaced
    assert (code, copy.read_bytes()) == expected


def test_an_existing_output_keeps_its_mode(
    tmp_path: Path, roster: Path, outcomes: list[int | None]
) -> None:
    out = tmp_path / "private.csv"
    out.write_bytes(b"old")
    out.chmod(0o600)  # a file of names and student numbers kept private
    assert main(["assess", str(roster), "-o", str(out), "--jobs", "3", "--format", "csv"]) == 1
    assert outcomes == [1]  # written by the slices
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_an_output_that_is_a_link_or_read_only_is_left_to_one_process(
    tmp_path: Path, roster: Path, outcomes: list[int | None], capsys: pytest.CaptureFixture[str]
) -> None:
    expected = run_to_file(tmp_path, roster, 1, "--format", "csv")
    target = tmp_path / "target.csv"
    target.write_bytes(b"")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert main(["assess", str(roster), "-o", str(link), "--jobs", "3", "--format", "csv"]) == 1
    assert link.is_symlink() and (expected[0], target.read_bytes()) == expected
    locked = tmp_path / "locked.csv"
    locked.write_bytes(b"keep")
    locked.chmod(0o400)
    if os.access(locked, os.W_OK):  # root ignores the mode: nothing to show
        return
    assert main(["assess", str(roster), "-o", str(locked), "--jobs", "3", "--format", "csv"]) == 2
    assert locked.read_bytes() == b"keep"
    assert outcomes[-3:] == [None, None, None]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_json_written_to_a_stream_is_in_that_streams_encoding(roster: Path, encoding: str) -> None:
    import io

    from edupoverty.cli.commands.assess import assess_report, write_json

    report = assess_report(roster)
    text = io.StringIO()
    write_json(report, text)
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, newline="")
    write_json(report, stream)
    stream.flush()
    assert raw.getvalue().decode(encoding) == text.getvalue()
    assert "张" in text.getvalue() or "王" in text.getvalue()  # names are not ASCII


def test_a_terminated_run_leaves_no_part_file(tmp_path: Path) -> None:
    # A scheduler's timeout (SIGTERM) while the slices are being assembled: the temporary
    # file beside the output is removed, the earlier output stays as it was.
    import signal
    import subprocess
    import sys
    import time

    roster = write_roster_csv(tmp_path / "big.csv", 60000, seed=5, defects={})  # ~12 MB
    out = tmp_path / "out.csv"
    out.write_bytes(b"earlier")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"))
    argv = [sys.executable, "-m", "edupoverty", "assess", str(roster), "--format", "csv"]
    proc = subprocess.Popen([*argv, "-o", str(out), "--jobs", "2"], env=env)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".edupoverty-*.part")):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.wait()
            pytest.skip("the run ended before its part file could be seen")
        time.sleep(0.005)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    assert not list(tmp_path.glob(".edupoverty-*.part"))
    assert out.read_bytes() == b"earlier"


@pytest.fixture
def workers_lost_while_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every forked worker reads and assesses its slice, then dies while rendering it."""
    parent = os.getpid()
    render: Callable[..., Any] = parallel._render

    def dying(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            os._exit(3)
        return render(*args, **kwargs)

    monkeypatch.setattr(parallel, "_render", dying)


@pytest.mark.usefixtures("workers_lost_while_writing")
def test_a_worker_lost_while_a_file_is_written_makes_one_process_write_it(
    tmp_path: Path, roster: Path, outcomes: list[int | None], capsys: pytest.CaptureFixture[str]
) -> None:
    one = run_to_file(tmp_path, roster, 1, "--format", "json")
    many = run_to_file(tmp_path, roster, 3, "--format", "json")
    assert outcomes == [None, None]
    assert many == one
    assert "a worker process died; assessing in one process" in capsys.readouterr().err
    assert not list(tmp_path.glob(".edupoverty-*.part"))


@pytest.mark.usefixtures("workers_lost_while_writing")
def test_a_worker_lost_while_standard_output_is_written_is_an_error_not_a_silent_cut(
    roster: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What was already written cannot be taken back: the command says the output is
    # incomplete and exits 2, instead of ending it quietly.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parallel, "slice_roster", lambda p, n: slice_roster(p, n, min_bytes=0))
        code = main(["--lang", "en", "assess", str(roster), "--format", "csv", "--jobs", "3"])
    assert code == 2
    assert "incomplete" in capsys.readouterr().err
