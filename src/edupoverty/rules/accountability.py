"""Accountability (教育扶贫责任追究制度, RULES.md §12): misconduct, severity, consequences,
beneficiaries who lose their qualification, and incidents from the clocks.

The school's accountability rules (黄圩镇中心学校《教育扶贫责任追究制度》) name four kinds of
misconduct (R-ACC-S1..S4), three degrees of severity with their consequences (R-ACC-L1..L3),
the hand-over to discipline bodies and the judiciary (R-ACC-E1, R-ACC-E2) and the record to be
kept (R-ACC-R1). The principles — truthful and fair, every fault pursued, punishment fitting
responsibility, education combined with punishment, whoever is in charge answers for it — mean
that **people decide**: this module states facts and proposals, never a verdict.
:func:`severity_for` therefore returns a :class:`SeverityProposal`, and an :class:`Incident`
carries a *proposed* category.

The texts of the consequences are the documents' wording, with an English translation.

Examples:
    >>> proposal = severity_for(Impact.ADVERSE)
    >>> proposal.severity.zh, proposal.rule
    ('情节较重', 'R-ACC-L2')
    >>> [(c.rule, c.decided_by_zh) for c in consequences(proposal.severity)]
    [('R-ACC-L2', '学校'), ('R-ACC-L2', '学校（年度考核）')]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from attrs import field, frozen

from edupoverty.records.enums import LabelledEnum
from edupoverty.records.model import Disbursement, LateReport, OverdueReply
from edupoverty.records.money import ZERO

__all__ = [
    "BeneficiaryCase",
    "BeneficiaryFault",
    "Consequence",
    "Impact",
    "Incident",
    "Misconduct",
    "Severity",
    "SeverityProposal",
    "beneficiary_case",
    "consequences",
    "incident_from_late_report",
    "incident_from_overdue_reply",
    "incidents",
    "severity_for",
]


class Misconduct(LabelledEnum):
    """The four kinds of misconduct of the accountability rules (责任追究范围 1–4).

    Examples:
        >>> Misconduct.FRAUD.rule, Misconduct.FRAUD.zh
        ('R-ACC-S3', '不坚持原则、徇私舞弊、弄虚作假、隐瞒包庇')
    """

    PASSIVE = "passive", "消极对待政策、责任落实不力、不能按时完成任务"
    PERFUNCTORY = "perfunctory", "推诿扯皮、敷衍塞责、效率低下、不能在规定时间内完成任务"
    FRAUD = "fraud", "不坚持原则、徇私舞弊、弄虚作假、隐瞒包庇"
    LATE_DOCUMENTS = "late_documents", "文件收发上报不及时、统计报表和总结材料不按时上报"

    @property
    def rule(self) -> str:
        """The rule id (R-ACC-S1..S4).

        Examples:
            >>> Misconduct.LATE_DOCUMENTS.rule
            'R-ACC-S4'
        """
        return _MISCONDUCT_RULE[self]

    @property
    def wording(self) -> str:
        """The document's full wording of this kind of misconduct."""
        return _MISCONDUCT_WORDING[self]


_MISCONDUCT_RULE = {
    Misconduct.PASSIVE: "R-ACC-S1",
    Misconduct.PERFUNCTORY: "R-ACC-S2",
    Misconduct.FRAUD: "R-ACC-S3",
    Misconduct.LATE_DOCUMENTS: "R-ACC-S4",
}
_MISCONDUCT_WORDING = {
    Misconduct.PASSIVE: (
        "对上级主管部门和学校制定出台的政策、措施、决定持消极态度，抵制或不予落实的；"
        "对各项责任制度落实不力，不能按时完成本部门或本人工作任务的。"
    ),
    Misconduct.PERFUNCTORY: (
        "办事推诿、扯皮、敷衍塞责、不负责任、效率低下，"
        "在规定时间内不能完成工作任务或遇到矛盾不认真及时解决的。"
    ),
    Misconduct.FRAUD: (
        "工作不坚持原则，徇私舞弊、弄虚作假，对出现的问题隐瞒包庇，"
        "影响教育精准扶贫学生资助工作的顺利进行的。"
    ),
    Misconduct.LATE_DOCUMENTS: (
        "因文件收发、传阅、上报、下达不及时而贻误工作造成重大影响，"
        "或不按时限要求按时上报各类统计报表、总结材料，"
        "影响教育精准扶贫学生资助工作、给学校造成不良影响的。"
    ),
}


class Severity(LabelledEnum):
    """How grave the circumstances are (情节).

    Examples:
        >>> Severity.SEVERE.zh
        '情节严重'
    """

    MINOR = "minor", "情节较轻"
    SERIOUS = "serious", "情节较重"
    SEVERE = "severe", "情节严重"


class Impact(LabelledEnum):
    """The impact and consequences of the misconduct (影响和后果).

    Examples:
        >>> Impact.EGREGIOUS.zh
        '恶劣影响和后果'
    """

    NONE = "none", "未造成不良影响"
    ADVERSE = "adverse", "不良影响和后果"
    EGREGIOUS = "egregious", "恶劣影响和后果"


@frozen
class SeverityProposal:
    """A proposed severity: the accountability rules tie severity to impact, but the decision
    stays with the people responsible (the direct leader, the principal's office meeting).

    Examples:
        >>> p = severity_for(Impact.NONE)
        >>> p.severity.value, p.decided_by_en
        ('minor', 'the responsible leaders, on the facts')
    """

    impact: Impact
    severity: Severity
    rule: str
    basis_zh: str
    basis_en: str
    decided_by_zh: str = "责任领导依事实认定"
    decided_by_en: str = "the responsible leaders, on the facts"


_PROPOSALS = {
    Impact.NONE: (
        Severity.MINOR,
        "R-ACC-L1",
        "未造成不良影响的，通常属情节较轻",
        "without adverse impact the circumstances are usually minor",
    ),
    Impact.ADVERSE: (
        Severity.SERIOUS,
        "R-ACC-L2",
        "情节较重，造成不良影响和后果的",
        "serious circumstances, causing adverse impact and consequences",
    ),
    Impact.EGREGIOUS: (
        Severity.SEVERE,
        "R-ACC-L3",
        "情节严重，造成恶劣影响和后果的",
        "severe circumstances, causing egregious impact and consequences",
    ),
}


def severity_for(impact: Impact) -> SeverityProposal:
    """Propose the severity that goes with ``impact`` (R-ACC-L1..L3). A proposal only.

    Examples:
        >>> severity_for(Impact.EGREGIOUS).severity.zh
        '情节严重'
    """
    severity, rule, zh, en = _PROPOSALS[impact]
    return SeverityProposal(impact, severity, rule, zh, en)


@frozen
class Consequence:
    """One consequence: its rule, the document's wording, who decides, and what record to keep.

    ``record_zh``/``record_en`` are ``None`` where the documents set no record-keeping duty.
    ``also`` lists further rules that state the same consequence.

    Examples:
        >>> c = consequences(Severity.MINOR)[0]
        >>> c.text_zh, c.record_zh
        ('由直接领导先予教育诫勉', '对给予诫勉的当事人情况要记录备查（R-ACC-R1）')
    """

    rule: str
    text_zh: str
    text_en: str
    decided_by_zh: str
    decided_by_en: str
    record_zh: str | None = None
    record_en: str | None = None
    also: tuple[str, ...] = ()


_ADMONITION = Consequence(
    "R-ACC-L1",
    "由直接领导先予教育诫勉",
    "an admonition (教育诫勉) by the direct leader",
    "直接领导",
    "the direct leader",
    "对给予诫勉的当事人情况要记录备查（R-ACC-R1）",
    "the admonition is recorded for reference (R-ACC-R1)",
)
_SELF_CRITICISM = Consequence(
    "R-ACC-L1",
    "当事人作出书面检查",
    "a written self-criticism by the person concerned",
    "直接领导",
    "the direct leader",
)
_NO_AWARDS = Consequence(
    "R-ACC-L2",
    "取消当年评优评先资格",
    "loses that year's eligibility for awards and honours",
    "学校",
    "the school",
)
_INCOMPETENT = Consequence(
    "R-ACC-L2",
    "年度考核给予不称职等级",
    "the annual appraisal is graded 'incompetent' (不称职)",
    "学校（年度考核）",
    "the school (annual appraisal)",
)
_OFFICE_MEETING = Consequence(
    "R-ACC-L3",
    "由校长办公会研究作出处理意见，予以告诫、通报批评或其他的行政、组织处理",
    "the principal's office meeting decides a warning (告诫), a circulated criticism "
    "(通报批评) or other administrative or organisational handling",
    "校长办公会",
    "the principal's office meeting",
    "对给予告诫的当事人情况，要以书面形式告知本人，并进行存档备案（R-ACC-R1）",
    "a warning is notified to the person in writing and archived (R-ACC-R1)",
)
_RESPONSIBLE = Consequence(
    "R-ACC-L3",
    "追究相关责任人的责任",
    "the responsible persons are held to account",
    "校长办公会",
    "the principal's office meeting",
)
_DISCIPLINE = Consequence(
    "R-ACC-E1",
    "触犯党纪、政纪的，按相应规定给予处理",
    "a breach of party or government discipline is handled under those rules",
    "按党纪、政纪规定有权处理的机关",
    "the bodies competent under party and government discipline rules",
)
_JUDICIARY = Consequence(
    "R-ACC-E2",
    "构成犯罪的，移送司法机关依法追究刑事责任",
    "a crime is transferred to the judicial organs for criminal liability under the law",
    "司法机关",
    "the judicial organs",
)

_BY_SEVERITY = {
    Severity.MINOR: (_ADMONITION, _SELF_CRITICISM),
    Severity.SERIOUS: (_NO_AWARDS, _INCOMPETENT),
    # "除按相应规定处理外" — everything of the serious degree, and the office meeting's handling.
    Severity.SEVERE: (_NO_AWARDS, _INCOMPETENT, _OFFICE_MEETING, _RESPONSIBLE),
}


def consequences(
    severity: Severity, discipline_breach: bool = False, crime: bool = False
) -> tuple[Consequence, ...]:
    """The consequences of misconduct of ``severity``, in order (R-ACC-L1..L3, E1, E2).

    ``discipline_breach`` and ``crime`` are findings of fact by people; the seed lists them
    under severe circumstances (有上述行为，情节严重，触犯党纪、政纪的……构成犯罪的).

    Examples:
        >>> [c.rule for c in consequences(Severity.SEVERE, crime=True)]
        ['R-ACC-L2', 'R-ACC-L2', 'R-ACC-L3', 'R-ACC-L3', 'R-ACC-E2']
        >>> consequences(Severity.SEVERE)[2].decided_by_en
        "the principal's office meeting"
    """
    out = list(_BY_SEVERITY[severity])
    if discipline_breach:
        out.append(_DISCIPLINE)
    if crime:
        out.append(_JUDICIARY)
    return tuple(out)


# --- beneficiaries -----------------------------------------------------------------------


class BeneficiaryFault(LabelledEnum):
    """Why a beneficiary loses the qualification (R-ACC-B1, R-DIS-6, R-HB-2).

    Examples:
        >>> BeneficiaryFault.FAKED.zh
        '弄虚作假'
    """

    INELIGIBLE = "ineligible", "不符合条件"
    FAKED = "faked", "弄虚作假"


_CANCELLED = Consequence(
    "R-ACC-B1",
    "取消其被资助资格",
    "the qualification for assistance is cancelled",
    "学校资助工作领导小组",
    "the school's assistance leading group",
    also=("R-DIS-6",),
)
_CANCELLED_FAKED = Consequence(
    "R-ACC-B1",
    "对弄虚作假的资助对象取消其资助资格",
    "a beneficiary who faked evidence has the qualification cancelled",
    "学校资助工作领导小组",
    "the school's assistance leading group",
    also=("R-DIS-6", "R-HB-2"),
)
_CRITICISM = Consequence(
    "R-ACC-B1",
    "进行批评教育",
    "criticism and education",
    "学校",
    "the school",
    also=("R-DIS-6",),
)


@frozen
class BeneficiaryCase:
    """A beneficiary found ineligible or to have faked evidence: the consequences, and what
    was paid to that student so far (the seed lists no recovery rule: the decision is people's).

    Examples:
        >>> case = beneficiary_case("11010520120307002X", BeneficiaryFault.INELIGIBLE, [])
        >>> [c.text_zh for c in case.consequences], case.total_paid
        (['取消其被资助资格'], Decimal('0.00'))
    """

    student_id: str = field(repr=False)
    fault: BeneficiaryFault
    consequences: tuple[Consequence, ...]
    paid: tuple[Disbursement, ...]

    @property
    def total_paid(self) -> Decimal:
        """Everything paid to the student so far."""
        return sum((d.amount for d in self.paid), ZERO)

    def paid_by_programme(self) -> dict[str, Decimal]:
        """What was paid so far, per programme.

        Examples:
            >>> beneficiary_case("x", BeneficiaryFault.FAKED, []).paid_by_programme()
            {}
        """
        out: dict[str, Decimal] = {}
        for d in self.paid:
            out[d.programme] = out.get(d.programme, ZERO) + d.amount
        return dict(sorted(out.items()))


def beneficiary_case(
    student_id: str, fault: BeneficiaryFault, disbursements: Iterable[Disbursement]
) -> BeneficiaryCase:
    """The case of a beneficiary who does not qualify (R-ACC-B1, R-DIS-6, R-HB-2): ineligible →
    qualification cancelled; faked evidence → cancelled plus criticism and education. Lists
    every disbursement to that student so far, in date order.

    Examples:
        >>> from datetime import date
        >>> from edupoverty.records import Disbursement, Period, PaymentMethod, Semester
        >>> paid = [Disbursement(student_id="S1", programme="compulsory.boarding_allowance",
        ...                      period=Period(2019, Semester.AUTUMN), amount="500",
        ...                      method=PaymentMethod.BANK_TRANSFER, paid_on=date(2019, 11, 1),
        ...                      batch="A"),
        ...         Disbursement(student_id="S2", programme="compulsory.boarding_allowance",
        ...                      period=Period(2019, Semester.AUTUMN), amount="500",
        ...                      method=PaymentMethod.BANK_TRANSFER, paid_on=date(2019, 11, 1),
        ...                      batch="A")]
        >>> case = beneficiary_case("S1", BeneficiaryFault.FAKED, paid)
        >>> [c.text_en for c in case.consequences]
        ['a beneficiary who faked evidence has the qualification cancelled', 'criticism and education']
        >>> case.total_paid
        Decimal('500.00')
    """  # noqa: E501
    if fault is BeneficiaryFault.FAKED:
        cons: tuple[Consequence, ...] = (_CANCELLED_FAKED, _CRITICISM)
    else:
        cons = (_CANCELLED,)
    paid = tuple(
        sorted(
            (d for d in disbursements if d.student_id == student_id),
            key=lambda d: (d.paid_on, d.programme),
        )
    )
    return BeneficiaryCase(student_id, fault, cons, paid)


# --- incidents ---------------------------------------------------------------------------


@frozen
class Incident:
    """A fact from the clocks that may be misconduct: what happened, the rule broken, and the
    proposed category. Severity is not proposed: impact is for people to judge.

    ``late_days`` counts calendar days (``late_working_days`` working days, when the clock
    counts them); ``late_minutes`` is set for the one-hour urgent clock. All are ``None`` when
    the thing was never done.

    Examples:
        >>> from datetime import date
        >>> i = incident_from_overdue_reply(OverdueReply("O1", date(2026, 9, 30),
        ...                                              date(2026, 10, 10), date(2026, 10, 14)))
        >>> i.proposed.rule, i.breached, i.late_days
        ('R-ACC-S2', 'R-DIS-4', 4)
    """

    subject: str
    breached: str
    proposed: Misconduct
    due: date
    done: date | None
    facts_zh: str
    facts_en: str
    responsible: str | None = None
    late_days: int | None = None
    late_working_days: int | None = None
    late_minutes: int | None = None

    @property
    def rule(self) -> str:
        """The rule id of the proposed misconduct category."""
        return self.proposed.rule


def _text(d: date) -> str:
    if isinstance(d, datetime):
        return d.strftime("%Y-%m-%d %H:%M")
    return d.isoformat()


def incident_from_overdue_reply(reply: OverdueReply) -> Incident | None:
    """An objection answered after its due working day (R-DIS-4) → a proposed R-ACC-S2
    incident (tasks not done in the set time). ``None`` if the reply was in time.

    The due day comes from :func:`edupoverty.disclosure.reply_due`: an objection received on
    30 September 2026 is due on Saturday 10 October, a make-up working day (1–7 October are
    the National Day holiday; the day of receipt does not count).

    Examples:
        >>> from datetime import date
        >>> incident_from_overdue_reply(OverdueReply("O1", date(2026, 9, 30),
        ...                                           date(2026, 10, 10), date(2026, 10, 10)))
        >>> i = incident_from_overdue_reply(OverdueReply("O2", date(2026, 9, 30),
        ...                                              date(2026, 10, 10), None))
        >>> i.facts_en
        'objection O2 received 2026-09-30, reply due 2026-10-10: no reply'
    """
    due, done = reply.due_on, reply.replied_on
    if done is not None and done <= due:
        return None
    head_zh = (
        f"异议{reply.objection_id}于{reply.received_on.isoformat()}收到，"
        f"应于{due.isoformat()}前答复"
    )
    head_en = (
        f"objection {reply.objection_id} received {reply.received_on.isoformat()}, "
        f"reply due {due.isoformat()}"
    )
    late = reply.working_days_late
    if done is None:
        wd_zh = f"（已逾期{late}个工作日）" if late else ""
        wd_en = f" ({late} working days late so far)" if late else ""
        zh, en = f"{head_zh}：未答复{wd_zh}", f"{head_en}: no reply{wd_en}"
    else:
        wd_zh = f"（逾期{late}个工作日）" if late else ""
        wd_en = f" ({late} working days late)" if late else ""
        zh = f"{head_zh}：{done.isoformat()}答复{wd_zh}"
        en = f"{head_en}: replied {done.isoformat()}{wd_en}"
    return Incident(
        subject=reply.objection_id,
        breached="R-DIS-4",
        proposed=Misconduct.PERFUNCTORY,
        due=due,
        done=done,
        facts_zh=zh,
        facts_en=en,
        responsible=reply.responsible,
        late_days=None if done is None else (done - due).days,
        late_working_days=reply.working_days_late,
    )


def _urgent(report: LateReport) -> bool:
    return isinstance(report.due_at, datetime) or "urgent" in report.clock


def incident_from_late_report(report: LateReport) -> Incident | None:
    """A report or statistical return after its deadline (R-CLK-2..4), or urgent information
    later than one hour (R-CLK-1) → a proposed R-ACC-S4 incident. ``None`` if it was in time.

    Examples:
        >>> from datetime import date, datetime
        >>> i = incident_from_late_report(LateReport("月排查报告", "monthly_inspection",
        ...                               date(2026, 10, 9), date(2026, 10, 12)))
        >>> i.rule, i.late_days, i.breached
        ('R-ACC-S4', 3, 'R-CLK-4')
        >>> u = incident_from_late_report(LateReport("重大紧急信息", "urgent",
        ...     datetime(2026, 10, 9, 15, 0), datetime(2026, 10, 9, 16, 20)))
        >>> u.breached, u.late_minutes, u.facts_en
        ('R-CLK-1', 80, 'urgent 重大紧急信息 due 2026-10-09 15:00: submitted 2026-10-09 16:20')
    """
    due, done = report.due_at, report.submitted_at
    urgent = _urgent(report)
    if done is not None and _in_time(done, due):
        return None
    kind_zh = "重大紧急信息" if urgent else "报告"
    kind_en = "urgent" if urgent else "report"
    head_zh = f"{kind_zh}「{report.report}」应于{_text(due)}前报送"
    head_en = f"{kind_en} {report.report} due {_text(due)}"
    if done is None:
        zh, en = f"{head_zh}：未报送", f"{head_en}: not submitted"
    else:
        zh, en = f"{head_zh}：{_text(done)}报送", f"{head_en}: submitted {_text(done)}"
    late_minutes = None
    late_days = None
    if done is not None:
        if isinstance(due, datetime) and isinstance(done, datetime):
            late_minutes = int((done - due).total_seconds() // 60)
        else:
            late_days = (_day(done) - _day(due)).days
    return Incident(
        subject=report.report,
        breached="R-CLK-1" if urgent else "R-CLK-4",
        proposed=Misconduct.LATE_DOCUMENTS,
        due=due,
        done=done,
        facts_zh=zh,
        facts_en=en,
        responsible=report.responsible,
        late_days=late_days,
        late_minutes=late_minutes,
    )


def _in_time(done: date, due: date) -> bool:
    if isinstance(due, datetime) and isinstance(done, datetime):
        return done <= due
    return _day(done) <= _day(due)


def _day(d: date) -> date:
    return d.date() if isinstance(d, datetime) else d


def incidents(
    overdue_replies: Iterable[OverdueReply] = (), late_reports: Iterable[LateReport] = ()
) -> tuple[Incident, ...]:
    """Every incident from the clocks: late objection replies (R-ACC-S2) and late reports or
    urgent information (R-ACC-S4), in order of their due time; those in time are left out.

    Examples:
        >>> from datetime import date
        >>> found = incidents([OverdueReply("O1", date(2026, 9, 30), date(2026, 10, 10), None)],
        ...                   [LateReport("统计报表", "statistics", date(2026, 10, 9), None)])
        >>> [(i.subject, i.rule) for i in found]
        [('统计报表', 'R-ACC-S4'), ('O1', 'R-ACC-S2')]
    """
    found = [incident_from_overdue_reply(o) for o in overdue_replies]
    found += [incident_from_late_report(r) for r in late_reports]
    return tuple(
        sorted(
            (i for i in found if i is not None),
            key=lambda i: (_sortable(i.due), i.subject),
        )
    )


def _sortable(d: date) -> datetime:
    return d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)
