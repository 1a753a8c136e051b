from django.apps import AppConfig


class PatrolConfig(AppConfig):
    name = "finsentry.patrol"
    label = "patrol"
    verbose_name = "网上巡查"
