"""What the data *is worth*: policy profiles, eligibility, stacking, proration, funding.

Examples:
    >>> from edupoverty.records import Stage, SchoolLocation, Student
    >>> from edupoverty.rules import assess, load_policy
    >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
    ...             stage=Stage.JUNIOR, school_location=SchoolLocation.RURAL)
    >>> assess(s, load_policy("seed"), 2019).total
    Decimal('1780.00')
"""

from edupoverty.rules.assess import (
    SEMESTERS,
    Assessment,
    Decision,
    Entitlement,
    ProgrammeTotal,
    Summary,
    assess,
    assess_many,
    expected_payments,
    key_fields,
    merge_summaries,
    projection,
    summarize,
)
from edupoverty.rules.audit import audit, check_average_grants
from edupoverty.rules.bulk import TableAssessor, assess_table, summarize_table
from edupoverty.rules.eligibility import Condition, Label, evaluate, parse_condition
from edupoverty.rules.loading import compose, list_profiles, load_policy, profile_aliases
from edupoverty.rules.policy import (
    AmountCase,
    DatedValue,
    FundingShares,
    GrantCheck,
    Parameters,
    Policy,
    Programme,
    Term,
)
from edupoverty.rules.values import NotConfigured, is_configured, split_exact

__all__ = [
    "SEMESTERS",
    "AmountCase",
    "Assessment",
    "Condition",
    "DatedValue",
    "Decision",
    "Entitlement",
    "FundingShares",
    "GrantCheck",
    "Label",
    "NotConfigured",
    "Parameters",
    "Policy",
    "Programme",
    "ProgrammeTotal",
    "Summary",
    "TableAssessor",
    "Term",
    "assess",
    "assess_many",
    "assess_table",
    "audit",
    "check_average_grants",
    "compose",
    "evaluate",
    "expected_payments",
    "is_configured",
    "key_fields",
    "list_profiles",
    "load_policy",
    "merge_summaries",
    "parse_condition",
    "profile_aliases",
    "projection",
    "split_exact",
    "summarize",
    "summarize_table",
]
