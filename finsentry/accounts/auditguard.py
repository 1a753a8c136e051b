"""Database-level protection of the audit trail: triggers and their one exemption.

The model and its queryset already refuse changes; these triggers make the
database refuse them too, so that neither a stray query nor a hand-typed SQL
statement rewrites the trail. UPDATE is always refused; DELETE only of
entries older than the retention (`audit.RETENTION_DAYS`), which is what
`finsentry prune-audit` removes.

On SQLite the delete trigger also asks a function that finsentry registers
on each of its connections (`finsentry_audit_unsealed`); it answers yes only
inside `unsealed()`, which `flush` uses to empty a test or scratch database.
A connection without the function (another tool) cannot delete at all.
PostgreSQL's flush truncates, which row triggers do not see: TRUNCATE needs
the table owner's privilege, which the application's account should not
hold in production (docs/operations.md).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "accounts_auditentry"
SQLITE_FUNCTION = "finsentry_audit_unsealed"

_unsealed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "finsentry_audit_unsealed", default=False
)


def sqlite_triggers(days: int) -> list[str]:
    """Return the statements that make the SQLite audit table append-only."""
    return [
        f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
        f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
        f"WHEN OLD.at >= datetime('now', '-{days} days') "
        f"AND NOT {SQLITE_FUNCTION}() "
        f"BEGIN SELECT RAISE(ABORT, 'audit entries younger than {days} days "
        "are kept'); END",
    ]


def postgresql_triggers(days: int) -> list[str]:
    """Return the statements that make the PostgreSQL audit table append-only."""
    return [
        f"""
        CREATE OR REPLACE FUNCTION {TABLE}_guard() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                RAISE EXCEPTION 'audit entries are append-only'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF OLD.at >= now() - interval '{days} days' THEN
                RAISE EXCEPTION 'audit entries younger than {days} days are kept'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN OLD;
        END;
        $$ LANGUAGE plpgsql
        """,
        f"CREATE TRIGGER {TABLE}_guard BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_guard()",
    ]


def drop_statements(vendor: str) -> list[str]:
    """Return the statements that remove the triggers (to reverse the migration)."""
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {TABLE}_guard ON {TABLE}",
            f"DROP FUNCTION IF EXISTS {TABLE}_guard()",
        ]
    return [
        f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
        f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
    ]


def create_statements(vendor: str, days: int) -> list[str]:
    """Return the trigger statements for a database `vendor` (none if unknown)."""
    if vendor == "postgresql":
        return postgresql_triggers(days)
    if vendor == "sqlite":
        return sqlite_triggers(days)
    return []


@contextmanager
def unsealed() -> Iterator[None]:
    """Let this thread's SQLite connection delete recent audit entries (flush only)."""
    token = _unsealed.set(True)
    try:
        yield
    finally:
        _unsealed.reset(token)


def _is_unsealed() -> int:
    return 1 if _unsealed.get() else 0


def register_sqlite_function(
    sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any
) -> None:
    """Give a new SQLite connection the function the delete trigger asks."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function(SQLITE_FUNCTION, 0, _is_unsealed)
