"""Which offices an alert goes to, and the office one level up.

Plan 四(一)1: the domain joint office of the alert's domain and the firm's
city and county leading-group offices work the alert; a BIG-01 or critical
alert goes to the provincial office too (四(二)4: report at once). The office
in charge is the nearest of them; escalation moves it one step up the
offices' parents (county → city → provincial; domain office → provincial).
"""

from __future__ import annotations

from collections.abc import Iterable

from finsentry.accounts.offices import (
    DOMAIN_OFFICES,
    PROVINCIAL_CODE,
    city_office_code,
    county_office_code,
    domain_office_code,
)


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
