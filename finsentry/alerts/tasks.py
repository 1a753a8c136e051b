"""Background work of the alerts app: the periodic sweep and escalation."""

from __future__ import annotations

from celery import shared_task

from finsentry.alerts.services import check_alerts


@shared_task(name="alerts.check_alerts")
def check_alerts_task() -> dict[str, int]:
    """Sweep the triggers and escalate overdue alerts; safe to run any time."""
    result = check_alerts()
    return {
        "raised": result.sweep.raised,
        "merged": result.sweep.merged,
        "escalated": result.escalated,
    }
