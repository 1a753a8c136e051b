from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "finsentry.rules"
    label = "rules"
    verbose_name = "违规目录与发现"
