"""Alerts: early warnings raised by scores, critical findings and BIG-01."""

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "finsentry.alerts"
    label = "alerts"
    verbose_name = "预警"
