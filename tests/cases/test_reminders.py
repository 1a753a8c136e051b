"""Deadline reminders with a moving clock: once per order (or task) and threshold."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command

from finsentry.cases import reminders, services
from finsentry.cases.models import Reminder
from finsentry.notices.models import Notice
from tests.cases.conftest import task_on

pytestmark = pytest.mark.django_db


def _morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC)


@pytest.fixture
def order(staff, cc_firm, clock):
    """A 10-working-day order served Monday 14 September 2026, due 28 September."""
    case = services.open_case(staff.p2p_officer, cc_firm, "p2p", summary="巡查发现")
    return services.order_rectification(
        staff.p2p_officer,
        case,
        demands=["撤除保本保息宣传"],
        days=10,
        day_kind="working",
        served_on=date(2026, 9, 14),
        reasoning="限期整改",
        findings=list(cc_firm.findings.filter(domain="p2p")),
    )


def _order_notices(order) -> list[str]:
    keys = Notice.objects.filter(key__startswith=f"reminder:order:{order.pk}:")
    return sorted(set(keys.values_list("key", flat=True)))


def test_each_threshold_is_sent_once_however_often_the_job_runs(
    order, staff, clock
) -> None:
    assert order.due_date == date(2026, 9, 28)
    schedule = [
        (date(2026, 9, 20), []),
        (date(2026, 9, 21), [7]),
        (date(2026, 9, 22), [7]),
        (date(2026, 9, 25), [7, 3]),
        (date(2026, 9, 27), [7, 3, 1]),
        (date(2026, 9, 28), [7, 3, 1]),
        (date(2026, 9, 29), [-1, 7, 3, 1]),
        (date(2026, 10, 15), [-1, 7, 3, 1]),
    ]
    for day, sent in schedule:
        clock.move_to(_morning(day))
        for _ in range(3):
            reminders.send_reminders()
        thresholds = sorted(
            Reminder.objects.filter(order=order).values_list("threshold", flat=True)
        )
        assert thresholds == sorted(sent), day

    office_staff = {"p2p"}
    recipients = set(
        Notice.objects.filter(key=f"reminder:order:{order.pk}:7").values_list(
            "recipient__username", flat=True
        )
    )
    assert office_staff <= recipients
    assert order.case.timeline.filter(kind="order_overdue").count() == 1
    assert order.case.timeline.filter(kind="reminder_sent").count() == 3
    assert len(_order_notices(order)) == 4


def test_a_run_after_a_gap_sends_only_the_nearest_threshold(order, clock) -> None:
    clock.move_to(_morning(date(2026, 9, 27)))
    run = reminders.send_reminders()
    assert run.orders == 1
    assert list(Reminder.objects.values_list("threshold", flat=True)) == [1]


def test_a_rechecked_order_gets_no_more_reminders(order, staff, clock) -> None:
    demand = order.demands.get()
    services.record_recheck(
        staff.cc_inspector,
        order.case,
        results={demand.pk: (True, "")},
        checked_on=date(2026, 9, 14),
    )
    clock.move_to(_morning(date(2026, 10, 1)))
    assert reminders.send_reminders().orders == 0
    assert not Reminder.objects.exists()


def test_tasks_are_reminded_the_day_before_and_when_late(staff, cc_firm, clock) -> None:
    task = task_on(cc_firm, staff.analyst, "county-220102", date(2026, 9, 18))
    for day in (date(2026, 9, 16), date(2026, 9, 17), date(2026, 9, 17)):
        clock.move_to(_morning(day))
        reminders.send_reminders()
    assert list(
        Reminder.objects.filter(task=task).values_list("threshold", flat=True)
    ) == [1]

    clock.move_to(_morning(date(2026, 9, 19)))
    reminders.send_reminders()
    reminders.send_reminders()
    late = Notice.objects.filter(key=f"reminder:task:{task.pk}:-1")
    assert {"cc-inspector", "analyst"} <= set(
        late.values_list("recipient__username", flat=True)
    )
    assert Reminder.objects.filter(task=task).count() == 2


def test_command_takes_a_date_and_reports_counts(order, capsys) -> None:
    call_command("send_reminders", "--date", "2026-09-25")
    assert "整改通知 1 件" in capsys.readouterr().out
    call_command("send_reminders", "--date", "2026-09-25")
    assert "整改通知 0 件" in capsys.readouterr().out


def test_command_refuses_a_malformed_date(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "25/09/2026")


def test_beat_schedule_runs_reminders_daily() -> None:
    from finsentry.config.celery import beat_schedule

    entry = beat_schedule()["cases-reminders"]
    assert entry["task"] == "cases.send_reminders"


def test_reminders_are_emailed_after_commit(
    order, staff, clock, settings, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    settings.NOTICE_EMAIL = True
    clock.move_to(_morning(date(2026, 9, 25)))
    with time_machine.travel(_morning(date(2026, 9, 25)), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            reminders.send_reminders()
    subjects = {m.subject for m in mailoutbox}
    assert any("整改期限提醒" in s and "剩余 3 天" in s for s in subjects)
    assert {"p2p@jrb.jl.example"} <= {a for m in mailoutbox for a in m.to}
