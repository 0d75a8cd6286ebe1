"""The review workflow of a school's data (效验、上报、审核, RULES.md §11).

The provincial data system (广西教育精准扶贫学生资助信息管理系统) has schools enter or paste
their tables, save, **validate** (效验数据: fix every error shown), upload, and then the
superior reviews: **approved** locks the data, **returned** (退回重交) lets the school edit and
resubmit. Here that is a small state machine over immutable :class:`Submission` values:

``draft`` → ``validated`` → ``submitted`` → ``approved`` (locked) or ``returned`` (with the
reviewer's reasons) → ``draft`` again.

:func:`transition` is pure: it returns a new submission whose ``history`` keeps every step
(who, when, from which state to which, reasons, how many errors and warnings). Validation needs
zero error findings (:class:`~edupoverty.errors.UnresolvedFindingsError`), changing approved
data raises :class:`~edupoverty.errors.LockedError`, and any other impossible step raises
:class:`~edupoverty.errors.WorkflowError` naming the state and the action.

Examples:
    >>> from datetime import datetime
    >>> s = Submission("2019-3412001-grants", school_code="3412001", table=Table.GRANTS)
    >>> s = transition(s, Action.VALIDATE, datetime(2019, 10, 8, 9, 0), findings=[])
    >>> s = transition(s, Action.SUBMIT, datetime(2019, 10, 8, 9, 5), by="会计")
    >>> s = transition(s, Action.APPROVE, datetime(2019, 10, 9, 15, 0), by="县资助中心")
    >>> s.state.zh, s.locked, [e.action.value for e in s.history]
    ('审核通过', True, ['validate', 'submit', 'approve'])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs
from attrs import field, frozen

from edupoverty.errors import InputError, LockedError, UnresolvedFindingsError, WorkflowError
from edupoverty.records.enums import LabelledEnum
from edupoverty.records.findings import Finding

__all__ = [
    "TRANSITIONS",
    "Action",
    "Event",
    "State",
    "Submission",
    "Table",
    "allowed_actions",
    "transition",
]


class State(LabelledEnum):
    """Where a submission stands in the review.

    Examples:
        >>> State.RETURNED.zh
        '退回重交'
    """

    DRAFT = "draft", "草稿"
    VALIDATED = "validated", "已效验"
    SUBMITTED = "submitted", "已上报待审核"
    APPROVED = "approved", "审核通过"
    RETURNED = "returned", "退回重交"


class Action(LabelledEnum):
    """What a school officer or a reviewer does to a submission.

    Examples:
        >>> Action.VALIDATE.zh
        '效验数据'
    """

    EDIT = "edit", "修改数据"
    VALIDATE = "validate", "效验数据"
    SUBMIT = "submit", "上报"
    APPROVE = "approve", "审核通过"
    RETURN = "return", "退回"
    REOPEN = "reopen", "重新编辑"


class Table(LabelledEnum):
    """The two tables of the provincial system (RULES.md §11).

    Examples:
        >>> [t.zh for t in Table]
        ['在学状态表', '学生资助表']
    """

    ENROLMENT_STATUS = "enrolment_status", "在学状态表"
    GRANTS = "grants", "学生资助表"


TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.DRAFT, Action.EDIT): State.DRAFT,
    (State.DRAFT, Action.VALIDATE): State.VALIDATED,
    (State.VALIDATED, Action.EDIT): State.DRAFT,  # changed data must be validated again
    (State.VALIDATED, Action.VALIDATE): State.VALIDATED,
    (State.VALIDATED, Action.SUBMIT): State.SUBMITTED,
    (State.SUBMITTED, Action.APPROVE): State.APPROVED,
    (State.SUBMITTED, Action.RETURN): State.RETURNED,
    (State.RETURNED, Action.REOPEN): State.DRAFT,
    (State.RETURNED, Action.EDIT): State.DRAFT,
}
"""Every possible step: ``(state, action)`` → the state after it. Anything else is refused."""


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _values(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(values)


@frozen
class Event:
    """One step of a submission's history.

    Examples:
        >>> e = Event(Action.RETURN, datetime(2019, 10, 9, 15, 0), State.SUBMITTED,
        ...           State.RETURNED, by="县资助中心", reasons=("第5行缺少学籍号",))
        >>> e.reasons
        ('第5行缺少学籍号',)
    """

    action: Action
    at: datetime
    from_state: State
    to_state: State
    by: str | None = None
    reasons: tuple[str, ...] = field(default=(), converter=_strings)
    errors: int = 0
    warnings: int = 0


def _events(values: Iterable[Event]) -> tuple[Event, ...]:
    return tuple(values)


@frozen
class Submission:
    """A school's table on its way through the review: its data, state and full history.

    ``data`` holds the records (students, disbursements …) as an immutable tuple.

    Examples:
        >>> s = Submission("S1", school_code="3412001", table=Table.ENROLMENT_STATUS)
        >>> s.state, s.locked, s.history
        (<State.DRAFT: 'draft'>, False, ())
    """

    submission_id: str
    school_code: str
    table: Table
    data: tuple[Any, ...] = field(default=(), converter=_values, repr=False)
    state: State = State.DRAFT
    history: tuple[Event, ...] = field(default=(), converter=_events)

    @property
    def locked(self) -> bool:
        """True once approved: the data can no longer change."""
        return self.state is State.APPROVED

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reviewer's reasons of the latest return (empty if never returned)."""
        for e in reversed(self.history):
            if e.action is Action.RETURN:
                return e.reasons
        return ()


def allowed_actions(state: State) -> tuple[Action, ...]:
    """The actions possible in ``state``.

    Examples:
        >>> [a.value for a in allowed_actions(State.SUBMITTED)]
        ['approve', 'return']
        >>> allowed_actions(State.APPROVED)
        ()
    """
    return tuple(a for (s, a) in TRANSITIONS if s is state)


def _refuse(state: State, action: Action) -> WorkflowError:
    if state is State.APPROVED:
        err: WorkflowError = LockedError(
            f"数据已审核通过并锁定，不能执行「{action.zh}」（状态：{state.zh}）",
            f"cannot {action.value}: the submission is {state.value} and locked",
        )
    else:
        possible = allowed_actions(state)
        zh = "、".join(a.zh for a in possible)
        en = ", ".join(a.value for a in possible)
        err = WorkflowError(
            f"状态「{state.zh}」下不能执行「{action.zh}」；可执行：{zh}",
            f"cannot {action.value} a submission in state {state.value}; possible: {en}",
        )
    err.state = state  # type: ignore[attr-defined]
    err.action = action  # type: ignore[attr-defined]
    return err


def transition(
    submission: Submission,
    action: Action,
    at: datetime,
    *,
    by: str | None = None,
    findings: Iterable[Finding] = (),
    reasons: Sequence[str] = (),
    data: Iterable[Any] | None = None,
) -> Submission:
    """Apply ``action`` at time ``at`` and return the new submission (the old one is unchanged).

    - ``edit`` replaces ``data`` (a validated submission goes back to draft);
    - ``validate`` takes the findings of the validation run and needs zero errors
      (warnings are recorded, not blocking);
    - ``return`` needs the reviewer's ``reasons``;
    - steps may not go back in time.

    Examples:
        >>> from datetime import datetime
        >>> from edupoverty.records.findings import finding
        >>> s = Submission("S1", school_code="3412001", table=Table.GRANTS)
        >>> transition(s, Action.VALIDATE, datetime(2019, 10, 8),
        ...            findings=[finding("field.missing", row=5, field="name")])
        Traceback (most recent call last):
        ...
        edupoverty.errors.UnresolvedFindingsError: workflow.findings: 效验仍有1个错误：...
        >>> transition(s, Action.APPROVE, datetime(2019, 10, 8))
        Traceback (most recent call last):
        ...
        edupoverty.errors.WorkflowError: workflow.transition: 状态「草稿」下不能执行...
    """
    state = submission.state
    target = TRANSITIONS.get((state, action))
    if target is None:
        raise _refuse(state, action)
    if submission.history and at < submission.history[-1].at:
        err = InputError(
            "操作时间早于上一步操作", "the time of this step is earlier than the previous step"
        )
        err.code = "workflow.time"
        raise err
    found = list(findings)
    errors = sum(1 for f in found if f.is_error)
    warnings = len(found) - errors
    if action is Action.VALIDATE and errors:
        raise UnresolvedFindingsError(errors)
    clean_reasons = tuple(r.strip() for r in reasons if r and r.strip())
    if action is Action.RETURN and not clean_reasons:
        err = InputError("退回必须写明原因", "a return needs the reviewer's reasons")
        err.code = "workflow.reasons"
        raise err
    if data is not None and action is not Action.EDIT:
        werr = WorkflowError(
            f"只有「{Action.EDIT.zh}」可以改变数据，「{action.zh}」不能（状态：{state.zh}）",
            f"only edit changes the data, not {action.value} (state {state.value})",
        )
        werr.state = state  # type: ignore[attr-defined]
        werr.action = action  # type: ignore[attr-defined]
        raise werr
    event = Event(action, at, state, target, by, clean_reasons, errors, warnings)
    changes: dict[str, Any] = {"state": target, "history": (*submission.history, event)}
    if action is Action.EDIT and data is not None:
        changes["data"] = tuple(data)
    return attrs.evolve(submission, **changes)
