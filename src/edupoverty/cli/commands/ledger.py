"""``edupoverty ledger``: the permanent assistance ledger (永久性救助台账, R-REC-2).

Sub-commands: ``init`` (a new ledger file), ``append`` (entries from a CSV, XLSX or JSON file,
or the payments of a disbursement file, all or nothing), ``balance`` (income and expenditure kept
apart, by programme and funding level), ``verify`` (the hash chain and the head log; exit 1 if it
was tampered with) and ``export`` (CSV with formulas neutralised, or JSON). Identity numbers are
masked in exports unless ``--with-ids`` is given; control characters in text are escaped in
every output.

``--key-file FILE`` keeps a keyed ledger (HMAC-SHA256; ``init`` creates the key file if it does
not exist); ``--head-log FILE`` appends each append's head to a separate text file and makes
``verify`` check every head recorded there.

Input columns (English or Chinese headers): ``kind`` 类别 (income 收入 / expenditure 支出),
``recorded_on`` 日期, ``programme`` 项目, ``amount`` 金额, ``funding_level`` 资金级次,
``source_document`` 文件, ``student_id`` 身份证号, ``disbursement_batch`` 批次,
``disclosure_id`` 公示编号, ``corrects`` 冲正, ``note`` 备注, ``school_year`` 学年,
``semester`` 学期.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from edupoverty.cli.formats import add_format_option, output_format
from edupoverty.cli.output import dumps, table
from edupoverty.errors import InputError
from edupoverty.records.enums import FundingLevel, Semester
from edupoverty.records.idcard import mask
from edupoverty.records.ledger import (
    Ledger,
    VerifyReport,
    balance,
    create_key_file,
    escape_text,
    from_disbursement,
    programme_id,
    read_key,
)
from edupoverty.records.model import LedgerEntry, Period
from edupoverty.records.money import money
from edupoverty.records.outfile import replace_whole
from edupoverty.records.roster import read_disbursements, read_table
from edupoverty.records.safefile import read_limited
from edupoverty.records.schema import DISBURSEMENT_KEYS, names_a_header
from edupoverty.records.writers import write_csv

__all__ = ["read_entries", "register"]

_HEADERS = {
    "kind": ("kind", "类别", "收支类别"),
    "recorded_on": ("recorded_on", "日期", "记账日期"),
    "programme": ("programme", "项目", "资助项目"),
    "amount": ("amount", "金额"),
    "funding_level": ("funding_level", "资金级次", "级次"),
    "source_document": ("source_document", "文件", "拨款文件", "文号"),
    "student_id": ("student_id", "身份证号", "身份证件号"),
    "disbursement_batch": ("disbursement_batch", "批次", "发放批次"),
    "disclosure_id": ("disclosure_id", "公示编号", "公示"),
    "corrects": ("corrects", "冲正", "冲正记录"),
    "note": ("note", "备注"),
    "school_year": ("school_year", "学年"),
    "semester": ("semester", "学期"),
}
_ALIASES = {alias: name for name, aliases in _HEADERS.items() for alias in aliases}
_KINDS = {"income": "income", "收入": "income", "expenditure": "expenditure", "支出": "expenditure"}
_MAX_BYTES = 64 * 1024 * 1024
_EXPORT_HEADER = [
    "seq",
    "kind",
    "recorded_on",
    "programme",
    "amount",
    "funding_level",
    "source_document",
    "student_id",
    "disbursement_batch",
    "disclosure_id",
    "corrects",
    "note",
    "school_year",
    "semester",
    "prev_hash",
    "hash",
]


def register(sub: Any) -> None:
    """Add the ``ledger`` sub-command and its own sub-commands.

    Examples:
        >>> from edupoverty.cli import build_parser
        >>> build_parser().parse_args(["ledger", "verify", "l.sqlite"]).func.__name__
        '_verify'
    """
    p = sub.add_parser("ledger", help="the permanent assistance ledger (永久性救助台账)")
    actions = p.add_subparsers(dest="ledger_command", metavar="ACTION")
    p.set_defaults(func=lambda args: _help(p))

    q = actions.add_parser("init", help="create a new ledger file")
    q.add_argument("path", type=Path)
    _integrity_options(q)
    add_format_option(q)
    q.set_defaults(func=_init)

    q = actions.add_parser(
        "append", help="append entries (CSV, XLSX or JSON) or a disbursement file's payments"
    )
    q.add_argument("path", type=Path)
    q.add_argument("entries", type=Path, help="entries file, or a disbursement file (发放表)")
    q.add_argument("--disclosure-id", help="the disclosure (公示) covering a disbursement file")
    _integrity_options(q)
    add_format_option(q)
    q.set_defaults(func=_append)

    q = actions.add_parser("balance", help="income and expenditure by programme and level")
    q.add_argument("path", type=Path)
    _integrity_options(q)
    add_format_option(q)
    q.set_defaults(func=_balance)

    q = actions.add_parser("verify", help="verify the hash chain (exit 1 if tampered)")
    q.add_argument("path", type=Path)
    q.add_argument("--anchor", help="SEQ:HASH of an entry written down earlier")
    _integrity_options(q)
    add_format_option(q)
    q.set_defaults(func=_verify)

    q = actions.add_parser("export", help="export the entries as CSV (or JSON)")
    q.add_argument("path", type=Path)
    _integrity_options(q)
    q.add_argument(
        "-o",
        "--output",
        "--out",
        dest="out",
        metavar="FILE",
        help="write to FILE, .csv or .json (default: standard output, CSV)",
    )
    q.add_argument(
        "--format",
        choices=("csv", "json"),
        default=None,
        help="csv or json (default: from the suffix of -o, else csv)",
    )
    q.add_argument("--with-ids", action="store_true", help="export identity numbers unmasked")
    q.set_defaults(func=_export)


def _integrity_options(q: argparse.ArgumentParser) -> None:
    q.add_argument("--key-file", type=Path, help="key of a keyed ledger (kept apart from it)")
    q.add_argument("--head-log", type=Path, help="head log: one line per append (SEQ HASH TIME)")


def _key(args: argparse.Namespace, create: bool = False) -> bytes | None:
    path: Path | None = args.key_file
    if path is None:
        return None
    if create and not path.exists():
        return create_key_file(path)
    return read_key(path)


def _open(args: argparse.Namespace) -> Ledger:
    """Open the ledger (verified, against the head log if given); a keyed ledger opened
    without its key is read with a note on standard error."""
    book = Ledger.open(args.path, key=_key(args), head_log=args.head_log)
    if book.keyed and args.key_file is None:
        print(
            "edupoverty: 注意：台账带密钥，未提供 --key-file，内容未经密钥校验"
            if not _en(args)
            else "edupoverty: note: the ledger is keyed and no --key-file was given: "
            "its content was not checked with the key",
            file=sys.stderr,
        )
    return book


def _help(p: argparse.ArgumentParser) -> int:
    p.print_help()
    return 0


def _en(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "lang", "zh") == "en")


def _init(args: argparse.Namespace) -> int:
    Ledger.create(args.path, key=_key(args, create=True), head_log=args.head_log).close()
    if args.format == "json":
        print(dumps({"path": str(args.path), "entries": 0}))
    else:
        print(f"created {args.path}" if _en(args) else f"已创建台账 {args.path}")
    return 0


# --- reading entries -------------------------------------------------------------------------


def _input_error(code: str, zh: str, en: str) -> InputError:
    err = InputError(zh, en)
    err.code = code
    return err


def _raw_rows(path: Path, table: list[list[str]] | None) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of a JSON file (``table`` is None), or of the rows ``table`` read from
    ``path``, as mappings of field names."""
    def refuse(zh: str, en: str) -> InputError:
        return _input_error("ledger.input", f"{path.name}：{zh}", f"{path.name}: {en}")

    if table is None:
        raw = read_limited(path, limit=_MAX_BYTES, refuse=refuse)
        try:
            parsed = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _input_error(
                "ledger.input", f"{path.name}：不是有效的 JSON", f"{path.name}: not valid JSON"
            ) from None
        if isinstance(parsed, dict) and isinstance(parsed.get("entries"), list):
            parsed = parsed["entries"]
        if not isinstance(parsed, list):
            raise _input_error(
                "ledger.input",
                f"{path.name}：JSON 应为记录列表",
                f"{path.name}: JSON must be a list of entries",
            )
        for n, item in enumerate(parsed, start=1):
            yield n, item if isinstance(item, dict) else {"?": item}
        return
    rows = iter(table)
    header = next(rows, None)
    if header is None:
        raise _input_error("ledger.input", f"{path.name}：文件为空", f"{path.name}: empty file")
    names = _field_names(header)
    if "kind" not in names:
        raise _input_error(
            "ledger.input",
            f"{path.name}：缺少“类别(kind)”列",
            f"{path.name}: the kind column is missing",
        )
    for n, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        yield n, {k: v for k, v in zip(names, cells, strict=False) if k is not None}


def _text(raw: dict[str, Any], key: str) -> str | None:
    v = raw.get(key)
    if v is None:
        return None
    text = str(v).strip()
    return text or None


def _entry(raw: dict[str, Any]) -> tuple[LedgerEntry | None, list[str]]:
    bad: list[str] = []
    unknown = sorted(k for k in raw if k not in _HEADERS and k != "period")
    bad.extend(unknown[:3])
    kind = _KINDS.get(_text(raw, "kind") or "")
    if kind is None:
        bad.append("kind")
    recorded: date | None = None
    try:
        recorded = date.fromisoformat(_text(raw, "recorded_on") or "")
    except ValueError:
        bad.append("recorded_on")
    amount = None
    try:
        amount = money(_text(raw, "amount") or "")
    except (InputError, TypeError):
        bad.append("amount")
    level = None
    if _text(raw, "funding_level"):
        try:
            level = FundingLevel.by_label(_text(raw, "funding_level") or "")
        except KeyError:
            bad.append("funding_level")
    corrects = None
    if _text(raw, "corrects"):
        try:
            corrects = int(_text(raw, "corrects") or "")
        except ValueError:
            bad.append("corrects")
    period = None
    nested = raw.get("period")
    year_text = _text(raw, "school_year")
    sem_text = _text(raw, "semester")
    if isinstance(nested, dict):
        year_text = str(nested.get("school_year", "")) or None
        sem_text = nested.get("semester") or None
    if year_text:
        try:
            semester = Semester.by_label(sem_text) if sem_text else None
            period = Period(int(year_text), semester)
        except (KeyError, ValueError):
            bad.append("school_year/semester")
    elif sem_text:
        bad.append("school_year")
    if not _text(raw, "programme"):
        bad.append("programme")
    if bad or kind is None or recorded is None or amount is None:
        return None, bad
    return (
        LedgerEntry(
            seq=0,
            kind=kind,
            recorded_on=recorded,
            programme=programme_id(_text(raw, "programme") or ""),
            amount=amount,
            funding_level=level,
            source_document=_text(raw, "source_document"),
            student_id=_text(raw, "student_id"),
            disbursement_batch=_text(raw, "disbursement_batch"),
            disclosure_id=_text(raw, "disclosure_id"),
            corrects=corrects,
            note=_text(raw, "note"),
            period=period,
        ),
        [],
    )


def _field_names(cells: list[str]) -> list[str | None]:
    """The ledger field each header cell names (``None``: none)."""
    return [_ALIASES.get(h.strip().replace("（", "(").replace("）", ")")) for h in cells]


def _is_disbursement_file(table: list[list[str]]) -> bool:
    """True if the first rows of ``table`` hold a disbursement file's header and no
    ``kind`` column."""
    for cells in table[:5]:
        names = _field_names(cells)
        if "kind" in names:
            return False
        if names_a_header(cells, DISBURSEMENT_KEYS):
            return True
    return False


def read_entries(
    path: Path, *, disclosure_id: str | None = None
) -> tuple[list[tuple[int, LedgerEntry]], list[tuple[int, list[str]]]]:
    """Read draft ledger entries from a CSV, XLSX or JSON file: ``(accepted, rejected)``, each
    row with its number (CSV/XLSX: spreadsheet row, header = 1; JSON: position from 1);
    rejected rows name the fields that could not be read, never their values.

    A disbursement file (资助发放表: a file without a ``kind`` column whose header names the
    columns of :func:`~edupoverty.records.roster.read_disbursements`) is read by that reader,
    with its defences, and each payment becomes an expenditure entry covered by
    ``disclosure_id``. Programme names are normalised
    (:func:`~edupoverty.records.ledger.entries.programme_id`).

    Examples:
        >>> import tempfile
        >>> src = Path(tempfile.mkdtemp()) / "in.csv"
        >>> _ = src.write_text("类别,日期,项目,金额,批次\\n支出,2019-11-01,p,500,A\\n"
        ...                    "支出,2019-11-31,p,5,A\\n", encoding="utf-8")
        >>> ok, bad = read_entries(src)
        >>> [(n, str(e.amount)) for n, e in ok], bad
        ([(2, '500.00')], [(3, ['recorded_on'])])
    """
    accepted: list[tuple[int, LedgerEntry]] = []
    rejected: list[tuple[int, list[str]]] = []
    table = None if path.suffix.lower() == ".json" else read_table(path)
    if table is not None and _is_disbursement_file(table):
        result = read_disbursements(path)
        for d in result.disbursements:
            accepted.append((d.row or 0, from_disbursement(d, disclosure_id=disclosure_id)))
        for r in result.rejected:
            fields = sorted({f.field or "row" for f in r.findings})
            rejected.append((r.row, fields))
        return accepted, sorted(rejected)
    for n, raw in _raw_rows(path, table):
        entry, bad = _entry(raw)
        if entry is None:
            rejected.append((n, bad))
        else:
            accepted.append((n, entry))
    return accepted, rejected


def _append(args: argparse.Namespace) -> int:
    en = _en(args)
    accepted, rejected = read_entries(args.entries, disclosure_id=args.disclosure_id)
    if rejected:
        lines = [
            (f"row {n}: cannot read {', '.join(f)}" if en else f"第{n}行：无法识别 {'、'.join(f)}")
            for n, f in rejected
        ]
        if args.format == "json":
            print(
                dumps(
                    {
                        "appended": 0,
                        "accepted": len(accepted),
                        "rejected": [{"row": n, "fields": f} for n, f in rejected],
                    }
                )
            )
        else:
            print("\n".join(lines))
            print(
                f"nothing appended: {len(rejected)} rows rejected, {len(accepted)} readable"
                if en
                else f"未入账：{len(rejected)}行有误，{len(accepted)}行可读"
            )
        return 1
    with _open(args) as book:
        added = book.append([e for _, e in accepted], rows=[n for n, _ in accepted])
        head = book.head()
    if args.format == "json":
        print(dumps({"appended": len(added), "head_seq": head[0], "head_hash": head[1]}))
    else:
        print(
            f"appended {len(added)} entries; head {head[0]} {head[1]}"
            if en
            else f"已入账{len(added)}条；最新记录{head[0]}，校验值{head[1]}"
        )
        # The head to copy onto the paper register (登记簿).
        print(f"head {head[0]}:{head[1]}" if en else f"校验值 {head[0]}:{head[1]}")
    return 0


# --- balance, verify, export -----------------------------------------------------------------


def _balance(args: argparse.Namespace) -> int:
    en = _en(args)
    with _open(args) as book:
        b = balance(book.entries())
    if args.format == "json":
        print(
            dumps(
                {
                    "lines": [
                        {
                            "programme": escape_text(x.programme),
                            "funding_level": x.funding_level,
                            "income": x.income,
                            "expenditure": x.expenditure,
                            "balance": x.balance,
                        }
                        for x in b.lines
                    ],
                    "income_total": b.income_total,
                    "expenditure_total": b.expenditure_total,
                    "balance": b.balance,
                }
            )
        )
        return 0
    headers = (
        ["programme", "funding level", "income", "expenditure", "balance"]
        if en
        else ["资助项目", "资金级次", "收入", "支出", "结余"]
    )
    rows: list[list[Any]] = [
        [
            escape_text(x.programme),
            ""
            if x.funding_level is None
            else (x.funding_level.value if en else x.funding_level.zh),
            x.income,
            x.expenditure,
            x.balance,
        ]
        for x in b.lines
    ]
    rows.append(["total" if en else "合计", "", b.income_total, b.expenditure_total, b.balance])
    print(table(headers, rows))
    return 0


def _anchor(text: str | None) -> tuple[int, str] | None:
    if not text:
        return None
    seq, _, h = text.partition(":")
    if not seq.isdigit() or len(h) != 64:
        raise _input_error(
            "ledger.anchor", "--anchor 应为 序号:校验值", "--anchor must be SEQ:HASH (64 hex)"
        )
    return int(seq), h.lower()


def _report_json(report: VerifyReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "entries": report.count,
        "head_seq": report.head_seq,
        "head_hash": report.head_hash,
        "keyed": report.keyed,
        "heads_checked": report.heads_checked,
        "problems": [
            {
                "kind": p.kind.value,
                "seq": p.seq,
                "position": p.position,
                "message_zh": p.message_zh,
                "message_en": p.message_en,
            }
            for p in report.problems
        ],
    }


def _verify(args: argparse.Namespace) -> int:
    en = _en(args)
    anchor = _anchor(args.anchor)
    with Ledger.open(args.path, check=False, key=_key(args), head_log=args.head_log) as book:
        if book.keyed and args.key_file is None:
            raise _input_error(
                "ledger.key",
                "台账带密钥：请用 --key-file 提供密钥，否则无法校验内容",
                "the ledger is keyed: give its key with --key-file to verify its content",
            )
        report = book.verify(anchor)
    if args.format == "json":
        print(dumps(_report_json(report)))
    else:
        for p in report.problems:
            print(f"{p.kind.value}: {p.message_en}" if en else f"{p.kind.zh}：{p.message_zh}")
        if report.ok:
            print(
                f"ledger verified: {report.count} entries; head {report.head_seq} "
                f"{report.head_hash}"
                if en
                else f"台账校验通过：{report.count}条；最新记录{report.head_seq}，"
                f"校验值{report.head_hash}"
            )
            if report.heads_checked:
                print(
                    f"{report.heads_checked} recorded heads match"
                    if en
                    else f"留存的{report.heads_checked}个校验值全部相符"
                )
        else:
            print(
                f"ledger verification FAILED: {len(report.problems)} problems"
                if en
                else f"台账校验失败：{len(report.problems)}处问题"
            )
    return 0 if report.ok else 1


def _export(args: argparse.Namespace) -> int:
    args.format = output_format(args.format, args.out, ("csv", "json"), default="csv")
    with _open(args) as book:
        entries = list(book.entries())

    def sid(e: LedgerEntry) -> str | None:
        if e.student_id is None or args.with_ids:
            return escape_text(e.student_id)
        return escape_text(mask(e.student_id))

    rows = [
        [
            e.seq,
            e.kind,
            e.recorded_on,
            escape_text(e.programme),
            e.amount,
            e.funding_level,
            escape_text(e.source_document),
            sid(e),
            escape_text(e.disbursement_batch),
            escape_text(e.disclosure_id),
            e.corrects,
            escape_text(e.note),
            None if e.period is None else e.period.school_year,
            None if e.period is None else e.period.semester,
            e.prev_hash,
            e.hash,
        ]
        for e in entries
    ]
    if args.format == "json":
        text = dumps([dict(zip(_EXPORT_HEADER, r, strict=True)) for r in rows])
        if args.out:
            with replace_whole(Path(args.out)) as fh:
                fh.write(text + "\n")
        else:
            print(text)
        return 0
    if args.out:
        write_csv(Path(args.out), _EXPORT_HEADER, rows)
    else:
        buf = io.StringIO()
        write_csv(buf, _EXPORT_HEADER, rows)
        sys.stdout.write(buf.getvalue())
    return 0
