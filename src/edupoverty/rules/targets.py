"""Targets (indicators, R-TGT-1..4): drop-out rate, enrolment and boarding ratios, coverage.

The seed's plans set targets: a drop-out rate within 2 % (R-TGT-1); by the end of 2016
three-year preschool enrolment of at least 85 %, school-age enrolment of 100 % and at least 30 %
primary boarders (R-TGT-2); "一个不能少" — no enrolled student lost, every primary graduate on
to junior school (R-TGT-3); every registered-poor student covered, with full awareness and
satisfaction (R-TGT-4). The numbers are policy, so they live in ``targets.toml`` (beside this module) with
their source and clause; this module reads them (:func:`load_targets`), computes the indicators
the records can give (:func:`measure`) and compares (:func:`evaluate`).

What the records cannot tell — how many children of preschool or school age live in the area,
how many primary graduates went on, survey results — is given by the caller; without it an
indicator has **no data** (无数据), never a guess.

Examples:
    >>> from edupoverty.records.enums import SchoolLocation, Stage
    >>> from edupoverty.records.idcard import calc_check_digit
    >>> from edupoverty.records.model import Period, Student
    >>> ids = [f"11010520120307{i:03d}" for i in range(10)]
    >>> ids = [body + calc_check_digit(body) for body in ids]  # invented, valid
    >>> kids = [Student(name=f"学生{i}", id_number=ids[i], school_code="A",
    ...                 stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL,
    ...                 boarding=i < 3) for i in range(10)]
    >>> results = evaluate(measure(kids, period=Period(2019)))
    >>> [(r.target.indicator, r.status) for r in results][:4]
    [('dropout_rate', 'met'), ('preschool_enrolment', 'no_data'), ('school_age_enrolment', 'no_data'), ('primary_boarders', 'met')]
"""  # noqa: E501

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from attrs import frozen

from edupoverty.errors import PolicyError
from edupoverty.records.enums import ChangeKind, LabelledEnum, Stage
from edupoverty.records.model import Disbursement, Period, StatusChange, Student
from edupoverty.records.safefile import load_toml
from edupoverty.records.status import enrolment_periods

__all__ = [
    "Comparison",
    "Measure",
    "Target",
    "TargetResult",
    "evaluate",
    "load_targets",
    "measure",
]

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


class Comparison(LabelledEnum):
    """How a measured value is held against a target.

    Examples:
        >>> Comparison.AT_LEAST.zh
        '不低于'
    """

    AT_LEAST = "at_least", "不低于"
    AT_MOST = "at_most", "不高于"


@frozen
class Target:
    """One target of the documents, with its citation.

    Examples:
        >>> t = load_targets()[0]
        >>> t.rule, t.indicator, t.comparison.zh, t.percent
        ('R-TGT-1', 'dropout_rate', '不高于', Decimal('2'))
        >>> t.met_by(Decimal("1.5")), t.met_by(Decimal("2.01"))
        (True, False)
    """

    rule: str
    indicator: str
    name_zh: str
    name_en: str
    comparison: Comparison
    percent: Decimal
    source: str
    clause: str
    by: date | None = None

    def met_by(self, percent: Decimal) -> bool:
        """True if a measured ``percent`` meets this target."""
        if self.comparison is Comparison.AT_LEAST:
            return percent >= self.percent
        return percent <= self.percent


_KEYS = {"rule", "indicator", "name_zh", "name_en", "comparison", "percent", "source", "clause"}


def load_targets(path: str | os.PathLike[str] | None = None) -> tuple[Target, ...]:
    """Read targets from a TOML file (default: the seed's ``targets.toml`` beside this module).

    Raises :class:`~edupoverty.errors.PolicyError` naming the file and key for a missing or
    unknown key, a percentage that is not an exact decimal string, or an unknown comparison.

    Examples:
        >>> [t.indicator for t in load_targets() if t.rule == "R-TGT-2"]
        ['preschool_enrolment', 'school_age_enrolment', 'primary_boarders']
    """
    if path is None:
        ref = resources.files("edupoverty.rules").joinpath("targets.toml")
        name, data = "targets.toml", tomllib.loads(ref.read_text(encoding="utf-8"))
    else:
        name = os.fspath(path)
        data = load_toml(path, refuse=lambda zh, en: PolicyError(name, "$", zh, en))
    rows = data.get("target")
    if not isinstance(rows, list) or not rows:
        raise PolicyError(name, "target", "没有目标", "no [[target]] tables")
    return tuple(_target(name, i, row) for i, row in enumerate(rows))


def _target(name: str, i: int, row: Any) -> Target:
    where = f"target[{i}]"
    if not isinstance(row, dict):
        raise PolicyError(name, where, "不是表", "not a table")
    missing = sorted(_KEYS - set(row))
    unknown = sorted(set(row) - _KEYS - {"by"})
    if missing:
        raise PolicyError(name, f"{where}.{missing[0]}", "缺少此项", "missing")
    if unknown:
        raise PolicyError(name, f"{where}.{unknown[0]}", "未知的键", "unknown key")
    text = row["percent"]
    if not isinstance(text, str):
        raise PolicyError(
            name, f"{where}.percent", "百分比须写成字符串", "write the percentage as a string"
        )
    try:
        percent = Decimal(text)
    except InvalidOperation:
        raise PolicyError(name, f"{where}.percent", "不是数", "not a number") from None
    comparisons = {c.value: c for c in Comparison}
    if row["comparison"] not in comparisons:
        raise PolicyError(name, f"{where}.comparison", "未知的比较方式", "unknown comparison")
    by = row.get("by")
    if by is not None and not isinstance(by, date):
        raise PolicyError(name, f"{where}.by", "不是日期", "not a date")
    return Target(
        rule=str(row["rule"]),
        indicator=str(row["indicator"]),
        name_zh=str(row["name_zh"]),
        name_en=str(row["name_en"]),
        comparison=comparisons[row["comparison"]],
        percent=percent,
        source=str(row["source"]),
        clause=str(row["clause"]),
        by=by,
    )


@frozen
class Measure:
    """A measured indicator: ``numerator`` out of ``denominator`` (``None``: no data).

    Examples:
        >>> Measure("primary_boarders", 3, 10).percent
        Decimal('30.00')
        >>> Measure("preschool_enrolment", 40, None).percent is None
        True
    """

    indicator: str
    numerator: int
    denominator: int | None

    @property
    def percent(self) -> Decimal | None:
        """The value in percent with two places, or ``None`` without a (non-zero) denominator."""
        if not self.denominator:
            return None
        return (Decimal(self.numerator) * _HUNDRED / Decimal(self.denominator)).quantize(_CENT)


@frozen
class TargetResult:
    """A target held against its measure: ``status`` is ``met``, ``not_met`` or ``no_data``.

    Examples:
        >>> r = evaluate([Measure("primary_boarders", 2, 10)])[3]
        >>> r.status, r.message("en")
        ('not_met', 'R-TGT-2 primary boarders: 20.00 % (2/10), target at least 30 %: not met')
    """

    target: Target
    measure: Measure | None

    @property
    def status(self) -> str:
        """``met``, ``not_met`` or ``no_data``."""
        value = None if self.measure is None else self.measure.percent
        if value is None:
            return "no_data"
        return "met" if self.target.met_by(value) else "not_met"

    @property
    def met(self) -> bool | None:
        """True or False, or ``None`` without data."""
        s = self.status
        return None if s == "no_data" else s == "met"

    def message(self, lang: str = "zh") -> str:
        """One line in ``"zh"`` or ``"en"``."""
        t, m = self.target, self.measure
        value = None if m is None else m.percent
        if lang == "en":
            goal = f"target {t.comparison.value.replace('_', ' ')} {t.percent} %"
            if m is None or value is None:
                return f"{t.rule} {t.name_en}: no data, {goal}"
            verdict = "met" if self.status == "met" else "not met"
            share = f"{value} % ({m.numerator}/{m.denominator})"
            return f"{t.rule} {t.name_en}: {share}, {goal}: {verdict}"
        goal_zh = f"目标{t.comparison.zh}{t.percent}%"
        if m is None or value is None:
            return f"{t.rule} {t.name_zh}：无数据，{goal_zh}"
        verdict_zh = "达标" if self.status == "met" else "未达标"
        share_zh = f"{value}%（{m.numerator}/{m.denominator}）"
        return f"{t.rule} {t.name_zh}：{share_zh}，{goal_zh}：{verdict_zh}"


def evaluate(
    measures: Iterable[Measure] | Mapping[str, Measure], targets: Iterable[Target] | None = None
) -> tuple[TargetResult, ...]:
    """Hold every target against the measure of its indicator (``no_data`` when none).

    Examples:
        >>> [r.status for r in evaluate([Measure("dropout_rate", 3, 100)])][:1]
        ['not_met']
    """
    values = measures.values() if isinstance(measures, Mapping) else measures
    by_indicator = {m.indicator: m for m in values}
    return tuple(
        TargetResult(t, by_indicator.get(t.indicator))
        for t in (load_targets() if targets is None else targets)
    )


def _in_period(p: Period, d: Disbursement) -> bool:
    if d.period.school_year != p.school_year:
        return False
    return p.semester is None or d.period.semester in (None, p.semester)


def measure(
    roster: Iterable[Student],
    *,
    period: Period,
    changes: Iterable[StatusChange] = (),
    disbursements: Iterable[Disbursement] = (),
    preschool_population: int | None = None,
    school_age_population: int | None = None,
    primary_graduates: int | None = None,
    graduates_progressed: int | None = None,
) -> tuple[Measure, ...]:
    """Compute the indicators the records can give for ``period``.

    - ``dropout_rate`` (R-TGT-1) and ``retention`` (R-TGT-3): students with a drop-out in the
      period, out of every student enrolled at some time in it (roster and status changes);
    - ``preschool_enrolment`` and ``school_age_enrolment`` (R-TGT-2): preschool and compulsory
      students on the roster out of the children of that age in the area (given by the caller);
    - ``primary_boarders`` (R-TGT-2): primary boarders out of primary students;
    - ``primary_progression`` (R-TGT-3): from the counts given by the caller;
    - ``registered_poor_coverage`` (R-TGT-4): registered-poor students with a disbursement for
      the period out of all registered-poor students on the roster.

    Examples:
        >>> from edupoverty.records.enums import SchoolLocation
        >>> kids = [Student(name="甲", id_number="11010520120307002X", school_code="A",
        ...                 stage=Stage.PRESCHOOL,
        ...                 school_location=SchoolLocation.TOWN)]
        >>> m = {x.indicator: x for x in measure(kids, period=Period(2019),
        ...                                     preschool_population=2)}
        >>> m["preschool_enrolment"].percent, m["primary_boarders"].percent
        (Decimal('50.00'), None)
    """
    students = list(roster)
    moves = list(changes)
    enrol = enrolment_periods(students, moves, since=period.start)
    start, end = period.start, period.end
    enrolled = {
        p.student_id for p in enrol.periods if p.start <= end and (p.end is None or p.end >= start)
    }
    dropped = {
        c.student_id for c in moves if c.kind is ChangeKind.DROP_OUT and start <= c.on <= end
    }
    enrolled |= dropped
    ids = {s.id_number: s for s in students}
    preschool = {i for i, s in ids.items() if s.stage is Stage.PRESCHOOL}
    compulsory = {i for i, s in ids.items() if s.stage.compulsory}
    primary = {i for i, s in ids.items() if s.stage is Stage.PRIMARY}
    boarders = {i for i in primary if ids[i].boarding}
    poor = {i for i, s in ids.items() if s.registered_poor is True}
    paid = {d.student_id for d in disbursements if _in_period(period, d)}
    n = len(enrolled)
    progression = (
        Measure("primary_progression", graduates_progressed, primary_graduates)
        if graduates_progressed is not None
        else Measure("primary_progression", 0, None)
    )
    return (
        Measure("dropout_rate", len(dropped), n),
        Measure("retention", n - len(dropped), n),
        Measure("preschool_enrolment", len(preschool), preschool_population),
        Measure("school_age_enrolment", len(compulsory), school_age_population),
        Measure("primary_boarders", len(boarders), len(primary)),
        progression,
        Measure("registered_poor_coverage", len(poor & paid), len(poor)),
    )
