"""``edupoverty assess`` on a large CSV roster, several processes at a time (``--jobs``).

The roster is cut into slices of whole lines (:func:`~edupoverty.records.roster.slice_roster`).
Each process reads, checks and assesses one slice and renders the lines of its students (CSV
rows or JSON objects); this process then writes the header, the students of every slice in
file order, the rejected rows, the amounts not configured and the summary of the whole
(:func:`~edupoverty.rules.assess.merge_summaries`): the same bytes one process writes
(``tests/cli/test_assess_parallel.py`` compares them).

Every worker first says that it has read and assessed its slice; nothing is written before.
``-o FILE`` is assembled in a temporary file beside it (owner-only) that replaces it once
every slice is done; standard output is written as the slices arrive. When a slice cannot be
read apart (a cell spanning two lines, bytes the guessed encoding does not decode, a worker
that died), or the file cannot be cut at all (XLSX, UTF-16, a small file, an output that is
the roster itself), :func:`assess_in_slices` returns ``None`` and the command reads the whole
file in one process, which reports any problem as usual. A worker lost after the writing
began makes one process write FILE again, or, on standard output, is an error (the output is
incomplete). Workers are forked (POSIX): the policy and the slice are inherited, not re-read,
and the rendered text comes back through a pipe.

Examples:
    >>> import argparse
    >>> args = argparse.Namespace(roster="no/such/file.csv", policy=None, school_year=2019,
    ...                           format="csv", output=None, lang="zh")
    >>> assess_in_slices(args, 2) is None  # nothing to cut: the one-process path reports it
    True
"""

from __future__ import annotations

import argparse
import codecs
import io
import multiprocessing
import os
import signal
import stat
import sys
import tempfile
import warnings
from datetime import date
from typing import Any, BinaryIO

from edupoverty.errors import EdupovertyError
from edupoverty.records.roster import RosterSlice, read_roster_columns, slice_roster
from edupoverty.rules import Policy, load_policy, merge_summaries
from edupoverty.rules.bulk import assess_columns

__all__ = ["assess_in_slices", "default_jobs"]


def default_jobs() -> int:
    """The number of processes ``--jobs 0`` (the default) means: one per CPU this process may
    run on, at most 4.

    Examples:
        >>> 1 <= default_jobs() <= 4
        True
    """
    return max(1, min(4, _cpus()))


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers)
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def assess_in_slices(args: argparse.Namespace, jobs: int) -> int | None:
    """Run ``edupoverty assess`` (CSV or JSON output) over ``jobs`` slices of the roster (at
    most one per CPU); return the exit code, or None if the one-process path must run
    instead (nothing has been written then).

    Examples:
        >>> import argparse, tempfile, pathlib
        >>> from edupoverty.records.synthetic import write_roster_csv
        >>> tmp = pathlib.Path(tempfile.mkdtemp())
        >>> roster = write_roster_csv(tmp / "r.csv", 200, seed=1)
        >>> args = argparse.Namespace(roster=str(roster), policy=None, school_year=2019,
        ...                           format="csv", output=str(tmp / "out.csv"), lang="zh")
        >>> assess_in_slices(args, 2) is None  # 40 KB: not worth slicing, one process runs
        True
    """
    jobs = min(jobs, _cpus())  # more processes than CPUs only cost memory
    if jobs < 2 or args.format not in ("csv", "json"):
        return None
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    mode: int | None = None
    if args.output:
        mode = _replaceable(args.output, args.roster)
        if mode is None:
            return None
    elif codecs.lookup(sys.stdout.encoding or "ascii").name != "utf-8" or os.linesep != "\n":
        return None  # the slices' text is UTF-8 with \n line ends, as one process writes it
    slices = slice_roster(args.roster, jobs)
    if slices is None or len(slices) < 2:
        return None
    policy = load_policy(*(args.policy or ["seed"]))
    job = (policy, args.school_year, args.format, args.lang, date.today())
    out: _Output | _Stdout
    try:
        out = _Output(args.output, mode) if args.output and mode is not None else _Stdout()
    except OSError:  # no temporary file beside the output: one process writes it in place
        return None
    ctx = multiprocessing.get_context("fork")
    sys.stdout.flush()  # a forked worker flushes its copy of these buffers when it ends
    sys.stderr.flush()
    workers = []
    code: int | None = None
    previous = signal.signal(signal.SIGTERM, _terminated)  # clean up when a timeout kills us
    try:
        for part in slices[1:]:
            receive, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_worker, args=(send, part, job), daemon=True)
            proc.start()
            send.close()
            workers.append((proc, receive))
        code = _gather(out, args, policy, slices[0], job, [r for _, r in workers])
        if code is not None:
            out.commit()
    finally:
        for proc, receive in workers:
            receive.close()
            if proc.is_alive():
                proc.terminate()
            proc.join()
        out.abort()  # removes the part file unless it was committed
        signal.signal(signal.SIGTERM, previous)
    return code


def _terminated(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def _replaceable(output: str, roster: str) -> int | None:
    """The mode to give ``output`` if a finished temporary file may replace it (absent, or
    a plain writable file with one name that is not the roster), else None: one process
    then writes it in place, exactly as asked (a link, a pipe, a device, a directory, hard
    links, a read-only file)."""
    try:
        st = os.lstat(output)
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask  # as open(output, "w") would make it
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1 or not os.access(output, os.W_OK):
        return None
    try:
        if os.path.samefile(output, roster):
            return None  # the output replaces the roster: one process reads it all first
    except OSError:
        return None
    return stat.S_IMODE(st.st_mode)


def _gather(
    out: _Output | _Stdout,
    args: argparse.Namespace,
    policy: Policy,
    first: RosterSlice,
    job: tuple[Any, ...],
    pipes: list[Any],
) -> int | None:
    """Write the whole output to ``out``: the first slice rendered here, then every worker's
    students as they arrive, then the end; None if a slice cannot be read apart (then
    nothing has been written: the workers say they have read and assessed their slices
    before anything is)."""
    from edupoverty.cli.commands.assess import csv_header, csv_rejected, json_head, json_tail
    from edupoverty.records.writers import write_csv_columns

    mine = _assessed(first, job, quiet=False)
    if mine is None:
        return None
    for receive in pipes:  # every slice read and assessed?
        ready, why = _message(receive)
        if ready is None:
            _one_process(why)
            return None
    report, _ = mine
    lang = args.lang
    text = out.text()
    if args.format == "csv":
        if args.output:
            text.write("\ufeff")  # a file: UTF-8 with BOM, as one process writes it
        write_csv_columns(text, csv_header(policy, lang), [])
    else:
        text.write(json_head(report))
    metas = [_render(report, text, args.format, lang)]
    text.flush()
    wrote = metas[0]["students"] > 0
    for receive in pipes:
        meta, why = _message(receive)
        try:
            if meta is not None:
                if args.format == "json" and wrote and meta["students"]:
                    out.raw.write(b",")
                while piece := receive.recv_bytes():
                    out.raw.write(piece)
        except EOFError:
            meta, why = None, "died"
        if meta is None:  # a worker lost after reading its slice: not the file's doing
            out.lost(why or "stopped")
            return None
        wrote = wrote or meta["students"] > 0
        metas.append(meta)
    rejected = [r for meta in metas for r in meta["rejected"]]
    if args.format == "csv":
        write_csv_columns(text, None, [], more=csv_rejected(policy, rejected, lang))
    else:
        summary = merge_summaries(meta["summary"] for meta in metas)
        text.write(json_tail(rejected, _merge_not_configured(metas), summary))
    text.flush()
    return 1 if rejected else 0


def _message(receive: Any) -> tuple[dict[str, Any] | None, str]:
    """A worker's next message; or None and, if not merely a slice that cannot be read
    apart, what happened to the worker."""
    try:
        msg: dict[str, Any] | None = receive.recv()
    except EOFError:
        return None, "died"
    if msg is not None and "failed" in msg:
        return None, f"failed ({msg['failed']})"
    return msg, ""


def _one_process(why: str) -> None:
    if why:  # not the file's doing: say so
        print(f"edupoverty: a worker process {why}; assessing in one process", file=sys.stderr)


class _Output:
    """A temporary file beside ``-o FILE`` (owner-only while written) that replaces FILE,
    with FILE's mode, once complete: a failure leaves any earlier file as it was."""

    def __init__(self, path: str, mode: int) -> None:
        self.path = path
        self.mode = mode
        fd, self.temp = tempfile.mkstemp(
            prefix=".edupoverty-", suffix=".part", dir=os.path.dirname(os.path.abspath(path))
        )
        self.raw: BinaryIO = os.fdopen(fd, "wb")
        self._text: io.TextIOWrapper | None = None

    def text(self) -> io.TextIOWrapper:
        if self._text is None:
            self._text = io.TextIOWrapper(
                self.raw, encoding="utf-8", newline="", write_through=True
            )
        return self._text

    def commit(self) -> None:
        if self._text is not None:
            self._text.flush()
        self.raw.close()
        os.chmod(self.temp, self.mode)
        os.replace(self.temp, self.path)
        self.temp = ""

    def lost(self, why: str) -> None:
        """A worker was lost after the writing began: FILE is untouched, start again."""
        _one_process(why)

    def abort(self) -> None:
        """Remove the temporary file, unless it was committed."""
        if not self.raw.closed:
            self.raw.close()
        if self.temp and os.path.exists(self.temp):
            os.remove(self.temp)
        self.temp = ""


class _Stdout:
    """Standard output, written as the slices arrive (nothing is buffered whole)."""

    def __init__(self) -> None:
        self.raw: BinaryIO = sys.stdout.buffer
        self._text: io.TextIOWrapper | None = None

    def text(self) -> io.TextIOWrapper:
        if self._text is None:
            sys.stdout.flush()
            self._text = io.TextIOWrapper(
                self.raw, encoding="utf-8", newline="", write_through=True
            )
        return self._text

    def lost(self, why: str) -> None:
        """A worker was lost after the writing began: what was written cannot be taken back."""
        raise EdupovertyError(
            "一个工作进程在输出过程中退出：输出不完整，请用 --jobs 1 重新运行",
            "a worker process stopped while the output was written: it is incomplete; "
            "run again with --jobs 1",
        )

    def commit(self) -> None:
        if self._text is not None:
            self._text.flush()
            self._text.detach()  # standard output stays open
            self._text = None
        self.raw.flush()

    def abort(self) -> None:
        if self._text is not None:
            self._text.flush()
            self._text.detach()
            self._text = None


def _worker(send: Any, part: RosterSlice, job: tuple[Any, ...]) -> None:
    """A forked worker: ``{"ready": True}`` once its slice is read and assessed, then its
    slice's end-of-output parts and its students' text in pieces (an empty piece ends them);
    None if the slice cannot be read apart, ``{"failed": …}`` if anything else went
    wrong."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's clean-up is not ours
    try:
        try:
            mine = _assessed(part, job, quiet=True)
        except Exception as exc:
            send.send({"failed": type(exc).__name__})
            return
        if mine is None:
            send.send(None)
            return
        send.send({"ready": True})  # read and assessed: the parent may start writing
        report, _ = mine
        buffer = io.BytesIO()
        text = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
        meta = _render(report, text, job[2], job[3])
        text.flush()
        body = buffer.getbuffer()
        send.send(meta)
        for lo in range(0, len(body), _PIECE):
            send.send_bytes(body[lo : lo + _PIECE])
        send.send_bytes(b"")
    finally:
        send.close()


_PIECE = 1 << 23  # bytes sent at a time


def _assessed(
    part: RosterSlice, job: tuple[Any, ...], *, quiet: bool
) -> tuple[Any, tuple[Any, ...]] | None:
    """The report of one slice (read, checked, assessed), or None if it cannot be read
    apart."""
    from edupoverty.cli.commands.assess import AssessReport
    from edupoverty.errors import EdupovertyError

    policy, school_year, _fmt, _lang, today = job
    try:
        columns = read_roster_columns(part.path, today=today, part=part)
    except EdupovertyError:
        return None
    with warnings.catch_warnings():
        if quiet:  # the stale-policy warning is shown once, by the first slice
            warnings.simplefilter("ignore")
        assessed = assess_columns(columns, policy, school_year)
    report = AssessReport(policy, school_year, assessed, list(columns.rejected))
    return report, tuple(columns.rejected)


def _render(report: Any, text: Any, fmt: str, lang: str) -> dict[str, Any]:
    """Write a slice's students to ``text``; return what the end of the output needs."""
    from edupoverty.cli.commands.assess import csv_students, json_students

    if fmt == "csv":
        students = csv_students(report, text, lang, header=False)
    else:
        students = json_students(report, text)
    meta: dict[str, Any] = {"students": students, "rejected": tuple(report.rejected)}
    if fmt == "json":
        meta["summary"] = report.summary()
        meta["not_configured"] = report.not_configured()
    return meta


def _merge_not_configured(done: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for part in done:
        for item in part["not_configured"]:
            key = (item["programme"], item["parameter"], item["reason_zh"], item["reason_en"])
            if key in merged:
                merged[key]["students"] += item["students"]
            else:
                merged[key] = dict(item)
    return list(merged.values())
