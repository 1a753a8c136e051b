"""Admin for platforms (staff link a platform id to its firm), reports and imports."""

from django.contrib import admin
from django.http import HttpRequest

from finsentry.docking.models import Platform, PlatformReport, ReportImport


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    """Staff link a platform reported under an id to the firm that runs it."""

    list_display = ("key", "name", "firm", "first_month", "last_month")
    list_filter = (("firm", admin.EmptyFieldListFilter),)
    search_fields = ("key", "name", "uscc", "^firm__uscc")
    raw_id_fields = ("firm",)
    readonly_fields = ("key", "uscc", "first_month", "last_month", "created_at")


@admin.register(PlatformReport)
class PlatformReportAdmin(admin.ModelAdmin):
    """Reports are data as the platform submitted them: read here, never typed in."""

    list_display = ("platform", "month", "balance", "avg_yield", "net_inflow_30d")
    search_fields = ("^platform__key",)
    list_filter = ("month",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Return False: reports come from imports and submissions only."""
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: PlatformReport | None = None
    ) -> bool:
        """Return False: a correction is a new submission of the month."""
        return False


@admin.register(ReportImport)
class ReportImportAdmin(admin.ModelAdmin):
    """Imports of report files and submissions, with their counts."""

    list_display = (
        "source_name",
        "status",
        "started_at",
        "rows_read",
        "rows_inserted",
        "rows_updated",
        "rows_rejected",
    )
    list_filter = ("status",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Return False: runs are made by imports."""
        return False
