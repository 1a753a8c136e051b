from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "finsentry.demo"
    label = "demo"
