"""Admin pages for offices and the staff placed in them."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from finsentry.accounts.models import Office, StaffProfile


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
