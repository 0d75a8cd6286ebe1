"""Keys of a keyed ledger (带密钥的台账): HMAC-SHA256 instead of SHA-256 (R-REC-2).

Anyone with a plain ledger file can rebuild its chain after changing an entry (a payment of 500
made 5000) and it verifies again. In a keyed ledger each hash is HMAC-SHA256 under a key kept
in a file apart from the ledger (another machine, a USB key in the finance office's safe):
without the key nobody can compute a valid chain. The ledger records *that* it is keyed and a
check value of the key (:func:`key_check`), never the key, so a wrong key is told apart from
tampering.

Examples:
    >>> import tempfile, pathlib
    >>> kf = pathlib.Path(tempfile.mkdtemp()) / "ledger.key"
    >>> key = create_key_file(kf)
    >>> read_key(kf) == key, len(key)
    (True, 64)
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from edupoverty.errors import InputError
from edupoverty.records.safefile import read_limited

__all__ = ["KEYED", "MIN_KEY_BYTES", "create_key_file", "key_check", "read_key"]

KEYED = "hmac-sha256"
"""What a keyed ledger records in its metadata (``keyed``)."""

MIN_KEY_BYTES = 16
"""The shortest key accepted (bytes of the key file, surrounding whitespace removed)."""

_MAX_KEY_BYTES = 4096


def _key_error(path: Path, zh: str, en: str) -> InputError:
    err = InputError(f"{path.name}：{zh}", f"{path.name}: {en}")
    err.code = "ledger.key"
    return err


def read_key(path: str | os.PathLike[str]) -> bytes:
    """The key in the key file at ``path``: its bytes, surrounding whitespace removed, at
    least :data:`MIN_KEY_BYTES` long (:class:`~edupoverty.errors.InputError`, code
    ``ledger.key``, otherwise; the message never shows the key).

    Examples:
        >>> import tempfile, pathlib
        >>> kf = pathlib.Path(tempfile.mkdtemp()) / "short.key"
        >>> _ = kf.write_text("1234")
        >>> read_key(kf)
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: ledger.key: short.key：密钥太短（至少16字节） / ...
    """
    p = Path(path)
    # a FIFO, a device or a directory is refused at once, never read or waited on
    data = read_limited(p, limit=_MAX_KEY_BYTES, refuse=lambda zh, en: _key_error(p, zh, en))
    key = data.strip()
    if len(key) < MIN_KEY_BYTES:
        raise _key_error(
            p,
            f"密钥太短（至少{MIN_KEY_BYTES}字节）",
            f"the key is too short ({MIN_KEY_BYTES}+ bytes)",
        )
    return key


def create_key_file(path: str | os.PathLike[str]) -> bytes:
    """Write a new random key (256 bits, as 64 hex digits) to a new file at ``path``, readable
    by its owner only, and return it. An existing file is never overwritten
    (``InputError`` ``ledger.key``).

    Examples:
        >>> import tempfile, pathlib
        >>> kf = pathlib.Path(tempfile.mkdtemp()) / "ledger.key"
        >>> _ = create_key_file(kf)
        >>> oct(kf.stat().st_mode & 0o777)
        '0o600'
    """
    p = Path(path)
    key = secrets.token_hex(32).encode("ascii")
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise _key_error(p, "密钥文件已存在", "the key file exists") from None
    try:
        os.write(fd, key + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    return key


def key_check(key: bytes) -> str:
    """A check value of ``key`` (HMAC-SHA256 of a fixed text under the key, hex): stored in a
    keyed ledger so that a wrong key is reported as such. It does not reveal the key.

    Examples:
        >>> key_check(b"k" * 32) == key_check(b"k" * 32), key_check(b"k" * 32) == key_check(b"j" * 32)
        (True, False)
    """  # noqa: E501
    return hmac.digest(bytes(key), b"edupoverty-ledger/key-check", "sha256").hex()
