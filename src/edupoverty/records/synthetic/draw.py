"""How a synthetic roster's rows are drawn (合成数据的抽样): the schools, the people, the cells.

:func:`draw` yields, a batch of rows at a time, each column twice: typed as
:data:`~edupoverty.records.columns.STUDENT_SCHEMA` says (what a reader should make of the row)
and as the text a school writes in the cell. A roster's *world* (its counties and schools, each
school with its stage, location, fees and its own way of writing 是/否, dates and amounts) is
drawn first from the seed; every row then draws its school (bigger schools more often), grade,
age, birth day, home county, name, statuses and flags, fees and enrolment dates independently.

Examples:
    >>> typed, text = next(draw(3, seed=1))
    >>> text["stage"].to_pylist() == [s for s in text["stage"].to_pylist() if s]
    True
    >>> typed["row"].to_pylist()
    [2, 3, 4]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, Literal, NamedTuple, TypedDict

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.errors import InputError
from edupoverty.records.columns import MONEY
from edupoverty.records.enums import DifficultyLevel, Residence, SchoolLocation, Stage
from edupoverty.records.idcard import PROVINCES, calc_check_digit

__all__ = ["BATCH", "DEFECTS", "Columns", "Defects", "Options", "draw"]

DEFECTS: tuple[str, ...] = (
    "id.length",
    "id.format",
    "id.checksum",
    "id.birth_date",
    "id.region",
    "field.missing",
    "field.invalid",
    "row.age_stage",
    "report.duplicate",
)
"""Defect classes that can be planted, named by the finding code they cause."""


class Options(TypedDict, total=False):
    """Keyword options of the generating functions; each reads those that concern it.

    ``school_year`` (default 2019): the year whose 1 September ages, grades and dates fit.
    ``schools``: how many schools (default one per 150 rows; at least 7, one per stage).
    ``repeated``: ``None`` (default) draws every row apart; ``P`` repeats ``P`` profiles.
    ``headers``: the language of the header row, ``"zh"`` (the default of files) or ``"en"``
    (of tables). ``encoding`` of CSV files: ``"utf-8-sig"`` (default: UTF-8 with the
    byte-order mark Excel writes), ``"gb18030"`` (what WPS on Chinese Windows writes), or any
    other Python codec.

    Examples:
        >>> sorted(Options.__annotations__)
        ['encoding', 'headers', 'repeated', 'school_year', 'schools']
    """

    school_year: int
    schools: int | None
    repeated: int | None
    headers: Literal["zh", "en"]
    encoding: str


Defects = Mapping[str, float] | None
"""Defect class → the share of rows that carry it."""

Columns = dict[str, pa.Array]
"""Columns of a batch of rows, by field name."""

BATCH = 65_536
"""Rows drawn at a time."""

_Arr = npt.NDArray[Any]
_EPOCH = date(1970, 1, 1).toordinal()
_NULL = np.iinfo(np.int64).min


class _Stage(NamedTuple):
    stage: Stage
    pupils: float  # share of the pupils
    schools: float  # share of the schools
    first_age: int  # age at 1 September of the first year
    years: int
    kind: str  # the end of a school's name
    locations: tuple[float, ...]  # shares of rural, town, county-seat and city schools
    boarders: tuple[float, ...]  # share of boarders at each location


_STAGES = (
    _Stage(Stage.PRESCHOOL, 0.15, 0.30, 3, 3, "幼儿园", (0.45, 0.25, 0.2, 0.1), (0, 0, 0, 0)),
    _Stage(Stage.PRIMARY, 0.45, 0.45, 6, 6, "小学", (0.45, 0.25, 0.2, 0.1), (0.3, 0.2, 0.05, 0)),
    _Stage(Stage.JUNIOR, 0.22, 0.14, 12, 3, "中学", (0.25, 0.4, 0.25, 0.1), (0.6, 0.5, 0.3, 0.1)),
    _Stage(Stage.SENIOR, 0.09, 0.05, 15, 3, "高级中学", (0, 0.15, 0.6, 0.25), (0.7, 0.7, 0.6, 0.4)),
    _Stage(Stage.VOCATIONAL, 0.06, 0.04, 15, 3, "职业中专", (0, 0.15, 0.6, 0.25), (0.7,) * 4),
    _Stage(Stage.HIGHER_VOCATIONAL, 0.015, 0.01, 18, 3, "职业学院", (0, 0, 0.2, 0.8), (0.9,) * 4),
    _Stage(Stage.UNDERGRADUATE, 0.015, 0.01, 18, 4, "大学", (0, 0, 0.2, 0.8), (0.95,) * 4),
)
_PUPILS = np.array([s.pupils for s in _STAGES]) / sum(s.pupils for s in _STAGES)
_SCHOOLS = np.array([s.schools for s in _STAGES]) / sum(s.schools for s in _STAGES)
_FIRST_AGE = np.array([s.first_age for s in _STAGES])
_YEARS = np.array([s.years for s in _STAGES])
_BOARDERS = np.array([s.boarders for s in _STAGES])
_PRE, _PRI, _JUN, _SEN, _VOC, _HVOC, _UG = range(7)
_LOCATIONS = (
    SchoolLocation.RURAL,
    SchoolLocation.TOWN,
    SchoolLocation.COUNTY_SEAT,
    SchoolLocation.CITY,
)
# tuition per school year (lowest, highest, step) of public and of private schools; None: free
_TUITION = (
    ((600, 3000, 60), (1800, 12000, 200)),
    (None, (2000, 15000, 500)),
    (None, (3000, 18000, 500)),
    ((400, 3000, 50), (4000, 16000, 500)),
    ((1000, 3500, 100), (3000, 9000, 200)),
    ((3000, 8000, 100), (8000, 16000, 500)),
    ((3000, 7000, 100), (12000, 20000, 500)),
)
_ACCOMMODATION = (100, 1500, 10)


def _texts(words: str) -> pa.Array:
    """A spelling table: the texts of each value (× its variants), then "" (not stated)."""
    return pa.array([*words.split(), ""])


_YES_NO = _texts("是 否 Y N 1 0 √ ×")
_STAGE_TEXT = _texts(
    "学前 学前教育 小学 小学 初中 初级中学 普通高中 高中 中职 中等职业教育 高职 大专 本科 普通高校"
)
_LOCATION_TEXT = _texts("乡村 农村 镇区 乡镇 县城 县城 城区 城市")
_OWNERSHIP_TEXT = _texts("公办 民办")
_RESIDENCE_TEXT = _texts("农村 农业户口 县镇 县镇 城市 城镇")
_DIFFICULTY_TEXT = _texts("特别困难 特别困难 困难 比较困难 一般困难 一般困难")
_TIER_TEXT = _texts("1 一等 2 二等")
_GRADE_WORDS = (
    "小班 中班 大班",
    "一年级 二年级 三年级 四年级 五年级 六年级",
    "初一 初二 初三",
    "高一 高二 高三",
    "一年级 二年级 三年级",
    "一年级 二年级 三年级",
    "大一 大二 大三 大四",
)
# (stage, grade, variant) → the grade as digits or in words
_GRADE_TEXT = pa.array(
    [t for w in _GRADE_WORDS for g in range(6) for t in (str(g + 1), (w.split() * 2)[g])]
)
_DATE_STYLES: tuple[Callable[[date], str], ...] = (
    date.isoformat,
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d:%Y%m%d}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
)
_MONEY_STYLES: tuple[Callable[[int], str], ...] = (
    str,
    "{:,}.00".format,
    "{}.00".format,
    "{}元".format,
)
_COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
)
_SURNAMES = pa.array([*_COMMON_SURNAMES, "欧阳", "司马", "诸葛"])
_SURNAME_P = 1 / (np.arange(len(_SURNAMES)) + 4.0)  # the common surnames first
_SURNAME_P /= _SURNAME_P.sum()
_GIVEN_NAMES = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚秀英桂浩然子涵欣怡梓萱宇轩一诺俊雨思远佳博文"
    "紫妍桐诗墨天佑晨阳昊辰睿泽奕铭若曦可馨语嫣皓晴雪梦琪嘉豪鑫淼晶鹏飞婷玉兰建志华海燕梅"
)
_GIVEN = pa.array([*_GIVEN_NAMES, ""])  # one character of a given name; "" (none) last
_PLACES = np.array(list("东西南北中上下新老石河山林桥沟坪湾塘岭坝营寨集店庄口源泉水峰溪龙凤安平"))
_BANKS = pa.array(["6217", "6228", "6222", "6230", "6214", "6212", "6210", "6231"])
_SHORT = re.compile("(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$")


def _sept1(year: _Arr) -> _Arr:
    """Days since 1970-01-01 of 1 September of each year."""
    months = (np.asarray(year) - 1970).astype("datetime64[Y]").astype("datetime64[M]") + 8
    return months.astype("datetime64[D]").astype(np.int64)


def _render(keys: _Arr, null: _Arr, fmt: Callable[[int], str]) -> pa.Array:
    """The text of each key, formatted once per distinct key ("" where ``null``)."""
    uniq, inverse = np.unique(np.where(null, _NULL, keys), return_inverse=True)
    table = pa.array(["" if k == _NULL else fmt(k) for k in uniq.tolist()], pa.string())
    return table.take(pa.array(inverse.ravel()))


def _spell(table: pa.Array, index: _Arr, null: _Arr | None = None) -> pa.Array:
    """``table[index]``, the last entry ("") where ``null``."""
    index = index if null is None else np.where(null, len(table) - 1, index)
    return table.take(pa.array(np.asarray(index, np.int64)))


def _birth(days: int) -> str:
    return f"{date.fromordinal(_EPOCH + days):%Y%m%d}"


def _day(key: int) -> str:
    return _DATE_STYLES[key % 8](date.fromordinal(_EPOCH + key // 8))


def _money(key: int) -> str:
    return _MONEY_STYLES[key % 4](key // 4)


def _grid(rng: np.random.Generator, spec: tuple[int, int, int], size: int) -> _Arr:
    lo, hi, step = spec
    return lo + step * rng.integers(0, (hi - lo) // step + 1, size)


class _World:
    """The counties and schools a roster's rows are drawn from."""

    def __init__(self, seed: int, schools: int) -> None:
        rng = np.random.default_rng([seed, 0])
        mainland = sorted(c for c in PROVINCES if c < "70")
        home = mainland[int(rng.integers(len(mainland)))]
        nc = self.counties = max(4, min(1000, schools // 20))
        prov = np.where(rng.random(nc) < 0.7, home, rng.choice(mainland, nc))
        codes = np.zeros(nc, np.int64)
        for p in np.unique(prov).tolist():  # county codes, unique within the province
            x = rng.choice(1600, int((prov == p).sum()), replace=False)
            codes[prov == p] = int(p) * 10000 + (1 + x // 40) * 100 + 1 + x % 40
        self.county_code = pa.array([str(c) for c in codes.tolist()])
        names = [PROVINCES[p] for p in prov.tolist()]
        self.province = pa.array([*names, *(_SHORT.sub("", n) for n in names), ""])
        self.contiguous = rng.random(nc) < 0.3
        county_names = ["".join(x) for x in rng.choice(_PLACES, (nc, 2)).tolist()]

        n = max(7, schools)
        stage = rng.choice(7, n, p=_SCHOOLS)
        stage[:7] = np.arange(7)
        loc = np.zeros(n, np.int64)
        for s in range(7):
            loc[stage == s] = rng.choice(4, int((stage == s).sum()), p=_STAGES[s].locations)
        private = rng.random(n) < np.where(stage == _PRE, 0.35, 0.07)
        weight = np.where(prov == home, 4.0, 1.0)
        county = rng.choice(nc, n, p=weight / weight.sum())
        tuition = np.zeros(n, np.int64)
        for s, pair in enumerate(_TUITION):
            for is_private, spec in enumerate(pair):
                at = (stage == s) & (private == bool(is_private))
                tuition[at] = 0 if spec is None else _grid(rng, spec, int(at.sum()))
        tuition[(stage == _PRE) & ~private & (rng.random(n) < 0.3)] = 0
        accommodation = _grid(rng, _ACCOMMODATION, n)
        free = (stage == _PRI) | (stage == _JUN)
        accommodation[free & ~private & (rng.random(n) < 0.8)] = 0
        size = rng.lognormal(0, 0.7, n)
        self.stage, self.location, self.private, self.county = stage, loc, private, county
        self.tuition, self.accommodation = tuition, accommodation
        self.boarders = np.minimum(1, _BOARDERS[stage, loc] * rng.uniform(0.5, 1.5, n))
        self.inclusive = (stage == _PRE) & (rng.random(n) < 0.8)
        self.yes_no = rng.choice(4, n, p=(0.85, 0.05, 0.05, 0.05))  # 是/否, Y/N, 1/0, √/×
        self.date_style = rng.choice(5, n, p=(0.5, 0.25, 0.1, 0.1, 0.05))
        self.money_style = rng.choice(4, n, p=(0.5, 0.2, 0.2, 0.1))
        self.variant = rng.choice(2, (n, 3), p=(0.8, 0.2))  # stage, location, grade spellings
        self.blank = rng.choice((0.0, 0.3, 0.9), n, p=(0.6, 0.3, 0.1))  # "否" left empty
        towns = ["".join(x) for x in rng.choice(_PLACES, (n, 2)).tolist()]
        codes_4 = [f"{codes[c] // 100:04d}" for c in county.tolist()]
        self.code = pa.array(
            [f"{1 + p}{codes_4[i]}{i:05d}" for i, p in enumerate(private.tolist())]
        )
        self.name = pa.array(
            [
                f"{county_names[c]}县{towns[i]}{'镇' if loc[i] < 2 else f'第{i % 9 + 1}'}"
                + _STAGES[s].kind
                for i, (s, c) in enumerate(zip(stage.tolist(), county.tolist(), strict=True))
            ]
        )
        self.by_stage = [np.flatnonzero(stage == s) for s in range(7)]
        self.weight = [size[at] / size[at].sum() for at in self.by_stage]


def _identity(
    world: _World, rng: np.random.Generator, year: int, n: int = 0, fixed: Sequence[_Arr] = ()
) -> dict[str, _Arr]:
    """School, grade, age, birth day, county and sequence number of each row (``fixed``:
    given school, grade and age); no two rows share county, birth day and sequence number."""
    if fixed:
        school, grade, age = fixed
        n = len(school)
    else:
        stage = rng.choice(7, n, p=_PUPILS)
        school = np.zeros(n, np.int64)
        for s in range(7):
            at = stage == s
            school[at] = rng.choice(world.by_stage[s], int(at.sum()), p=world.weight[s])
        grade = 1 + (rng.random(n) * _YEARS[stage]).astype(np.int64)
        late = rng.choice((0, 1, -1, 2), n, p=(0.85, 0.1, 0.03, 0.02))
        age = _FIRST_AGE[stage] + grade - 1 + late
    born = _sept1(year - age) - rng.integers(0, 365, n)  # aged ``age`` on 1 September
    away = rng.integers(0, world.counties, n)
    county = np.where(rng.random(n) < 0.85, world.county[school], away)
    key = county * (1 << 24) + born + (1 << 22)
    order = np.argsort(key, kind="stable")
    first = np.r_[True, key[order][1:] != key[order][:-1]]
    group = np.cumsum(first) - 1
    rank = np.arange(n) - np.flatnonzero(first)[group]
    seq = np.zeros(n, np.int64)
    seq[order] = (rng.integers(0, 1000, int(first.sum()))[group] + rank) % 1000
    return {
        "school": school,
        "grade": grade,
        "age": age,
        "born": born,
        "county": county,
        "seq": seq,
    }


def _person(
    world: _World, ident: dict[str, _Arr], rng: np.random.Generator, year: int, account: _Arr
) -> dict[str, tuple[pa.Array, pa.Array]]:
    """Name, ID number, student number and bank account of each row: (typed, text)."""
    n = len(ident["school"])
    join = pc.binary_join_element_wise
    surname = _SURNAMES.take(pa.array(rng.choice(len(_SURNAMES), n, p=_SURNAME_P)))
    given = rng.integers(0, len(_GIVEN) - 1, (2, n))
    name = join(
        surname, _spell(_GIVEN, given[0]), _spell(_GIVEN, given[1], rng.random(n) < 0.3), ""
    )
    born = _render(ident["born"], np.zeros(n, bool), _birth)
    seq = pc.utf8_lpad(pc.cast(pa.array(ident["seq"]), pa.string()), 3, "0")
    bodies = join(world.county_code.take(pa.array(ident["county"])), born, seq, "").to_pylist()
    ids = pa.array([b + calc_check_digit(b) for b in bodies], pa.string())
    higher = world.stage[ident["school"]] >= _HVOC
    digits = pc.utf8_lpad(pc.cast(pa.array(rng.integers(0, 10**15, n)), pa.string()), 15, "0")
    kind = rng.choice(3, n, p=(0.8, 0.1, 0.1))  # national (G + ID number), temporary, none
    entered = pc.cast(pa.array(year - ident["grade"] + 1), pa.string())
    temporary = join("L", pc.utf8_slice_codeunits(digits, 0, 13), "")
    school_level = pc.if_else(kind == 0, join("G", ids, ""), temporary)
    number = pc.if_else(
        higher, join(entered, pc.utf8_slice_codeunits(digits, 0, 8), ""), school_level
    )
    no_number = pa.array(np.where(higher, rng.random(n) < 0.15, kind == 2))
    short = rng.random(n) < 0.2  # 16 digits instead of 19
    bank = _BANKS.take(pa.array(rng.integers(0, len(_BANKS), n)))
    bank = join(bank, pc.if_else(short, pc.utf8_slice_codeunits(digits, 3, 15), digits), "")
    no_account = pa.array(~account)
    return {
        "name": (name, name),
        "id_number": (ids, ids),
        "student_number": (pc.if_else(no_number, None, number), pc.if_else(no_number, "", number)),
        "bank_account": (pc.if_else(no_account, None, bank), pc.if_else(no_account, "", bank)),
    }


def _rows(
    world: _World, ident: dict[str, _Arr], rng: np.random.Generator, year: int, first_row: int
) -> tuple[Columns, Columns]:
    """The rows of ``ident``: their typed columns and texts."""
    school, grade, county = ident["school"], ident["grade"], ident["county"]
    n = len(school)
    stage, loc, private = world.stage[school], world.location[school], world.private[school]
    typed: Columns = {}
    text: Columns = {}
    r = rng.random
    never = np.zeros(n, bool)

    def put(field: str, value: pa.Array, spelled: pa.Array) -> None:
        typed[field], text[field] = value, spelled

    def flag(field: str, value: _Arr, null: _Arr, default: bool | None = None) -> None:
        """A yes/no column; ``default``: the value of an empty cell (``None``: not stated)."""
        blank = null | (~value & (r(n) < world.blank[school])) if default is False else null
        kept = np.where(null, bool(default), value) if default is not None else value
        typed_value = pa.array(kept, mask=null if default is None else None)
        put(field, typed_value, _spell(_YES_NO, world.yes_no[school] * 2 + ~value, blank))

    def enum(
        field: str, values: Any, texts: pa.Array, index: _Arr, variant: _Arr, null: _Arr
    ) -> None:
        """An enum column: its value, and its spelling ``variant`` (0 or 1)."""
        value = pa.array([v.value for v in values]).take(pa.array(np.where(null, 0, index)))
        put(field, pc.if_else(null, None, value), _spell(texts, index * 2 + variant, null))

    variant = world.variant[school]
    enum("stage", [s.stage for s in _STAGES], _STAGE_TEXT, stage, variant[:, 0], never)
    for field, column in (("school_code", world.code), ("school_name", world.name)):
        put(field, column.take(pa.array(school)), column.take(pa.array(school)))
    put("grade", pa.array(grade), _spell(_GRADE_TEXT, (stage * 6 + grade - 1) * 2 + variant[:, 2]))
    enum("school_location", _LOCATIONS, _LOCATION_TEXT, loc, variant[:, 1], never)
    typed["school_ownership"] = _spell(pa.array(["public", "private"]), private.astype(np.int64))
    unsaid = ~private & (r(n) < world.blank[school])
    text["school_ownership"] = _spell(_OWNERSHIP_TEXT, private, unsaid)
    boarding = (stage != _PRE) & (r(n) < world.boarders[school])
    flag("boarding", boarding, never, False)
    flag("special_education", r(n) < 0.005, never, False)
    flag("inclusive_kindergarten", world.inclusive[school], never, False)
    flag("full_time", (stage < _VOC) | (r(n) < 0.98), r(n) < 0.2, True)
    flag("official_enrolment", r(n) < 0.995, r(n) < 0.1, True)
    flag("agri_major", r(n) < 0.2, stage != _VOC)
    flag("performing_arts_major", r(n) < 0.05, stage != _VOC)
    flag("independent_college", r(n) < 0.1, stage != _UG)
    flag("studying_abroad", r(n) < 0.005, stage != _UG)
    flag("outstanding", r(n) < 0.05, stage < _VOC)

    contiguous = world.contiguous[county]
    poor = r(n) < np.where(contiguous, 0.18, 0.07)
    difficult = poor | (r(n) < 0.12)
    flag("contiguous_poverty_area", contiguous, r(n) < 0.1)
    flag("registered_poor", poor, r(n) < 0.03)
    flag("financial_difficulty", difficult, ~poor & (r(n) < 0.03))
    level = np.where(poor & (r(n) < 0.6), 0, rng.choice(3, n, p=(0.2, 0.5, 0.3)))
    unsaid = ~difficult | (r(n) < 0.1)
    enum("difficulty_level", DifficultyLevel, _DIFFICULTY_TEXT, level, r(n) < 0.3, unsaid)
    no_tier = ~difficult | (stage < _SEN) | (r(n) < 0.2)
    tier = np.where(level == 0, 1, 1 + (r(n) < 0.6))
    put(
        "grant_tier",
        pa.array(tier, mask=no_tier),
        _spell(_TIER_TEXT, tier * 2 - 2 + (r(n) < 0.3), no_tier),
    )
    flag("subsistence_allowance", r(n) < np.where(poor, 0.25, 0.03), r(n) < 0.03)
    flag("extreme_poverty_support", r(n) < 0.005, r(n) < 0.03)
    flag("orphan", r(n) < 0.003, r(n) < 0.03)
    flag("disabled", r(n) < 0.01, r(n) < 0.03)
    flag("left_behind", r(n) < 0.15, (stage > _JUN) | (r(n) < 0.05))
    flag("hardship_child", r(n) < 0.01, (stage > _JUN) | (r(n) < 0.05))
    residence = rng.choice(4, n, p=(0.65, 0.1, 0.2, 0.05))
    enum("residence", Residence, _RESIDENCE_TEXT, residence, r(n) < 0.2, residence == 3)
    province = np.where(r(n) < 0.95, county, rng.integers(0, world.counties, n))
    unsaid = r(n) < 0.05
    full = pc.if_else(unsaid, None, world.province.take(pa.array(province)))
    put(
        "hukou_province",
        full,
        _spell(world.province, province + world.counties * (r(n) < 0.3), unsaid),
    )

    start = _sept1(np.full(n, year))
    came = rng.choice(3, n, p=(0.7, 0.25, 0.05))  # not stated, start of the stage, this year
    began = _sept1(year - grade + 1) + rng.integers(-5, 11, n)
    since = np.where(came == 1, began, start + 1 + rng.integers(0, 300, n))
    left = rng.choice(3, n, p=(0.95, 0.03, 0.02))  # not stated, in the year, summer holiday
    until = start + np.where(left == 1, 14 + rng.integers(0, 290, n), 304 + rng.integers(0, 62, n))
    until = np.where(came > 0, np.maximum(until, since + 14), until)
    for field, days, null in (
        ("enrolled_from", since, came == 0),
        ("enrolled_until", until, left == 0),
    ):
        text[field] = _render(days * 8 + world.date_style[school], null, _day)
        typed[field] = pa.array(days.astype("datetime64[D]"), mask=null)

    factor = rng.choice((100, 80, 90, 110, 120, 150), n, p=(0.9, 0.02, 0.02, 0.02, 0.02, 0.02))
    tuition = world.tuition[school] * factor // 1000 * 10  # some majors pay more or less
    accommodation = world.accommodation[school]
    accommodation = np.where(r(n) < 0.85, accommodation, _grid(rng, _ACCOMMODATION, n))
    for field, yuan, null in (
        ("tuition_fee", tuition, (tuition == 0) | (r(n) < 0.03)),
        ("accommodation_fee", accommodation, ~boarding | (accommodation == 0) | (r(n) < 0.03)),
    ):
        typed[field] = pa.array(yuan.astype(np.int32), mask=null).cast(MONEY)
        text[field] = _render(yuan * 4 + world.money_style[school], null, _money)

    account = (poor & (r(n) < 0.9)) | (difficult & boarding & (r(n) < 0.7)) | (r(n) < 0.2)
    for field, pair in _person(world, ident, rng, year, account).items():
        put(field, *pair)
    typed["row"] = pa.array(np.arange(first_row + 2, first_row + 2 + n))
    return typed, text


def _defect(code: str, i: int, x: float, cells: dict[str, list[str]]) -> bool:
    """Plant ``code`` in row ``i`` (``x``: a uniform draw); whether the ID number changed."""
    ident = cells["id_number"][i]
    bodies = {
        "id.birth_date": ident[:10] + "13" + ident[12:17]  # month 13, or born in the future
        if x < 0.5
        else ident[:6] + "20990601" + ident[14:17],
        "id.region": "99" + ident[2:17],
        # 28 years older (a leap day stays one): too old for any stage, and still unique
        "row.age_stage": ident[:6] + str(int(ident[6:10]) - 28) + ident[10:17],
    }
    wrong = "0123456789X".replace(ident[17], "")[int(x * 10)]
    numbers = {"id.length": ident[:17], "id.format": ident[:10] + "O" + ident[11:]}
    numbers["id.checksum"] = ident[:17] + wrong
    if code in bodies:
        numbers[code] = bodies[code] + calc_check_digit(bodies[code])
    if code in numbers:
        cells["id_number"][i] = numbers[code]
    elif code == "field.missing":
        cells["school_code" if x < 0.5 else "name"][i] = ""
    else:  # field.invalid
        cells["boarding" if x < 0.5 else "stage"][i] = "可能" if x < 0.5 else "研究生"
    return code in numbers


def _plant(text: Columns, rates: Mapping[str, float], rng: np.random.Generator) -> None:
    """Plant each defect class in a share ``rates[code]`` of the rows, at most one changing the
    ID number of a row; a duplicate copies a whole earlier row that carries no defect."""
    n = len(text["id_number"])
    hits = {code: np.flatnonzero(rng.random(n) < rates.get(code, 0)) for code in DEFECTS}
    cells = {
        k: text[k].to_pylist() for k in ("id_number", "name", "school_code", "boarding", "stage")
    }
    marked, id_changed = np.zeros(n, bool), np.zeros(n, bool)
    for code in DEFECTS[:-1]:
        for i, x in zip(hits[code].tolist(), rng.random(len(hits[code])).tolist(), strict=True):
            if not id_changed[i]:
                id_changed[i] = _defect(code, i, x, cells)
        marked[hits[code]] = True
    text.update({k: pa.array(v, pa.string()) for k, v in cells.items()})
    targets = hits["report.duplicate"][~marked[hits["report.duplicate"]]]
    marked[targets] = True
    clean = np.flatnonzero(~marked)
    before = np.searchsorted(clean, targets)  # clean rows above each target
    targets, before = targets[before > 0], before[before > 0]
    if len(targets):
        sources = pa.array(clean[(rng.random(len(targets)) * before).astype(np.int64)])
        mask = np.zeros(n, bool)
        mask[targets] = True
        for k, column in text.items():
            text[k] = pc.replace_with_mask(column, pa.array(mask), column.take(sources))


def draw(
    n: int, seed: int = 0, defects: Defects = None, options: Options | None = None
) -> Iterator[tuple[Columns, Columns]]:
    """The typed columns and the texts of ``n`` rows, :data:`BATCH` rows at a time.

    ``defects`` (applied to the texts only) maps a class of :data:`DEFECTS` to the share of
    rows that carry it; an unknown class or a share outside 0–1 raises
    :class:`~edupoverty.errors.InputError`.

    Examples:
        >>> [len(typed["name"]) for typed, _ in draw(70_000, seed=1)]
        [65536, 4464]
        >>> next(draw(1, defects={"id.typo": 0.1}))
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: ...unknown defect classes: id.typo
    """
    options = options or Options()
    # probabilities of planting each defect class (for the random draws), not money
    rates = {k: float(v) for k, v in (defects or {}).items() if v}
    if set(rates) - set(DEFECTS):
        names = ", ".join(sorted(set(rates) - set(DEFECTS)))
        raise InputError(f"未知的缺陷类别：{names}", f"unknown defect classes: {names}")
    if any(not 0 <= v <= 1 for v in rates.values()):
        raise InputError("缺陷比例应在0到1之间", "defect rates must be between 0 and 1")
    year, repeated, schools = (
        options.get("school_year", 2019),
        options.get("repeated"),
        options.get("schools"),
    )
    if repeated is not None and repeated < 1:
        raise InputError("重复的档案数至少为1", "repeated needs at least one profile")
    world = _World(seed, n // 150 if schools is None else schools)
    rng = np.random.default_rng([seed, 1])
    profiles, pick = None, np.zeros(0, np.int64)
    if repeated is None:
        ident = _identity(world, rng, year, n)
    else:
        prng = np.random.default_rng([seed, 2])
        own = _identity(world, prng, year, repeated)
        profiles = _rows(world, own, prng, year, 0)
        pick = rng.integers(0, repeated, n)
        ident = _identity(
            world, rng, year, fixed=[own[k][pick] for k in ("school", "grade", "age")]
        )
    for start in range(0, n, BATCH):
        crng = np.random.default_rng([seed, 3, start])
        part = {k: v[start : start + BATCH] for k, v in ident.items()}
        if profiles is None:
            typed, text = _rows(world, part, crng, year, start)
        else:  # the profile's columns, a new person
            at = pa.array(pick[start : start + BATCH])
            typed, text = ({k: v.take(at) for k, v in side.items()} for side in profiles)
            account = pc.not_equal(text["bank_account"], "").to_numpy(zero_copy_only=False)
            for field, (value, spelled) in _person(world, part, crng, year, account).items():
                typed[field], text[field] = value, spelled
            typed["row"] = pa.array(np.arange(start + 2, start + 2 + len(at)))
        if rates:
            _plant(text, rates, crng)
        yield typed, text
