from django.apps import AppConfig


class DockingConfig(AppConfig):
    name = "finsentry.docking"
    verbose_name = "网站对接"
    default_auto_field = "django.db.models.BigAutoField"
