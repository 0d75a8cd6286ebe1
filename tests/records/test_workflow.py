"""The review workflow of the provincial data system (RULES.md §11): validate, upload,
approve (locks) or return with reasons, edit and resubmit."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edupoverty.errors import InputError, LockedError, UnresolvedFindingsError, WorkflowError
from edupoverty.records.findings import finding
from edupoverty.records.workflow import (
    TRANSITIONS,
    Action,
    State,
    Submission,
    Table,
    allowed_actions,
    transition,
)

T0 = datetime(2019, 10, 8, 9, 0)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _submitted() -> Submission:
    s = Submission("2019-3412001", school_code="3412001", table=Table.GRANTS, data=("row1",))
    s = transition(s, Action.VALIDATE, _at(1), findings=[])
    return transition(s, Action.SUBMIT, _at(2), by="会计")


def test_a_school_validates_uploads_and_the_county_approves_which_locks_the_data() -> None:
    s = transition(_submitted(), Action.APPROVE, _at(60), by="县资助中心")
    assert s.state is State.APPROVED and s.locked
    assert [(e.from_state, e.to_state) for e in s.history] == [
        (State.DRAFT, State.VALIDATED),
        (State.VALIDATED, State.SUBMITTED),
        (State.SUBMITTED, State.APPROVED),
    ]
    assert s.history[-1].by == "县资助中心"


def test_validation_needs_every_error_fixed_but_warnings_do_not_block() -> None:
    s = Submission("S", school_code="1", table=Table.ENROLMENT_STATUS)
    errors = [finding("field.missing", row=3, field="name"), finding("id.checksum", row=4)]
    with pytest.raises(UnresolvedFindingsError) as exc:
        transition(s, Action.VALIDATE, _at(1), findings=errors)
    assert exc.value.errors == 2 and isinstance(exc.value, WorkflowError)
    ok = transition(s, Action.VALIDATE, _at(2), findings=[finding("id.region", row=3)])
    assert ok.state is State.VALIDATED
    assert (ok.history[-1].errors, ok.history[-1].warnings) == (0, 1)


def test_changing_approved_data_raises_locked_error() -> None:
    approved = transition(_submitted(), Action.APPROVE, _at(60))
    for action in Action:
        with pytest.raises(LockedError) as exc:
            transition(approved, action, _at(61), data=("changed",))
        assert exc.value.state is State.APPROVED  # type: ignore[attr-defined]
        assert "locked" in exc.value.message_en and "锁定" in exc.value.message_zh
    assert approved.data == ("row1",)


def test_a_returned_submission_keeps_the_reasons_and_goes_back_to_draft() -> None:
    returned = transition(
        _submitted(), Action.RETURN, _at(30), by="县资助中心", reasons=["第5行缺少学籍号", " "]
    )
    assert returned.state is State.RETURNED
    assert returned.reasons == ("第5行缺少学籍号",)
    edited = transition(returned, Action.EDIT, _at(40), data=("row1", "row5 fixed"))
    assert edited.state is State.DRAFT and edited.data == ("row1", "row5 fixed")
    again = transition(edited, Action.VALIDATE, _at(41), findings=[])
    again = transition(again, Action.SUBMIT, _at(42))
    assert again.state is State.SUBMITTED and len(again.history) == 6
    assert again.reasons == ("第5行缺少学籍号",)  # the history keeps them


def test_a_return_needs_reasons() -> None:
    with pytest.raises(InputError) as exc:
        transition(_submitted(), Action.RETURN, _at(30), reasons=[])
    assert exc.value.code == "workflow.reasons"


def test_editing_validated_data_voids_the_validation() -> None:
    s = transition(Submission("S", school_code="1", table=Table.GRANTS), Action.VALIDATE, _at(1))
    s = transition(s, Action.EDIT, _at(2), data=("new",))
    assert s.state is State.DRAFT
    with pytest.raises(WorkflowError, match="submit"):
        transition(s, Action.SUBMIT, _at(3))


def test_an_impossible_step_names_the_state_and_the_action() -> None:
    s = Submission("S", school_code="1", table=Table.GRANTS)
    with pytest.raises(WorkflowError) as exc:
        transition(s, Action.SUBMIT, _at(1))
    err = exc.value
    assert not isinstance(err, LockedError)
    assert "草稿" in err.message_zh and "上报" in err.message_zh
    assert "draft" in err.message_en and "submit" in err.message_en
    assert err.code == "workflow.transition"


def test_data_changes_only_with_edit_and_under_review_it_cannot_change() -> None:
    with pytest.raises(WorkflowError):
        transition(_submitted(), Action.EDIT, _at(5), data=("x",))
    s = Submission("S", school_code="1", table=Table.GRANTS)
    with pytest.raises(WorkflowError, match="only edit"):
        transition(s, Action.VALIDATE, _at(5), data=("x",))


def test_steps_cannot_go_back_in_time() -> None:
    with pytest.raises(InputError) as exc:
        transition(_submitted(), Action.APPROVE, _at(0))
    assert exc.value.code == "workflow.time"


def test_transition_is_pure() -> None:
    s = _submitted()
    before = (s.state, s.history)
    transition(s, Action.APPROVE, _at(10))
    assert (s.state, s.history) == before


@given(st.lists(st.sampled_from(list(Action)), max_size=25))
def test_any_sequence_of_actions_follows_the_table_and_keeps_full_history(
    actions: list[Action],
) -> None:
    s = Submission("S", school_code="1", table=Table.GRANTS)
    steps = 0
    for n, action in enumerate(actions):
        was = s.state
        try:
            s = transition(s, action, _at(n), reasons=["原因"], findings=[])
        except WorkflowError:
            assert action not in allowed_actions(was)
            continue
        steps += 1
        assert s.state is TRANSITIONS[(was, action)]
    assert len(s.history) == steps
    assert all(a.to_state is b.from_state for a, b in itertools.pairwise(s.history))
