"""The disposal workflow as data: states, transitions and who may take each.

Plan 四(三) sorts firms into four dispositions (compliant firms stay under
ongoing supervision, minor violations are rectified by a deadline, refusal or
serious violations mean closure or ban, suspected crimes go to the judicial
organs); 四(四)1 looks back at the rectification and 四(五) accepts the work.
A case follows one firm in one domain through these steps.

`CASE_TRANSITIONS` and `TASK_TRANSITIONS` are the only statement of which
step leads from which state to which; the roles come from the shared grants
table `accounts.roles.ACTIONS` through each step's `action`. `check` is what
every write calls before it changes anything; docs/cases.md shows the table
that `workflow_table` renders from the same data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from finsentry.accounts.roles import ACTIONS, ROLE_LABELS, Role
from finsentry.cases.errors import RoleForbidden, WrongState


class State(StrEnum):
    """Where a case stands; the value is stored on the case."""

    VERIFYING = "verifying"
    SUPERVISED = "supervised"
    RECTIFYING = "rectifying"
    RECHECK_FAILED = "recheck_failed"
    AWAITING_ACCEPTANCE = "awaiting_acceptance"
    SHUTTING_DOWN = "shutting_down"
    REFERRED = "referred"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """Return the Chinese name staff read."""
        return STATE_LABELS[self]


STATE_LABELS = {
    State.VERIFYING: "核查认定中",
    State.SUPERVISED: "持续监管",
    State.RECTIFYING: "限期整改中",
    State.RECHECK_FAILED: "整改未到位",
    State.AWAITING_ACCEPTANCE: "待验收",
    State.SHUTTING_DOWN: "关闭取缔中",
    State.REFERRED: "已移送司法机关",
    State.CLOSED: "已验收结案",
}
OPEN_STATES = frozenset(State) - {State.CLOSED}


class TaskState(StrEnum):
    """Where a verification task stands."""

    ASSIGNED = "assigned"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """Return the Chinese name staff read."""
        return TASK_STATE_LABELS[self]


TASK_STATE_LABELS = {
    TaskState.ASSIGNED: "待核查",
    TaskState.DONE: "已核查",
    TaskState.CANCELLED: "已撤销",
}


@dataclass(frozen=True)
class Transition:
    """One step: the states it starts from, where it leads, the grant it needs.

    `sources` empty means the step creates the record (opening a case,
    assigning a task). `disposition` is the classification the step records.
    """

    name: str
    label: str
    sources: frozenset[str]
    target: str
    action: str
    disposition: str = ""

    @property
    def roles(self) -> frozenset[Role]:
        """Return the roles the shared grants table gives this step's action."""
        return ACTIONS.get(self.action, frozenset())


def _t(
    name: str,
    label: str,
    sources: Iterable[str],
    target: str,
    action: str,
    disposition: str = "",
) -> Transition:
    return Transition(name, label, frozenset(sources), target, action, disposition)


S = State
# A firm under ongoing supervision (compliant) can be found breaking the rules
# again, so supervision leads to every disposition, as verification does.
_DISPOSABLE = (S.VERIFYING, S.SUPERVISED)
CASE_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("open", "立案核查", (), S.VERIFYING, "case.open"),
        _t(
            "classify_compliant",
            "认定合规经营，持续监管",
            (S.VERIFYING,),
            S.SUPERVISED,
            "case.classify",
            "compliant",
        ),
        _t(
            "order_rectification",
            "认定违规较轻，下达限期整改通知",
            _DISPOSABLE,
            S.RECTIFYING,
            "case.classify",
            "rectify",
        ),
        _t(
            "recheck_passed",
            "回头看：整改到位",
            (S.RECTIFYING,),
            S.AWAITING_ACCEPTANCE,
            "case.recheck",
        ),
        _t(
            "recheck_failed",
            "回头看：整改未到位",
            (S.RECTIFYING,),
            S.RECHECK_FAILED,
            "case.recheck",
        ),
        _t(
            "reorder",
            "再次限期整改",
            (S.RECHECK_FAILED,),
            S.RECTIFYING,
            "case.classify",
            "rectify",
        ),
        _t(
            "shut_down",
            "认定关闭取缔",
            (*_DISPOSABLE, S.RECTIFYING, S.RECHECK_FAILED),
            S.SHUTTING_DOWN,
            "case.shut_down",
            "shut_down",
        ),
        _t(
            "refer",
            "移送司法机关",
            (*_DISPOSABLE, S.RECTIFYING, S.RECHECK_FAILED, S.SHUTTING_DOWN),
            S.REFERRED,
            "case.refer",
            "refer",
        ),
        _t(
            "accept",
            "验收结案",
            (S.SUPERVISED, S.AWAITING_ACCEPTANCE, S.SHUTTING_DOWN, S.REFERRED),
            S.CLOSED,
            "case.accept",
        ),
        _t("reopen", "重新立案核查", (S.CLOSED,), S.VERIFYING, "case.reopen"),
    )
}

T = TaskState
TASK_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("assign", "下达核查任务", (), T.ASSIGNED, "task.assign"),
        _t("record", "填报核查结果", (T.ASSIGNED,), T.DONE, "task.record"),
        _t("supplement", "补充核查记录", (T.DONE,), T.DONE, "task.record"),
        _t("cancel", "撤销核查任务", (T.ASSIGNED,), T.CANCELLED, "task.cancel"),
    )
}


_ORDER = {s.value: i for i, s in enumerate([*State, *TaskState])}


def _state_label(state: str) -> str:
    pairs = [*STATE_LABELS.items(), *TASK_STATE_LABELS.items()]
    labels = {str(state): label for state, label in pairs}
    return labels.get(state, state)


def _ordered(states: Iterable[str]) -> list[str]:
    return sorted(states, key=lambda s: _ORDER.get(s, len(_ORDER)))


def _names(labels: Iterable[str]) -> str:
    return "、".join(f"“{label}”" for label in labels)


def check(
    table: dict[str, Transition], name: str, state: str, role: Role | None
) -> Transition:
    """Return the transition `name` if `role` may take it from `state`, else raise.

    `state` is "" for a record not yet created. The role is checked first,
    so a leader learns that they only read, whatever the state.
    """
    transition = table[name]
    if role is None or role not in transition.roles:
        who = ROLE_LABELS[role] if role is not None else "未分配机构和角色的账号"
        allowed = _names(ROLE_LABELS[r] for r in Role if r in transition.roles)
        raise RoleForbidden(
            f"{who}无权执行“{transition.label}”：此操作只能由{allowed}执行。"
        )
    if transition.sources and state not in transition.sources:
        starts = _names(_state_label(s) for s in _ordered(transition.sources))
        raise WrongState(
            f"当前状态为“{_state_label(state)}”，不能执行“{transition.label}”："
            f"只有处于{starts}状态时才可以。"
        )
    if not transition.sources and state:
        current = _state_label(state)
        raise WrongState(
            f"记录已存在（状态“{current}”），不能再次“{transition.label}”。"
        )
    return transition


def available(
    table: dict[str, Transition], state: str, role: Role | None
) -> list[Transition]:
    """Return the steps `role` may take from `state`, in table order."""
    return [
        t
        for t in table.values()
        if t.sources and state in t.sources and role is not None and role in t.roles
    ]


def workflow_table(table: dict[str, Transition]) -> list[str]:
    """Return the transitions as Markdown table lines (for docs/cases.md)."""
    lines = [
        "| 操作 | name | 起始状态 | 结果状态 | 角色 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for t in table.values():
        starts = "、".join(_state_label(s) for s in _ordered(t.sources)) or "（新建）"
        roles = "、".join(ROLE_LABELS[r] for r in Role if r in t.roles)
        target = _state_label(t.target)
        lines.append(f"| {t.label} | `{t.name}` | {starts} | {target} | {roles} |")
    return lines
