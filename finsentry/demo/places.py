"""Where demo firms sit: division codes, addresses, phones and websites.

Divisions come from ``demo/data/regions.yaml`` (a copy of the 2023 statistical
division codes for Jilin, GB/T 2260 plus development zones). Firms registered
before a division changed keep the old code, as real codes never change.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from finsentry.demo.draws import Weighted, between, digits, pick
from finsentry.demo.names import load_vocabulary, vocabulary

_ROAD_SUFFIXES = ("路", "街", "大街", "大路")
_TLDS = ("com", "com", "cn", "com.cn", "net", "cc")


@dataclass(frozen=True, slots=True)
class Place:
    """A registering office and the city a firm's address lies in.

    ``code`` is what goes into the credit code and the region column: a Jilin
    county-level code, an outside office's code (``kind`` "outside", for
    branches of firms registered elsewhere) or a code naming no division
    (``kind`` "unknown"). The city and county fields are always in Jilin.
    """

    code: str
    kind: str
    city: str
    city_short: str
    county: str
    county_short: str
    area_code: str
    outside_short: str = ""


class PlacePicker:
    """Draws places weighted by the economic weight of cities and counties."""

    def __init__(self) -> None:
        regions = load_vocabulary("regions")
        self.historic = {h["code"]: h for h in regions["historic"]}
        self.places: list[Place] = []
        weights: list[float] = []
        for city in regions["cities"]:
            total = sum(c[2] for c in city["counties"])
            for code, county, weight, short in city["counties"]:
                place = Place(
                    code=code,
                    kind="jilin",
                    city=city["name"],
                    city_short=city["short"],
                    county=county,
                    county_short=short or "",
                    area_code=city["area_code"],
                )
                self.places.append(place)
                weights.append(city["weight"] * weight / total)
        self.table = Weighted(list(zip(self.places, weights, strict=True)))
        self.outside = regions["outside"]
        self.unknown = regions["unknown_codes"]

    def pick(self, rng: random.Random, year: int, *, outside: float = 0.0) -> Place:
        """Return a place for a firm established in ``year``.

        ``outside`` is the chance that the firm is a branch of one registered
        outside Jilin; one in five hundred places carries a code naming no
        division.
        """
        place = self.table.draw(rng)
        old = self.historic.get(place.code)
        if old is not None and year < old["before"]:
            # The code, city and dialling code the firm was registered under
            # then (公主岭 belonged to 四平 until 2020).
            name = old["old_name"]
            place = Place(
                old["old"],
                "jilin",
                old["city"],
                old["short"],
                name,
                name[:-1],
                old["area_code"],
            )

        roll = rng.random()
        if roll < 0.002:
            return Place(pick(rng, self.unknown), "unknown", *_jilin_fields(place))
        if roll < 0.002 + outside:
            code, short, _ = pick(rng, self.outside)
            return Place(code, "outside", *_jilin_fields(place), outside_short=short)
        return place


def _jilin_fields(place: Place) -> tuple[str, str, str, str, str]:
    """Return the Jilin city and county fields of ``place``."""
    return (
        place.city,
        place.city_short,
        place.county,
        place.county_short,
        place.area_code,
    )


def address(rng: random.Random, place: Place) -> str:
    """Return a street address in the place's city and county."""
    road = pick(rng, load_vocabulary("regions")["roads"]) + pick(rng, _ROAD_SUFFIXES)
    text = f"吉林省{place.city}{place.county}{road}{between(rng, 1, 3999)}号"
    roll = rng.random()
    if roll < 0.3:
        brand = pick(rng, vocabulary()["common_brands"])
        room = between(rng, 2, 28) * 100 + between(rng, 1, 20)
        text += f"{brand}大厦{pick(rng, 'ABCD')}座{room}室"
    elif roll < 0.45:
        unit = f"{between(rng, 1, 30)}栋{between(rng, 1, 6)}单元"
        text += f"{unit}{between(rng, 1, 18) * 100 + between(rng, 1, 8)}室"
    return text


def phone(rng: random.Random, place: Place) -> str:
    """Return a landline under the city's area code, a mobile, or nothing."""
    roll = rng.random()
    if roll < 0.50:
        return f"{place.area_code}-8{digits(rng, 7)}"
    if roll < 0.58:
        return f"{place.area_code}8{digits(rng, 7)}"
    if roll < 0.95:
        prefix = pick(rng, ("13", "15", "18", "17", "139", "158"))
        return prefix + digits(rng, 11 - len(prefix))
    return ""


def website(rng: random.Random, brand: str, *, finance: bool) -> str:
    """Return a website address spelt from the brand's pinyin."""
    pinyin = vocabulary()["pinyin"]
    slug = "".join(pinyin.get(ch, "") for ch in brand) or "".join(
        pick(rng, "abcdefghjklmnpqrstwxyz") for _ in range(5)
    )
    if rng.random() < 0.4:
        slug = "jl" + slug
    if finance:
        slug += pick(rng, ("jr", "jinrong", "daikuan", "licai", "p2p", "touzi", ""))
    prefix = pick(rng, ("www.", "www.", "http://www.", "https://www.", ""))
    return f"{prefix}{slug}.{pick(rng, _TLDS)}"
