"""The admin site: its index and every model's list, for administrators only.

Every other admin URL goes through the same gate (`AdminSite.admin_view`
asks `StaffAdminSite.has_permission`), which `test_admin_gate_*` proves for
all of them; so the completeness check asks rows for these only.
"""

from django.contrib import admin

from tests.accounts.matrix import ADMINS, Row


def changelist_names() -> list[str]:
    """Return the URL name of every registered model's list page."""
    return [
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        for model in admin.site._registry
    ]


ROWS = [Row("admin:index", ADMINS)]
ROWS += [Row(name, ADMINS) for name in changelist_names()]
