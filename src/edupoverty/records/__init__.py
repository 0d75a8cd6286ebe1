"""What the data *is*: record types, resident ID numbers, roster files and their checks.

This room imports no rules: it knows what a student, a disbursement or a ledger entry looks
like, not what they are worth.

Examples:
    >>> from edupoverty.records import Stage, Student, SchoolLocation
    >>> Student(name="张三", id_number="11010520120307002X", school_code="1",
    ...         stage=Stage.PRIMARY, school_location=SchoolLocation.RURAL).stage.zh
    '小学'
"""

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

__all__ = [
    "Application",
    "ChangeKind",
    "DifficultyLevel",
    "Disbursement",
    "EnrolmentPeriod",
    "Evidence",
    "EvidenceKind",
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
    "Residence",
    "School",
    "SchoolLocation",
    "Semester",
    "Stage",
    "Status",
    "StatusChange",
    "Student",
    "WaiverPledge",
    "from_dict",
    "from_json",
    "money",
    "to_dict",
    "to_json",
]
