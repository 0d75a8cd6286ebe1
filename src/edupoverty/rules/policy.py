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

The value types live here; :mod:`edupoverty.rules.loading` reads the files.

Examples:
    >>> from edupoverty.rules import load_policy
    >>> seed = load_policy("seed")
    >>> seed.programme("compulsory.fee_waiver").name_zh
    '免学杂费'
    >>> load_policy("seed", "dangshan").ids
    ('seed', 'dangshan')
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from attrs import frozen

from edupoverty.records.enums import DifficultyLevel, FundingLevel, ProgrammeForm, Semester
from edupoverty.rules.eligibility import Condition

__all__ = [
    "AmountCase",
    "DatedValue",
    "FundingShares",
    "GrantCheck",
    "Parameters",
    "Policy",
    "Programme",
    "Term",
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
        >>> from edupoverty.rules import load_policy
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
            >>> from edupoverty.rules import load_policy
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
        >>> from edupoverty.rules import load_policy
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
            >>> from edupoverty.rules import load_policy
            >>> load_policy("砀山")
            <Policy seed+dangshan: 13 programmes, reviewed for school years 2016–2020>
        """
        return (
            f"<Policy {self.name}: {len(self.programmes)} programmes, "
            f"reviewed for school years {self.reviewed_from}–{self.reviewed_until}>"
        )
