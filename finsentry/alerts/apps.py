"""Alerts: early warnings raised by scores, critical findings and BIG-01."""

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "finsentry.alerts"
    label = "alerts"
    verbose_name = "预警"

    def ready(self) -> None:
        """Put the firms of a domain's alerts in that domain's scope; name the
        alert actions for the audit page."""
        from finsentry.accounts.scoping import register_domain_source
        from finsentry.alerts import workflow  # noqa: F401 (registers audit actions)
        from finsentry.alerts.visibility import alerts_in_domain

        register_domain_source(alerts_in_domain)
