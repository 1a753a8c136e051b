"""Scoping against the database: which firms each placed user sees."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from finsentry.accounts import scoping
from finsentry.accounts.models import Office, StaffProfile
from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff, place_user
from finsentry.registry.models import Firm
from finsentry.registry.uscc import make_code
from finsentry.rules.models import Finding

pytestmark = pytest.mark.django_db
SEEN = datetime(2024, 3, 1, tzinfo=UTC)


def _firm(index: int, county: str, domains: str = "") -> Firm:
    return Firm.objects.create(
        uscc=make_code("91", county, f"MA{index:06d}"),
        name=f"测试企业{index}",
        name_normalized=f"测试企业{index}",
        city_code=county[:4],
        county_code=county,
        region_code=county,
        domains=domains,
        flagged=bool(domains),
    )


@pytest.fixture
def firms() -> dict[str, Firm]:
    planted = {
        "changchun_p2p": _firm(1, "220102", "p2p"),
        "changchun_ins": _firm(2, "220104", "insurance;cross"),
        "yanji_p2p": _firm(3, "222401", "crowdfunding;p2p"),
        "yanji_plain": _firm(4, "222401"),
    }
    Finding.objects.create(
        firm=planted["yanji_plain"],
        code="P2P-05",
        domain="p2p",
        source="web",
        summary="承诺保本保息",
        rule="p2p-guarantee",
        rule_version="p2p@1",
        fingerprint="f-yanji-plain",
        first_seen=SEEN,
        last_seen=SEEN,
    )
    return planted


def _user(office: str, role: Role, name: str) -> User:
    return create_staff(name, "jilin-2016-test", office, role)  # type: ignore[return-value]


def _visible(user: User | AnonymousUser) -> set[int]:
    return set(scoping.visible_firms(user).values_list("pk", flat=True))


def test_offices_exist_after_migrate() -> None:
    assert Office.objects.filter(kind="county").count() > 60
    assert Office.objects.get(code="county-222401").parent.code == "city-2224"


def test_county_inspector_in_yanji_never_sees_changchun(firms: dict) -> None:
    inspector = _user("county-222401", Role.INSPECTOR, "yanji")

    assert _visible(inspector) == {firms["yanji_p2p"].pk, firms["yanji_plain"].pk}
    assert not scoping.firm_visible(inspector, firms["changchun_p2p"])
    assert scoping.firm_visible(inspector, firms["yanji_plain"])


def test_city_officer_sees_every_domain_of_the_city(firms: dict) -> None:
    officer = _user("city-2201", Role.LOCAL_OFFICER, "cc")

    assert _visible(officer) == {firms["changchun_p2p"].pk, firms["changchun_ins"].pk}


def test_domain_office_sees_its_domain_by_screening_or_finding(firms: dict) -> None:
    p2p = _user("domain-p2p", Role.DOMAIN_OFFICER, "p2p")
    insurance = _user("domain-insurance", Role.DOMAIN_OFFICER, "ins")

    assert _visible(p2p) == {
        firms["changchun_p2p"].pk,
        firms["yanji_p2p"].pk,
        firms["yanji_plain"].pk,
    }
    assert _visible(insurance) == {firms["changchun_ins"].pk}
    assert scoping.firm_visible(p2p, firms["yanji_plain"])
    assert not scoping.firm_visible(insurance, firms["yanji_plain"])


def test_provincial_analyst_and_superuser_see_everything(firms: dict) -> None:
    analyst = _user("province", Role.ANALYST, "an")
    root = User.objects.create_superuser("root", password="jilin-2016-test")

    assert _visible(analyst) == {f.pk for f in firms.values()}
    assert _visible(root) == {f.pk for f in firms.values()}


def test_user_without_office_and_anonymous_see_nothing(firms: dict) -> None:
    loose = User.objects.create_user("loose", password="jilin-2016-test")

    assert _visible(loose) == set()
    assert _visible(AnonymousUser()) == set()
    assert not scoping.firm_visible(loose, firms["changchun_p2p"])


def test_inactive_user_sees_nothing(firms: dict) -> None:
    analyst = _user("province", Role.ANALYST, "gone")
    analyst.is_active = False
    analyst.save()

    assert _visible(analyst) == set()


def test_require_refuses_with_the_role_named() -> None:
    leader = _user("province", Role.LEADER, "boss")

    with pytest.raises(PermissionDenied, match="领导（只读）"):
        scoping.require(leader, "firm.export")
    scoping.require(leader, "firm.view")


def test_place_user_refuses_a_role_that_does_not_fit() -> None:
    user = User.objects.create_user("x", password="jilin-2016-test")

    with pytest.raises(ValueError, match="inspector"):
        place_user(user, "province", Role.INSPECTOR)
    assert not StaffProfile.objects.filter(user=user).exists()


def test_registered_domain_source_widens_a_domain_scope(firms: dict) -> None:
    payment = _user("domain-payment", Role.DOMAIN_OFFICER, "pay")
    assert _visible(payment) == set()

    def guarantees_count_as_payment(domain: str) -> QuerySet[Finding]:
        found = Finding.objects.filter(code="P2P-05")
        return found if domain == "payment" else found.none()

    scoping.register_domain_source(guarantees_count_as_payment)
    try:
        assert _visible(payment) == {firms["yanji_plain"].pk}
    finally:
        scoping._DOMAIN_SOURCES.remove(guarantees_count_as_payment)
