"""The JSON API other government systems read and feed."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "finsentry.api"
    label = "api"
    verbose_name = "数据接口"

    def ready(self) -> None:
        from finsentry.api import auditing

        auditing.register_actions()
