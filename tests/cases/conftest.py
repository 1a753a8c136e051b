"""Staff of several offices and firms in 长春 and 延吉 for the case tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from finsentry.accounts.models import Office
from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff
from finsentry.cases import services
from finsentry.cases.models import Case
from finsentry.registry.models import Firm
from finsentry.registry.normalize import normalize_name
from finsentry.registry.uscc import make_code
from finsentry.rules.models import Finding

PASSWORD = "jilin-2016-test-pass"
# Monday 2026-09-14, two weeks before the 2026 Mid-Autumn and National Day break.
TODAY = datetime(2026, 9, 14, 9, 0, tzinfo=UTC)


@dataclass
class Staff:
    """One account per role and office the tests need."""

    admin: User
    analyst: User
    p2p_officer: User
    insurance_officer: User
    cc_officer: User
    cc_inspector: User
    yanji_officer: User
    yanji_inspector: User
    leader: User


def _staff(name: str, office: str, role: Role, full: str) -> User:
    user = create_staff(name, PASSWORD, office, role, full_name=full)
    user.email = f"{name}@jrb.jl.example"
    user.save()
    return user  # type: ignore[return-value]


@pytest.fixture(autouse=True)
def fast_hashing(settings) -> None:
    """Hash the many test passwords cheaply; Argon2 is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path: Path) -> Path:
    """Keep every test's stored files in its own folder."""
    folder = tmp_path / "evidence"
    settings.EVIDENCE_DIR = folder
    return folder


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    """Freeze the clock at TODAY (a Monday in September 2026)."""
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(db: None) -> Staff:
    """Return staff of the province, two domain offices, 长春 and 延吉."""
    admin = User.objects.create_superuser("root", "root@jrb.jl.example", PASSWORD)
    return Staff(
        admin=admin,
        analyst=_staff("analyst", "province", Role.ANALYST, "李明"),
        p2p_officer=_staff("p2p", "domain-p2p", Role.DOMAIN_OFFICER, "赵网"),
        insurance_officer=_staff(
            "ins", "domain-insurance", Role.DOMAIN_OFFICER, "钱保"
        ),
        cc_officer=_staff("cc-officer", "city-2201", Role.LOCAL_OFFICER, "孙春"),
        cc_inspector=_staff("cc-inspector", "county-220102", Role.INSPECTOR, "周查"),
        yanji_officer=_staff("yj-officer", "county-222401", Role.LOCAL_OFFICER, "吴延"),
        yanji_inspector=_staff("yj-inspector", "county-222401", Role.INSPECTOR, "郑吉"),
        leader=_staff("leader", "province", Role.LEADER, "王领"),
    )


def make_firm(index: int, county: str, name: str, domains: str = "p2p") -> Firm:
    """Create a flagged firm in `county` with one patrol-style finding per domain."""
    firm = Firm.objects.create(
        uscc=make_code("91", county, f"MA{index:06d}"),
        name=name,
        name_normalized=normalize_name(name),
        scope="网络借贷信息中介服务",
        region_code=county,
        city_code=county[:4],
        county_code=county,
        address="吉林省某市某路 1 号",
        legal_rep="张三",
        flagged=True,
        domains=domains,
    )
    for domain in domains.split(";"):
        code = "P2P-05" if domain == "p2p" else "INS-01"
        Finding.objects.create(
            firm=firm,
            code=code,
            domain=domain,
            source="patrol",
            summary="代替客户承诺保本保息：100%本息保障",
            snippet="平台承诺 100%本息保障，逾期由平台垫付。",
            rule="p2p-guarantee-near",
            rule_version="p2p@2026.12.1",
            fingerprint=f"{firm.uscc}-{domain}",
            first_seen=TODAY,
            last_seen=TODAY,
        )
    return firm


@pytest.fixture
def cc_firm(db: None) -> Firm:
    """A P2P platform in 长春市南关区 (220102), also selling insurance."""
    return make_firm(1, "220102", "长春市鑫融网络借贷信息中介有限公司", "p2p;insurance")


@pytest.fixture
def yanji_firm(db: None) -> Firm:
    """A P2P platform in 延吉市 (222401)."""
    return make_firm(2, "222401", "延吉市汇金网贷服务有限公司")


def office(code: str) -> Office:
    """Return the office with this code."""
    return Office.objects.get(code=code)


def login(user: User) -> Client:
    """Return a test client logged in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def task_on(firm: Firm, by: User, to: str, due: date, **extra: object):
    """Assign a site visit on `firm` to the office `to` and return the task."""
    return services.assign_task(
        by,
        firm,
        domain=extra.pop("domain", "p2p"),  # type: ignore[arg-type]
        method=extra.pop("method", "site_visit"),  # type: ignore[arg-type]
        due_date=due,
        assignee_office=office(to),
        findings=list(firm.findings.filter(domain="p2p")),
        **extra,  # type: ignore[arg-type]
    )


def case_in_state(firm: Firm, state: str, by: User, domain: str = "p2p") -> Case:
    """Return a case of `firm` put straight into `state`, for refusal tests."""
    case = services.open_case(by, firm, domain, summary="测试立案")
    Case.objects.filter(pk=case.pk).update(state=state)
    case.refresh_from_db()
    return case
