"""Accountability (教育扶贫责任追究制度, RULES.md §12): the tables of the school's rules, the
beneficiaries who lose their qualification and the incidents from the clocks."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from edupoverty.records.enums import LabelledEnum, PaymentMethod, Semester
from edupoverty.records.model import Disbursement, LateReport, OverdueReply, Period
from edupoverty.rules.accountability import (
    BeneficiaryFault,
    Impact,
    Misconduct,
    Severity,
    SeverityProposal,
    beneficiary_case,
    consequences,
    incident_from_late_report,
    incident_from_overdue_reply,
    incidents,
    severity_for,
)


def test_the_enums_carry_the_documents_chinese_labels() -> None:
    assert issubclass(Misconduct, LabelledEnum)
    assert [s.zh for s in Severity] == ["情节较轻", "情节较重", "情节严重"]
    assert [i.zh for i in Impact][1:] == ["不良影响和后果", "恶劣影响和后果"]
    assert [m.rule for m in Misconduct] == ["R-ACC-S1", "R-ACC-S2", "R-ACC-S3", "R-ACC-S4"]
    assert "徇私舞弊、弄虚作假" in Misconduct.FRAUD.wording
    assert "统计报表" in Misconduct.LATE_DOCUMENTS.wording


@pytest.mark.parametrize(
    ("impact", "severity", "rule"),
    [
        (Impact.NONE, Severity.MINOR, "R-ACC-L1"),
        (Impact.ADVERSE, Severity.SERIOUS, "R-ACC-L2"),
        (Impact.EGREGIOUS, Severity.SEVERE, "R-ACC-L3"),
    ],
)
def test_severity_follows_impact_only_as_a_proposal(
    impact: Impact, severity: Severity, rule: str
) -> None:
    p = severity_for(impact)
    assert isinstance(p, SeverityProposal)
    assert (p.severity, p.rule) == (severity, rule)
    assert p.decided_by_zh  # a person decides


def test_minor_circumstances_an_admonition_by_the_direct_leader_and_a_written_self_criticism() -> (
    None
):
    # R-ACC-L1, R-ACC-R1: 情节较轻的，由直接领导先予教育诫勉，当事人作出书面检查；诫勉记录备查。
    cs = consequences(Severity.MINOR)
    assert [(c.rule, c.text_zh) for c in cs] == [
        ("R-ACC-L1", "由直接领导先予教育诫勉"),
        ("R-ACC-L1", "当事人作出书面检查"),
    ]
    assert cs[0].decided_by_zh == "直接领导"
    assert cs[0].record_zh is not None and "记录备查" in cs[0].record_zh
    assert cs[1].record_zh is None


def test_serious_circumstances_lose_that_years_awards_and_the_appraisal_is_incompetent() -> None:
    # R-ACC-L2: 取消当年评优评先资格，年度考核给予不称职等级。
    cs = consequences(Severity.SERIOUS)
    assert [c.text_zh for c in cs] == ["取消当年评优评先资格", "年度考核给予不称职等级"]
    assert {c.rule for c in cs} == {"R-ACC-L2"}


def test_severe_circumstances_add_the_principals_office_meeting_to_everything_of_l2() -> None:
    # R-ACC-L3: 除按相应规定处理外，由校长办公会研究……予以告诫、通报批评……
    serious = consequences(Severity.SERIOUS)
    severe = consequences(Severity.SEVERE)
    assert severe[: len(serious)] == serious
    meeting = severe[len(serious)]
    assert meeting.rule == "R-ACC-L3" and meeting.decided_by_zh == "校长办公会"
    assert "告诫" in meeting.text_zh and "通报批评" in meeting.text_zh
    # R-ACC-R1: a warning is given in writing and archived.
    assert meeting.record_zh is not None and "书面形式" in meeting.record_zh
    assert "存档" in meeting.record_zh and "writing" in (meeting.record_en or "")


def test_discipline_breaches_and_crimes_go_to_their_bodies_last() -> None:
    cs = consequences(Severity.SEVERE, discipline_breach=True, crime=True)
    assert [c.rule for c in cs[-2:]] == ["R-ACC-E1", "R-ACC-E2"]
    assert cs[-1].decided_by_zh == "司法机关" and "移送司法机关" in cs[-1].text_zh
    assert all(c.text_en for c in cs)


# --- beneficiaries -------------------------------------------------------------------------


def _paid(sid: str, programme: str, amount: str, day: date) -> Disbursement:
    return Disbursement(
        student_id=sid,
        programme=programme,
        period=Period(2019, Semester.AUTUMN),
        amount=amount,
        method=PaymentMethod.BANK_TRANSFER,
        paid_on=day,
        batch="A",
    )


PAYMENTS = [
    _paid("S1", "compulsory.boarding_allowance", "500", date(2019, 11, 1)),
    _paid("S1", "compulsory.boarding_allowance", "500", date(2020, 4, 1)),
    _paid("S1", "senior.national_grant", "1250", date(2019, 12, 1)),
    _paid("S2", "compulsory.boarding_allowance", "500", date(2019, 11, 1)),
]


def test_an_ineligible_beneficiary_loses_the_qualification_and_the_payments_are_listed() -> None:
    # R-ACC-B1, R-DIS-6: 对不符合条件的资助对象，一经发现则取消其被资助资格。
    case = beneficiary_case("S1", BeneficiaryFault.INELIGIBLE, PAYMENTS)
    assert [(c.rule, c.text_zh) for c in case.consequences] == [("R-ACC-B1", "取消其被资助资格")]
    assert [d.paid_on for d in case.paid] == [
        date(2019, 11, 1),
        date(2019, 12, 1),
        date(2020, 4, 1),
    ]
    assert str(case.total_paid) == "2250.00"
    assert {k: str(v) for k, v in case.paid_by_programme().items()} == {
        "compulsory.boarding_allowance": "1000.00",
        "senior.national_grant": "1250.00",
    }
    assert "S1" not in repr(case)


def test_a_beneficiary_who_faked_evidence_is_cancelled_and_criticised() -> None:
    # R-ACC-B1, R-DIS-6, R-HB-2: 弄虚作假的……取消其资助资格，并进行批评教育。
    case = beneficiary_case("S2", BeneficiaryFault.FAKED, PAYMENTS)
    assert [c.text_zh for c in case.consequences] == [
        "对弄虚作假的资助对象取消其资助资格",
        "进行批评教育",
    ]
    assert "R-HB-2" in case.consequences[0].also
    assert str(case.total_paid) == "500.00"


# --- incidents ----------------------------------------------------------------------------


def test_an_objection_answered_after_its_due_day_is_a_proposed_s2_incident() -> None:
    # R-DIS-4: answered within 3 working days; late → R-ACC-S2 (在规定时间内不能完成工作任务).
    reply = OverdueReply(
        "O7",
        date(2026, 9, 30),
        date(2026, 10, 12),
        date(2026, 10, 14),
        working_days_late=2,
        responsible="认定工作组",
    )
    i = incident_from_overdue_reply(reply)
    assert i is not None
    assert (i.rule, i.breached, i.proposed) == ("R-ACC-S2", "R-DIS-4", Misconduct.PERFUNCTORY)
    assert (i.late_days, i.late_working_days, i.responsible) == (2, 2, "认定工作组")
    assert "逾期2个工作日" in i.facts_zh


def test_an_objection_still_unanswered_is_an_incident_with_the_working_days_so_far() -> None:
    reply = OverdueReply("O9", date(2026, 9, 30), date(2026, 10, 12), None, working_days_late=6)
    i = incident_from_overdue_reply(reply)
    assert i is not None and i.done is None and i.late_days is None
    assert i.facts_zh.endswith("未答复（已逾期6个工作日）")
    assert i.facts_en.endswith("no reply (6 working days late so far)")


def test_a_reply_in_time_is_no_incident() -> None:
    reply = OverdueReply("O8", date(2026, 9, 30), date(2026, 10, 12), date(2026, 10, 9))
    assert incident_from_overdue_reply(reply) is None


def test_a_statistical_return_after_its_deadline_is_a_proposed_s4_incident() -> None:
    late = LateReport("资助统计报表", "statistics", date(2026, 10, 9), date(2026, 10, 16))
    i = incident_from_late_report(late)
    assert i is not None
    assert (i.rule, i.breached, i.late_days) == ("R-ACC-S4", "R-CLK-4", 7)


def test_urgent_information_later_than_one_hour_is_a_proposed_s4_incident() -> None:
    # R-CLK-1: 重大紧急信息应在事件发生后1小时内报送.
    event = datetime(2026, 10, 9, 14, 0)
    due = event.replace(hour=15)
    late = LateReport("学生溺水事件", "urgent", due, datetime(2026, 10, 9, 15, 1))
    i = incident_from_late_report(late)
    assert i is not None
    assert (i.breached, i.rule, i.late_minutes) == ("R-CLK-1", "R-ACC-S4", 1)
    on_time = LateReport("学生溺水事件", "urgent", due, datetime(2026, 10, 9, 14, 59))
    assert incident_from_late_report(on_time) is None


def test_a_report_never_submitted_is_an_incident_without_lateness() -> None:
    i = incident_from_late_report(
        LateReport("月排查报告", "monthly_inspection", date(2026, 10, 9), None)
    )
    assert i is not None and i.done is None and i.late_days is None
    assert i.facts_zh.endswith("未报送")


def test_incidents_are_listed_in_order_of_their_due_time_and_in_time_ones_left_out() -> None:
    found = incidents(
        [
            OverdueReply("O1", date(2026, 9, 30), date(2026, 10, 12), None),
            OverdueReply("O2", date(2026, 9, 30), date(2026, 10, 12), date(2026, 10, 10)),
        ],
        [
            LateReport("统计报表", "statistics", date(2026, 10, 9), date(2026, 10, 10)),
            LateReport(
                "紧急信息", "urgent", datetime(2026, 10, 12, 9, 0), datetime(2026, 10, 12, 11, 0)
            ),
        ],
    )
    assert [(i.subject, i.rule) for i in found] == [
        ("统计报表", "R-ACC-S4"),
        ("O1", "R-ACC-S2"),
        ("紧急信息", "R-ACC-S4"),
    ]
