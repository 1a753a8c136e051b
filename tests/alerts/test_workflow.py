"""Handling: verify through a dossier task, confirm, dismiss with a reason, hand
to a case; every refused step changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from finsentry.accounts.models import AuditEntry
from finsentry.alerts import workflow
from finsentry.alerts.models import Alert, State
from finsentry.alerts.raising import sweep
from finsentry.cases.errors import (
    OutOfScope,
    PreconditionFailed,
    RoleForbidden,
    WrongState,
)
from finsentry.cases.models import Case
from finsentry.cases.services import open_case
from tests.alerts.conftest import critical_finding
from tests.cases.conftest import office


@pytest.fixture
def alert(staff, yanji_firm, clock) -> Alert:
    critical_finding(yanji_firm)
    sweep()
    return Alert.objects.get()


def _verify(user, alert: Alert) -> Alert:
    return workflow.start_verification(
        user,
        alert,
        method="site_visit",
        due_date=date(2026, 9, 24),
        assignee_office=office("county-222401"),
    )


def test_verification_is_a_task_of_the_dossier_citing_the_alert(staff, alert) -> None:
    verifying = _verify(staff.analyst, alert)

    task = verifying.task
    assert verifying.state == State.VERIFYING and task is not None
    assert task.origin == f"alert:{alert.pk}" and task.case == verifying.case
    assert list(task.findings.values_list("pk", flat=True)) == alert.finding_ids()
    assert verifying.due_at == verifying.state_since + timedelta(hours=120)
    assert AuditEntry.objects.filter(action="alert.verify", firm=alert.firm).exists()


def test_confirmed_alert_is_handed_to_the_open_case(staff, alert) -> None:
    _verify(staff.analyst, alert)
    workflow.confirm(staff.p2p_officer, alert, note="现场核实属实")

    case = workflow.hand_to_case(staff.p2p_officer, alert)

    alert.refresh_from_db()
    assert alert.state == State.HANDED and alert.case == case and alert.due_at is None
    assert Case.objects.count() == 1
    assert set(case.findings.values_list("pk", flat=True)) >= set(alert.finding_ids())
    kinds = list(alert.events.values_list("kind", flat=True))
    assert kinds == ["raised", "verify", "confirm", "hand"]


def test_handing_opens_a_case_when_there_is_none(staff, alert) -> None:
    _verify(staff.analyst, alert)
    Case.objects.update(state="closed")
    workflow.confirm(staff.analyst, alert)

    case = workflow.hand_to_case(staff.analyst, alert, summary="预警移交")

    assert case.summary == "预警移交" and case.origin == f"alert:{alert.pk}"
    assert Case.objects.count() == 2


def test_dismissal_needs_a_reason(staff, alert) -> None:
    with pytest.raises(PreconditionFailed, match="排除预警的理由"):
        workflow.dismiss(staff.analyst, alert, reason="  ")

    workflow.dismiss(staff.analyst, alert, reason="系同名企业，已核实无关")

    alert.refresh_from_db()
    assert alert.state == State.DISMISSED
    assert alert.dismissed_reason == "系同名企业，已核实无关"


def test_dismissing_while_verifying_withdraws_the_task(staff, alert) -> None:
    task = _verify(staff.analyst, alert).task
    assert task is not None

    workflow.dismiss(staff.analyst, alert, reason="核查前已确认为同名企业")

    task.refresh_from_db()
    assert task.state == "cancelled"
    assert "核查前已确认为同名企业" in task.cancelled_reason


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (State.NEW, "confirm"),
        (State.NEW, "hand"),
        (State.VERIFYING, "verify"),
        (State.VERIFYING, "hand"),
        (State.CONFIRMED, "verify"),
        (State.CONFIRMED, "dismiss"),
        (State.DISMISSED, "verify"),
        (State.DISMISSED, "confirm"),
        (State.DISMISSED, "hand"),
        (State.HANDED, "dismiss"),
        (State.HANDED, "confirm"),
    ],
)
def test_steps_refused_in_the_wrong_state(staff, alert, state, step) -> None:
    Alert.objects.filter(pk=alert.pk).update(state=state)
    calls = {
        "verify": lambda: _verify(staff.analyst, alert),
        "confirm": lambda: workflow.confirm(staff.analyst, alert),
        "dismiss": lambda: workflow.dismiss(staff.analyst, alert, reason="理由"),
        "hand": lambda: workflow.hand_to_case(staff.analyst, alert),
    }

    with pytest.raises(WrongState):
        calls[step]()

    assert Alert.objects.get(pk=alert.pk).state == state
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["leader", "yanji_inspector"])
def test_readers_and_inspectors_may_not_handle(staff, alert, who) -> None:
    user = getattr(staff, who)

    with pytest.raises(RoleForbidden):
        workflow.dismiss(user, alert, reason="理由")
    with pytest.raises(RoleForbidden):
        _verify(user, alert)

    assert Alert.objects.get(pk=alert.pk).state == State.NEW


def test_out_of_scope_officers_may_not_handle(staff, alert) -> None:
    for user in (staff.cc_officer, staff.insurance_officer):
        with pytest.raises(OutOfScope):
            workflow.dismiss(user, alert, reason="理由")

    assert Alert.objects.get(pk=alert.pk).state == State.NEW


def test_a_refused_case_step_leaves_the_alert_as_it_was(staff, alert) -> None:
    # The county officer may not give work to the 长春 office: assign_task refuses.
    with pytest.raises(PreconditionFailed):
        workflow.start_verification(
            staff.yanji_officer,
            alert,
            method="site_visit",
            due_date=date(2026, 9, 24),
            assignee_office=office("county-220102"),
        )

    alert.refresh_from_db()
    assert alert.state == State.NEW and alert.task is None


def test_available_steps_follow_state_and_role(staff, alert) -> None:
    names = [s.name for s in workflow.available(alert, staff.analyst)]
    assert names == ["verify", "dismiss"]
    assert workflow.available(alert, staff.leader) == []
    open_case(staff.analyst, alert.firm, "p2p", summary="已有案件")
    Alert.objects.filter(pk=alert.pk).update(state=State.CONFIRMED)
    alert.refresh_from_db()
    assert [s.name for s in workflow.available(alert, staff.analyst)] == ["hand"]
