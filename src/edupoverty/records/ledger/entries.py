"""Ledger entries (台账记录): building, checking, numbering and their canonical form (R-REC-2).

An entry is a :class:`~edupoverty.records.model.LedgerEntry`. This module builds drafts
(:func:`income`, :func:`expenditure`, :func:`from_disbursement`, :func:`reverse`), checks them
before they are chained (:func:`check_entries`: required fields, amounts, corrections, control
characters), numbers and hashes them (:func:`chain`), and turns an entry into the exact bytes its
hash covers (:func:`canonical_json`) and back (:func:`decode_entry`, which refuses anything
that is not such bytes). Programme names are normalised with :func:`programme_id`.

Examples:
    >>> from datetime import date
    >>> e = chain([expenditure(date(2019, 11, 1), "寄宿生生活补助", "500", batch="B1")])[0]
    >>> e.seq, e.programme
    (1, '寄宿生生活补助')
    >>> programme_id(e.programme)
    'compulsory.boarding_allowance'
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from edupoverty.errors import InputError, LedgerIntegrityError
from edupoverty.records.echo import CONTROLS, printable
from edupoverty.records.enums import FundingLevel, Semester
from edupoverty.records.model import Disbursement, LedgerEntry, Period
from edupoverty.records.money import ZERO, money
from edupoverty.records.roster import PROGRAMMES

__all__ = [
    "FORMAT",
    "GENESIS",
    "canonical_json",
    "chain",
    "check_entries",
    "decode_entry",
    "encode_entry",
    "entry_hash",
    "escape_text",
    "expenditure",
    "from_disbursement",
    "hasher",
    "income",
    "programme_id",
    "reverse",
    "unsafe_text",
]

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry of every ledger."""

FORMAT = "edupoverty-ledger/1"
"""The format name a ledger file records in its metadata."""

# --- canonical form and hashes -----------------------------------------------------------

_str = json.encoder.encode_basestring  # JSON string, non-ASCII kept (ensure_ascii=False)


def _opt(value: str | None) -> str:
    return "null" if value is None else _str(value)


def canonical_json(entry: LedgerEntry) -> bytes:
    """The canonical JSON of ``entry`` (UTF-8 bytes) that its hash covers.

    Fixed key order starting with ``seq``, no spaces, money as a string with two places, dates
    in ISO form, enums by their English id; ``prev_hash`` and ``hash`` are not part of it. It
    is exactly ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` of the fields in
    that order, written out directly because verifying a large ledger hashes every entry.

    Examples:
        >>> e = income(date(2019, 9, 2), "compulsory.nutrition", "800", FundingLevel.CENTRAL,
        ...            "财教〔2019〕1号")
        >>> canonical_json(e)[:48]
        b'{"seq":0,"kind":"income","recorded_on":"2019-09-'
        >>> json.loads(canonical_json(e))["amount"]
        '800.00'
    """
    return encode_entry(entry, entry.seq)


def encode_entry(entry: LedgerEntry, seq: int) -> bytes:
    """The canonical JSON of ``entry`` numbered ``seq`` (what :func:`chain` hashes).

    Examples:
        >>> e = expenditure(date(2019, 11, 1), "p", "5", batch="B")
        >>> encode_entry(e, 7)[:10]
        b'{"seq":7,"'
    """
    fl = entry.funding_level
    period = entry.period
    corrects = entry.corrects
    if period is None:
        p = "null"
    else:
        sem = period.semester
        p = (
            f'{{"school_year":{int(period.school_year)},'
            f'"semester":{"null" if sem is None else _str(sem.value)}}}'
        )
    return (
        f'{{"seq":{int(seq)},"kind":{_str(entry.kind)},'
        f'"recorded_on":{_str(entry.recorded_on.isoformat())},'
        f'"programme":{_str(entry.programme)},"amount":{_str(str(entry.amount))},'
        f'"funding_level":{"null" if fl is None else _str(fl.value)},'
        f'"source_document":{_opt(entry.source_document)},'
        f'"student_id":{_opt(entry.student_id)},'
        f'"disbursement_batch":{_opt(entry.disbursement_batch)},'
        f'"disclosure_id":{_opt(entry.disclosure_id)},'
        f'"corrects":{"null" if corrects is None else int(corrects)},'
        f'"note":{_opt(entry.note)},"period":{p}}}'
    ).encode()


def entry_hash(prev_hash: str, body: bytes, key: bytes | None = None) -> str:
    """The hash (hex) of an entry: SHA-256 of the previous entry's hash followed by the
    entry's canonical JSON; with ``key``, HMAC-SHA256 under that key (a keyed ledger: nobody
    without the key can re-chain it).

    Examples:
        >>> len(entry_hash(GENESIS, b"{}"))
        64
        >>> entry_hash(GENESIS, b"{}") == entry_hash(GENESIS, b"{}", key=b"k" * 32)
        False
    """
    return hasher(key)(prev_hash.encode("utf-8") + body)


def hasher(key: bytes | None = None) -> Callable[[bytes], str]:
    """The function that hashes ``prev_hash + body`` bytes: SHA-256, or HMAC-SHA256 under
    ``key`` (what :func:`entry_hash` uses, for loops over many entries).

    Examples:
        >>> hasher()(b"abc")[:16]
        'ba7816bf8f01cfea'
    """
    if key is None:
        return lambda data: hashlib.sha256(data).hexdigest()
    k = bytes(key)
    return lambda data: hmac.digest(k, data, "sha256").hex()


_LEVELS = {m.value: m for m in FundingLevel}
_SEMESTERS = {m.value: m for m in Semester}
_KEYS = ("seq", "kind", "recorded_on", "programme", "amount", "funding_level",
         "source_document", "student_id", "disbursement_batch", "disclosure_id", "corrects",
         "note", "period")  # fmt: skip


def _unreadable(seq: int, fld: str) -> LedgerIntegrityError:
    err = LedgerIntegrityError(
        f"台账校验失败：第{seq}条记录 {fld} 无法读取", f"entry {seq}, {fld}: cannot be read"
    )
    return err


def decode_entry(body: bytes | str, prev_hash: str, hash_: str, seq: int = 0) -> LedgerEntry:
    """The entry stored as ``body`` (its canonical JSON), or
    :class:`~edupoverty.errors.LedgerIntegrityError` naming the entry (``seq``, its place in the
    file) and field when the body is not exactly the canonical JSON of an entry: unreadable
    JSON, nesting, an amount that is not money (or reaches
    :data:`~edupoverty.records.money.MAX_YUAN`), a field of the wrong type. A body that verifies
    may still have been written by someone who re-chained the file: it is never trusted.

    Examples:
        >>> e = chain([expenditure(date(2019, 11, 1), "p", "5", batch="B")])[0]
        >>> decode_entry(canonical_json(e), e.prev_hash, e.hash) == e
        True
        >>> decode_entry(b'{"seq":1,"amount":"1E+30"}', GENESIS, "", seq=1)
        Traceback (most recent call last):
        ...
        edupoverty.errors.LedgerIntegrityError: ledger.integrity: 台账校验失败：第1条记录 ...
    """
    raw = body.encode("utf-8") if isinstance(body, str) else body
    try:
        d = json.loads(raw)
    except (ValueError, RecursionError):
        raise _unreadable(seq, "body") from None
    if not isinstance(d, dict) or tuple(d) != _KEYS:
        raise _unreadable(seq, "body")
    seq = d["seq"] if type(d["seq"]) is int else seq
    if not isinstance(d["amount"], str):
        raise _unreadable(seq, "amount")
    try:
        amount = money(d["amount"])
    except InputError:
        raise _unreadable(seq, "amount") from None
    for fld in ("seq", "corrects"):
        if d[fld] is not None and type(d[fld]) is not int:
            raise _unreadable(seq, fld)
    for fld in ("kind", "recorded_on", "programme"):
        if not isinstance(d[fld], str):
            raise _unreadable(seq, fld)
    for fld in ("source_document", "student_id", "disbursement_batch", "disclosure_id", "note"):
        if d[fld] is not None and not isinstance(d[fld], str):
            raise _unreadable(seq, fld)
    try:
        p = d["period"]
        if p is not None and (
            not isinstance(p, dict)
            or tuple(p) != ("school_year", "semester")
            or type(p["school_year"]) is not int
        ):
            raise ValueError
        level = d["funding_level"]
        entry = LedgerEntry(
            seq=d["seq"],
            kind=d["kind"],
            recorded_on=date.fromisoformat(d["recorded_on"]),
            programme=d["programme"],
            amount=amount,
            funding_level=None if level is None else _LEVELS[level],
            source_document=d["source_document"],
            student_id=d["student_id"],
            disbursement_batch=d["disbursement_batch"],
            disclosure_id=d["disclosure_id"],
            corrects=d["corrects"],
            note=d["note"],
            prev_hash=prev_hash,
            hash=hash_,
            period=None
            if p is None
            else Period(
                p["school_year"], None if p["semester"] is None else _SEMESTERS[p["semester"]]
            ),
        )
        same = encode_entry(entry, entry.seq) == raw
    except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError):
        raise _unreadable(seq, "body") from None
    if not same:
        raise _unreadable(seq, "body")
    return entry


# --- text: programme names and control characters ----------------------------------------


def unsafe_text(text: str) -> bool:
    """True when ``text`` holds a character that can change how a line reads
    (:data:`~edupoverty.records.echo.CONTROLS`): a control character (C0 such as ESC, CR, LF,
    tab; DEL; C1), a format character (the bidirectional controls such as U+202E, zero-width
    characters), a line or paragraph separator, a lone surrogate. The ledger refuses them in
    its text fields (:func:`check_entries`) and escapes them on the way out
    (:func:`escape_text`).

    Examples:
        >>> unsafe_text("皖财教〔2019〕1号"), unsafe_text("a\\nb"), unsafe_text("\\u202etxt.exe")
        (False, True, True)
    """
    return CONTROLS.search(text) is not None


def escape_text(text: str | None) -> str | None:
    """``text`` with every character :func:`unsafe_text` refuses written as an escape
    (``\\x1b``, ``\\n``, ``\\u202e``: :func:`~edupoverty.records.echo.printable`), so one
    value stays one cell on one line; ``None`` stays ``None``.

    Examples:
        >>> print(escape_text("A\\n合计,0\\x1b[2J"))
        A\\n合计,0\\x1b[2J
        >>> escape_text(None) is None
        True
    """
    return None if text is None else printable(text)


def programme_id(name: str, aliases: Mapping[str, str] | None = None) -> str:
    """The programme id a programme name stands for: ``aliases`` first (for instance the
    Chinese names of a policy's programmes, ``{name_zh: id}``), then the Chinese names the
    disbursement reader knows (:data:`edupoverty.records.roster.PROGRAMMES`); any other name
    is kept as written, trimmed.

    Examples:
        >>> programme_id("寄宿生生活补助"), programme_id(" compulsory.nutrition ")
        ('compulsory.boarding_allowance', 'compulsory.nutrition')
        >>> programme_id("免学杂费", {"免学杂费": "compulsory.fee_waiver"})
        'compulsory.fee_waiver'
    """
    text = name.strip()
    if aliases is not None and text in aliases:
        return aliases[text]
    return PROGRAMMES.get(text, text)


# --- building entries --------------------------------------------------------------------


def income(
    recorded_on: date,
    programme: str,
    amount: Decimal | int | str,
    funding_level: FundingLevel,
    source_document: str,
    *,
    note: str | None = None,
) -> LedgerEntry:
    """A draft income entry: an allocation received (资金到账), not yet numbered.

    Examples:
        >>> e = income(date(2019, 9, 2), "compulsory.fee_waiver", "16000", FundingLevel.CENTRAL,
        ...            "皖财教〔2019〕1号")
        >>> e.kind, e.seq, e.amount
        ('income', 0, Decimal('16000.00'))
    """
    return LedgerEntry(
        seq=0,
        kind="income",
        recorded_on=recorded_on,
        programme=programme,
        amount=amount,
        funding_level=funding_level,
        source_document=source_document,
        note=note,
    )


def expenditure(
    recorded_on: date,
    programme: str,
    amount: Decimal | int | str,
    *,
    batch: str,
    disclosure_id: str | None = None,
    student_id: str | None = None,
    period: Period | None = None,
    funding_level: FundingLevel | None = None,
    note: str | None = None,
) -> LedgerEntry:
    """A draft expenditure entry: a payment (资金支出), not yet numbered.

    ``disclosure_id`` names the public disclosure (公示) that covered the payment (R-PAY-4).

    Examples:
        >>> e = expenditure(date(2019, 11, 1), "compulsory.boarding_allowance", "500",
        ...                 batch="2019-A1", period=Period(2019, Semester.AUTUMN))
        >>> e.kind, e.disbursement_batch, e.period.semester.zh
        ('expenditure', '2019-A1', '秋季学期')
    """
    return LedgerEntry(
        seq=0,
        kind="expenditure",
        recorded_on=recorded_on,
        programme=programme,
        amount=amount,
        funding_level=funding_level,
        student_id=student_id,
        disbursement_batch=batch,
        disclosure_id=disclosure_id,
        note=note,
        period=period,
    )


def from_disbursement(
    d: Disbursement, *, disclosure_id: str | None = None, recorded_on: date | None = None
) -> LedgerEntry:
    """The draft expenditure entry of a disbursement (发放记录入账).

    Examples:
        >>> from edupoverty.records.enums import PaymentMethod
        >>> d = Disbursement(student_id="11010520120307002X",
        ...                  programme="compulsory.boarding_allowance",
        ...                  period=Period(2019, Semester.AUTUMN), amount="500",
        ...                  method=PaymentMethod.BANK_TRANSFER, paid_on=date(2019, 11, 1),
        ...                  batch="2019-A1")
        >>> e = from_disbursement(d, disclosure_id="GS-2019-07")
        >>> e.amount, e.recorded_on, e.disbursement_batch
        (Decimal('500.00'), datetime.date(2019, 11, 1), '2019-A1')
    """
    return expenditure(
        recorded_on if recorded_on is not None else d.paid_on,
        d.programme,
        d.amount,
        batch=d.batch,
        disclosure_id=disclosure_id,
        student_id=d.student_id,
        period=d.period,
    )


def reverse(entry: LedgerEntry, recorded_on: date, note: str | None = None) -> LedgerEntry:
    """The draft correction that reverses ``entry`` (冲正): same kind, programme, funding level,
    student and period, the opposite amount, ``corrects`` = ``entry.seq``.

    The original stays in the ledger; enter the right values afterwards as a new entry.

    Examples:
        >>> e = chain([expenditure(date(2019, 11, 1), "compulsory.boarding_allowance", "600",
        ...                        batch="2019-A1")])[0]
        >>> r = reverse(e, date(2019, 11, 5), "金额错报，应为500元")
        >>> r.amount, r.corrects
        (Decimal('-600.00'), 1)
    """
    if entry.seq < 1:
        raise _entry_error(
            1, "corrects", "只能冲正已入账的记录", "only recorded entries can be reversed"
        )
    return attrs.evolve(
        entry,
        seq=0,
        recorded_on=recorded_on,
        amount=-entry.amount,
        corrects=entry.seq,
        note=note,
        prev_hash="",
        hash="",
    )


def _entry_error(
    n: int, fld: str, zh: str, en: str, rows: Sequence[int] | None = None
) -> InputError:
    if rows is not None and 0 < n <= len(rows):
        where_zh, where_en = f"第{rows[n - 1]}行", f"row {rows[n - 1]}"
    else:
        where_zh, where_en = f"第{n}条记录", f"entry {n}"
    err = InputError(f"{where_zh} {fld}：{zh}", f"{where_en}, {fld}: {en}")
    err.code = "ledger.entry"
    return err


_TEXT_FIELDS = ("programme", "source_document", "student_id", "disbursement_batch",
                "disclosure_id", "note")  # fmt: skip


def check_entries(
    drafts: Sequence[LedgerEntry],
    lookup: Any = None,
    first_seq: int = 1,
    rows: Sequence[int] | None = None,
) -> None:
    """Check draft entries before they are chained; raise :class:`~edupoverty.errors.InputError`
    (code ``ledger.entry``) naming the entry (1-based within ``drafts``) and field.

    Income needs a funding level and a source document; expenditure needs a disbursement
    batch; amounts are positive except in a correction, which must exactly reverse an earlier
    entry (same kind, programme, funding level, student and period), never a correction, and
    never one already reversed. ``lookup(seq)`` returns the earlier entry with that number (or
    ``None``) and whether it was already reversed; within ``drafts`` later entries may correct
    earlier ones (numbered from ``first_seq``).

    Examples:
        >>> check_entries([expenditure(date(2019, 11, 1), "x", "0", batch="B1")])
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: ledger.entry: 第1条记录 amount：金额必须大于零 / ...
    """

    def _entry_error_n(n: int, fld: str, zh: str, en: str) -> InputError:
        return _entry_error(n, fld, zh, en, rows)

    batch: dict[int, LedgerEntry] = {}
    reversed_here: set[int] = set()
    for n, e in enumerate(drafts, start=1):
        if not e.programme:
            raise _entry_error_n(n, "programme", "缺少资助项目", "the programme is missing")
        texts = (e.programme, e.source_document, e.student_id, e.disbursement_batch,
                 e.disclosure_id, e.note)  # fmt: skip
        try:
            "".join(t for t in texts if t).encode("utf-8")
        except UnicodeEncodeError:
            raise _entry_error_n(
                n, "text", "含有无效字符", "a text field holds invalid characters"
            ) from None
        for fld in _TEXT_FIELDS:
            value = getattr(e, fld)
            if value and unsafe_text(value):
                raise _entry_error_n(
                    n,
                    fld,
                    "含有控制字符（换行、回车、ESC、双向控制符等）",
                    "control characters (line breaks, ESC, bidirectional controls …)",
                )
        if e.kind == "income":
            if e.funding_level is None:
                raise _entry_error_n(n, "funding_level", "收入缺少资金级次", "income needs a level")
            if not e.source_document:
                raise _entry_error_n(
                    n, "source_document", "收入缺少拨款文件", "income needs its source document"
                )
        elif not e.disbursement_batch:
            raise _entry_error_n(
                n, "disbursement_batch", "支出缺少发放批次", "expenditure needs its batch"
            )
        if e.corrects is None:
            if e.amount <= ZERO:
                raise _entry_error_n(n, "amount", "金额必须大于零", "the amount must be positive")
        else:
            target: LedgerEntry | None = batch.get(e.corrects)
            already = e.corrects in reversed_here
            if target is None and lookup is not None:
                target, was = lookup(e.corrects)
                already = already or was
            if target is None:
                raise _entry_error_n(
                    n, "corrects", "冲正的记录不存在", "the corrected entry does not exist"
                )
            if target.corrects is not None:
                raise _entry_error_n(
                    n, "corrects", "不能冲正一条冲正记录", "a correction cannot be reversed"
                )
            if already:
                raise _entry_error_n(
                    n, "corrects", "该记录已被冲正", "that entry is already reversed"
                )
            same = (
                target.kind == e.kind
                and target.programme == e.programme
                and target.funding_level == e.funding_level
                and target.student_id == e.student_id
                and target.period == e.period
                and target.amount == -e.amount
            )
            if not same:
                raise _entry_error_n(
                    n,
                    "corrects",
                    "冲正记录必须与原记录的类别、项目、级次、学生、期间相同且金额相反",
                    "a correction must match the entry it reverses with the opposite amount",
                )
            reversed_here.add(e.corrects)
        batch[first_seq + n - 1] = e


def chain(
    drafts: Iterable[LedgerEntry],
    after: LedgerEntry | tuple[int, str] | None = None,
    *,
    key: bytes | None = None,
) -> tuple[LedgerEntry, ...]:
    """Number and hash draft entries after ``after`` (the last entry, or ``(seq, hash)``;
    ``None`` starts a new ledger); with ``key``, the hashes are HMAC-SHA256 under it
    (:func:`entry_hash`). Pure: returns new values.

    Examples:
        >>> a, b = chain([income(date(2019, 9, 2), "p", "10", FundingLevel.COUNTY, "doc"),
        ...               expenditure(date(2019, 9, 3), "p", "10", batch="B")])
        >>> (a.seq, a.prev_hash == GENESIS), (b.seq, b.prev_hash == a.hash)
        ((1, True), (2, True))
        >>> chain([expenditure(date(2019, 9, 4), "p", "1", batch="B")], after=b)[0].seq
        3
    """
    if after is None:
        seq, prev = 0, GENESIS
    elif isinstance(after, LedgerEntry):
        seq, prev = after.seq, after.hash
    else:
        seq, prev = after
    out = []
    digest = hasher(key)
    for d in drafts:
        seq += 1
        h = digest(prev.encode("utf-8") + encode_entry(d, seq))
        out.append(attrs.evolve(d, seq=seq, prev_hash=prev, hash=h))
        prev = h
    return tuple(out)
