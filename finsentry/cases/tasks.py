"""Background work of the cases app: the daily deadline reminders."""

from __future__ import annotations

from celery import shared_task

from finsentry.cases.reminders import send_reminders


@shared_task(name="cases.send_reminders")
def send_reminders_task() -> dict[str, int]:
    """Send the reminders due today; safe to run more than once a day."""
    run = send_reminders()
    return {"orders": run.orders, "tasks": run.tasks, "notices": run.notices}
