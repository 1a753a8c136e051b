from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "finsentry.risk"
    verbose_name = "风险评分"
    default_auto_field = "django.db.models.BigAutoField"
