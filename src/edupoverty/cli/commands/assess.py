"""``edupoverty assess``: entitlements of every student of a roster (资助测算).

``edupoverty assess ROSTER [--policy NAME|FILE ...] [--school-year YEAR]
[-o FILE.txt|.json|.jsonl|.csv|.xlsx] [--format table|json|jsonl|csv|xlsx]``

The output format follows the suffix of ``-o`` (:mod:`edupoverty.cli.formats`); the school
year defaults to the current one in China (:mod:`edupoverty.cli.school_year`), named on the
first line; rosters of more than about 10,000 rows show progress on a terminal's stderr
(:mod:`edupoverty.cli.progress`).

The roster is read as a table (:func:`~edupoverty.records.reader.read_roster_table`) and
assessed as a table (:func:`~edupoverty.rules.bulk.assess_table`): each distinct input to
the rules is assessed once, and the outputs are written from the assessment table. Rows the
reader rejects are listed with their row number and reasons, never dropped. Amounts the
documents do not give are *not configured* (未配置): ``null`` in JSON, 未配置 in tables, never
zero. Programmes are named in the output's language; their ids are in the JSON output.

Examples:
    >>> from edupoverty.cli import build_parser
    >>> args = build_parser().parse_args(["assess", "roster.csv", "--policy", "dangshan"])
    >>> args.policy, args.school_year, args.format
    (['dangshan'], None, None)
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, cast

import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.cli.display import display_header, display_of, programme_names, rejected_of
from edupoverty.cli.formats import add_output_options, output_format
from edupoverty.cli.notices import say
from edupoverty.cli.progress import estimate_rows, rows_progress, shows_progress
from edupoverty.cli.school_year import (
    add_school_year_option,
    announce_school_year,
    school_year_from,
)
from edupoverty.records.columns import STUDENT_SCHEMA
from edupoverty.records.outfile import replace_whole
from edupoverty.records.reader import (
    RejectedRow,
    RosterTable,
    read_roster_batches,
    read_roster_table,
)
from edupoverty.records.writers import write_table_csv, write_table_jsonl
from edupoverty.rules import Policy, load_policy
from edupoverty.rules.bulk import (
    TOTAL_COLUMNS,
    TableAssessor,
    assess_table,
    not_configured_of,
    summarize_table,
)
from edupoverty.rules.totals import Summary, merge_summaries

__all__ = [
    "FORMATS",
    "AssessReport",
    "AssessStream",
    "assess_report",
    "display_header",
    "display_of",
    "format_table",
    "register",
    "rejected_of",
    "run",
    "write_json",
]


FORMATS = ("table", "json", "jsonl", "csv", "xlsx")
"""The formats ``assess`` writes (``table``: the text report, ``.txt`` as a file)."""


def register(sub: Any) -> None:
    """Add the ``assess`` sub-command.

    Examples:
        >>> from edupoverty.cli import build_parser
        >>> args = build_parser().parse_args(["assess", "r.csv", "-o", "测算.csv"])
        >>> args.roster, args.output, args.format, args.policy
        ('r.csv', '测算.csv', None, None)
    """
    p = sub.add_parser(
        "assess",
        help="compute every student's entitlements under a policy (资助测算)",
        description="Compute the entitlements of every student of a roster: one row per "
        "student, one column per programme.",
    )
    p.add_argument("roster", help="roster file (.csv or .xlsx)")
    p.add_argument(
        "--policy",
        action="append",
        metavar="NAME|FILE",
        help="policy profile name or TOML file; repeat to lay overlays (default: seed)",
    )
    add_school_year_option(p)
    add_output_options(p, FORMATS)
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="no longer used: accepted for one release (the roster is assessed as a table)",
    )
    p.set_defaults(func=run)


class AssessReport:
    """The assessment of one roster: the policy, the school year, the roster as read
    (:class:`~edupoverty.records.reader.RosterTable`) and the assessment table
    (:func:`~edupoverty.rules.bulk.assess_table`), row for row with the accepted rows.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
        ...     "张三,11010520120307002X,3412001,小学,乡村\\n", encoding="utf-8")
        >>> r = assess_report(p)
        >>> r.summary().total, r.rejected
        (Decimal('1490.00'), ())
    """

    __slots__ = ("assessed", "policy", "roster", "school_year")

    def __init__(
        self, policy: Policy, school_year: int, roster: RosterTable, assessed: pa.Table
    ) -> None:
        self.policy = policy
        self.school_year = school_year
        self.roster = roster
        self.assessed = assessed

    @property
    def rejected(self) -> tuple[RejectedRow, ...]:
        """The rows the reader rejected, with their findings."""
        return self.roster.rejected

    def summary(self) -> Summary:
        """Totals by programme, form, school and funding level."""
        return summarize_table(self.assessed)

    def not_configured(self) -> list[dict[str, Any]]:
        """Amounts not configured, by programme and reason, with student counts."""
        return not_configured_of(self.assessed)

    def tables(self) -> Iterator[pa.Table]:
        """The assessment table, as one chunk (as :meth:`AssessStream.tables` gives it)."""
        yield self.assessed


def assess_report(
    roster: str | Path, policy: Sequence[str] | Policy = ("seed",), school_year: int = 2019
) -> AssessReport:
    """Read ``roster`` and assess every accepted row under ``policy`` for ``school_year``.

    Examples:
        >>> import tempfile, pathlib
        >>> from edupoverty.records.synthetic import write_roster_csv
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = write_roster_csv(path, 20, seed=1)
        >>> report = assess_report(path)
        >>> report.assessed.num_rows + len(report.rejected)
        20
    """
    pol = policy if isinstance(policy, Policy) else load_policy(*policy)
    table = read_roster_table(roster)
    return AssessReport(pol, school_year, table, assess_table(table.table, pol, school_year))


def run(args: argparse.Namespace) -> int:
    """Run ``edupoverty assess``; exit 0, or 1 when rows were rejected.

    Examples:
        >>> from edupoverty.cli import main
        >>> main(["assess", "no-such-roster.csv"])  # one line on stderr
        2
    """
    fmt = output_format(args.format, args.output, FORMATS)
    year = school_year_from(args)
    if args.jobs is not None:
        say(
            "--jobs 已不再使用，将在下一版本移除 / --jobs no longer does anything "
            "and will be removed in the next release"
        )
    policy = load_policy(*(args.policy or ["seed"]))
    quiet = getattr(args, "quiet", False)
    total = estimate_rows(args.roster) if shows_progress(quiet) else None
    what = "测算" if args.lang == "zh" else "assessing"
    with rows_progress(total, args.lang, quiet, what) as step:
        stream = AssessStream(args.roster, policy, year, progress=step)
        announce_school_year(args, year, to_stdout=fmt == "table" and not args.output)
        if fmt == "table":
            report = stream.report()
        else:
            _write(stream, fmt, args.lang, args.output)
    if fmt == "table":
        if args.output:
            with replace_whole(args.output) as fh:
                _emit(report, "table", args.lang, fh)
        else:
            _emit(report, "table", args.lang, sys.stdout)
    return 1 if stream.rejected else 0


def _write(stream: AssessStream, fmt: str, lang: str, output: str | None) -> None:
    """Write the assessment as it is made, a chunk of rows at a time."""
    if fmt == "xlsx":
        assert output is not None
        _write_xlsx(stream, lang, output)
    elif fmt == "csv":
        header = display_header(stream.policy, lang)
        write_table_csv(stream.display(lang), output or sys.stdout, header=header)
    elif fmt == "jsonl":
        write_table_jsonl(stream.tables(), output or sys.stdout)
    elif output:
        with replace_whole(output) as fh:
            write_json(stream, fh)
    else:
        write_json(stream, sys.stdout)


def _write_xlsx(stream: AssessStream, lang: str, output: str) -> None:
    """The assessment workbook (:func:`~edupoverty.records.workbook.write_assessment_xlsx`):
    amounts as numbers (a programme's column empty where it does not apply or is not
    configured: the 未配置 column names those), then the rejected rows and the problems."""
    from edupoverty.records.workbook import write_assessment_xlsx

    def shown() -> Iterator[pa.Table]:
        for table in stream.tables():
            t = display_of(table, stream.policy, lang)
            for p in stream.policy.programmes:
                t = t.set_column(t.schema.get_field_index(p.id), p.id, table[p.id])
            yield t

    header = display_header(stream.policy, lang)
    write_assessment_xlsx(output, shown(), lambda: stream.result, header=header, lang=lang)


class AssessStream:
    """A roster read and assessed a chunk of rows at a time (for rosters of any size):
    :meth:`tables` yields assessment tables (:func:`~edupoverty.rules.bulk.assess_table`)
    of about ``chunk_rows`` rows, in row order; after them, :attr:`rejected`, :meth:`summary`
    and :meth:`not_configured` hold the whole roster's. Memory is bounded by the chunk.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
        ...     "张三,11010520120307002X,3412001,小学,乡村\\n"
        ...     "李四,123,3412001,小学,乡村\\n", encoding="utf-8")
        >>> stream = AssessStream(p, load_policy("seed"), 2019)
        >>> [t.num_rows for t in stream.tables()], len(stream.rejected)
        ([1], 1)
        >>> stream.summary().total
        Decimal('1490.00')
    """

    def __init__(
        self,
        roster: str | Path,
        policy: Policy,
        school_year: int,
        chunk_rows: int = 65_536,
        progress: Callable[[int], object] | None = None,
    ) -> None:
        self.policy = policy
        self.progress = progress
        self.school_year = school_year
        self.chunk_rows = chunk_rows
        self.reading = read_roster_batches(roster)
        self.total: Summary = merge_summaries([])  # the chunks' summaries added as they come
        self.result: RosterTable | None = None

    @functools.cached_property
    def assessor(self) -> TableAssessor:
        """The assessor of the chunks, made when the first is assessed (so that a stale
        policy is warned about once the roster is open)."""
        return TableAssessor(self.policy, self.school_year)

    def tables(self) -> Iterator[pa.Table]:
        """The assessment, a chunk of rows at a time (at least one, maybe empty, table)."""
        yielded = False
        for chunk in _chunks(self.reading, self.chunk_rows, self.progress):
            table = self.assessor.assess(chunk)
            self.total = merge_summaries([self.total, summarize_table(table)])
            yielded = True
            yield table
        if not yielded:
            empty = self.assessor.assess(STUDENT_SCHEMA.empty_table())
            self.total = merge_summaries([self.total, summarize_table(empty)])
            yield empty
        self.result = self.reading.result()

    def display(self, lang: str) -> Iterator[pa.Table]:
        """The assessment as people read it (:func:`display_of`), then the rejected rows."""
        schema = None
        for table in self.tables():
            shown = display_of(table, self.policy, lang)
            schema = shown.schema
            yield shown
        assert schema is not None
        if self.rejected:
            yield rejected_of(self.rejected, schema, lang)

    def report(self) -> AssessReport:
        """The whole assessment at once (runs :meth:`tables`), as :func:`assess_report`
        gives it.

        Examples:
            >>> from edupoverty.records.sample import sample_roster_path
            >>> r = AssessStream(sample_roster_path(), load_policy("seed"), 2019).report()
            >>> r.assessed.num_rows, len(r.rejected)
            (32, 8)
        """
        assessed = pa.concat_tables(list(self.tables()))
        assert self.result is not None
        return AssessReport(self.policy, self.school_year, self.result, assessed)

    @property
    def rejected(self) -> tuple[RejectedRow, ...]:
        """The rows rejected (known once :meth:`tables` has run)."""
        return self.result.rejected if self.result is not None else ()

    def summary(self) -> Summary:
        """The whole roster's totals (once :meth:`tables` has run)."""
        return self.total

    def not_configured(self) -> list[dict[str, Any]]:
        """The amounts not configured, by programme and reason, with student counts."""
        return self.assessor.not_configured()


def _chunks(
    tables: Iterable[pa.Table], rows: int, progress: Callable[[int], object] | None = None
) -> Iterator[pa.Table]:
    held: list[pa.Table] = []
    count = 0
    for t in tables:
        if progress is not None:
            progress(t.num_rows)
        if t.num_rows:
            held.append(t)
            count += t.num_rows
        if count >= rows:
            yield pa.concat_tables(held)
            held, count = [], 0
    if held:
        yield pa.concat_tables(held)


def _emit(report: AssessReport, fmt: str, lang: str, out: IO[str]) -> None:
    if fmt == "json":
        write_json(report, out)
    else:
        out.write(format_table(report, lang))
        out.write("\n")


def write_json(report: AssessReport | AssessStream, out: IO[str]) -> None:
    """The JSON document of ``edupoverty assess``: ``policy``, ``school_year``,
    ``students`` (each a row of the assessment table: row, name, student number, school
    code, the totals, the amount of each programme under its id — ``null`` where it does
    not apply or is not configured —, ``not_configured`` and the funding split),
    ``rejected``, ``not_configured`` (by programme and reason, with counts) and
    ``summary``.

    Examples:
        >>> import io, tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
        ...     "张三,11010520120307002X,3412001,小学,乡村\\n", encoding="utf-8")
        >>> buf = io.StringIO()
        >>> write_json(assess_report(p), buf)
        >>> doc = json.loads(buf.getvalue())
        >>> list(doc), doc["students"][0]["compulsory.nutrition"]
        (['policy', 'school_year', 'students', 'rejected', 'not_configured', 'summary'], '800.00')
    """
    out.write("{\n")
    out.write(f'  "policy": {json.dumps(report.policy.name)},\n')
    out.write(f'  "school_year": {report.school_year},\n')
    out.write('  "students": [')
    items = _JsonArray(out)
    for table in report.tables():
        items.write_table(table)
    out.write("\n  ],\n")
    rest = {
        "rejected": [
            {
                "row": r.row,
                "findings": [
                    {
                        "code": f.code,
                        "field": f.field,
                        "message_zh": f.message_zh,
                        "message_en": f.message_en,
                    }
                    for f in r.findings
                ],
            }
            for r in report.rejected
        ],
        "not_configured": report.not_configured(),
        "summary": report.summary().to_dict(),
    }
    body = json.dumps(rest, ensure_ascii=False, indent=2)
    out.write(body[1:].lstrip("\n"))
    out.write("\n")


class _JsonArray(io.TextIOBase):
    """A text stream that writes the JSON Lines of a table as the items of a JSON array
    (comma-separated) to ``out``."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.first = True

    def write_table(self, table: pa.Table) -> None:
        write_table_jsonl(table, cast(IO[str], self))  # a text stream, as the writer takes

    def write(self, text: str) -> int:
        for line in text.splitlines():
            self.out.write(("\n    " if self.first else ",\n    ") + line)
            self.first = False
        return len(text)


def format_table(report: AssessReport, lang: str = "zh") -> str:
    """The plain-text report: one line per student, totals by programme, what is not
    configured and every rejected row (what ``demo`` prints).

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
        ...     "张三,11010520120307002X,3412001,小学,乡村\\n", encoding="utf-8")
        >>> print(format_table(assess_report(p), "en").splitlines()[0])
        policy seed, school year 2019: 1 students assessed, 0 rows rejected
    """
    from edupoverty.cli.output import table

    en = lang == "en"
    assessed = report.assessed
    lines = [
        (
            f"policy {report.policy.name}, school year {report.school_year}: "
            f"{assessed.num_rows} students assessed, {len(report.rejected)} rows rejected"
        )
        if en
        else (
            f"政策 {report.policy.name}，{report.school_year}学年：测算 {assessed.num_rows} "
            f"人，拒收 {len(report.rejected)} 行"
        ),
        "",
    ]
    head = (
        ["row", "name", "school", "total", "cash", "waiver", "in kind", "not configured"]
        if en
        else ["行", "姓名", "学校", "合计", "现金", "减免", "实物", "未配置"]
    )
    shown = display_of(assessed, report.policy, lang)
    school = pc.coalesce(shown["school_name"], shown["school_code"])  # by name where given
    cols = [c.to_pylist() for c in (shown["row"], shown["name"], school)]
    cols += [shown[c].to_pylist() for c in TOTAL_COLUMNS]
    listed = shown["not_configured"].to_pylist()
    rows = [[*(c[i] for c in cols), listed[i] or ""] for i in range(shown.num_rows)]
    lines.append(table(head, rows))
    summary = report.summary()
    names = programme_names(report.policy, lang)
    nc_label = "not configured" if en else "未配置"
    lines.append("")
    head = (
        ["programme", "students", "amount", "not configured"]
        if en
        else ["项目", "人数", "金额", "未配置人数"]
    )
    prog_rows = [
        [
            names.get(pid, pid),
            t.students,
            t.amount if isinstance(t.amount, Decimal) else nc_label,
            t.not_configured,
        ]
        for pid, t in summary.by_programme.items()
    ]
    lines.append(table(head, prog_rows))
    lines.append("")
    lines.append(
        (f"total {summary.total}; funding unknown for {summary.funding_unknown}")
        if en
        else f"合计 {summary.total} 元；分担比例未知的金额 {summary.funding_unknown} 元"
    )
    for nc in report.not_configured():
        reason = nc["reason_en"] if en else nc["reason_zh"]
        name = names.get(nc["programme"], nc["programme"])
        lines.append(
            f"not configured: {name} ({nc['parameter']}): {reason} — {nc['students']} students"
            if en
            else f"未配置：{name}：{reason} — {nc['students']} 人"
        )
    for r in report.rejected:
        for f in r.findings:
            lines.append(("rejected: " if en else "拒收：") + f.message(lang))
    return "\n".join(lines)
