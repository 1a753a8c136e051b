"""A small province for the statistics tests, built through the case services.

P2P firms watched by screening (REG-01), in 长春 and 延吉:

    长春 南关 220102  鑫融   site visit confirms P2P-05 (Sept 2026)   problem
    长春 朝阳 220104  安信   case classified compliant                 not a problem
    延边 延吉 222401  汇金   case ordered to rectify (Oct 2026)        problem
    延边 延吉 222401  融通   screening only                            watched
    长春 南关 220102  宏图   its REG-01 dismissed                      not watched
    吉林 船营 220204  保通   insurance, screening only                 other domain
    长春 南关 220102  餐饮   not flagged, no finding                   not watched

So P2P: 4 watched, 2 problem firms (50%); 长春 2 / 1, 延边 2 / 1; all
domains: 5 watched, 2 problem firms.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import cast

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from finsentry.accounts.models import Office
from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff
from finsentry.cases import services
from finsentry.registry.models import Firm
from finsentry.registry.normalize import normalize_name
from finsentry.registry.uscc import make_code
from finsentry.risk.models import FirmScore
from finsentry.rules.models import Finding

PASSWORD = "jilin-2016-stats-pass"
SCREENED = datetime(2026, 8, 3, 2, 0, tzinfo=UTC)
CONFIRMED = datetime(2026, 9, 15, 2, 0, tzinfo=UTC)
CLASSIFIED = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def fast_hashing(settings) -> None:
    """Hash the test passwords cheaply; Argon2 is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path: Path) -> Path:
    """Keep every test's stored files in its own folder."""
    folder = tmp_path / "evidence"
    settings.EVIDENCE_DIR = folder
    return folder


def plant(
    index: int,
    county: str,
    name: str,
    domain: str = "p2p",
    *,
    flagged: bool = True,
    dismissed: bool = False,
) -> Firm:
    """Create a screened firm with a REG-01 finding in `domain` when flagged."""
    firm = Firm.objects.create(
        uscc=make_code("91", county, f"MA{index:06d}"),
        name=name,
        name_normalized=normalize_name(name),
        region_code=county,
        city_code=county[:4],
        county_code=county,
        flagged=flagged,
        domains=domain if flagged else "",
        screened_at=SCREENED,
    )
    if flagged:
        Finding.objects.create(
            firm=firm,
            code="REG-01",
            domain=domain,
            source="registry",
            summary="名称含金融字样",
            rule="registry.keyword_screening",
            rule_version="test-1",
            fingerprint=f"{firm.uscc}-{domain}",
            first_seen=SCREENED,
            last_seen=SCREENED,
            dismissed_at=SCREENED if dismissed else None,
            dismissed_reason="人工核实为餐饮" if dismissed else "",
        )
    return firm


@dataclass
class World:
    """The firms of the small province and the staff who look at it."""

    firms: dict[str, Firm]
    admin: User
    analyst: User
    p2p_officer: User
    yanji_officer: User
    cc_inspector: User
    leader: User

    def client(self, user: User) -> Client:
        """Return a test client logged in as `user`."""
        client = Client()
        client.force_login(user)
        return client


def _staff(name: str, office: str, role: Role) -> User:
    staff = create_staff(name, PASSWORD, office, role, full_name=name)
    return cast(User, staff)


def _reg01(firm: Firm) -> Finding:
    return firm.findings.get(code="REG-01")


def _work(firms: dict[str, Firm], admin: User) -> None:
    """Take the firms through the real case services at fixed moments."""
    with time_machine.travel(CONFIRMED, tick=False):
        visit = services.assign_task(
            admin,
            firms["鑫融"],
            domain="p2p",
            method="site_visit",
            due_date=date(2026, 9, 30),
            assignee_office=Office.objects.get(code="county-220102"),
            findings=[_reg01(firms["鑫融"])],
        )
        services.record_result(
            admin,
            visit,
            outcome="confirmed",
            notes="现场张贴保本保息宣传",
            checked_on=date(2026, 9, 15),
            confirmed_codes=["P2P-05"],
        )
        compliant = services.open_case(admin, firms["安信"], "p2p", summary="核查")
        services.classify_compliant(
            admin,
            compliant,
            reasoning="未发现违规",
            findings=[_reg01(firms["安信"])],
        )
    with time_machine.travel(CLASSIFIED, tick=False):
        case = services.open_case(admin, firms["汇金"], "p2p", summary="核查")
        services.order_rectification(
            admin,
            case,
            demands=["撤除宣传"],
            days=15,
            day_kind="calendar",
            served_on=date(2026, 10, 20),
            reasoning="违规情节较轻",
            findings=[_reg01(firms["汇金"])],
        )


def build_world() -> World:
    """Plant the province, do its case work and return it (needs the database)."""
    firms = {
        "鑫融": plant(1, "220102", "长春市鑫融网络借贷信息中介有限公司"),
        "安信": plant(2, "220104", "长春安信网贷服务有限公司"),
        "汇金": plant(3, "222401", "延吉市汇金网贷服务有限公司"),
        "融通": plant(4, "222401", "延吉市融通网贷信息咨询有限公司"),
        "宏图": plant(5, "220102", "长春市宏图财富管理有限公司", dismissed=True),
        "保通": plant(6, "220204", "吉林市保通互联网保险代理有限公司", "insurance"),
        "餐饮": plant(7, "220102", "长春市安心餐饮有限公司", flagged=False),
    }
    admin = User.objects.create_superuser("root", "root@jrb.jl.example", PASSWORD)
    _work(firms, admin)
    return World(
        firms=firms,
        admin=admin,
        analyst=_staff("analyst", "province", Role.ANALYST),
        p2p_officer=_staff("p2p", "domain-p2p", Role.DOMAIN_OFFICER),
        yanji_officer=_staff("yj-officer", "county-222401", Role.LOCAL_OFFICER),
        cc_inspector=_staff("cc-inspector", "county-220102", Role.INSPECTOR),
        leader=_staff("leader", "province", Role.LEADER),
    )


@pytest.fixture
def world(db: None) -> World:
    """Return the planted province with its case work done."""
    return build_world()


@pytest.fixture
def scored(world: World) -> World:
    """Give three P2P firms risk scores (汇金 highest)."""
    for name, score, level in (("汇金", 82, "critical"), ("融通", 55, "high")):
        FirmScore.objects.create(
            firm=world.firms[name],
            score=score,
            level=level,
            weights_version="test",
            computed_at=CLASSIFIED,
        )
    FirmScore.objects.create(
        firm=world.firms["安信"],
        score=12,
        level="low",
        weights_version="test",
        computed_at=CLASSIFIED,
    )
    return world


@pytest.fixture
def frozen() -> Iterator[None]:
    """Freeze the clock on TODAY, Beijing noon."""
    with time_machine.travel(datetime(2026, 11, 30, 4, 0, tzinfo=UTC), tick=False):
        yield
