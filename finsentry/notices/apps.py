"""Notices: in-app notifications with an e-mail copy."""

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "finsentry.notices"
    label = "notices"
    verbose_name = "通知"
