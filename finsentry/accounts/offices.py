"""The campaign's offices as data: the plan's structure over Jilin's real divisions.

Plan 四(一)1 sets up a provincial leading group with its office (at the
provincial financial office), seven domain joint offices under it, and a
leading group in every city (prefecture) and county. `office_specs` lists
them from the shipped division codes, so that a fresh database gets the same
offices everywhere; `services.ensure_offices` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from finsentry.accounts.roles import OfficeKind
from finsentry.registry import divisions
from finsentry.rules.catalogue import catalogue

PROVINCIAL_CODE = "province"
# The domain offices of plan 四(一)1; "cross" findings belong to the
# provincial office itself.
DOMAIN_OFFICES = (
    "p2p",
    "crowdfunding",
    "insurance",
    "asset_mgmt",
    "payment",
    "real_estate",
    "advertising",
)


@dataclass(frozen=True)
class OfficeSpec:
    """One office: a stable code, its Chinese name, kind, domain, region, parent."""

    code: str
    name: str
    kind: OfficeKind
    domain: str = ""
    region_code: str = ""
    parent: str = ""


def domain_office_code(domain: str) -> str:
    """Return the code of the joint office of `domain`."""
    return f"domain-{domain}"


def city_office_code(city_code: str) -> str:
    """Return the code of the leading-group office of a four-digit city code."""
    return f"city-{city_code[:4]}"


def county_office_code(county_code: str) -> str:
    """Return the code of the leading-group office of a six-digit county code."""
    return f"county-{county_code}"


def office_specs() -> list[OfficeSpec]:
    """Return every office of the province, parents before children."""
    labels = catalogue().domains
    specs = [
        OfficeSpec(
            PROVINCIAL_CODE,
            "吉林省互联网金融风险专项整治工作领导小组办公室",
            OfficeKind.PROVINCIAL,
        )
    ]
    specs += [
        OfficeSpec(
            domain_office_code(domain),
            f"{labels[domain]}专项整治联合办公室",
            OfficeKind.DOMAIN,
            domain=domain,
            parent=PROVINCIAL_CODE,
        )
        for domain in DOMAIN_OFFICES
    ]
    for city in divisions.jilin_cities():
        city_code = city.code[:4]
        specs.append(
            OfficeSpec(
                city_office_code(city_code),
                f"{city.name}互联网金融风险专项整治工作领导小组办公室",
                OfficeKind.CITY,
                region_code=city_code,
                parent=PROVINCIAL_CODE,
            )
        )
        specs += [
            OfficeSpec(
                county_office_code(county.code),
                f"{_county_place(city.name, county.name)}"
                "互联网金融风险专项整治工作领导小组办公室",
                OfficeKind.COUNTY,
                region_code=county.code,
                parent=city_office_code(city_code),
            )
            for county in divisions.counties_of(city_code)
        ]
    return specs


def _county_place(city_name: str, county_name: str) -> str:
    """Return "长春市南关区", but not "长春市长春经济技术开发区" for a zone named
    after its city."""
    short = city_name.removesuffix("市")
    return county_name if county_name.startswith(short) else city_name + county_name


def offices_over(city_code: str, county_code: str, domain: str) -> list[str]:
    """Return the codes of the offices in charge of a firm, nearest first.

    A firm in a county is handled by its county group, then its city group,
    then the domain office, then the provincial office: alerts are routed
    along this list and escalate one step up it.
    """
    chain = []
    if county_code:
        chain.append(county_office_code(county_code))
    if city_code:
        chain.append(city_office_code(city_code))
    if domain in DOMAIN_OFFICES:
        chain.append(domain_office_code(domain))
    chain.append(PROVINCIAL_CODE)
    return chain
