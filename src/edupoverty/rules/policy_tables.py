"""The tables of a policy file, each read and checked (政策文件的各表): dated values, funding
shares, amount cases, programmes, parameters and terms. :mod:`edupoverty.rules.loading`
reads whole files with them. Every mistake is a :class:`~edupoverty.errors.PolicyError`
naming the file, the key and the reason.

Examples:
    >>> [str(v.amount) for v in parse_values(
    ...     [{"from": date(2016, 9, 1), "amount": "600", "source": "doc", "rule": "R-CMP-1"}],
    ...     "f.toml", "k")]
    ['600.00']
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

import attrs

from edupoverty.errors import PolicyError
from edupoverty.records.enums import DifficultyLevel, FundingLevel, ProgrammeForm, Semester
from edupoverty.records.money import money
from edupoverty.rules.eligibility import Condition, parse_condition
from edupoverty.rules.policy import (
    AMOUNT_KINDS,
    FEE_FIELDS,
    PRORATIONS,
    AmountCase,
    DatedValue,
    FundingShares,
    Parameters,
    Programme,
    Term,
)

__all__ = [
    "PROGRAMME_KEYS",
    "as_amount",
    "as_date",
    "check_keys",
    "parse_case",
    "parse_funding",
    "parse_parameters",
    "parse_programme",
    "parse_terms",
    "parse_values",
    "required",
]

_PARAM_KEYS = {
    "difficulty_statuses",
    "proration",
    "census",
    "school_days",
    "tier_by_difficulty",
    "terms",
    "source",
}
PROGRAMME_KEYS = {
    "id",
    "name_zh",
    "name_en",
    "form",
    "rules",
    "source",
    "eligibility",
    "amount",
    "funding",
    "from",
    "until",
    "replaces",
    "note",
}
_CASE_KEYS = {
    "group",
    "when",
    "kind",
    "per",
    "tier",
    "values",
    "fee",
    "source",
    "rule",
    "reason_zh",
    "reason_en",
    "from",
    "until",
}
_TERM_KEYS = {"school_year", "semester", "from", "until", "source"}
_VALUE_KEYS = {"from", "until", "amount", "not_configured", "source", "rule"}
_FUND_KEYS = {"from", "until", "source", "rule", *(lv.value for lv in FundingLevel)}

def _member(cls: Any, value: Any) -> Any:
    """The enum member of ``cls`` with id ``value`` (``ValueError`` if none)."""
    return cls(value)


def check_keys(table: Any, allowed: set[str], file: str, key: str) -> Mapping[str, Any]:
    if not isinstance(table, Mapping):
        raise PolicyError(file, key, "应为表", "must be a table")
    for k in table:
        if k not in allowed:
            raise PolicyError(file, f"{key}.{k}" if key else k, "未知的键", "unknown key")
    return table


def required(table: Mapping[str, Any], name: str, file: str, key: str) -> Any:
    if name not in table:
        raise PolicyError(file, f"{key}.{name}", "缺少必填项", "required key missing")
    return table[name]


def as_date(value: Any, file: str, key: str) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    raise PolicyError(file, key, "应为日期（如 2016-09-01）", "must be a date such as 2016-09-01")


def as_amount(value: Any, file: str, key: str) -> Decimal:
    if isinstance(value, float):
        raise PolicyError(
            file, key, '金额须写成字符串（如 "600"）', 'amounts must be strings such as "600"'
        )
    try:
        amount = money(value)
    except (TypeError, ValueError):
        raise PolicyError(file, key, "金额无效", "invalid amount") from None
    if amount < 0:
        raise PolicyError(file, key, "金额不能为负", "amounts cannot be negative")
    return amount


def parse_values(raw: Any, file: str, key: str) -> tuple[DatedValue, ...]:
    if not isinstance(raw, list) or not raw:
        raise PolicyError(
            file, key, "应为非空的日期值列表", "must be a non-empty list of dated values"
        )
    out = []
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        check_keys(item, _VALUE_KEYS, file, where)
        start = as_date(required(item, "from", file, where), file, f"{where}.from")
        end = as_date(item["until"], file, f"{where}.until") if "until" in item else None
        if end is not None and end < start:
            raise PolicyError(file, where, "结束日期早于开始日期", "until is before from")
        amount = None
        reason = None
        if ("amount" in item) == ("not_configured" in item):
            raise PolicyError(
                file,
                where,
                "须且只能给出 amount 或 not_configured 之一",
                "give exactly one of amount or not_configured",
            )
        if "amount" in item:
            amount = as_amount(item["amount"], file, f"{where}.amount")
        else:
            reason = str(item["not_configured"])
        out.append(
            DatedValue(
                start,
                end,
                amount,
                reason,
                str(required(item, "source", file, where)),
                str(required(item, "rule", file, where)),
            )
        )
    _no_overlap([(v.start, v.end) for v in out], file, key)
    return tuple(sorted(out, key=lambda v: v.start))


def _no_overlap(spans: list[tuple[date, date | None]], file: str, key: str) -> None:
    spans = sorted(spans, key=lambda s: s[0])
    for (s1, e1), (s2, _e2) in pairwise(spans):
        if e1 is None or e1 >= s2:
            raise PolicyError(
                file,
                key,
                f"日期值重叠（{s1} 起与 {s2} 起）",
                f"dated values overlap (from {s1} and from {s2})",
            )


def parse_funding(raw: Any, file: str, key: str) -> tuple[FundingShares, ...]:
    if not isinstance(raw, list):
        raise PolicyError(file, key, "应为列表", "must be a list")
    out = []
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        check_keys(item, _FUND_KEYS, file, where)
        start = as_date(required(item, "from", file, where), file, f"{where}.from")
        end = as_date(item["until"], file, f"{where}.until") if "until" in item else None
        shares = []
        for lv in FundingLevel:
            if lv.value in item:
                v = item[lv.value]
                if isinstance(v, float | bool):
                    raise PolicyError(
                        file,
                        f"{where}.{lv.value}",
                        "比例须为整数或字符串",
                        "shares must be integers or strings",
                    )
                try:
                    pct = Decimal(str(v))
                except InvalidOperation:
                    raise PolicyError(
                        file, f"{where}.{lv.value}", "比例无效", "invalid share"
                    ) from None
                if pct < 0:
                    raise PolicyError(file, f"{where}.{lv.value}", "比例不能为负", "negative share")
                shares.append((lv, pct))
        if sum((p for _, p in shares), Decimal(0)) != 100:
            raise PolicyError(
                file, where, "各级分担比例之和不是100%", "funding shares do not add up to 100 %"
            )
        out.append(
            FundingShares(
                start,
                end,
                tuple(shares),
                str(required(item, "source", file, where)),
                str(required(item, "rule", file, where)),
            )
        )
    _no_overlap([(f.start, f.end) for f in out], file, key)
    return tuple(out)


def parse_case(raw: Any, file: str, key: str, default_source: str) -> AmountCase:
    check_keys(raw, _CASE_KEYS, file, key)
    kind = raw.get("kind", "fixed")
    if kind not in AMOUNT_KINDS:
        raise PolicyError(
            file, f"{key}.kind", "未知的金额类型", f"kind must be one of {AMOUNT_KINDS}"
        )
    per = raw.get("per", "year")
    if per not in ("year", "semester") or (kind == "per_school_day" and "per" in raw):
        raise PolicyError(
            file, f"{key}.per", "per 应为 year 或 semester", "per must be year or semester"
        )
    tier = raw.get("tier")
    if tier is not None and (not isinstance(tier, int) or isinstance(tier, bool) or tier < 1):
        raise PolicyError(file, f"{key}.tier", "等次应为正整数", "tier must be a positive integer")
    when = (
        parse_condition(raw.get("when", {}), file, f"{key}.when")
        if raw.get("when")
        else Condition()
    )
    values: tuple[DatedValue, ...] = ()
    fee = None
    if kind in ("fixed", "per_school_day"):
        values = parse_values(required(raw, "values", file, key), file, f"{key}.values")
    elif "values" in raw:
        raise PolicyError(
            file, f"{key}.values", f"{kind} 类型不带 values", f"a {kind} case has no values"
        )
    start = end = None
    if kind == "fee":
        fee = required(raw, "fee", file, key)
        if fee not in FEE_FIELDS:
            raise PolicyError(
                file, f"{key}.fee", "未知的收费字段", f"fee must be one of {FEE_FIELDS}"
            )
        # Every value is in force only within its dates, the school's fee too.
        start = as_date(required(raw, "from", file, key), file, f"{key}.from")
        end = as_date(raw["until"], file, f"{key}.until") if "until" in raw else None
        if end is not None and end < start:
            raise PolicyError(file, key, "结束日期早于开始日期", "until is before from")
    elif "from" in raw or "until" in raw:
        raise PolicyError(
            file,
            f"{key}.from",
            "日期写在 values 的每一项中",
            "dates belong to each entry of values",
        )
    if kind in ("fee", "not_configured"):
        required(raw, "rule", file, key)
    if kind == "not_configured":
        required(raw, "reason_zh", file, key)
        required(raw, "reason_en", file, key)
    return AmountCase(
        group=str(required(raw, "group", file, key)),
        when=when,
        kind=kind,
        per=per,
        tier=tier,
        values=values,
        fee=fee,
        source=str(raw.get("source", default_source)),
        rule=str(raw.get("rule", "")),
        reason_zh=str(raw.get("reason_zh", "")),
        reason_en=str(raw.get("reason_en", "")),
        start=start,
        end=end,
    )


def parse_programme(
    raw: Mapping[str, Any], file: str, key: str, base: Programme | None, overlay: bool
) -> Programme:
    source = str(raw.get("source", base.source if base else ""))
    cases_raw = raw.get("amount")
    new_cases: list[AmountCase] = []
    if cases_raw is not None:
        if not isinstance(cases_raw, list) or not cases_raw:
            raise PolicyError(file, f"{key}.amount", "应为非空列表", "must be a non-empty list")
        new_cases = [
            parse_case(c, file, f"{key}.amount[{i}]", source) for i, c in enumerate(cases_raw)
        ]
        groups = [c.group for c in new_cases]
        if len(set(groups)) != len(groups):
            raise PolicyError(file, f"{key}.amount", "金额组重名", "duplicate case group")
    if base is None:
        needed = ("name_zh", "name_en", "form", "rules", "eligibility", "amount")
        missing = [name for name in needed if name not in raw]
        if missing and overlay:
            raise PolicyError(
                file,
                key,
                f"未知的项目编号（基础配置中没有；新项目须给出 {', '.join(missing)}）",
                f"unknown programme id (not in the base profile; a new programme needs "
                f"{', '.join(missing)})",
            )
        for name in needed:
            required(raw, name, file, key)
        try:
            form = _member(ProgrammeForm, raw["form"])
        except ValueError:
            raise PolicyError(file, f"{key}.form", "未知的资助形式", "unknown form") from None
        # R-STK-4: the overlay's cases come first and replace the base's cases of the same group.
        cases = tuple(new_cases)
        prog = Programme(
            id=str(raw["id"]),
            name_zh=str(raw["name_zh"]),
            name_en=str(raw["name_en"]),
            form=form,
            rules=tuple(str(r) for r in raw["rules"]),
            source=source,
            eligibility=parse_condition(raw["eligibility"], file, f"{key}.eligibility"),
            cases=cases,
            origin=file,
        )
    else:
        if "form" in raw and raw["form"] != base.form.value:
            raise PolicyError(
                file, f"{key}.form", "叠加配置不能改变资助形式", "an overlay cannot change the form"
            )
        kept = tuple(c for c in base.cases if c.group not in {n.group for n in new_cases})
        prog = attrs.evolve(
            base,
            name_zh=str(raw.get("name_zh", base.name_zh)),
            name_en=str(raw.get("name_en", base.name_en)),
            rules=tuple(dict.fromkeys((*base.rules, *(str(r) for r in raw.get("rules", ()))))),
            source=source,
            eligibility=(
                parse_condition(raw["eligibility"], file, f"{key}.eligibility")
                if "eligibility" in raw
                else base.eligibility
            ),
            cases=(*new_cases, *kept),
            origin=f"{base.origin}+{file}",
        )
    changes: dict[str, Any] = {}
    if "funding" in raw:
        changes["funding"] = parse_funding(raw["funding"], file, f"{key}.funding")
    if "from" in raw:
        changes["start"] = as_date(raw["from"], file, f"{key}.from")
    if "until" in raw:
        changes["end"] = as_date(raw["until"], file, f"{key}.until")
    if "replaces" in raw:
        changes["replaces"] = tuple(str(r) for r in raw["replaces"])
    if "note" in raw:
        changes["note"] = str(raw["note"])
    return attrs.evolve(prog, **changes) if changes else prog


def parse_parameters(raw: Any, file: str, base: Parameters | None) -> Parameters:
    table = check_keys(raw or {}, _PARAM_KEYS, file, "parameters")
    values: dict[str, Any] = attrs.asdict(base, recurse=False) if base else {}
    if "difficulty_statuses" in table:
        from edupoverty.records.enums import Status

        ids = {s.value for s in Status}
        sts = table["difficulty_statuses"]
        if not isinstance(sts, list) or any(s not in ids for s in sts):
            raise PolicyError(
                file, "parameters.difficulty_statuses", "未知的身份", "unknown status"
            )
        values["difficulty_statuses"] = frozenset(sts)
    if "proration" in table:
        if table["proration"] not in PRORATIONS:
            raise PolicyError(
                file, "parameters.proration", "未知的折算规则", f"must be one of {PRORATIONS}"
            )
        values["proration"] = table["proration"]
    if "census" in table:
        census = []
        for sem, md in check_keys(
            table["census"], {"autumn", "spring"}, file, "parameters.census"
        ).items():
            try:
                m, d = (int(x) for x in str(md).split("-"))
                date(2000, m, d)
            except ValueError:
                raise PolicyError(
                    file, f"parameters.census.{sem}", "应为 月-日（如 09-30）", "must be MM-DD"
                ) from None
            census.append((_member(Semester, sem), m, d))
        values["census"] = tuple(census)
    if "school_days" in table:
        days = []
        for sem, n in check_keys(
            table["school_days"], {"autumn", "spring"}, file, "parameters.school_days"
        ).items():
            if not isinstance(n, int) or isinstance(n, bool) or not 0 < n < 200 * 2:
                raise PolicyError(file, f"parameters.school_days.{sem}", "天数无效", "invalid days")
            days.append((_member(Semester, sem), n))
        values["school_days"] = tuple(days)
    if "tier_by_difficulty" in table:
        mapping = []
        levels = {lv.value for lv in DifficultyLevel}
        for lv, tier in check_keys(
            table["tier_by_difficulty"], levels, file, "parameters.tier_by_difficulty"
        ).items():
            if not isinstance(tier, int) or isinstance(tier, bool) or tier < 1:
                raise PolicyError(
                    file, f"parameters.tier_by_difficulty.{lv}", "等次无效", "invalid tier"
                )
            mapping.append((_member(DifficultyLevel, lv), tier))
        values["tier_by_difficulty"] = tuple(mapping)
    if "terms" in table:
        values["terms"] = parse_terms(table["terms"], file, values.get("terms", ()))
    if "source" in table:
        values["source"] = str(table["source"])
    for name in ("difficulty_statuses", "proration"):
        if name not in values:
            raise PolicyError(file, f"parameters.{name}", "缺少必填项", "required key missing")
    if values["proration"] == "census" and not values.get("census"):
        raise PolicyError(
            file,
            "parameters.census",
            "按普查日折算须给出普查日",
            "census proration needs census days",
        )
    return Parameters(**values)


def parse_terms(raw: Any, file: str, base: tuple[Term, ...]) -> tuple[Term, ...]:
    """The school calendar's terms; an overlay's term replaces the base's for the same
    school year and semester."""
    key = "parameters.terms"
    if not isinstance(raw, list):
        raise PolicyError(file, key, "应为学期列表", "must be a list of terms")
    by_key = {(t.school_year, t.semester): t for t in base}
    seen: set[tuple[int, Semester]] = set()
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        check_keys(item, _TERM_KEYS, file, where)
        year = required(item, "school_year", file, where)
        if not isinstance(year, int) or isinstance(year, bool) or not 1949 < year < 2200:
            raise PolicyError(file, f"{where}.school_year", "学年无效", "invalid school year")
        try:
            sem = _member(Semester, required(item, "semester", file, where))
        except ValueError:
            raise PolicyError(
                file, f"{where}.semester", "应为 autumn 或 spring", "must be autumn or spring"
            ) from None
        start = as_date(required(item, "from", file, where), file, f"{where}.from")
        end = as_date(required(item, "until", file, where), file, f"{where}.until")
        half = (
            (date(year, 9, 1), date(year + 1, 1, 31))
            if sem is Semester.AUTUMN
            else (date(year + 1, 2, 1), date(year + 1, 8, 31))
        )
        if not half[0] <= start <= end <= half[1]:
            raise PolicyError(
                file,
                where,
                f"教学日期应在{half[0]}至{half[1]}之间且起不晚于止",
                f"the term must lie within {half[0]}–{half[1]}, from not after until",
            )
        if (year, sem) in seen:
            raise PolicyError(file, where, "同一学期重复配置", "the same term is given twice")
        seen.add((year, sem))
        by_key[year, sem] = Term(year, sem, start, end, str(required(item, "source", file, where)))
    return tuple(sorted(by_key.values(), key=lambda t: (t.school_year, t.semester.value)))
