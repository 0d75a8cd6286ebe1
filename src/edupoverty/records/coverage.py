"""Pairing coverage (包保, R-REC-7): who has no pairing teacher, whose home visits are overdue.

The pairing scheme (黄圩镇中心学校教育扶贫包保方案) has a principal per village and a teacher per
household and per student, from kindergarten to university, with regular home visits and checks
of the poverty handbook (定期入户家访……查验“教育扶贫手册”). :func:`pairing_coverage` checks, on
the last day of a period the county chooses:

- every registered-poor **student** on the roster has an active pairing naming the student;
- every registered-poor **household** has an active pairing naming the household, and every
  village of those households a principal (a pairing naming the village);
- each paired household had at least the number of home visits the county sets for the period,
  by a teacher paired with it on the day of the visit.

The number of visits is the county's: the seed gives no number, so ``visits_required`` has no
default and, when it is ``None``, the visit check is reported as **not configured** (未配置)
instead of guessed.

The report is internal, but it still never shows an identity number: students are named by
student number, roster row or a masked number.

Examples:
    >>> from datetime import date
    >>> from edupoverty.records.enums import SchoolLocation, Stage
    >>> from edupoverty.records.model import HomeVisit, Household, Pairing, Student
    >>> kid = Student(name="张三", id_number="11010520120307002X", school_code="A",
    ...               stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL,
    ...               registered_poor=True, student_number="G1")
    >>> home = Household("H1", registered_poor=True, village="李庄村")
    >>> pairs = [Pairing("王老师", date(2019, 9, 1), household_id="H1"),
    ...          Pairing("王老师", date(2019, 9, 1), student_id="11010520120307002X"),
    ...          Pairing("李校长", date(2019, 9, 1), village="李庄村", role="principal")]
    >>> visits = [HomeVisit("王老师", "H1", date(2019, 10, 8), handbook_checked=True)]
    >>> r = pairing_coverage([kid], [home], pairs, visits, start=date(2019, 9, 1),
    ...                      end=date(2020, 1, 31), visits_required=2)
    >>> r.uncovered_students, [(o.household_id, o.visits, o.required) for o in r.overdue]
    ((), [('H1', 1, 2)])
    >>> pairing_coverage([kid], [home], pairs, visits, start=date(2019, 9, 1),
    ...                  end=date(2020, 1, 31), visits_required=None).message("en")[-1]
    'home visits: not configured (the county sets how many visits a period needs)'
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from attrs import field, frozen

from edupoverty.errors import InputError
from edupoverty.records.idcard import mask
from edupoverty.records.model import HomeVisit, Household, Pairing, Student

__all__ = ["CoverageReport", "OverdueVisits", "Uncovered", "pairing_coverage"]


@frozen
class Uncovered:
    """A registered-poor student, household or village without an active pairing.

    ``who`` names it for people (student number, roster row or masked identity number for a
    student; the household id; the village name).

    Examples:
        >>> Uncovered("household", "H7", household_id="H7").kind
        'household'
    """

    kind: str
    who: str
    student_id: str | None = field(default=None, repr=False)
    household_id: str | None = None
    village: str | None = None
    school_code: str | None = None
    row: int | None = None


@frozen
class OverdueVisits:
    """A paired household with fewer home visits in the period than the county requires.

    Examples:
        >>> o = OverdueVisits("H1", ("王老师",), 0, 2, None, False)
        >>> o.missing
        2
    """

    household_id: str
    teachers: tuple[str, ...]
    visits: int
    required: int
    last_visit: date | None
    handbook_checked: bool

    @property
    def missing(self) -> int:
        """Visits still owed for the period."""
        return self.required - self.visits


@frozen
class CoverageReport:
    """Who is uncovered or overdue in the period ``start``–``end`` (R-REC-7).

    Examples:
        >>> r = CoverageReport(date(2019, 9, 1), date(2019, 9, 30), 0, 0, (), (), (), (), None)
        >>> r.visits_configured, r.complete
        (False, False)
    """

    start: date
    end: date
    students: int
    households: int
    uncovered_students: tuple[Uncovered, ...]
    uncovered_households: tuple[Uncovered, ...]
    uncovered_villages: tuple[Uncovered, ...]
    overdue: tuple[OverdueVisits, ...]
    visits_required: int | None

    @property
    def visits_configured(self) -> bool:
        """False when the county has not set the number of visits (未配置)."""
        return self.visits_required is not None

    @property
    def complete(self) -> bool:
        """True when everyone is paired and, with visits configured, no visit is overdue."""
        return (
            self.visits_configured
            and not self.uncovered_students
            and not self.uncovered_households
            and not self.uncovered_villages
            and not self.overdue
        )

    def message(self, lang: str = "zh") -> list[str]:
        """The report as lines of text in ``"zh"`` or ``"en"``."""
        en = lang == "en"
        out: list[str] = []
        for u in (*self.uncovered_students, *self.uncovered_households, *self.uncovered_villages):
            if en:
                out.append(f"{u.kind} {u.who}: no pairing teacher")
            else:
                what = {"student": "学生", "household": "贫困户", "village": "村"}[u.kind]
                out.append(f"{what}{u.who}：没有包保人")
        for o in self.overdue:
            last = o.last_visit.isoformat() if o.last_visit else ("none" if en else "无")
            if en:
                out.append(
                    f"household {o.household_id}: {o.visits} of {o.required} home visits "
                    f"(last {last})"
                )
            else:
                out.append(
                    f"贫困户{o.household_id}：本期家访{o.visits}次，应{o.required}次（最近{last}）"
                )
        if not self.visits_configured:
            out.append(
                "home visits: not configured (the county sets how many visits a period needs)"
                if en
                else "家访次数：未配置（每期家访次数由县里规定）"
            )
        return out


def _who(s: Student) -> str:
    if s.student_number:
        return f"学籍号{s.student_number}"
    if s.row is not None:
        return f"第{s.row}行"
    return mask(s.id_number)


def pairing_coverage(
    students: Iterable[Student],
    households: Iterable[Household],
    pairings: Iterable[Pairing],
    visits: Iterable[HomeVisit],
    *,
    start: date,
    end: date,
    visits_required: int | None,
) -> CoverageReport:
    """Check pairings and home visits of registered-poor students and households (R-REC-7).

    Pairings must be active on ``end``; visits count from ``start`` to ``end`` (both
    included). ``visits_required`` is the county's number of visits per household for this
    period; ``None`` means the county has not set it (reported as not configured).

    Examples:
        >>> pairing_coverage([], [], [], [], start=date(2019, 9, 30), end=date(2019, 9, 1),
        ...                  visits_required=1)
        Traceback (most recent call last):
        ...
        edupoverty.errors.InputError: coverage.period: 期间开始晚于结束 / ...
    """
    if start > end:
        err = InputError("期间开始晚于结束", "the period starts after it ends")
        err.code = "coverage.period"
        raise err
    if visits_required is not None and visits_required < 0:
        err = InputError("家访次数不能为负数", "the number of visits cannot be negative")
        err.code = "coverage.visits"
        raise err
    all_pairings = list(pairings)
    active = [p for p in all_pairings if p.active_on(end)]
    paired_students = {p.student_id for p in active if p.student_id}
    paired_households = {p.household_id for p in active if p.household_id}
    villages_with_principal = {p.village for p in active if p.village}

    poor_students = [s for s in students if s.registered_poor is True]
    uncovered_students = tuple(
        Uncovered("student", _who(s), s.id_number, school_code=s.school_code, row=s.row)
        for s in poor_students
        if s.id_number not in paired_students
    )
    poor_households = [h for h in households if h.registered_poor]
    uncovered_households = tuple(
        Uncovered("household", h.household_id, household_id=h.household_id, village=h.village)
        for h in poor_households
        if h.household_id not in paired_households
    )
    villages = sorted({h.village for h in poor_households if h.village})
    uncovered_villages = tuple(
        Uncovered("village", v, village=v) for v in villages if v not in villages_with_principal
    )

    overdue: list[OverdueVisits] = []
    if visits_required is not None:
        by_household: dict[str, list[HomeVisit]] = {}
        for v in visits:
            if start <= v.visited_on <= end:
                by_household.setdefault(v.household_id, []).append(v)
        for h in poor_households:
            if h.household_id not in paired_households:
                continue
            teachers = tuple(
                sorted({p.teacher for p in active if p.household_id == h.household_id})
            )
            counted = [
                v
                for v in by_household.get(h.household_id, [])
                if any(
                    p.teacher == v.teacher
                    and p.household_id == h.household_id
                    and p.active_on(v.visited_on)
                    for p in all_pairings
                )
            ]
            if len(counted) < visits_required:
                overdue.append(
                    OverdueVisits(
                        h.household_id,
                        teachers,
                        len(counted),
                        visits_required,
                        max((v.visited_on for v in counted), default=None),
                        any(v.handbook_checked for v in counted),
                    )
                )
    return CoverageReport(
        start,
        end,
        len(poor_students),
        len(poor_households),
        uncovered_students,
        uncovered_households,
        uncovered_villages,
        tuple(overdue),
        visits_required,
    )
