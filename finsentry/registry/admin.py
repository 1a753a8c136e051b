"""Admin pages for the registry: firms, changes, imports, licences, screening words."""

from django.contrib import admin
from django.http import HttpRequest

from finsentry.registry.models import (
    Firm,
    FirmChange,
    ImportRun,
    LicenceEntry,
    ScreeningWord,
)

admin.site.site_header = "吉林省互联网金融风险监测平台 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "数据与配置"


class FirmChangeInline(admin.TabularInline):
    """The change history shown under a firm, newest first, read-only."""

    model = FirmChange
    extra = 0
    can_delete = False
    readonly_fields = ("field", "old_value", "new_value", "import_run", "changed_at")

    def has_add_permission(self, request: HttpRequest, obj: Firm | None = None) -> bool:
        """Return False: changes are recorded by imports only."""
        return False


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin):
    """Registered firms; searched by code prefix or normalised name prefix."""

    list_display = (
        "name",
        "uscc",
        "city_code",
        "county_code",
        "status",
        "flagged",
        "licensed",
    )
    list_filter = ("flagged", "licensed", "is_market_entity", "city_code", "status")
    # Prefix searches: at millions of rows a contains-search scans the table.
    search_fields = ("^uscc", "^name", "^name_normalized")
    # Counting millions of rows on every list page is the slow part of the admin.
    show_full_result_count = False
    readonly_fields = ("name_normalized", "created_at", "updated_at", "screened_at")
    inlines = [FirmChangeInline]


@admin.register(FirmChange)
class FirmChangeAdmin(admin.ModelAdmin):
    """Changes of tracked registry fields between imports."""

    list_display = ("firm", "field", "changed_at", "import_run")
    list_filter = ("field",)
    search_fields = ("^firm__uscc",)
    raw_id_fields = ("firm", "import_run")
    show_full_result_count = False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Registry imports with their row counts."""

    list_display = (
        "source_name",
        "status",
        "started_at",
        "finished_at",
        "rows_read",
        "rows_inserted",
        "rows_updated",
        "rows_rejected",
    )
    list_filter = ("status",)
    readonly_fields = [f.name for f in ImportRun._meta.fields]


@admin.register(LicenceEntry)
class LicenceEntryAdmin(admin.ModelAdmin):
    """The licence list (持牌机构名录)."""

    list_display = ("name", "uscc", "kind", "source", "imported_at")
    list_filter = ("kind",)
    search_fields = ("^uscc", "name")


@admin.register(ScreeningWord)
class ScreeningWordAdmin(admin.ModelAdmin):
    """The editable screening word list (plan 三(二)); used from the next screening."""

    list_display = ("word", "domain", "lists", "role", "active", "updated_at")
    list_editable = ("domain", "role", "active")
    list_filter = ("active", "role", "domain")
    search_fields = ("word",)
