"""Admin page for notices: read-only, for tracing what was sent to whom."""

from django.contrib import admin
from django.http import HttpRequest

from finsentry.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Notices are written by the application; administrators only read them."""

    list_display = ("created_at", "recipient", "kind", "title", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username")
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Return False: notices come from the workflow, not by hand."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """Return False: a sent notice is a record."""
        return False
