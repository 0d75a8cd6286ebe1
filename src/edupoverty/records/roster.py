"""Reading roster files (在学状态表) and disbursement files (资助发放表).

:func:`read_roster` reads a school's roster, CSV or XLSX, and returns a :class:`RosterResult`:
the accepted :class:`~edupoverty.records.model.Student` records and the rejected rows, each
with its spreadsheet row number (header = row 1, first data row = 2) and **every** problem
found in it. Rows in = accepted + rejected, always. Blank rows are skipped and counted apart.

- CSV in UTF-8, UTF-8 with BOM, UTF-16 with BOM or GB18030/GBK (what Excel and WPS on Chinese
  Windows write), detected without being told; comma, tab or semicolon separated.
- Chinese or English headers (ROSTER.md), matched after trimming and folding full-width
  characters; a title row above the header is skipped. Unknown columns are reported once
  (``unknown_columns`` and one ``column.unknown`` warning each), never an error.
- The value spellings of ROSTER.md (:mod:`edupoverty.records.spellings`).
- A file that cannot be read at all raises :class:`~edupoverty.errors.RosterError`: not
  found, empty, neither CSV nor XLSX, undecodable, missing or duplicate required headers,
  or an unsafe XLSX (XML entity declarations, zip bombs).

Reading is streamed and memoised: most columns have a handful of distinct values, parsed
once each. Memory grows with the accepted records; the memos of distinct cells are capped
(:data:`_PROFILE_MAX` entries, :data:`_MEMO_CHARS` characters of keys) and start again
when full.

Examples:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
    >>> _ = p.write_text(
    ...     "姓名,身份证号,学校代码,学段,年级,学校所在地,寄宿\\n"
    ...     "张三,11010520120307002X,3412001,小学,三年级,乡村,是\\n"
    ...     "李四,110105201203070021,3412001,小学,3,乡村,否\\n", encoding="utf-8-sig")
    >>> result = read_roster(p)
    >>> result.rows, result.accepted, len(result.rejected)
    (2, 1, 1)
    >>> result.students[0].boarding, result.students[0].grade
    (True, 3)
    >>> [(f.row, f.code, f.field) for f in result.rejected[0].findings]
    [(3, 'id.checksum', 'id_number')]
"""

from __future__ import annotations

import codecs
import csv
import functools
import gc
import itertools
import os
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from itertools import chain, compress, count, islice, repeat
from operator import add, and_, attrgetter, call, eq, is_, itemgetter, le, mod
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import attrs
from attrs import field, frozen

from edupoverty.errors import RosterError
from edupoverty.records import spellings as sp
from edupoverty.records._lines import ENCODINGS as _LINE_ENCODINGS
from edupoverty.records._lines import Block, LineCsv, Unsafe
from edupoverty.records.enums import Payee, Stage
from edupoverty.records.findings import Finding, finding
from edupoverty.records.idcard import _CHECK, PROVINCES, _birth, compact, problem
from edupoverty.records.model import Disbursement, Period, Student, WaiverPledge

__all__ = [
    "COLUMNS",
    "DISBURSEMENT_COLUMNS",
    "REQUIRED",
    "WAIVER_COLUMNS",
    "DisbursementResult",
    "RejectedRow",
    "RosterColumns",
    "RosterResult",
    "RosterSlice",
    "StudentProfile",
    "WaiverResult",
    "iter_table",
    "profile_values",
    "read_disbursements",
    "read_roster",
    "read_roster_columns",
    "read_rows",
    "read_table",
    "read_waivers",
    "slice_roster",
]

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "学生姓名"),
    "id_number": ("身份证号", "身份证件号", "身份证号码", "公民身份号码"),
    "student_number": ("学籍号", "全国学籍号"),
    "school_code": ("学校代码", "学校标识码", "机构码"),
    "school_name": ("学校名称", "学校"),
    "stage": ("学段",),
    "grade": ("年级",),
    "special_education": ("特殊教育", "是否特教"),
    "boarding": ("寄宿", "是否寄宿", "寄宿生"),
    "school_location": ("学校所在地", "学校所在地类型"),
    "school_ownership": ("办学性质",),
    "inclusive_kindergarten": ("普惠性幼儿园", "是否普惠"),
    "residence": ("户口性质", "户籍类型"),
    "hukou_province": ("户籍省份", "户籍所在省"),
    "full_time": ("全日制", "是否全日制"),
    "official_enrolment": ("正式学籍", "是否正式学籍"),
    "agri_major": ("涉农专业", "是否涉农专业"),
    "performing_arts_major": ("艺术表演专业", "是否艺术类表演专业"),
    "contiguous_poverty_area": ("连片特困地区", "是否连片特困地区"),
    "registered_poor": ("建档立卡", "是否建档立卡", "建档立卡贫困户"),
    "financial_difficulty": ("家庭经济困难", "是否家庭经济困难"),
    "difficulty_level": ("困难等级", "认定等级"),
    "grant_tier": ("助学金等次", "资助档次"),
    "subsistence_allowance": ("低保", "是否低保"),
    "extreme_poverty_support": ("特困供养", "特困救助供养"),
    "orphan": ("孤儿", "是否孤儿"),
    "disabled": ("残疾", "是否残疾"),
    "left_behind": ("留守儿童",),
    "hardship_child": ("困境儿童",),
    "outstanding": ("优秀", "品学兼优"),
    "enrolled_from": ("入学日期", "入校日期"),
    "enrolled_until": ("离校日期", "异动日期"),
    "tuition_fee": ("学费", "学杂费标准"),
    "accommodation_fee": ("住宿费",),
    "independent_college": ("独立学院", "是否独立学院"),
    "studying_abroad": ("境外就读", "是否境外就读"),
    "bank_account": ("银行卡号", "账号"),
}
"""Roster fields (the English header) → the Chinese headers accepted (ROSTER.md)."""

REQUIRED: tuple[str, ...] = ("name", "id_number", "school_code", "stage", "school_location")
"""Columns a roster must have (ROSTER.md)."""

DISBURSEMENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id_number": ("身份证号", "身份证件号", "身份证号码", "公民身份号码"),
    "programme": ("资助项目", "项目", "资助项目名称"),
    "school_year": ("学年",),
    "semester": ("学期",),
    "amount": ("金额", "发放金额", "资助金额"),
    "method": ("发放方式",),
    "account": ("银行卡号", "账号", "银行账号"),
    "paid_on": ("发放日期",),
    "batch": ("批次", "发放批次"),
    "payee": ("领取人", "收款人"),
    "school_code": ("学校代码", "学校标识码", "机构码"),
}
"""Disbursement fields → Chinese headers accepted (the ``--disbursements`` file)."""

WAIVER_COLUMNS: dict[str, tuple[str, ...]] = {
    "id_number": ("身份证号", "身份证件号", "身份证号码", "公民身份号码"),
    "school_year": ("学年",),
    "signed_on": ("签署日期", "承诺日期"),
    "signed_by": ("签署人", "承诺人"),
    "programmes": ("放弃项目", "放弃的资助项目"),
    "on_paper": ("纸质承诺书", "是否纸质"),
    "kept_at": ("存放位置", "保存位置"),
}
"""Waiver-pledge fields → Chinese headers accepted (放弃受助资格承诺书, R-REC-5)."""

_WAIVER_REQUIRED = ("id_number", "school_year", "signed_on", "signed_by")

_DISB_REQUIRED = ("id_number", "programme", "school_year", "amount", "method", "paid_on", "batch")

_PROGRAMMES = {
    "寄宿生生活补助": "compulsory.boarding_allowance",
    "寄宿生生活费补助": "compulsory.boarding_allowance",
    "家庭经济困难寄宿生生活补助": "compulsory.boarding_allowance",
    "营养改善计划": "compulsory.nutrition",
    "农村义务教育学生营养改善计划": "compulsory.nutrition",
    "营养餐": "compulsory.nutrition",
}
"""Chinese programme names mapped to the programme ids of the rules (others kept as written)."""

MAX_TEXT = 200
"""Longest text accepted in a cell of a text column (a name, a school name …)."""
MAX_LINE = 1 << 20
"""Longest CSV line read (characters): a longer one is an error on its row, not a crash."""
MAX_XLSX_TOTAL = 1 << 30
"""Largest total uncompressed size of an XLSX file (1 GiB): use CSV for more."""
MAX_XLSX_RATIO = 100
"""Largest compression ratio of an XLSX part above 1 MiB (zip bombs reach thousands)."""
MAX_XLSX_PARTS = 5000
_CACHE_MAX = 20000
_PROFILE_MAX = 1 << 18  # distinct profiles (and line middles) kept at most
_MEMO_CHARS = 1 << 25  # characters of memo keys kept per memo at most (32 Mi: about 100 MB)


@frozen
class RejectedRow:
    """A row that was not accepted: its spreadsheet row number and every problem in it.

    Examples:
        >>> r = RejectedRow(3, (finding("field.missing", row=3, field="name"),))
        >>> r.row, r.findings[0].code
        (3, 'field.missing')
    """

    row: int
    findings: tuple[Finding, ...]
    source: str | None = None


@frozen
class _FileResult:
    """What a reader found in one file, whatever the rows hold: rejected rows, findings and
    counts (``rows`` = accepted + rejected; blank rows are counted apart)."""

    source: str
    rejected: tuple[RejectedRow, ...]
    findings: tuple[Finding, ...]
    rows: int
    unknown_columns: tuple[str, ...] = ()
    encoding: str | None = None
    blank_rows: int = 0

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings of severity error."""
        return tuple(f for f in self.findings if f.is_error)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings of severity warning."""
        return tuple(f for f in self.findings if not f.is_error)


@frozen
class RosterResult(_FileResult):
    """What :func:`read_roster` found in one file.

    ``findings`` holds every finding of the reading, in row order: the errors of the rejected
    rows, warnings on accepted rows (``id.region``) and ``column.unknown`` warnings (row 1).

    Examples:
        >>> r = RosterResult(source="x.csv", students=(), rejected=(), findings=(), rows=0)
        >>> r.accepted, r.errors
        (0, ())
    """

    students: tuple[Student, ...] = field(kw_only=True, repr=lambda s: f"<{len(s)} students>")

    @property
    def accepted(self) -> int:
        """Number of accepted rows."""
        return len(self.students)


@frozen
class RosterColumns(_FileResult):
    """What :func:`read_roster_columns` found: the accepted rows as parallel columns.

    Entry ``i`` of ``row_numbers``, ``names``, ``id_numbers``, ``student_numbers``,
    ``bank_accounts`` and ``profiles`` is one accepted row, in file order; rows whose
    :class:`StudentProfile` is the same object differ only in those personal columns. A
    million rows cost a few lists of references and no :class:`~edupoverty.records.model.Student`
    until one is asked for (:meth:`student`, :meth:`students`). Rejected rows and findings are
    exactly those of :func:`read_roster`.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
        ...     "张三,11010520120307002X,3412001,小学,乡村\\n"
        ...     "李四,110105201203070021,3412001,小学,乡村\\n", encoding="utf-8")
        >>> cols = read_roster_columns(p)
        >>> cols.rows, cols.accepted, cols.row_numbers, cols.names
        (2, 1, (2,), ('张三',))
        >>> cols.student(0) == read_roster(p).students[0]
        True
    """

    row_numbers: tuple[int, ...] = field(kw_only=True, repr=False)
    names: tuple[str, ...] = field(kw_only=True, repr=False)
    id_numbers: tuple[str, ...] = field(kw_only=True, repr=False)
    student_numbers: tuple[str | None, ...] = field(kw_only=True, repr=False)
    bank_accounts: tuple[str | None, ...] = field(kw_only=True, repr=False)
    profiles: tuple[StudentProfile, ...] = field(kw_only=True, repr=False)
    profile_rows: Mapping[StudentProfile, int] = field(kw_only=True, repr=False)
    """Each distinct profile mapped to the index of the first row that has it, in row
    order."""

    @property
    def accepted(self) -> int:
        """Number of accepted rows."""
        return len(self.names)

    def student(self, i: int) -> Student:
        """The :class:`~edupoverty.records.model.Student` of accepted row ``i``.

        Examples:
            >>> import tempfile, pathlib
            >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
            >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
            ...     "张三,11010520120307002X,3412001,小学,乡村\\n", encoding="utf-8")
            >>> s = read_roster_columns(p).student(0)
            >>> s.name, s.row, s.stage.zh
            ('张三', 2, '小学')
        """
        return _student_of(
            self.names[i],
            self.id_numbers[i],
            self.student_numbers[i],
            self.bank_accounts[i],
            self.row_numbers[i],
            self.profiles[i],
        )

    def students(self) -> Iterator[Student]:
        """Every accepted row's :class:`~edupoverty.records.model.Student`, in order.

        Examples:
            >>> import tempfile, pathlib
            >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
            >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
            ...     "张三,11010520120307002X,3412001,小学,乡村\\n"
            ...     "李四,110105201203070011,3412001,小学,乡村\\n", encoding="utf-8")
            >>> [s.name for s in read_roster_columns(p).students()]
            ['张三', '李四']
        """
        return map(
            _student_of,
            self.names,
            self.id_numbers,
            self.student_numbers,
            self.bank_accounts,
            self.row_numbers,
            self.profiles,
        )


def _student_of(
    name: str,
    ident: str,
    number: str | None,
    account: str | None,
    row: int,
    profile: StudentProfile,
) -> Student:
    build = profile._build
    assert build is not None  # every profile of an accepted row has its reader's builder
    return build(name, ident, number or "", account or "", row, profile)


@frozen
class DisbursementResult(_FileResult):
    """What :func:`read_disbursements` found: accepted payments and rejected rows.

    Examples:
        >>> DisbursementResult(source="d.csv", disbursements=(), rejected=(), findings=(),
        ...                    rows=0).accepted
        0
    """

    disbursements: tuple[Disbursement, ...] = field(kw_only=True)

    @property
    def accepted(self) -> int:
        """Number of accepted rows."""
        return len(self.disbursements)


@frozen
class WaiverResult(_FileResult):
    """What :func:`read_waivers` found: accepted pledges and rejected rows.

    Examples:
        >>> WaiverResult(source="w.csv", waivers=(), rejected=(), findings=(), rows=0).accepted
        0
    """

    waivers: tuple[WaiverPledge, ...] = field(kw_only=True)

    @property
    def accepted(self) -> int:
        """Number of accepted rows."""
        return len(self.waivers)


# --- files -------------------------------------------------------------------------------

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"
_XML_PART = (".xml", ".rels", ".vml")
_DTD = re.compile(rb"<!\s*(?i:doctype|entity)")


def _err(path: object, zh: str, en: str, code: str = "roster.file") -> RosterError:
    return RosterError(path, zh, en, code=code)


def iter_table(path: str | os.PathLike[str]) -> tuple[Iterable[list[str]], str | None]:
    """The rows of a CSV or XLSX file as lists of text, and the encoding (CSV) or ``None``.

    Checks everything :func:`read_roster` refuses with :class:`RosterError` before the first
    row is returned (type, encoding, XLSX safety). Cells of an XLSX become text: whole
    numbers without ``.0``, dates as ISO dates, ``TRUE``/``FALSE`` as ``true``/``false``.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = p.write_bytes("姓名,学段\\n张三,小学\\n".encode("gb18030"))
        >>> rows, enc = iter_table(p)
        >>> enc, list(rows)
        ('gb18030', [['姓名', '学段'], ['张三', '小学']])
    """
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(1 << 16)
    except FileNotFoundError:
        raise _err(p, "文件不存在", "file not found", "roster.not_found") from None
    except IsADirectoryError:
        raise _err(p, "这是一个目录，不是文件", "this is a directory, not a file") from None
    except OSError as exc:
        raise _err(p, "无法打开文件", f"cannot open the file ({exc.strerror})") from None
    if not head.strip():
        raise _err(p, "文件为空", "the file is empty", "roster.empty")
    if head.startswith(_ZIP):
        return _xlsx_rows(p), None
    if head.startswith(_OLE):
        raise _err(
            p,
            "旧版 .xls 格式不受支持：请另存为 .xlsx 或 CSV",
            "the old .xls format is not supported: save as .xlsx or CSV",
            "roster.type",
        )
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raise _err(p, "不是有效的 xlsx 文件", "not a valid .xlsx file", "roster.type")
    if suffix not in ("", ".csv", ".txt", ".tsv"):
        raise _err(p, "不是 CSV 或 XLSX 文件", "neither a CSV nor an XLSX file", "roster.type")
    encoding = _detect(p, head)
    return _csv_rows(p, encoding, head), encoding


def _detect(p: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.count(b"\x00") > max(8, len(head) // 100):  # binary; a stray NUL is a bad cell
        raise _err(p, "不是文本文件（CSV）", "not a text (CSV) file", "roster.type")
    for enc in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return enc
    raise _err(
        p,
        "无法识别文件编码（应为 UTF-8 或 GB18030/GBK）",
        "cannot decode the file (expected UTF-8 or GB18030/GBK)",
        "roster.encoding",
    )


_GIANT = "\ue000giant\ue000"


def _bounded_lines(p: Path, encoding: str) -> Iterator[str]:
    """The lines of a text file, a line longer than :data:`MAX_LINE` replaced by a marker
    (so memory stays bounded and the row is reported, not read)."""
    with open(p, encoding=encoding, newline="") as fh:
        readline = fh.readline
        while line := readline(MAX_LINE):
            if len(line) == MAX_LINE and line[-1] != "\n":
                while (more := readline(MAX_LINE)) and len(more) == MAX_LINE and more[-1] != "\n":
                    pass
                yield _GIANT + "\n"
                continue
            yield line


def _delimiter(head: bytes, encoding: str) -> str:
    text = head.decode(encoding, errors="ignore")
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(p: Path, encoding: str, head: bytes) -> Iterable[list[str]]:
    # csv.Error (a cell over the csv module's field size limit) and UnicodeDecodeError come
    # out of the iteration: the row reader turns the first into an error on the row, and
    # _read starts again as GB18030 on the second when UTF-8 was only a guess.
    delimiter = _delimiter(head, encoding)
    if _may_have_long_lines(p):
        return csv.reader(_bounded_lines(p, encoding), delimiter=delimiter)
    if encoding in _LINE_ENCODINGS:
        return LineCsv(p, encoding, delimiter)
    return _CsvFile(p, encoding, delimiter)


def _may_have_long_lines(p: Path) -> bool:
    """False if no line of the file can be longer than :data:`MAX_LINE` characters.

    A line longer than ``2B`` bytes covers a whole aligned block of ``B`` bytes, so if every
    block of ``B = MAX_LINE // 2`` bytes holds a newline, no line reaches ``MAX_LINE`` bytes
    (nor characters). One fast pass over the bytes lets the csv module then read the file
    directly, without a Python-level line filter.
    """
    size = MAX_LINE // 2
    with open(p, "rb") as fh:
        while block := fh.read(size):
            if len(block) == size and b"\n" not in block:
                return True
    return False


class _CsvFile:
    """A CSV file read by the csv module straight from the file (closed by :func:`_decoding`)."""

    def __init__(self, p: Path, encoding: str, delimiter: str) -> None:
        self.fh = open(p, encoding=encoding, newline="")  # noqa: SIM115 - closed by close()
        self.reader = csv.reader(self.fh, delimiter=delimiter)

    def __iter__(self) -> Iterator[list[str]]:
        return self.reader

    def close(self) -> None:
        self.fh.close()


def _undecodable(p: Path) -> RosterError:
    return _err(
        p,
        "文件中有无法解码的字节（应为 UTF-8 或 GB18030/GBK）",
        "the file has bytes that cannot be decoded (expected UTF-8 or GB18030/GBK)",
        "roster.encoding",
    )


def _check_xlsx(p: Path) -> None:
    """Refuse XML entity declarations and zip bombs before any XML parser sees the file."""
    bomb = ("文件疑似压缩炸弹，拒绝读取", "the file looks like a zip bomb: refused")
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _err(p, "xlsx 文件已损坏", "the .xlsx file is damaged", "roster.type") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_XLSX_PARTS:
            raise _err(p, *bomb, "roster.unsafe")
        if "xl/workbook.xml" not in zf.namelist():
            raise _err(
                p, "不是 Excel 工作簿（xlsx）", "not an Excel workbook (.xlsx)", "roster.type"
            )
        total = 0
        for info in infos:
            total += info.file_size
            if total > MAX_XLSX_TOTAL:
                raise _err(p, *bomb, "roster.unsafe")
            if info.file_size > (1 << 20) and info.file_size > MAX_XLSX_RATIO * max(
                info.compress_size, 1
            ):
                raise _err(p, *bomb, "roster.unsafe")
        for info in infos:
            _scan_part(zf, info, p)


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, p: Path) -> None:
    xml = info.filename.lower().endswith(_XML_PART)
    seen = 0
    tail = b""
    try:
        with zf.open(info) as part:
            first = True
            while chunk := part.read(1 << 20):
                seen += len(chunk)
                if seen > info.file_size:
                    raise _err(
                        p,
                        "文件疑似压缩炸弹，拒绝读取",
                        "the file looks like a zip bomb: refused",
                        "roster.unsafe",
                    )
                if xml:
                    if first and (chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:64]):
                        raise _err(
                            p,
                            "xlsx 内部 XML 编码不受支持",
                            "unsupported XML encoding inside the .xlsx",
                            "roster.unsafe",
                        )
                    if _DTD.search(tail + chunk):
                        raise _err(
                            p,
                            "xlsx 含有 XML 实体声明（DOCTYPE/ENTITY），拒绝读取",
                            "the .xlsx declares XML entities (DOCTYPE/ENTITY): refused",
                            "roster.unsafe",
                        )
                    tail = chunk[-32:]
                first = False
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        if isinstance(exc, RosterError):
            raise
        raise _err(p, "xlsx 文件已损坏", "the .xlsx file is damaged", "roster.type") from None


def _cell_text(value: Any) -> str:
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


def _xlsx_rows(p: Path) -> Iterator[list[str]]:
    _check_xlsx(p)
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        raise _err(
            p,
            "读取 Excel 需要安装 xlsx 扩展：pip install 'edupoverty[xlsx]'",
            "reading Excel needs the xlsx extra: pip install 'edupoverty[xlsx]'",
            "xlsx.missing",
        ) from None
    return _calamine_rows(p, CalamineWorkbook)


def _calamine_rows(p: Path, workbook: Any) -> Iterator[list[str]]:
    try:
        wb = workbook.from_path(str(p))
        sheet = wb.get_sheet_by_index(0)
        rows = iter(sheet.iter_rows())
    except Exception:  # calamine raises its own error types for broken workbooks
        raise _err(
            p, "无法读取 xlsx 工作表", "cannot read the .xlsx worksheet", "roster.type"
        ) from None
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception:  # a broken sheet found while reading: one clear error, no traceback
            raise _err(
                p, "xlsx 工作表已损坏", "the .xlsx worksheet is damaged", "roster.type"
            ) from None
        yield [_cell_text(v) for v in values]


# --- headers -----------------------------------------------------------------------------


def _header_key(text: str) -> str:
    t = sp.normalise(text).lower().rstrip("*").strip()
    t = re.sub(r"\([^()]*\)$", "", t).strip()  # 学费(元), 姓名(必填)
    return re.sub(r"[\s\-]+", "_", t) if t.isascii() else re.sub(r"\s+", "", t)


def _lookup(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, zh in columns.items():
        out[name] = name
        for h in zh:
            out[_header_key(h)] = name
    return out


_ROSTER_LOOKUP = _lookup(COLUMNS)
_DISB_LOOKUP = _lookup(DISBURSEMENT_COLUMNS)
_WAIVER_LOOKUP = _lookup(WAIVER_COLUMNS)


class _Header:
    def __init__(
        self,
        cells: Sequence[str],
        lookup: dict[str, str],
        required: Sequence[str],
        path: str,
    ) -> None:
        self.index: dict[str, int] = {}
        self.unknown: list[str] = []
        dupes: dict[str, list[str]] = {}
        for i, cell in enumerate(cells):
            key = _header_key(cell)
            name = lookup.get(key)
            if name is None:
                if key:
                    self.unknown.append(sp.normalise(cell)[:40])
                continue
            if name in self.index:
                dupes.setdefault(name, [cells[self.index[name]].strip()]).append(cell.strip())
                continue
            self.index[name] = i
        self.width = len(cells)
        if dupes:
            names = "; ".join(f"{k} ({' / '.join(v)})" for k, v in dupes.items())
            raise _err(path, f"表头重复：{names}", f"duplicate headers: {names}", "roster.header")
        missing = [c for c in required if c not in self.index]
        if missing:
            names = ", ".join(missing)
            raise _err(
                path,
                f"缺少必需的列：{names}",
                f"missing required columns: {names}",
                "roster.header",
            )


def _find_header(
    rows: Iterable[list[str]], lookup: dict[str, str], path: str
) -> tuple[list[str], int]:
    """The header row (the first of the first ten non-blank rows naming two known columns,
    else the first non-blank row) and its spreadsheet row number."""
    seen: list[tuple[list[str], int]] = []
    n = 0
    for row in rows:
        n += 1
        if not any(c.strip() for c in row):
            continue
        if row == [_GIANT]:
            raise _err(path, "表头行过长", "the header line is too long", "roster.header")
        if sum(_header_key(c) in lookup for c in row) >= 2:
            return row, n
        seen.append((row, n))
        if len(seen) >= 10:
            break
    if not seen:
        raise _err(path, "文件没有内容", "the file has no rows", "roster.empty")
    return seen[0]


# --- parsing values ----------------------------------------------------------------------

_EMPTY = object()
_MISS = object()


def _text(raw: str) -> str:
    text = sp.normalise(raw)
    if len(text) > MAX_TEXT:
        raise sp.Unreadable("内容过长", "text too long")
    if not text.isprintable():
        raise sp.Unreadable("含有控制字符", "control characters in the text")
    return text


_PARSERS: dict[str, Callable[[str], Any]] = {
    "school_code": _text,
    "school_name": _text,
    "stage": sp.parse_stage,
    "special_education": sp.parse_bool,
    "boarding": sp.parse_bool,
    "school_location": sp.parse_location,
    "school_ownership": sp.parse_ownership,
    "inclusive_kindergarten": sp.parse_bool,
    "residence": sp.parse_residence,
    "hukou_province": sp.parse_province,
    "full_time": sp.parse_bool,
    "official_enrolment": sp.parse_bool,
    "agri_major": sp.parse_bool,
    "performing_arts_major": sp.parse_bool,
    "contiguous_poverty_area": sp.parse_bool,
    "registered_poor": sp.parse_bool,
    "financial_difficulty": sp.parse_bool,
    "difficulty_level": sp.parse_difficulty,
    "grant_tier": sp.parse_tier,
    "subsistence_allowance": sp.parse_bool,
    "extreme_poverty_support": sp.parse_bool,
    "orphan": sp.parse_bool,
    "disabled": sp.parse_bool,
    "left_behind": sp.parse_bool,
    "hardship_child": sp.parse_bool,
    "outstanding": sp.parse_bool,
    "enrolled_from": sp.parse_date,
    "enrolled_until": sp.parse_date,
    "tuition_fee": sp.parse_money,
    "accommodation_fee": sp.parse_money,
    "independent_college": sp.parse_bool,
    "studying_abroad": sp.parse_bool,
}


def _parse_cell(parser: Callable[[str], Any], raw: str) -> Any:
    text = sp.normalise(raw)
    if not text:
        return _EMPTY
    try:
        return parser(text)
    except sp.Unreadable as exc:
        return exc


# Student slots filled per row; every other slot comes from the row's profile.
_ROW_FIELDS = ("name", "id_number", "student_number", "bank_account", "row")
_STUDENT_FIELDS = attrs.fields(Student)
_PROFILE_FIELDS = tuple(f.name for f in _STUDENT_FIELDS if f.name not in _ROW_FIELDS)
_DEFAULTS = {f.name: f.default for f in _STUDENT_FIELDS if f.default is not attrs.NOTHING}
_SLOT = {f.name: Student.__dict__[f.name].__set__ for f in _STUDENT_FIELDS}
_new = object.__new__


def _build_student(
    setters: tuple[Callable[[Any, Any], None], ...],
    values: Iterable[Any],
    name: str,
    ident: str,
    number: str | None,
    account: str | None,
    row: int,
) -> Student:
    # The values were parsed and checked by this module (the same checks as Student's
    # converters and validators: the ID number by idcard.problem, the one check behind
    # idcard.validate that Student's id_number converter runs, then compacted and
    # upper-cased as that converter stores it), so the slots are filled directly and no
    # number is checked twice: about twice as fast as Student.__init__, which matters at a
    # million rows. tests/records/test_roster.py checks that the result equals
    # Student(**fields).
    obj: Student = _new(Student)
    deque(map(call, setters, repeat(obj), values), 0)
    _SLOT["name"](obj, name)
    _SLOT["id_number"](obj, ident)
    _SLOT["student_number"](obj, number)
    _SLOT["bank_account"](obj, account)
    _SLOT["row"](obj, row)
    return obj


# Building a million Students one slot at a time (a descriptor call per field) is the single
# largest cost of reading a roster. Student is frozen: its __setattr__ refuses every
# assignment. _Unfrozen is a subclass adding no slot and restoring object's own __setattr__
# and __delattr__, so a generated function can fill its slots with plain attribute stores
# (specialised by the interpreter); the object's class is then set to Student, which Python
# allows between types of identical layout. The result is an ordinary Student: same type,
# equal, hashable and frozen (tests/records/test_roster.py checks all four).
_Unfrozen: type = type(
    "_Unfrozen",
    (Student,),
    {
        "__slots__": (),
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
        "__module__": __name__,
    },
)


def _class_swap_works() -> bool:
    try:
        obj: object = _new(_Unfrozen)
        object.__setattr__(obj, "__class__", Student)
    except TypeError:  # pragma: no cover - an interpreter without __class__ assignment
        return False
    return type(obj) is Student


_SWAP = _class_swap_works()


@functools.lru_cache(maxsize=64)  # one per combination of columns present
def _builder(groups: tuple[tuple[str, ...], ...]) -> Callable[..., Student]:
    """A function ``build(name, ident, number, account, row, profile)`` returning the
    Student of an accepted row: ``number`` is stripped (empty: None), an empty ``account`` is
    None, ``profile`` is the row's :class:`StudentProfile` (the values of its parts, in the
    order of ``groups``), and every Student field in no group takes its default.

    Like :func:`_build_student` it never calls ``Student.__init__``: ``ident`` is the compact,
    upper-cased number the reader already checked, so Student's own check of ``id_number``
    is not run a second time."""
    present = {f for g in groups for f in g}
    absent = [f for f in _PROFILE_FIELDS if f not in present]
    ns: dict[str, Any] = {"new": _new, "Unfrozen": _Unfrozen, "Student": Student}
    ns["setclass"] = object.__setattr__
    lines = ["def build(name, ident, number, account, row, profile):"]
    if _SWAP:
        lines.append("    o = new(Unfrozen)")
        store = "    o.{0} = {1}"
    else:  # pragma: no cover - the descriptor calls of _build_student
        lines.append("    o = new(Student)")
        ns.update({f"set_{f}": _SLOT[f] for f in _SLOT})
        store = "    set_{0}(o, {1})"
    lines += [
        store.format("name", "name"),
        store.format("id_number", "ident"),
        store.format("student_number", "number.strip() or None"),
        store.format("bank_account", "account or None"),
        store.format("row", "row"),
        "    parts = profile.parts",
    ]
    for i, g in enumerate(groups):
        if g and _SWAP:  # one unpacking of a part's values into the slots
            lines.append(f"    ({''.join(f'o.{f}, ' for f in g)}) = parts[{i}].values")
        elif g:  # pragma: no cover
            lines.append(f"    v = parts[{i}].values")
            lines += [store.format(f, f"v[{k}]") for k, f in enumerate(g)]
    for f in absent:
        ns[f"d_{f}"] = _DEFAULTS.get(f)
        lines.append(store.format(f, f"d_{f}"))
    if _SWAP:
        lines.append('    setclass(o, "__class__", Student)')
    lines.append("    return o")
    exec("\n".join(lines), ns)  # generated from Student's own field names only
    build: Callable[..., Student] = ns["build"]
    return build


class StudentProfile:
    """What a roster row says about a student apart from who the student is: every
    :class:`~edupoverty.records.model.Student` field except ``name``, ``id_number``,
    ``student_number``, ``bank_account`` and ``row``.

    One reading of a file hands out one profile object per distinct combination of cells,
    shared by every row with those cells: rows of :class:`RosterColumns` whose profiles are
    the *same object* (``is``) get equal entitlements. Profiles compare by identity.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
        ...     "张三,11010520120307002X,3412001,小学,乡村\\n"
        ...     "李四,110105201203070011,3412001,小学,乡村\\n", encoding="utf-8")
        >>> cols = read_roster_columns(p)
        >>> cols.profiles[0] is cols.profiles[1], cols.profiles[0].school_code
        (True, '3412001')
        >>> cols.profiles[0].fields()["stage"].zh
        '小学'
    """

    __slots__ = ("_build", "born_hi", "born_lo", "names", "ok", "parts", "school_code", "stage")

    def __init__(
        self,
        names: tuple[str, ...],
        parts: tuple[_Profile, ...],
        build: Callable[..., Student] | None = None,
    ) -> None:
        # kept cheap: a large roster makes one per distinct combination of cells
        self._build = build  # the reader's Student builder (see _builder)
        self.names = names  # the fields of the parts' values, in order
        self.parts = parts  # one _Profile per group of columns (_GROUPS)
        first, family, dates = parts
        self.ok = first.ok and family.ok and dates.ok
        self.stage = first.stage
        self.born_lo = first.born_lo  # birth dates (YYYYMMDD) plausible for the stage
        self.born_hi = first.born_hi
        # the school code (学校代码) of the rows: a required column, read in the first part
        at = _school_at(names)
        self.school_code: str | None = first.values[at] if 0 <= at < len(first.values) else None

    def fields(self) -> dict[str, Any]:
        """Every profile field, as the Student of such a row holds it.

        Examples:
            >>> import tempfile, pathlib
            >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
            >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
            ...     "张三,11010520120307002X,3412001,初中,镇区\\n", encoding="utf-8")
            >>> f = read_roster_columns(p).profiles[0].fields()
            >>> f["school_code"], f["boarding"], len(f) == len(_PROFILE_FIELDS)
            ('3412001', False, True)
        """
        out = {f: _DEFAULTS.get(f) for f in _PROFILE_FIELDS}
        values = chain.from_iterable(p.values for p in self.parts)
        out.update(zip(self.names, values, strict=True))
        return out

    def __repr__(self) -> str:
        return f"<StudentProfile school_code={self.school_code!r} stage={self.stage!r}>"


@functools.lru_cache(maxsize=64)
def _school_at(names: tuple[str, ...]) -> int:
    """Where the school code stands in profiles laid out as ``names`` (-1: absent)."""
    return names.index("school_code") if "school_code" in names else -1


def _missing(values: list[Any]) -> Iterator[int]:
    """The indexes of the Nones of ``values``, found by C-level maps."""
    return compress(count(), map(is_, values, repeat(None)))


def profile_values(
    profiles: Iterable[StudentProfile], fields: Sequence[str]
) -> dict[StudentProfile, tuple[Any, ...]]:
    """The values of ``fields`` (Student field names) of each distinct profile, in the
    order of ``fields``, as the Students of its rows hold them.

    Worked out once per group of columns rather than once per profile, by C-level maps: a
    million rows' profiles are grouped by what a policy reads for the cost of a few
    dictionary look-ups each.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> _ = p.write_text("姓名,身份证号,学校代码,学段,学校所在地\\n"
        ...     "张三,11010520120307002X,3412001,小学,乡村\\n"
        ...     "李四,110105201203070011,3412002,小学,乡村\\n", encoding="utf-8")
        >>> a, b = read_roster_columns(p).profiles
        >>> values = profile_values([a, b], ["school_code", "boarding", "stage"])
        >>> values[a][:2], values[b][:2], values[a][2].zh
        (('3412001', False), ('3412002', False), '小学')
    """
    wanted = tuple(fields)
    unknown = [f for f in wanted if f not in _PROFILE_FIELDS]
    if unknown:
        raise ValueError(f"not profile fields: {', '.join(unknown)}")
    by_layout: dict[tuple[str, ...], list[StudentProfile]] = {}
    for profile in dict.fromkeys(profiles):
        by_layout.setdefault(profile.names, []).append(profile)
    out: dict[StudentProfile, tuple[Any, ...]] = {}
    for names, group in by_layout.items():
        out.update(zip(group, _values(group, names, wanted), strict=True))
    return out


def _values(
    group: list[StudentProfile], names: tuple[str, ...], wanted: tuple[str, ...]
) -> Iterable[tuple[Any, ...]]:
    """The values of ``wanted`` of profiles laid out as ``names`` (see profile_values)."""
    subs: list[Iterable[tuple[Any, ...]]] = []
    taken: list[str] = []  # the fields of the concatenated parts' values, in order
    start = 0
    for j, width in enumerate(_part_widths(group[0])):
        part_names = names[start : start + width]
        start += width
        at = [part_names.index(f) for f in wanted if f in part_names]
        taken += [part_names[i] for i in at]
        parts = list(map(itemgetter(j), map(_PARTS, group)))
        if not at:
            subs.append(repeat((), len(group)))
            continue
        cache: dict[_Profile, tuple[Any, ...]] = {}
        got: list[Any] = list(map(cache.get, parts))
        if None in got:
            get = itemgetter(*at) if len(at) > 1 else None
            for i, g in enumerate(got):
                if g is None:
                    part = parts[i]
                    g = cache.get(part)
                    if g is None:
                        v = part.values
                        g = cache[part] = get(v) if get is not None else (v[at[0]],)
                    got[i] = g
        subs.append(got)
    s0, s1, s2 = subs
    joined = map(add, map(add, s0, s1), s2)
    if tuple(taken) == wanted:
        return joined
    # reorder into ``wanted``, a field in no part taking its default
    defaults = tuple(_DEFAULTS.get(f) for f in wanted)
    order = [taken.index(f) if f in taken else len(taken) + k for k, f in enumerate(wanted)]
    pick = itemgetter(*order) if len(order) > 1 else None
    padded = map(add, joined, repeat(defaults))
    return map(pick, padded) if pick is not None else ((t[order[0]],) for t in padded)


def _part_widths(profile: StudentProfile) -> list[int]:
    return [len(p.values) for p in profile.parts]


_PARTS = attrgetter("parts")


@frozen(eq=False)  # identity: `None in profiles` must not call a Python __eq__
class _Profile:
    values: tuple[Any, ...]
    problems: tuple[tuple[str, str, str, str], ...]  # code, field, detail zh, detail en
    stage: Stage | None = None
    ok: bool = True  # no problems: read by a C-level attrgetter over a chunk
    born_lo: str = ""  # birth dates (YYYYMMDD) plausible for the stage in the school year
    born_hi: str = "\uffff"


def _age_ranges() -> dict[Stage, tuple[int, int]]:
    import tomllib
    from importlib.resources import files

    data = tomllib.loads(
        files("edupoverty.records").joinpath("data/age_stage.toml").read_text("utf-8")
    )
    by_value = {s.value: s for s in Stage}
    return {by_value[k]: (int(v["min"]), int(v["max"])) for k, v in data.items()}


AGE_RANGES: dict[Stage, tuple[int, int]] = _age_ranges()
"""Plausible age at 1 September for each stage, from ``records/data/age_stage.toml``
(``row.age_stage``; Compulsory Education Law art. 11: school entry at 6)."""

# Profile columns fall in three groups memoised apart: the combinations within a group are
# few (a school, its stage and grade …; a family's statuses; enrolment dates), while the
# combinations across groups would be nearly as many as the rows.
_GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "school_code",
        "school_name",
        "stage",
        "grade",
        "school_location",
        "school_ownership",
        "inclusive_kindergarten",
        "special_education",
        "boarding",
        "full_time",
        "official_enrolment",
        "agri_major",
        "performing_arts_major",
        "independent_college",
        "studying_abroad",
        "tuition_fee",
        "accommodation_fee",
    ),
    (
        "residence",
        "hukou_province",
        "contiguous_poverty_area",
        "registered_poor",
        "financial_difficulty",
        "difficulty_level",
        "grant_tier",
        "subsistence_allowance",
        "extreme_poverty_support",
        "orphan",
        "disabled",
        "left_behind",
        "hardship_child",
        "outstanding",
    ),
    ("enrolled_from", "enrolled_until"),
)
if sorted(sum(_GROUPS, ())) != sorted(_PROFILE_FIELDS):  # pragma: no cover - a coding error
    raise RuntimeError("every Student field must be read from exactly one group")

_EMPTY_PROFILE = _Profile(values=(), problems=())
_WRONG_WIDTH = StudentProfile((), (_EMPTY_PROFILE,) * 3)  # more or fewer cells than the header
_WRONG_WIDTH.ok = False
_SEP = "\x1f"  # the ASCII unit separator: a key of a row with one inside a cell is not cached


class _Group:
    """One group of profile columns present in the file, memoised by its raw cells."""

    def __init__(
        self,
        fields: Sequence[str],
        index: dict[str, int],
        born: dict[Stage | None, tuple[str, str]],
    ) -> None:
        self.born = born
        self.fields = [f for f in fields if f in index]
        self.caches: dict[str, dict[str, Any]] = {f: {} for f in self.fields}
        self.grade_cache: dict[tuple[str, Stage | None], Any] = {}
        self.profiles: dict[Any, _Profile] = {}
        self.chars = 0  # characters of the keys of ``profiles``
        self.indexes = [index[f] for f in self.fields]
        self.getter: Callable[[list[str]], Any] | None = None
        if len(self.fields) > 1:
            # one joined string hashes and compares faster than a tuple of cells
            get = itemgetter(*(index[f] for f in self.fields))
            join = _SEP.join
            self.getter = get
            self.keyget: Callable[[list[str]], Any] = lambda row: join(get(row))
        elif self.fields:
            self.keyget = itemgetter(index[self.fields[0]])
        else:
            self.keyget = _no_key
            self.profiles[None] = _EMPTY_PROFILE

    def key_of_cells(self, lead: int) -> Callable[[list[str]], Any]:
        """The memo key of a row from its cells after the first ``lead`` (see _Layout)."""
        if not self.fields:
            return _no_key
        get = itemgetter(*(i - lead for i in self.indexes))
        if len(self.fields) == 1:
            return get
        join = _SEP.join
        return lambda cells: join(get(cells))

    def keys(self, chunk: list[list[str]]) -> Iterator[Any]:
        """The memo keys of a chunk of rows, built by C-level maps."""
        if self.getter is not None:
            return map(_SEP.join, map(self.getter, chunk))
        return map(self.keyget, chunk)

    def cell(self, fname: str, raw: str) -> tuple[Any, tuple[str, str, str, str] | None]:
        """A cell's value (the default if empty or unreadable) and its problem, memoised."""
        cache = self.caches[fname]
        out = cache.get(raw)
        if out is None:
            v = _parse_cell(_PARSERS[fname], raw)
            if v is _EMPTY:
                missing = ("field.missing", fname, "", "") if fname in REQUIRED else None
                out = (_DEFAULTS.get(fname), missing)
            elif isinstance(v, sp.Unreadable):
                out = (_DEFAULTS.get(fname), ("field.invalid", fname, f"（{v.zh}）", f" ({v.en})"))
            else:
                out = (v, None)
            if len(cache) < _CACHE_MAX:
                cache[raw] = out
        return out

    def profile(self, key: Any, row: list[str]) -> _Profile:
        known = self.profiles.get(key)  # a new key met twice in one chunk
        if known is not None:
            return known
        raws = [row[i] for i in self.indexes]
        values: list[Any] = []
        problems: list[tuple[str, str, str, str]] = []
        grade_at = -1
        stage: Stage | None = None
        cell = self.cell
        for fname, raw in zip(self.fields, raws, strict=True):
            if fname == "grade":
                grade_at = len(values)
                values.append(None)
                continue
            v, prob = cell(fname, raw)
            values.append(v)
            if prob is not None:
                problems.append(prob)
            elif fname == "stage":
                stage = v
        if grade_at >= 0:
            grade = self.grade(raws[grade_at], stage)
            if grade is _EMPTY:
                if stage is Stage.VOCATIONAL:
                    problems.append(("field.missing", "grade", "", ""))
            elif isinstance(grade, sp.Unreadable):
                problems.append(("field.invalid", "grade", f"（{grade.zh}）", f" ({grade.en})"))
            else:
                values[grade_at] = grade
        elif stage is Stage.VOCATIONAL:
            problems.append(("field.missing", "grade", "", ""))
        prof = _Profile(
            values=tuple(values),
            problems=tuple(problems),
            stage=stage,
            ok=not problems,
            born_lo=self.born[stage][0],
            born_hi=self.born[stage][1],
        )
        self.chars += len(key) if isinstance(key, str) else 0
        if len(self.profiles) >= _PROFILE_MAX or self.chars > _MEMO_CHARS:
            self.profiles.clear()
            self.chars = 0
        if len(raws) < 2 or key.count(_SEP) == len(raws) - 1:  # no separator inside a cell
            self.profiles[key] = prof
        return prof

    def grade(self, raw: str, stage: Stage | None) -> Any:
        key = (raw, stage)
        v = self.grade_cache.get(key, _MISS)
        if v is _MISS:
            text = sp.normalise(raw)
            if not text:
                v = _EMPTY
            else:
                try:
                    v = sp.parse_grade(text, stage)
                except sp.Unreadable as exc:
                    v = exc
            if len(self.grade_cache) < _CACHE_MAX:
                self.grade_cache[key] = v
        return v


def _no_key(_row: list[str]) -> None:
    return None


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file's records are built.

    Reading a million rows creates a million container objects and nothing cyclic; the
    collector would traverse the growing list again and again (a third of the time). It is
    re-enabled afterwards, if it was enabled before.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _RosterReader:
    """The streaming, memoising row reader behind :func:`read_roster` and the validators.

    Rows are taken in chunks. Over a chunk, every check of the happy path runs as a C-level
    ``map`` over whole columns (ID length, digits, check character, birth date, profiles,
    names, accounts, duplicates, ages); only the few suspect rows go through the row-by-row
    path (:meth:`one`), which finds every problem of a row. Both paths apply the same rules:
    ``tests/records/test_roster.py`` checks that chunked and row-by-row reading agree.

    When the file comes as blocks of lines (:class:`~edupoverty.records._lines.LineCsv`) and
    the per-student columns (name, ID number, student number, bank account, unknown columns)
    all stand before or after the profile columns, a line is cut only at its ends: the text
    between is the key of the row's :class:`StudentProfile`, looked up whole (:meth:`block`).
    """

    def __init__(
        self,
        header: _Header,
        source: str,
        today: date,
        *,
        keep: bool = True,
        columns: bool = False,
        seen: _Seen | None = None,
        source_no: int = 0,
        school_year: int | None = None,
    ) -> None:
        self.source = source
        self.today = today
        idx = header.index
        self.width = header.width
        self.i_name = idx["name"]
        self.i_id = idx["id_number"]
        self.i_sn = idx.get("student_number")
        self.i_acct = idx.get("bank_account")
        # birth dates (YYYYMMDD, compared as text) plausible for each stage this school year
        self.born: dict[Stage | None, tuple[str, str]] = {None: ("", "\uffff")}
        for stage, (lo, hi) in AGE_RANGES.items():
            if school_year is None:
                self.born[stage] = ("", "\uffff")
            else:  # age at 1 Sept = year - birth year - (born after 1 Sept)
                self.born[stage] = (
                    f"{school_year - hi - 1:04d}0902",
                    f"{school_year - lo:04d}0901",
                )
        self.groups = tuple(_Group(g, idx, self.born) for g in _GROUPS)
        self.present = tuple(f for g in self.groups for f in g.fields)
        self.build = _builder(tuple(tuple(g.fields) for g in self.groups))
        self.combos: dict[tuple[_Profile, ...], StudentProfile] = {}
        self.header = header
        self.layout: _Layout | None = None  # set when the file comes in blocks of lines
        self.cell_keys: list[tuple[_Group, Callable[[list[str]], Any]]] = []
        self.middles: dict[str, StudentProfile] = {}
        self.quoted_middles: dict[str, StudentProfile] = {}  # quoted rows, cells joined
        self.middle_chars = self.quoted_chars = 0  # characters of the two memos' keys
        self.names: dict[str, str] = {}
        self.births: dict[str, bool] = {}
        self.keep = keep or columns
        self.columns = columns
        self.seen = seen
        self.source_no = source_no
        self.year = school_year
        self.students: list[Student] = []
        # columns (read_roster_columns): accepted rows as parallel lists
        self.c_rows: list[int] = []
        self.c_names: list[str] = []
        self.c_ids: list[str] = []
        self.c_numbers: list[str | None] = []
        self.c_accounts: list[str | None] = []
        self.c_profiles: list[StudentProfile] = []
        self.c_row_of: dict[StudentProfile, int] = {}  # a row (index) of each profile
        self.rejected: list[RejectedRow] = []
        self.findings: list[Finding] = []
        self.count = self.accepted = self.blanks = 0

    def name(self, raw: str) -> str | None:
        """The clean name, or None if empty or unreadable (the slow path says which)."""
        text = sp.normalise(raw)
        if not text or len(text) > MAX_TEXT or not text.isprintable():
            return None
        if len(self.names) < _CACHE_MAX * 10:
            self.names[raw] = text
        return text

    def birth_ok(self, ymd: str) -> bool:
        born = _birth(ymd)
        ok = born is not None and born <= self.today
        if len(self.births) < _CACHE_MAX:
            self.births[ymd] = ok
        return ok

    def giant(self, rownum: int) -> None:
        """Reject a row whose line or cell was too long to read."""
        self.count += 1
        f = finding(
            "field.invalid",
            row=rownum,
            field="(line)",
            source=self.source,
            detail_zh="（该行或单元格过长）",
            detail_en=" (the line or a cell is too long)",
        )
        self.rejected.append(RejectedRow(rownum, (f,), self.source))
        self.findings.append(f)

    def parts(self, row: list[str]) -> tuple[_Profile, ...]:
        """The row's profile of each group of columns."""
        out = []
        for g in self.groups:
            key = g.keyget(row)
            prof = g.profiles.get(key)
            out.append(prof if prof is not None else g.profile(key, row))
        return tuple(out)

    def combine(self, parts: tuple[_Profile, ...]) -> StudentProfile:
        """The one StudentProfile of these group profiles."""
        combo = self.combos.get(parts)
        if combo is None:
            combo = StudentProfile(self.present, parts, self.build)
            if len(self.combos) >= _PROFILE_MAX:
                self.combos.clear()
            self.combos[parts] = combo
        return combo

    def middle(self, text: str) -> StudentProfile:
        """The profile of the cells between a line's per-student columns (:meth:`block`)."""
        known = self.middles.get(text)  # met since the look-up that missed it
        if known is not None:
            return known
        layout = self.layout
        assert layout is not None
        cells = text.split(layout.delimiter) if layout.inner > 1 else [text]
        combo = _WRONG_WIDTH
        if len(cells) == layout.inner:
            parts = []
            for g, key_of in self.cell_keys:  # the group's key, read off the cells
                key = key_of(cells)
                prof = g.profiles.get(key)
                if prof is None:
                    prof = g.profile(key, layout.pad_lead + cells + layout.pad_trail)
                parts.append(prof)
            combo = self.combine(tuple(parts))
        self.middle_chars += len(text)
        if len(self.middles) >= _PROFILE_MAX or self.middle_chars > _MEMO_CHARS:
            self.middles.clear()
            self.middle_chars = len(text)
        self.middles[text] = combo
        return combo

    def quoted(self, row: list[str]) -> StudentProfile:
        """The profile of a row the csv module parsed (a line with quotes, :meth:`block`)."""
        layout = self.layout
        assert layout is not None
        if len(row) != self.width:
            return _WRONG_WIDTH
        cells = row[layout.lead : self.width - layout.trail]
        key = _SEP.join(cells)
        combo = self.quoted_middles.get(key)  # apart from lines' middles: no clash possible
        if combo is None:
            combo = self.combine(self.parts(row))
            if key.count(_SEP) == len(cells) - 1:  # no separator inside a cell: unambiguous
                self.quoted_chars += len(key)
                if len(self.quoted_middles) >= _PROFILE_MAX or self.quoted_chars > _MEMO_CHARS:
                    self.quoted_middles.clear()
                    self.quoted_chars = len(key)
                self.quoted_middles[key] = combo
        return combo

    def run(self, rows: Iterable[list[str]], first_row: int) -> int:
        """Read every data row (the first is spreadsheet row ``first_row + 1``); return the
        number of rows read."""
        if not isinstance(rows, LineCsv):
            return self.rows(rows, first_row)
        rownum = first_row
        self.layout = layout = _Layout.of(self.header, rows.delimiter)
        if layout is not None:
            self.cell_keys = [(g, g.key_of_cells(layout.lead)) for g in self.groups]
        for piece in rows.pieces():
            if isinstance(piece, Block):
                self.block(piece, rownum + 1, rows.delimiter)
                rownum += len(piece.lines)
            else:
                rownum = self.rows(piece, rownum)
        return rownum

    def rows(self, rows: Iterable[list[str]], first_row: int) -> int:
        """Read rows given one by one, in chunks (see :meth:`run`)."""
        it = iter(rows)
        rownum = first_row
        while True:
            chunk: list[list[str]] = []
            failed = False
            try:  # list.extend keeps the rows taken before an error
                chunk.extend(islice(it, _CHUNK))
            except csv.Error:  # a cell over the csv module's field size limit
                failed = True
            if chunk:
                self.chunk(chunk, rownum + 1)
                rownum += len(chunk)
            if failed:
                rownum += 1
                self.giant(rownum)
            elif len(chunk) < _CHUNK:
                return rownum

    def chunk(self, chunk: list[list[str]], r0: int) -> None:
        """Check a chunk of rows; ``r0`` is the spreadsheet row of ``chunk[0]``."""
        width = self.width
        if not all(map(width.__eq__, map(len, chunk))):
            for i, row in enumerate(chunk):
                self.one(row, r0 + i)
            return
        parts: list[Any] = [list(map(g.profiles.get, g.keys(chunk))) for g in self.groups]
        for g, ps in zip(self.groups, parts, strict=True):
            if None in ps:
                for i, p in enumerate(ps):
                    if p is None:
                        ps[i] = g.profile(g.keyget(chunk[i]), chunk[i])
        keys = list(zip(*parts, strict=True))
        combos: list[Any] = list(map(self.combos.get, keys))
        if None in combos:
            for i in _missing(combos):
                combos[i] = self.combine(keys[i])
        self.settle(
            chunk.__getitem__,
            r0,
            list(map(itemgetter(self.i_id), chunk)),
            list(map(itemgetter(self.i_name), chunk)),
            None if self.i_sn is None else list(map(itemgetter(self.i_sn), chunk)),
            None if self.i_acct is None else list(map(itemgetter(self.i_acct), chunk)),
            combos,
        )

    def block(self, block: Block, r0: int, delimiter: str, *, by_rows: bool = False) -> None:
        """Check a block of lines; ``r0`` is the spreadsheet row of its first line."""
        layout = self.layout
        lines = block.lines
        if layout is None or by_rows:
            rows = list(block.rows(delimiter))
            for i in range(0, len(rows), _CHUNK):
                self.chunk(rows[i : i + _CHUNK], r0 + i)
            return
        quoted = block.quoted
        src = lines
        if quoted:  # stand-ins, replaced by the parsed rows below
            src = lines.copy()
            for i in quoted:
                src[i] = layout.blank
        lead, trail = layout.lead, layout.trail
        heads: list[list[str]] | None = None
        tails: list[list[str]] | None = None
        rests: Iterable[str] = src
        if lead:
            split = list(map(str.split, src, repeat(delimiter), repeat(lead)))
            if not all(map(layout.lead_parts.__eq__, map(len, split))):  # short or blank
                self.block(block, r0, delimiter, by_rows=True)
                return
            heads, rests = split, map(itemgetter(lead), split)
        if trail:
            rsplit = list(map(str.rsplit, rests, repeat(delimiter), repeat(trail)))
            if not all(map(layout.trail_parts.__eq__, map(len, rsplit))):
                self.block(block, r0, delimiter, by_rows=True)
                return
            tails, middles = rsplit, list(map(_FIRST, rsplit))
        else:
            middles = list(rests)
        combos: list[Any] = list(map(self.middles.get, middles))
        if None in combos:
            middle = self.middle
            for i in _missing(combos):
                combos[i] = middle(middles[i])

        def column(index: int | None) -> list[str] | None:
            if index is None:
                return None
            where, at = layout.place[index]
            source: list[list[str]] | None = heads if where == "lead" else tails
            assert source is not None
            return list(map(itemgetter(at), source))

        ids, names, numbers, accounts = (
            column(i) for i in (self.i_id, self.i_name, self.i_sn, self.i_acct)
        )
        assert ids is not None and names is not None
        for i, row in quoted.items():
            combos[i] = self.quoted(row)
            if combos[i] is _WRONG_WIDTH:
                continue
            ids[i] = row[self.i_id]
            names[i] = row[self.i_name]
            if numbers is not None:
                numbers[i] = row[self.i_sn]  # type: ignore[index]
            if accounts is not None:
                accounts[i] = row[self.i_acct]  # type: ignore[index]

        def row_at(i: int) -> list[str]:
            row = quoted.get(i)
            if row is not None:
                return row
            line = lines[i]
            return line.split(delimiter) if line else []

        self.settle(row_at, r0, ids, names, numbers, accounts, combos)

    def settle(
        self,
        row_at: Callable[[int], list[str]],
        r0: int,
        ids: list[str],
        raw_names: list[str],
        numbers: list[str] | None,
        accounts: list[str] | None,
        combos: list[StudentProfile],
    ) -> None:
        """Check the columns of ``len(ids)`` rows from spreadsheet row ``r0``; accept the
        good rows and take the suspect ones (``row_at(i)``) one by one."""
        n = len(ids)
        suspect: set[int] = set()
        # ID numbers: length, then 17 ASCII digits, then the check character, then the birth
        # date; a failing row is set aside and replaced by a valid dummy for the next checks.
        if not all(map(_EIGHTEEN.__eq__, map(len, ids))):
            _mark(list(map(_EIGHTEEN.__eq__, map(len, ids))), suspect)
        heads: list[str] = list(map(_HEAD, ids))
        if suspect:
            ids = ids.copy()
            for i in suspect:
                ids[i] = _DUMMY
                heads[i] = _DUMMY[:17]
        if not (all(map(str.isdigit, heads)) and all(map(str.isascii, heads))):
            _mark(list(map(and_, map(str.isdigit, heads), map(str.isascii, heads))), suspect)
            ids = ids.copy()
            for i in suspect:
                ids[i] = _DUMMY
                heads[i] = _DUMMY[:17]
        check = _CHECK2.__getitem__
        if not all(
            map(eq, map(check, map(mod, map(int, heads, repeat(13)), repeat(11))), map(_LAST, ids))
        ):
            checks = map(check, map(mod, map(int, heads, repeat(13)), repeat(11)))
            _mark(list(map(eq, checks, map(_LAST, ids))), suspect)
        ymds: list[str] = list(map(_BORN, ids))
        if not all(map(self.births.get, ymds)):
            births = list(map(self.births.get, ymds))
            for i in _missing(births):
                births[i] = self.birth_ok(ymds[i])
            _mark(births, suspect)
        # names, profiles, student numbers and accounts
        names = list(map(self.names.get, raw_names))
        if None in names:
            for i in list(_missing(names)):
                names[i] = self.name(raw_names[i])
                if names[i] is None:
                    suspect.add(i)
        if not all(map(_OK, combos)):
            _mark(list(map(_OK, combos)), suspect)
        if numbers is not None and (
            max(map(len, numbers)) > MAX_TEXT or not all(map(str.isprintable, numbers))
        ):
            suspect.update(i for i, s in enumerate(numbers) if not _number_ok(s))
        if accounts is not None:
            given = list(filter(None, accounts))
            if given and not (
                all(map(str.isdigit, given))
                and all(map(str.isascii, given))
                and min(map(len, given)) >= 8
                and max(map(len, given)) <= 32
            ):
                suspect.update(i for i, a in enumerate(accounts) if a and not _account_ok(a))
        # accept the runs of good rows; the suspects one by one, in row order
        start = 0
        for s in [*sorted(suspect), n]:
            if s > start:
                self.accept(r0, start, s, ids, ymds, names, combos, numbers, accounts)
            if s < n:
                self.one(row_at(s), r0 + s)
            start = s + 1

    def accept(
        self,
        r0: int,
        lo: int,
        hi: int,
        ids: list[str],
        ymds: list[str],
        names: list[Any],
        combos: list[StudentProfile],
        numbers: list[str] | None,
        accounts: list[str] | None,
    ) -> None:
        """Accept rows ``lo:hi`` of a chunk, all found valid: records, warnings, duplicates."""
        k = hi - lo
        self.count += k
        self.accepted += k
        seg_ids = ids[lo:hi]
        profiles = combos[lo:hi]
        src = self.source
        findings = self.findings
        region = list(map(PROVINCES.__contains__, map(_REGION, seg_ids)))
        warn: list[Finding] = []
        if not all(region):
            warn.extend(
                finding("id.region", row=r0 + lo + j, field="id_number", source=src)
                for j, ok in enumerate(region)
                if not ok
            )
        if self.seen is not None:
            warn.extend(self.duplicates(seg_ids, r0 + lo))
        if self.year is not None:
            seg_ymds = ymds[lo:hi]
            if not (
                all(map(le, map(_BORN_LO, profiles), seg_ymds))
                and all(map(le, seg_ymds, map(_BORN_HI, profiles)))
            ):
                for j, (p, ymd) in enumerate(zip(profiles, seg_ymds, strict=True)):
                    if not p.born_lo <= ymd <= p.born_hi:
                        ident = seg_ids[j]
                        age = self.year - int(ident[6:10]) - (ident[10:14] > "0901")
                        warn.append(_age(r0 + lo + j, age, p.stage, src))
        if warn:
            warn.sort(key=_ROW)
            findings.extend(warn)
        if not self.keep:
            return
        seg_numbers = numbers[lo:hi] if numbers is not None else [""] * k
        seg_accounts = accounts[lo:hi] if accounts is not None else [""] * k
        rows = range(r0 + lo, r0 + hi)
        if self.columns:
            self.c_rows.extend(rows)
            self.c_names.extend(names[lo:hi])
            self.c_ids.extend(seg_ids)
            stripped = list(map(str.strip, seg_numbers))
            self.c_numbers.extend(map(_NONE_IF_EMPTY, stripped, stripped))
            self.c_accounts.extend(map(_NONE_IF_EMPTY, seg_accounts, seg_accounts))
            base = len(self.c_profiles)
            self.c_profiles.extend(profiles)
            fresh = set(profiles).difference(self.c_row_of)
            if fresh:  # the first row of each profile not met before, in row order
                first = dict(zip(reversed(profiles), range(k - 1, -1, -1), strict=True))
                at = sorted(map(first.__getitem__, fresh))
                self.c_row_of.update(
                    zip(map(profiles.__getitem__, at), map(add, at, repeat(base)), strict=True)
                )
            return
        # one generated function call per row fills every slot (see _builder)
        self.students.extend(
            map(self.build, names[lo:hi], seg_ids, seg_numbers, seg_accounts, rows, profiles)
        )

    def duplicates(self, idents: list[str], first_row: int) -> list[Finding]:
        """Record ``idents`` (rows from ``first_row``) as seen; findings for repeats."""
        assert self.seen is not None
        rows = range(first_row, first_row + len(idents))
        return self.seen.add(idents, rows, self.source_no, self.source)

    def one(self, row: list[str], rownum: int) -> None:
        """Check one row by itself: accept it, or reject it with every problem found."""
        width = self.width
        extra = False
        if len(row) != width:
            if not any(row) or (len(row) == 1 and not row[0].strip()):
                self.blanks += 1
                return
            if row[0].startswith(_GIANT):
                self.giant(rownum)
                return
            if len(row) > width:
                extra = any(c.strip() for c in row[width:])
                row = row[:width]
            else:
                row = row + [""] * (width - len(row))
        if not any(c.strip() for c in row):
            self.blanks += 1
            return
        self.count += 1
        parts = self.parts(row)
        ident = row[self.i_id]
        code = problem(ident, self.today)
        if code is not None:
            clean = compact(ident)
            if clean != ident:
                ident = clean
                code = problem(ident, self.today)
        raw_name = row[self.i_name]
        name = self.names.get(raw_name) or self.name(raw_name)
        number = account = None
        bad_number = bad_account = False
        if self.i_sn is not None:
            number = row[self.i_sn].strip()
            bad_number = not _number_ok(number)
            number = number or None
        if self.i_acct is not None:
            account = row[self.i_acct]
            if account:
                account = account.translate(_ACCOUNT_STRIP)
                bad_account = not _account_ok(account)
            account = account or None
        src = self.source
        if (
            code is None
            and name is not None
            and all(p.ok for p in parts)
            and not (extra or bad_number or bad_account)
        ):
            ident = ident.upper()
            self.accepted += 1
            if self.keep:
                combo = self.combine(parts)
                if self.columns:
                    self.c_rows.append(rownum)
                    self.c_names.append(name)
                    self.c_ids.append(ident)
                    self.c_numbers.append(number)
                    self.c_accounts.append(account)
                    self.c_row_of.setdefault(combo, len(self.c_profiles))
                    self.c_profiles.append(combo)
                else:
                    self.students.append(
                        self.build(name, ident, number or "", account or "", rownum, combo)
                    )
            if ident[:2] not in PROVINCES:
                self.findings.append(
                    finding("id.region", row=rownum, field="id_number", source=src)
                )
            if self.seen is not None:
                self.findings.extend(self.duplicates([ident], rownum))
            if self.year is not None:
                stage = parts[0].stage if parts else None
                lo, hi = self.born[stage]
                if not lo <= ident[6:14] <= hi:
                    age = self.year - int(ident[6:10]) - (ident[10:14] > "0901")
                    self.findings.append(_age(rownum, age, stage, src))
            return
        problems: list[Finding] = []
        if code is not None:
            if code == "id.length" and not ident:
                problems.append(finding("field.missing", row=rownum, field="id_number", source=src))
            else:
                problems.append(finding(code, row=rownum, field="id_number", source=src))
        elif ident[:2] not in PROVINCES:
            problems.append(finding("id.region", row=rownum, field="id_number", source=src))
        if name is None:
            if sp.normalise(raw_name):
                problems.append(
                    finding(
                        "field.invalid",
                        row=rownum,
                        field="name",
                        source=src,
                        detail_zh="（内容过长或含控制字符）",
                        detail_en=" (too long, or control characters)",
                    )
                )
            else:
                problems.append(finding("field.missing", row=rownum, field="name", source=src))
        for pcode, pfield, dzh, den in chain.from_iterable(p.problems for p in parts):
            problems.append(
                finding(pcode, row=rownum, field=pfield, source=src, detail_zh=dzh, detail_en=den)
            )
        if bad_number:
            problems.append(
                finding(
                    "field.invalid",
                    row=rownum,
                    field="student_number",
                    source=src,
                    detail_zh="（内容过长或含控制字符）",
                    detail_en=" (too long, or control characters)",
                )
            )
        if bad_account:
            problems.append(
                finding(
                    "field.invalid",
                    row=rownum,
                    field="bank_account",
                    source=src,
                    detail_zh="（应为8至32位数字）",
                    detail_en=" (expected 8 to 32 digits)",
                )
            )
        if extra:
            problems.append(
                finding(
                    "field.invalid",
                    row=rownum,
                    field="(extra cells)",
                    source=src,
                    detail_zh="（表头之外还有内容）",
                    detail_en=" (cells beyond the last header)",
                )
            )
        self.rejected.append(RejectedRow(rownum, tuple(problems), src))
        self.findings.extend(problems)


_CHUNK = 512  # small enough for a chunk of rows to stay in the CPU cache
# check character by (the 17 digits read in base 13) mod 11: see idcard.problem
_CHECK2 = "".join(_CHECK[(2 * i) % 11] for i in range(11))
_EIGHTEEN = 18
_HEAD = itemgetter(slice(0, 17))
_LAST = itemgetter(17)
_BORN = itemgetter(slice(6, 14))
_REGION = itemgetter(slice(0, 2))
_DUMMY = "11010520120307002X"  # a valid number standing in for a set-aside row
_OK = attrgetter("ok")
_BORN_LO = attrgetter("born_lo")
_BORN_HI = attrgetter("born_hi")
_ROW = attrgetter("row")


def _mark(flags: list[Any], suspect: set[int]) -> bool:
    """Add the indexes of false flags to ``suspect``; True if there were any."""
    if all(flags):
        return False
    index = flags.index  # C-level search; the flags are bools
    i = -1
    try:
        while True:
            i = index(False, i + 1)
            suspect.add(i)
    except ValueError:
        return True


class _Layout:
    """Where a file's per-student columns stand, when a line can be cut only at its ends:
    ``lead`` columns before the profile columns and ``trail`` after, each one a per-student
    column (name, ID number, student number, bank account) or an unknown one."""

    __slots__ = (
        "blank",
        "delimiter",
        "inner",
        "lead",
        "lead_parts",
        "pad_lead",
        "pad_trail",
        "place",
        "trail",
        "trail_parts",
    )

    def __init__(self, width: int, lead: int, trail: int, delimiter: str) -> None:
        self.delimiter = delimiter
        self.lead, self.trail = lead, trail
        self.lead_parts, self.trail_parts = lead + 1, trail + 1
        self.inner = width - lead - trail
        self.pad_lead, self.pad_trail = [""] * lead, [""] * trail
        self.blank = delimiter * (width - 1)  # a line of empty cells
        # column index -> ("lead", index in str.split) or ("trail", index in str.rsplit)
        self.place: dict[int, tuple[str, int]] = {i: ("lead", i) for i in range(lead)}
        self.place.update({width - trail + q: ("trail", q + 1) for q in range(trail)})

    @staticmethod
    def of(header: _Header, delimiter: str) -> _Layout | None:
        width = header.width
        known = set(header.index.values())
        personal = {header.index[f] for f in _ROW_FIELDS if f in header.index}
        edge = [i not in known or i in personal for i in range(width)]
        lead = 0
        while lead < width and edge[lead]:
            lead += 1
        trail = 0
        while trail < width - lead and edge[width - 1 - trail]:
            trail += 1
        inner = range(lead, width - trail)
        if not inner or any(edge[i] for i in inner):
            return None  # a personal or unknown column among the profile columns
        return _Layout(width, lead, trail, delimiter)


_NONE_IF_EMPTY = {"": None}.get  # (text, text) -> None if empty, else text (C-level)
_FIRST = itemgetter(0)


def _number_ok(number: str) -> bool:
    """A student number (学籍号) of at most MAX_TEXT printable characters."""
    return len(number) <= MAX_TEXT and number.isprintable()


def _account_ok(account: str) -> bool:
    return account.isascii() and account.isdigit() and 8 <= len(account) <= 32


_ACCOUNT_STRIP = str.maketrans("", "", " -\t\u3000")


class _Seen:
    """The ID numbers seen so far, across every roster checked together (重报, R-REC-3).

    Each ID maps to the number of the run of rows it came in (one shared int per run, no
    object per row); a run keeps its rows and IDs, so the first row of a repeated ID is looked
    up only when there is a repeat.
    """

    def __init__(self, sources: Sequence[str]) -> None:
        self.ids: dict[str, int] = {}
        self.runs: list[tuple[Sequence[int], list[str], int]] = []
        self.positions: dict[int, dict[str, int]] = {}
        self.sources = sources

    def first(self, run: int, ident: str) -> tuple[int, int]:
        """(source number, row) where ``ident`` first appeared in ``run``."""
        rows, ids, source_no = self.runs[run]
        pos = self.positions.get(run)
        if pos is None:  # reversed: the first position of an ID wins
            pos = self.positions[run] = dict(
                zip(reversed(ids), reversed(range(len(ids))), strict=True)
            )
        return source_no, rows[pos[ident]]

    def add(
        self, idents: list[str], rows: Sequence[int], source_no: int, source: str
    ) -> list[Finding]:
        """Record a run of rows; return a ``report.duplicate`` finding per repeated ID."""
        run = len(self.runs)
        self.runs.append((rows, idents, source_no))
        new = dict.fromkeys(idents, run)
        out: list[Finding] = []
        seen = self.ids
        if len(new) != len(idents):  # a repeat inside the run: one by one
            local: dict[str, int] = {}
            for ident, row in zip(idents, rows, strict=True):
                first = seen.setdefault(ident, run)
                if first != run:
                    out.append(self.finding(self.first(first, ident), row, source))
                elif ident in local:
                    out.append(self.finding((source_no, local[ident]), row, source))
                else:
                    local[ident] = row
            return out
        common = new.keys() & seen.keys()
        firsts = {k: seen[k] for k in common}
        seen.update(new)
        if firsts:
            at = dict(zip(idents, rows, strict=True))
            for ident, first in firsts.items():
                seen[ident] = first
                out.append(self.finding(self.first(first, ident), at[ident], source))
        return out

    def forget(self, source_no: int) -> None:
        """Drop what an aborted pass over one source recorded (an encoding restart)."""
        runs = self.runs
        for k in [k for k, v in self.ids.items() if runs[v][2] == source_no]:
            del self.ids[k]

    def finding(self, first: tuple[int, int], row: int, source: str) -> Finding:
        other = ""
        first_source, first_row = first
        if first_source < len(self.sources) and self.sources[first_source] != source:
            other = self.sources[first_source]
        return finding(
            "report.duplicate",
            row=row,
            field="id_number",
            source=source,
            other_row=first_row,
            other_file_zh=f"（{other}）" if other else "",
            other_file_en=f" of {other}" if other else "",
        )


def _age(row: int, age: int, stage: Stage | None, source: str) -> Finding:
    assert stage is not None
    return finding(
        "row.age_stage",
        row=row,
        field="id_number",
        source=source,
        age=age,
        stage=stage.value,
        stage_zh=stage.zh,
    )


def _read(
    path: str | os.PathLike[str],
    today: date | None,
    *,
    keep: bool = True,
    seen: _Seen | None = None,
    source_no: int = 0,
    school_year: int | None = None,
    columns: bool = False,
) -> Any:
    source = str(path)
    day = today if today is not None else date.today()
    return _decoding(
        path,
        lambda rows, encoding: _read_rows(
            rows, encoding, source, day, keep, seen, source_no, school_year, columns
        ),
    )


T = TypeVar("T")


def _decoding(
    path: str | os.PathLike[str], read: Callable[[Iterable[list[str]], str | None], T]
) -> T:
    """Run ``read`` over the file's rows; if a file guessed to be UTF-8 turns out not to be
    further down (an ASCII start, then GBK text), read it again as GB18030."""
    rows, encoding = iter_table(path)
    try:
        return read(rows, encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise _undecodable(Path(path)) from None
    finally:
        _close(rows)
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    rows = _csv_rows(Path(path), "gb18030", head)
    try:
        return read(rows, "gb18030")
    except UnicodeDecodeError:
        raise _undecodable(Path(path)) from None
    finally:
        _close(rows)


def _close(rows: object) -> None:
    close = getattr(rows, "close", None)
    if close is not None:
        close()


def _read_rows(
    rows: Iterable[list[str]],
    encoding: str | None,
    source: str,
    today: date,
    keep: bool,
    seen: _Seen | None,
    source_no: int,
    school_year: int | None,
    columns: bool = False,
) -> Any:
    cells, header_row = _find_header(rows, _ROSTER_LOOKUP, source)
    header = _Header(cells, _ROSTER_LOOKUP, REQUIRED, source)
    reader = _RosterReader(
        header,
        source,
        today,
        keep=keep,
        columns=columns,
        seen=seen,
        source_no=source_no,
        school_year=school_year,
    )
    if seen is not None:
        # roll back entries of an aborted pass of this same source (encoding restart)
        seen.forget(source_no)
    with _gc_paused():
        reader.run(rows, header_row)
    head = [
        finding("column.unknown", row=header_row, field=col, source=source)
        for col in header.unknown
    ]
    return _result(reader, source, encoding, head)


def _result(reader: _RosterReader, source: str, encoding: str | None, head: list[Finding]) -> Any:
    """The RosterResult (or RosterColumns, for a reader keeping columns) of a reading;
    ``head`` are the findings about the header."""
    common: dict[str, Any] = {
        "source": source,
        "rejected": tuple(reader.rejected),
        "findings": tuple(head + reader.findings),
        "rows": reader.count,
        "unknown_columns": tuple(reader.header.unknown),
        "encoding": encoding,
        "blank_rows": reader.blanks,
    }
    if not reader.columns:
        return RosterResult(**common, students=tuple(reader.students))
    return RosterColumns(
        **common,
        row_numbers=tuple(reader.c_rows),
        names=tuple(reader.c_names),
        id_numbers=tuple(reader.c_ids),
        student_numbers=tuple(reader.c_numbers),
        bank_accounts=tuple(reader.c_accounts),
        profiles=tuple(reader.c_profiles),
        profile_rows=MappingProxyType(reader.c_row_of),
    )


def read_roster(path: str | os.PathLike[str], *, today: date | None = None) -> RosterResult:
    """Read a roster file (CSV or XLSX) into accepted students and rejected rows.

    ``today`` (default: the current date) is the day after which a birth date is in the
    future (``id.birth_date``). Raises :class:`~edupoverty.errors.RosterError` if the file
    cannot be read at all; problems in rows are never raised, they are findings.

    Examples:
        >>> read_roster("no/such/roster.csv")
        Traceback (most recent call last):
        ...
        edupoverty.errors.RosterError: roster.not_found: no/such/roster.csv: 文件不存在 / ...
    """
    result: RosterResult = _read(path, today)
    return result


@frozen
class RosterSlice:
    """A part of a CSV roster that can be read apart from the rest (:func:`slice_roster`):
    the lines from byte ``start`` to byte ``end``, the first of them spreadsheet row
    ``first_row``, read with the file's header, encoding and delimiter.

    Examples:
        >>> s = RosterSlice("r.csv", 0, 100, 10, 2, ("姓名", "身份证号"), 1, "utf-8", ",")
        >>> s.first_row, s.end - s.start
        (10, 100)
    """

    path: str
    start: int
    end: int
    first_row: int
    index: int  # 0 for the first slice (which reports the header's findings)
    header: tuple[str, ...]
    header_row: int
    encoding: str
    delimiter: str


def slice_roster(
    path: str | os.PathLike[str], parts: int, *, min_bytes: int = 1 << 22
) -> tuple[RosterSlice, ...] | None:
    """Cut a large CSV roster into ``parts`` slices of whole lines that can be read at the
    same time (:func:`read_roster_columns` with ``part=``), or None when the file cannot be
    cut safely: an XLSX, UTF-16, a line too long, a header the line view cannot read, a file
    of less than ``min_bytes`` of data, or anything :func:`read_roster` would refuse (read
    the whole file then, which reports why).

    A slice reads its lines with the same rules and row numbers as a reading of the whole
    file, provided no cell spans two lines; a slice that meets one raises
    :class:`~edupoverty.errors.RosterError` (``roster.slice``) and the file is to be read
    whole.

    Examples:
        >>> import tempfile, pathlib
        >>> from edupoverty.records.synthetic import write_roster_csv
        >>> path = write_roster_csv(pathlib.Path(tempfile.mkdtemp()) / "r.csv", 3000, seed=1)
        >>> parts = slice_roster(path, 2, min_bytes=0)
        >>> [p.first_row for p in parts][0], parts[0].end == parts[1].start
        (2, True)
        >>> sum(read_roster_columns(path, part=p).rows for p in parts)
        3000
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(1 << 16)
        if parts < 2 or head.startswith((_ZIP, _OLE)) or not head.strip():
            return None
        if p.suffix.lower() not in ("", ".csv", ".txt", ".tsv"):
            return None
        encoding = _detect(p, head)
        if encoding not in _LINE_ENCODINGS or _may_have_long_lines(p):
            return None
        delimiter = _delimiter(head, encoding)
        lines = LineCsv(p, encoding, delimiter, strict=True)
        try:
            cells, header_row = _find_header(lines, _ROSTER_LOOKUP, str(p))
        finally:
            lines.close()
        _Header(cells, _ROSTER_LOOKUP, REQUIRED, str(p))  # the columns a roster needs
    except (RosterError, Unsafe, OSError):
        return None
    with open(p, "rb") as fh:
        data_start = _line_starts(fh, 0, header_row)
        if size - data_start < max(min_bytes, parts):
            return None
        cuts = [data_start]
        for k in range(1, parts):
            target = max(cuts[-1], data_start + (size - data_start) * k // parts)
            cuts.append(_line_starts(fh, target, 1) if target > cuts[-1] else cuts[-1])
        cuts.append(size)
        firsts = [header_row + 1]
        for a, b in itertools.pairwise(cuts[:-1]):
            firsts.append(firsts[-1] + _count_lines(fh, a, b))
    return tuple(
        RosterSlice(str(p), a, b, first, k, tuple(cells), header_row, encoding, delimiter)
        for k, (a, b, first) in enumerate(zip(cuts[:-1], cuts[1:], firsts, strict=True))
        if b > a or k == 0
    )


def _line_starts(fh: Any, offset: int, lines: int) -> int:
    """The byte offset after the ``lines``-th newline from ``offset`` (or the file's end)."""
    fh.seek(offset)
    pos = offset
    while lines:
        block = fh.read(1 << 20)
        if not block:
            return pos
        at = -1
        while lines:
            at = block.find(b"\n", at + 1)
            if at < 0:
                break
            lines -= 1
        if not lines:
            return pos + at + 1
        pos += len(block)
    return pos


def _count_lines(fh: Any, start: int, end: int) -> int:
    fh.seek(start)
    n = 0
    left = end - start
    while left > 0:
        block = fh.read(min(1 << 23, left))
        if not block:
            break
        n += block.count(b"\n")
        left -= len(block)
    return n


def _read_slice(part: RosterSlice, today: date | None) -> RosterColumns:
    source = part.path
    header = _Header(list(part.header), _ROSTER_LOOKUP, REQUIRED, source)
    day = today if today is not None else date.today()
    reader = _RosterReader(header, source, day, columns=True)
    lines = LineCsv(
        Path(part.path),
        part.encoding,
        part.delimiter,
        start=part.start,
        end=part.end,
        strict=True,
    )
    try:
        with _gc_paused():
            reader.run(lines, part.first_row - 1)
    except Unsafe:
        raise _err(
            source,
            "此段无法单独读取（单元格跨行）：请整体读取",
            "this slice cannot be read apart (a cell spans lines): read the whole file",
            "roster.slice",
        ) from None
    finally:
        lines.close()
    head = []
    if part.index == 0:
        head = [
            finding("column.unknown", row=part.header_row, field=col, source=source)
            for col in header.unknown
        ]
    result: RosterColumns = _result(reader, source, part.encoding, head)
    return result


def read_roster_columns(
    path: str | os.PathLike[str],
    *,
    today: date | None = None,
    part: RosterSlice | None = None,
) -> RosterColumns:
    """Read a roster file like :func:`read_roster`, keeping the accepted rows as columns.

    The same checks, the same rejected rows and findings; instead of a
    :class:`~edupoverty.records.model.Student` per row, the personal columns and a shared
    :class:`StudentProfile` per row (:class:`RosterColumns`). For rosters of hundreds of
    thousands of rows that are assessed (``edupoverty assess``) or counted rather than held
    as records. With ``part`` (from :func:`slice_roster`), only that slice is read.

    Examples:
        >>> read_roster_columns("no/such/roster.csv")
        Traceback (most recent call last):
        ...
        edupoverty.errors.RosterError: roster.not_found: no/such/roster.csv: 文件不存在 / ...
    """
    if part is not None:
        if Path(part.path) != Path(path):
            raise ValueError("part is a slice of another file than path")
        return _read_slice(part, today)
    result: RosterColumns = _read(path, today, columns=True)
    return result


def read_rows(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    source: str = "<rows>",
    today: date | None = None,
) -> RosterResult:
    """Read roster rows already in memory (a header and rows of text), as :func:`read_roster`.

    Examples:
        >>> r = read_rows(["name", "id_number", "school_code", "stage", "school_location"],
        ...               [["张三", "11010520120307002X", "1", "primary", "rural"]])
        >>> r.students[0].stage.zh, r.students[0].row
        ('小学', 2)
    """
    head = _Header(list(header), _ROSTER_LOOKUP, REQUIRED, source)
    reader = _RosterReader(head, source, today if today is not None else date.today())
    with _gc_paused():
        reader.run(([str(c) for c in r] for r in rows), 1)
    head_findings = [finding("column.unknown", row=1, field=c, source=source) for c in head.unknown]
    result: RosterResult = _result(reader, source, None, head_findings)
    return result


# --- disbursements -----------------------------------------------------------------------


def read_disbursements(
    path: str | os.PathLike[str], *, today: date | None = None
) -> DisbursementResult:
    """Read a disbursement file (资助发放表): one payment per row.

    Columns: id_number, programme, school_year, semester, amount, method, account, paid_on,
    batch, payee, school_code (Chinese headers too, :data:`DISBURSEMENT_COLUMNS`). Chinese
    programme names of the boarding allowance and the nutrition programme become their
    programme ids (``compulsory.boarding_allowance``, ``compulsory.nutrition``).

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "paid.csv"
        >>> _ = p.write_text(
        ...     "身份证号,资助项目,学年,学期,金额,发放方式,银行卡号,发放日期,批次\\n"
        ...     "11010520120307002X,寄宿生生活补助,2019,秋季,500,银行卡,6217000011112222,"
        ...     "2019-11-01,B1\\n", encoding="utf-8")
        >>> d = read_disbursements(p).disbursements[0]
        >>> d.programme, d.amount, d.period.semester.value, d.row
        ('compulsory.boarding_allowance', Decimal('500.00'), 'autumn', 2)
    """
    source = str(path)
    day = today if today is not None else date.today()
    return _decoding(path, lambda rows, encoding: _read_disb(rows, encoding, source, day))


class _Row:
    """One data row of a small table (disbursements, waiver pledges): its cells by field and
    the problems found in it. Problems name the row and field, never the value."""

    __slots__ = ("cells", "index", "number", "problems", "source")

    def __init__(self, cells: list[str], index: dict[str, int], number: int, source: str):
        self.cells = cells
        self.index = index
        self.number = number
        self.source = source
        self.problems: list[Finding] = []

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.problems)

    def cell(self, name: str) -> str:
        i = self.index.get(name)
        return sp.normalise(self.cells[i]) if i is not None and i < len(self.cells) else ""

    def add(self, code: str, name: str) -> None:
        self.problems.append(finding(code, row=self.number, field=name, source=self.source))

    def bad(self, name: str, zh: str = "", en: str = "") -> None:
        self.problems.append(
            finding(
                "field.invalid",
                row=self.number,
                field=name,
                source=self.source,
                detail_zh=f"（{zh}）" if zh else "",
                detail_en=f" ({en})" if en else "",
            )
        )

    def require(self, names: Iterable[str]) -> None:
        for name in names:
            if not self.cell(name):
                self.add("field.missing", name)

    def text(self, name: str) -> str:
        value = self.cell(name)
        if len(value) > MAX_TEXT:
            self.bad(name, "内容过长", "text too long")
        return value

    def ident(self, today: date) -> str | None:
        """The row's ID number, upper-cased; its problem (``id.*``) recorded if any."""
        ident = compact(self.cell("id_number"))
        if not ident:
            return None
        code = problem(ident, today)
        if code is not None:
            self.add(code, "id_number")
        return ident.upper()

    def school_year(self) -> int | None:
        text = self.cell("school_year")
        if not text:
            return None
        m = re.fullmatch(r"(\d{4})(?:\s*[-—~至]\s*\d{4})?\s*(?:学年|年)?", text)
        if m is None:
            self.bad("school_year", "应为学年，如2019", "expected a school year such as 2019")
            return None
        return int(m[1])

    def parse(self, name: str, parser: Callable[[str], T]) -> T | None:
        text = self.cell(name)
        if not text:
            return None
        try:
            return parser(text)
        except sp.Unreadable as exc:
            self.bad(name, exc.zh, exc.en)
            return None


class _Table(Generic[T]):
    """The outcome of :func:`_read_records`."""

    __slots__ = ("accepted", "blanks", "count", "findings", "rejected", "unknown")

    def __init__(self) -> None:
        self.accepted: list[T] = []
        self.rejected: list[RejectedRow] = []
        self.findings: list[Finding] = []
        self.unknown: tuple[str, ...] = ()
        self.count = 0
        self.blanks = 0

    def counts(self, source: str, encoding: str | None) -> dict[str, Any]:
        """The fields every file result shares (:class:`_FileResult`)."""
        return {
            "source": source,
            "rejected": tuple(self.rejected),
            "findings": tuple(self.findings),
            "rows": self.count,
            "unknown_columns": self.unknown,
            "encoding": encoding,
            "blank_rows": self.blanks,
        }


def _read_records(
    rows: Iterable[list[str]],
    source: str,
    lookup: dict[str, str],
    required: Sequence[str],
    build: Callable[[_Row], T | None],
) -> _Table[T]:
    """Read a small table row by row: every row accepted (``build`` returned a record and no
    error was found) or rejected with all its problems; blank rows counted apart."""
    cells, header_row = _find_header(rows, lookup, source)
    header = _Header(cells, lookup, required, source)
    table: _Table[T] = _Table()
    table.unknown = tuple(header.unknown)
    table.findings = [
        finding("column.unknown", row=header_row, field=c, source=source) for c in header.unknown
    ]
    rownum = header_row
    for raw in rows:
        rownum += 1
        if not any(c.strip() for c in raw):
            table.blanks += 1
            continue
        table.count += 1
        row = _Row(raw, header.index, rownum, source)
        record = None
        if raw == [_GIANT]:
            row.bad("(line)", "该行过长", "the line is too long")
        else:
            row.require(required)
            record = build(row)
            if len(raw) > header.width and any(c.strip() for c in raw[header.width :]):
                row.bad("(extra cells)", "表头之外还有内容", "cells beyond the last header")
        if record is None or row.failed:
            table.rejected.append(RejectedRow(rownum, tuple(row.problems), source))
            table.findings.extend(row.problems)
            continue
        table.accepted.append(record)
    return table


def _read_disb(
    rows: Iterable[list[str]], encoding: str | None, source: str, today: date
) -> DisbursementResult:
    def build(row: _Row) -> Disbursement | None:
        student_id = row.ident(today)
        programme = row.text("programme")
        school_year = row.school_year()
        semester = row.parse("semester", sp.parse_semester)
        amount = row.parse("amount", sp.parse_money)
        method = row.parse("method", sp.parse_method)
        paid_on = row.parse("paid_on", sp.parse_date)
        payee = row.parse("payee", sp.parse_payee)
        account = row.cell("account").translate(_ACCOUNT_STRIP)
        if account and not (account.isascii() and account.isdigit() and 8 <= len(account) <= 32):
            row.bad("account", "应为8至32位数字", "expected 8 to 32 digits")
        batch = row.text("batch")
        if row.failed or None in (student_id, school_year, amount, method, paid_on):
            return None
        assert student_id is not None and school_year is not None
        assert amount is not None and method is not None and paid_on is not None
        return Disbursement(
            student_id=student_id,
            programme=_PROGRAMMES.get(programme, programme),
            period=Period(school_year, semester),
            amount=amount,
            method=method,
            paid_on=paid_on,
            batch=batch,
            account=account or None,
            payee=payee or Payee.FAMILY,
            school_code=row.cell("school_code") or None,
            row=row.number,
        )

    table = _read_records(rows, source, _DISB_LOOKUP, _DISB_REQUIRED, build)
    return DisbursementResult(disbursements=tuple(table.accepted), **table.counts(source, encoding))


def read_waivers(path: str | os.PathLike[str], *, today: date | None = None) -> WaiverResult:
    """Read a file of waiver pledges (放弃受助资格承诺书, R-REC-5): one signed pledge per row.

    Columns: id_number, school_year, signed_on, signed_by (required), programmes (the
    programme ids or names given up, separated by 、 ; or /; empty: every programme of the
    year), on_paper (default yes), kept_at — Chinese headers too (:data:`WAIVER_COLUMNS`).

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "pledges.csv"
        >>> _ = p.write_text(
        ...     "身份证号,学年,签署日期,签署人,放弃项目\\n"
        ...     "11010520120307002X,2019,2019-09-20,张父,寄宿生生活补助\\n", encoding="utf-8")
        >>> w = read_waivers(p).waivers[0]
        >>> w.school_year, w.programmes, w.on_paper
        (2019, ('compulsory.boarding_allowance',), True)
    """
    source = str(path)
    day = today if today is not None else date.today()

    def build(row: _Row) -> WaiverPledge | None:
        student_id = row.ident(day)
        school_year = row.school_year()
        signed_on = row.parse("signed_on", sp.parse_date)
        signed_by = row.text("signed_by")
        names = [n.strip() for n in re.split(r"[、;；/]", row.text("programmes")) if n.strip()]
        on_paper = row.parse("on_paper", sp.parse_bool)
        kept_at = row.text("kept_at") or None
        if row.failed or None in (student_id, school_year, signed_on):
            return None
        assert student_id is not None and school_year is not None and signed_on is not None
        return WaiverPledge(
            student_id=student_id,
            school_year=school_year,
            signed_on=signed_on,
            signed_by=signed_by,
            programmes=[_PROGRAMMES.get(n, n) for n in names],
            on_paper=on_paper is not False,
            kept_at=kept_at,
        )

    def read(rows: Iterable[list[str]], encoding: str | None) -> WaiverResult:
        table = _read_records(rows, source, _WAIVER_LOOKUP, _WAIVER_REQUIRED, build)
        return WaiverResult(waivers=tuple(table.accepted), **table.counts(source, encoding))

    return _decoding(path, read)


def read_table(path: str | os.PathLike[str]) -> list[list[str]]:
    """Every row of a small CSV or XLSX file as lists of text, read with the same defences
    and encoding detection as :func:`read_roster` (a file guessed to be UTF-8 that turns out
    to hold GBK further down is read again as GB18030). A line too long to read becomes a
    row of one placeholder cell, so that its row number still counts.

    Examples:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = p.write_bytes("类别,金额\\nincome,100\\n".encode("gb18030"))
        >>> read_table(p)
        [['类别', '金额'], ['income', '100']]
    """
    return _decoding(path, lambda rows, _encoding: list(rows))
