"""Integrity of the ledger: the hash chain and what broke it, anchors and head logs (R-REC-2).

:func:`verify` checks every link of a chain of entries and names each entry **edited**,
**removed**, **reordered** or **inserted**. A chain alone cannot tell that its last entries were
cut off, nor that someone with the file re-chained it after an edit; two things can:

- heads written down elsewhere (an ``anchor``, or every head of a head log,
  :mod:`edupoverty.records.ledger.heads`), all checked at once against the chain;
- a key (:mod:`edupoverty.records.ledger.keys`): the hashes are HMAC-SHA256 under a key kept
  apart from the file, so nobody without it can re-chain the ledger.

Examples:
    >>> from datetime import date
    >>> from edupoverty.records.ledger.entries import chain, expenditure
    >>> es = list(chain(expenditure(date(2019, 11, d), "p", "5", batch="B") for d in (1, 2, 3)))
    >>> verify(es).ok, verify(es[:2], heads=[(3, es[2].hash)]).ok
    (True, False)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, NamedTuple

from attrs import frozen

from edupoverty.errors import LedgerIntegrityError
from edupoverty.records.arguments import of_type, sequence_argument
from edupoverty.records.enums import LabelledEnum
from edupoverty.records.ledger.entries import GENESIS, canonical_json, hasher
from edupoverty.records.ledger.heads import Head, head_pairs
from edupoverty.records.model import LedgerEntry

__all__ = [
    "Chain",
    "ChainProblem",
    "Item",
    "TamperKind",
    "VerifyReport",
    "body_seq",
    "check_heads",
    "follow_chain",
    "verify",
    "verify_items",
]


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

    ``head_hash`` is worth writing down outside the ledger (in a signed report, in the head
    log): a ledger whose last entries were cut off still verifies, unless it is checked against
    such an anchor. ``keyed``: the hashes are HMAC-SHA256 under a key; ``key_checked`` is False
    when such a ledger was verified without its key (only the links and numbering were
    checked, not the content). ``heads_checked``: how many recorded heads were compared.

    Examples:
        >>> r = verify([])
        >>> r.ok, r.count, r.head_seq
        (True, 0, 0)
    """

    count: int
    head_seq: int
    head_hash: str
    problems: tuple[ChainProblem, ...] = ()
    keyed: bool = False
    key_checked: bool = True
    heads_checked: int = 0

    @property
    def ok(self) -> bool:
        """True when no problem was found (see ``key_checked`` for how much was checked)."""
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


Item = tuple[int, str, str, bytes]
"""One stored entry as :func:`verify_items` reads it: (position in storage, ``prev_hash``,
``hash``, canonical JSON body)."""


def verify(
    entries: Iterable[LedgerEntry],
    anchor: tuple[int, str] | None = None,
    *,
    key: bytes | None = None,
    heads: Iterable[Head | tuple[int, str]] = (),
) -> VerifyReport:
    """Check the hash chain of ``entries`` (in ledger order) and say what broke it.

    Finds entries **edited** (content no longer matches its hash, or re-hashed so the next
    entry no longer follows it), **removed** (a gap in the chain), **reordered** (an entry
    stands after one it does not follow) and **inserted** (an entry no other entry follows,
    between two that follow each other). ``anchor`` = ``(seq, hash)`` written down earlier, and
    every ``(seq, hash)`` of ``heads`` (a head log), also catch an edited history and a cut-off
    tail. ``key``: the chain is keyed (HMAC-SHA256 under ``key``).

    Examples:
        >>> from datetime import date
        >>> from edupoverty.records.ledger.entries import chain, expenditure
        >>> es = list(chain([expenditure(date(2019, 11, d), "p", "5", batch="B")
        ...                  for d in range(1, 5)]))
        >>> verify(es).ok
        True
        >>> del es[1]
        >>> [(p.kind.value, p.message_en) for p in verify(es).problems]
        [('removed', 'entry 2 was removed (entry 3 follows entry 1)')]
        >>> verify([1])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        edupoverty.errors.ArgumentError: argument.type: ... must be LedgerEntry values, not int
    """
    checked = [
        of_type(e, LedgerEntry, "entries", "台账条目 LedgerEntry", "LedgerEntry values")
        for e in sequence_argument(entries, "entries")
    ]
    items = [(e.seq, e.prev_hash, e.hash, canonical_json(e)) for e in checked]
    wanted = head_pairs(heads)
    if anchor is not None:
        wanted.append(anchor)
    return verify_items(items, wanted, key=key)


def verify_items(
    items: Sequence[Item],
    heads: Sequence[tuple[int, str]] = (),
    *,
    key: bytes | None = None,
    keyed: bool = False,
    links_only: bool = False,
) -> VerifyReport:
    """Verify stored entries (:data:`Item` tuples, as a ledger file holds them) against
    each other and against recorded ``heads``. ``links_only``: check that each entry follows
    the one before and the numbering, not the content (a keyed ledger without its key; the
    report says ``key_checked=False``).

    Examples:
        >>> verify_items([]).ok, verify_items([], [(2, "ab" * 32)]).problems[0].kind.value
        (True, 'removed')
    """
    digest = hasher(key)
    fast = follow_chain(((p, h, b) for _c, p, h, b in items), digest, links_only=links_only)
    problems: list[ChainProblem] = []
    if not fast.clean:
        items = [(int(c), _text(p), _text(h), _bytes(b)) for c, p, h, b in items]
        content_ok = [
            links_only or digest(p.encode("utf-8") + body) == h for (_s, p, h, body) in items
        ]
        problems = _diagnose(items, content_ok)
    head_seq = body_seq(items[-1][3]) if items else 0
    head_hash = items[-1][2] if items else GENESIS
    if heads:
        at = {body_seq(it[3]): (i, _text(it[2])) for i, it in enumerate(items)}
        problems.extend(check_heads(at, len(items), heads))
    return VerifyReport(
        len(items),
        head_seq,
        head_hash,
        tuple(problems),
        keyed=keyed or key is not None,
        key_checked=not links_only,
        heads_checked=len(heads),
    )


class Chain(NamedTuple):
    """What one pass over a chain found (:func:`follow_chain`): whether it is ``clean``,
    the number of entries ``followed``, the ``head_hash`` of the last, and where each wanted
    head stands (``at``: seq → (position, hash)); on a break, up to the break."""

    clean: bool
    followed: int
    head_hash: str
    at: dict[int, tuple[int, str]]


def follow_chain(
    links: Iterable[tuple[Any, Any, Any]],
    digest: Callable[[bytes], str],
    *,
    links_only: bool = False,
    want: Collection[int] = (),
) -> Chain:
    """One pass over ``(prev_hash, hash, body)`` in ledger order, stopping at the first
    entry that does not follow the one before, is not numbered in turn or (unless
    ``links_only``) does not hash to its hash under ``digest``
    (:func:`~edupoverty.records.ledger.entries.hasher`). Values of the wrong type are a
    break, never an exception. The fast pass of every verification; the diagnosis of a
    break is :func:`verify_items`'.

    Examples:
        >>> from edupoverty.records.ledger.entries import GENESIS, hasher
        >>> follow_chain([], hasher()).clean, follow_chain([(GENESIS, "x", b"{}")], hasher()).clean
        (True, False)
    """
    prev, expected, clean = GENESIS, 1, True
    at: dict[int, tuple[int, str]] = {}
    try:
        for p, h, body in links:
            if (
                p != prev
                or (not links_only and digest(p.encode("utf-8") + body) != h)
                or not body.startswith(b'{"seq":%d,' % expected)
            ):
                clean = False
                break
            if expected in want:
                at[expected] = (expected - 1, h)
            prev = h
            expected += 1
    except (TypeError, AttributeError, UnicodeError):  # a column of the wrong type
        clean = False
    return Chain(clean, expected - 1, prev, at)


def check_heads(
    at: dict[int, tuple[int, str]],
    count: int,
    heads: Iterable[tuple[int, str]],
    last: int | None = None,
) -> list[ChainProblem]:
    """Every recorded head ``(seq, hash)`` compared with the ledger, where ``at`` maps each
    entry's number to (its 0-based position, its hash) and ``count`` is the number of entries:
    a head whose entry holds another hash was **edited** (or the chain rebuilt); heads beyond
    the last entry (``last``, the highest number in ``at`` unless given) mean entries
    **removed** at the end, reported once.

    Examples:
        >>> [p.message_en for p in check_heads({1: (0, "a" * 64)}, 1, [(1, "a" * 64),
        ...                                                             (3, "b" * 64)])]
        ['entries 2-3 recorded in the head log are missing (the tail was removed)']
    """
    out: list[ChainProblem] = []
    if last is None:
        last = max(at, default=0)
    missing_top = 0
    for seq, h in heads:
        if seq == 0:
            if h != GENESIS:
                out.append(
                    _problem(
                        TamperKind.EDITED,
                        0,
                        1,
                        "留存的起点校验值不符",
                        "the recorded start of the ledger does not match",
                    )
                )
            continue
        found = at.get(seq)
        if found is None:
            if seq > last:
                missing_top = max(missing_top, seq)
            else:
                out.append(
                    _problem(
                        TamperKind.REMOVED,
                        seq,
                        count + 1,
                        f"留存的第{seq}条记录不在台账中",
                        f"entry {seq} recorded in the head log is missing",
                    )
                )
        elif found[1] != h:
            out.append(
                _problem(
                    TamperKind.EDITED,
                    seq,
                    found[0] + 1,
                    f"第{seq}条记录与留存的校验值不符（它或之前的记录被修改）",
                    f"entry {seq} does not match its recorded head (it or an earlier entry "
                    "was changed)",
                )
            )
    if missing_top:
        one = missing_top == last + 1
        zh = f"第{missing_top}条" if one else f"第{last + 1}至{missing_top}条"
        en = (
            f"entry {missing_top} recorded in the head log is"
            if one
            else f"entries {last + 1}-{missing_top} recorded in the head log are"
        )
        out.append(
            _problem(
                TamperKind.REMOVED,
                missing_top,
                count + 1,
                f"留存的{zh}记录不在台账中（末尾记录被删除）",
                f"{en} missing (the tail was removed)",
            )
        )
    return out


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    return ("" if value is None else str(value)).encode("utf-8")


def body_seq(body: bytes) -> int:
    """The entry number a stored body starts with (``-1`` if it does not start like one).

    Examples:
        >>> body_seq(b'{"seq":12,"kind":"income"}'), body_seq(b"junk")
        (12, -1)
    """
    if not body.startswith(b'{"seq":'):
        return -1
    end = body.find(b",", 7)
    try:
        return int(body[7:end])
    except ValueError:
        return -1


def _problem(kind: TamperKind, seq: int, position: int, zh: str, en: str) -> ChainProblem:
    return ChainProblem(kind, seq, position, zh, en)


def _diagnose(items: Sequence[Item], content_ok: Sequence[bool]) -> list[ChainProblem]:
    n = len(items)
    # The entry's own number; its storage position if the content is unreadable.
    seqs = [b if (b := body_seq(it[3])) >= 0 else int(it[0]) for it in items]
    hashes = {it[2]: i for i, it in enumerate(items)}
    referenced = {it[1] for it in items}
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
