"""Disclosure notices (公示内容): are the required parts there? (R-DIS-1, R-DIS-2)

R-DIS-1: a notice publishes the policy documents (上级资助相关政策文件), the conditions
(资助条件), the procedure (操作程序), the results (评选结果) and how to report or complain
(举报受理方式). :func:`check_notice` returns one finding (code ``notice.missing``) per
missing part, and ``notice.short`` when the posting dates cover less than a week (R-DIS-2).

Examples:
    >>> from edupoverty.disclosure.notices import Notice, check_notice
    >>> n = Notice(title="2026年秋季学期资助公示", policy_documents=["教财〔2018〕16号"],
    ...            conditions="建档立卡等", procedure="个人申请、学校认定", results="见名单")
    >>> [f.field for f in check_notice(n)]
    ['complaint_channel']
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from attrs import field, frozen

from edupoverty.errors import InputError
from edupoverty.records.arguments import china_date, sequence_argument
from edupoverty.records.findings import Finding, finding

__all__ = ["REQUIRED_PARTS", "Notice", "check_notice"]

REQUIRED_PARTS: tuple[tuple[str, str, str], ...] = (
    ("policy_documents", "上级资助相关政策文件", "the policy documents"),
    ("conditions", "资助条件", "the conditions"),
    ("procedure", "操作程序", "the procedure"),
    ("results", "评选结果", "the results"),
    ("complaint_channel", "举报受理方式", "how to report or complain"),
)
"""The parts R-DIS-1 requires: (field, Chinese name, English name)."""

_ALIASES = {
    "政策文件": "policy_documents",
    "上级资助相关政策文件": "policy_documents",
    "资助条件": "conditions",
    "操作程序": "procedure",
    "评选结果": "results",
    "举报受理方式": "complaint_channel",
    "举报电话": "complaint_channel",
    "标题": "title",
    "公示日期": "posted_on",
    "截止日期": "last_day",
}


def _documents(values: Any) -> tuple[str, ...]:
    return sequence_argument(values, "policy_documents")


def _channels(values: Any) -> tuple[str, ...]:
    return sequence_argument(values, "channels")


@frozen
class Notice:
    """A disclosure notice (公示) with the parts R-DIS-1 asks for.

    ``results`` is the list being disclosed or a text pointing to it; ``channels`` where it
    is published (公示栏, 校园网, 微信群 …). ``policy_documents`` and ``channels`` are lists:
    a single text is refused (:class:`~edupoverty.errors.ArgumentError`), not split into
    characters.

    Examples:
        >>> Notice(title="公示").policy_documents
        ()
    """

    title: str = ""
    policy_documents: tuple[str, ...] = field(default=(), converter=_documents)
    conditions: str | None = None
    procedure: str | None = None
    results: Any = None
    complaint_channel: str | None = None
    channels: tuple[str, ...] = field(default=(), converter=_channels)
    posted_on: date | None = None
    last_day: date | None = None


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_present(v) for v in value)
    if hasattr(value, "__len__"):
        return len(value) > 0
    return True


def _from_mapping(notice: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in notice.items():
        out[_ALIASES.get(str(key).strip(), str(key).strip())] = value
    return out


def check_notice(notice: Notice | Mapping[str, Any]) -> tuple[Finding, ...]:
    """Findings for a notice: one ``notice.missing`` per missing R-DIS-1 part, and
    ``notice.short`` if ``posted_on`` to ``last_day`` (both included) is less than
    seven days (R-DIS-2: 一周以上). The dates are days in China (an aware datetime is
    converted to UTC+8 first).

    ``notice`` is a :class:`Notice` or a mapping with the same keys (or the Chinese part
    names: 政策文件, 资助条件, 操作程序, 评选结果, 举报受理方式).

    Examples:
        >>> fs = check_notice({"资助条件": "建档立卡", "评选结果": "见附表"})
        >>> [f.field for f in fs]
        ['policy_documents', 'procedure', 'complaint_channel']
        >>> fs[0].message_en
        'policy_documents: the notice lacks the policy documents'
        >>> check_notice(Notice(policy_documents=["x"], conditions="c", procedure="p",
        ...                     results="r", complaint_channel="电话", posted_on=date(2026, 3, 2),
        ...                     last_day=date(2026, 3, 6)))[0].code
        'notice.short'
    """
    if isinstance(notice, Notice):
        parts: dict[str, Any] = {
            name: getattr(notice, name) for name in ("posted_on", "last_day", "title")
        }
        parts.update({name: getattr(notice, name) for name, _, _ in REQUIRED_PARTS})
    elif isinstance(notice, Mapping):
        parts = _from_mapping(notice)
    else:
        raise InputError("公示内容应为 Notice 或映射", "a notice must be a Notice or a mapping")
    out = [
        finding("notice.missing", field=name, part_zh=zh, part_en=en)
        for name, zh, en in REQUIRED_PARTS
        if not _present(parts.get(name))
    ]
    posted, last = parts.get("posted_on"), parts.get("last_day")
    if isinstance(posted, date) and isinstance(last, date):
        posted, last = china_date(posted, "posted_on"), china_date(last, "last_day")
        days = (last - posted).days + 1  # days on the board, posting and last day included
        if days < 7:
            out.append(finding("notice.short", field="last_day", days=days))
    return tuple(out)
