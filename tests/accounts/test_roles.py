"""Roles, offices and scopes as plain values: who sees which firms."""

import pytest

from finsentry.accounts.offices import (
    DOMAIN_OFFICES,
    PROVINCIAL_CODE,
    office_specs,
    offices_over,
)
from finsentry.accounts.roles import (
    NOTHING,
    OfficeKind,
    Role,
    Scope,
    allowed,
    scope_for,
)


def test_province_has_one_office_seven_domain_offices_nine_cities() -> None:
    specs = office_specs()
    kinds = [s.kind for s in specs]

    assert kinds.count(OfficeKind.PROVINCIAL) == 1
    assert kinds.count(OfficeKind.DOMAIN) == 7
    assert kinds.count(OfficeKind.CITY) == 9
    assert {s.domain for s in specs if s.kind is OfficeKind.DOMAIN} == set(
        DOMAIN_OFFICES
    )


def test_county_offices_hang_under_their_city_and_include_development_zones() -> None:
    by_code = {s.code: s for s in office_specs()}

    zone = by_code["county-220171"]
    yanji = by_code["county-222401"]

    assert zone.parent == "city-2201"
    assert zone.name.startswith("长春经济技术开发区")
    assert yanji.parent == "city-2224"
    assert yanji.name.startswith("延边朝鲜族自治州延吉市")
    assert by_code["city-2201"].parent == PROVINCIAL_CODE


def test_codes_are_unique_and_parents_come_first() -> None:
    seen: set[str] = set()
    for spec in office_specs():
        assert spec.code not in seen
        assert not spec.parent or spec.parent in seen
        seen.add(spec.code)


@pytest.mark.parametrize(
    ("role", "kind", "region", "domain", "expected"),
    [
        (Role.ADMIN, OfficeKind.COUNTY, "222401", "", Scope()),
        (Role.ANALYST, OfficeKind.PROVINCIAL, "", "", Scope()),
        (Role.DOMAIN_OFFICER, OfficeKind.DOMAIN, "", "p2p", Scope(domain="p2p")),
        (Role.LOCAL_OFFICER, OfficeKind.CITY, "2201", "", Scope(city="2201")),
        (Role.INSPECTOR, OfficeKind.COUNTY, "222401", "", Scope(county="222401")),
        (Role.LEADER, OfficeKind.PROVINCIAL, "", "", Scope(read_only=True)),
        (
            Role.LEADER,
            OfficeKind.CITY,
            "2224",
            "",
            Scope(city="2224", read_only=True),
        ),
    ],
)
def test_scope_follows_role_and_office(
    role: Role, kind: OfficeKind, region: str, domain: str, expected: Scope
) -> None:
    assert scope_for(role, kind, region, domain) == expected


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.INSPECTOR, OfficeKind.PROVINCIAL),
        (Role.ANALYST, OfficeKind.COUNTY),
        (Role.DOMAIN_OFFICER, OfficeKind.CITY),
        (None, OfficeKind.PROVINCIAL),
        (Role.ANALYST, None),
    ],
)
def test_a_role_outside_its_offices_sees_nothing(
    role: Role | None, kind: OfficeKind | None
) -> None:
    assert scope_for(role, kind, "2201", "") == NOTHING


def test_domain_office_without_domain_sees_nothing() -> None:
    assert scope_for(Role.DOMAIN_OFFICER, OfficeKind.DOMAIN, "", "").nothing


def test_county_scope_sees_only_its_county() -> None:
    yanji = Scope(county="222401")

    assert yanji.allows_region("2224", "222401")
    assert not yanji.allows_region("2224", "222402")
    assert not yanji.allows_region("2201", "220102")
    assert not NOTHING.allows_region("2201", "220102")


def test_domain_scope_sees_only_its_domain() -> None:
    assert Scope(domain="p2p").allows_domain("p2p")
    assert not Scope(domain="p2p").allows_domain("insurance")
    assert Scope().allows_domain("insurance")


def test_leader_may_read_but_not_export_or_manage() -> None:
    assert allowed(Role.LEADER, "firm.view")
    assert not allowed(Role.LEADER, "firm.export")
    assert not allowed(Role.LEADER, "patrol.manage")
    assert not allowed(None, "firm.view")
    assert not allowed(Role.ADMIN, "no.such.action")


def test_alerts_route_from_county_up_to_the_province() -> None:
    assert offices_over("2224", "222401", "p2p") == [
        "county-222401",
        "city-2224",
        "domain-p2p",
        PROVINCIAL_CODE,
    ]
    assert offices_over("", "", "cross") == [PROVINCIAL_CODE]
