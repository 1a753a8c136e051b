"""Firms in 长春 and 延吉, staff of several offices, their tokens, a case each.

The 延吉 firm is a P2P firm with a case and a site visit given to the 延吉
county group; the 长春 firm has the same in 长春. A 延吉 inspector must see
the first and never the second, through any endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from finsentry.accounts.models import Office
from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff
from finsentry.api.tokens import issue_token
from finsentry.cases import services
from finsentry.cases.models import VerificationTask
from finsentry.registry.models import Firm
from finsentry.registry.normalize import normalize_name
from finsentry.registry.uscc import make_code
from finsentry.rules.models import Finding

PASSWORD = "jilin-2016-api-test"
SEEN = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

# Login → (office code, role).
STAFF = {
    "analyst": ("province", Role.ANALYST),
    "leader": ("province", Role.LEADER),
    "p2p": ("domain-p2p", Role.DOMAIN_OFFICER),
    "insurance": ("domain-insurance", Role.DOMAIN_OFFICER),
    "yanbian": ("city-2224", Role.LOCAL_OFFICER),
    "yj-officer": ("county-222401", Role.LOCAL_OFFICER),
    "yj-inspector": ("county-222401", Role.INSPECTOR),
    "cc-inspector": ("county-220102", Role.INSPECTOR),
}


@dataclass
class World:
    """The firms, tasks and accounts of the API tests."""

    yanji: Firm
    changchun: Firm
    yanji_task: VerificationTask
    changchun_task: VerificationTask
    users: dict[str, User] = field(default_factory=dict)

    def client(self, login: str | None) -> APIClient:
        """Return a client sending `login`'s token (None: no credentials)."""
        client = APIClient()
        if login is not None:
            key = issue_token(self.users[login]).key
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client


@pytest.fixture(autouse=True)
def fast_hashing(settings) -> None:
    """Hash the test passwords cheaply; Argon2 is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def stores(settings, tmp_path: Path) -> None:
    """Keep stored files in the test's folder; start with no throttle history."""
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    cache.clear()


def plant_firm(index: int, county: str, name: str) -> Firm:
    """Create a flagged P2P firm in `county` with a screening and a patrol finding."""
    code = make_code("91", county, f"MA{index:06d}")
    firm = Firm.objects.create(
        uscc=code,
        name=name,
        name_normalized=normalize_name(name),
        scope="网络借贷信息中介服务",
        region_code=county,
        city_code=county[:4],
        county_code=county,
        flagged=True,
        domains="p2p",
        keywords="网贷",
        status="存续",
    )
    for finding_code, source in (("REG-01", "registry"), ("P2P-05", "patrol")):
        Finding.objects.create(
            firm=firm,
            code=finding_code,
            domain="p2p",
            source=source,
            summary=f"{name} {finding_code}",
            evidence={"words": [{"word": "保本保息", "field": "text"}]},
            snippet="承诺保本保息，年化收益率18%",
            rule="test",
            rule_version="test-1",
            fingerprint=f"{code}-{finding_code}",
            first_seen=SEEN,
            last_seen=SEEN,
        )
    return firm


def site_visit(analyst: User, firm: Firm, office: str) -> VerificationTask:
    """Give `office` a site visit of `firm`, which opens the firm's P2P case."""
    return services.assign_task(
        analyst,
        firm,
        domain="p2p",
        method="site_visit",
        due_date=timezone.localdate() + timedelta(days=10),
        assignee_office=Office.objects.get(code=office),
        instructions="核实宣传内容",
        findings=list(firm.findings.all()),
    )


@pytest.fixture
def world(db: None) -> World:
    """Return the two firms, their tasks and every account of STAFF (plus an
    administrator and a login with no office)."""
    users = {
        login: create_staff(login, PASSWORD, office, role)
        for login, (office, role) in STAFF.items()
    }
    users["root"] = User.objects.create_superuser("root", "", PASSWORD)
    users["nobody"] = User.objects.create_user("nobody", "", PASSWORD)
    yanji = plant_firm(1, "222401", "延吉市鑫融网络借贷信息中介有限公司")
    changchun = plant_firm(2, "220102", "长春市汇财网贷服务有限公司")
    return World(
        yanji=yanji,
        changchun=changchun,
        yanji_task=site_visit(users["analyst"], yanji, "county-222401"),
        changchun_task=site_visit(users["analyst"], changchun, "county-220102"),
        users=users,
    )
