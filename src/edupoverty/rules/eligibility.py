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
    >>> evaluate(cond, s, frozenset())
    (True, ('stage ∈ {junior, primary}', 'boarding = true'), None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from attrs import frozen

from edupoverty.errors import PolicyError
from edupoverty.records.enums import Ownership, Residence, SchoolLocation, Stage, Status
from edupoverty.records.model import Student

__all__ = [
    "BOOLEAN_KEYS",
    "CONDITION_KEYS",
    "DIFFICULT",
    "Condition",
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
class Condition:
    """A parsed eligibility table: ``None`` means "no constraint" for that key.

    Examples:
        >>> Condition().describe()
        ()
        >>> parse_condition({"grade_min": 1, "grade_max": 2}, "f", "k").describe()
        ('grade 1–2',)
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
    labels: tuple[str, ...] = ()
    checks: tuple[tuple[str, str, Any, Any], ...] = ()

    def describe(self) -> tuple[str, ...]:
        """Readable labels of the constraints, in the order they are checked."""
        return self.labels


def _names(values: frozenset[Any] | tuple[str, ...]) -> str:
    return "{" + ", ".join(sorted(str(getattr(v, "value", v)) for v in values)) + "}"


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
    """
    if not isinstance(table, Mapping):
        raise PolicyError(file, key, "应为表", "must be a table")
    kwargs: dict[str, Any] = {}
    labels: list[str] = []
    booleans: list[tuple[str, bool]] = []
    for name, value in table.items():
        where = f"{key}.{name}"
        if name not in CONDITION_KEYS:
            raise PolicyError(file, where, "未知的条件键", "unknown condition key")
        if name in _ENUM_KEYS:
            enum = _ENUM_KEYS[name][1]
            items = _list(value, file, where)
            try:
                kwargs[name] = frozenset(enum(v) for v in items)
            except ValueError:
                raise PolicyError(file, where, "未知的取值", "unknown value") from None
            labels.append(f"{name} ∈ {_names(kwargs[name])}")
        elif name in ("grade_min", "grade_max"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise PolicyError(file, where, "应为正整数", "must be a positive integer")
            kwargs[name] = value
        elif name == "hukou_province":
            kwargs[name] = tuple(str(v) for v in _list(value, file, where))
            labels.append(f"hukou_province ∈ {_names(kwargs[name])}")
        elif name.startswith("statuses_"):
            items = _list(value, file, where)
            for v in items:
                if v not in _STATUS_IDS:
                    raise PolicyError(file, where, f"未知的身份 {v}", f"unknown status {v}")
            kwargs[name] = frozenset(items)
            labels.append(f"{name} {_names(kwargs[name])}")
        elif name in BOOLEAN_KEYS:
            if not isinstance(value, bool):
                raise PolicyError(file, where, "应为 true 或 false", "must be true or false")
            booleans.append((name, value))
            labels.append(f"{name} = {'true' if value else 'false'}")
        else:  # any_of
            subs = _list(value, file, where)
            kwargs["any_of"] = tuple(
                parse_condition(sub, file, f"{where}[{i}]") for i, sub in enumerate(subs)
            )
            labels.append("any of: " + " | ".join("; ".join(c.labels) for c in kwargs["any_of"]))
    if "grade_min" in kwargs or "grade_max" in kwargs:
        lo, hi = kwargs.get("grade_min", 1), kwargs.get("grade_max")
        labels.append(f"grade {lo}–{hi}" if hi is not None else f"grade ≥ {lo}")
    cond = Condition(**kwargs, booleans=tuple(booleans), labels=tuple(labels))
    return attrs.evolve(cond, checks=_compile(cond))


def _compile(cond: Condition) -> tuple[tuple[str, str, Any, Any], ...]:
    """Each label with what to check: ``(label, kind, a, b)``, in label order."""
    wanted = dict(cond.booleans)
    out: list[tuple[str, str, Any, Any]] = []
    for label in cond.labels:
        name = label.split(" ", 1)[0]
        if name in _ENUM_KEYS:
            out.append((label, "enum", _ENUM_KEYS[name][0], getattr(cond, name)))
        elif name == "grade":
            out.append((label, "grade", cond.grade_min or 1, cond.grade_max))
        elif name == "hukou_province":
            out.append((label, "hukou", cond.hukou_province, None))
        elif name in ("statuses_any", "statuses_all", "statuses_none"):
            out.append((label, name, getattr(cond, name), None))
        elif name in BOOLEAN_KEYS:
            out.append((label, "bool", name, wanted[name]))
        else:
            out.append((label, "or", cond.any_of, None))
    return tuple(out)


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
) -> tuple[bool, tuple[str, ...], str | None]:
    """Check ``cond`` against ``student``: ``(holds, labels that held, first label that failed)``.

    ``statuses`` may pass :func:`student_statuses` already computed.

    Examples:
        >>> from edupoverty.records import Stage, SchoolLocation, Student
        >>> s = Student(name="王五", id_number="11010520120307002X", school_code="1",
        ...             stage=Stage.JUNIOR, school_location=SchoolLocation.COUNTY_SEAT)
        >>> c = parse_condition({"school_location": ["town", "rural"]}, "f", "k")
        >>> evaluate(c, s, frozenset())
        (False, (), 'school_location ∈ {rural, town}')
    """
    if statuses is None:
        statuses = student_statuses(student, difficulty_statuses)
    held: list[str] = []
    for label, kind, a, b in cond.checks:
        if not _holds(kind, a, b, student, statuses):
            return False, tuple(held), label
        if kind == "statuses_any" and DIFFICULT in a and DIFFICULT in statuses:
            # Say which status made the student "financially difficult" (R-ST-2).
            why = sorted(statuses & difficulty_statuses)
            label = f"{label} ({'+'.join(why)}, R-ST-2)"
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
