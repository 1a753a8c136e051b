"""The permission matrix: who may open every URL of the project, one table per app.

Each app's module here (`registry.py`, `patrol.py`, ...) holds a `ROWS` list:
one `Row` per URL name and method, naming the personas that succeed. Every
other persona must be refused: 403 for a logged-in user, a redirect to the
login page for an anonymous one. `test_permission_matrix` checks each row
for all nine personas and fails when a URL pattern of the project has no
row, so a new page cannot ship without saying who may open it.

To add an app: write `tests/accounts/matrix/<app>.py` with `ROWS`, add the
module to `TABLES` below, and put the objects your URLs need in
`world.py` (the `World` every row receives).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The personas, one per role and office kind, plus the two without a role.
ADMIN = "admin"
ANALYST = "analyst"
DOMAIN = "domain"
CITY = "city"
COUNTY = "county"
INSPECTOR = "inspector"
LEADER = "leader"
NO_OFFICE = "no_office"
ANONYMOUS = "anonymous"
PERSONAS = (
    ADMIN,
    ANALYST,
    DOMAIN,
    CITY,
    COUNTY,
    INSPECTOR,
    LEADER,
    NO_OFFICE,
    ANONYMOUS,
)

# Groups the tables use.
PLACED = frozenset({ADMIN, ANALYST, DOMAIN, CITY, COUNTY, INSPECTOR, LEADER})
LOGGED_IN = PLACED | {NO_OFFICE}
EVERYONE = LOGGED_IN | {ANONYMOUS}
EXPORTERS = frozenset({ADMIN, ANALYST, DOMAIN, CITY, COUNTY})
PATROL_MANAGERS = frozenset({ADMIN, ANALYST, DOMAIN})
REGION_FREE = frozenset({ADMIN, ANALYST, DOMAIN, LEADER})
ADMINS = frozenset({ADMIN})
NOBODY: frozenset[str] = frozenset()

Args = Callable[[Any], list[Any]]
Data = Callable[[Any], dict[str, Any]]


def _no_args(world: Any) -> list[Any]:
    return []


def _no_data(world: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Row:
    """One URL name and method, and the personas for which it succeeds.

    `args` and `data` build the URL arguments and the query or form data
    from the `World`. `success` is what an allowed persona gets: "ok" (a
    page, a file or a redirect elsewhere), or "login" for logout. `xfail` names a
    known gap (the row says what should hold; the test expects it to fail
    until the gap is closed, and fails once it holds).
    """

    name: str
    allowed: frozenset[str]
    method: str = "GET"
    args: Args = _no_args
    data: Data = _no_data
    success: str = "ok"
    xfail: str = ""

    @property
    def id(self) -> str:
        """Return the test id, e.g. "GET registry:firm"."""
        return f"{self.method} {self.name}"


def all_rows() -> list[Row]:
    """Return the rows of every table (imported here: the tables import Row)."""
    from tests.accounts.matrix import (
        accounts,
        admin,
        alerts,
        api,
        cases,
        docking,
        patrol,
        registry,
        stats,
    )

    tables = [accounts, admin, alerts, api, cases, docking, patrol, registry, stats]
    return [row for table in tables for row in table.ROWS]
