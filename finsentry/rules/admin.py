"""Admin for findings (read-only evidence, dismissals only) and editable rule packs."""

from typing import cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone

from finsentry.rules.forms import RulePackForm
from finsentry.rules.models import Finding, RulePack
from finsentry.rules.packs import packaged_pack_texts
from finsentry.rules.services import forget_ruleset

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


@admin.register(RulePack)
class RulePackAdmin(admin.ModelAdmin):
    """Staff edit rule packs here; the form refuses YAML that fails validation."""

    form = RulePackForm
    list_display = ("name", "version", "active", "edited_by", "edited_at")
    list_filter = ("active", "name")
    readonly_fields = ("name", "version", "edited_by", "edited_at")
    fields = ("name", "version", "yaml_text", "active", "edited_by", "edited_at")

    def get_changeform_initial_data(
        self, request: HttpRequest
    ) -> dict[str, str | list[str]]:
        """Return the packaged pack named by ?pack= as a new pack's first text."""
        initial = dict(super().get_changeform_initial_data(request))
        wanted = request.GET.get("pack", "")
        text = packaged_pack_texts().get(f"{wanted}.yaml")
        if text is not None:
            initial["yaml_text"] = text
        return initial

    def save_model(
        self, request: HttpRequest, obj: RulePack, form: ModelForm, change: bool
    ) -> None:
        """Save the pack stamped with its editor, and make detection reload packs."""
        obj.edited_by = cast(User, request.user)
        super().save_model(request, obj, form, change)
        forget_ruleset()
