"""Django's flush, allowed to empty the append-only audit table on SQLite too."""

from typing import Any

from django.core.management.commands import flush

from finsentry.accounts.auditguard import unsealed


class Command(flush.Command):
    help = flush.Command.help + " The audit trail is emptied with everything else."

    def handle(self, **options: Any) -> None:
        """Flush every table, the audit table included (a test or scratch database)."""
        with unsealed():
            super().handle(**options)
