"""``edupoverty validate``: the validation report (效验, R-REC-3) of roster files.

``edupoverty validate ROSTER... [--disbursements FILE] [--policy NAME|FILE ...]
[--waivers FILE] [--school-year Y] [-o FILE.txt|.json|.xlsx] [--format table|json|xlsx]``
(format from the suffix of ``-o``, :mod:`edupoverty.cli.formats`). The school
year defaults to the current one in China (:mod:`edupoverty.cli.school_year`) and is named
on the first line (on stderr with ``--format json``); when it was not given and most rows
draw an age warning, a line on stderr suggests that the roster is of another year. With ``--policy``
the rosters are also audited against the entitlements of that policy
(:func:`edupoverty.rules.audit`):
``report.ineligible`` (虚报), ``report.amount`` (错报) and ``report.missing`` (漏报: a
programme and semester a registered-poor student is entitled to with nothing paid, unless a
paper pledge in ``--waivers FILE`` gives up that programme, R-REC-5).

Exit 0 when no errors were found (warnings allowed), 1 when errors were found, 2 when a file
could not be read.

JSON: ``{"rows", "accepted", "rejected", "findings": [{"code", "severity", "row", "field",
"message"}]}``, with ``"source"`` on each finding when several files were checked, and a
``"disbursements"`` object (rows, accepted, rejected) when a disbursement file was given.

Examples:
    >>> from edupoverty.cli import main
    >>> from edupoverty.records.sample import sample_roster_path
    >>> p = sample_roster_path()
    >>> code = main(["validate", str(p), "--school-year", "2019", "--format", "json"])
    {...
      "rows": 40,
      "accepted": 32,
      "rejected": 8,
    ...
    >>> code
    1
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pyarrow as pa

from edupoverty.cli.formats import add_output_options, output_format
from edupoverty.cli.notices import say
from edupoverty.cli.output import dumps, table
from edupoverty.cli.progress import estimate_rows, rows_progress, shows_progress
from edupoverty.cli.school_year import (
    add_school_year_option,
    announce_school_year,
    school_year_from,
)
from edupoverty.records.arguments import check_school_year
from edupoverty.records.findings import CODES, Finding
from edupoverty.records.outfile import replace_whole
from edupoverty.records.validate import ValidationReport, validation_report
from edupoverty.records.workbook import problems_table

__all__ = ["FORMATS", "register", "run", "validate_paths"]


FORMATS = ("table", "json", "xlsx")
"""What ``validate`` writes: the text report (``.txt``), JSON (``.json``), or the workbook a
school gets back (``.xlsx``, with the text report on standard output)."""


def register(sub: Any) -> None:
    """Add the ``validate`` sub-command.

    Examples:
        >>> from edupoverty.cli import build_parser
        >>> args = build_parser().parse_args(["validate", "a.csv", "b.xlsx", "--policy", "seed"])
        >>> args.rosters, args.policy
        (['a.csv', 'b.xlsx'], ['seed'])
    """
    p = sub.add_parser(
        "validate",
        help="check roster files: ID numbers, values, duplicates, payments (效验)",
        description="Validate roster files (CSV/XLSX) and optionally a disbursement file.",
    )
    p.add_argument("rosters", nargs="+", metavar="ROSTER", help="roster file(s), CSV or XLSX")
    p.add_argument("--disbursements", metavar="FILE", help="disbursement file (CSV or XLSX)")
    add_school_year_option(p)
    p.add_argument(
        "--policy",
        action="append",
        metavar="NAME|FILE",
        help="also audit payments against this policy (虚报/错报/漏报); repeat for overlays",
    )
    p.add_argument(
        "--waivers",
        metavar="FILE",
        help="signed waiver pledges (放弃受助承诺书, R-REC-5), read with --policy",
    )
    add_output_options(p, FORMATS)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``edupoverty validate``; return the exit code.

    Examples:
        >>> from edupoverty.cli import main
        >>> main(["validate", "no-such-roster.csv"])  # one line on stderr
        2
    """
    args.format = output_format(args.format, args.output, FORMATS)
    year = school_year_from(args)
    report = _report(args.rosters, args, school_year=year)
    into = args.output if args.format in ("table", "json") else None
    with _stdout_into(into):
        announce_school_year(args, year, to_stdout=args.format != "json")
        _show(report, args.rosters, args)
    if args.school_year is None and _ages_look_wrong(report):
        say(
            f"hint: most rows are outside the usual ages for their stage in school year "
            f"{year}: if the roster is of another year, give --school-year"
            if args.lang == "en"
            else f"hint: 多数行的年龄与{year}学年的学段不符：名单属于其他学年时"
            "请加 --school-year"
        )
    return 1 if report.has_errors else 0


@contextlib.contextmanager
def _stdout_into(path: str | None) -> Iterator[None]:
    """Standard output into ``path`` (replaced whole when the block ends), if given."""
    if path is None:
        yield
        return
    with replace_whole(path) as fh, contextlib.redirect_stdout(fh):
        yield


def _ages_look_wrong(report: ValidationReport) -> bool:
    """Whether at least half the accepted rows drew an age warning (a wrong school year)."""
    ages = sum(1 for f in report.findings if f.code == "row.age_stage")
    return report.accepted > 0 and ages * 2 >= report.accepted


def validate_paths(
    paths: Sequence[str | os.PathLike[str]], args: argparse.Namespace, demo: bool = False
) -> int:
    """Validate roster files and print the report; return 0 (no errors) or 1 (errors).

    With ``demo`` the bundled sample disbursements and school year are used and a short
    tour is printed; the exit code is still 0 or 1. Unreadable files raise
    :class:`~edupoverty.errors.RosterError` (the command line prints one line, exit 2).

    Examples:
        >>> import argparse, contextlib, io
        >>> from edupoverty.records.sample import sample_roster_path
        >>> args = argparse.Namespace(lang="en", format="table", school_year=2019)
        >>> with contextlib.redirect_stdout(io.StringIO()) as out:
        ...     code = validate_paths([sample_roster_path()], args)
        >>> code, out.getvalue().splitlines()[0]
        (1, '40 rows: 32 accepted, 8 rejected; 8 errors, 3 warnings')
    """
    report = _report(paths, args, demo)
    _show(report, paths, args, demo)
    return 1 if report.has_errors else 0


def _report(
    paths: Sequence[str | os.PathLike[str]],
    args: argparse.Namespace,
    demo: bool = False,
    school_year: int | None = None,
) -> ValidationReport:
    if school_year is None:
        school_year = getattr(args, "school_year", None)
    if school_year is not None:
        check_school_year(school_year, "--school-year")
    disbursements: Any = getattr(args, "disbursements", None) or ()
    if demo:
        from edupoverty.records.sample import SAMPLE_SCHOOL_YEAR, sample_disbursements_path

        return validation_report(
            *paths, disbursements=sample_disbursements_path(), school_year=SAMPLE_SCHOOL_YEAR
        )
    quiet = getattr(args, "quiet", False)
    known = [estimate_rows(p) for p in paths] if shows_progress(quiet) else []
    total = sum(n for n in known if n is not None) if known and None not in known else None
    what = "校验" if getattr(args, "lang", "zh") == "zh" else "checking"
    with rows_progress(total, getattr(args, "lang", "zh"), quiet, what) as step:
        report = validation_report(
            *paths, disbursements=disbursements, school_year=school_year, progress=step
        )
    if getattr(args, "policy", None):
        report = _with_audit(report, paths, disbursements, args.waivers, args.policy, school_year)
    return report


def _show(
    report: ValidationReport,
    paths: Sequence[str | os.PathLike[str]],
    args: argparse.Namespace,
    demo: bool = False,
) -> None:
    lang = getattr(args, "lang", "zh")
    disbursements: Any = getattr(args, "disbursements", None) or ()
    several = len(paths) > 1 or bool(disbursements) or demo
    output = getattr(args, "output", None)
    if getattr(args, "format", None) == "xlsx" or str(output or "").lower().endswith(".xlsx"):
        _write_xlsx(report, output, lang)
    if getattr(args, "format", "table") == "json":
        print(dumps(_as_json(report, several, lang)))
        return
    if demo:
        from edupoverty.records.sample import sample_disbursements_path

        print(_demo_header(lang, paths, sample_disbursements_path().name))
    print(_summary(report, lang))
    if report.findings:
        print()
        print(_table(report, several, lang))
    if demo:
        print()
        print(_by_code(report.findings, lang))


def _write_xlsx(report: ValidationReport, output: str | None, lang: str) -> None:
    """The report a school gets back, as an XLSX workbook
    (:func:`~edupoverty.records.workbook.write_validation_xlsx`); needs ``-o FILE``."""
    from edupoverty.errors import InputError
    from edupoverty.records.workbook import write_validation_xlsx

    if not output:
        raise InputError("xlsx 格式须用 -o 指定输出文件", "the xlsx format needs -o FILE")
    write_validation_xlsx(output, report, lang=lang)


def _with_audit(
    report: ValidationReport,
    paths: Sequence[str | os.PathLike[str]],
    disbursements: Any,
    waivers: str | None,
    policy: Sequence[str],
    school_year: int | None,
) -> ValidationReport:
    """``report`` with the rules' audit findings (R-REC-3, R-REC-5) appended, and the
    problems of the waiver file's rows."""
    from edupoverty.records.roster import read_disbursements, read_roster, read_waivers
    from edupoverty.records.validate import current_school_year
    from edupoverty.rules import audit, load_policy

    year = school_year if school_year is not None else current_school_year()
    students = [s for p in paths for s in read_roster(p).students]
    paid = read_disbursements(disbursements).disbursements if disbursements else ()
    pledges = read_waivers(waivers) if waivers else None
    found = audit(students, paid, pledges.waivers if pledges else (), load_policy(*policy), year)
    extra = (pledges.findings if pledges else ()) + tuple(found)
    return attrs.evolve(report, findings=report.findings + extra)


def _as_json(report: ValidationReport, several: bool, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rows": report.rows,
        "accepted": report.accepted,
        "rejected": report.rejected,
    }
    if report.payments_rows:
        out["disbursements"] = {
            "rows": report.payments_rows,
            "accepted": report.payments_accepted,
            "rejected": report.payments_rejected,
        }
    items = []
    columns = _problems(report, False, lang).column("column" if lang == "en" else "列").to_pylist()
    for f, column in zip(report.findings, columns, strict=True):
        item: dict[str, Any] = {
            "code": f.code,
            "severity": f.severity.value,
            "row": f.row,
            "field": f.field,
            "column": column,
            "message": f.message(lang),
        }
        if several:
            item["source"] = Path(f.source).name if f.source else None
        items.append(item)
    out["findings"] = items
    return out


def _summary(report: ValidationReport, lang: str) -> str:
    errors = sum(1 for f in report.findings if f.is_error)
    warnings = len(report.findings) - errors
    if lang == "en":
        text = (
            f"{report.rows} rows: {report.accepted} accepted, {report.rejected} rejected; "
            f"{errors} errors, {warnings} warnings"
        )
        if report.payments_rows:
            text += (
                f"\ndisbursements: {report.payments_rows} rows, {report.payments_accepted} "
                f"accepted, {report.payments_rejected} rejected"
            )
        return text
    text = (
        f"共{report.rows}行：接受{report.accepted}行，拒绝{report.rejected}行；"
        f"错误{errors}条，警告{warnings}条"
    )
    if report.payments_rows:
        text += (
            f"\n发放记录{report.payments_rows}行：接受{report.payments_accepted}行，"
            f"拒绝{report.payments_rejected}行"
        )
    return text


def _problems(report: ValidationReport, several: bool, lang: str) -> pa.Table:
    """The findings as the school's workbook lists them
    (:func:`~edupoverty.records.workbook.problems_table`): row, student's name, the column
    as headed in the school's own file, problem, how to fix it, severity and code."""
    return problems_table(
        report.findings, headers=report.headers, names=report.names, lang=lang, files=several
    )


def _table(report: ValidationReport, several: bool, lang: str) -> str:
    shown = _problems(report, several, lang)
    return table(shown.column_names, [list(r.values()) for r in shown.to_pylist()])


def _demo_header(lang: str, paths: Sequence[str | os.PathLike[str]], pay: str) -> str:
    names = ", ".join(Path(p).name for p in paths)
    if lang == "en":
        return (
            "edupoverty demo: the validation report (R-REC-3) of the bundled sample roster\n"
            f"files: {names}, {pay} (school year 2019; every defect class planted on purpose)\n"
        )
    return (
        "edupoverty 演示：示例名单的效验报告（R-REC-3）\n"
        f"文件：{names}，{pay}（2019学年；每类错误都有意设置了一例）\n"
    )


def _by_code(findings: Sequence[Finding], lang: str) -> str:
    counts = Counter(f.code for f in findings)
    rows = []
    for code, n in sorted(counts.items()):
        spec = CODES[code]
        rows.append([code, spec.severity.value if lang == "en" else spec.severity.zh, n])
    headers = ["code", "severity", "count"] if lang == "en" else ["代码", "级别", "条数"]
    return table(headers, rows)
