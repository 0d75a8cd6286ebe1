"""What the data *is*: record types, resident ID numbers, roster files and their checks.

This room imports no rules: it knows what a student, a disbursement or a ledger entry looks
like, not what they are worth.

Examples:
    >>> from edupoverty.records import Stage, Student, SchoolLocation
    >>> Student(name="张三", id_number="11010520120307002X", school_code="1",
    ...         stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL).stage.zh
    '小学'
"""

from edupoverty.records import idcard, synthetic
from edupoverty.records.convert import from_dict, from_json, to_dict, to_json
from edupoverty.records.enums import (
    ChangeKind,
    DifficultyLevel,
    EvidenceKind,
    FindingSeverity,
    FundingLevel,
    Ownership,
    Payee,
    PaymentMethod,
    ProgrammeForm,
    Residence,
    SchoolLocation,
    Semester,
    Stage,
    Status,
)
from edupoverty.records.findings import CODES, Finding, FindingCode, finding
from edupoverty.records.model import (
    Application,
    Disbursement,
    EnrolmentPeriod,
    Evidence,
    HomeVisit,
    Household,
    LateReport,
    LedgerEntry,
    Objection,
    OverdueReply,
    Pairing,
    Period,
    School,
    StatusChange,
    Student,
    WaiverPledge,
)
from edupoverty.records.money import money
from edupoverty.records.roster import (
    DisbursementResult,
    RejectedRow,
    RosterResult,
    WaiverResult,
    read_disbursements,
    read_roster,
    read_rows,
    read_waivers,
)
from edupoverty.records.sample import sample_disbursements_path, sample_roster_path
from edupoverty.records.validate import (
    ValidationReport,
    check_payments,
    validate,
    validation_report,
)
from edupoverty.records.writers import Cells, neutralise, write_csv, write_xlsx

__all__ = [
    "CODES",
    "Application",
    "Cells",
    "ChangeKind",
    "DifficultyLevel",
    "Disbursement",
    "DisbursementResult",
    "EnrolmentPeriod",
    "Evidence",
    "EvidenceKind",
    "Finding",
    "FindingCode",
    "FindingSeverity",
    "FundingLevel",
    "HomeVisit",
    "Household",
    "LateReport",
    "LedgerEntry",
    "Objection",
    "OverdueReply",
    "Ownership",
    "Pairing",
    "Payee",
    "PaymentMethod",
    "Period",
    "ProgrammeForm",
    "RejectedRow",
    "Residence",
    "RosterResult",
    "School",
    "SchoolLocation",
    "Semester",
    "Stage",
    "Status",
    "StatusChange",
    "Student",
    "ValidationReport",
    "WaiverPledge",
    "WaiverResult",
    "check_payments",
    "finding",
    "from_dict",
    "from_json",
    "idcard",
    "money",
    "neutralise",
    "read_disbursements",
    "read_roster",
    "read_rows",
    "read_waivers",
    "sample_disbursements_path",
    "sample_roster_path",
    "synthetic",
    "to_dict",
    "to_json",
    "validate",
    "validation_report",
    "write_csv",
    "write_xlsx",
]

# --- the permanent ledger, review workflow, status changes and pairing coverage (issue 5) ---
from edupoverty.records import coverage, ledger, status, workflow
from edupoverty.records.coverage import CoverageReport, pairing_coverage
from edupoverty.records.ledger import ExpectedPayment, Ledger, VerifyReport
from edupoverty.records.status import Enrolment, StatusIssue, enrolment_periods
from edupoverty.records.workflow import Submission, transition

__all__ += [
    "CoverageReport",
    "Enrolment",
    "ExpectedPayment",
    "Ledger",
    "StatusIssue",
    "Submission",
    "VerifyReport",
    "coverage",
    "enrolment_periods",
    "ledger",
    "pairing_coverage",
    "status",
    "transition",
    "workflow",
]
