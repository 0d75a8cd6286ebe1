"""XLSX files: safety checks, then the first sheet's rows as text (xlsx 文件).

:func:`xlsx_rows` reads the first sheet through calamine, each cell as text
(:func:`cell_text`), after :func:`check_xlsx` has passed the file. :func:`check_xlsx`
refuses, with :class:`~edupoverty.errors.RosterError`, what would make a reader hang or
exhaust memory: zip bombs (a part expanding more than :data:`MAX_XLSX_RATIO`
times, more than :data:`MAX_XLSX_TOTAL` bytes in all, more than :data:`MAX_XLSX_PARTS` parts,
or more bytes than a part declares), XML entity declarations (the billion-laughs attack),
XML parts in UTF-16 (which would dodge that scan), and sheets whose cells span an area the
reader would allocate whole: wider than :data:`MAX_XLSX_COLUMNS`, below Excel's last row,
larger than :data:`MAX_XLSX_CELLS`, or far larger than the values they hold (one cell at
``XFD1048576`` in a 2 KB file). A malformed cell reference makes the sheet damaged.

Every part is read once, streamed in 1 MiB pieces, and every XML part scanned — XML by its
name or by its first byte, ``<``: a sheet may hide in a part named ``sheet1.bin``. Cell
references are read with vectorised byte comparisons (numpy); only pieces written in an
unusual way (prefixed elements, cells without references, odd attribute spelling) are read
element by element.

Examples:
    >>> import tempfile, pathlib, zipfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "far.xlsx"
    >>> with zipfile.ZipFile(p, "w") as zf:
    ...     zf.writestr("xl/workbook.xml", "<workbook/>")
    ...     zf.writestr("xl/worksheets/sheet1.xml",
    ...                 '<worksheet><sheetData><row r="1048576"><c r="XFD1048576"><v>1</v>'
    ...                 '</c></row></sheetData></worksheet>')
    >>> check_xlsx(p)
    Traceback (most recent call last):
    ...
    edupoverty.errors.RosterError: roster.unsafe: ...: 工作表过宽（16384 列，最多 256 列）...
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from edupoverty.errors import RosterError

__all__ = [
    "MAX_XLSX_CELLS",
    "MAX_XLSX_COLUMNS",
    "MAX_XLSX_PARTS",
    "MAX_XLSX_RATIO",
    "MAX_XLSX_TOTAL",
    "cell_text",
    "check_xlsx",
    "xlsx_rows",
]

MAX_XLSX_TOTAL = 1 << 30
"""Largest total uncompressed size of an XLSX file (1 GiB): use CSV for more."""
MAX_XLSX_RATIO = 100
"""Largest compression ratio of an XLSX part above 1 MiB (zip bombs reach thousands)."""
MAX_XLSX_PARTS = 5000
"""Most parts (files inside the zip) of an XLSX."""
MAX_XLSX_COLUMNS = 256
"""Widest sheet read (column IV): a roster has about forty columns."""
MAX_XLSX_CELLS = 1 << 25
"""Largest sheet area (rows × columns) read: the reader holds the whole area in memory. A
sheet must also hold at least one value per eight cells of its area beyond the first 2^20."""

_EXCEL_ROWS = 1_048_576
_XML_PART = (".xml", ".rels", ".vml")
_DTD = re.compile(rb"<!\s*(?i:doctype|entity)")
_WS = np.zeros(256, dtype=bool)
_WS[[9, 10, 13, 32]] = True
_END = _WS.copy()  # what may follow an element's name
_END[[ord(">"), ord("/")]] = True
_AT = np.arange(15)  # a reference: up to 3 letters and 11 digits, and its quote
_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?(c|row)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)")
_REF_ATTR = re.compile(rb"(?<![^\s])r\s*=\s*([\"'])(.*?)\1", re.S)
_REF = re.compile(rb"([A-Za-z]{0,3})([1-9][0-9]{0,10})")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v|is)[\s>]")


def _err(path: object, zh: str, en: str, code: str) -> RosterError:
    return RosterError(path, zh, en, code=code)


def xlsx_rows(path: Path, file: BinaryIO) -> Iterator[list[str]]:
    """The rows of an XLSX file's first sheet as text, row 1 first (an empty row is a list of
    ``""``), after :func:`check_xlsx`. ``file`` is the file opened (``path`` names it in
    errors). Calamine's own errors become :class:`~edupoverty.errors.RosterError`
    (``roster.type``), never a traceback; ``xlsx.missing`` if calamine is not installed.

    Examples:
        >>> import tempfile, pathlib, xlsxwriter
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
        >>> wb = xlsxwriter.Workbook(str(p)); ws = wb.add_worksheet()
        >>> _ = ws.write_row(1, 0, ["姓名", "年级"]), ws.write_row(2, 0, ["张三", 3]), wb.close()
        >>> with open(p, "rb") as fh:
        ...     list(xlsx_rows(p, fh))
        [['', ''], ['姓名', '年级'], ['张三', '3']]
    """
    check_xlsx(path, file)
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        raise _err(
            path,
            "读取 Excel 需要安装 xlsx 扩展：pip install 'edupoverty[xlsx]'",
            "reading Excel needs the xlsx extra: pip install 'edupoverty[xlsx]'",
            "xlsx.missing",
        ) from None
    damaged = ("xlsx 工作表已损坏", "the .xlsx worksheet is damaged", "roster.type")
    try:
        file.seek(0)
        rows = iter(CalamineWorkbook.from_filelike(file).get_sheet_by_index(0).iter_rows())
    except Exception:  # calamine's own errors for broken workbooks: one clear error
        raise _err(path, *damaged) from None
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception:  # a broken sheet found while reading
            raise _err(path, *damaged) from None
        yield [v if type(v) is str else cell_text(v) for v in values]


def cell_text(value: Any) -> str:
    """A cell value (as calamine gives it) as text, as a person reads it.

    Whole numbers without ``.0`` (below 10^15: larger ones, like an ID number typed as a
    number, keep their float spelling), dates as ISO dates, booleans as ``true``/``false``.

    Examples:
        >>> from datetime import datetime
        >>> [cell_text(v) for v in (None, 3.0, 2.5, 3.41321e17, True, datetime(2019, 9, 1, 8))]
        ['', '3', '2.5', '3.41321e+17', 'true', '2019-09-01']
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def check_xlsx(path: Path, file: BinaryIO | None = None) -> None:
    """Refuse an XLSX that is not safe to hand to an XML or sheet reader (see above).

    ``file``, if given, is the file already opened (``path`` then only names it in errors).
    Raises :class:`~edupoverty.errors.RosterError`: ``roster.unsafe`` (bombs, entities,
    absurd sheets) or ``roster.type`` (not a workbook, damaged).

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"
        >>> _ = p.write_bytes(b"PK\\x03\\x04 not really")
        >>> check_xlsx(p)
        Traceback (most recent call last):
        ...
        edupoverty.errors.RosterError: roster.type: ...: the .xlsx file is damaged
    """
    bomb = (
        "文件疑似压缩炸弹，拒绝读取",
        "the file looks like a zip bomb: refused",
        "roster.unsafe",
    )
    try:
        zf = zipfile.ZipFile(file if file is not None else path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _err(path, "xlsx 文件已损坏", "the .xlsx file is damaged", "roster.type") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_XLSX_PARTS:
            raise _err(path, *bomb)
        if "xl/workbook.xml" not in zf.namelist():
            raise _err(
                path, "不是 Excel 工作簿（xlsx）", "not an Excel workbook (.xlsx)", "roster.type"
            )
        total = 0
        for info in infos:
            total += info.file_size
            if total > MAX_XLSX_TOTAL:
                raise _err(path, *bomb)
            if info.file_size > (1 << 20) and info.file_size > MAX_XLSX_RATIO * max(
                info.compress_size, 1
            ):
                raise _err(path, *bomb)
        for info in infos:
            _scan_part(zf, info, path)


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> None:
    xml = info.filename.lower().endswith(_XML_PART)
    extent = _Extent(path)
    seen = 0
    tail = carry = b""
    try:
        with zf.open(info) as part:
            while chunk := part.read(1 << 20):
                seen += len(chunk)
                if seen > info.file_size:
                    raise _err(
                        path,
                        "文件疑似压缩炸弹，拒绝读取",
                        "the file looks like a zip bomb: refused",
                        "roster.unsafe",
                    )
                if seen == len(chunk):  # the first piece: XML whatever the part's name?
                    xml = xml or chunk.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"
                if not xml:
                    continue
                if seen == len(chunk) and (
                    chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:64]
                ):
                    raise _err(
                        path,
                        "xlsx 内部 XML 编码不受支持",
                        "unsupported XML encoding inside the .xlsx",
                        "roster.unsafe",
                    )
                if _DTD.search(tail + chunk):
                    raise _err(
                        path,
                        "xlsx 含有 XML 实体声明（DOCTYPE/ENTITY），拒绝读取",
                        "the .xlsx declares XML entities (DOCTYPE/ENTITY): refused",
                        "roster.unsafe",
                    )
                tail = chunk[-32:]
                data = carry + chunk
                cut = data.rfind(b"<")  # an element is read whole: cut before the last one
                if cut <= 0 or len(data) - cut > (1 << 20):
                    cut = len(data)
                extent.feed(data[:cut])
                carry = data[cut:]
            if xml:
                extent.feed(carry)
                extent.finish()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        if isinstance(exc, RosterError):
            raise
        raise _err(path, "xlsx 文件已损坏", "the .xlsx file is damaged", "roster.type") from None


class _Extent:
    """The area (rows × columns) a sheet part's cells span, read piece by piece.

    ``row``/``col`` follow the reader's position (a cell or row without a reference comes
    after the previous one), ``rows``/``cols`` are the largest met, ``values`` counts values.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.row = self.col = self.rows = self.cols = self.values = 0

    def feed(self, data: bytes) -> None:
        if len(data) < 8 or not self._vectorised(data):
            self._by_element(data)
        self._check(self.rows * self.cols)

    def finish(self) -> None:
        area = self.rows * self.cols
        if area > 8 * self.values + (1 << 20):
            self._check(area, sparse=True)

    def _check(self, area: int, *, sparse: bool = False) -> None:
        p = self.path
        if self.cols > MAX_XLSX_COLUMNS:
            raise _err(
                p,
                f"工作表过宽（{self.cols} 列，最多 {MAX_XLSX_COLUMNS} 列），拒绝读取",
                f"the sheet is too wide ({self.cols} columns, at most {MAX_XLSX_COLUMNS}): refused",
                "roster.unsafe",
            )
        if self.rows > _EXCEL_ROWS or area > MAX_XLSX_CELLS or sparse:
            raise _err(
                p,
                f"工作表范围过大（{self.rows} 行 × {self.cols} 列，只有 {self.values} 个值），"
                "拒绝读取：可能有远处的单元格",
                f"the sheet spans {self.rows} rows × {self.cols} columns but holds "
                f"{self.values} values: refused (a far-off cell?)",
                "roster.unsafe",
            )

    def _malformed(self) -> RosterError:
        return _err(
            self.path,
            "xlsx 工作表已损坏：单元格引用格式错误",
            "the .xlsx worksheet is damaged: a malformed cell reference",
            "roster.type",
        )

    def _vectorised(self, data: bytes) -> bool:
        """Read the references of a piece written the usual way (every ``<c`` and ``<row``
        element begins with ``r="…"``); False if the piece is written otherwise."""
        n = len(data)
        a = np.frombuffer(data + bytes(24), dtype=np.uint8)
        r = np.flatnonzero(a[1:n] == 114) + 1  # b"r"
        r = r[_WS[a[r - 1]] & ((a[r + 1] == 61) | _WS[a[r + 1]])]  # an attribute named r
        if not ((a[r - 1] == 32) & (a[r + 1] == 61) & (a[r + 2] == 34)).all():
            return False  # not spelled ' r="'
        lt = np.flatnonzero(a[:n] == 60)  # b"<"
        c1, c2, c3 = a[lt + 1], a[lt + 2], a[lt + 3]
        cells = lt[(c1 == 99) & _END[c2]]
        rows = lt[(c1 == 114) & (c2 == 111) & (c3 == 119) & _END[a[lt + 4]]]
        colon = np.flatnonzero(a[:n] == 58)  # a prefixed <x:c> or <x:row>
        d1, d2 = a[colon + 1], a[colon + 2]
        if (((d1 == 99) & _END[d2]) | ((d1 == 114) & (d2 == 111) & (a[colon + 3] == 119))).any():
            return False
        at_r = np.zeros(n + 24, dtype=bool)
        at_r[r] = True
        if not (at_r[cells + 3].all() and at_r[rows + 5].all()):
            return False  # an element without a reference, or not first
        self.values += int(np.count_nonzero((c1 == 118) & (c2 == 62)))  # <v>
        self.values += int(np.count_nonzero((c1 == 105) & (c2 == 115) & _END[c3]))  # <is>
        if not len(r):
            return True
        w = a[(r + 3)[:, None] + _AT]  # the reference's bytes, and a few more
        letter = ((w | 32) - 97) < 26
        digit = (w - 48) < 10
        lead = np.argmin(letter, axis=1)
        end = np.argmax(~digit & (lead[:, None] <= _AT), axis=1)
        k = np.arange(len(w))
        if not (
            (lead <= 3) & (end > lead) & (end <= lead + 11) & (w[k, end] == 34) & (w[k, lead] != 48)
        ).all():
            raise self._malformed()
        at = r + 3 + lead
        row = _largest(a, at, end - lead)  # the row numbers
        col = _largest(a, r + 3, lead, upper=True)  # the column letters
        self.rows = max(self.rows, int(row))
        self.row = max(self.row, self.rows)
        self.cols = max(self.cols, _column(col))
        self.col = _column(bytes(a[r[-1] + 3 : r[-1] + 3 + lead[-1]]))  # b"" after a row's
        return True

    def _by_element(self, data: bytes) -> None:
        """Follow the reader's position element by element (the unusual pieces)."""
        self.values += len(_VALUE.findall(data))
        for m in _ELEMENT.finditer(data):
            refs: list[tuple[Any, bytes]] = _REF_ATTR.findall(m.group(2))
            row = col = None
            for _, ref in refs:  # every one checked; the reader keeps the last
                found = _REF.fullmatch(ref)
                if found is None:
                    raise self._malformed()
                row, col = int(found.group(2)), _column(found.group(1))
            if m.group(1) == b"row":
                self.row, self.col = (row if row is not None else self.row + 1), 0
            elif col:
                self.row, self.col = row or self.row, col
            else:
                self.col += 1
            self.rows = max(self.rows, self.row)
            self.cols = max(self.cols, self.col)
            if self.cols > MAX_XLSX_COLUMNS or self.rows > _EXCEL_ROWS:
                self._check(self.rows * self.cols)


def _largest(
    a: np.ndarray[Any, Any], at: np.ndarray[Any, Any], size: Any, *, upper: bool = False
) -> bytes:
    """The largest of the words of ``size`` bytes at ``at`` in ``a`` (longest, then in byte
    order: numbers and column letters compare so), as bytes."""
    longest = int(size.max())
    chosen = at[size == longest]
    for i in range(longest):
        byte = a[chosen + i] & (0xDF if upper else 0xFF)
        chosen = chosen[byte == byte.max()]
    word = a[chosen[0] : chosen[0] + longest]
    return bytes(word & 0xDF if upper else word)


def _column(letters: bytes) -> int:
    """A column's number from its letters (``b"AB"`` → 28; ``b""`` → 0)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n
