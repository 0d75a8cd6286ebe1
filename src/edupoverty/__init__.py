"""edupoverty: the rules, deadlines and records of China's education poverty-alleviation
student subsidies (教育精准扶贫学生资助).

``import edupoverty as ep`` gives the names a newcomer needs (the front door, see
``docs/api/front-door.md``); each is imported when first used, so the import itself is
quick and never imports pandas or polars:

- records: :func:`read_roster`, :func:`validate`
- rules: :func:`load_policy`, :func:`assess`, :func:`assess_table`, :func:`summarize`
- dataframes: :func:`assess_frame` (pandas or polars, :mod:`edupoverty.frame`)
- disclosure: :func:`plan_disclosure`, :func:`reply_due`, :func:`public_list`,
  :class:`WorkCalendar`
- errors: :class:`EdupovertyError`, the root of every error raised

The library is organised in rooms (see ``docs/architecture.md``):

- :mod:`edupoverty.records` — what the data *is*: schemas, ID numbers, rosters, checks, ledger.
- :mod:`edupoverty.rules` — what the data *is worth*: policy profiles, eligibility, amounts.
- :mod:`edupoverty.disclosure` — *when* and *to whom*: working days, 公示 windows, public lists.
- :mod:`edupoverty.errors` — the one error tree.

Examples:
    >>> import edupoverty as ep
    >>> ep.__version__
    '0.1.0'
    >>> from edupoverty.records import SchoolLocation, Stage, Student
    >>> s = Student(name="张三", id_number="11010520120307002X", school_code="1",
    ...             stage=Stage.JUNIOR, school_location=SchoolLocation.RURAL)
    >>> ep.assess(s, ep.load_policy("seed"), 2019).total
    Decimal('1780.00')
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_WHERE: dict[str, str] = {
    "read_roster": "edupoverty.records",
    "validate": "edupoverty.records",
    "load_policy": "edupoverty.rules",
    "assess": "edupoverty.rules",
    "assess_table": "edupoverty.rules",
    "summarize": "edupoverty.rules",
    "assess_frame": "edupoverty.frame",
    "plan_disclosure": "edupoverty.disclosure",
    "reply_due": "edupoverty.disclosure",
    "public_list": "edupoverty.disclosure",
    "WorkCalendar": "edupoverty.disclosure",
    "EdupovertyError": "edupoverty.errors",
}

__all__ = [
    "EdupovertyError",
    "WorkCalendar",
    "__version__",
    "assess",
    "assess_frame",
    "assess_table",
    "load_policy",
    "plan_disclosure",
    "public_list",
    "read_roster",
    "reply_due",
    "summarize",
    "validate",
]

if TYPE_CHECKING:
    from edupoverty.disclosure import WorkCalendar, plan_disclosure, public_list, reply_due
    from edupoverty.errors import EdupovertyError
    from edupoverty.frame import assess_frame
    from edupoverty.records import read_roster, validate
    from edupoverty.rules import assess, assess_table, load_policy, summarize


def __getattr__(name: str) -> Any:
    """A front-door name, imported from its room on first use (then kept here)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'edupoverty' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
