"""``edupoverty assess``: entitlements of every student of a roster (资助测算).

``edupoverty assess ROSTER [--policy NAME|FILE ...] [--school-year 2019]
[--format table|json|csv|xlsx] [-o FILE]``

Rows the roster reader rejects are listed with their row number and reasons, never
dropped. Amounts the documents do not give are listed as *not configured* (未配置), never
as zero. :func:`assess_report` is the library entry the ``demo`` command calls.

Examples:
    >>> from edupoverty.cli import build_parser
    >>> args = build_parser().parse_args(["assess", "roster.csv", "--policy", "dangshan"])
    >>> args.policy, args.school_year, args.format
    (['dangshan'], 2019, 'table')
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import gc
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import repeat
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, TextIO

from edupoverty.errors import InputError
from edupoverty.records.enums import Semester
from edupoverty.rules import Assessment, Policy, load_policy, summarize
from edupoverty.rules.bulk import RosterAssessment, assess_columns
from edupoverty.rules.values import NotConfigured

__all__ = [
    "AssessReport",
    "assess_report",
    "csv_header",
    "csv_rejected",
    "csv_students",
    "format_table",
    "json_head",
    "json_students",
    "json_tail",
    "register",
    "run",
    "write_csv_report",
    "write_json",
]


def register(sub: Any) -> None:
    """Add the ``assess`` sub-command.

    Examples:
        >>> from edupoverty.cli import build_parser
        >>> args = build_parser().parse_args(["assess", "r.csv", "--format", "json"])
        >>> args.roster, args.format, args.policy
        ('r.csv', 'json', None)
    """
    p = sub.add_parser(
        "assess",
        help="compute every student's entitlements under a policy (资助测算)",
        description="Compute the entitlements of every student of a roster.",
    )
    p.add_argument("roster", help="roster file (.csv or .xlsx)")
    p.add_argument(
        "--policy",
        action="append",
        metavar="NAME|FILE",
        help="policy profile name or TOML file; repeat to lay overlays (default: seed)",
    )
    p.add_argument("--school-year", type=int, default=2019, help="school year (default 2019)")
    p.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="processes for a large CSV roster with csv or json output "
        "(default 0: one per CPU, at most 4; 1: a single process; never more than the CPUs)",
    )
    p.set_defaults(func=run)


class AssessReport:
    """The assessments of one roster: policy, accepted students' assessments, rejected rows.

    ``assessments`` is a list of :class:`~edupoverty.rules.assess.Assessment` or, from
    :func:`assess_report`, a :class:`~edupoverty.rules.bulk.RosterAssessment` (rows in columns,
    results shared), which the writers render without a record per row.

    Examples:
        >>> r = AssessReport(load_policy("seed"), 2019, [], [])
        >>> r.summary().students
        0
    """

    __slots__ = ("assessed", "policy", "rejected", "school_year")

    def __init__(
        self,
        policy: Policy,
        school_year: int,
        assessments: Sequence[Assessment] | RosterAssessment,
        rejected: list[Any],
    ) -> None:
        self.policy = policy
        self.school_year = school_year
        self.assessed = assessments
        self.rejected = rejected

    @property
    def assessments(self) -> Sequence[Assessment]:
        """Every accepted row's assessment, in order (made on demand from columns).

        Examples:
            >>> AssessReport(load_policy("seed"), 2019, [], []).assessments
            []
        """
        if isinstance(self.assessed, RosterAssessment):
            return list(self.assessed)
        return self.assessed

    def summary(self) -> Any:
        """Totals by programme, form, school and funding level.

        Examples:
            >>> AssessReport(load_policy("seed"), 2019, [], []).summary().total
            Decimal('0.00')
        """
        if isinstance(self.assessed, RosterAssessment):
            return self.assessed.summary()
        return summarize(self.assessed)

    def not_configured(self) -> list[dict[str, Any]]:
        """Amounts not configured, by programme and parameter, with student counts.

        Examples:
            >>> AssessReport(load_policy("seed"), 2019, [], []).not_configured()
            []
        """
        if isinstance(self.assessed, RosterAssessment):
            return self.assessed.not_configured()
        counts: dict[tuple[str, str, str, str], int] = {}
        per_result: dict[int, list[tuple[str, str, str, str]]] = {}
        for a in self.assessed:
            key = id(a._result)
            items = per_result.get(key)
            if items is None:
                items = per_result[key] = [
                    (e.programme, e.amount.parameter, e.amount.reason_zh, e.amount.reason_en)
                    for e in a.not_configured
                    if isinstance(e.amount, NotConfigured)
                ]
            for item in items:
                counts[item] = counts.get(item, 0) + 1
        return [
            {"programme": p, "parameter": par, "reason_zh": zh, "reason_en": en, "students": n}
            for (p, par, zh, en), n in counts.items()
        ]

    def rows(self) -> _Rows:
        """The accepted rows in columns, each with the index of its shared result.

        Examples:
            >>> len(AssessReport(load_policy("seed"), 2019, [], []).rows().index)
            0
        """
        return _Rows.of(self.assessed)


class _Rows:
    """Accepted rows as columns (row, name, student number, school code) and, per row, the
    index in ``results`` of an assessment with the row's shared result."""

    __slots__ = ("index", "names", "numbers", "results", "rows", "schools")

    def __init__(
        self,
        rows: Sequence[int | None],
        names: Sequence[str],
        numbers: Sequence[str | None],
        schools: Sequence[str | None],
        index: Sequence[int],
        results: Sequence[Assessment],
    ) -> None:
        self.rows, self.names, self.numbers, self.schools = rows, names, numbers, schools
        self.index, self.results = index, results

    @staticmethod
    def of(assessed: Sequence[Assessment] | RosterAssessment) -> _Rows:
        if isinstance(assessed, RosterAssessment):
            cols = assessed.columns
            school_of = {p: p.school_code for p in assessed.by_profile}
            return _Rows(
                cols.row_numbers,
                cols.names,
                cols.student_numbers,
                list(map(school_of.__getitem__, cols.profiles)),
                assessed.result_index,
                assessed.distinct,
            )
        at: dict[int, int] = {}
        results: list[Assessment] = []
        index = []
        for a in assessed:
            k = at.get(id(a._result))
            if k is None:
                k = at[id(a._result)] = len(results)
                results.append(a)
            index.append(k)
        students = [a.student for a in assessed]
        return _Rows(
            [s.row for s in students],
            [s.name for s in students],
            [s.student_number for s in students],
            [s.school_code for s in students],
            index,
            results,
        )


def assess_report(
    roster: str | Path, policy: Sequence[str] | Policy = ("seed",), school_year: int = 2019
) -> AssessReport:
    """Read ``roster`` and assess every accepted student under ``policy`` for ``school_year``.

    Examples:
        >>> import tempfile, pathlib
        >>> from edupoverty.records.synthetic import write_roster_csv
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = write_roster_csv(path, 20, seed=1)
        >>> report = assess_report(path)
        >>> len(report.assessments) + len(report.rejected)
        20
    """
    from edupoverty.records.roster import read_roster_columns

    pol = policy if isinstance(policy, Policy) else load_policy(*policy)
    columns = read_roster_columns(roster)
    assessed = assess_columns(columns, pol, school_year)
    return AssessReport(pol, school_year, assessed, list(columns.rejected))


def run(args: argparse.Namespace) -> int:
    """Run ``edupoverty assess``; exit 0, or 1 when rows were rejected.

    Examples:
        >>> from edupoverty.cli import main
        >>> main(["assess", "no-such-roster.csv"])  # one line on stderr
        2
    """
    if args.format == "xlsx" and not args.output:
        raise InputError("xlsx 格式须用 -o 指定输出文件", "the xlsx format needs -o FILE")
    if args.jobs < 0:
        raise InputError("--jobs 不能为负数", "--jobs cannot be negative")
    with _collector_paused():
        from edupoverty.cli.parallel import assess_in_slices, default_jobs

        code = assess_in_slices(args, args.jobs or default_jobs())
        if code is not None:
            return code
        report = assess_report(args.roster, args.policy or ["seed"], args.school_year)
        return _write(report, args)


def _write(report: AssessReport, args: argparse.Namespace) -> int:
    lang = args.lang
    if args.format == "xlsx":
        from edupoverty.records.writers import write_xlsx

        header, rows = _flat(report, lang)
        write_xlsx(args.output, header, rows, sheet="assessment")
    elif args.format == "csv":
        write_csv_report(report, args.output or sys.stdout, lang)
    elif args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            _emit(report, args.format, lang, fh)
    else:
        _emit(report, args.format, lang, sys.stdout)
    return 1 if report.rejected else 0


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one command run.

    A roster of a million rows is a million long-lived objects: every automatic collection
    would walk all of them again while they are read, assessed and written (the records and
    results hold no reference cycles). The previous state is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _emit(report: AssessReport, fmt: str, lang: str, out: TextIO) -> None:
    if fmt == "json":
        write_json(report, out)
    else:
        out.write(format_table(report, lang))
        out.write("\n")


def _money(value: object) -> str | None:
    return str(value) if isinstance(value, Decimal) else None


def _entitlements_json(a: Assessment) -> list[dict[str, Any]]:
    out = []
    for e in a.entitlements:
        sems = {s.value: (_money(e.semesters[s]) if s in e.semesters else "0.00") for s in Semester}
        item: dict[str, Any] = {
            "programme": e.programme,
            "form": e.form.value,
            "amount": _money(e.amount),
            "semesters": sems,
            "basis": list(e.basis),
        }
        if e.tier is not None:
            item["tier"] = e.tier
        if isinstance(e.amount, NotConfigured):
            item["not_configured"] = e.amount.parameter
        out.append(item)
    return out


def _rejected_json(rejected: Iterable[Any]) -> list[dict[str, Any]]:
    return [
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
        for r in rejected
    ]


_JSON_CHUNK = 2048


def write_json(report: AssessReport, out: TextIO) -> None:
    """Stream the JSON document of ``edupoverty assess`` to ``out``; the part of a student
    that depends only on the shared result is serialised once.

    Examples:
        >>> import io
        >>> buf = io.StringIO()
        >>> write_json(AssessReport(load_policy("seed"), 2019, [], []), buf)
        >>> sorted(json.loads(buf.getvalue()))
        ['not_configured', 'policy', 'rejected', 'school_year', 'students', 'summary']
    """
    out.write(json_head(report))
    json_students(report, out)
    out.write(json_tail(report.rejected, report.not_configured(), report.summary()))


def json_head(report: AssessReport) -> str:
    """The JSON document up to its list of students (see :func:`write_json`).

    Examples:
        >>> print(json_head(AssessReport(load_policy("seed"), 2019, [], [])))
        {
          "policy": "seed",
          "school_year": 2019,
          "students": [
    """
    dumps = json.dumps
    return (
        "{\n"
        f'  "policy": {dumps(report.policy.name)},\n'
        f'  "school_year": {report.school_year},\n'
        '  "students": ['
    )


def json_tail(rejected: Iterable[Any], not_configured: list[dict[str, Any]], summary: Any) -> str:
    """The JSON document after its list of students (see :func:`write_json`).

    Examples:
        >>> tail = json_tail([], [], summarize([]))
        >>> tail.splitlines()[:3]
        ['', '  ],', '  "rejected": [],']
    """
    rest = {
        "rejected": _rejected_json(rejected),
        "not_configured": not_configured,
        "summary": summary.to_dict(),
    }
    body = json.dumps(rest, ensure_ascii=False, indent=2)
    return "\n  ],\n" + body[1:].lstrip("\n") + "\n"  # the remaining keys of the object


def json_students(report: AssessReport, out: TextIO) -> int:
    """Write the students of the JSON document, separated by commas; return how many.

    Examples:
        >>> import io
        >>> json_students(AssessReport(load_policy("seed"), 2019, [], []), io.StringIO())
        0
    """
    dumps = json.dumps
    view = report.rows()
    # the part of a student that depends only on the shared result, serialised once
    tails = [
        f', "entitlements": {dumps(_entitlements_json(a), ensure_ascii=False)}, '
        f'"total": "{a.total}", "cash_total": "{a.cash_total}"}}'
        for a in view.results
    ]
    # Lines are made as UTF-8 bytes when the stream has a binary buffer (a file, standard
    # output): the long ASCII tails are then copied as they are, not widened to the width of
    # a Chinese name and encoded again.
    raw: Any = getattr(out, "buffer", None) if _utf8_as_is(out) else None
    if raw is not None:
        out.flush()
    parts: list[Any] = [t.encode("utf-8") for t in tails] if raw is not None else tails
    n = len(view.index)
    for lo in range(0, n, _JSON_CHUNK):
        hi = min(n, lo + _JSON_CHUNK)
        seg = view.rows[lo:hi]
        rows = map(_NULL_IF_NONE, seg, seg)  # (value, default): "null" for None
        names = map(encode_basestring, view.names[lo:hi])  # C-level JSON string literals
        numbers = [_NULL if x is None else encode_basestring(x) for x in view.numbers[lo:hi]]
        heads = map(
            "".join,
            zip(
                repeat('\n    {"row": '),
                map(str, rows),
                repeat(', "name": '),
                names,
                repeat(', "student_number": '),
                numbers,
                strict=False,  # repeat() is endless
            ),
        )
        shared = map(parts.__getitem__, view.index[lo:hi])
        if raw is not None:
            chunk = b",".join(map(bytes.__add__, map(str.encode, heads), shared))
            raw.write(b"," + chunk if lo else chunk)
        else:
            text = ",".join(map(str.__add__, heads, shared))
            out.write("," + text if lo else text)
    return n


_NULL = "null"


def _utf8_as_is(out: Any) -> bool:
    """True if text written to ``out`` reaches its buffer as UTF-8, line ends unchanged."""
    try:
        utf8 = codecs.lookup(getattr(out, "encoding", None) or "ascii").name == "utf-8"
    except LookupError:
        return False
    return utf8 and os.linesep == "\n"


_NULL_IF_NONE: Callable[[Any, Any], Any] = {None: _NULL}.get  # get(v, v): "null" for None


def format_table(report: AssessReport, lang: str = "zh") -> str:
    """The plain-text report: one line per student, totals by programme, what is not
    configured and every rejected row (what ``demo`` prints).

    Examples:
        >>> print(format_table(AssessReport(load_policy("seed"), 2019, [], []), "en"))
        ... # doctest: +ELLIPSIS
        policy seed, school year 2019: 0 students assessed, 0 rows rejected
        ...
    """
    from edupoverty.cli.output import table

    en = lang == "en"
    lines = [
        (
            f"policy {report.policy.name}, school year {report.school_year}: "
            f"{len(report.assessed)} students assessed, {len(report.rejected)} rows rejected"
        )
        if en
        else (
            f"政策 {report.policy.name}，{report.school_year}学年：测算 {len(report.assessed)} "
            f"人，拒收 {len(report.rejected)} 行"
        ),
        "",
    ]
    head = (
        ["row", "name", "school", "total", "cash", "waiver", "in kind", "not configured"]
        if en
        else ["行", "姓名", "学校", "合计", "现金", "减免", "实物", "未配置"]
    )
    view = report.rows()
    shared = [
        [
            a.total,
            a.cash_total,
            a.waiver_total,
            a.in_kind_total,
            _names(a.not_configured, lang),
        ]
        for a in view.results
    ]
    rows = [
        [row, name, school, *shared[k]]
        for row, name, school, k in zip(
            view.rows, view.names, view.schools, view.index, strict=True
        )
    ]
    lines.append(table(head, rows))
    summary = report.summary()
    lines.append("")
    head = (
        ["programme", "students", "amount", "not configured"]
        if en
        else ["项目", "人数", "金额", "未配置人数"]
    )
    names = _programme_names(report.policy, lang)
    nc_label = "not configured" if en else "未配置"
    rows = [
        [
            names.get(pid, pid),
            t.students,
            t.amount if isinstance(t.amount, Decimal) else nc_label,
            t.not_configured,
        ]
        for pid, t in summary.by_programme.items()
    ]
    lines.append(table(head, rows))
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


def _programme_names(policy: Policy, lang: str) -> dict[str, str]:
    """Programme id → its name in ``lang`` (people read names; ids are for JSON)."""
    return {p.id: p.name_en if lang == "en" else p.name_zh for p in policy.programmes}


def _names(entitlements: Iterable[Any], lang: str) -> str:
    names = [e.name_en if lang == "en" else e.name_zh for e in entitlements]
    return "; ".join(names) if lang == "en" else "、".join(names)


def csv_header(policy: Policy, lang: str) -> list[str]:
    """The header row of the CSV of ``edupoverty assess``: one column per programme, headed
    by its name in ``lang`` (the ids are in the JSON output).

    Examples:
        >>> csv_header(load_policy("seed"), "en")[:5]
        ['row', 'name', 'student_number', 'school_code', 'total']
        >>> csv_header(load_policy("seed"), "zh")[8:10]
        ['学前教育省政府助学金', '免学杂费']
    """
    pids = list(_programme_names(policy, lang).values())
    if lang == "en":
        return [
            "row",
            "name",
            "student_number",
            "school_code",
            "total",
            "cash_total",
            "waiver_total",
            "in_kind_total",
            *pids,
            "not_configured",
        ]
    return ["行", "姓名", "学籍号", "学校代码", "合计", "现金", "减免", "实物", *pids, "未配置"]


def _shared_cells(policy: Policy, a: Assessment, lang: str) -> list[Any]:
    """The cells of a row after its school code: totals, one per programme, not configured."""
    nc_label = "not configured" if lang == "en" else "未配置"
    ents = {e.programme: e for e in a.entitlements}
    cells: list[Any] = [a.total, a.cash_total, a.waiver_total, a.in_kind_total]
    for pid in policy.programme_ids():
        e = ents.get(pid)
        cells.append("" if e is None else e.amount if isinstance(e.amount, Decimal) else nc_label)
    cells.append(_names(a.not_configured, lang))
    return cells


def write_csv_report(report: AssessReport, out: str | Path | TextIO, lang: str = "zh") -> int:
    """Write the CSV of ``edupoverty assess``: one row per accepted student (row, name,
    student number, school code, totals, one column per programme: the amount or 未配置,
    then the programmes not configured), then one per rejected row with its reasons. Cells
    are neutralised (:func:`~edupoverty.records.writers.neutralise`). Returns the rows
    written.

    Examples:
        >>> import io
        >>> buf = io.StringIO()
        >>> write_csv_report(AssessReport(load_policy("seed"), 2019, [], []), buf)
        0
        >>> buf.getvalue().split(",")[:4]
        ['行', '姓名', '学籍号', '学校代码']
    """
    from edupoverty.records.writers import write_csv_columns

    if isinstance(out, str | Path):
        with open(out, "w", encoding="utf-8", newline="") as fh:
            fh.write("\ufeff")  # UTF-8 with BOM, as records.writers.write_csv
            return write_csv_report(report, fh, lang)
    n = csv_students(report, out, lang, header=True)
    rejected = csv_rejected(report.policy, report.rejected, lang)
    return n + write_csv_columns(out, None, [], more=rejected)


def csv_students(report: AssessReport, out: TextIO, lang: str, *, header: bool) -> int:
    """Write the header (if ``header``) and the rows of the accepted students of the CSV of
    ``edupoverty assess``; return how many students.

    Examples:
        >>> import io
        >>> buf = io.StringIO()
        >>> csv_students(AssessReport(load_policy("seed"), 2019, [], []), buf, "en", header=True)
        0
        >>> buf.getvalue().split(",")[0]
        'row'
    """
    from edupoverty.records.writers import Cells, write_csv_columns

    view = report.rows()
    tails = [Cells(_shared_cells(report.policy, a, lang)) for a in view.results]
    return write_csv_columns(
        out,
        csv_header(report.policy, lang) if header else None,
        [view.rows, view.names, view.numbers, view.schools],
        list(map(tails.__getitem__, view.index)),
    )


def csv_rejected(policy: Policy, rejected: Iterable[Any], lang: str) -> Iterator[list[Any]]:
    """The rows of the CSV of ``edupoverty assess`` for rejected rows, with their reasons.

    Examples:
        >>> from edupoverty.records.findings import finding
        >>> from edupoverty.records.roster import RejectedRow
        >>> bad = RejectedRow(3, (finding("field.missing", row=3, field="name"),))
        >>> row = next(csv_rejected(load_policy("seed"), [bad], "en"))
        >>> row[0], row[-1]
        (3, 'row 3, name: a required value is missing')
    """
    width = len(policy.programme_ids()) + 7
    for rej in rejected:
        yield [rej.row, *([""] * width), "; ".join(f.message(lang) for f in rej.findings)]


def _flat(report: AssessReport, lang: str) -> tuple[list[str], Iterator[list[Any]]]:
    """One row per student: totals, then one column per programme (amount or 未配置)."""
    view = report.rows()
    shared = [_shared_cells(report.policy, a, lang) for a in view.results]

    def rows() -> Iterator[list[Any]]:
        for row, name, number, school, k in zip(
            view.rows, view.names, view.numbers, view.schools, view.index, strict=True
        ):
            yield [row, name, number, school, *shared[k]]
        yield from csv_rejected(report.policy, report.rejected, lang)

    return csv_header(report.policy, lang), rows()
