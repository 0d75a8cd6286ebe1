"""A CSV file read in blocks of whole lines: the fast path behind :func:`read_roster`.

The csv module turns every line into a list of cells, one character at a time. Most roster
lines hold no quote at all, and for those the cells are exactly the line split at the
delimiter, which ``str.split`` does far faster. :class:`LineCsv` reads the file in blocks of
whole lines and hands each block on as its lines; a line with a quote is parsed by the csv
module and handed on as its row. The result is the rows the csv module would read, with the
same row numbers:

- a block is checked whole before any of its rows is handed on;
- a block the line view cannot represent exactly (a lone carriage return, a line longer than
  the csv module's field limit, a quoted cell spanning lines) ends the fast path: the rest of
  the file, from the start of that block, is read by the csv module itself (:meth:`rest`);
- a newline byte is a line end in every encoding read this way (UTF-8 and GB18030 never use
  ``0x0A`` inside a character); UTF-16 files are never read this way.

``tests/records/test_lines.py`` checks row for row that both readings agree, on files built to
hit every one of these cases.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import compress, count, repeat
from operator import contains
from pathlib import Path
from typing import Any

__all__ = ["ENCODINGS", "Block", "LineCsv", "Unsafe"]

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
"""Encodings in which a newline byte always ends a line."""

_BLOCK = 1 << 17  # bytes read at a time; a block holds every whole line in it


class Unsafe(Exception):
    """A slice of a file (``strict``) that the line view cannot read exactly as the csv
    module reads the whole file: read the whole file instead."""


class Block:
    """Whole lines of the file, in order, as plain text without line ends.

    ``quoted`` maps the index of each line holding a quote to its row, as the csv module
    parsed it. Every other line's cells are ``line.split(delimiter)`` (an empty line is the
    empty row).
    """

    __slots__ = ("lines", "quoted")

    def __init__(self, lines: list[str], quoted: dict[int, list[str]]) -> None:
        self.lines = lines
        self.quoted = quoted

    def rows(self, delimiter: str) -> Iterator[list[str]]:
        """The rows of the block, as the csv module reads them."""
        quoted = self.quoted
        for i, line in enumerate(self.lines):
            row = quoted.get(i)
            if row is not None:
                yield row
            elif line:
                yield line.split(delimiter)
            else:
                yield []

    def tail(self, start: int) -> Block:
        """The block from line ``start`` on."""
        if not start:
            return self
        quoted = {i - start: r for i, r in self.quoted.items() if i >= start}
        return Block(self.lines[start:], quoted)


class LineCsv:
    """The rows of a CSV file, read in :class:`Block` s while the lines allow it.

    Iterating gives rows one at a time (used for the header). :meth:`pieces` then gives the
    remaining rows in pieces: a :class:`Block`, or, once the fast path has ended, an iterator
    of rows from the csv module (whose ``csv.Error`` on a giant cell the caller handles).
    """

    def __init__(
        self,
        path: Path,
        encoding: str,
        delimiter: str,
        *,
        start: int = 0,
        end: int | None = None,
        strict: bool = False,
    ) -> None:
        if encoding not in ENCODINGS:
            raise ValueError(f"not a line-safe encoding: {encoding}")
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        self.fh = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.fh.seek(start)
        self.text: Any = None  # the text stream of the csv module, once the fast path ends
        self.position = start  # byte offset of the next block
        self.end = end  # read up to this byte offset (a line start), or to the end
        self.strict = strict  # a block the fast path cannot take raises Unsafe
        self.rest_bytes = b""
        self.current: Block | None = None  # a block being handed on row by row
        self.cursor = 0
        self.fallback: Iterator[list[str]] | None = None
        self.limit = csv.field_size_limit()

    def close(self) -> None:
        """Close the file."""
        self.fh.close()
        if self.text is not None:
            self.text.close()

    # -- reading ----------------------------------------------------------------------------

    def _next_block(self) -> Block | None:
        """The next block, or None at the end of the file or when the fast path ends (then
        :attr:`fallback` is set)."""
        if self.fallback is not None:
            return None
        start = self.position
        data = self.rest_bytes + self._read()
        if not data:
            return None
        cut = data.rfind(b"\n") + 1
        while cut == 0:  # a line longer than a block (at most MAX_LINE: see read_roster)
            more = self._read()
            if not more:
                cut = len(data)
                break
            data += more
            cut = data.rfind(b"\n") + 1
        self.rest_bytes = data[cut:]
        self.position = start + cut
        encoding = self.encoding if start == 0 else _continuing(self.encoding)
        try:
            text = data[:cut].decode(encoding)
        except UnicodeDecodeError:
            if self.strict:
                raise Unsafe("undecodable bytes") from None
            raise
        block = self._block(text)
        if block is None:
            if self.strict:
                raise Unsafe("a block the line view cannot take")
            self._fall_back(start)
        return block

    def _read(self) -> bytes:
        if self.end is None:
            return self.fh.read(_BLOCK)
        left = self.end - self.fh.tell()
        return self.fh.read(min(_BLOCK, left)) if left > 0 else b""

    def _block(self, text: str) -> Block | None:
        if "\r" in text:
            if text.count("\r") != text.count("\r\n"):
                return None  # a lone carriage return: the csv module decides
            text = text.replace("\r\n", "\n")
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        if max(map(len, lines), default=0) > self.limit:
            return None  # perhaps a cell over the field limit: the csv module decides
        quoted: dict[int, list[str]] = {}
        if '"' in text:
            at = list(compress(count(), map(contains, lines, repeat('"'))))  # C-level
            # one reader over the quoted lines and an empty sentinel: a record that did not
            # end on its own line takes more than one line from the reader
            reader = csv.reader([*(lines[i] for i in at), ""], delimiter=self.delimiter)
            try:
                for n, i in enumerate(at, 1):
                    row = next(reader)
                    if reader.line_num != n:
                        return None
                    quoted[i] = row
            except csv.Error:  # a quoted cell over the field limit: the csv module decides
                return None
        return Block(lines, quoted)

    def _fall_back(self, start: int) -> None:
        """Read the rest of the file, from byte ``start``, with the csv module."""
        raw = open(self.path, "rb")  # noqa: SIM115 - closed with self.text
        raw.seek(start)
        encoding = self.encoding if start == 0 else _continuing(self.encoding)
        self.text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        self.fallback = csv.reader(self.text, delimiter=self.delimiter)
        self.rest_bytes = b""

    # -- handing on -------------------------------------------------------------------------

    def __iter__(self) -> Iterator[list[str]]:
        delimiter = self.delimiter
        while True:
            block = self.current
            while block is None or self.cursor >= len(block.lines):  # blocks can be empty
                block = self._next_block()
                if block is None:
                    break
                self.current, self.cursor = block, 0
            if block is None:
                break
            row = block.quoted.get(self.cursor)
            if row is None:
                line = block.lines[self.cursor]
                row = line.split(delimiter) if line else []
            self.cursor += 1
            yield row
        if self.fallback is not None:
            yield from self.fallback

    def pieces(self) -> Iterator[Block | Iterator[list[str]]]:
        """The rows not yet handed on, as blocks of lines, then (if the fast path ended) one
        iterator of rows of the csv module."""
        if self.current is not None and self.cursor < len(self.current.lines):
            yield self.current.tail(self.cursor)
        self.current = None
        while (block := self._next_block()) is not None:
            yield block
        if self.fallback is not None:
            yield self.fallback


def _continuing(encoding: str) -> str:
    """The encoding of text after the first block (no byte-order mark there)."""
    return "utf-8" if encoding == "utf-8-sig" else encoding
