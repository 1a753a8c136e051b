from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "finsentry.registry"
    label = "registry"
    verbose_name = "企业登记与筛查"
