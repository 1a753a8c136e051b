"""Alerts in the admin site: read-mostly, for inspection; handling is in the app."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from finsentry.alerts.models import Alert, AlertEvent, AlertTrigger, SweepMark


class ReadOnly(admin.ModelAdmin):
    """Shows rows without letting anyone add, change or delete them here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor", "from_state", "to_state", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = (
        "id",
        "firm",
        "domain",
        "level",
        "kind",
        "state",
        "office",
        "due_at",
    )
    list_filter = ("state", "level", "kind", "domain")
    search_fields = ("firm__name", "firm__uscc", "title")
    raw_id_fields = ("firm", "task", "case")
    inlines = [EventInline]


@admin.register(AlertTrigger)
class AlertTriggerAdmin(ReadOnly):
    list_display = ("key", "alert", "at")
    search_fields = ("key",)


@admin.register(SweepMark)
class SweepMarkAdmin(ReadOnly):
    list_display = ("name", "last_id")
