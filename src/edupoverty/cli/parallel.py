"""``edupoverty assess`` on a large CSV roster, several processes at a time (``--jobs``).

The roster is cut into slices of whole lines (:func:`~edupoverty.records.roster.slice_roster`).
Each process reads, checks and assesses one slice and renders the lines of its students (CSV
rows or JSON objects); this process then writes the header, the students of every slice in
file order, the rejected rows, the amounts not configured and the summary of the whole
(:func:`~edupoverty.rules.assess.merge_summaries`): the same bytes one process writes
(``tests/cli/test_assess_parallel.py`` compares them).

The output is assembled in a temporary file beside ``-o FILE`` (owner-only) that replaces it
once every slice is done, or in memory for standard output, written at the end: a failed
attempt leaves no trace. When a slice cannot be read apart (a cell spanning two lines, bytes
the guessed encoding does not decode, a worker that died), or the file cannot be cut at all
(XLSX, UTF-16, a small file, an output that is the roster itself),
:func:`assess_in_slices` returns ``None`` and the command reads the whole file in one
process, which reports any problem as usual. Workers are forked (POSIX): the policy and the
slice are inherited, not re-read, and the rendered text comes back through a pipe.

Examples:
    >>> import argparse
    >>> args = argparse.Namespace(roster="no/such/file.csv", policy=None, school_year=2019,
    ...                           format="csv", output=None, lang="zh")
    >>> assess_in_slices(args, 2) is None  # nothing to cut: the one-process path reports it
    True
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import sys
import tempfile
import warnings
from datetime import date
from typing import Any, BinaryIO

from edupoverty.records.roster import RosterSlice, read_roster_columns, slice_roster
from edupoverty.rules import Policy, load_policy, merge_summaries
from edupoverty.rules.bulk import assess_columns

__all__ = ["assess_in_slices", "default_jobs"]


def default_jobs() -> int:
    """The number of processes ``--jobs 0`` (the default) means: one per CPU, at most 4.

    Examples:
        >>> 1 <= default_jobs() <= 4
        True
    """
    return max(1, min(4, os.cpu_count() or 1))


def assess_in_slices(args: argparse.Namespace, jobs: int) -> int | None:
    """Run ``edupoverty assess`` (CSV or JSON output) over ``jobs`` slices of the roster (at
    most one per CPU); return the exit code, or None if the one-process path must run
    instead."""
    jobs = min(jobs, os.cpu_count() or 1)  # more processes than CPUs only cost memory
    if jobs < 2 or args.format not in ("csv", "json"):
        return None
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    if args.output is None and (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        return None
    slices = slice_roster(args.roster, jobs)
    if slices is None or len(slices) < 2:
        return None
    if args.output and os.path.exists(args.output) and os.path.samefile(args.output, args.roster):
        return None  # the output replaces the roster: one process reads it all first
    policy = load_policy(*(args.policy or ["seed"]))
    job = (policy, args.school_year, args.format, args.lang, date.today())
    ctx = multiprocessing.get_context("fork")
    sys.stdout.flush()  # a forked worker flushes its copy of these buffers when it ends
    sys.stderr.flush()
    workers = []
    for part in slices[1:]:
        receive, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_worker, args=(send, part, job), daemon=True)
        proc.start()
        send.close()
        workers.append((proc, receive))
    out = _Output(args.output)
    code: int | None = None
    try:
        code = _gather(out, args, policy, slices[0], job, [r for _, r in workers])
    finally:
        for proc, receive in workers:
            receive.close()
            if proc.is_alive():
                proc.terminate()
            proc.join()
        if code is None:  # a slice failed, or an exception is on its way
            out.abort()
    if code is None:
        return None
    out.commit()
    return code


def _gather(
    out: _Output,
    args: argparse.Namespace,
    policy: Policy,
    first: RosterSlice,
    job: tuple[Any, ...],
    pipes: list[Any],
) -> int | None:
    """Write the whole output to ``out``: the first slice rendered here, then every worker's
    students as they arrive, then the end; None (nothing kept) if a slice failed."""
    from edupoverty.cli.commands.assess import (
        csv_header,
        csv_rejected,
        json_head,
        json_tail,
    )
    from edupoverty.records.writers import write_csv_columns

    mine = _assessed(first, job, quiet=False)
    if mine is None:
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
        try:
            meta = receive.recv()
            if meta is None:
                return None
            if args.format == "json" and wrote and meta["students"]:
                out.raw.write(b",")
            while piece := receive.recv_bytes():
                out.raw.write(piece)
        except EOFError:  # the worker died
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


class _Output:
    """Where the output goes: a temporary file beside ``-o FILE`` that replaces it once
    complete (so a failure leaves any earlier file as it was), or a buffer for standard
    output (written at the end: a failed attempt must leave no trace)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.temp: str | None = None
        if path:
            fd, self.temp = tempfile.mkstemp(
                prefix=".edupoverty-", suffix=".part", dir=os.path.dirname(os.path.abspath(path))
            )
            self.raw: BinaryIO = os.fdopen(fd, "wb")
        else:
            self.raw = io.BytesIO()
        self._text: io.TextIOWrapper | None = None

    def text(self) -> io.TextIOWrapper:
        if self._text is None:
            self._text = io.TextIOWrapper(
                self.raw, encoding="utf-8", newline="", write_through=True
            )
        return self._text

    def abort(self) -> None:
        self.raw.close()
        if self.temp is not None and os.path.exists(self.temp):
            os.remove(self.temp)
        self.temp = None

    def commit(self) -> None:
        if self._text is not None:
            self._text.flush()
        if self.temp is not None:
            self.raw.close()
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(self.temp, 0o666 & ~mask)  # as open(path, "w") would have made it
            os.replace(self.temp, str(self.path))
            self.temp = None
        else:
            assert isinstance(self.raw, io.BytesIO)
            sys.stdout.flush()
            sys.stdout.buffer.write(self.raw.getvalue())
            sys.stdout.buffer.flush()


def _worker(send: Any, part: RosterSlice, job: tuple[Any, ...]) -> None:
    """A forked worker: its slice's end-of-output parts, then its students' text in pieces
    (an empty piece ends them); None if the slice failed."""
    try:
        try:
            mine = _assessed(part, job, quiet=True)
        except BaseException:
            mine = None
        if mine is None:
            send.send(None)
            return
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
