"""The one error tree of edupoverty (错误类型).

Every error the library raises derives from :class:`EdupovertyError`. Each carries a stable
``code`` a program can match, and a message in Chinese (``message_zh``) and English
(``message_en``). Errors that come from bad input also derive from :class:`ValueError`, so
code that already catches ``ValueError`` keeps working.

Messages name a row, a field or a file, **never the value** of an identity number, a bank
account or an address.

Examples:
    >>> from edupoverty.errors import EdupovertyError, InvalidChecksum
    >>> err = InvalidChecksum()
    >>> err.code
    'id.checksum'
    >>> isinstance(err, ValueError) and isinstance(err, EdupovertyError)
    True
    >>> print(err)
    id.checksum: 身份证号校验码错误 / the ID number's check digit is wrong
"""

from __future__ import annotations

__all__ = [
    "ArgumentError",
    "CalendarDataError",
    "CalendarYearUnavailable",
    "ConversionError",
    "EdupovertyError",
    "InputError",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "LedgerIntegrityError",
    "LockedError",
    "PolicyError",
    "PolicyStaleWarning",
    "PrivacyError",
    "RosterError",
    "UnresolvedFindingsError",
    "ValidationError",
    "WorkflowError",
]


class EdupovertyError(Exception):
    """Root of every error raised by edupoverty.

    Subclasses set the class attributes ``code``, ``default_zh`` and ``default_en``; an
    instance may override the messages.

    Examples:
        >>> e = EdupovertyError("自定义", "custom")
        >>> (e.code, e.message_zh, e.message_en)
        ('error', '自定义', 'custom')
    """

    code: str = "error"
    default_zh: str = "edupoverty 错误"
    default_en: str = "edupoverty error"

    def __init__(self, message_zh: str | None = None, message_en: str | None = None) -> None:
        self.message_zh = message_zh if message_zh is not None else self.default_zh
        self.message_en = message_en if message_en is not None else self.default_en
        super().__init__(self.message_zh, self.message_en)

    def message(self, lang: str = "zh") -> str:
        """The message in one language (``"zh"`` or ``"en"``).

        Examples:
            >>> InvalidLength().message("en")
            'the ID number does not have 18 characters'
        """
        return self.message_en if lang == "en" else self.message_zh

    def __str__(self) -> str:
        return f"{self.code}: {self.message_zh} / {self.message_en}"


class InputError(EdupovertyError, ValueError):
    """Bad input: a value, a row or a file the library cannot accept.

    Examples:
        >>> issubclass(InputError, ValueError)
        True
    """

    code = "input"
    default_zh = "输入数据有误"
    default_en = "invalid input"


class ArgumentError(InputError, TypeError):
    """A function was called with an argument of the wrong type (a school year as text, a
    policy that is not a :class:`~edupoverty.rules.policy.Policy` …). The message names the
    parameter and the type expected, never the value.

    Examples:
        >>> e = ArgumentError("school_year", "整数（如 2019）", "an int (e.g. 2019)", "str")
        >>> e.code, e.message_en
        ('argument.type', 'school_year must be an int (e.g. 2019), not str')
        >>> isinstance(e, TypeError) and isinstance(e, ValueError)
        True
    """

    code = "argument.type"
    default_zh = "参数类型错误"
    default_en = "wrong argument type"

    def __init__(self, name: str, expected_zh: str, expected_en: str, got: str) -> None:
        self.name = name
        super().__init__(
            f"参数 {name} 应为{expected_zh}，而不是 {got}",
            f"{name} must be {expected_en}, not {got}",
        )


# --- resident identity numbers (python-stdnum style) -------------------------------------


class ValidationError(InputError):
    """A resident identity number is not valid (base of the four ``Invalid*`` errors).

    Examples:
        >>> issubclass(InvalidFormat, ValidationError)
        True
    """

    code = "id.invalid"
    default_zh = "身份证号无效"
    default_en = "the ID number is not valid"


class InvalidLength(ValidationError):
    """The number does not have 18 characters.

    Examples:
        >>> InvalidLength().code
        'id.length'
    """

    code = "id.length"
    default_zh = "身份证号不是18位"
    default_en = "the ID number does not have 18 characters"


class InvalidFormat(ValidationError):
    """The number has characters other than 17 digits and a final digit or X.

    Examples:
        >>> InvalidFormat().code
        'id.format'
    """

    code = "id.format"
    default_zh = "身份证号格式错误（应为17位数字加1位数字或X）"
    default_en = "the ID number must be 17 digits followed by a digit or X"


class InvalidChecksum(ValidationError):
    """The check digit (GB 11643, ISO 7064 MOD 11-2) does not match.

    Examples:
        >>> InvalidChecksum().code
        'id.checksum'
    """

    code = "id.checksum"
    default_zh = "身份证号校验码错误"
    default_en = "the ID number's check digit is wrong"


class InvalidComponent(ValidationError):
    """A part of the number is impossible: a birth date that does not exist or lies ahead.

    Examples:
        >>> InvalidComponent().code
        'id.birth_date'
    """

    code = "id.birth_date"
    default_zh = "身份证号中的出生日期不存在或晚于今天"
    default_en = "the birth date in the ID number does not exist or is in the future"


# --- files -------------------------------------------------------------------------------


class RosterError(InputError):
    """A roster file cannot be read at all (not found, empty, wrong type, bad headers, unsafe).

    Row-level problems are never raised: they are findings on the row.

    Examples:
        >>> e = RosterError("roster.csv", "文件为空", "the file is empty")
        >>> print(e)
        roster.file: roster.csv: 文件为空 / roster.csv: the file is empty
    """

    code = "roster.file"
    default_zh = "无法读取名单文件"
    default_en = "the roster file cannot be read"

    def __init__(self, path: object, reason_zh: str, reason_en: str, *, code: str | None = None):
        self.path = str(path)
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        if code is not None:
            self.code = code
        super().__init__(f"{self.path}: {reason_zh}", f"{self.path}: {reason_en}")


class ConversionError(InputError, TypeError):
    """A value given to ``to_dict``/``to_json`` (:mod:`edupoverty.records.convert`) is
    neither a record nor a value with a ``to_dict()`` method, so it has no plain form.

    Also a ``TypeError``, which ``to_json`` raised before. The message names the type,
    never the value.

    Examples:
        >>> e = ConversionError("Assessment")
        >>> e.code, e.type_name
        ('record.unsupported', 'Assessment')
        >>> print(e.message("en"))
        cannot convert a value of type Assessment to plain data: it is not a record and has
        no to_dict() method
    """

    code = "record.unsupported"
    default_zh = "无法转换为普通数据"
    default_en = "cannot convert the value to plain data"

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name
        super().__init__(
            f"无法将 {type_name} 类型的值转换为普通数据：它不是记录，也没有 to_dict() 方法",
            f"cannot convert a value of type {type_name} to plain data: it is not a record "
            "and has no to_dict() method",
        )


# --- policy ------------------------------------------------------------------------------


class PolicyError(InputError):
    """A policy profile file is wrong: unknown key, overlapping dates, shares not 100 % ….

    Examples:
        >>> e = PolicyError("county.toml", "programmes.x.amounts", "重叠", "overlapping dates")
        >>> e.key
        'programmes.x.amounts'
    """

    code = "policy.invalid"
    default_zh = "政策文件有误"
    default_en = "invalid policy file"

    def __init__(self, file: object, key: str, reason_zh: str, reason_en: str) -> None:
        self.file = str(file)
        self.key = key
        super().__init__(f"{self.file}: {key}: {reason_zh}", f"{self.file}: {key}: {reason_en}")


class PolicyStaleWarning(UserWarning):
    """Assessing a school year later than the years a policy profile was reviewed for.

    Examples:
        >>> issubclass(PolicyStaleWarning, UserWarning)
        True
    """

    code = "policy.stale"


# --- calendar ----------------------------------------------------------------------------


class CalendarYearUnavailable(EdupovertyError, LookupError):
    """The working-day calendar has no official data for a year.

    Examples:
        >>> e = CalendarYearUnavailable(2027)
        >>> e.year, e.code
        (2027, 'calendar.year_unavailable')
        >>> isinstance(e, LookupError)
        True
    """

    code = "calendar.year_unavailable"

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"没有{year}年的官方节假日数据。可以：把国务院办公厅{year}年部分节假日安排的通知"
            f"全文存为文本，用 edupoverty calendar add --from-notice 通知.txt -o {year}.toml "
            f"读成年份文件，再加 --calendar {year}.toml；或先用 --estimate {year} "
            "按法定节假日估算（结果标为临时）。在代码中：WorkCalendar.with_year_file() / "
            "with_estimate()",
            f"no official holiday data for {year}. Save the State Council's notice for {year} "
            f"as text and run: edupoverty calendar add --from-notice NOTICE.txt -o {year}.toml, "
            f"then pass --calendar {year}.toml; or plan with --estimate {year} (statutory "
            "holidays by rule, results marked provisional). In code: "
            "WorkCalendar.with_year_file() / with_estimate()",
        )


class CalendarDataError(InputError):
    """Supplied calendar data is inconsistent (date outside its year, a day both holiday and
    working day, a make-up working day on a weekday).

    Examples:
        >>> CalendarDataError().code
        'calendar.data'
    """

    code = "calendar.data"
    default_zh = "节假日数据有误"
    default_en = "invalid calendar data"


# --- disclosure --------------------------------------------------------------------------


class PrivacyError(EdupovertyError, ValueError):
    """A public list was asked to show a protected field (教财厅函〔2017〕28号).

    Examples:
        >>> PrivacyError().code
        'privacy.field'
    """

    code = "privacy.field"
    default_zh = "公示名单不得包含身份证号、出生日期、住址、电话或银行卡号"
    default_en = (
        "a public list may not show ID numbers, birth dates, addresses, phones or bank accounts"
    )


# --- workflow and ledger -----------------------------------------------------------------


class WorkflowError(EdupovertyError, ValueError):
    """A review-workflow action that is impossible in the current state.

    Examples:
        >>> WorkflowError().code
        'workflow.transition'
    """

    code = "workflow.transition"
    default_zh = "当前状态下不能执行该操作"
    default_en = "this action is not possible in the current state"


class LockedError(WorkflowError):
    """Approved (locked) data was about to be changed.

    Examples:
        >>> LockedError().code
        'workflow.locked'
    """

    code = "workflow.locked"
    default_zh = "数据已审核通过并锁定，不能修改"
    default_en = "the data was approved and is locked"


class LedgerIntegrityError(EdupovertyError):
    """The permanent ledger's hash chain does not verify.

    Examples:
        >>> LedgerIntegrityError().code
        'ledger.integrity'
    """

    code = "ledger.integrity"
    default_zh = "台账校验失败：记录被修改、删除、重排或插入"
    default_en = "ledger verification failed: an entry was edited, removed, reordered or inserted"


class UnresolvedFindingsError(WorkflowError):
    """Validation (效验) of a submission still shows errors: every error must be fixed first.

    Examples:
        >>> e = UnresolvedFindingsError(3)
        >>> e.code, e.errors
        ('workflow.findings', 3)
        >>> e.message("en")
        'validation still shows 3 errors: fix every error before validating'
    """

    code = "workflow.findings"

    def __init__(self, errors: int) -> None:
        self.errors = errors
        super().__init__(
            f"效验仍有{errors}个错误：请先修改全部错误",
            f"validation still shows {errors} errors: fix every error before validating",
        )
