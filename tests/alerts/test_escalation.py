"""An alert past its state's time limit escalates one office up, once per period."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command

from finsentry.alerts.demo import load_demo_alerts
from finsentry.alerts.escalation import escalate_overdue
from finsentry.alerts.models import Alert, AlertEvent
from finsentry.alerts.raising import sweep
from finsentry.notices.models import Notice
from tests.alerts.conftest import critical_finding, import_big
from tests.alerts.scores import level_change


def _escalations(user) -> int:
    return Notice.objects.filter(recipient=user, kind="alert_escalated").count()


def test_overdue_alert_climbs_county_city_province_once_per_period(
    staff, yanji_firm, yanbian_officer, clock
) -> None:
    critical_finding(yanji_firm)
    sweep()
    alert = Alert.objects.get()
    assert alert.office.code == "county-222401"

    clock.shift(timedelta(hours=23))
    assert escalate_overdue() == 0

    clock.shift(timedelta(hours=2))
    assert escalate_overdue() == 1
    assert escalate_overdue() == 0
    alert.refresh_from_db()
    assert (alert.office.code, alert.escalation) == ("city-2224", 1)
    assert _escalations(yanbian_officer) == 1

    clock.shift(timedelta(hours=24, minutes=1))
    assert escalate_overdue() == 1
    alert.refresh_from_db()
    assert (alert.office.code, alert.escalation) == ("province", 2)
    assert _escalations(staff.analyst) == 1

    clock.shift(timedelta(hours=24, minutes=1))
    assert escalate_overdue() == 1
    alert.refresh_from_db()
    assert (alert.office.code, alert.escalation) == ("province", 3)
    assert _escalations(staff.analyst) == 2
    events = alert.events.filter(kind=AlertEvent.Kind.ESCALATED)
    assert [e.detail["to"] for e in events] == ["city-2224", "province", "province"]


def test_escalation_judges_by_the_time_it_is_given(staff, yanji_firm, clock) -> None:
    critical_finding(yanji_firm)
    sweep()
    later = Alert.objects.get().due_at + timedelta(minutes=1)

    assert escalate_overdue(now=later) == 1
    assert Alert.objects.get().office.code == "city-2224"


def test_the_time_limit_depends_on_state_and_level(staff, yanji_firm, clock) -> None:
    level_change(yanji_firm, "watch", "high", 30, 55)
    sweep()

    clock.shift(timedelta(hours=47))
    assert escalate_overdue() == 0
    clock.shift(timedelta(hours=2))
    assert escalate_overdue() == 1


def test_a_domain_office_in_charge_escalates_to_the_province(
    staff, yanji_firm, clock
) -> None:
    yanji_firm.city_code = yanji_firm.county_code = ""
    yanji_firm.save()
    level_change(yanji_firm, "watch", "high", 30, 55)
    sweep()
    assert Alert.objects.get().office.code == "domain-p2p"

    clock.shift(timedelta(hours=49))
    escalate_overdue()

    assert Alert.objects.get().office.code == "province"


def test_check_alerts_command_sweeps_and_escalates(
    staff, yanji_firm, clock, capsys
) -> None:
    critical_finding(yanji_firm)

    call_command("check_alerts")
    clock.shift(timedelta(hours=25))
    call_command("check_alerts")

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "新预警 1 条，补充依据 0 条，逾期升级 0 条",
        "新预警 0 条，补充依据 0 条，逾期升级 1 条",
    ]


def test_finished_alerts_never_escalate(staff, yanji_firm, clock) -> None:
    critical_finding(yanji_firm)
    sweep()
    Alert.objects.update(state="dismissed")

    clock.shift(timedelta(days=30))

    assert escalate_overdue() == 0


def test_demo_alerts_report_what_the_sweep_raised(staff, yanji_firm, clock) -> None:
    import_big(yanji_firm)
    out = io.StringIO()

    load_demo_alerts(out)

    assert out.getvalue() == (
        "已产生预警 1 条（其中重大平台 BIG-01 1 条），本次新增 0 条、补充依据 0 条\n"
    )
