"""Shared fixtures of the web tests: a placed staff user and a small watch list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff
from finsentry.registry.models import Firm, FirmChange
from finsentry.registry.normalize import normalize_name
from finsentry.registry.uscc import make_code
from finsentry.rules.models import Finding

PASSWORD = "jilin-2016-test"
SEEN = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Sample:
    """One planted firm: where it is, whether it is watched, and in which domains."""

    name: str
    county: str
    flagged: bool = True
    domains: tuple[str, ...] = ()
    dismissed: tuple[str, ...] = ()
    licensed: bool = False


SAMPLES = [
    Sample("长春市鑫融网络借贷信息中介有限公司", "220102", domains=("p2p",)),
    Sample("长春众筹天下股权投资有限公司", "220104", domains=("crowdfunding", "p2p")),
    Sample("吉林市汇财网贷服务有限公司", "220202", domains=("p2p",)),
    Sample("吉林市保通互联网保险代理有限公司", "220204", domains=("insurance",)),
    Sample("长春市宏图财富管理有限公司", "220102", dismissed=("p2p",)),
    Sample("长春市安心餐饮有限公司", "220103", flagged=False),
    Sample("吉林银行股份有限公司长春分行", "220102", flagged=False, licensed=True),
]


def firm_code(index: int, county: str) -> str:
    """Return a valid credit code for the index-th planted firm in `county`."""
    return make_code("91", county, f"MA{index:06d}")


def plant_firm(index: int, sample: Sample) -> Firm:
    """Create one firm with its REG-01 findings through the ORM and return it."""
    code = firm_code(index, sample.county)
    firm = Firm.objects.create(
        uscc=code,
        name=sample.name,
        name_normalized=normalize_name(sample.name),
        scope="网络借贷信息中介服务；股权投资",
        region_code=sample.county,
        city_code=sample.county[:4],
        county_code=sample.county,
        capital_wan=Decimal("5000"),
        capital_currency="CNY",
        legal_rep="张三",
        status="存续",
        flagged=sample.flagged,
        licensed=sample.licensed,
        domains=";".join(sample.domains),
        keywords="网贷;财富" if sample.flagged else "",
        reasons="名称含金融字样" if sample.flagged else "",
    )
    for domain in sample.domains + sample.dismissed:
        Finding.objects.create(
            firm=firm,
            code="REG-01",
            domain=domain,
            source="registry",
            summary="名称含金融字样“网贷”",
            evidence={
                "words": [{"word": "网贷", "field": "name"}],
                "reasons": ["名称含金融字样“网贷”"],
            },
            rule="registry.keyword_screening",
            rule_version="test-1",
            fingerprint=f"{code}-{domain}",
            first_seen=SEEN,
            last_seen=SEEN,
            dismissed_at=SEEN if domain in sample.dismissed else None,
            dismissed_reason="人工核实为餐饮" if domain in sample.dismissed else "",
        )
    return firm


@pytest.fixture
def firms(db: None) -> dict[str, Firm]:
    """Return the planted firms keyed by name, with one recorded name change."""
    planted = {s.name: plant_firm(i, s) for i, s in enumerate(SAMPLES, start=1)}
    first = planted[SAMPLES[0].name]
    FirmChange.objects.create(
        firm=first,
        field="name",
        old_value="长春市鑫融投资咨询有限公司",
        new_value=first.name,
        changed_at=SEEN,
    )
    return planted


@pytest.fixture
def staff(db: None) -> User:
    """Return a provincial analyst's account (sees the whole province) with a
    known password."""
    user = create_staff("wangli", PASSWORD, "province", Role.ANALYST, "王丽")
    return user  # type: ignore[return-value]


@pytest.fixture
def staff_client(staff: User) -> Client:
    """Return a test client logged in as the staff account."""
    client = Client()
    client.force_login(staff)
    return client
