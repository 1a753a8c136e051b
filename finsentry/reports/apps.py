from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "finsentry.reports"
    label = "reports"
