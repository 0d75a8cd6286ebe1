"""Output files replaced whole (整体替换输出文件): never a half-written file, never a lost old one.

:func:`replace_whole` opens a temporary file beside the target (same directory, so the
final rename stays on one file system; readable by its owner only while it is written),
and when the ``with`` block ends normally flushes it, syncs it to disk and renames it over
the target in one step (:func:`os.replace`). If the block raises anything — an error, a
full disk, ``KeyboardInterrupt``, ``SystemExit`` (which a SIGTERM handler may raise) — the
temporary file is removed and the old file is left as it was. Every file the writers make
goes through it; the command line and other modules use it for their JSON and text files.

What the target may be:

- a regular file: replaced; the new file keeps the old one's permission bits. A new file
  gets the permissions an ordinary ``open()`` would give (``0o666`` less the umask; where
  the umask cannot be read without changing it, owner-only ``0o600``). A file with other
  hard links is replaced by a new file, the other links keep the old content.
- a symbolic link: followed; the file it points to is replaced (beside it), the link stays
  a link — as ``open(path, "w")`` would write through it.
- a device, a FIFO or a socket (``/dev/null``, ``/dev/stdout``, a pipe): written directly,
  as there is nothing to replace.
- a directory (or a path ending with a separator): refused with an
  :class:`~edupoverty.errors.InputError` (code ``output.directory``) before anything is
  written.

A process killed outright (SIGKILL, or SIGTERM without a handler) cannot remove its
temporary file: the old output is still intact, and a hidden ``.<name>.*.tmp`` file,
readable by its owner only, is left beside it.

Examples:
    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.json"
    >>> with replace_whole(out) as fh:
    ...     _ = fh.write('{"rows": 3}')
    >>> out.read_text()
    '{"rows": 3}'
    >>> try:
    ...     with replace_whole(out) as fh:
    ...         _ = fh.write('{"rows": ')
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> out.read_text(), sorted(p.name for p in out.parent.iterdir())
    ('{"rows": 3}', ['report.json'])
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from edupoverty.errors import ArgumentError, InputError

__all__ = ["replace_whole", "sync_folder"]

_MODES = frozenset({"w", "wt", "wb"})


@contextlib.contextmanager
def replace_whole(
    path: str | os.PathLike[str],
    mode: str = "w",
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """Open ``path`` for writing so that it is replaced whole, or not at all.

    ``mode`` is ``"w"`` (text, in ``encoding``, with ``newline`` as :func:`open` takes it)
    or ``"wb"`` (bytes). Yields the open file; the target is replaced when the ``with``
    block ends without an exception (see the module documentation for links, devices and
    directories).

    Examples:
        >>> import pathlib, tempfile
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "名单.csv"
        >>> with replace_whole(out, "wb") as fh:
        ...     _ = fh.write("姓名\\n".encode())
        >>> out.read_bytes().decode()
        '姓名\\n'
        >>> try:
        ...     with replace_whole(out.parent) as fh:
        ...         pass
        ... except ValueError as err:
        ...     print(err.code)
        output.directory
    """
    if mode not in _MODES:
        raise ArgumentError("mode", '"w" 或 "wb"', '"w" or "wb"', repr(mode))
    if not isinstance(path, str | os.PathLike):
        raise ArgumentError("path", "文件路径", "a file path", type(path).__name__)
    given = os.fspath(path)
    real = os.path.realpath(given)  # through every symbolic link, as open() would go
    if given.endswith((os.sep, os.altsep or os.sep)) or os.path.isdir(real):
        raise _directory(given)
    try:
        kept = os.stat(real)
    except FileNotFoundError:
        kept = None
    binary = "b" in mode
    if kept is not None and not stat.S_ISREG(kept.st_mode):  # a device, a pipe: no file to replace
        with _open(real, binary, encoding, newline) as device:
            yield device
        return
    folder, name = os.path.split(real)
    fd, temp = _temporary(folder, name, given)  # 0o600
    fh: IO[Any] | None = None
    try:
        fh = _open(fd, binary, encoding, newline)
        yield fh
        if fh.closed:  # closed by the block: sync what it wrote through a new descriptor
            with open(temp, "rb") as again:
                os.fsync(again.fileno())
        else:
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
        os.chmod(temp, stat.S_IMODE(kept.st_mode) if kept is not None else _new_file_mode())
        os.replace(temp, real)
    except BaseException:
        with contextlib.suppress(OSError, ValueError):
            if fh is None:
                os.close(fd)
            else:
                fh.close()
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    sync_folder(folder)


def _temporary(folder: str, name: str, given: str) -> tuple[int, str]:
    """A new temporary file beside the target, owner-only; an error names the target, not
    the temporary file (a folder without write permission, a full disk)."""
    try:
        return tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, given) from None


def _open(file: str | int, binary: bool, encoding: str, newline: str | None) -> IO[Any]:
    if binary:
        return open(file, "wb")  # closed by replace_whole
    return open(file, "w", encoding=encoding, newline=newline)


def _directory(path: str) -> InputError:
    err = InputError(
        f"{path}: 是一个目录，不能作为输出文件", f"{path}: is a directory, not an output file"
    )
    err.code = "output.directory"
    return err


def _new_file_mode() -> int:
    """The permission bits ``open()`` gives a new file: 0o666 less the umask, read from
    the kernel (Linux) without changing it, or owner-only where that is not possible."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o600


def sync_folder(folder: str | os.PathLike[str]) -> None:
    """Make a rename, or a file created, in ``folder`` durable: sync the folder itself
    (POSIX; elsewhere a folder cannot be opened, and nothing is done). Errors are ignored:
    the file's own data is already synced.

    Examples:
        >>> import tempfile
        >>> sync_folder(tempfile.mkdtemp())
    """
    folder = os.fspath(folder)
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder or ".", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
