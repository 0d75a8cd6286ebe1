"""The permanent assistance ledger (永久性救助台账, R-REC-2).

A school keeps "a permanent assistance ledger with income and expenditure kept apart"
(建立永久性的救助台账，做到收入和支出分明, 教育扶贫工作实施办法 7). Here that ledger is a
hash chain of :class:`~edupoverty.records.model.LedgerEntry` values:

- **income** entries record allocations received (source document, programme, funding level,
  amount); **expenditure** entries record payments (disbursement batch, the disclosure that
  covered it, the student and period paid for);
- nothing is ever edited or deleted: a correction is a new entry that reverses an earlier one
  and names it in ``corrects`` (:func:`reverse`);
- each entry carries ``hash`` = SHA-256 of the previous entry's hash followed by the entry's
  canonical JSON (:func:`canonical_json`), so :func:`verify` finds any entry that was edited,
  removed, reordered or inserted, and says which.

Pure functions work on entries: :func:`chain` numbers and hashes new entries, :func:`balance`
totals income and expenditure apart by programme and funding level, :func:`reconcile` compares
what was paid with what was due. :class:`Ledger` stores the chain in an SQLite file
(append-only: triggers refuse ``UPDATE`` and ``DELETE``; WAL journal; each append is one
transaction taken with ``BEGIN IMMEDIATE``, so a killed writer leaves a valid ledger and two
writers never fork the chain).

Examples:
    >>> from datetime import date
    >>> from edupoverty.records.enums import FundingLevel
    >>> grant = income(date(2019, 9, 2), "compulsory.boarding_allowance", "50000",
    ...                FundingLevel.CENTRAL, "皖财教〔2019〕1号")
    >>> paid = expenditure(date(2019, 11, 1), "compulsory.boarding_allowance", "500",
    ...                    batch="2019-A1", disclosure_id="GS-2019-07")
    >>> entries = chain([grant, paid])
    >>> [e.seq for e in entries], entries[1].prev_hash == entries[0].hash
    ([1, 2], True)
    >>> verify(entries).ok
    True
    >>> balance(entries).balance
    Decimal('49500.00')
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

import attrs
from attrs import field, frozen

from edupoverty.errors import InputError, LedgerIntegrityError
from edupoverty.records.enums import FundingLevel, LabelledEnum, Semester
from edupoverty.records.model import Disbursement, LedgerEntry, Period
from edupoverty.records.money import ZERO, money

__all__ = [
    "GENESIS",
    "Balance",
    "BalanceLine",
    "ChainProblem",
    "ExpectedPayment",
    "Ledger",
    "Reconciliation",
    "ReconciliationLine",
    "TamperKind",
    "VerifyReport",
    "balance",
    "canonical_json",
    "chain",
    "check_entries",
    "entry_hash",
    "expenditure",
    "from_disbursement",
    "income",
    "reconcile",
    "reverse",
    "undisclosed",
    "verify",
]

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry of every ledger."""

FORMAT = "edupoverty-ledger/1"

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
    return _canonical(entry, entry.seq)


def _canonical(entry: LedgerEntry, seq: int) -> bytes:
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


def entry_hash(prev_hash: str, body: bytes) -> str:
    """SHA-256 (hex) of the previous entry's hash followed by an entry's canonical JSON.

    Examples:
        >>> len(entry_hash(GENESIS, b"{}"))
        64
    """
    return hashlib.sha256(prev_hash.encode("utf-8") + body).hexdigest()


_LEVELS = {m.value: m for m in FundingLevel}
_SEMESTERS = {m.value: m for m in Semester}


def _from_body(body: bytes | str, prev_hash: str, hash_: str) -> LedgerEntry:
    d = json.loads(body)
    p = d["period"]
    return LedgerEntry(
        seq=d["seq"],
        kind=d["kind"],
        recorded_on=date.fromisoformat(d["recorded_on"]),
        programme=d["programme"],
        amount=d["amount"],
        funding_level=None if d["funding_level"] is None else _LEVELS[d["funding_level"]],
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
        else Period(p["school_year"], None if p["semester"] is None else _SEMESTERS[p["semester"]]),
    )


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
    drafts: Iterable[LedgerEntry], after: LedgerEntry | tuple[int, str] | None = None
) -> tuple[LedgerEntry, ...]:
    """Number and hash draft entries after ``after`` (the last entry, or ``(seq, hash)``;
    ``None`` starts a new ledger). Pure: returns new values.

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
    for d in drafts:
        seq += 1
        h = entry_hash(prev, _canonical(d, seq))
        out.append(attrs.evolve(d, seq=seq, prev_hash=prev, hash=h))
        prev = h
    return tuple(out)


# --- verification ------------------------------------------------------------------------


class TamperKind(LabelledEnum):
    """What happened to the chain at a problem found by :func:`verify`.

    Examples:
        >>> [k.zh for k in TamperKind]
        ['被修改', '被删除', '顺序被打乱', '被插入']
    """

    EDITED = "edited", "被修改"
    REMOVED = "removed", "被删除"
    REORDERED = "reordered", "顺序被打乱"
    INSERTED = "inserted", "被插入"


@frozen
class ChainProblem:
    """One break in the hash chain: which entry (``seq``, as its own content says), where it
    stands (``position``, 1-based), what happened, in Chinese and English.

    Examples:
        >>> p = ChainProblem(TamperKind.REMOVED, 5, 5, "第4条记录被删除", "entry 4 was removed")
        >>> p.kind.zh
        '被删除'
    """

    kind: TamperKind
    seq: int
    position: int
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        """The message in ``"zh"`` or ``"en"``."""
        return self.message_en if lang == "en" else self.message_zh


@frozen
class VerifyReport:
    """The result of :func:`verify`: how many entries, the head of the chain, the problems.

    ``head_hash`` is worth writing down outside the ledger (in a signed report): a ledger whose
    last entries were cut off still verifies, unless it is checked against such an anchor.

    Examples:
        >>> r = verify([])
        >>> r.ok, r.count, r.head_seq
        (True, 0, 0)
    """

    count: int
    head_seq: int
    head_hash: str
    problems: tuple[ChainProblem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the chain verifies."""
        return not self.problems

    def raise_if_broken(self) -> None:
        """Raise :class:`~edupoverty.errors.LedgerIntegrityError` naming the first problems.

        Examples:
            >>> verify([]).raise_if_broken() is None
            True
        """
        if self.ok:
            return
        first = self.problems[:3]
        more_zh = f"等{len(self.problems)}处" if len(self.problems) > 3 else ""
        more_en = f" ({len(self.problems)} problems)" if len(self.problems) > 3 else ""
        err = LedgerIntegrityError(
            "台账校验失败：" + "；".join(p.message_zh for p in first) + more_zh,
            "ledger verification failed: " + "; ".join(p.message_en for p in first) + more_en,
        )
        err.report = self  # type: ignore[attr-defined]
        raise err


_Item = tuple[int, str, str, bytes]  # (storage position, prev_hash, hash, canonical body)


def verify(entries: Iterable[LedgerEntry], anchor: tuple[int, str] | None = None) -> VerifyReport:
    """Check the hash chain of ``entries`` (in ledger order) and say what broke it.

    Finds entries **edited** (content no longer matches its hash, or re-hashed so the next
    entry no longer follows it), **removed** (a gap in the chain), **reordered** (an entry
    stands after one it does not follow) and **inserted** (an entry no other entry follows,
    between two that follow each other). ``anchor`` = ``(seq, hash)`` written down earlier also
    catches a cut-off tail.

    Examples:
        >>> es = list(chain([expenditure(date(2019, 11, d), "p", "5", batch="B")
        ...                  for d in range(1, 5)]))
        >>> verify(es).ok
        True
        >>> del es[1]
        >>> [(p.kind.value, p.message_en) for p in verify(es).problems]
        [('removed', 'entry 2 was removed (entry 3 follows entry 1)')]
    """
    items = [(e.seq, e.prev_hash, e.hash, canonical_json(e)) for e in entries]
    return _verify_items(items, anchor)


def _verify_items(items: Sequence[_Item], anchor: tuple[int, str] | None) -> VerifyReport:
    prev = GENESIS
    expected = 1
    sha = hashlib.sha256
    clean = True
    try:
        for _col, p, h, body in items:
            if (
                p != prev
                or sha(p.encode("utf-8") + body).hexdigest() != h
                or not body.startswith(b'{"seq":%d,' % expected)
            ):
                clean = False
                break
            prev = h
            expected += 1
    except (TypeError, AttributeError, UnicodeError):  # a column of the wrong type
        clean = False
    if not clean:
        items = [(int(c), _text(p), _text(h), _bytes(b)) for c, p, h, b in items]
    problems: list[ChainProblem] = [] if clean else _diagnose(items)
    head_seq = _body_seq(items[-1][3]) if items else 0
    head_hash = items[-1][2] if items else GENESIS
    if anchor is not None:
        problems.extend(_check_anchor(items, anchor))
    return VerifyReport(len(items), head_seq, head_hash, tuple(problems))


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    return ("" if value is None else str(value)).encode("utf-8")


def _body_seq(body: bytes) -> int:
    if not body.startswith(b'{"seq":'):
        return -1
    end = body.find(b",", 7)
    try:
        return int(body[7:end])
    except ValueError:
        return -1


def _check_anchor(items: Sequence[_Item], anchor: tuple[int, str]) -> list[ChainProblem]:
    seq, h = anchor
    for i, it in enumerate(items):
        if _body_seq(it[3]) == seq:
            if it[2] == h:
                return []
            return [
                _problem(
                    TamperKind.EDITED,
                    seq,
                    i + 1,
                    f"第{seq}条记录与留存的校验值不符",
                    f"entry {seq} does not match the recorded anchor",
                )
            ]
    return [
        _problem(
            TamperKind.REMOVED,
            seq,
            len(items) + 1,
            f"留存的第{seq}条记录不在台账中（末尾记录被删除）",
            f"the anchored entry {seq} is missing (the tail was removed)",
        )
    ]


def _problem(kind: TamperKind, seq: int, position: int, zh: str, en: str) -> ChainProblem:
    return ChainProblem(kind, seq, position, zh, en)


def _diagnose(items: Sequence[_Item]) -> list[ChainProblem]:
    n = len(items)
    # The entry's own number; its storage position if the content is unreadable.
    seqs = [b if (b := _body_seq(it[3])) >= 0 else int(it[0]) for it in items]
    hashes = {it[2]: i for i, it in enumerate(items)}
    referenced = {it[1] for it in items}
    content_ok = [entry_hash(p, body) == h for (_s, p, h, body) in items]
    out: list[ChainProblem] = []
    seen: set[tuple[TamperKind, int]] = set()
    explained: set[int] = set()

    def add(kind: TamperKind, i: int, zh: str, en: str) -> None:
        key = (kind, seqs[i])
        if key not in seen:
            seen.add(key)
            out.append(_problem(kind, seqs[i], i + 1, zh, en))

    for i, (_col, p, h, _body) in enumerate(items):
        s = seqs[i]
        if not content_ok[i]:
            add(
                TamperKind.EDITED,
                i,
                f"第{s}条记录被修改（内容与其校验值不符）",
                f"entry {s} was edited (its content does not match its hash)",
            )
        want = items[i - 1][2] if i else GENESIS
        if p == want or i in explained:
            continue
        before = seqs[i - 1] if i else 0
        j = hashes.get(p)
        if (
            i >= 1
            and p == (items[i - 2][2] if i >= 2 else GENESIS)
            and items[i - 1][2] not in referenced
        ):
            add(
                TamperKind.INSERTED,
                i - 1,
                f"第{i}个位置插入了不属于台账的记录（编号{before}）",
                f"an entry that is not part of the chain was inserted at position {i} "
                f"(numbered {before})",
            )
        elif i + 1 < n and items[i + 1][1] == want and h not in referenced:
            add(
                TamperKind.INSERTED,
                i,
                f"第{i + 1}个位置插入了不属于台账的记录（编号{s}）",
                f"an entry that is not part of the chain was inserted at position {i + 1} "
                f"(numbered {s})",
            )
            explained.add(i + 1)
        elif j is not None or (p == GENESIS and i > 0) or s <= before:
            after = seqs[j] if j is not None else 0
            add(
                TamperKind.REORDERED,
                i,
                f"第{s}条记录排在第{before}条之后，但它接续的是第{after}条",
                f"entry {s} stands after entry {before} but follows entry {after}",
            )
        elif s > before + 1:
            one = s == before + 2
            zh_gap = f"第{before + 1}条" if one else f"第{before + 1}至{s - 1}条"
            en_gap = f"entry {before + 1} was" if one else f"entries {before + 1}-{s - 1} were"
            add(
                TamperKind.REMOVED,
                i,
                f"{zh_gap}记录被删除（第{s}条接在第{before}条之后）",
                f"{en_gap} removed (entry {s} follows entry {before})",
            )
        elif i >= 1 and content_ok[i - 1]:
            add(
                TamperKind.EDITED,
                i - 1,
                f"第{before}条记录被修改并重算了校验值（第{s}条记录的是原校验值）",
                f"entry {before} was edited and re-hashed (entry {s} recorded another hash)",
            )
    if not out and n:
        # Every link holds but the numbering does not run 1, 2, 3 …: the chain was rebuilt.
        k = next((k for k, v in enumerate(seqs) if v != k + 1), 0)
        if seqs[k] > k + 1:
            one = seqs[k] == k + 2
            zh_gap = f"第{k + 1}条" if one else f"第{k + 1}至{seqs[k] - 1}条"
            en_gap = f"entry {k + 1} was" if one else f"entries {k + 1}-{seqs[k] - 1} were"
            add(
                TamperKind.REMOVED,
                k,
                f"{zh_gap}记录被删除，其后的记录被重算校验值",
                f"{en_gap} removed and the rest re-hashed",
            )
        else:
            add(
                TamperKind.EDITED,
                k,
                f"第{k + 1}个位置的记录编号被修改，其后的记录被重算校验值",
                f"the entry number at position {k + 1} was changed and the rest re-hashed",
            )
    return out


# --- balance and reconciliation ----------------------------------------------------------


@frozen
class BalanceLine:
    """Income and expenditure of one programme and funding level, kept apart (收支分明).

    Examples:
        >>> line = BalanceLine("compulsory.nutrition", None, Decimal("800.00"), Decimal("300.00"))
        >>> line.balance
        Decimal('500.00')
    """

    programme: str
    funding_level: FundingLevel | None
    income: Decimal
    expenditure: Decimal

    @property
    def balance(self) -> Decimal:
        """Income less expenditure (结余)."""
        return self.income - self.expenditure


@frozen
class Balance:
    """The ledger's balance: a line per programme and funding level, and the totals.

    Expenditure entries usually name no funding level: they form the line whose
    ``funding_level`` is ``None``. :meth:`by_programme` adds the levels up.

    Examples:
        >>> balance([]).income_total
        Decimal('0.00')
    """

    lines: tuple[BalanceLine, ...]

    @property
    def income_total(self) -> Decimal:
        """All income."""
        return sum((x.income for x in self.lines), ZERO)

    @property
    def expenditure_total(self) -> Decimal:
        """All expenditure."""
        return sum((x.expenditure for x in self.lines), ZERO)

    @property
    def balance(self) -> Decimal:
        """All income less all expenditure."""
        return self.income_total - self.expenditure_total

    def by_programme(self) -> tuple[BalanceLine, ...]:
        """One line per programme, funding levels added up.

        Examples:
            >>> es = chain([income(date(2019, 9, 2), "p", "80", FundingLevel.CENTRAL, "d"),
            ...             income(date(2019, 9, 2), "p", "20", FundingLevel.PROVINCIAL, "d"),
            ...             expenditure(date(2019, 9, 9), "p", "30", batch="B")])
            >>> [(x.programme, x.income, x.expenditure) for x in balance(es).by_programme()]
            [('p', Decimal('100.00'), Decimal('30.00'))]
        """
        acc: dict[str, list[Decimal]] = {}
        for x in self.lines:
            a = acc.setdefault(x.programme, [ZERO, ZERO])
            a[0] += x.income
            a[1] += x.expenditure
        return tuple(BalanceLine(p, None, a[0], a[1]) for p, a in sorted(acc.items()))


def balance(entries: Iterable[LedgerEntry]) -> Balance:
    """Total income and expenditure apart, by programme and funding level (收支分明, R-REC-2).

    Corrections count with their (negative) amount in the column of what they reverse.

    Examples:
        >>> es = chain([income(date(2019, 9, 2), "p", "100", FundingLevel.CENTRAL, "d"),
        ...             expenditure(date(2019, 9, 9), "p", "60", batch="B")])
        >>> es = es + chain([reverse(es[1], date(2019, 9, 10))], after=es[1])
        >>> b = balance(es)
        >>> [(x.funding_level, x.income, x.expenditure) for x in b.lines]
        [(None, Decimal('0.00'), Decimal('0.00')), (<FundingLevel.CENTRAL: 'central'>, Decimal('100.00'), Decimal('0.00'))]
    """  # noqa: E501
    acc: dict[tuple[str, str], list[Any]] = {}
    for e in entries:
        fl = e.funding_level
        key = (e.programme, "" if fl is None else fl.value)
        a = acc.get(key)
        if a is None:
            a = acc[key] = [fl, ZERO, ZERO]
        a[1 if e.kind == "income" else 2] += e.amount
    return Balance(tuple(BalanceLine(k[0], a[0], a[1], a[2]) for k, a in sorted(acc.items())))


def undisclosed(entries: Iterable[LedgerEntry]) -> tuple[LedgerEntry, ...]:
    """Expenditure entries that name no disclosure (每发放一笔资金都进行公示, R-PAY-4).

    Examples:
        >>> es = chain([expenditure(date(2019, 9, 9), "p", "60", batch="B")])
        >>> [e.seq for e in undisclosed(es)]
        [1]
    """
    return tuple(
        e for e in entries if e.kind == "expenditure" and e.corrects is None and not e.disclosure_id
    )


@frozen
class ExpectedPayment:
    """What a student is due from a programme for a period (an entitlement, from the rules).

    Examples:
        >>> ExpectedPayment("11010520120307002X", "compulsory.boarding_allowance",
        ...                 Period(2019), "1000").amount
        Decimal('1000.00')
    """

    student_id: str = field(repr=False)
    programme: str
    period: Period
    amount: Decimal = field(converter=money)


@frozen
class ReconciliationLine:
    """Expected and paid for one student, programme and period; ``difference`` = paid −
    expected (negative: underpaid, positive: overpaid or not due).

    Examples:
        >>> line = ReconciliationLine("x", "p", Period(2019), Decimal("1000.00"), Decimal("500.00"))
        >>> line.difference
        Decimal('-500.00')
    """

    student_id: str = field(repr=False)
    programme: str
    period: Period | None
    expected: Decimal
    paid: Decimal

    @property
    def difference(self) -> Decimal:
        """Paid less expected."""
        return self.paid - self.expected


@frozen
class Reconciliation:
    """Expected against paid (对账), per student, programme and period.

    ``unattributed`` are the sequence numbers of expenditure entries that name no student and
    so cannot be matched.

    Examples:
        >>> reconcile([], []).ok
        True
    """

    lines: tuple[ReconciliationLine, ...]
    unattributed: tuple[int, ...] = ()

    @property
    def differences(self) -> tuple[ReconciliationLine, ...]:
        """The lines where paid and expected differ."""
        return tuple(x for x in self.lines if x.paid != x.expected)

    @property
    def ok(self) -> bool:
        """True when every line matches and every payment names its student."""
        return not self.differences and not self.unattributed


_Key = tuple[str, str, Period | None]


def reconcile(
    expected: Iterable[ExpectedPayment | tuple[str, str, Period, Decimal]],
    paid: Iterable[LedgerEntry | Disbursement],
    *,
    per_school_year: bool = False,
) -> Reconciliation:
    """Compare what was due with what was paid, per student, programme and period.

    ``expected`` holds :class:`ExpectedPayment` values or ``(student_id, programme, period,
    amount)`` tuples (what ``rules.expected_payments`` yields, one per semester); ``paid`` holds
    expenditure ledger entries (income entries are skipped) or disbursements. A payment for a
    semester counts towards an expectation for its whole school year; a payment without a
    period counts towards the only expectation of its student and programme, if there is
    exactly one. ``per_school_year=True`` compares whole school years on both sides (for
    ledgers that record a year's payment at once).

    Examples:
        >>> from edupoverty.records.enums import PaymentMethod
        >>> due = [ExpectedPayment("S1", "boarding", Period(2019), "1000"),
        ...        ExpectedPayment("S2", "boarding", Period(2019), "1000")]
        >>> paid = chain([expenditure(date(2019, 11, 1), "boarding", "500", batch="A",
        ...                           student_id=s, period=Period(2019, Semester.AUTUMN))
        ...               for s in ("S1", "S2")]
        ...              + [expenditure(date(2020, 4, 1), "boarding", "500", batch="B",
        ...                             student_id="S1", period=Period(2019, Semester.SPRING))])
        >>> r = reconcile(due, paid)
        >>> [(x.programme, x.expected, x.paid, x.difference) for x in r.differences]
        [('boarding', Decimal('1000.00'), Decimal('500.00'), Decimal('-500.00'))]
        >>> per_semester = [("S1", "boarding", Period(2019, Semester.AUTUMN), Decimal("500")),
        ...                 ("S1", "boarding", Period(2019, Semester.SPRING), Decimal("500"))]
        >>> yearly = chain([expenditure(date(2020, 6, 1), "boarding", "1000", batch="Y",
        ...                             student_id="S1", period=Period(2019))])
        >>> reconcile(per_semester, yearly).ok, reconcile(per_semester, yearly,
        ...                                               per_school_year=True).ok
        (False, True)
    """

    def norm(p: Period | None) -> Period | None:
        if per_school_year and p is not None and p.semester is not None:
            return Period(p.school_year)
        return p

    exp: dict[_Key, Decimal] = {}
    by_sp: dict[tuple[str, str], list[_Key]] = {}
    for x in expected:
        if isinstance(x, tuple):
            x = ExpectedPayment(*x)
        key: _Key = (x.student_id, x.programme, norm(x.period))
        if key not in exp:
            by_sp.setdefault((x.student_id, x.programme), []).append(key)
        exp[key] = exp.get(key, ZERO) + x.amount
    got: dict[_Key, Decimal] = {}
    unattributed: list[int] = []
    for p in paid:
        if isinstance(p, LedgerEntry):
            if p.kind != "expenditure":
                continue
            if not p.student_id:
                unattributed.append(p.seq)
                continue
            sid, period = p.student_id, norm(p.period)
        else:
            sid, period = p.student_id, norm(p.period)
        key = (sid, p.programme, period)
        if key not in exp:
            if period is not None and period.semester is not None:
                whole: _Key = (sid, p.programme, Period(period.school_year))
                if whole in exp:
                    key = whole
            elif period is None:
                options = by_sp.get((sid, p.programme), [])
                if len(options) == 1:
                    key = options[0]
        got[key] = got.get(key, ZERO) + p.amount
    keys = sorted(set(exp) | set(got), key=_sort_key)
    return Reconciliation(
        tuple(
            ReconciliationLine(k[0], k[1], k[2], exp.get(k, ZERO), got.get(k, ZERO)) for k in keys
        ),
        tuple(unattributed),
    )


def _sort_key(k: _Key) -> tuple[str, int, str, str]:
    p = k[2]
    if p is None:
        return (k[1], -1, "", k[0])
    return (k[1], p.school_year, "" if p.semester is None else p.semester.value, k[0])


# --- SQLite storage ----------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    corrects INTEGER UNIQUE,
    body BLOB NOT NULL
);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'edupoverty ledger is append-only: UPDATE refused'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'edupoverty ledger is append-only: DELETE refused'); END;
CREATE TRIGGER IF NOT EXISTS meta_no_update BEFORE UPDATE ON meta
BEGIN SELECT RAISE(ABORT, 'edupoverty ledger metadata is fixed'); END;
CREATE TRIGGER IF NOT EXISTS meta_no_delete BEFORE DELETE ON meta
BEGIN SELECT RAISE(ABORT, 'edupoverty ledger metadata is fixed'); END;
"""


@contextmanager
def _sql(path: Path) -> Iterator[None]:
    """Turn SQLite errors into one typed error naming the file (never a traceback)."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise _file_error(
                path,
                "ledger.busy",
                "台账正被其他程序写入，请稍后再试",
                "the ledger is busy: try again",
            ) from None
        raise _file_error(
            path, "ledger.database", "台账文件已损坏", "the ledger file is damaged"
        ) from None
    except sqlite3.DatabaseError:
        raise _file_error(
            path, "ledger.database", "台账文件已损坏", "the ledger file is damaged"
        ) from None


def _file_error(path: Path, code: str, zh: str, en: str) -> InputError:
    err = InputError(f"{path.name}：{zh}", f"{path.name}: {en}")
    err.code = code
    return err


class Ledger:
    """A permanent ledger stored in an SQLite file, append-only and hash-chained.

    Open one with :meth:`create` or :meth:`open` (which verifies the whole chain and raises
    :class:`~edupoverty.errors.LedgerIntegrityError` if it does not hold). Use it as a context
    manager, or call :meth:`close`.

    Examples:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "ledger.sqlite"
        >>> with Ledger.create(path) as book:
        ...     added = book.append([income(date(2019, 9, 2), "p", "100", FundingLevel.CENTRAL,
        ...                                 "doc")])
        >>> with Ledger.open(path) as book:
        ...     len(book), book.verify().ok, [e.amount for e in book.entries()]
        (1, True, [Decimal('100.00')])
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @staticmethod
    def _connect(path: Path, *, existing: bool = False) -> sqlite3.Connection:
        def fail(code: str, zh: str, en: str) -> InputError:
            return _file_error(path, code, zh, en)

        try:
            conn = sqlite3.connect(str(path), timeout=60.0, isolation_level=None)
        except sqlite3.Error:
            raise fail("ledger.open", "无法打开台账文件", "cannot open the file") from None
        not_ledger = fail("ledger.format", "不是台账文件", "not an edupoverty ledger file")
        if existing:
            # Look before changing anything: a file that is not a ledger stays untouched.
            try:
                row = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            except sqlite3.DatabaseError:
                row = None
            if row is None or row[0] != FORMAT:
                conn.close()
                raise not_ledger
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.OperationalError as exc:
            conn.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise fail(
                    "ledger.busy", "台账正被其他程序写入，请稍后再试", "the ledger is busy"
                ) from None
            raise fail("ledger.open", "无法打开台账文件", "cannot open the file") from None
        except sqlite3.DatabaseError:
            conn.close()
            raise not_ledger from None
        return conn

    @classmethod
    def create(cls, path: str | os.PathLike[str]) -> Ledger:
        """Create a new, empty ledger file (``InputError`` ``ledger.exists`` if it exists).

        Examples:
            >>> import tempfile, pathlib
            >>> p = pathlib.Path(tempfile.mkdtemp()) / "l.sqlite"
            >>> Ledger.create(p).close()
            >>> Ledger.create(p)
            Traceback (most recent call last):
            ...
            edupoverty.errors.InputError: ledger.exists: l.sqlite：台账文件已存在 / ...
        """
        p = Path(path)
        if p.exists():
            raise _file_error(p, "ledger.exists", "台账文件已存在", "the ledger file exists")
        conn = cls._connect(p)
        with _sql(p):
            conn.executescript(_SCHEMA)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
            conn.execute("COMMIT")
        return cls(conn, p)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, check: bool = True) -> Ledger:
        """Open an existing ledger file and, unless ``check=False``, verify its chain.

        Raises ``InputError`` (``ledger.missing``, ``ledger.format``) for a missing file or
        one that is not a ledger, and :class:`~edupoverty.errors.LedgerIntegrityError` if the
        chain does not verify.

        Examples:
            >>> import tempfile, pathlib
            >>> Ledger.open(pathlib.Path(tempfile.mkdtemp()) / "none.sqlite")
            Traceback (most recent call last):
            ...
            edupoverty.errors.InputError: ledger.missing: none.sqlite：台账文件不存在 / ...
        """
        p = Path(path)
        if not p.is_file():
            raise _file_error(
                p, "ledger.missing", "台账文件不存在", "the ledger file does not exist"
            )
        conn = cls._connect(p, existing=True)
        book = cls(conn, p)
        if check:
            try:
                book.verify().raise_if_broken()
            except LedgerIntegrityError:
                book.close()
                raise
        return book

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._conn.close()

    def __len__(self) -> int:
        with _sql(self.path):
            row = self._conn.execute("SELECT COUNT(*) FROM entries").fetchone()
        return int(row[0])

    def head(self) -> tuple[int, str]:
        """``(seq, hash)`` of the last entry (``(0, GENESIS)`` when empty): an anchor to keep.

        Examples:
            >>> import tempfile, pathlib
            >>> with Ledger.create(pathlib.Path(tempfile.mkdtemp()) / "l.sqlite") as book:
            ...     book.head() == (0, GENESIS)
            True
        """
        with _sql(self.path):
            row = self._conn.execute(
                "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    def _lookup(self, seq: int) -> tuple[LedgerEntry | None, bool]:
        row = self._conn.execute(
            "SELECT prev_hash, hash, body FROM entries WHERE seq = ?", (seq,)
        ).fetchone()
        if row is None:
            return None, False
        done = self._conn.execute("SELECT 1 FROM entries WHERE corrects = ?", (seq,)).fetchone()
        return _from_body(row[2], row[0], row[1]), done is not None

    def append(
        self, drafts: Iterable[LedgerEntry], rows: Sequence[int] | None = None
    ) -> tuple[LedgerEntry, ...]:
        """Append draft entries in one transaction and return them numbered and hashed.

        The write lock is taken first (``BEGIN IMMEDIATE``) and the tail read inside the
        transaction, so concurrent writers queue instead of forking the chain; if the process
        dies half-way, nothing of this call is kept. Drafts are checked with
        :func:`check_entries` (``InputError`` names the entry — or its row in ``rows`` — and the
        field; nothing is written).

        Examples:
            >>> import tempfile, pathlib
            >>> with Ledger.create(pathlib.Path(tempfile.mkdtemp()) / "l.sqlite") as book:
            ...     first = book.append([expenditure(date(2019, 11, 1), "p", "500", batch="A")])
            ...     fix = book.append([reverse(first[0], date(2019, 11, 2), "重复发放")])
            ...     [(e.seq, e.amount, e.corrects) for e in book.entries()]
            [(1, Decimal('500.00'), None), (2, Decimal('-500.00'), 1)]
        """
        todo = list(drafts)
        if not todo:
            return ()
        conn = self._conn
        with _sql(self.path):
            conn.execute("BEGIN IMMEDIATE")
        try:
            seq, prev = self.head()
            check_entries(todo, self._lookup, seq + 1, rows)
            out: list[LedgerEntry] = []
            stored: list[tuple[int, str, str, int | None, bytes]] = []
            for d in todo:
                seq += 1
                body = _canonical(d, seq)
                h = entry_hash(prev, body)
                stored.append((seq, prev, h, d.corrects, body))
                out.append(attrs.evolve(d, seq=seq, prev_hash=prev, hash=h))
                prev = h
            with _sql(self.path):
                conn.executemany(
                    "INSERT INTO entries (seq, prev_hash, hash, corrects, body) "
                    "VALUES (?, ?, ?, ?, ?)",
                    stored,
                )
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return tuple(out)

    def entries(self) -> Iterator[LedgerEntry]:
        """Every entry in order (decoded from the stored canonical JSON).

        Examples:
            >>> import tempfile, pathlib
            >>> with Ledger.create(pathlib.Path(tempfile.mkdtemp()) / "l.sqlite") as book:
            ...     _ = book.append([income(date(2019, 9, 2), "p", "10", FundingLevel.CITY, "d")])
            ...     [e.funding_level.zh for e in book.entries()]
            ['市级']
        """
        with _sql(self.path):
            cur = self._conn.execute("SELECT seq, prev_hash, hash, body FROM entries ORDER BY seq")
            for seq, prev, h, body in cur:
                try:
                    entry = _from_body(body, prev, h)
                except (ValueError, KeyError, TypeError, AttributeError):
                    raise LedgerIntegrityError(
                        f"台账校验失败：第{seq}条记录无法读取", f"entry {seq} cannot be read"
                    ) from None
                yield entry

    def verify(self, anchor: tuple[int, str] | None = None) -> VerifyReport:
        """Verify the stored chain (see :func:`verify`) directly on the stored bytes.

        Examples:
            >>> import tempfile, pathlib
            >>> with Ledger.create(pathlib.Path(tempfile.mkdtemp()) / "l.sqlite") as book:
            ...     _ = book.append([expenditure(date(2019, 11, 1), "p", "5", batch="A")])
            ...     r = book.verify()
            ...     r.ok, r.count, r.head_hash == book.head()[1]
            (True, 1, True)
        """
        with _sql(self.path):
            # Fast pass streamed from the file; on any doubt, the full diagnosis.
            sha = hashlib.sha256
            prev, expected, clean = GENESIS, 1, True
            cur = self._conn.execute("SELECT prev_hash, hash, body FROM entries ORDER BY seq")
            try:
                for p, h, body in cur:
                    if (
                        p != prev
                        or sha(p.encode("utf-8") + body).hexdigest() != h
                        or not body.startswith(b'{"seq":%d,' % expected)
                    ):
                        clean = False
                        break
                    prev = h
                    expected += 1
            except (TypeError, AttributeError, UnicodeError):  # a column of the wrong type
                clean = False
            if clean and anchor is None:
                count = expected - 1
                return VerifyReport(count, count, prev)
            items = self._conn.execute(
                "SELECT seq, prev_hash, hash, body FROM entries ORDER BY seq"
            ).fetchall()
        return _verify_items(items, anchor)
