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
(append-only: triggers refuse ``UPDATE`` and ``DELETE``; a rollback journal with
``synchronous=FULL``, so an acknowledged append is on disk in the main file; each append is one
transaction taken with ``BEGIN IMMEDIATE``, so a killed writer leaves a valid ledger and two
writers never fork the chain). A keyed ledger (``key=``) hashes with HMAC-SHA256 under a key
kept apart; a head log (``head_log=``) records every append's head in a separate file and
:meth:`Ledger.verify` checks them all.

The package is split by concern: :mod:`~edupoverty.records.ledger.entries` (building,
checking and encoding entries), :mod:`~edupoverty.records.ledger.integrity` (the chain and
what broke it), :mod:`~edupoverty.records.ledger.keys` and
:mod:`~edupoverty.records.ledger.heads` (keyed ledgers, head logs),
:mod:`~edupoverty.records.ledger.accounts` (balance, reconciliation) and
:mod:`~edupoverty.records.ledger.store` (the SQLite file). Every name is importable from here.

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

from edupoverty.records.ledger.accounts import (
    Balance,
    BalanceLine,
    ExpectedPayment,
    Reconciliation,
    ReconciliationLine,
    balance,
    reconcile,
    undisclosed,
)
from edupoverty.records.ledger.entries import (
    FORMAT,
    GENESIS,
    canonical_json,
    chain,
    check_entries,
    decode_entry,
    entry_hash,
    escape_text,
    expenditure,
    from_disbursement,
    income,
    programme_id,
    reverse,
    unsafe_text,
)
from edupoverty.records.ledger.heads import Head, read_head_log, record_head
from edupoverty.records.ledger.integrity import (
    ChainProblem,
    TamperKind,
    VerifyReport,
    verify,
)
from edupoverty.records.ledger.keys import create_key_file, key_check, read_key
from edupoverty.records.ledger.store import Ledger

__all__ = [
    "FORMAT",
    "GENESIS",
    "Balance",
    "BalanceLine",
    "ChainProblem",
    "ExpectedPayment",
    "Head",
    "Ledger",
    "Reconciliation",
    "ReconciliationLine",
    "TamperKind",
    "VerifyReport",
    "balance",
    "canonical_json",
    "chain",
    "check_entries",
    "create_key_file",
    "decode_entry",
    "entry_hash",
    "escape_text",
    "expenditure",
    "from_disbursement",
    "income",
    "key_check",
    "programme_id",
    "read_head_log",
    "read_key",
    "reconcile",
    "record_head",
    "reverse",
    "undisclosed",
    "unsafe_text",
    "verify",
]
