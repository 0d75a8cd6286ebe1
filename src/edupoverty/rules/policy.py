"""Policy profiles: programmes, dated amounts, funding shares and parameters as data (政策配置).

A profile is a TOML file read with :mod:`tomllib`. The bundled ones live in
``edupoverty/rules/profiles/``: ``seed`` (RULES.md §2, the default), the overlays
``dangshan`` (R-DS-1), ``liling`` (R-LL-1), ``hebei`` (R-HB-1), and the opt-in
``national-2025`` (RULES.md §15). A county writes its own overlay without Python
(see *Writing a county overlay* in the docs).

Every amount is a **dated value**: in force from a date, optionally until a date, with the
source document and rule id it comes from. Files are checked when loaded: unknown keys,
overlapping dated values, funding shares that do not add up to 100 %, unknown statuses or
programme ids raise :class:`~edupoverty.errors.PolicyError` naming the file, key and reason.

Examples:
    >>> from edupoverty.rules.policy import load_policy
    >>> seed = load_policy("seed")
    >>> seed.programme("compulsory.fee_waiver").name_zh
    '免学杂费'
    >>> load_policy("seed", "dangshan").ids
    ('seed', 'dangshan')
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from edupoverty.errors import ArgumentError, PolicyError
from edupoverty.records.enums import DifficultyLevel, FundingLevel, ProgrammeForm, Semester, Stage
from edupoverty.records.money import money
from edupoverty.rules.eligibility import Condition, parse_condition

__all__ = [
    "AmountCase",
    "DatedValue",
    "FundingShares",
    "GrantCheck",
    "Parameters",
    "Policy",
    "Programme",
    "Term",
    "compose",
    "list_profiles",
    "load_policy",
    "profile_aliases",
]

AMOUNT_KINDS = ("fixed", "per_school_day", "fee", "not_configured")
FEE_FIELDS = ("tuition_fee", "accommodation_fee")
PRORATIONS = ("any_day", "census")


@frozen
class DatedValue:
    """One value of a parameter, in force from ``start`` until ``end`` (inclusive; ``None``:
    still in force). ``amount`` ``None`` means the document states the value is not given
    (``not_configured`` holds the reason).

    Examples:
        >>> v = DatedValue(date(2016, 9, 1), None, Decimal("600.00"), None, "doc", "R-CMP-1")
        >>> v.in_force(date(2019, 9, 1)), v.in_force(date(2016, 8, 31))
        (True, False)
    """

    start: date
    end: date | None
    amount: Decimal | None
    not_configured: str | None
    source: str
    rule: str

    def in_force(self, day: date) -> bool:
        """True if this value applies on ``day``."""
        return self.start <= day and (self.end is None or day <= self.end)


@frozen
class AmountCase:
    """One line of a programme's amount table: when it applies and what it is worth.

    ``kind`` is ``fixed`` (dated ``values``), ``per_school_day`` (dated daily ``values`` ×
    the profile's school days), ``fee`` (the amount the school charges, from the roster
    field ``fee``, in force from ``start`` until ``end``) or ``not_configured`` (the
    documents give no amount). Every value is in force only within its dates. ``per`` is
    ``year`` or ``semester``: what one value covers. ``group`` names the case so an overlay
    can replace it (R-STK-4).

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> case = load_policy("seed").programme("compulsory.nutrition").cases[0]
        >>> case.kind, str(case.values[0].amount), case.values[0].rule
        ('per_school_day', '4.00', 'R-CMP-4')
    """

    group: str
    when: Condition
    kind: str
    per: str = "year"
    tier: int | None = None
    values: tuple[DatedValue, ...] = ()
    fee: str | None = None
    source: str = ""
    rule: str = ""
    reason_zh: str = ""
    reason_en: str = ""
    start: date | None = None
    end: date | None = None

    def value_at(self, day: date) -> DatedValue | None:
        """The dated value in force on ``day`` (``None`` if none)."""
        for v in self.values:
            if v.in_force(day):
                return v
        return None

    def in_force(self, day: date) -> bool:
        """For a ``fee`` case: True if waiving the school's fee applies on ``day``.

        Examples:
            >>> from edupoverty.rules import load_policy
            >>> case = load_policy("seed").programme("senior.fee_waiver").cases[0]
            >>> case.in_force(date(2016, 9, 1)), case.in_force(date(2015, 9, 1))
            (True, False)
        """
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@frozen
class FundingShares:
    """Shares by level of government (R-FND-1..4) in percent, in force from ``start``.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> f = load_policy("seed").programme("compulsory.fee_waiver").funding[0]
        >>> [(level.value, str(share)) for level, share in f.shares], f.rule
        ([('central', '80'), ('provincial', '16'), ('city', '2'), ('county', '2')], 'R-FND-1')
    """

    start: date
    end: date | None
    shares: tuple[tuple[FundingLevel, Decimal], ...]
    source: str
    rule: str

    def in_force(self, day: date) -> bool:
        """True if these shares apply on ``day``."""
        return self.start <= day and (self.end is None or day <= self.end)


@frozen(repr=False)
class Programme:
    """A subsidy programme: identity, form, eligibility, amount cases, funding, sources.

    Examples:
        >>> p = load_policy("seed").programme("compulsory.nutrition")
        >>> p.form.value, p.rules
        ('in_kind', ('R-CMP-4', 'R-PAY-3', 'R-FND-4'))
    """

    id: str
    name_zh: str
    name_en: str
    form: ProgrammeForm
    rules: tuple[str, ...]
    source: str
    eligibility: Condition
    cases: tuple[AmountCase, ...]
    funding: tuple[FundingShares, ...] = ()
    start: date | None = None
    end: date | None = None
    replaces: tuple[str, ...] = ()
    note: str = ""
    origin: str = ""

    @property
    def tiered(self) -> bool:
        """True if the amount depends on a grant tier (R-STK-2: tiers are exclusive)."""
        return any(c.tier is not None for c in self.cases)

    def in_force(self, day: date) -> bool:
        """True if the programme exists on ``day``."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def __repr__(self) -> str:
        """Short: the id and the Chinese name.

        Examples:
            >>> load_policy("seed").programme("compulsory.nutrition")
            <Programme compulsory.nutrition 农村义务教育学生营养改善计划>
        """
        return f"<Programme {self.id} {self.name_zh}>"

    def funding_at(self, day: date) -> FundingShares | None:
        """The funding shares in force on ``day`` (``None``: unknown, R-FND-4)."""
        for f in self.funding:
            if f.in_force(day):
                return f
        return None


@frozen
class GrantCheck:
    """A school-level check (R-HB-1): the average grant per grantee of ``programmes`` at
    ``stages`` must be at least ``minimum``. Reported as a finding, never a per-student amount.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> c = load_policy("seed", "hebei").checks[0]
        >>> c.stages, c.minimum, c.rule
        (('senior', 'vocational'), Decimal('2000.00'), 'R-HB-1')
    """

    id: str
    stages: tuple[str, ...]
    programmes: tuple[str, ...]
    minimum: Decimal
    hukou_province: tuple[str, ...]
    source: str
    rule: str


@frozen
class Term:
    """The teaching days of one semester of one school year (学期教学起止日期): county
    policy data, dated and sourced (R-DYN-1: grants follow the time actually in school).

    A semester counts for a student only if the student was enrolled on a day of its term.
    The term lies within its half of the school year (autumn: 1 September – 31 January;
    spring: 1 February – 31 August).

    Examples:
        >>> t = Term(2019, Semester.SPRING, date(2020, 2, 17), date(2020, 7, 10), "校历")
        >>> t.days, t.contains(date(2020, 8, 1))
        (145, False)
    """

    school_year: int
    semester: Semester
    start: date
    end: date
    source: str

    @property
    def days(self) -> int:
        """Calendar days from the first to the last teaching day, both included."""
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        """True if ``day`` falls within the term."""
        return self.start <= day <= self.end


@frozen
class Parameters:
    """Profile parameters: what the documents leave to the profile (RULES.md §14).

    * ``difficulty_statuses`` — statuses that count as financially difficult (R-ST-2).
    * ``proration`` — ``any_day`` (a semester counts if the student was enrolled on any day
      of it) or ``census`` (enrolled on the semester's census day), R-DYN-1..3.
    * ``census`` — census month and day per semester (``census`` proration only).
    * ``school_days`` — school days per semester for per-day programmes (R-CMP-4).
    * ``tier_by_difficulty`` — grant tier for each difficulty level (R-SEN-1).
    * ``terms`` — the teaching days of each semester (:class:`Term`), per school year: the
      county's school calendar. Without them, a semester the student was enrolled for only
      part of cannot be decided and its amounts are reported as not configured.

    Examples:
        >>> from edupoverty.rules import load_policy
        >>> p = load_policy("seed").parameters
        >>> sorted(p.difficulty_statuses), p.proration, p.tier_by_difficulty
        (['financial_difficulty', 'registered_poor'], 'any_day', ())
    """

    difficulty_statuses: frozenset[str]
    proration: str
    census: tuple[tuple[Semester, int, int], ...] = ()
    school_days: tuple[tuple[Semester, int], ...] = ()
    tier_by_difficulty: tuple[tuple[DifficultyLevel, int], ...] = ()
    source: str = ""
    terms: tuple[Term, ...] = ()

    def days(self, semester: Semester) -> int | None:
        """School days of ``semester`` (``None``: not configured)."""
        for s, n in self.school_days:
            if s is semester:
                return n
        return None

    def census_day(self, semester: Semester, school_year: int) -> date | None:
        """The census day of ``semester`` in ``school_year`` (``None``: none configured)."""
        for s, m, d in self.census:
            if s is semester:
                return date(school_year if m >= 9 else school_year + 1, m, d)
        return None

    def term(self, semester: Semester, school_year: int) -> Term | None:
        """The teaching days of ``semester`` in ``school_year`` (``None``: not configured).

        Examples:
            >>> from edupoverty.rules import load_policy
            >>> load_policy("seed").parameters.term(Semester.AUTUMN, 2019) is None
            True
        """
        for t in self.terms:
            if t.semester is semester and t.school_year == school_year:
                return t
        return None

    def tier_for(self, level: DifficultyLevel | None) -> int | None:
        """The grant tier the profile maps ``level`` to (``None``: no mapping)."""
        for lv, tier in self.tier_by_difficulty:
            if lv is level:
                return tier
        return None


@frozen(repr=False)
class Policy:
    """A composed policy: the profiles it was built from, programmes and parameters.

    ``reviewed_until`` is the last school year every part was reviewed for: assessing a
    later year warns (:class:`~edupoverty.errors.PolicyStaleWarning`).

    Examples:
        >>> p = load_policy("seed")
        >>> p.reviewed_from, p.reviewed_until
        (2016, 2020)
        >>> len(p.programmes)
        12
    """

    ids: tuple[str, ...]
    title_zh: str
    title_en: str
    programmes: tuple[Programme, ...]
    parameters: Parameters
    reviewed_from: int
    reviewed_until: int
    files: tuple[str, ...] = ()
    checks: tuple[GrantCheck, ...] = ()

    @property
    def name(self) -> str:
        """The composed name, e.g. ``seed+dangshan``."""
        return "+".join(self.ids)

    def programme(self, programme_id: str) -> Programme:
        """The programme with ``programme_id`` (``KeyError`` if none)."""
        for p in self.programmes:
            if p.id == programme_id:
                return p
        raise KeyError(programme_id)

    def programme_ids(self) -> tuple[str, ...]:
        """The ids of every programme, in profile order."""
        return tuple(p.id for p in self.programmes)

    def __repr__(self) -> str:
        """A short description (the programmes are many: see :attr:`programmes`).

        Examples:
            >>> load_policy("砀山")
            <Policy seed+dangshan: 13 programmes, reviewed for school years 2016–2020>
        """
        return (
            f"<Policy {self.name}: {len(self.programmes)} programmes, "
            f"reviewed for school years {self.reviewed_from}–{self.reviewed_until}>"
        )


# --- loading ------------------------------------------------------------------------------

_PROFILE_KEYS = {
    "id",
    "title_zh",
    "title_en",
    "aliases",
    "extends",
    "reviewed_school_years",
    "source",
}
_PARAM_KEYS = {
    "difficulty_statuses",
    "proration",
    "census",
    "school_days",
    "tier_by_difficulty",
    "terms",
    "source",
}
_PROG_KEYS = {
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
_CHECK_KEYS = {"id", "stages", "programmes", "minimum", "hukou_province", "source", "rule"}
_TOP_KEYS = {"profile", "parameters", "programme", "check"}


def _member(cls: Any, value: Any) -> Any:
    """The enum member of ``cls`` with id ``value`` (``ValueError`` if none)."""
    return cls(value)


def _profiles_dir() -> Any:
    return resources.files("edupoverty.rules") / "profiles"


def _bundled() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for entry in sorted(_profiles_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            out.append((entry.name[:-5], data.get("profile", {})))
    return out


def list_profiles() -> list[tuple[str, str, str]]:
    """The bundled profiles: ``(name, Chinese title, English title)``.

    Examples:
        >>> [name for name, _, _ in list_profiles()]
        ['dangshan', 'hebei', 'liling', 'national-2025', 'seed']
    """
    return [(name, p.get("title_zh", ""), p.get("title_en", "")) for name, p in _bundled()]


def profile_aliases() -> dict[str, str]:
    """The Chinese names a bundled profile may also be loaded by, e.g. ``砀山`` → ``dangshan``
    (each profile's ``aliases``).

    Examples:
        >>> profile_aliases()["砀山"], profile_aliases()["河北"]
        ('dangshan', 'hebei')
    """
    return {str(alias): name for name, p in _bundled() for alias in p.get("aliases", ())}


def _read(source: str | os.PathLike[str]) -> tuple[str, dict[str, Any]]:
    if not isinstance(source, str | os.PathLike):
        raise ArgumentError(
            "sources",
            "内置配置名称或 TOML 文件路径",
            "a bundled profile name or a path to a TOML file",
            type(source).__name__,
        )
    text_source = os.fspath(source)
    if not isinstance(text_source, str):
        raise ArgumentError(
            "sources", "文本路径", "a text path", type(text_source).__name__
        )
    is_path = (
        isinstance(source, os.PathLike)
        or text_source.endswith(".toml")
        or os.sep in text_source
        or "/" in text_source
    )
    if is_path:
        path = Path(text_source)
        try:
            raw = path.read_bytes()
        except OSError:
            raise PolicyError(
                text_source, "file", "无法读取政策文件", "the policy file cannot be read"
            ) from None
        label = path.name
    else:
        text_source = profile_aliases().get(text_source.strip(), text_source.strip())
        entry = _profiles_dir() / f"{text_source}.toml"
        if not entry.is_file():
            names = ", ".join(n for n, _, _ in list_profiles())
            raise PolicyError(
                text_source,
                "profile",
                f"没有这个内置配置（可用：{names}）",
                f"no such bundled profile (available: {names})",
            )
        raw = entry.read_bytes()
        label = f"{text_source}.toml"
    if len(raw) > 2_000_000:
        raise PolicyError(label, "file", "政策文件过大", "the policy file is too large")
    try:
        return label, tomllib.loads(raw.decode("utf-8"))
    except RecursionError:
        raise PolicyError(label, "file", "嵌套过深", "nested too deeply") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        reason = str(exc).splitlines()[0][:200]
        raise PolicyError(
            label, "file", f"TOML 格式错误：{reason}", f"bad TOML: {reason}"
        ) from None


def load_policy(*sources: str | os.PathLike[str]) -> Policy:
    """Load and compose policy profiles: bundled names (or their Chinese names, such as
    ``砀山``: :func:`profile_aliases`) or paths to TOML files.

    ``load_policy()`` and ``load_policy("seed")`` give the seed profile. An overlay (a file
    whose ``[profile]`` says ``extends = "seed"``) given first is laid over its base;
    several sources are laid over each other left to right, later ones replacing earlier
    ones per programme and case group (R-STK-4).

    Examples:
        >>> load_policy("dangshan").ids
        ('seed', 'dangshan')
        >>> load_policy("砀山").name, load_policy("醴陵").name
        ('seed+dangshan', 'seed+liling')
        >>> load_policy("seed", "dangshan", "liling").name
        'seed+dangshan+liling'
        >>> load_policy("atlantis")
        Traceback (most recent call last):
        ...
        edupoverty.errors.PolicyError: policy.invalid: atlantis: profile: 没有这个内置配置...
    """
    if not sources:
        sources = ("seed",)
    policy: Policy | None = None
    for source in sources:
        label, data = _read(source)
        base = data.get("profile", {}).get("extends") if isinstance(data, dict) else None
        if policy is None and base:
            policy = load_policy(base)
        policy = _apply_safely(policy, label, data)
    assert policy is not None
    return policy


def compose(base: Policy, *overlays: str | os.PathLike[str]) -> Policy:
    """Lay overlays (names or paths) over an already loaded policy.

    Examples:
        >>> compose(load_policy("seed"), "liling").name
        'seed+liling'
    """
    policy = base
    for source in overlays:
        label, data = _read(source)
        policy = _apply_safely(policy, label, data)
    return policy


def _apply_safely(base: Policy | None, file: str, data: Mapping[str, Any]) -> Policy:
    try:
        return _apply(base, file, data)
    except RecursionError:
        raise PolicyError(
            file, "programme", "条件嵌套过深", "conditions nested too deeply"
        ) from None


def _check_keys(table: Any, allowed: set[str], file: str, key: str) -> Mapping[str, Any]:
    if not isinstance(table, Mapping):
        raise PolicyError(file, key, "应为表", "must be a table")
    for k in table:
        if k not in allowed:
            raise PolicyError(file, f"{key}.{k}" if key else k, "未知的键", "unknown key")
    return table


def _req(table: Mapping[str, Any], name: str, file: str, key: str) -> Any:
    if name not in table:
        raise PolicyError(file, f"{key}.{name}", "缺少必填项", "required key missing")
    return table[name]


def _date(value: Any, file: str, key: str) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    raise PolicyError(file, key, "应为日期（如 2016-09-01）", "must be a date such as 2016-09-01")


def _amount(value: Any, file: str, key: str) -> Decimal:
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


def _values(raw: Any, file: str, key: str) -> tuple[DatedValue, ...]:
    if not isinstance(raw, list) or not raw:
        raise PolicyError(
            file, key, "应为非空的日期值列表", "must be a non-empty list of dated values"
        )
    out = []
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        _check_keys(item, _VALUE_KEYS, file, where)
        start = _date(_req(item, "from", file, where), file, f"{where}.from")
        end = _date(item["until"], file, f"{where}.until") if "until" in item else None
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
            amount = _amount(item["amount"], file, f"{where}.amount")
        else:
            reason = str(item["not_configured"])
        out.append(
            DatedValue(
                start,
                end,
                amount,
                reason,
                str(_req(item, "source", file, where)),
                str(_req(item, "rule", file, where)),
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


def _funding(raw: Any, file: str, key: str) -> tuple[FundingShares, ...]:
    if not isinstance(raw, list):
        raise PolicyError(file, key, "应为列表", "must be a list")
    out = []
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        _check_keys(item, _FUND_KEYS, file, where)
        start = _date(_req(item, "from", file, where), file, f"{where}.from")
        end = _date(item["until"], file, f"{where}.until") if "until" in item else None
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
                str(_req(item, "source", file, where)),
                str(_req(item, "rule", file, where)),
            )
        )
    _no_overlap([(f.start, f.end) for f in out], file, key)
    return tuple(out)


def _case(raw: Any, file: str, key: str, default_source: str) -> AmountCase:
    _check_keys(raw, _CASE_KEYS, file, key)
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
        values = _values(_req(raw, "values", file, key), file, f"{key}.values")
    elif "values" in raw:
        raise PolicyError(
            file, f"{key}.values", f"{kind} 类型不带 values", f"a {kind} case has no values"
        )
    start = end = None
    if kind == "fee":
        fee = _req(raw, "fee", file, key)
        if fee not in FEE_FIELDS:
            raise PolicyError(
                file, f"{key}.fee", "未知的收费字段", f"fee must be one of {FEE_FIELDS}"
            )
        # Every value is in force only within its dates, the school's fee too.
        start = _date(_req(raw, "from", file, key), file, f"{key}.from")
        end = _date(raw["until"], file, f"{key}.until") if "until" in raw else None
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
        _req(raw, "rule", file, key)
    if kind == "not_configured":
        _req(raw, "reason_zh", file, key)
        _req(raw, "reason_en", file, key)
    return AmountCase(
        group=str(_req(raw, "group", file, key)),
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


def _programme(
    raw: Mapping[str, Any], file: str, key: str, base: Programme | None, overlay: bool
) -> Programme:
    source = str(raw.get("source", base.source if base else ""))
    cases_raw = raw.get("amount")
    new_cases: list[AmountCase] = []
    if cases_raw is not None:
        if not isinstance(cases_raw, list) or not cases_raw:
            raise PolicyError(file, f"{key}.amount", "应为非空列表", "must be a non-empty list")
        new_cases = [_case(c, file, f"{key}.amount[{i}]", source) for i, c in enumerate(cases_raw)]
        groups = [c.group for c in new_cases]
        if len(set(groups)) != len(groups):
            raise PolicyError(file, f"{key}.amount", "金额组重名", "duplicate case group")
    if base is None:
        required = ("name_zh", "name_en", "form", "rules", "eligibility", "amount")
        missing = [name for name in required if name not in raw]
        if missing and overlay:
            raise PolicyError(
                file,
                key,
                f"未知的项目编号（基础配置中没有；新项目须给出 {', '.join(missing)}）",
                f"unknown programme id (not in the base profile; a new programme needs "
                f"{', '.join(missing)})",
            )
        for name in required:
            _req(raw, name, file, key)
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
        changes["funding"] = _funding(raw["funding"], file, f"{key}.funding")
    if "from" in raw:
        changes["start"] = _date(raw["from"], file, f"{key}.from")
    if "until" in raw:
        changes["end"] = _date(raw["until"], file, f"{key}.until")
    if "replaces" in raw:
        changes["replaces"] = tuple(str(r) for r in raw["replaces"])
    if "note" in raw:
        changes["note"] = str(raw["note"])
    return attrs.evolve(prog, **changes) if changes else prog


def _parameters(raw: Any, file: str, base: Parameters | None) -> Parameters:
    table = _check_keys(raw or {}, _PARAM_KEYS, file, "parameters")
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
        for sem, md in _check_keys(
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
        for sem, n in _check_keys(
            table["school_days"], {"autumn", "spring"}, file, "parameters.school_days"
        ).items():
            if not isinstance(n, int) or isinstance(n, bool) or not 0 < n < 200 * 2:
                raise PolicyError(file, f"parameters.school_days.{sem}", "天数无效", "invalid days")
            days.append((_member(Semester, sem), n))
        values["school_days"] = tuple(days)
    if "tier_by_difficulty" in table:
        mapping = []
        levels = {lv.value for lv in DifficultyLevel}
        for lv, tier in _check_keys(
            table["tier_by_difficulty"], levels, file, "parameters.tier_by_difficulty"
        ).items():
            if not isinstance(tier, int) or isinstance(tier, bool) or tier < 1:
                raise PolicyError(
                    file, f"parameters.tier_by_difficulty.{lv}", "等次无效", "invalid tier"
                )
            mapping.append((_member(DifficultyLevel, lv), tier))
        values["tier_by_difficulty"] = tuple(mapping)
    if "terms" in table:
        values["terms"] = _terms(table["terms"], file, values.get("terms", ()))
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


def _terms(raw: Any, file: str, base: tuple[Term, ...]) -> tuple[Term, ...]:
    """The school calendar's terms; an overlay's term replaces the base's for the same
    school year and semester."""
    key = "parameters.terms"
    if not isinstance(raw, list):
        raise PolicyError(file, key, "应为学期列表", "must be a list of terms")
    by_key = {(t.school_year, t.semester): t for t in base}
    seen: set[tuple[int, Semester]] = set()
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        _check_keys(item, _TERM_KEYS, file, where)
        year = _req(item, "school_year", file, where)
        if not isinstance(year, int) or isinstance(year, bool) or not 1949 < year < 2200:
            raise PolicyError(file, f"{where}.school_year", "学年无效", "invalid school year")
        try:
            sem = _member(Semester, _req(item, "semester", file, where))
        except ValueError:
            raise PolicyError(
                file, f"{where}.semester", "应为 autumn 或 spring", "must be autumn or spring"
            ) from None
        start = _date(_req(item, "from", file, where), file, f"{where}.from")
        end = _date(_req(item, "until", file, where), file, f"{where}.until")
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
        by_key[year, sem] = Term(year, sem, start, end, str(_req(item, "source", file, where)))
    return tuple(sorted(by_key.values(), key=lambda t: (t.school_year, t.semester.value)))


def _apply(base: Policy | None, file: str, data: Mapping[str, Any]) -> Policy:
    _check_keys(data, _TOP_KEYS, file, "")
    prof = _check_keys(_req(data, "profile", file, ""), _PROFILE_KEYS, file, "profile")
    pid = str(_req(prof, "id", file, "profile"))
    years = _req(prof, "reviewed_school_years", file, "profile")
    if (
        not isinstance(years, list)
        or len(years) != 2
        or not all(isinstance(y, int) and not isinstance(y, bool) for y in years)
        or years[0] > years[1]
    ):
        raise PolicyError(
            file, "profile.reviewed_school_years", "应为 [首学年, 末学年]", "must be [first, last]"
        )
    if base is None and prof.get("extends"):
        raise PolicyError(file, "profile.extends", "缺少基础配置", "base profile missing")
    params = _parameters(data.get("parameters"), file, base.parameters if base else None)
    programmes: dict[str, Programme] = {p.id: p for p in base.programmes} if base else {}
    raw_progs = data.get("programme", [])
    if not isinstance(raw_progs, list):
        raise PolicyError(
            file, "programme", "应为 [[programme]] 列表", "must be [[programme]] tables"
        )
    seen: set[str] = set()
    for i, raw in enumerate(raw_progs):
        key = f"programme[{i}]"
        _check_keys(raw, _PROG_KEYS, file, key)
        pid_ = str(_req(raw, "id", file, key))
        key = f"programme.{pid_}"
        if pid_ in seen:
            raise PolicyError(file, key, "项目重复定义", "programme defined twice")
        seen.add(pid_)
        programmes[pid_] = _programme(raw, file, key, programmes.get(pid_), base is not None)
    for p in programmes.values():
        for r in p.replaces:
            if r not in programmes:
                raise PolicyError(
                    file, f"programme.{p.id}.replaces", f"未知的项目 {r}", f"unknown programme {r}"
                )
    checks = list(base.checks) if base else []
    for i, raw in enumerate(data.get("check", [])):
        key = f"check[{i}]"
        _check_keys(raw, _CHECK_KEYS, file, key)
        progs = tuple(str(x) for x in _req(raw, "programmes", file, key))
        for x in progs:
            if x not in programmes:
                raise PolicyError(
                    file, f"{key}.programmes", f"未知的项目 {x}", f"unknown programme {x}"
                )
        stages = [str(x) for x in _req(raw, "stages", file, key)]
        if any(x not in {st.value for st in Stage} for x in stages):
            raise PolicyError(file, f"{key}.stages", "未知的学段", "unknown stage")
        checks.append(
            GrantCheck(
                id=str(_req(raw, "id", file, key)),
                stages=tuple(str(s) for s in _req(raw, "stages", file, key)),
                programmes=progs,
                minimum=_amount(_req(raw, "minimum", file, key), file, f"{key}.minimum"),
                hukou_province=tuple(str(s) for s in raw.get("hukou_province", ())),
                source=str(_req(raw, "source", file, key)),
                rule=str(_req(raw, "rule", file, key)),
            )
        )
    ids = (*base.ids, pid) if base else (pid,)
    return Policy(
        ids=ids,
        title_zh=str(prof.get("title_zh", pid))
        if base is None
        else f"{base.title_zh} + {prof.get('title_zh', pid)}",
        title_en=str(prof.get("title_en", pid))
        if base is None
        else f"{base.title_en} + {prof.get('title_en', pid)}",
        programmes=tuple(programmes.values()),
        parameters=params,
        # The profile laid on last states the school years the composition was reviewed for.
        reviewed_from=years[0],
        reviewed_until=years[1],
        files=(*base.files, file) if base else (file,),
        checks=tuple(checks),
    )
