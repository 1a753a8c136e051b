"""Statistics of problem firms and the special report of each domain."""

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "finsentry.stats"
    label = "stats"
    verbose_name = "统计与专项报告"
