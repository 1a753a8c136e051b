"""The Celery application: background work on workers over Redis.

With FINSENTRY_BROKER_URL set (e.g. redis://127.0.0.1:6379/0) tasks go to
workers started with `celery -A finsentry.config.celery worker`; without it
settings make every task run in the calling process (task_always_eager).
`celery -A finsentry.config.celery beat` runs the daily patrol at
FINSENTRY_PATROL_DAILY_AT (local time, default 02:00) and the deadline
reminders at FINSENTRY_REMINDERS_DAILY_AT (default 08:00), and the alert
sweep with escalation of overdue alerts every hour.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finsentry.config.settings")

app = Celery("finsentry")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["finsentry.patrol", "finsentry.cases", "finsentry.alerts"])


def daily_at(text: str) -> crontab:
    """Return the crontab for a local "HH:MM" time; raise ValueError if malformed."""
    hour, _, minute = text.strip().partition(":")
    if not (hour.isdigit() and minute.isdigit()):
        raise ValueError(f"FINSENTRY_PATROL_DAILY_AT 应为 HH:MM：{text!r}")
    if int(hour) > 23 or int(minute) > 59:
        raise ValueError(f"FINSENTRY_PATROL_DAILY_AT 超出范围：{text!r}")
    return crontab(hour=int(hour), minute=int(minute))


def beat_schedule() -> dict[str, dict[str, object]]:
    """Return the periodic tasks: patrol round, deadline reminders, alert sweep."""
    from django.conf import settings

    at = getattr(settings, "FINSENTRY_PATROL_DAILY_AT", "02:00")
    reminders_at = getattr(settings, "FINSENTRY_REMINDERS_DAILY_AT", "08:00")
    return {
        "patrol-daily": {"task": "patrol.daily_round", "schedule": daily_at(at)},
        # Idempotent: one reminder per order or task and threshold (cases/reminders).
        "cases-reminders": {
            "task": "cases.send_reminders",
            "schedule": daily_at(reminders_at),
        },
        # Idempotent: raises what the jobs' own sweeps missed, escalates overdue
        # alerts once per overdue period (alerts/escalation.py).
        "alerts-hourly": {"task": "alerts.check_alerts", "schedule": crontab(minute=0)},
    }


app.conf.beat_schedule = beat_schedule()
