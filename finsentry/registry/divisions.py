"""Administrative division codes (GB/T 2260) for placing firms by region.

The shipped table `data/divisions.csv` holds every province, prefecture and
county of the 2023 statistical division list, plus the Jilin county codes
retired since 2000 (e.g. 220381 公主岭市, moved to 长春 as 220184 in 2020).
Registry rows keep the code valid when the firm registered, so a historic code
must still resolve, and `city_and_county` files it where the place lies now.
See `data/DIVISIONS_PROVENANCE.md` for sources.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

JILIN = "22"
# Municipalities: their "city" level is the placeholder 市辖区, not a name.
_MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
_PLACEHOLDER_CITY_NAMES = frozenset({"市辖区", "县"})


@dataclass(frozen=True)
class Division:
    """One division: a province, a prefecture-level city or a county.

    Codes are six digits (220000, 220100, 220102); `city_code` is the four
    digits a firm is filed under. A historic division has `valid_to` set and,
    where it was renamed or moved, a `successor` code that is current.
    """

    code: str
    name: str
    level: str
    city_code: str | None
    city_name: str | None
    province_code: str
    province_name: str
    historic: bool
    note: str
    valid_from: int | None = None
    valid_to: int | None = None
    successor: str | None = None


@functools.cache
def _rows() -> dict[str, dict[str, str]]:
    """Return the raw csv rows keyed by six-digit code, read once."""
    path = resources.files("finsentry.registry").joinpath("data/divisions.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    return {row["code"]: row for row in csv.DictReader(lines)}


def _year(value: str) -> int | None:
    """Return the year in a csv cell, or None for an empty one."""
    return int(value) if value else None


@functools.cache
def _divisions() -> dict[str, Division]:
    """Return every Division keyed by six-digit code, built once."""
    rows = _rows()
    result: dict[str, Division] = {}
    for code, row in rows.items():
        province = rows[code[:2] + "0000"]
        city = rows.get(code[:4] + "00") if row["level"] != "province" else None
        result[code] = Division(
            code=code,
            name=row["name"],
            level=row["level"],
            city_code=code[:4] if city else None,
            city_name=city["name"] if city else None,
            province_code=province["code"],
            province_name=province["name"],
            historic=bool(row["valid_to"]),
            note=row["note"],
            valid_from=_year(row["valid_from"]),
            valid_to=_year(row["valid_to"]),
            successor=row["successor"] or None,
        )
    return result


def lookup(code6: str) -> Division | None:
    """Return the division for a six-digit code (county, city padded with 00,
    or province padded with 0000), or None when the code is unknown."""
    divisions = _divisions()
    found = divisions.get(code6)
    if found is not None or len(code6) != 6:
        return found

    # GB/T 2260 gave each prefecture city an xx01 市辖区 code for offices of
    # the city itself; registries still use it (e.g. 91220101...).
    city = divisions.get(code6[:4] + "00")
    if code6.endswith("01") and city is not None and city.level == "city":
        return Division(
            code=code6,
            name="市辖区",
            level="city",
            city_code=city.city_code,
            city_name=city.name,
            province_code=city.province_code,
            province_name=city.province_name,
            historic=False,
            note="市辖区（市本级登记机关）",
        )
    return None


def jilin_cities() -> list[Division]:
    """Return Jilin's nine prefecture-level units in code order."""
    return [
        division
        for code, division in sorted(_divisions().items())
        if code.startswith(JILIN) and division.level == "city"
    ]


def counties_of(city_code: str) -> list[Division]:
    """Return the current counties of a city, given its four- or six-digit
    code, in code order."""
    prefix = city_code[:4]
    return [
        division
        for code, division in sorted(_divisions().items())
        if code.startswith(prefix)
        and division.level == "county"
        and not division.historic
    ]


def full_name(code6: str) -> str:
    """Return the full place name such as "吉林省长春市南关区", or "" when the
    code is unknown."""
    division = lookup(code6)
    if division is None:
        return ""
    parts = [division.province_name]
    city_name = division.city_name
    skip_city = (
        division.province_code[:2] in _MUNICIPALITIES
        or city_name in _PLACEHOLDER_CITY_NAMES
    )
    if division.level != "province" and city_name and not skip_city:
        parts.append(city_name)
    if division.level == "county":
        parts.append(division.name)
    return "".join(parts)


def city_and_county(code6: str) -> tuple[str | None, str | None]:
    """Return the four-digit city and six-digit county a firm registered under
    `code6` is filed under today, following historic codes to their successor;
    parts that cannot be told are None."""
    division = lookup(code6)
    seen = set()
    while division is not None and division.successor and code6 not in seen:
        seen.add(code6)
        code6 = division.successor
        division = lookup(code6)
    if division is None:
        known_city = lookup(code6[:4] + "00") if len(code6) == 6 else None
        return (known_city.city_code, None) if known_city else (None, None)
    if division.level == "county":
        return division.city_code, division.code
    return division.city_code, None
