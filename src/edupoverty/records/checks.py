"""Checks over columns (按列效验): each roster column read and checked as a whole.

A batch of roster rows arrives as Arrow columns of text (:mod:`edupoverty.records.sources`).
:func:`check_batch` turns it into typed columns (the types of
:data:`~edupoverty.records.columns.STUDENT_SCHEMA`) and the problems found, column by column:

* a column of repeated values (stage, school, statuses, fees, dates …) is dictionary-encoded
  and each **distinct** value is read once by its spelling table
  (:mod:`edupoverty.records.spellings`), the result taken back to the rows;
* the grade is read once per distinct (grade, stage) pair;
* the ID number is checked in bulk by :func:`edupoverty.records.idcard.check_column`, the one
  implementation the single-value API shares;
* names, student numbers and bank accounts — nearly one value per row — are checked with
  vectorised kernels, and only the values those cannot clear go through Python.

A problem is ``(rows, code, field, detail_zh, detail_en)``: the positions of the failing rows
in the batch and the finding to report on each. Nothing here raises for a bad cell.

Examples:
    >>> import pyarrow as pa
    >>> from datetime import date
    >>> from edupoverty.records.schema import Header, ROSTER
    >>> header = Header(["姓名", "身份证号", "学校代码", "学段", "学校所在地"], ROSTER, "r.csv")
    >>> batch = pa.record_batch({"0": ["张三", "李四"], "1": ["11010520120307002X", "123"],
    ...     "2": ["1", "1"], "3": ["小学", "大学"], "4": ["乡村", "乡村"], "row": [2, 3]})
    >>> checked = check_batch(batch, header, date(2026, 1, 1))
    >>> checked.columns["stage"].to_pylist()
    ['primary', None]
    >>> sorted((p.code, p.field, p.rows.tolist()) for p in checked.problems)
    [('field.invalid', 'stage', [1]), ('id.length', 'id_number', [1])]
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from attrs import frozen

from edupoverty.records import idcard
from edupoverty.records import spellings as sp
from edupoverty.records.columns import STUDENT_SCHEMA
from edupoverty.records.enums import Stage
from edupoverty.records.findings import Finding, finding
from edupoverty.records.model import Student
from edupoverty.records.schema import MAX_TEXT, ROSTER, ROSTER_BY_NAME, Header

__all__ = [
    "AGE_RANGES",
    "Checked",
    "Problem",
    "age_finding",
    "age_stage",
    "check_batch",
    "problem_rank",
]


@frozen(eq=False)
class Problem:
    """Rows of a batch (positions) that fail one check, and the finding to report on each."""

    rows: np.ndarray[Any, np.dtype[np.int64]]
    code: str
    field: str
    detail_zh: str = ""
    detail_en: str = ""


@frozen(eq=False)
class Checked:
    """A checked batch: ``columns`` (field name → typed Arrow array, every ``Student`` field
    but ``row``), ``rows`` (the spreadsheet row numbers), ``blank`` (rows with no content,
    counted apart), ``problems`` (errors and the ``id.region`` warning), ``birth`` (date32
    birth dates from the ID numbers, null where invalid)."""

    columns: dict[str, pa.Array]
    rows: pa.Array
    blank: np.ndarray[Any, np.dtype[np.bool_]]
    problems: list[Problem]
    birth: pa.Array


_STAGE: dict[str, Stage] = {s.value: s for s in Stage}

_FIELDS = attrs.fields(Student)
_DEFAULTS: dict[str, Any] = {
    f.name: f.default for f in _FIELDS if f.default is not attrs.NOTHING and f.name != "row"
}
_TYPES = {f.name: f.type for f in STUDENT_SCHEMA}
_INVALID_TEXT = ("（内容过长或含控制字符）", " (too long, or control characters)")

# The order problems of one row are reported in: the ID number, the name, the columns of
# the school and study, of the family, of enrolment, then the student number and account.
_ORDER = (
    "id_number",
    "name",
    "school_code",
    "school_name",
    "stage",
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
    "grade",
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
    "enrolled_from",
    "enrolled_until",
    "student_number",
    "bank_account",
)
_RANK = {name: i for i, name in enumerate(_ORDER)}


def problem_rank(field: str) -> int:
    """Where a problem of ``field`` stands among the problems of one row.

    Examples:
        >>> problem_rank("id_number") < problem_rank("name") < problem_rank("bank_account")
        True
    """
    return _RANK.get(field, len(_ORDER))


def _age_ranges() -> dict[Stage, tuple[int, int]]:
    import tomllib
    from importlib.resources import files

    data = tomllib.loads(
        files("edupoverty.records").joinpath("data/age_stage.toml").read_text("utf-8")
    )
    return {_STAGE[k]: (int(v["min"]), int(v["max"])) for k, v in data.items()}


AGE_RANGES: dict[Stage, tuple[int, int]] = _age_ranges()
"""Plausible age at 1 September for each stage, from ``records/data/age_stage.toml``
(``row.age_stage``; Compulsory Education Law art. 11: school entry at 6)."""


def _trim(values: pa.Array) -> pa.Array:
    return pc.utf8_trim_whitespace(values)


def _empty_mask(values: pa.Array) -> np.ndarray[Any, np.dtype[np.bool_]]:
    return np.asarray(pc.equal(pc.utf8_length(_trim(values)), 0).to_numpy(zero_copy_only=False))


def _positions(mask: Any) -> np.ndarray[Any, np.dtype[np.int64]]:
    return np.flatnonzero(np.asarray(mask, dtype=bool)).astype(np.int64)


def _read_distinct(
    values: pa.Array,
    read: Callable[[str], tuple[Any, tuple[str, str, str] | None]],
    memo: dict[Any, Any],
) -> tuple[list[Any], list[tuple[str, str, str] | None], np.ndarray[Any, Any]]:
    """``read`` applied once per distinct value (``memo`` keeps what earlier batches of the
    same reading found): (values, problems) per distinct value and the index of each row's
    distinct value."""
    encoded = pc.dictionary_encode(values)
    distinct = encoded.dictionary.to_pylist()
    out = []
    for v in distinct:
        hit = memo.get(v)
        if hit is None:
            hit = memo[v] = read(v)
        out.append(hit)
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return [v for v, _ in out], [p for _, p in out], indices


def _value_reader(name: str) -> Callable[[str], tuple[Any, tuple[str, str, str] | None]]:
    column = ROSTER_BY_NAME[name]
    parse = column.parse
    assert parse is not None
    default = _DEFAULTS.get(name)

    def read(raw: str) -> tuple[Any, tuple[str, str, str] | None]:
        text = sp.normalise(raw)
        if not text:
            return default, (("field.missing", "", "") if column.required else None)
        try:
            return parse(text), None
        except sp.Unreadable as exc:
            return default, ("field.invalid", f"（{exc.zh}）", f" ({exc.en})")

    return read


def _arrow(name: str, values: list[Any]) -> pa.Array:
    kind = _TYPES[name]
    if values and isinstance(next((v for v in values if v is not None), None), enum.Enum):
        values = [v.value if v is not None else None for v in values]
    return pa.array(values, type=kind)


def _problems_of(
    name: str,
    problems: list[tuple[str, str, str] | None],
    indices: np.ndarray[Any, Any],
    out: list[Problem],
) -> None:
    """One :class:`Problem` per distinct (code, detail) among the distinct values."""
    bad: dict[tuple[str, str, str], list[int]] = {}
    for k, p in enumerate(problems):
        if p is not None:
            bad.setdefault(p, []).append(k)
    for (code, zh, en), ks in bad.items():
        rows = _positions(np.isin(indices, np.asarray(ks)))
        if rows.size:
            out.append(Problem(rows, code, name, zh, en))


def _value_column(
    name: str, values: pa.Array, out: list[Problem], memo: dict[Any, Any]
) -> tuple[pa.Array, np.ndarray[Any, Any], list[Any]]:
    distinct, problems, indices = _read_distinct(values, _value_reader(name), memo)
    _problems_of(name, problems, indices, out)
    column = _arrow(name, distinct).take(pa.array(indices))
    return column, indices, distinct


def _grades(
    raw: pa.Array,
    stage_idx: np.ndarray[Any, Any] | None,
    stages: list[Any],
    n: int,
    out: list[Problem],
) -> pa.Array:
    """The grade, read once per distinct (grade, stage) pair; a vocational row needs one."""
    encoded = pc.dictionary_encode(raw)
    texts = encoded.dictionary.to_pylist()
    g = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    s = stage_idx.astype(np.int64) if stage_idx is not None else np.zeros(n, dtype=np.int64)
    width = max(len(stages), 1)
    pairs, inverse = np.unique(g * width + s, return_inverse=True)
    values: list[int | None] = []
    problems: list[tuple[str, str, str] | None] = []
    for key in pairs.tolist():
        text = sp.normalise(texts[key // width])
        stage = stages[key % width] if stages else None
        if not text:
            values.append(None)
            missing = stage is Stage.VOCATIONAL
            problems.append(("field.missing", "", "") if missing else None)
            continue
        try:
            values.append(sp.parse_grade(text, stage))
            problems.append(None)
        except sp.Unreadable as exc:
            values.append(None)
            problems.append(("field.invalid", f"（{exc.zh}）", f" ({exc.en})"))
    _problems_of("grade", problems, inverse, out)
    return pa.array(values, type=pa.int64()).take(pa.array(inverse))


# A name of CJK ideographs, the middle dot and printable ASCII is unchanged by trimming and
# NFKC and is printable: most names, cleared without Python.
_PLAIN_NAME = r"^[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{00B7}\x{30FB}!-~]([\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{00B7}\x{30FB} -~]*[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{00B7}\x{30FB}!-~])?$"  # noqa: E501
_PLAIN_TEXT = r"^[!-~]([ -~]*[!-~])?$"


def _text_column(
    name: str, values: pa.Array, plain: str, required: bool, out: list[Problem]
) -> pa.Array:
    """A free-text column (the name, the student number): trimmed and folded, at most
    MAX_TEXT printable characters; empty is missing (``required``) or null."""
    ok = pc.and_(
        pc.match_substring_regex(values, plain),
        pc.less_equal(pc.utf8_length(values), MAX_TEXT),
    )
    ok_np = np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool)
    result = values
    rest = _positions(~ok_np)
    if rest.size:
        texts = values.take(pa.array(rest)).to_pylist()
        fixed: list[str | None] = []
        missing: list[int] = []
        invalid: list[int] = []
        for pos, raw in zip(rest.tolist(), texts, strict=True):
            text = sp.normalise(raw)
            if not text:
                fixed.append(None)
                missing.append(pos)
            elif len(text) > MAX_TEXT or not text.isprintable():
                fixed.append(None)
                invalid.append(pos)
            else:
                fixed.append(text)
        mask = np.zeros(len(values), dtype=bool)
        mask[rest] = True
        replacement = np.empty(len(values), dtype=object)
        replacement[rest] = fixed
        result = pc.if_else(pa.array(mask), pa.array(replacement, type=pa.string()), values)
        if missing and required:
            out.append(Problem(np.asarray(missing, dtype=np.int64), "field.missing", name))
        if invalid:
            out.append(
                Problem(np.asarray(invalid, dtype=np.int64), "field.invalid", name, *_INVALID_TEXT)
            )
    return result


def _account(values: pa.Array, out: list[Problem]) -> pa.Array:
    """Bank accounts: separators removed; 8 to 32 ASCII digits; empty is null."""
    clean = pc.replace_substring_regex(values, r"[ \-\t\x{3000}]", "")
    empty = pc.equal(pc.utf8_length(clean), 0)
    good = pc.match_substring_regex(clean, r"^[0-9]{8,32}$")
    bad = _positions(pc.and_(pc.invert(empty), pc.invert(good)).to_numpy(zero_copy_only=False))
    if bad.size:
        out.append(
            Problem(
                bad,
                "field.invalid",
                "bank_account",
                "（应为8至32位数字）",
                " (expected 8 to 32 digits)",
            )
        )
    return pc.if_else(pc.or_(empty, pc.invert(good)), pa.scalar(None, pa.string()), clean)


def _ids(values: pa.Array, today: date, out: list[Problem]) -> tuple[pa.Array, pa.Array]:
    """ID numbers checked in bulk: (compact numbers, birth dates)."""
    checked = idcard.check_column(values, today)
    compact = checked.compact
    empty = np.asarray(
        pc.fill_null(pc.equal(pc.utf8_length(compact), 0), True).to_numpy(zero_copy_only=False),
        dtype=bool,
    )
    if empty.any():
        out.append(Problem(_positions(empty), "field.missing", "id_number"))
    encoded = pc.dictionary_encode(pc.fill_null(checked.problem, ""))
    idx = encoded.indices.to_numpy(zero_copy_only=False)
    for k, code in enumerate(encoded.dictionary.to_pylist()):
        rows = _positions((idx == k) & ~empty) if code else np.empty(0, dtype=np.int64)
        if rows.size:
            out.append(Problem(rows, code, "id_number"))
    region = np.asarray(
        pc.fill_null(checked.region_known, True).to_numpy(zero_copy_only=False), dtype=bool
    )
    unknown = _positions(~region & ~empty)
    if unknown.size:
        out.append(Problem(unknown, "id.region", "id_number"))
    return compact, checked.birth


def check_batch(
    batch: pa.RecordBatch,
    header: Header,
    today: date,
    *,
    find_blank: bool = True,
    memo: dict[str, dict[Any, Any]] | None = None,
) -> Checked:
    """Read and check one batch of roster rows (text columns named by their position,
    ``"0"``, ``"1"`` …, and ``row``) against ``header``.

    Every field of :class:`~edupoverty.records.model.Student` gets a typed column: the
    file's, read and checked, or the field's default where the file has no such column.
    Rows whose cells are all empty are marked ``blank`` (without problems) unless
    ``find_blank`` is false: a source that leaves blank rows out of its batches need not
    look for them. ``memo`` (one per reading of a file) keeps the distinct values each
    column's spelling table has read, so that a value met again in a later batch is not read
    again.

    Examples:
        >>> import pyarrow as pa
        >>> from edupoverty.records.schema import Header, ROSTER
        >>> header = Header(["name", "id_number", "school_code", "stage", "school_location",
        ...                  "boarding"], ROSTER, "r.csv")
        >>> batch = pa.record_batch({"0": ["张三"], "1": ["11010520120307002x"], "2": ["1"],
        ...     "3": ["primary"], "4": ["rural"], "5": ["是"], "row": [2]})
        >>> c = check_batch(batch, header, date(2026, 1, 1))
        >>> c.columns["id_number"].to_pylist(), c.columns["boarding"].to_pylist(), c.problems
        (['11010520120307002X'], [True], [])
    """
    n = batch.num_rows
    index = header.index
    raw = {name: batch.column(str(i)) for name, i in index.items()}
    blank = np.zeros(n, dtype=bool)
    if find_blank:
        blank[:] = True
        for i in range(header.width):
            blank &= _empty_mask(batch.column(str(i)))
    problems: list[Problem] = []
    out: dict[str, pa.Array] = {}
    stage_idx: np.ndarray[Any, Any] | None = None
    stages: list[Any] = []
    for column in ROSTER:
        name = column.name
        values = raw.get(name)
        if name in ("name", "id_number", "student_number", "bank_account", "grade"):
            continue
        if values is None:
            out[name] = (
                pa.nulls(n, _TYPES[name])
                if _DEFAULTS.get(name) is None
                else (_arrow(name, [_DEFAULTS[name]]).take(pa.array(np.zeros(n, dtype=np.int64))))
            )
            continue
        out[name], indices, distinct = _value_column(
            name, values, problems, memo.setdefault(name, {}) if memo is not None else {}
        )
        if name == "stage":
            stage_idx, stages = indices, distinct
    grade = raw.get("grade")
    out["grade"] = (
        _grades(grade, stage_idx, stages, n, problems)
        if grade is not None
        else pa.nulls(n, pa.int64())
    )
    if grade is None and stage_idx is not None and Stage.VOCATIONAL in stages:
        k = stages.index(Stage.VOCATIONAL)
        rows = _positions(stage_idx == k)
        if rows.size:
            problems.append(Problem(rows, "field.missing", "grade"))
    out["name"] = _text_column("name", raw["name"], _PLAIN_NAME, True, problems)
    out["id_number"], birth = _ids(raw["id_number"], today, problems)
    number = raw.get("student_number")
    out["student_number"] = (
        _text_column("student_number", number, _PLAIN_TEXT, False, problems)
        if number is not None
        else pa.nulls(n, pa.string())
    )
    account = raw.get("bank_account")
    out["bank_account"] = (
        _account(account, problems) if account is not None else pa.nulls(n, pa.string())
    )
    # a blank row has no problems: it is counted apart
    if blank.any():
        keep = ~blank
        problems = [
            Problem(p.rows[keep[p.rows]], p.code, p.field, p.detail_zh, p.detail_en)
            for p in problems
            if keep[p.rows].any()
        ]
    return Checked(out, batch.column("row"), blank, problems, birth)


def age_stage(
    birth: pa.Array, stage: pa.Array, school_year: int
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.int64]]]:
    """Rows whose age at 1 September of ``school_year`` (from the birth date) is implausible
    for their stage (:data:`AGE_RANGES`): (positions, ages).

    Examples:
        >>> import pyarrow as pa
        >>> rows, ages = age_stage(pa.array([date(2012, 3, 7), date(2000, 1, 1)]),
        ...                        pa.array(["primary", "primary"]), 2019)
        >>> rows.tolist(), ages.tolist()
        ([1], [19])
    """
    days = np.asarray(birth.cast(pa.int32()).to_numpy(zero_copy_only=False), dtype=np.float64)
    known = ~np.isnan(days)
    stamp = np.where(known, days, 0).astype("datetime64[D]")
    year = stamp.astype("datetime64[Y]").astype(np.int64) + 1970
    month_start = stamp.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day = (stamp - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    after = (month > 9) | ((month == 9) & (day > 1))
    age = school_year - year - after.astype(np.int64)
    lo = np.full(len(days), -1, dtype=np.int64)
    hi = np.full(len(days), 10_000, dtype=np.int64)
    stage_values = stage.to_pylist() if len(stage) < 64 else None
    if stage_values is None:
        encoded = pc.dictionary_encode(stage)
        idx = encoded.indices.to_numpy(zero_copy_only=False)
        for k, value in enumerate(encoded.dictionary.to_pylist()):
            if value is not None:
                a, b = AGE_RANGES[_STAGE[value]]
                lo[idx == k], hi[idx == k] = a, b
    else:
        for i, value in enumerate(stage_values):
            if value is not None:
                lo[i], hi[i] = AGE_RANGES[_STAGE[value]]
    bad = known & ((age < lo) | (age > hi))
    rows = _positions(bad)
    return rows, age[rows]


def age_finding(row: int, age: int, stage: Stage, source: str | None = None) -> Finding:
    """The ``row.age_stage`` warning of a row whose age is implausible for its stage.

    Examples:
        >>> age_finding(2, 7, Stage.SENIOR).message_en
        'row 2, id_number: age 7 at the start of the school year is implausible for stage senior'
    """
    return finding(
        "row.age_stage",
        row=row,
        field="id_number",
        source=source,
        age=age,
        stage=stage.value,
        stage_zh=stage.zh,
    )
