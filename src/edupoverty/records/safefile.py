"""Small data files read safely (读取小型数据文件): size and nesting limits.

Policy profiles, overlays, targets and calendar year files are small TOML files that a user
may point at anything: ``/dev/zero``, a FIFO that never ends, a 2 GB file, a TOML value
nested 100,000 deep. :func:`read_limited` reads at most ``limit`` bytes (default
:data:`MAX_BYTES`, 1 MiB) of a *regular* file and refuses more; whatever else the path
names — a FIFO, a device, a socket, a directory — is refused at once, before any blocking
read. :func:`load_toml` adds the parse: the text must be UTF-8 TOML, and no value may be
nested deeper than ``max_depth`` (default :data:`MAX_DEPTH`) — refused in milliseconds,
never a :class:`RecursionError`.

Every refusal is an :class:`~edupoverty.errors.InputError` naming the file (its last part
only) with a stable code (``file.not_found``, ``file.not_regular``, ``file.unreadable``,
``file.too_large``, ``file.encoding``, ``file.toml``, ``file.nested``); a caller that
has an error of its own passes ``refuse``, a function making it from the reason in Chinese
and English.

Examples:
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "2027.toml"
    >>> _ = p.write_text("year = 2027\\n", encoding="utf-8")
    >>> load_toml(p)
    {'year': 2027}
    >>> _ = p.write_text("a = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    >>> load_toml(p)
    Traceback (most recent call last):
    ...
    edupoverty.errors.InputError: file.nested: 2027.toml：嵌套超过 32 层 / ...
    >>> load_toml("/dev/zero")
    Traceback (most recent call last):
    ...
    edupoverty.errors.InputError: file.not_regular: zero：不是普通文件... / ...
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from edupoverty.errors import ArgumentError, EdupovertyError, InputError

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Refusal",
    "Refuse",
    "load_toml",
    "nesting_depth",
    "open_regular",
    "read_limited",
]

MAX_BYTES = 1 << 20
"""The default size limit of a data file: 1 MiB (the largest shipped profile is about 10 KB)."""

MAX_DEPTH = 32
"""The default nesting limit of a data file: tables and arrays within each other (the
deepest shipped profile goes 10 levels down)."""

Refuse = Callable[[str, str], EdupovertyError]
"""Makes the error for a refused file from the reason in Chinese and in English."""


Refusal = Callable[[str, str, str], EdupovertyError]
"""Makes the error for a refused file from a code of the module documentation
(``file.not_found``, ``file.unreadable``, ``file.not_regular``) and the reason in Chinese and
in English."""


@contextmanager
def open_regular(
    path: str | os.PathLike[str], refuse: Refusal, *, buffering: int = 0
) -> Iterator[BinaryIO]:
    """``path`` opened for reading in binary if it names a regular file; anything else is
    refused at once by the error ``refuse`` makes: a FIFO is never opened for a blocking
    read, a device never read, a directory never opened, and a file swapped for something
    else between the check and the opening is caught. The one way the library opens a file
    from outside (rosters, policy and calendar files, notices).

    Examples:
        >>> import pathlib, tempfile
        >>> from edupoverty.errors import InputError
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
        >>> _ = p.write_bytes(b"abc")
        >>> def refuse(code, zh, en):
        ...     return InputError(zh, en)
        >>> with open_regular(p, refuse) as fh:
        ...     fh.read()
        b'abc'
        >>> with open_regular(p.parent, refuse) as fh:  # doctest: +ELLIPSIS
        ...     pass
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: input: 这是一个目录，不是文件 / ...
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        mode = os.stat(path).st_mode
        fd = os.open(path, flags) if stat.S_ISREG(mode) else -1
    except FileNotFoundError:
        raise refuse("file.not_found", "文件不存在", "file not found") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        reason = getattr(exc, "strerror", None) or "invalid path"
        raise refuse(
            "file.unreadable", "无法读取文件", f"cannot read the file ({reason})"
        ) from None
    if stat.S_ISDIR(mode):
        raise refuse(
            "file.not_regular", "这是一个目录，不是文件", "this is a directory, not a file"
        )
    if fd < 0:
        raise refuse(
            "file.not_regular",
            "不是普通文件（管道、设备等），拒绝读取",
            "not a regular file (a pipe, a device …): refused",
        )
    with os.fdopen(fd, "rb", buffering=buffering) as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since the stat
            raise refuse(
                "file.not_regular", "文件在读取期间被更换", "the file changed while being read"
            )
        yield fh


def read_limited(
    path: str | os.PathLike[str], *, limit: int = MAX_BYTES, refuse: Refuse | None = None
) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them; a larger file, or
    a path naming anything but a regular file, is refused without reading it through.

    A FIFO is never opened for a blocking read, a device never read: the answer comes at
    once. ``refuse`` makes the error from the reason (default: an
    :class:`~edupoverty.errors.InputError` naming the file, with the codes of the module
    documentation).

    Examples:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
        >>> _ = p.write_bytes(b"x" * 10)
        >>> read_limited(p)
        b'xxxxxxxxxx'
        >>> read_limited(p, limit=4)
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: file.too_large: notes.txt：文件超过 4 字节 / ...
        >>> read_limited(p.parent)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: file.not_regular: ...：这是一个目录，不是文件 / ...
    """
    if not isinstance(path, str | os.PathLike):
        raise ArgumentError("path", "文件路径", "a file path", type(path).__name__)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ArgumentError("limit", "非负整数", "a non-negative int", repr(limit))
    name = os.path.basename(os.path.normpath(os.fspath(path))) or os.fspath(path)
    fail = refuse or _named(name)

    def refusal(code: str, zh: str, en: str) -> EdupovertyError:
        return _refused(fail, code, zh, en)

    with open_regular(path, refusal, buffering=-1) as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise _refused(
                fail, "file.unreadable", "无法读取文件", f"cannot read the file ({exc.strerror})"
            ) from None
    if len(data) > limit:
        raise _refused(
            fail, "file.too_large", f"文件超过 {limit} 字节", f"larger than {limit} bytes"
        )
    return data


def load_toml(
    path: str | os.PathLike[str],
    *,
    limit: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    refuse: Refuse | None = None,
) -> dict[str, Any]:
    """The TOML document of the file ``path``, read by :func:`read_limited` (``limit``
    bytes at most), decoded as UTF-8 (a byte-order mark allowed) and refused when nested
    deeper than ``max_depth`` (:func:`nesting_depth`) or not valid TOML.

    Examples:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "overlay.toml"
        >>> _ = p.write_text("[profile]\\nid = 'x'\\n", encoding="utf-8")
        >>> load_toml(p)
        {'profile': {'id': 'x'}}
        >>> load_toml(p, max_depth=1)
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: file.nested: overlay.toml：嵌套超过 1 层 / ...
        >>> _ = p.write_text("[profile\\n", encoding="utf-8")
        >>> load_toml(p)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: file.toml: overlay.toml：不是有效的 TOML（Expected ']' ...
    """
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 1:
        raise ArgumentError("max_depth", "正整数", "a positive int", repr(max_depth))
    name = (
        os.path.basename(os.path.normpath(os.fspath(path)))
        if isinstance(path, str | os.PathLike)
        else ""
    )
    fail = refuse or _named(name)
    raw = read_limited(path, limit=limit, refuse=fail)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused(fail, "file.encoding", "不是 UTF-8 文本", "not UTF-8 text") from None
    deep = _refused(
        fail, "file.nested", f"嵌套超过 {max_depth} 层", f"nested more than {max_depth} levels deep"
    )
    try:
        data = tomllib.loads(text)
    except RecursionError:  # tomllib is pure Python: the stack unwinds cleanly
        raise deep from None
    except tomllib.TOMLDecodeError as exc:
        reason = str(exc).splitlines()[0][:200]
        raise _refused(
            fail, "file.toml", f"不是有效的 TOML（{reason}）", f"not valid TOML ({reason})"
        ) from None
    if nesting_depth(data, stop=max_depth + 1) > max_depth:
        raise deep
    return data


def nesting_depth(value: Any, *, stop: int | None = None) -> int:
    """How deep ``value`` is nested: 0 for a plain value, 1 for a table or array of plain
    values, one more for each level within. Counted without recursion; with ``stop``, the
    count stops once it reaches ``stop`` (a value nested deeper gives ``stop``).

    Examples:
        >>> nesting_depth(3), nesting_depth([1, 2]), nesting_depth({"a": [[1], {}]})
        (0, 1, 3)
        >>> nesting_depth([[[[[]]]]], stop=2)
        2
    """
    deepest = 0
    todo: list[tuple[Any, int]] = [(value, 0)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if stop is not None and deepest >= stop:
            return stop
        todo.extend((child, depth) for child in children)
    return deepest


def _named(name: str) -> Refuse:
    return lambda zh, en: InputError(f"{name}：{zh}", f"{name}: {en}")


def _refused(refuse: Refuse, code: str, zh: str, en: str) -> EdupovertyError:
    err = refuse(zh, en)
    if type(err) is InputError and err.code == InputError.code:  # no code of the caller's
        err.code = code
    return err
