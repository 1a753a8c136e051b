"""The workflow table: every state × step × role is allowed or refused with a reason."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from finsentry.accounts.roles import ACTIONS, Role
from finsentry.cases.errors import RoleForbidden, WrongState
from finsentry.cases.transitions import (
    CASE_TRANSITIONS,
    OPEN_STATES,
    TASK_TRANSITIONS,
    State,
    TaskState,
    available,
    check,
    workflow_table,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "cases.md"
CASE_COMBOS = list(
    itertools.product(CASE_TRANSITIONS.values(), ["", *State], [*Role, None])
)
TASK_COMBOS = list(
    itertools.product(TASK_TRANSITIONS.values(), ["", *TaskState], [*Role, None])
)


def _allowed(transition, state, role) -> bool:
    if role is None or role not in transition.roles:
        return False
    return state in transition.sources if transition.sources else state == ""


@pytest.mark.parametrize(
    ("transition", "state", "role"),
    CASE_COMBOS + TASK_COMBOS,
    ids=lambda v: getattr(v, "name", None) or (str(v) if v is not None else "none"),
)
def test_every_step_is_allowed_or_refused_with_a_chinese_reason(
    transition, state, role
) -> None:
    table = (
        CASE_TRANSITIONS
        if transition in CASE_TRANSITIONS.values()
        else (TASK_TRANSITIONS)
    )

    if _allowed(transition, state, role):
        assert check(table, transition.name, state, role) is transition
        return

    with pytest.raises((RoleForbidden, WrongState)) as refused:
        check(table, transition.name, state, role)
    message = refused.value.message
    assert transition.label in message
    assert re.search(r"[\u4e00-\u9fff]", message)
    if role is None or role not in transition.roles:
        assert isinstance(refused.value, RoleForbidden)
        assert refused.value.code == "role_forbidden" and refused.value.status == 403
        assert "无权" in message
    else:
        assert isinstance(refused.value, WrongState)
        assert refused.value.code == "wrong_state" and refused.value.status == 409


def test_leader_may_take_no_step_at_all() -> None:
    for table in (CASE_TRANSITIONS, TASK_TRANSITIONS):
        for state in ["", *State, *TaskState]:
            assert available(table, state, Role.LEADER) == []


def test_every_step_names_a_granted_action() -> None:
    for transition in [*CASE_TRANSITIONS.values(), *TASK_TRANSITIONS.values()]:
        assert transition.action in ACTIONS
        assert transition.roles, transition.name


def test_every_open_state_can_still_reach_closed() -> None:
    reachable = {State.CLOSED}
    changed = True
    while changed:
        changed = False
        for t in CASE_TRANSITIONS.values():
            if t.target in reachable:
                new = {State(s) for s in t.sources} - reachable
                reachable |= new
                changed = changed or bool(new)
    assert OPEN_STATES <= reachable


def test_wrong_state_message_names_the_states_it_may_start_from() -> None:
    with pytest.raises(WrongState) as refused:
        check(CASE_TRANSITIONS, "accept", State.RECTIFYING, Role.ANALYST)
    assert refused.value.message == (
        "当前状态为“限期整改中”，不能执行“验收结案”："
        "只有处于“持续监管”、“待验收”、“关闭取缔中”、“已移送司法机关”状态时才可以。"
    )


def test_docs_show_the_table_the_code_uses() -> None:
    text = DOC.read_text(encoding="utf-8")
    for line in workflow_table(CASE_TRANSITIONS) + workflow_table(TASK_TRANSITIONS):
        assert line in text, f"docs/cases.md is out of date: {line}"
