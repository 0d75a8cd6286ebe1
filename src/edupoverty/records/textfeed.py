"""The bytes of a CSV file as clean UTF-8 text for the Arrow CSV parser (CSV 文本流).

:func:`detect_encoding` names a CSV file's encoding from its head; :func:`utf8_chunks`
gives the file as UTF-8 in 1 MiB chunks (transcoding UTF-16 and GB18030/GBK);
:class:`TextFeed` hands them to the parser as a file-like object, after two repairs that
keep the parser's memory bounded and its input decodable:

- a line longer than :data:`MAX_LINE` bytes is replaced by the marker :data:`GIANT`;
- bytes that do not decode are replaced by :data:`BAD` (U+FFFF, a noncharacter), and only
  they: one GBK row in a UTF-8 file does not garble the other rows.

The feed counts the markers it writes, so a reader knows when to look for them in the
parsed rows (and when not to: on a clean file, never). A U+FFFF already in the file counts
as undecodable too: it is not text.

Examples:
    >>> import io
    >>> data = "姓名\\n张三\\n".encode() + "李四\\n".encode("gbk") + b"x" * (MAX_LINE + 1) + b"\\n"
    >>> feed = TextFeed(utf8_chunks(io.BytesIO(data), "utf-8"), "utf-8")
    >>> feed.read(-1).decode().replace(GIANT, "<giant>").splitlines()
    ['姓名', '张三', '\\uffff\\uffff\\uffff\\uffff', '<giant>']
    >>> feed.bad, feed.giant  # four bytes of GBK that are not UTF-8; one giant line
    ([4, 0], [1, 0])
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa

from edupoverty.errors import RosterError

__all__ = ["BAD", "GIANT", "MAX_LINE", "TextFeed", "detect_encoding", "utf8_chunks"]

MAX_LINE = 1 << 20
"""Longest line read (bytes of UTF-8): a longer one is replaced by :data:`GIANT`."""
GIANT = "\x00\x00edupoverty: line too long\x00\x00"
"""What stands for a line over :data:`MAX_LINE` in the feed."""
BAD = "\uffff"
"""What stands for bytes that do not decode in the file's encoding (a noncharacter)."""

_CHUNK = 1 << 20  # bytes read at a time: at most MAX_LINE (see TextFeed._bounded)
_UNDECODABLE = "edupoverty.undecodable"


def _mark_undecodable(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return BAD, error.end


codecs.register_error(_UNDECODABLE, _mark_undecodable)


def detect_encoding(path: Path, head: bytes) -> str:
    """The encoding of a CSV file from its first bytes: by its BOM (``"utf-8-sig"``,
    ``"utf-16"``), else ``"utf-8"`` or ``"gb18030"``, whichever more of its non-ASCII lines
    decode in (so a few GBK rows do not make a UTF-8 file GB18030, nor the reverse).

    Raises :class:`~edupoverty.errors.RosterError` (``roster.type``) for a binary file and
    (``roster.encoding``) when no non-ASCII line decodes in either; ``path`` names the file.

    Examples:
        >>> head = "姓名\\n张三\\n".encode() + "李四\\n".encode("gbk")
        >>> detect_encoding(Path("t.csv"), head), detect_encoding(Path("t.csv"), b"a,b\\n")
        ('utf-8', 'utf-8')
        >>> detect_encoding(Path("t.csv"), "姓名\\n张三\\n".encode("gbk"))
        'gb18030'
        >>> detect_encoding(Path("t.csv"), "a,b\\n王五,1\\n".encode())
        'utf-8'
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.count(b"\x00") > max(8, len(head) // 100):  # binary; a stray NUL is a bad cell
        raise RosterError(path, "不是文本文件（CSV）", "not a text (CSV) file", code="roster.type")
    votes = {"utf-8": 0, "gb18030": 0}
    sample = head[: 1 << 18]
    lines = sample.splitlines()
    cut = not sample.endswith((b"\n", b"\r"))  # the last line may be cut in a character
    for line in (lines[:-1] if cut else lines) or lines:
        if not line.isascii():
            for encoding in votes:
                try:
                    line.decode(encoding)
                except UnicodeDecodeError:
                    continue
                votes[encoding] += 1
                break
    if votes["gb18030"] > votes["utf-8"]:
        return "gb18030"
    if votes["utf-8"] or all(line.isascii() for line in lines):
        return "utf-8"
    raise RosterError(
        path,
        "无法识别文件编码（应为 UTF-8 或 GB18030/GBK）",
        "cannot decode the file (expected UTF-8 or GB18030/GBK)",
        code="roster.encoding",
    )


def utf8_chunks(file: BinaryIO, encoding: str, offset: int = 0) -> Iterator[bytes]:
    """The file as UTF-8 from ``offset`` (counted in that UTF-8, after any BOM), in chunks.

    A UTF-8 file is given as it is (undecodable bytes included: :class:`TextFeed` replaces
    them); a UTF-16 or GB18030 file is transcoded, undecodable bytes becoming :data:`BAD`.

    Examples:
        >>> import io
        >>> b"".join(utf8_chunks(io.BytesIO("姓名,学段".encode("utf-16")), "utf-16", 7))
        b'\\xe5\\xad\\xa6\\xe6\\xae\\xb5'
    """
    if encoding in ("utf-8", "utf-8-sig"):
        file.seek(offset + (3 if encoding == "utf-8-sig" else 0))
        while chunk := file.read(_CHUNK):
            yield chunk
        return
    file.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)(_UNDECODABLE)
    skip = offset
    while True:
        chunk = file.read(_CHUNK)
        out = decoder.decode(chunk, final=not chunk).encode()
        if skip:
            out, skip = out[skip:], max(0, skip - len(out))
        if out:
            yield out
        if not chunk:
            return


class TextFeed:
    """UTF-8 text for the CSV parser, read from chunks of :func:`utf8_chunks` (a file-like
    ``read``): lines over :data:`MAX_LINE` become :data:`GIANT`, undecodable bytes
    :data:`BAD`. ``giant`` and ``bad`` are ``[markers written, markers found]``: the
    reader adds to the second as it finds them in rows.

    Examples:
        >>> import io
        >>> feed = TextFeed(iter([b"a,b\\n", b"1,\\xff\\n"]), "utf-8")
        >>> feed.empty(), feed.read(3), feed.read(100), feed.read(100), feed.bad
        (False, b'a,b', b'\\n1,\\xef\\xbf\\xbf\\n', b'', [1, 0])
    """

    def __init__(self, chunks: Iterator[bytes], encoding: str) -> None:
        self.giant = [0, 0]
        self.bad = [0, 0]
        self._pieces = self._repaired(chunks, check=encoding.startswith("utf-8"))
        self._buffer = b""

    def empty(self) -> bool:
        """Whether the feed holds no text at all (reads ahead one piece)."""
        while not self._buffer:
            piece = next(self._pieces, None)
            if piece is None:
                return True
            self._buffer = piece
        return False

    def read(self, n: int = -1) -> bytes:
        """The next ``n`` bytes (all of them if ``n`` < 0); fewer only at the end."""
        parts, size = [self._buffer], len(self._buffer)
        while n < 0 or size < n:
            piece = next(self._pieces, None)
            if piece is None:
                break
            parts.append(piece)
            size += len(piece)
        over = size - n if 0 <= n < size else 0
        last = parts[-1]
        self._buffer = last[len(last) - over :] if over else b""
        if over:
            parts[-1] = last[: len(last) - over]
        return b"".join(parts)

    @property
    def closed(self) -> bool:
        """Always False (the parser asks)."""
        return False

    def _repaired(self, chunks: Iterator[bytes], *, check: bool) -> Iterator[bytes]:
        for piece in self._bounded(chunks):  # each ends at a line end: no character cut
            if check and not piece.isascii() and not _is_utf8(piece):
                piece = piece.decode("utf-8", _UNDECODABLE).encode()
            if b"\xef" in piece:  # the lead byte of U+FFFF: count them
                a = np.frombuffer(piece + b"  ", dtype=np.uint8)
                at = np.flatnonzero(a == 0xEF)
                self.bad[0] += int(np.count_nonzero((a[at + 1] == 0xBF) & (a[at + 2] == 0xBF)))
            yield piece

    def _bounded(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """The chunks cut after their last line end; a line over MAX_LINE becomes GIANT."""
        held = b""  # the start of the current line (at most MAX_LINE bytes)
        skipping = False  # in the rest of a line replaced by GIANT
        for chunk in chunks:  # at most MAX_LINE bytes: a line inside one is shorter
            if skipping:
                first = _line_end(chunk, chunk.find)
                if first < 0:
                    continue
                chunk, skipping = chunk[first:], False
            last = _line_end(chunk, chunk.rfind)
            if last < 0:
                held += chunk
            else:
                first = _line_end(chunk, chunk.find)
                if len(held) + first > MAX_LINE:
                    self.giant[0] += 1
                    yield GIANT.encode() + chunk[first : last + 1]
                else:
                    yield held + chunk[: last + 1]
                held = chunk[last + 1 :]
            if len(held) > MAX_LINE:
                self.giant[0] += 1
                yield GIANT.encode()
                held, skipping = b"", True
        if held:
            yield held


def _line_end(chunk: bytes, find: Callable[[bytes], int]) -> int:
    """The first or last line end (CR or LF) by ``find`` (``chunk.find``/``rfind``), or -1."""
    lf, cr = find(b"\n"), find(b"\r")
    if lf < 0 or cr < 0:
        return max(lf, cr)
    return min(lf, cr) if find == chunk.find else max(lf, cr)


def _is_utf8(data: bytes) -> bool:
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int32))
    try:
        pa.StringArray.from_buffers(1, offsets, pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True
