"""Eligibility declarations: a small fixed vocabulary evaluated by pure functions (资助条件).

A programme's ``eligibility`` table (and each amount case's ``when`` table) in a policy TOML
file uses only these keys, all of which must hold (AND); ``any_of`` is a list of such tables
of which one must hold (OR). Nothing is evaluated as code: no ``eval``, no expressions.

==========================  =========================================================
key                         holds when the student …
==========================  =========================================================
``stage``                   is at one of these stages (``primary``, ``senior`` …)
``grade_min``/``grade_max`` is in a grade within the range (grade unknown: fails)
``school_location``         studies at a school located in one of these
``ownership``               studies at a ``public`` / ``private`` school
``residence``               has one of these household registrations (unknown: fails)
``hukou_province``          has household registration in one of these provinces
``statuses_any``            has at least one of these statuses
``statuses_all``            has all of these statuses
``statuses_none``           has none of these statuses
``boarding`` … (booleans)   ``true``: the roster says yes; ``false``: it does not say yes
``any_of``                  satisfies at least one of the listed tables
==========================  =========================================================

The boolean keys are ``boarding``, ``special_education``, ``full_time``,
``official_enrolment``, ``inclusive_kindergarten``, ``agri_major``,
``performing_arts_major``, ``contiguous_poverty_area``, ``outstanding``,
``independent_college`` and ``studying_abroad``. Statuses are the ids of RULES.md §1, plus
``difficult``: "financially difficult" as the profile defines it (R-ST-2: the profile's
``difficulty_statuses``).

Examples:
    >>> from edupoverty.records import Stage, SchoolLocation, Student
    >>> cond = parse_condition({"stage": ["primary", "junior"], "boarding": True}, "f", "k")
    >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
    ...             stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL, boarding=True)
    >>> ok, held, failed = evaluate(cond, s, frozenset())
    >>> ok, [str(x) for x in held], failed
    (True, ['学段为初中或小学', '寄宿生'], None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen

from edupoverty.errors import PolicyError
from edupoverty.records.enums import Ownership, Residence, SchoolLocation, Stage, Status
from edupoverty.records.model import Student

__all__ = [
    "BOOLEAN_KEYS",
    "CONDITION_KEYS",
    "DIFFICULT",
    "Condition",
    "Label",
    "condition_fields",
    "evaluate",
    "parse_condition",
    "student_statuses",
]

DIFFICULT = "difficult"
"""The pseudo-status "financially difficult" as the profile defines it (R-ST-2)."""

BOOLEAN_KEYS: tuple[str, ...] = (
    "boarding",
    "special_education",
    "full_time",
    "official_enrolment",
    "inclusive_kindergarten",
    "agri_major",
    "performing_arts_major",
    "contiguous_poverty_area",
    "outstanding",
    "independent_college",
    "studying_abroad",
)
"""The boolean keys of the vocabulary (roster fields of the same name)."""

_ENUM_KEYS: dict[str, tuple[str, type[Any]]] = {
    "stage": ("stage", Stage),
    "school_location": ("school_location", SchoolLocation),
    "ownership": ("school_ownership", Ownership),
    "residence": ("residence", Residence),
}

CONDITION_KEYS: frozenset[str] = frozenset(
    {
        *BOOLEAN_KEYS,
        *_ENUM_KEYS,
        "grade_min",
        "grade_max",
        "hukou_province",
        "statuses_any",
        "statuses_all",
        "statuses_none",
        "any_of",
    }
)
"""Every key an eligibility table may use."""

_STATUS_IDS = frozenset({s.value for s in Status} | {DIFFICULT})


@frozen
class Label:
    """One eligibility condition in words, in Chinese and English (for explanations).

    ``str()`` gives the Chinese text.

    Examples:
        >>> label = parse_condition({"stage": ["primary", "junior"]}, "f", "k").describe()[0]
        >>> label.zh, label.en
        ('学段为初中或小学', 'stage is junior or primary')
        >>> str(label)
        '学段为初中或小学'
    """

    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh

    def text(self, lang: str = "zh") -> str:
        """The label in ``"zh"`` or ``"en"``."""
        return self.en if lang == "en" else self.zh


@frozen
class Condition:
    """A parsed eligibility table: ``None`` means "no constraint" for that key.

    Examples:
        >>> Condition().describe()
        ()
        >>> [str(x) for x in parse_condition({"grade_min": 1, "grade_max": 2}, "f", "k").describe()]
        ['1至2年级']
    """

    stage: frozenset[Stage] | None = None
    school_location: frozenset[SchoolLocation] | None = None
    ownership: frozenset[Ownership] | None = None
    residence: frozenset[Residence] | None = None
    grade_min: int | None = None
    grade_max: int | None = None
    hukou_province: tuple[str, ...] | None = None
    statuses_any: frozenset[str] | None = None
    statuses_all: frozenset[str] | None = None
    statuses_none: frozenset[str] | None = None
    booleans: tuple[tuple[str, bool], ...] = ()
    any_of: tuple[Condition, ...] = ()
    checks: tuple[tuple[Label, str, Any, Any], ...] = ()

    @property
    def labels(self) -> tuple[Label, ...]:
        """The constraints in words, in the order they are checked."""
        return tuple(c[0] for c in self.checks)

    def describe(self) -> tuple[Label, ...]:
        """The constraints in words (:class:`Label`), in the order they are checked."""
        return self.labels


# Words for each key (Chinese, English), R-… conditions as an officer reads them.
_ENUM_WORDS: dict[str, tuple[str, str, str, str]] = {
    # key: (zh prefix, en prefix, zh joiner, en joiner)
    "stage": ("学段为", "stage is ", "或", " or "),
    "school_location": ("学校位于", "the school is in a ", "或", " or "),
    "ownership": ("学校为", "the school is ", "或", " or "),
    "residence": ("户口性质为", "household registration is ", "或", " or "),
}
_ENUM_EN: dict[tuple[str, str], str] = {
    ("school_location", "county_seat"): "county seat",
    ("school_location", "rural"): "village",
    ("stage", "higher_vocational"): "higher vocational",
    ("stage", "vocational"): "secondary vocational",
    ("stage", "senior"): "senior secondary",
}
_BOOLEAN_WORDS: dict[str, tuple[str, str, str, str]] = {
    # key: (zh if true, en if true, zh if false, en if false)
    "boarding": ("寄宿生", "a boarder", "非寄宿生", "not a boarder"),
    "special_education": ("特殊教育学生", "in special education", "非特殊教育学生",
                          "not in special education"),
    "full_time": ("全日制", "full-time", "非全日制", "not full-time"),
    "official_enrolment": ("有正式学籍", "officially enrolled (正式学籍)", "无正式学籍",
                           "not officially enrolled"),
    "inclusive_kindergarten": ("就读经县级以上教育部门认定的普惠性幼儿园",
                               "at an approved inclusive kindergarten",
                               "不在普惠性幼儿园", "not at an approved inclusive kindergarten"),
    "agri_major": ("涉农专业", "in an agriculture-related major", "非涉农专业",
                   "not in an agriculture-related major"),
    "performing_arts_major": ("艺术类相关表演专业", "in a performing-arts major",
                              "非艺术类相关表演专业", "not in a performing-arts major"),
    "contiguous_poverty_area": ("来自连片特困地区", "from a contiguous extreme-poverty area",
                                "不是来自连片特困地区",
                                "not from a contiguous extreme-poverty area"),
    "outstanding": ("品学兼优", "outstanding", "未评为优秀", "not rated outstanding"),
    "independent_college": ("就读独立学院", "at an independent college", "不在独立学院",
                            "not at an independent college"),
    "studying_abroad": ("在境外学习", "studying abroad", "在境内学习", "studying in China"),
}
_STATUS_WORDS: dict[str, tuple[str, str]] = {
    "registered_poor": ("建档立卡贫困户学生", "from a registered-poor household"),
    "financial_difficulty": ("经认定的家庭经济困难学生", "recognised as financially difficult"),
    "subsistence_allowance": ("低保家庭学生", "from a subsistence-allowance (低保) household"),
    "extreme_poverty_support": ("特困供养学生", "an extreme-poverty support recipient"),
    "orphan": ("孤儿", "an orphan"),
    "disabled": ("残疾学生", "disabled"),
    "left_behind": ("留守儿童", "a left-behind child"),
    "hardship_child": ("困境儿童", "a child in hardship"),
    DIFFICULT: ("家庭经济困难", "financially difficult"),
}
_STATUS_ORDER = (DIFFICULT, *(s.value for s in Status))


def _statuses(values: frozenset[str]) -> list[str]:
    return [s for s in _STATUS_ORDER if s in values]


def _or(parts: list[str], zh: bool) -> str:
    if zh:
        return "、".join(parts[:-1]) + ("或" if len(parts) > 1 else "") + parts[-1]
    return ", ".join(parts[:-1]) + (" or " if len(parts) > 1 else "") + parts[-1]


def _and(parts: list[str], zh: bool) -> str:
    if zh:
        return "、".join(parts)
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def _enum_label(name: str, members: frozenset[Any]) -> Label:
    zh_pre, en_pre, zh_join, en_join = _ENUM_WORDS[name]
    ordered = sorted(members, key=lambda m: str(m.value))
    zh = zh_join.join(m.zh for m in ordered)
    en = en_join.join(_ENUM_EN.get((name, m.value), m.value.replace("_", " ")) for m in ordered)
    return Label(zh_pre + zh, en_pre + en)


def _status_label(kind: str, values: frozenset[str]) -> Label:
    ids = _statuses(values)
    zh = [_STATUS_WORDS[i][0] for i in ids]
    en = [_STATUS_WORDS[i][1] for i in ids]
    if kind == "statuses_any":
        return Label(_or(zh, True), _or(en, False))
    if kind == "statuses_all":
        return Label("同时为" + _and(zh, True), _and(en, False))
    return Label("不是" + _or(zh, True), "not " + _or(en, False))


def _names(values: frozenset[Any] | tuple[str, ...]) -> str:
    return "、".join(str(getattr(v, "value", v)) for v in values)


def parse_condition(table: Mapping[str, Any], file: str, key: str) -> Condition:
    """Parse one eligibility table of a policy file; :class:`PolicyError` on anything unknown.

    Examples:
        >>> parse_condition({"colour": "red"}, "x.toml", "programme.a.eligibility")
        Traceback (most recent call last):
        ...
        edupoverty.errors.PolicyError: policy.invalid: x.toml: programme.a.eligibility.colour: ...
        >>> parse_condition({"statuses_any": ["rich"]}, "x.toml", "e")
        Traceback (most recent call last):
        ...
        edupoverty.errors.PolicyError: policy.invalid: x.toml: e.statuses_any: 未知的身份 rich / ...
        >>> [x.en for x in parse_condition({"statuses_any": ["difficult", "orphan"]}, "f", "k")
        ...  .describe()]
        ['financially difficult or an orphan']
    """
    if not isinstance(table, Mapping):
        raise PolicyError(file, key, "应为表", "must be a table")
    kwargs: dict[str, Any] = {}
    checks: list[tuple[Label, str, Any, Any]] = []
    booleans: list[tuple[str, bool]] = []
    for name, value in table.items():
        where = f"{key}.{name}"
        if name not in CONDITION_KEYS:
            raise PolicyError(file, where, "未知的条件键", "unknown condition key")
        if name in _ENUM_KEYS:
            field, enum = _ENUM_KEYS[name]
            items = _list(value, file, where)
            try:
                kwargs[name] = frozenset(enum(v) for v in items)
            except ValueError:
                raise PolicyError(file, where, "未知的取值", "unknown value") from None
            checks.append((_enum_label(name, kwargs[name]), "enum", field, kwargs[name]))
        elif name in ("grade_min", "grade_max"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise PolicyError(file, where, "应为正整数", "must be a positive integer")
            kwargs[name] = value
        elif name == "hukou_province":
            kwargs[name] = tuple(str(v) for v in _list(value, file, where))
            names = _names(kwargs[name])
            label = Label(f"户籍在{names}", f"household registered in {names}")
            checks.append((label, "hukou", kwargs[name], None))
        elif name.startswith("statuses_"):
            items = _list(value, file, where)
            for v in items:
                if v not in _STATUS_IDS:
                    raise PolicyError(file, where, f"未知的身份 {v}", f"unknown status {v}")
            kwargs[name] = frozenset(items)
            checks.append((_status_label(name, kwargs[name]), name, kwargs[name], None))
        elif name in BOOLEAN_KEYS:
            if not isinstance(value, bool):
                raise PolicyError(file, where, "应为 true 或 false", "must be true or false")
            booleans.append((name, value))
            words = _BOOLEAN_WORDS[name]
            label = Label(words[0], words[1]) if value else Label(words[2], words[3])
            checks.append((label, "bool", name, value))
        else:  # any_of
            subs = _list(value, file, where)
            kwargs["any_of"] = tuple(
                parse_condition(sub, file, f"{where}[{i}]") for i, sub in enumerate(subs)
            )
            zh = "；或".join("且".join(x.zh for x in c.labels) for c in kwargs["any_of"])
            en = "; or ".join(" and ".join(x.en for x in c.labels) for c in kwargs["any_of"])
            label = Label(f"满足其一：{zh}", f"one of: {en}")
            checks.append((label, "or", kwargs["any_of"], None))
    if "grade_min" in kwargs or "grade_max" in kwargs:
        lo, hi = kwargs.get("grade_min", 1), kwargs.get("grade_max")
        label = (
            Label(f"{lo}至{hi}年级", f"grade {lo} to {hi}")
            if hi is not None
            else Label(f"{lo}年级及以上", f"grade {lo} or above")
        )
        checks.append((label, "grade", lo, hi))
    return Condition(**kwargs, booleans=tuple(booleans), checks=tuple(checks))


def _list(value: Any, file: str, where: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise PolicyError(file, where, "应为非空列表", "must be a non-empty list")
    return value


def student_statuses(student: Student, difficulty_statuses: frozenset[str]) -> frozenset[str]:
    """The status ids of ``student``, plus ``difficult`` if one of ``difficulty_statuses``
    (the profile's, R-ST-2; the seed's are ``registered_poor`` and ``financial_difficulty``)
    holds.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> s = Student(name="李四", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.SENIOR, school_location=SchoolLocation.TOWN,
        ...             registered_poor=True)
        >>> sorted(student_statuses(s, frozenset({"registered_poor"})))
        ['difficult', 'registered_poor']
    """
    ids = {s.value for s in student.statuses()}
    if ids & difficulty_statuses:
        ids.add(DIFFICULT)
    return frozenset(ids)


def evaluate(
    cond: Condition,
    student: Student,
    difficulty_statuses: frozenset[str],
    statuses: frozenset[str] | None = None,
) -> tuple[bool, tuple[Label, ...], Label | None]:
    """Check ``cond`` against ``student``: ``(holds, labels that held, first label that failed)``.

    ``statuses`` may pass :func:`student_statuses` already computed.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> s = Student(name="王五", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.JUNIOR, school_location=SchoolLocation.COUNTY_SEAT)
        >>> c = parse_condition({"school_location": ["town", "rural"]}, "f", "k")
        >>> ok, held, failed = evaluate(c, s, frozenset())
        >>> ok, held, failed.zh, failed.en
        (False, (), '学校位于乡村或镇区', 'the school is in a village or town')
    """
    if statuses is None:
        statuses = student_statuses(student, difficulty_statuses)
    held: list[Label] = []
    for label, kind, a, b in cond.checks:
        if not _holds(kind, a, b, student, statuses):
            return False, tuple(held), label
        if kind == "statuses_any" and DIFFICULT in a and DIFFICULT in statuses:
            # Say which status made the student "financially difficult" (R-ST-2).
            why = _statuses(statuses & difficulty_statuses)
            label = Label(
                f"{label.zh}（{'、'.join(_STATUS_WORDS[w][0] for w in why)}，R-ST-2）",
                f"{label.en} ({', '.join(_STATUS_WORDS[w][1] for w in why)}, R-ST-2)",
            )
        held.append(label)
    return True, tuple(held), None


def _holds(kind: str, a: Any, b: Any, student: Student, statuses: frozenset[str]) -> bool:
    if kind == "enum":
        return getattr(student, a) in b
    if kind == "bool":
        return (getattr(student, a) is True) is b
    if kind == "statuses_any":
        return not statuses.isdisjoint(a)
    if kind == "statuses_all":
        return bool(a <= statuses)
    if kind == "statuses_none":
        return statuses.isdisjoint(a)
    if kind == "grade":
        g = student.grade
        return g is not None and g >= a and (b is None or g <= b)
    if kind == "hukou":
        prov = student.hukou_province
        return prov is not None and any(prov.startswith(p) for p in a)
    # "or": one of the alternatives holds
    return any(all(_holds(k, x, y, student, statuses) for _, k, x, y in sub.checks) for sub in a)


def condition_fields(cond: Condition) -> frozenset[str]:
    """The :class:`Student` fields ``cond`` reads; a status condition reads ``status:<id>``
    (``status:difficult`` for the profile's financially difficult statuses).

    Examples:
        >>> sorted(condition_fields(parse_condition(
        ...     {"stage": ["senior"], "any_of": [{"boarding": True}, {"grade_min": 2}]}, "f", "k")))
        ['boarding', 'grade', 'stage']
    """
    out: set[str] = set()
    for _, kind, a, _b in cond.checks:
        if kind in ("enum", "bool"):
            out.add(a)
        elif kind == "grade":
            out.add("grade")
        elif kind == "hukou":
            out.add("hukou_province")
        elif kind.startswith("statuses_"):
            out.update(f"status:{x}" for x in a)
        else:
            for sub in a:
                out |= condition_fields(sub)
    return frozenset(out)
