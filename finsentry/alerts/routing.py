"""Which offices an alert goes to, who in them reads it, and the office one level up.

Plan 四(一)1: the domain joint office of the alert's domain and the firm's
city and county leading-group offices work the alert; a BIG-01 or critical
alert goes to the provincial office too (四(二)4: report at once). The office
in charge is the nearest of them; escalation moves it one step up the
offices' parents (county → city → provincial; domain office → provincial).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from finsentry.accounts.offices import (
    DOMAIN_OFFICES,
    PROVINCIAL_CODE,
    city_office_code,
    county_office_code,
    domain_office_code,
)
from finsentry.accounts.roles import Role

OfficeT = TypeVar("OfficeT")
# Who reads alerts in an office; inspectors get their work as tasks.
READERS = [
    Role.ANALYST.value,
    Role.DOMAIN_OFFICER.value,
    Role.LOCAL_OFFICER.value,
    Role.LEADER.value,
]

# The alert kind of BIG-01 (alerts.models.Kind.BIG01), here without the models.
BIG01_KIND = "big01"


def routed_offices(
    city_code: str,
    county_code: str,
    domains: Iterable[str],
    *,
    provincial: bool,
) -> list[str]:
    """Return the codes of the offices an alert goes to, nearest (in charge) first."""
    codes = []
    if county_code:
        codes.append(county_office_code(county_code))
    if city_code:
        codes.append(city_office_code(city_code))
    for domain in domains:
        code = domain_office_code(domain)
        if domain in DOMAIN_OFFICES and code not in codes:
            codes.append(code)
    if provincial or not codes:
        codes.append(PROVINCIAL_CODE)
    return codes


def trigger_routes(
    city_code: str,
    county_code: str,
    domain: str,
    also_domains: Iterable[str],
    *,
    level: str,
    provincial: bool,
) -> list[str]:
    """Return the office codes one trigger goes to, nearest first; a critical
    trigger always reaches the provincial office."""
    domains = (domain, *also_domains)
    reaches = provincial or level == "critical"
    return routed_offices(city_code, county_code, domains, provincial=reaches)


def choose_offices(
    codes: Iterable[str], known: Mapping[str, OfficeT], kind: str
) -> tuple[list[OfficeT], OfficeT]:
    """Return the offices among `codes` that exist (the provincial office when
    none does) and the one in charge: the nearest, or for BIG-01 the provincial
    office (四(二)4: a big platform is reported to it at once)."""
    routed = [known[c] for c in dict.fromkeys(codes) if c in known]
    if not routed:
        # A firm outside the province's offices, in a domain with no joint
        # office: the provincial office takes it.
        routed = [known[PROVINCIAL_CODE]]
    in_charge = routed[0]
    if kind == BIG01_KIND and PROVINCIAL_CODE in known:
        provincial = known[PROVINCIAL_CODE]
        in_charge = provincial if provincial in routed else in_charge
    return routed, in_charge
