"""Registration facts of demo firms: code bodies, dates, capital, status, names.

Each helper draws from the caller's seeded stream, so the registry stays
deterministic per seed. `NameRegister` keeps names unique in constant memory.
"""

from __future__ import annotations

import random
from functools import cache
from itertools import product
from zlib import crc32

from finsentry.demo.draws import Weighted, between, pick
from finsentry.registry.uscc import CHARSET

# Internet-finance firms cluster in the 2013-2016 boom (plan 一).
_SUSPECT_YEARS = Weighted(
    dict(zip(range(2010, 2020), (1, 2, 4, 7, 10, 10, 8, 4, 2, 1), strict=True))
)
_BLOOM_BITS = 1 << 28  # 32 MiB; false positives stay below 1e-4 at 3 million
_MASK = _BLOOM_BITS - 1

# Registries compare names ignoring spacing and bracket width.
_NAME_KEY = str.maketrans({" ": None, "\u3000": None, "(": "（", ")": "）"})


class NameRegister:
    """Bloom filter over normalised names: never forgets, rarely over-reports."""

    def __init__(self) -> None:
        self.bits = bytearray(_BLOOM_BITS // 8)

    def add_if_new(self, full: str) -> bool:
        """Return True and record ``full`` unless an equal name was seen before."""
        key = full.translate(_NAME_KEY).upper().encode()
        # Two CRC-32s (of the key and of it reversed, so not linearly tied)
        # make 64 bits at C speed; a false positive only costs a redraw.
        value = crc32(key) << 32 | crc32(key[::-1])
        first, second, third = value & _MASK, value >> 18 & _MASK, value >> 36 & _MASK
        bits = self.bits
        if (
            bits[first >> 3] >> (first & 7) & 1
            and bits[second >> 3] >> (second & 7) & 1
            and bits[third >> 3] >> (third & 7) & 1
        ):
            return False
        bits[first >> 3] |= 1 << (first & 7)
        bits[second >> 3] |= 1 << (second & 7)
        bits[third >> 3] |= 1 << (third & 7)
        return True


@cache
def _triples() -> list[str]:
    """Return every three-character string over the GB 32100 character set."""
    return ["".join(t) for t in product(CHARSET, repeat=3)]


def org_body(index: int, year: int, seed: int) -> str:
    """Return a unique eight-character GB 11714 body for row ``index``."""
    # Codes allotted since the 2015 reform start with "MA" plus six
    # characters; older firms kept their numeric organisation code. Both
    # are affine bijections of the row number, so bodies never repeat.
    if year >= 2016:
        value = (index * 1_000_003 + seed * 7919 + 12345) % 31**6
        high, low = divmod(value, 31**3)
        triples = _triples()
        return "MA" + triples[high] + triples[low]
    value = (index * 48_271 + seed * 7919 + 10_000_000) % 100_000_000
    return f"{value:08d}"


def establishment_year(rng: random.Random, truth: str) -> int:
    """Return a year of establishment fitting the truth class."""
    if truth.startswith("suspect"):
        return _SUSPECT_YEARS.draw(rng)
    age = int(rng.expovariate(1 / 7.0))
    # Registrations grew year on year; the few older than 1992 spread back.
    return 2026 - age if age <= 34 else between(rng, 1992, 2000)


def registration_date(rng: random.Random, year: int) -> str:
    """Return a date in ``year``, in the usual format and rarely in another."""
    last_day = 333 if year == 2026 else 365
    ordinal = between(rng, 1, last_day)
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


def registered_capital(rng: random.Random, amounts: tuple[int, ...]) -> str:
    """Return a registered capital in one of the spellings registries use."""
    amount = pick(rng, amounts)
    roll = rng.random()
    if roll < 0.70:
        return f"{amount}万元人民币"
    if roll < 0.90:
        return f"{amount}万人民币"
    if roll < 0.95:
        return f"{amount}.000000万人民币"
    return f"{max(1, amount // 7)}万美元"


COMPANY_AMOUNTS = (3, 5, 10, 10, 20, 30, 50, 50, 100, 100, 200, 300, 500, 1000, 2000)
SUSPECT_AMOUNTS = (1000, 2000, 3000, 5000, 5000, 10000, 10000, 20000, 50000)
LENDER_AMOUNTS = (3000, 5000, 10000, 10000, 20000, 30000)


def registration_status(
    rng: random.Random, year: int, *, collapsed: float = 0.0
) -> str:
    """Return a registration status; older firms and suspects are more often gone."""
    gone = 0.06 + max(0, 2016 - year) * 0.006 + collapsed
    roll = rng.random()
    if roll < gone * 0.65:
        return "注销"
    if roll < gone:
        return "吊销，未注销"
    return "在业" if roll > 0.97 else "存续"
