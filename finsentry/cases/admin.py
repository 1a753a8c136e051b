"""Admin pages of the case workflow: read-only, for tracing what happened.

Every change goes through the workflow (services.py), which checks the state
machine, the role and the scope and writes the timeline and the audit trail;
the admin could do none of that, so administrators only read here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from finsentry.cases.models import (
    Case,
    Document,
    RectificationOrder,
    Referral,
    Reminder,
    TimelineEntry,
    VerificationRecord,
    VerificationTask,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and detail pages with no add, change or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Return False: records come from the workflow."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Return False: a record of the workflow is never edited."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Return False: the dossier keeps everything."""
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "firm",
        "domain",
        "state",
        "disposition",
        "office",
        "opened_at",
    )
    list_filter = ("state", "domain", "disposition")
    search_fields = ("firm__name", "firm__uscc")
    list_select_related = ("firm", "office")


@admin.register(VerificationTask)
class VerificationTaskAdmin(ReadOnlyAdmin):
    list_display = ("id", "firm", "method", "state", "assignee_office", "due_date")
    list_filter = ("state", "method", "domain")
    search_fields = ("firm__name", "firm__uscc")
    list_select_related = ("firm", "assignee_office")


@admin.register(VerificationRecord)
class VerificationRecordAdmin(ReadOnlyAdmin):
    list_display = ("id", "task", "outcome", "checked_on", "recorded_by", "recorded_at")
    list_filter = ("outcome",)


@admin.register(RectificationOrder)
class RectificationOrderAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "case",
        "sequence",
        "served_on",
        "days",
        "day_kind",
        "due_date",
    )
    list_filter = ("day_kind",)


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "organ_name", "referred_on", "package_sha256")


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("id", "firm", "name", "kind", "size", "sha256", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("name", "sha256", "firm__name")


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "firm", "case", "kind", "title", "actor")
    list_filter = ("kind",)
    search_fields = ("firm__name", "title")
    list_select_related = ("firm", "case", "actor")


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "order",
        "task",
        "threshold",
        "due_date",
        "sent_at",
        "recipients",
    )
