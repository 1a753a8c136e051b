"""The admin app's configuration, kept apart so that loading it imports no models."""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin app with the site that admits administrators only."""

    default_site = "finsentry.accounts.adminsite.StaffAdminSite"
