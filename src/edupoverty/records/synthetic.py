"""Synthetic rosters: realistic, deterministic, any size (合成数据).

:func:`generate_rows` draws roster rows (English headers, the Chinese value spellings schools
write) from a seeded random generator: valid resident ID numbers whose birth dates fit the
stage and grade, the mix of stages, statuses, school locations and boarders of a rural county,
and optionally a rate of each defect class of the validation report. The same ``seed`` gives
the same rows on every machine and Python version (only :class:`random.Random` draws are
used).

Everything here is invented: names are drawn from common surnames and given names, ID numbers
are made up (with correct check digits), bank accounts are random digits.

The mix (approximate shares, tunable only by editing the tables below): preschool 15 %,
primary 45 %, junior 22 %, senior 9 %, vocational 6 %, higher vocational 1.5 %, undergraduate
1.5 %; 10 % registered-poor; 70 % rural household registration; township and village schools
65 %.

Examples:
    >>> from edupoverty.records.synthetic import generate_rows
    >>> rows = list(generate_rows(3, seed=1))
    >>> len(rows), sorted(rows[0])[:3]
    (3, ['accommodation_fee', 'agri_major', 'bank_account'])
    >>> rows == list(generate_rows(3, seed=1))
    True
"""

from __future__ import annotations

import csv
import os
import random
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from pathlib import Path

from edupoverty.errors import InputError
from edupoverty.records.enums import (
    DifficultyLevel,
    Ownership,
    Residence,
    SchoolLocation,
    Stage,
)
from edupoverty.records.idcard import calc_check_digit
from edupoverty.records.model import Student
from edupoverty.records.roster import COLUMNS

__all__ = ["DEFECTS", "HEADER", "generate_rows", "students", "write_roster_csv"]

HEADER: tuple[str, ...] = tuple(COLUMNS)
"""The English headers of a generated roster, in column order (the fields of ROSTER.md)."""

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
"""Defect classes :func:`generate_rows` can plant, named by the finding code they cause."""

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
_GIVEN: tuple[str, ...] = (
    *"伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚",
    *("秀英", "桂英", "浩然", "子涵", "欣怡", "梓萱", "宇轩", "一诺", "俊杰", "雨涵", "思远"),
    *("佳怡", "博文", "紫涵", "梓涵", "浩宇", "子轩", "欣妍", "雨桐", "诗涵", "子墨", "天佑"),
)

# (address code, province name, contiguous poverty area): invented counties of real provinces.
_COUNTIES = (
    ("341321", "安徽省", False),
    ("341322", "安徽省", False),
    ("430281", "湖南省", False),
    ("520321", "贵州省", True),
    ("450121", "广西壮族自治区", True),
    ("130125", "河北省", False),
    ("610524", "陕西省", True),
    ("421121", "湖北省", False),
)

# stage, share, first age (at 1 September of the first year), years in the stage
_STAGES = (
    (Stage.PRESCHOOL, 0.15, 3, 3),
    (Stage.PRIMARY, 0.45, 6, 6),
    (Stage.JUNIOR, 0.22, 12, 3),
    (Stage.SENIOR, 0.09, 15, 3),
    (Stage.VOCATIONAL, 0.06, 15, 3),
    (Stage.HIGHER_VOCATIONAL, 0.015, 18, 3),
    (Stage.UNDERGRADUATE, 0.015, 18, 4),
)
_LOCATIONS = (
    (SchoolLocation.RURAL, 0.40),
    (SchoolLocation.TOWN, 0.25),
    (SchoolLocation.COUNTY_SEAT, 0.25),
    (SchoolLocation.CITY, 0.10),
)
_STAGE_SPELLING = {
    Stage.PRESCHOOL: ("学前", "学前"),
    Stage.PRIMARY: ("小学", "primary"),
    Stage.JUNIOR: ("初中", "初中"),
    Stage.SENIOR: ("普通高中", "高中"),
    Stage.VOCATIONAL: ("中职", "中等职业教育"),
    Stage.HIGHER_VOCATIONAL: ("高职", "高职"),
    Stage.UNDERGRADUATE: ("本科", "普通高校"),
}
_CN_GRADE = {
    Stage.PRIMARY: ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级"),
    Stage.JUNIOR: ("初一", "初二", "初三"),
    Stage.SENIOR: ("高一", "高二", "高三"),
}
_FEES = {
    Stage.SENIOR: ("800", "1,200.00", "1500"),
    Stage.VOCATIONAL: ("2000", "2,400"),
    Stage.HIGHER_VOCATIONAL: ("4500", "5000"),
    Stage.UNDERGRADUATE: ("4,500.00", "5200"),
}


def _cum(pairs: tuple[tuple[object, float], ...]) -> list[tuple[float, object]]:
    out, total = [], 0.0
    for item, share in pairs:
        total += share
        out.append((total, item))
    return out


_STAGE_CUM = _cum(tuple((s, share) for s, share, _, _ in _STAGES))
_STAGE_INFO = {s: (age, years) for s, _, age, years in _STAGES}
_LOC_CUM = _cum(_LOCATIONS)


def _pick(cum: list[tuple[float, object]], x: float) -> object:
    for bound, item in cum:
        if x < bound:
            return item
    return cum[-1][1]


def _yn(flag: bool) -> str:
    return "是" if flag else "否"


def _make_id(region: str, born: date, seq: int) -> str:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + calc_check_digit(body)


_School = tuple[str, str, Ownership, int]  # code, name, ownership, county index


def _schools(rng: random.Random) -> dict[tuple[Stage, SchoolLocation], list[_School]]:
    """A county's schools: each with its code, name, ownership and county (a roster mostly
    covers one county: three quarters of the schools are in the first county)."""
    names = {
        SchoolLocation.RURAL: "村",
        SchoolLocation.TOWN: "镇",
        SchoolLocation.COUNTY_SEAT: "县",
        SchoolLocation.CITY: "市",
    }
    kinds = {
        Stage.PRESCHOOL: "幼儿园",
        Stage.PRIMARY: "小学",
        Stage.JUNIOR: "中学",
        Stage.SENIOR: "高级中学",
        Stage.VOCATIONAL: "职业中专",
        Stage.HIGHER_VOCATIONAL: "职业技术学院",
        Stage.UNDERGRADUATE: "大学",
    }
    out: dict[tuple[Stage, SchoolLocation], list[_School]] = {}
    code = 3413210001
    for stage, *_ in _STAGES:
        for loc, _share in _LOCATIONS:
            count = 12 if stage in (Stage.PRIMARY, Stage.PRESCHOOL) else 4
            lst = []
            for i in range(count):
                owner = Ownership.PRIVATE if rng.random() < 0.08 else Ownership.PUBLIC
                county = 0 if rng.random() < 0.75 else 1 + int(rng.random() * (len(_COUNTIES) - 1))
                lst.append((f"{code:010d}", f"第{i + 1}{names[loc]}{kinds[stage]}", owner, county))
                code += 1
            out[stage, loc] = lst
    return out


def generate_rows(
    n: int,
    seed: int = 0,
    defects: Mapping[str, float] | None = None,
    *,
    school_year: int = 2019,
) -> Iterator[dict[str, str]]:
    """Yield ``n`` roster rows (dicts keyed by :data:`HEADER`) for ``school_year``.

    ``defects`` maps a defect class of :data:`DEFECTS` to the share of rows that carry it
    (each class drawn independently), e.g. ``{"id.checksum": 0.01}``. Unknown classes raise
    ``ValueError``.

    Examples:
        >>> from edupoverty.records import idcard
        >>> rows = list(generate_rows(200, seed=7))
        >>> all(idcard.is_valid(r["id_number"]) for r in rows)
        True
        >>> bad = list(generate_rows(200, seed=7, defects={"id.checksum": 1.0}))
        >>> any(idcard.is_valid(r["id_number"]) for r in bad)
        False
    """
    rates = dict(defects or {})
    unknown = set(rates) - set(DEFECTS)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise InputError(f"未知的缺陷类别：{names}", f"unknown defect classes: {names}")
    rng = random.Random(seed)
    r = rng.random
    schools = _schools(rng)
    start = date(school_year, 9, 1)
    recent: list[str] = []
    seqs: dict[tuple[str, date], int] = {}
    planted = [(k, v) for k, v in rates.items() if v > 0]
    for i in range(n):
        stage = _pick(_STAGE_CUM, r())
        assert isinstance(stage, Stage)
        first_age, years = _STAGE_INFO[stage]
        grade = 1 + int(r() * years)
        loc = _pick(_LOC_CUM, r())
        assert isinstance(loc, SchoolLocation)
        if stage in (Stage.HIGHER_VOCATIONAL, Stage.UNDERGRADUATE, Stage.SENIOR) and loc in (
            SchoolLocation.RURAL,
            SchoolLocation.TOWN,
        ):
            loc = SchoolLocation.COUNTY_SEAT if r() < 0.7 else SchoolLocation.CITY
        code, sname, owner, county_no = schools[stage, loc][int(r() * len(schools[stage, loc]))]
        if r() < 0.1:  # born elsewhere, or moved in
            county_no = int(r() * len(_COUNTIES))
        county, province, contiguous = _COUNTIES[county_no]
        age = first_age + grade - 1
        born = start - timedelta(days=365 * age + int(r() * 365))
        # sequence numbers are unique per address code and birth date, as on real cards
        seq = seqs.get((county, born), int(r() * 300)) + 1 + int(r() * 3)
        seqs[county, born] = seq
        id_number = _make_id(county, born, seq % 1000)
        poor = r() < 0.10
        difficult = poor or r() < 0.12
        rural_home = r() < 0.70
        boarding = stage not in (Stage.PRESCHOOL,) and (
            r() < (0.45 if loc.below_county_seat or stage.compulsory is False else 0.15)
        )
        spellings = _STAGE_SPELLING[stage]
        row = dict.fromkeys(HEADER, "")
        row["name"] = _SURNAMES[int(r() * len(_SURNAMES))] + _GIVEN[int(r() * len(_GIVEN))]
        row["id_number"] = id_number
        row["student_number"] = "G" + id_number if r() < 0.8 else ""
        row["school_code"] = code
        row["school_name"] = sname
        row["stage"] = spellings[0] if r() < 0.8 else spellings[1]
        cn = _CN_GRADE.get(stage)
        row["grade"] = cn[grade - 1] if cn and r() < 0.3 else str(grade)
        row["special_education"] = _yn(r() < 0.005)
        row["boarding"] = _yn(boarding)
        row["school_location"] = loc.zh
        row["school_ownership"] = owner.zh
        if stage is Stage.PRESCHOOL:
            row["inclusive_kindergarten"] = _yn(r() < 0.8)
        row["residence"] = (Residence.RURAL if rural_home else Residence.URBAN).zh
        row["hukou_province"] = province
        row["full_time"] = "是"
        row["official_enrolment"] = _yn(r() < 0.995)
        if stage is Stage.VOCATIONAL:
            row["agri_major"] = _yn(r() < 0.2)
            row["performing_arts_major"] = _yn(r() < 0.05)
            row["outstanding"] = _yn(r() < 0.05)
        row["contiguous_poverty_area"] = _yn(contiguous)
        row["registered_poor"] = _yn(poor)
        row["financial_difficulty"] = _yn(difficult)
        if difficult:
            row["difficulty_level"] = (
                DifficultyLevel.SPECIAL if poor else DifficultyLevel.ORDINARY
            ).zh
            if stage is Stage.SENIOR:
                row["grant_tier"] = "1" if poor else ("2" if r() < 0.6 else "1")
        row["subsistence_allowance"] = _yn(r() < 0.04)
        row["extreme_poverty_support"] = _yn(r() < 0.005)
        row["orphan"] = _yn(r() < 0.003)
        row["disabled"] = _yn(r() < 0.01)
        if stage.compulsory or stage is Stage.PRESCHOOL:
            row["left_behind"] = _yn(r() < 0.15)
            row["hardship_child"] = _yn(r() < 0.01)
        row["enrolled_from"] = f"{school_year - grade + 1}-09-01"
        if r() < 0.02:
            left = start + timedelta(days=30 + int(r() * 250))
            row["enrolled_until"] = (
                f"{left.year}/{left.month}/{left.day}" if r() < 0.5 else left.isoformat()
            )
        fees = _FEES.get(stage)
        if fees:
            row["tuition_fee"] = fees[int(code) % len(fees)]  # each school sets its fee
            if boarding:
                row["accommodation_fee"] = "600"
        if stage is Stage.UNDERGRADUATE:
            row["independent_college"] = _yn(r() < 0.1)
            row["studying_abroad"] = "否"
        if poor or (difficult and boarding) or r() < 0.05:
            row["bank_account"] = "6217" + "".join(str(int(r() * 10)) for _ in range(15))
        for defect, rate in planted:
            if r() < rate:
                _plant(defect, row, rng, recent, school_year)
        if len(recent) < 64:
            recent.append(row["id_number"])
        elif i % 97 == 0:
            recent[int(r() * 64)] = row["id_number"]
        yield row


def _plant(
    defect: str, row: dict[str, str], rng: random.Random, recent: list[str], year: int
) -> None:
    ident = row["id_number"]
    if defect.startswith("id.") and len(ident) != 18:  # another ID defect came first
        return
    if defect == "id.length":
        row["id_number"] = ident[:17]
    elif defect == "id.format":
        row["id_number"] = ident[:10] + "O" + ident[11:]
    elif defect == "id.checksum":
        wrong = "0123456789X".replace(ident[17], "")
        row["id_number"] = ident[:17] + wrong[int(rng.random() * len(wrong))]
    elif defect == "id.birth_date":
        body = ident[:10] + "13" + ident[12:17] if rng.random() < 0.5 else None
        if body is None:  # a birth date in the future
            body = ident[:6] + "20990601" + ident[14:17]
        row["id_number"] = body + calc_check_digit(body)
    elif defect == "id.region":
        body = "99" + ident[2:17]
        row["id_number"] = body + calc_check_digit(body)
    elif defect == "field.missing":
        row["school_code" if rng.random() < 0.5 else "name"] = ""
    elif defect == "field.invalid":
        if rng.random() < 0.5:
            row["boarding"] = "可能"
        else:
            row["stage"] = "研究生"
    elif defect == "row.age_stage":
        body = ident[:6] + f"{year - 25}0315" + ident[14:17]
        row["id_number"] = body + calc_check_digit(body)
    elif defect == "report.duplicate" and recent:
        row["id_number"] = recent[int(rng.random() * len(recent))]


def write_roster_csv(
    path: str | os.PathLike[str],
    n: int,
    seed: int = 0,
    defects: Mapping[str, float] | None = None,
    encoding: str = "utf-8",
    *,
    school_year: int = 2019,
) -> Path:
    """Write ``n`` generated rows to a CSV file with English headers; return its path.

    ``encoding`` ``"utf-8"``, ``"utf-8-sig"`` (what Excel writes) or ``"gb18030"``
    (what WPS on Chinese Windows writes).

    Examples:
        >>> import tempfile, pathlib
        >>> p = write_roster_csv(pathlib.Path(tempfile.mkdtemp()) / "r.csv", 5, seed=3)
        >>> len(p.read_text("utf-8").splitlines())
        6
    """
    target = Path(path)
    with open(target, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        for row in generate_rows(n, seed, defects, school_year=school_year):
            writer.writerow(row.values())
    return target


def students(
    n: int, seed: int = 0, *, profiles: int = 400, school_year: int = 2019
) -> list[Student]:
    """``n`` valid :class:`~edupoverty.records.model.Student` records, built in memory.

    Fast for benchmarks of the rules: it draws ``profiles`` distinct profiles (everything
    but name, ID number and bank account: a county has a few hundred distinct ones) from
    :func:`generate_rows` and gives each student one of them, with an ID number whose birth
    date fits the profile's stage and grade.

    Examples:
        >>> group = students(1000, seed=2)
        >>> len(group), len({s.id_number for s in group})
        (1000, 1000)
        >>> group == students(1000, seed=2)
        True
    """
    from edupoverty.records.roster import _PROFILE_FIELDS, _SLOT, _build_student, read_rows

    rows = list(generate_rows(profiles, seed, school_year=school_year))
    result = read_rows(HEADER, ([*r.values()] for r in rows), source="synthetic")
    setters = tuple(_SLOT[f] for f in _PROFILE_FIELDS)
    base = [
        (tuple(getattr(p, f) for f in _PROFILE_FIELDS), p.stage, p.grade or 1, p.bank_account)
        for p in result.students
    ]
    rng = random.Random(seed + 1)
    r = rng.random
    start = date(school_year, 9, 1)
    out: list[Student] = []
    append = out.append
    counties = [c for c, _, _ in _COUNTIES]
    names = len(_SURNAMES), len(_GIVEN)
    seqs: dict[tuple[str, date], int] = {}
    for i in range(n):
        values, stage, grade, account = base[int(r() * len(base))]
        first_age, _years = _STAGE_INFO[stage]
        born = start - timedelta(days=365 * (first_age + grade - 1) + int(r() * 365))
        county = counties[int(r() * len(counties))]
        seq = seqs.get((county, born), int(r() * 300)) + 1 + int(r() * 3)
        seqs[county, born] = seq
        ident = _make_id(county, born, seq % 1000)
        name = _SURNAMES[int(r() * names[0])] + _GIVEN[int(r() * names[1])]
        # the values come from a Student read and checked by the roster reader: the fast
        # construction of the reader applies (tests check it equals Student(...))
        append(_build_student(setters, values, name, ident, "G" + ident, account, i + 2))
    return out
