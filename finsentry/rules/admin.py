"""Admin for findings: evidence is read-only, only a dismissal can be recorded."""

from typing import cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone

from finsentry.rules.models import Finding

_DISMISSAL_FIELDS = ("dismissed_at", "dismissed_reason")


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    """Findings are never edited (ARCHITECTURE: findings); a wrong one is dismissed."""

    list_display = (
        "code",
        "domain",
        "firm",
        "rule_version",
        "last_seen",
        "dismissed_at",
    )
    list_filter = ("code", "domain", "source")
    search_fields = ("^firm__uscc", "code")
    show_full_result_count = False
    fields = (
        "firm",
        "code",
        "domain",
        "source",
        "summary",
        "evidence",
        "snippet",
        "start",
        "end",
        "rule",
        "rule_version",
        "fingerprint",
        "first_seen",
        "last_seen",
        "dismissed_at",
        "dismissed_reason",
        "dismissed_by",
    )
    readonly_fields = tuple(f for f in fields if f not in _DISMISSAL_FIELDS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Return False: findings come from rules and sources, never typed in."""
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Finding | None = None
    ) -> bool:
        """Return False: a wrong finding is dismissed with a reason, not deleted."""
        return False

    def save_model(
        self, request: HttpRequest, obj: Finding, form: ModelForm, change: bool
    ) -> None:
        """Save a dismissal, stamping who made it, and when if no time was given."""
        if obj.dismissed_reason and obj.dismissed_at is None:
            obj.dismissed_at = timezone.now()
        if obj.dismissed_at is not None:
            obj.dismissed_by = cast(User, request.user)
        super().save_model(request, obj, form, change)
