"""Every refused step, through the services: the reason is given, nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User

from finsentry.accounts.models import AuditEntry
from finsentry.accounts.roles import Role
from finsentry.cases import services
from finsentry.cases.errors import OutOfScope, RoleForbidden, WrongState
from finsentry.cases.models import (
    Case,
    Classification,
    Recheck,
    RectificationOrder,
    Referral,
    TimelineEntry,
)
from finsentry.cases.transitions import CASE_TRANSITIONS, State
from finsentry.registry.models import Firm
from tests.cases.conftest import Staff, case_in_state, task_on

pytestmark = pytest.mark.django_db
SERVED = date(2026, 9, 14)


def _evidence(case: Case) -> dict:
    return {
        "reasoning": "依据巡查发现",
        "findings": list(case.firm.findings.filter(domain=case.domain)),
    }


def _order(user: User, case: Case) -> object:
    return services.order_rectification(
        user,
        case,
        demands=["撤除违规宣传"],
        days=10,
        day_kind="working",
        served_on=SERVED,
        **_evidence(case),
    )


def _recheck(user: User, case: Case) -> object:
    order = case.orders.order_by("-sequence").first()
    results = {d.pk: (True, "") for d in order.demands.all()} if order else {}
    return services.record_recheck(user, case, results=results, checked_on=SERVED)


def _refer(user: User, case: Case) -> object:
    return services.refer(
        user,
        case,
        organ_kind="public_security",
        organ_name="长春市公安局",
        referred_on=SERVED,
        **_evidence(case),
    )


# Each service entry point, the steps it may take, and how to call it.
ENTRIES: dict[str, tuple[tuple[str, ...], Callable[[User, Case], object]]] = {
    "classify_compliant": (
        ("classify_compliant",),
        lambda u, c: services.classify_compliant(u, c, **_evidence(c)),
    ),
    "order_rectification": (("order_rectification", "reorder"), _order),
    "record_recheck": (("recheck_passed", "recheck_failed"), _recheck),
    "shut_down": (
        ("shut_down",),
        lambda u, c: services.shut_down(u, c, **_evidence(c)),
    ),
    "refer": (("refer",), _refer),
    "accept": (("accept",), lambda u, c: services.accept(u, c, conclusion="验收")),
    "reopen": (("reopen",), lambda u, c: services.reopen(u, c, reason="新线索")),
}


def _sources(entry: str) -> set[str]:
    steps = ENTRIES[entry][0]
    return set().union(*(CASE_TRANSITIONS[s].sources for s in steps))


def _roles(entry: str) -> frozenset[Role]:
    return CASE_TRANSITIONS[ENTRIES[entry][0][0]].roles


WRONG_STATES = [
    (entry, state)
    for entry in ENTRIES
    for state in State
    if state not in _sources(entry)
]
WRONG_ROLES = [
    (entry, role) for entry in ENTRIES for role in Role if role not in _roles(entry)
]


def _user_of(staff: Staff, role: Role) -> User:
    return {
        Role.ADMIN: staff.admin,
        Role.ANALYST: staff.analyst,
        Role.DOMAIN_OFFICER: staff.p2p_officer,
        Role.LOCAL_OFFICER: staff.cc_officer,
        Role.INSPECTOR: staff.cc_inspector,
        Role.LEADER: staff.leader,
    }[role]


def _snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.state,
        case.disposition,
        TimelineEntry.objects.count(),
        AuditEntry.objects.count(),
        Classification.objects.count(),
        RectificationOrder.objects.count(),
        Recheck.objects.count(),
        Referral.objects.count(),
    )


@pytest.mark.parametrize(("entry", "state"), WRONG_STATES)
def test_step_from_a_wrong_state_is_refused_and_changes_nothing(
    entry: str, state: State, staff: Staff, cc_firm: Firm, clock
) -> None:
    case = case_in_state(cc_firm, state, staff.analyst)
    before = _snapshot(case)

    with pytest.raises(WrongState) as refused:
        ENTRIES[entry][1](staff.analyst, case)

    assert f"当前状态为“{state.label}”" in refused.value.message
    assert _snapshot(case) == before


@pytest.mark.parametrize(("entry", "role"), WRONG_ROLES)
def test_step_by_a_role_without_the_grant_is_refused_and_changes_nothing(
    entry: str, role: Role, staff: Staff, cc_firm: Firm, clock
) -> None:
    state = sorted(_sources(entry))[0]
    case = case_in_state(cc_firm, state, staff.analyst)
    before = _snapshot(case)

    with pytest.raises(RoleForbidden) as refused:
        ENTRIES[entry][1](_user_of(staff, role), case)

    assert f"{role.label}无权执行" in refused.value.message
    assert _snapshot(case) == before


def test_domain_office_is_refused_another_domains_case(staff, cc_firm, clock) -> None:
    case = case_in_state(cc_firm, State.VERIFYING, staff.analyst, domain="insurance")
    before = _snapshot(case)

    with pytest.raises(OutOfScope) as refused:
        services.shut_down(staff.p2p_officer, case, **_evidence(case))

    assert "互联网保险" in refused.value.message
    assert _snapshot(case) == before


def test_yanji_officer_is_refused_a_changchun_case(staff, cc_firm, clock) -> None:
    case = case_in_state(cc_firm, State.VERIFYING, staff.analyst)
    with pytest.raises(OutOfScope):
        services.classify_compliant(staff.yanji_officer, case, **_evidence(case))
    assert _snapshot(case)[0] == State.VERIFYING


@pytest.mark.parametrize("role", [Role.ANALYST, Role.DOMAIN_OFFICER, Role.LEADER])
def test_only_the_assigned_offices_roles_record_results(
    role: Role, staff, cc_firm, clock
) -> None:
    task = task_on(cc_firm, staff.analyst, "county-220102", date(2026, 9, 20))
    with pytest.raises(RoleForbidden):
        services.record_result(
            _user_of(staff, role),
            task,
            outcome="confirmed",
            notes="越权",
            checked_on=SERVED,
        )
    assert not task.records.exists()


def test_cancelled_task_takes_no_result_and_done_task_cannot_be_cancelled(
    staff, cc_firm, clock
) -> None:
    cancelled = task_on(cc_firm, staff.analyst, "county-220102", date(2026, 9, 20))
    services.cancel_task(staff.analyst, cancelled, "重复下达")
    with pytest.raises(WrongState):
        services.record_result(
            staff.cc_inspector,
            cancelled,
            outcome="confirmed",
            notes="……",
            checked_on=SERVED,
        )

    done = task_on(cc_firm, staff.analyst, "county-220102", date(2026, 9, 20))
    services.record_result(
        staff.cc_inspector, done, outcome="confirmed", notes="……", checked_on=SERVED
    )
    with pytest.raises(WrongState):
        services.cancel_task(staff.analyst, done, "误下达")
    done.refresh_from_db()
    assert done.state == "done"
