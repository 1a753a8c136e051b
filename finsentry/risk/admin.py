"""Admin for weights versions (staff edit copies), scores and level changes."""

from typing import cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.forms import ModelForm
from django.http import HttpRequest

from finsentry.risk.forms import WeightsVersionForm
from finsentry.risk.models import FirmScore, LevelChange, Rescore, WeightsVersion
from finsentry.risk.services import active_weights


@admin.register(WeightsVersion)
class WeightsVersionAdmin(admin.ModelAdmin):
    """Staff save an edited copy of the weights as a new version."""

    form = WeightsVersionForm
    list_display = ("version", "active", "note", "edited_by", "created_at")
    list_filter = ("active",)
    readonly_fields = ("version", "edited_by", "created_at")
    fields = ("version", "yaml_text", "note", "active", "edited_by", "created_at")

    def get_changeform_initial_data(
        self, request: HttpRequest
    ) -> dict[str, str | list[str]]:
        """Return the weights in force as the first text of a new version."""
        initial = dict(super().get_changeform_initial_data(request))
        initial["yaml_text"] = active_weights().text
        return initial

    def get_readonly_fields(
        self, request: HttpRequest, obj: WeightsVersion | None = None
    ) -> tuple[str, ...]:
        """Return the fixed fields: a saved version's YAML is never edited."""
        fixed = tuple(self.readonly_fields)
        return (*fixed, "yaml_text") if obj is not None else fixed

    def save_model(
        self, request: HttpRequest, obj: WeightsVersion, form: ModelForm, change: bool
    ) -> None:
        """Save the version stamped with its editor."""
        if not change:
            obj.edited_by = cast(User, request.user)
        super().save_model(request, obj, form, change)


class _ReadOnly(admin.ModelAdmin):
    """Scores are written by the rescore only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Return False: scores come from `finsentry rescore`."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """Return False: a score changes by rescoring, not by hand."""
        return False


@admin.register(FirmScore)
class FirmScoreAdmin(_ReadOnly):
    list_display = ("firm", "score", "level", "weights_version", "computed_at")
    list_filter = ("level", "weights_version")
    search_fields = ("^firm__uscc",)
    show_full_result_count = False


@admin.register(LevelChange)
class LevelChangeAdmin(_ReadOnly):
    list_display = ("firm", "old_level", "new_level", "new_score", "changed_at")
    list_filter = ("new_level",)
    search_fields = ("^firm__uscc",)


@admin.register(Rescore)
class RescoreAdmin(_ReadOnly):
    list_display = ("started_at", "weights_version", "status", "firms", "level_changes")
