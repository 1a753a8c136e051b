"""Settings and fixtures shared by the whole suite."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection, connections


def pytest_configure(config: pytest.Config) -> None:
    # Persistent connections would outlive the live server's request threads.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(scope="session", autouse=True)
def stray_connections_closed(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[None]:
    """End sessions left by the live server's threads before the test DB is dropped."""
    yield
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        connections.close_all()
