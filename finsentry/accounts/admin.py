"""Admin pages for offices and the staff placed in them."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from finsentry.accounts.models import AuditEntry, Office, StaffProfile


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    """Offices are written from the division codes; staff only read them here."""

    list_display = ("name", "code", "kind", "domain", "region_code", "parent")
    list_filter = ("kind", "domain")
    search_fields = ("name", "code", "region_code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Return False: offices come from the division codes, not by hand."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """Return False: members and records point at offices."""
        return False


class StaffProfileInline(admin.StackedInline):
    """The office and role of a login, edited on the user's page."""

    model = StaffProfile
    can_delete = False
    autocomplete_fields = ("office",)
    verbose_name_plural = "机构与角色"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin with the office and role of each login."""

    inlines = (StaffProfileInline,)
    list_display = (
        "username",
        "first_name",
        "is_active",
        "is_staff",
        "staff_profile__office",
        "staff_profile__role",
    )
    list_filter = ("is_active", "is_staff", "staff_profile__role")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, read only: entries are never added, changed or deleted here."""

    list_display = (
        "at",
        "username",
        "action",
        "object_type",
        "firm_uscc",
        "ip_address",
    )
    list_filter = ("action",)
    search_fields = ("^username", "^firm_uscc", "^action")
    date_hierarchy = "at"
    show_full_result_count = False

    def get_readonly_fields(
        self, request: HttpRequest, obj: object = None
    ) -> list[str]:
        """Return every field: nothing on an entry can be edited."""
        return [field.name for field in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Return False: entries are written by `audit.record` only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """Return False: an entry is never changed."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """Return False: entries go only through `finsentry prune-audit`."""
        return False
