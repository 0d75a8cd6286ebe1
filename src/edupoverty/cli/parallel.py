"""``edupoverty assess`` on a large CSV roster, several processes at a time (``--jobs``).

The roster is cut into slices of whole lines (:func:`~edupoverty.records.roster.slice_roster`).
Each process reads, checks and assesses one slice and renders the lines of its students (CSV
rows or JSON objects); this process then writes the header, the students of every slice in
file order, the rejected rows, the amounts not configured and the summary of the whole
(:func:`~edupoverty.rules.assess.merge_summaries`): the same bytes one process writes
(``tests/cli/test_assess_parallel.py`` compares them).

Nothing is written until every slice is done. When a slice cannot be read apart (a cell
spanning two lines, bytes the guessed encoding does not decode, a worker that died), or the
file cannot be cut at all (XLSX, UTF-16, a small file), :func:`assess_in_slices` returns
``None`` and the command reads the whole file in one process, which reports any problem as
usual. Workers are forked (POSIX): the policy and the slice are inherited, not re-read, and
the rendered text comes back through a pipe, never through a temporary file (it holds names
and student numbers).

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
    policy = load_policy(*(args.policy or ["seed"]))
    today = date.today()
    job = (policy, args.school_year, args.format, args.lang, today)
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
    results: list[dict[str, Any] | None] = [_slice(slices[0], job, quiet=False)]
    for proc, receive in workers:
        try:
            results.append(receive.recv())
        except EOFError:  # the worker died
            results.append(None)
        finally:
            receive.close()
            proc.join()
    done = [r for r in results if r is not None]
    if len(done) != len(results):
        return None
    _write(args, policy, done)
    return 1 if any(r["rejected"] for r in done) else 0


def _worker(send: Any, part: RosterSlice, job: tuple[Any, ...]) -> None:
    try:
        result = _slice(part, job, quiet=True)
    except BaseException:
        result = None
    try:
        send.send(result)
    finally:
        send.close()


def _slice(part: RosterSlice, job: tuple[Any, ...], *, quiet: bool) -> dict[str, Any] | None:
    """Read, assess and render one slice: the students' text (UTF-8) and what the end of
    the output needs; None if the slice cannot be read apart."""
    from edupoverty.cli.commands.assess import AssessReport, csv_students, json_students
    from edupoverty.errors import EdupovertyError

    policy, school_year, fmt, lang, today = job
    try:
        columns = read_roster_columns(part.path, today=today, part=part)
    except EdupovertyError:
        return None
    with warnings.catch_warnings():
        if quiet:  # the stale-policy warning is shown once, by the first slice
            warnings.simplefilter("ignore")
        assessed = assess_columns(columns, policy, school_year)
    report = AssessReport(policy, school_year, assessed, list(columns.rejected))
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    if fmt == "csv":
        students = csv_students(report, text, lang, header=False)
    else:
        students = json_students(report, text)
    text.flush()
    out: dict[str, Any] = {
        "body": buffer.getvalue(),
        "students": students,
        "rejected": tuple(columns.rejected),
    }
    text.detach()
    if fmt == "json":
        out["summary"] = report.summary()
        out["not_configured"] = report.not_configured()
    return out


def _write(args: argparse.Namespace, policy: Policy, done: list[dict[str, Any]]) -> None:
    if args.output:
        with open(args.output, "wb") as fh:
            _write_to(fh, args, policy, done)
    else:
        sys.stdout.flush()
        _write_to(sys.stdout.buffer, args, policy, done)
        sys.stdout.buffer.flush()


def _write_to(fh: BinaryIO, args: argparse.Namespace, policy: Policy, done: list[Any]) -> None:
    from edupoverty.cli.commands.assess import (
        AssessReport,
        csv_header,
        csv_rejected,
        json_head,
        json_tail,
    )
    from edupoverty.records.writers import write_csv_columns

    rejected = [r for part in done for r in part["rejected"]]
    bodies = [part["body"] for part in done if part["students"]]
    lang = args.lang
    if args.format == "csv":
        head = io.StringIO()
        if args.output:
            head.write("\ufeff")  # a file: UTF-8 with BOM, as one process writes it
        write_csv_columns(head, csv_header(policy, lang), [])
        fh.write(head.getvalue().encode("utf-8"))
        for body in bodies:
            fh.write(body)
        tail = io.StringIO()
        write_csv_columns(tail, None, [], more=csv_rejected(policy, rejected, lang))
        fh.write(tail.getvalue().encode("utf-8"))
        return
    fh.write(json_head(AssessReport(policy, args.school_year, [], [])).encode("utf-8"))
    for k, body in enumerate(bodies):
        if k:
            fh.write(b",")
        fh.write(body)
    summary = merge_summaries(part["summary"] for part in done)
    fh.write(json_tail(rejected, _merge_not_configured(done), summary).encode("utf-8"))


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
