"""Accounts: offices, staff roles, region and domain scoping."""

from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def _offices_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    """Write the province's offices whenever the accounts tables are (re)made.

    post_migrate also follows a test database flush, so the offices are
    always there.
    """
    from finsentry.accounts.services import ensure_offices

    ensure_offices()


class AccountsConfig(AppConfig):
    default = True
    name = "finsentry.accounts"
    label = "accounts"
    verbose_name = "机构与人员"

    def ready(self) -> None:
        from finsentry.accounts import audit_hooks
        from finsentry.accounts.auditguard import register_sqlite_function

        post_migrate.connect(_offices_after_migrate, sender=self)
        connection_created.connect(register_sqlite_function)
        audit_hooks.connect()
