"""Seeded generator of the demo province's business registry, with planted truth.

`generate_firms` streams registry rows of simulated Jilin market entities and
non-market bodies, each carrying the truth the screening should find: planted
internet-finance suspects of every domain in violations.yaml, licensed
institutions, locally licensed firms, firms whose scopes name finance only to
exclude it, and non-market bodies outside the screening. The same seed gives
the same rows, and the first n rows do not depend on how many are asked for.

Memory stays constant: names are kept unique through a fixed-size Bloom
filter (a false positive only costs a redraw) and organisation-code bodies
come from a bijection of the row number, so nothing grows with the count.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate

from finsentry.demo import names, scopes
from finsentry.demo.names import FirmName, load_vocabulary
from finsentry.demo.places import Place, PlacePicker, address, phone, website
from finsentry.registry.uscc import CHARSET, make_code

logger = logging.getLogger(__name__)

REGISTRY_COLUMNS = (
    "uscc",
    "name",
    "scope",
    "region",
    "established",
    "registered_capital",
    "legal_rep",
    "address",
    "phone",
    "website",
    "status",
)

# Truth classes and their shares of all rows; the rest are "ordinary".
TRUTH_SHARES = {
    "suspect": 0.04,
    "licensed": 0.008,
    "local_licensed": 0.007,
    "non_market": 0.03,
    "finance_word_excluded": 0.06,
}
SUSPECT_WEIGHTS = {
    "p2p": 25,
    "asset_mgmt": 25,
    "cross": 15,
    "payment": 10,
    "real_estate": 10,
    "crowdfunding": 8,
    "insurance": 7,
}
LICENSED_WEIGHTS = {
    "bank": 45,
    "rural_bank": 12,
    "rural_credit": 10,
    "insurance": 20,
    "securities": 8,
    "futures": 3,
    "fund": 2,
}
LOCAL_LICENSED_WEIGHTS = {
    "microcredit": 40,
    "guarantee": 25,
    "pawn": 20,
    "leasing": 10,
    "factoring": 5,
}
NON_MARKET_WEIGHTS = {
    "foundation": 20,
    "society": 25,
    "private_school": 35,
    "institution": 20,
}
# Industries a suspect with an innocent name hides behind.
COVER_INDUSTRIES = ("网络科技", "信息技术", "企业管理咨询", "电子科技", "商贸")

_MAX_DRAWS = 40
_BLOOM_BITS = 1 << 28  # 32 MiB; false positives stay below 1e-4 at 3 million


@dataclass(frozen=True, slots=True)
class DemoFirm:
    """One registry row plus the truth planted in it.

    ``truth`` is "ordinary", "finance_word_excluded", "suspect:<domain>"
    (domain from violations.yaml), "licensed:<kind>", "local_licensed:<kind>"
    or "non_market"; ``region`` is the six-digit division code in the code.
    """

    uscc: str
    name: str
    scope: str
    region: str
    established: str
    registered_capital: str
    legal_rep: str
    address: str
    phone: str
    website: str
    status: str
    truth: str
    name_parts: FirmName

    def row(self) -> tuple[str, ...]:
        """Return the registry columns in `REGISTRY_COLUMNS` order."""
        return (
            self.uscc,
            self.name,
            self.scope,
            self.region,
            self.established,
            self.registered_capital,
            self.legal_rep,
            self.address,
            self.phone,
            self.website,
            self.status,
        )


class _NameRegister:
    """Bloom filter over normalised names: never forgets, rarely over-reports."""

    def __init__(self) -> None:
        self.bits = bytearray(_BLOOM_BITS // 8)

    def add_if_new(self, full: str) -> bool:
        """Return True and record ``full`` unless an equal name was seen before."""
        # Registries compare names ignoring spacing, bracket width and case.
        key = "".join(full.split()).replace("(", "（").replace(")", "）").upper()
        digest = hashlib.blake2b(key.encode(), digest_size=12).digest()
        value = int.from_bytes(digest, "little")
        positions = [(value >> shift) % _BLOOM_BITS for shift in (0, 32, 64)]
        if all(self.bits[p >> 3] & (1 << (p & 7)) for p in positions):
            return False
        for p in positions:
            self.bits[p >> 3] |= 1 << (p & 7)
        return True


class _Weighted:
    """Draws keys of a weight table in O(log n) with cumulative weights."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.keys = list(weights)
        self.cum = list(accumulate(weights.values()))

    def draw(self, rng: random.Random) -> str:
        """Return one key drawn with its weight."""
        return rng.choices(self.keys, cum_weights=self.cum)[0]


def _org_body(index: int, year: int, seed: int) -> str:
    """Return a unique eight-character GB 11714 body for row ``index``."""
    # Codes allotted since the 2015 reform start with "MA" plus six
    # characters; older firms kept their numeric organisation code. Both
    # are affine bijections of the row number, so bodies never repeat.
    if year >= 2016:
        value = (index * 1_000_003 + seed * 7919 + 12345) % 31**6
        chars = []
        for _ in range(6):
            value, digit = divmod(value, 31)
            chars.append(CHARSET[digit])
        return "MA" + "".join(reversed(chars))
    value = (index * 48_271 + seed * 7919 + 10_000_000) % 100_000_000
    return f"{value:08d}"


def _year(rng: random.Random, truth: str) -> int:
    """Return a year of establishment fitting the truth class."""
    if truth.startswith("suspect"):
        # Internet-finance firms cluster in the 2013-2016 boom (plan 一).
        return rng.choices(range(2010, 2020), (1, 2, 4, 7, 10, 10, 8, 4, 2, 1))[0]
    return 2026 - min(int(rng.expovariate(1 / 7.0)), 34)


def _date(rng: random.Random, year: int) -> str:
    """Return a date in ``year``, in the usual format and rarely in another."""
    last_day = 333 if year == 2026 else 365
    ordinal = rng.randint(1, last_day)
    month = min(12, (ordinal - 1) // 31 + 1)
    day = min(28, (ordinal - 1) % 31 + 1)
    roll = rng.random()
    if roll < 0.985:
        return f"{year}-{month:02d}-{day:02d}"
    if roll < 0.99:
        return f"{year}/{month}/{day}"
    if roll < 0.995:
        return f"{year}年{month}月{day}日"
    return f"{year}{month:02d}{day:02d}"


def _capital(rng: random.Random, amounts: tuple[int, ...]) -> str:
    """Return a registered capital in one of the spellings registries use."""
    amount = rng.choice(amounts)
    roll = rng.random()
    if roll < 0.70:
        return f"{amount}万元人民币"
    if roll < 0.90:
        return f"{amount}万人民币"
    if roll < 0.95:
        return f"{amount}.000000万人民币"
    return f"{max(1, amount // 7)}万美元"


_COMPANY_AMOUNTS = (3, 5, 10, 10, 20, 30, 50, 50, 100, 100, 200, 300, 500, 1000, 2000)
_SUSPECT_AMOUNTS = (1000, 2000, 3000, 5000, 5000, 10000, 10000, 20000, 50000)
_LENDER_AMOUNTS = (3000, 5000, 10000, 10000, 20000, 30000)
_FOOD_TRADES = frozenset(("烧烤", "熟食", "饺子", "冷面", "快餐", "麻辣烫", "宾"))


def _status(rng: random.Random, year: int, *, collapsed: float = 0.0) -> str:
    """Return a registration status; older firms and suspects are more often gone."""
    gone = 0.06 + max(0, 2016 - year) * 0.006 + collapsed
    roll = rng.random()
    if roll < gone * 0.65:
        return "注销"
    if roll < gone:
        return "吊销，未注销"
    return "在业" if roll > 0.97 else "存续"


class _Builder:
    """Builds one firm at a time from a single seeded random stream."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.register = _NameRegister()
        self.places = PlacePicker()
        ordinary = 1.0 - sum(TRUTH_SHARES.values())
        self.truth = _Weighted({**TRUTH_SHARES, "ordinary": ordinary})
        self.suspect = _Weighted(SUSPECT_WEIGHTS)
        self.licensed = _Weighted(LICENSED_WEIGHTS)
        self.local = _Weighted(LOCAL_LICENSED_WEIGHTS)
        self.non_market = _Weighted(NON_MARKET_WEIGHTS)
        vocab = names.vocabulary()
        self.industries = vocab["ordinary_industries"]
        self.forms = _Weighted(vocab["company_forms"])

    def unique(self, *makers: Callable[[], FirmName]) -> FirmName:
        """Return the first new name from ``makers``, moving on when one is spent."""
        for maker in makers[:-1]:
            for _ in range(10):
                name = maker()
                if self.register.add_if_new(name.full):
                    return name
        for _ in range(_MAX_DRAWS * 100):
            name = makers[-1]()
            if self.register.add_if_new(name.full):
                return name
        raise RuntimeError("no unique firm name after many draws")

    def name_region(self, place: Place) -> str:
        """Return the region text a company name starts with, or ""."""
        roll = self.rng.random()
        if place.kind == "outside":
            return place.outside_short
        if roll < 0.21:
            return "吉林"
        if roll < 0.35:
            return "吉林省"
        if roll < 0.60:
            return place.city_short
        if roll < 0.75:
            return place.city
        if roll < 0.90:
            return place.county if place.county_short else place.city_short
        return ""

    def company_name(self, place: Place, industry: str, form: str) -> FirmName:
        """Return a new company name, free of finance words unless ``industry`` has one."""
        rng = self.rng
        if place.kind == "outside":
            form += f"{place.city_short}分公司"
        clean = not names.contains_finance_word(industry)

        def make() -> FirmName:
            while True:
                region = self.name_region(place)
                name = names.generate_name(
                    rng, region=region, industry=industry, form=form
                )
                # A brand ending in 金 before 服装 reads 金服: draw again.
                if not clean or not names.contains_finance_word(name.full):
                    return name

        return self.unique(make)

    def firm(self, index: int) -> DemoFirm:
        """Return row ``index`` of the registry."""
        rng = self.rng
        truth = self.truth.draw(rng)
        if truth == "suspect":
            truth = "suspect:" + self.suspect.draw(rng)
        elif truth == "licensed":
            truth = "licensed:" + self.licensed.draw(rng)
        elif truth == "local_licensed":
            truth = "local_licensed:" + self.local.draw(rng)
        year = _year(rng, truth)
        place = self.places.pick(rng, year)

        kind, _, sub = truth.partition(":")
        build = getattr(self, "build_" + kind)
        authority, name, scope, capital, site, status = build(place, year, sub)
        if name.full != name.full.strip():
            raise AssertionError(name)

        return DemoFirm(
            uscc=make_code(authority, place.code, _org_body(index, year, self.seed)),
            name=name.full,
            scope=scope,
            region=place.code,
            established=_date(rng, year),
            registered_capital=capital,
            legal_rep=names.person_name(rng),
            address=address(rng, place),
            phone=phone(rng, place),
            website=site,
            status=status,
            truth=truth.replace("suspect:", "suspect:", 1),
            name_parts=name,
        )
