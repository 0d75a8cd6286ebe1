"""Enumerations with Chinese labels (枚举).

Every enum member's value is its stable English id (what JSON and English headers use) and
its ``zh`` attribute is the Chinese label a school writes.

Examples:
    >>> from edupoverty.records.enums import Stage
    >>> Stage.JUNIOR.value, Stage.JUNIOR.zh
    ('junior', '初中')
    >>> Stage("junior") is Stage.JUNIOR
    True
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

__all__ = [
    "ChangeKind",
    "DifficultyLevel",
    "EvidenceKind",
    "FindingSeverity",
    "FundingLevel",
    "LabelledEnum",
    "Ownership",
    "Payee",
    "PaymentMethod",
    "ProgrammeForm",
    "Residence",
    "SchoolLocation",
    "Semester",
    "Stage",
    "Status",
]


class LabelledEnum(StrEnum):
    """A string enum whose members also carry a Chinese label ``zh``.

    Examples:
        >>> Semester.AUTUMN.zh
        '秋季学期'
        >>> str(Semester.AUTUMN)
        'autumn'
    """

    zh: str

    def __new__(cls, value: str, zh: str) -> LabelledEnum:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.zh = zh
        return obj

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def by_label(cls, label: str) -> Any:
        """The member whose Chinese label or value is ``label`` (``KeyError`` if none).

        Examples:
            >>> Stage.by_label("小学") is Stage.PRIMARY
            True
        """
        for member in cls:
            if label in (member.zh, member.value):
                return member
        raise KeyError(label)


class Stage(LabelledEnum):
    """School stage (学段).

    Examples:
        >>> Stage.by_label("普通高中").value
        'senior'
    """

    PRESCHOOL = "preschool", "学前"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "普通高中"
    VOCATIONAL = "vocational", "中职"
    HIGHER_VOCATIONAL = "higher_vocational", "高职"
    UNDERGRADUATE = "undergraduate", "本科"

    @property
    def compulsory(self) -> bool:
        """True for the stages of compulsory education (义务教育).

        Examples:
            >>> Stage.PRIMARY.compulsory, Stage.SENIOR.compulsory
            (True, False)
        """
        return self in (Stage.PRIMARY, Stage.JUNIOR)


class SchoolLocation(LabelledEnum):
    """Where the school stands (学校所在地类型). ``town`` and ``rural`` are "rural" in the
    policy sense of R-CMP-4 (below the county seat).

    Examples:
        >>> SchoolLocation("county_seat").zh
        '县城'
    """

    CITY = "city", "城区"
    COUNTY_SEAT = "county_seat", "县城"
    TOWN = "town", "镇区"
    RURAL = "rural", "乡村"

    @property
    def below_county_seat(self) -> bool:
        """True for township and village schools (R-CMP-4).

        Examples:
            >>> SchoolLocation.TOWN.below_county_seat, SchoolLocation.COUNTY_SEAT.below_county_seat
            (True, False)
        """
        return self in (SchoolLocation.TOWN, SchoolLocation.RURAL)


class Ownership(LabelledEnum):
    """Who runs the school (办学性质).

    Examples:
        >>> Ownership.PRIVATE.zh
        '民办'
    """

    PUBLIC = "public", "公办"
    PRIVATE = "private", "民办"


class Residence(LabelledEnum):
    """Household registration type (户口性质).

    Examples:
        >>> Residence.RURAL.zh
        '农村'
    """

    RURAL = "rural", "农村"
    TOWN = "town", "县镇"
    URBAN = "urban", "城市"


class DifficultyLevel(LabelledEnum):
    """Level of recognised financial difficulty (困难等级).

    Examples:
        >>> DifficultyLevel.SPECIAL.zh
        '特别困难'
    """

    SPECIAL = "special", "特别困难"
    ORDINARY = "ordinary", "困难"
    GENERAL = "general", "一般困难"


class Status(LabelledEnum):
    """Beneficiary statuses of RULES.md §1, used in eligibility declarations.

    Examples:
        >>> Status.REGISTERED_POOR.zh
        '建档立卡'
    """

    REGISTERED_POOR = "registered_poor", "建档立卡"
    FINANCIAL_DIFFICULTY = "financial_difficulty", "家庭经济困难"
    SUBSISTENCE_ALLOWANCE = "subsistence_allowance", "低保"
    EXTREME_POVERTY_SUPPORT = "extreme_poverty_support", "特困供养"
    ORPHAN = "orphan", "孤儿"
    DISABLED = "disabled", "残疾"
    LEFT_BEHIND = "left_behind", "留守儿童"
    HARDSHIP_CHILD = "hardship_child", "困境儿童"


class Semester(LabelledEnum):
    """Semester of a school year: autumn (Sept–Jan) then spring (Feb–Aug).

    Examples:
        >>> [s.value for s in Semester]
        ['autumn', 'spring']
    """

    AUTUMN = "autumn", "秋季学期"
    SPRING = "spring", "春季学期"


class ProgrammeForm(LabelledEnum):
    """How a benefit reaches the student.

    Examples:
        >>> ProgrammeForm.IN_KIND.zh
        '实物'
    """

    CASH = "cash", "现金"
    WAIVER = "waiver", "减免"
    IN_KIND = "in_kind", "实物"


class FundingLevel(LabelledEnum):
    """Level of government that pays a share (R-FND-1..4).

    Examples:
        >>> [f.zh for f in FundingLevel]
        ['中央', '省级', '市级', '县级']
    """

    CENTRAL = "central", "中央"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class PaymentMethod(LabelledEnum):
    """How a disbursement was made (R-PAY-1, R-PAY-3).

    Examples:
        >>> PaymentMethod.MEALS.zh
        '实名就餐'
    """

    BANK_TRANSFER = "bank_transfer", "银行卡转账"
    CASH = "cash", "现金"
    MEALS = "meals", "实名就餐"
    WAIVER = "waiver", "减免"
    IN_KIND = "in_kind", "实物"


class Payee(LabelledEnum):
    """Who received a disbursement (R-PAY-1: the family, no collection by others).

    Examples:
        >>> Payee.OTHER.zh
        '他人代领'
    """

    FAMILY = "family", "学生家庭"
    SCHOOL = "school", "学校"
    OTHER = "other", "他人代领"


class ChangeKind(LabelledEnum):
    """Kinds of status change (学籍异动, R-DYN-2).

    Examples:
        >>> ChangeKind.DROP_OUT.zh
        '辍学'
    """

    TRANSFER_IN = "transfer_in", "转入"
    TRANSFER_OUT = "transfer_out", "转出"
    DROP_OUT = "drop_out", "辍学"
    SUSPENSION = "suspension", "休学"
    RESUMPTION = "resumption", "复学"
    GRADUATION = "graduation", "毕业"


class EvidenceKind(LabelledEnum):
    """Evidence kept with an application (R-REC-4, R-HB-2).

    Examples:
        >>> EvidenceKind.POVERTY_HANDBOOK.zh
        '扶贫手册'
    """

    APPLICATION_FORM = "application_form", "资助申请表"
    ID_CARD = "id_card", "身份证"
    HUKOU_BOOKLET = "hukou_booklet", "户口簿"
    POVERTY_HANDBOOK = "poverty_handbook", "扶贫手册"
    POVERTY_OFFICE_STAMP = "poverty_office_stamp", "扶贫办盖章"
    PROOF = "proof", "证明材料"
    DECISION = "decision", "认定结果"
    DISCLOSURE_RECORD = "disclosure_record", "公示记录"


class FindingSeverity(LabelledEnum):
    """Severity of a validation finding (not the accountability ``Severity``).

    Examples:
        >>> FindingSeverity.WARNING.zh
        '警告'
    """

    ERROR = "error", "错误"
    WARNING = "warning", "警告"
