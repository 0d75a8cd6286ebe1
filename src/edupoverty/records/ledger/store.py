"""The ledger on disk: an append-only, hash-chained SQLite file (R-REC-2).

:class:`Ledger` keeps the chain of :mod:`~edupoverty.records.ledger.entries` in one SQLite
file (Python's built-in ``sqlite3``, no server):

- **durable before acknowledged**: a rollback journal (``journal_mode=DELETE``) with
  ``synchronous=FULL``: when :meth:`Ledger.append` returns, its entries are in the main file
  and flushed to disk, so no write-ahead log holds acknowledged entries that a damaged frame
  could silently drop; a writer killed half-way leaves the ledger as it was before that append;
- **append-only**: triggers refuse ``UPDATE`` and ``DELETE``; each append is one transaction
  taken with ``BEGIN IMMEDIATE``, so two writers queue instead of forking the chain;
- **keyed** (optional): HMAC-SHA256 under a key kept apart (:mod:`.keys`);
- **head log** (optional): each append's head also goes to a separate text file
  (:mod:`.heads`), checked in full by :meth:`Ledger.verify`;
- **read-only files and mounts** are opened read-only: they can be verified, balanced and
  exported; appending to them says so.

Examples:
    >>> import tempfile, pathlib
    >>> from datetime import date
    >>> from edupoverty.records.ledger.entries import expenditure
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "ledger.sqlite"
    >>> with Ledger.create(path) as book:
    ...     [e.seq for e in book.append([expenditure(date(2019, 11, 1), "p", "5", batch="A")])]
    [1]
"""

from __future__ import annotations

import errno
import hmac
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType

import attrs

from edupoverty.errors import InputError, LedgerIntegrityError
from edupoverty.records.ledger.entries import (
    FORMAT,
    GENESIS,
    check_entries,
    decode_entry,
    encode_entry,
    hasher,
)
from edupoverty.records.ledger.heads import Head, head_pairs, read_head_log, record_head
from edupoverty.records.ledger.integrity import (
    VerifyReport,
    check_heads,
    follow_chain,
    verify_items,
)
from edupoverty.records.ledger.keys import KEYED, key_check
from edupoverty.records.model import LedgerEntry
from edupoverty.records.outfile import sync_folder

__all__ = ["Ledger"]

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

_FULL = ("disk is full", "disk i/o error", "file too large")


def _file_error(path: Path, code: str, zh: str, en: str) -> InputError:
    err = InputError(f"{path.name}：{zh}", f"{path.name}: {en}")
    err.code = code
    return err


def _read_only_error(path: Path) -> InputError:
    return _file_error(
        path,
        "ledger.readonly",
        "台账文件只读，不能入账",
        "the ledger file is read-only: cannot append",
    )


def _write_error(path: Path) -> InputError:
    return _file_error(
        path,
        "ledger.write",
        "无法写入台账文件（磁盘已满？）",
        "cannot write the ledger file (disk full?)",
    )


def _sqlite_error(path: Path, exc: sqlite3.Error) -> InputError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return _file_error(
            path, "ledger.busy", "台账正被其他程序写入，请稍后再试", "the ledger is busy: try again"
        )
    if "readonly" in text or "read-only" in text:
        return _read_only_error(path)
    if any(t in text for t in _FULL):
        return _write_error(path)
    if "unable to open" in text:
        return _file_error(path, "ledger.open", "无法打开台账文件", "cannot open the file")
    return _file_error(path, "ledger.database", "台账文件已损坏", "the ledger file is damaged")


@contextmanager
def _sql(path: Path) -> Iterator[None]:
    """Turn SQLite errors into one typed error naming the file (never a traceback)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise _sqlite_error(path, exc) from None


def _writable(path: Path) -> bool:
    """True when ``path`` (a file or directory) may be written: by the permissions and by its
    write bits, so a file or directory marked read-only (0444, 0555) counts as read-only even
    for a user the permissions do not stop."""
    try:
        return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)
    except OSError:
        return False


def _remove(path: Path) -> None:
    with suppress(OSError):
        path.unlink()


class Ledger:
    """A permanent ledger stored in an SQLite file, append-only and hash-chained.

    Open one with :meth:`create` or :meth:`open` (which verifies the whole chain and raises
    :class:`~edupoverty.errors.LedgerIntegrityError` if it does not hold). Use it as a context
    manager, or call :meth:`close`. ``key`` (bytes) opens a keyed ledger; ``head_log`` names
    the head log each append writes to and :meth:`verify` checks.

    Examples:
        >>> import tempfile, pathlib
        >>> from datetime import date
        >>> from edupoverty.records.enums import FundingLevel
        >>> from edupoverty.records.ledger.entries import income
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "ledger.sqlite"
        >>> with Ledger.create(path) as book:
        ...     added = book.append([income(date(2019, 9, 2), "p", "100", FundingLevel.CENTRAL,
        ...                                 "doc")])
        >>> with Ledger.open(path) as book:
        ...     len(book), book.verify().ok, [e.amount for e in book.entries()]
        (1, True, [Decimal('100.00')])
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        key: bytes | None = None,
        keyed: bool = False,
        head_log: Path | None = None,
        read_only: bool = False,
    ) -> None:
        self._conn = conn
        self.path = path
        self._key = key
        self.keyed = keyed
        """True when the ledger's hashes are HMAC-SHA256 under a key."""
        self.head_log = head_log
        """The head log each append writes to (``None``: none)."""
        self.read_only = read_only
        """True when the file was opened read-only (it cannot be appended to)."""

    @staticmethod
    def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
        try:
            if read_only:
                uri = path.resolve().as_uri() + "?mode=ro"
                if not _writable(path.parent):
                    uri += "&immutable=1"  # no journal can exist or be created there
                conn = sqlite3.connect(uri, uri=True, timeout=60.0, isolation_level=None)
            else:
                conn = sqlite3.connect(str(path), timeout=60.0, isolation_level=None)
        except sqlite3.Error:
            raise _file_error(
                path, "ledger.open", "无法打开台账文件", "cannot open the file"
            ) from None
        return conn

    @staticmethod
    def _durable(conn: sqlite3.Connection, path: Path) -> None:
        try:
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()
            conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error as exc:
            conn.close()
            raise _sqlite_error(path, exc) from None
        if mode is None or str(mode[0]).lower() != "delete":
            conn.close()
            raise _file_error(
                path,
                "ledger.busy",
                "台账正被其他程序使用，请稍后再试",
                "the ledger is busy: try again",
            )

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        key: bytes | None = None,
        head_log: str | os.PathLike[str] | None = None,
    ) -> Ledger:
        """Create a new, empty ledger file (``InputError`` ``ledger.exists`` if it exists).

        The file is built under a temporary name beside it and linked into place only when
        complete, so a failure (a full disk: ``ledger.write``) leaves no file behind. ``key``
        makes it a keyed ledger (it records that it is keyed and a check value of the key,
        never the key); ``head_log`` starts a head log with the empty head ``0 GENESIS``.

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
        exists = _file_error(p, "ledger.exists", "台账文件已存在", "the ledger file exists")
        if p.exists() or p.is_symlink():
            raise exists
        tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
        _remove(tmp)
        try:
            conn = cls._connect(tmp, read_only=False)
            try:
                cls._durable(conn, tmp)
                with _sql(p):
                    conn.executescript(_SCHEMA)
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
                    if key is not None:
                        conn.execute("INSERT INTO meta VALUES ('keyed', ?)", (KEYED,))
                        conn.execute("INSERT INTO meta VALUES ('key_check', ?)", (key_check(key),))
                    conn.execute("COMMIT")
            finally:
                conn.close()
            try:
                os.link(tmp, p)
            except FileExistsError:
                raise exists from None
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
                    raise _write_error(p) from None
                if p.exists():
                    raise exists from None
                os.replace(tmp, p)  # a file system without hard links
            sync_folder(p.parent)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
                raise _write_error(p) from None
            raise
        finally:
            _remove(tmp)
            _remove(tmp.with_name(tmp.name + "-journal"))
        book = cls.open(p, check=False, key=key, head_log=head_log)
        if head_log is not None:
            book._record_head(0, GENESIS)
        return book

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        check: bool = True,
        key: bytes | None = None,
        head_log: str | os.PathLike[str] | None = None,
        read_only: bool | None = None,
    ) -> Ledger:
        """Open an existing ledger file and, unless ``check=False``, verify its chain (and
        every head of ``head_log``, if given).

        ``read_only`` (default: when the file or its directory cannot be written) opens the
        file without writing to it. Raises ``InputError`` (``ledger.missing``,
        ``ledger.format``; ``ledger.key`` for a key given to a ledger that is not keyed, or a
        key that is not its own) and :class:`~edupoverty.errors.LedgerIntegrityError` if the
        chain does not verify. A keyed ledger opened without its key can be read and its links
        checked (``verify().key_checked`` is False), not appended to.

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
        ro = not (_writable(p) and _writable(p.parent)) if read_only is None else read_only
        conn = cls._connect(p, ro)
        try:
            # Look before changing anything: a file that is not a ledger stays untouched.
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.OperationalError as exc:
            conn.close()
            if "no such table" not in str(exc) and "not a database" not in str(exc):
                raise _sqlite_error(p, exc) from None
            meta = {}
        except sqlite3.DatabaseError:
            conn.close()
            meta = {}
        if meta.get("format") != FORMAT:
            conn.close()
            raise _file_error(p, "ledger.format", "不是台账文件", "not an edupoverty ledger file")
        keyed = "keyed" in meta
        if key is not None and not keyed:
            conn.close()
            raise _file_error(
                p,
                "ledger.key",
                "台账未设密钥，却提供了密钥",
                "a key was given but the ledger is not keyed",
            )
        if key is not None and not hmac.compare_digest(
            str(meta.get("key_check", "")), key_check(key)
        ):
            conn.close()
            raise _file_error(
                p, "ledger.key", "密钥与台账不符", "the key does not match this ledger"
            )
        if keyed and meta.get("keyed") != KEYED:
            conn.close()
            raise _file_error(
                p, "ledger.format", "不支持的密钥方式", "unknown keying of the ledger"
            )
        if not ro:
            cls._durable(conn, p)
        log = None if head_log is None else Path(head_log)
        book = cls(conn, p, key=key, keyed=keyed, head_log=log, read_only=ro)
        if check:
            try:
                book.verify().raise_if_broken()
            except (LedgerIntegrityError, InputError):
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
        return decode_entry(row[2], row[0], row[1], seq), done is not None

    def _record_head(self, seq: int, hash_: str) -> None:
        if self.head_log is None:
            return
        try:
            record_head(self.head_log, seq, hash_)
        except OSError:
            raise _file_error(
                self.head_log,
                "ledger.head_log",
                f"已入账至第{seq}条，但无法写入校验值记录",
                f"entries up to {seq} were recorded but their head could not be written",
            ) from None

    def append(
        self, drafts: Iterable[LedgerEntry], rows: Sequence[int] | None = None
    ) -> tuple[LedgerEntry, ...]:
        """Append draft entries in one transaction and return them numbered and hashed.

        The write lock is taken first (``BEGIN IMMEDIATE``) and the tail read inside the
        transaction, so concurrent writers queue instead of forking the chain; if the process
        dies half-way, nothing of this call is kept. When it returns, the entries are in the
        main file on disk and the new head is in the head log (if any). Drafts are checked
        with :func:`~edupoverty.records.ledger.entries.check_entries` (``InputError`` names the
        entry — or its row in ``rows`` — and the field; nothing is written).

        Examples:
            >>> import tempfile, pathlib
            >>> from datetime import date
            >>> from edupoverty.records.ledger.entries import expenditure, reverse
            >>> with Ledger.create(pathlib.Path(tempfile.mkdtemp()) / "l.sqlite") as book:
            ...     first = book.append([expenditure(date(2019, 11, 1), "p", "500", batch="A")])
            ...     fix = book.append([reverse(first[0], date(2019, 11, 2), "重复发放")])
            ...     [(e.seq, e.amount, e.corrects) for e in book.entries()]
            [(1, Decimal('500.00'), None), (2, Decimal('-500.00'), 1)]
        """
        todo = list(drafts)
        if not todo:
            return ()
        if self.read_only:
            raise _read_only_error(self.path)
        if self.keyed and self._key is None:
            raise _file_error(
                self.path,
                "ledger.key",
                "台账带密钥，入账需提供密钥",
                "the ledger is keyed: appending needs its key",
            )
        conn = self._conn
        digest = hasher(self._key)
        with _sql(self.path):
            conn.execute("BEGIN IMMEDIATE")
        try:
            seq, prev = self.head()
            check_entries(todo, self._lookup, seq + 1, rows)
            out: list[LedgerEntry] = []
            stored: list[tuple[int, str, str, int | None, bytes]] = []
            for d in todo:
                seq += 1
                body = encode_entry(d, seq)
                h = digest(prev.encode("utf-8") + body)
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
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
        self._record_head(seq, prev)
        return tuple(out)

    def entries(self) -> Iterator[LedgerEntry]:
        """Every entry in order, decoded from the stored canonical JSON; a body that is not
        exactly such JSON (hostile content in a file that still verifies) raises
        :class:`~edupoverty.errors.LedgerIntegrityError` naming the entry and field.

        Examples:
            >>> import tempfile, pathlib
            >>> from datetime import date
            >>> from edupoverty.records.enums import FundingLevel
            >>> from edupoverty.records.ledger.entries import income
            >>> with Ledger.create(pathlib.Path(tempfile.mkdtemp()) / "l.sqlite") as book:
            ...     _ = book.append([income(date(2019, 9, 2), "p", "10", FundingLevel.CITY, "d")])
            ...     [e.funding_level.zh for e in book.entries()]
            ['市级']
        """
        with _sql(self.path):
            cur = self._conn.execute("SELECT seq, prev_hash, hash, body FROM entries ORDER BY seq")
            for seq, prev, h, body in cur:
                if not isinstance(body, bytes | str) or not isinstance(prev, str):
                    raise LedgerIntegrityError(
                        f"台账校验失败：第{seq}条记录无法读取", f"entry {seq} cannot be read"
                    )
                yield decode_entry(body, prev, str(h), int(seq))

    def verify(
        self,
        anchor: tuple[int, str] | None = None,
        *,
        heads: Iterable[Head | tuple[int, str]] | None = None,
    ) -> VerifyReport:
        """Verify the stored chain directly on the stored bytes (see
        :func:`~edupoverty.records.ledger.integrity.verify`), against ``anchor`` and every head
        of ``heads`` — by default, of the head log the ledger was opened with.

        Examples:
            >>> import tempfile, pathlib
            >>> from datetime import date
            >>> from edupoverty.records.ledger.entries import expenditure
            >>> with Ledger.create(pathlib.Path(tempfile.mkdtemp()) / "l.sqlite") as book:
            ...     _ = book.append([expenditure(date(2019, 11, 1), "p", "5", batch="A")])
            ...     r = book.verify()
            ...     r.ok, r.count, r.head_hash == book.head()[1]
            (True, 1, True)
        """
        if heads is None:
            heads = () if self.head_log is None else read_head_log(self.head_log)
        wanted = head_pairs(heads)
        if anchor is not None:
            wanted.append((int(anchor[0]), str(anchor[1])))
        links_only = self.keyed and self._key is None
        want = {s for s, _h in wanted}
        with _sql(self.path):
            # Fast pass streamed from the file; on any doubt, the full diagnosis.
            cur = self._conn.execute("SELECT prev_hash, hash, body FROM entries ORDER BY seq")
            fast = follow_chain(cur, hasher(self._key), links_only=links_only, want=want)
            count = fast.followed
            if fast.clean and not check_heads(fast.at, count, wanted, last=count):
                return VerifyReport(
                    count,
                    count,
                    fast.head_hash,
                    keyed=self.keyed,
                    key_checked=not links_only,
                    heads_checked=len(wanted),
                )
            items = self._conn.execute(
                "SELECT seq, prev_hash, hash, body FROM entries ORDER BY seq"
            ).fetchall()
        return verify_items(items, wanted, key=self._key, keyed=self.keyed, links_only=links_only)
