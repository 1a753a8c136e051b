"""Demo registry rows and the builder that plants the truth in them.

`FirmBuilder` draws one row at a time from a single seeded stream: first the
truth class, then the year and place, then a name, scope and facts fitting
that class (ordinary firms, firms excluding finance in their scope, suspects
of every violations.yaml domain, licensed and locally licensed institutions,
and non-market bodies that lie outside the screening).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from finsentry.demo import names, scopes
from finsentry.demo.draws import Weighted, between, pick
from finsentry.demo.names import FirmName, load_vocabulary
from finsentry.demo.places import Place, PlacePicker, address, phone, website
from finsentry.demo.records import (
    COMPANY_AMOUNTS,
    LENDER_AMOUNTS,
    SUSPECT_AMOUNTS,
    NameRegister,
    establishment_year,
    org_body,
    registered_capital,
    registration_date,
    registration_status,
)
from finsentry.registry.columns import CANONICAL
from finsentry.registry.uscc import make_code

# The registry columns in the order the import reads them.
# The generated extract is a modern one: its scope is one column.
REGISTRY_COLUMNS = tuple(c for c in CANONICAL if c != "scope_more")

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

_FOOD_TRADES = frozenset(("烧烤", "熟食", "饺子", "冷面", "快餐", "麻辣烫", "宾"))
_MAX_DRAWS = 40
_SCOPE_POOL_SIZE = 200
# Branch share among companies, so that ~0.5% of all rows are registered outside.
_OUTSIDE = 0.0085
_BRANCHING = ("ordinary", "finance_word_excluded", "suspect", "local_licensed")


@dataclass(frozen=True, slots=True)
class DemoFirm:
    """One registry row plus the truth planted in it.

    The first eleven fields are the registry columns (`REGISTRY_COLUMNS`);
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


@lru_cache(maxsize=512)
def _scope_pool(seed: int, industry: str, excluded: bool) -> tuple[str, ...]:
    """Return the scopes firms of ``industry`` draw from under ``seed``."""
    # Real offices reuse a few scope templates per trade, and drawing from a
    # pool is what lets millions of rows come out in minutes.
    make = scopes.excluded_scope if excluded else scopes.ordinary_scope
    pool_rng = random.Random(f"{seed}:{industry}:{excluded}")
    return tuple(make(pool_rng, industry) for _ in range(_SCOPE_POOL_SIZE))


# authority+type code, name, scope, capital, website, status
_Parts = tuple[str, FirmName, str, str, str, str]


class FirmBuilder:
    """Builds one firm at a time from a single seeded random stream."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.register = NameRegister()
        self.places = PlacePicker()
        ordinary = 1.0 - sum(TRUTH_SHARES.values())
        self.truth = Weighted({**TRUTH_SHARES, "ordinary": ordinary})
        self.suspect = Weighted(SUSPECT_WEIGHTS)
        self.licensed = Weighted(LICENSED_WEIGHTS)
        self.local = Weighted(LOCAL_LICENSED_WEIGHTS)
        self.non_market = Weighted(NON_MARKET_WEIGHTS)
        vocab = names.vocabulary()
        self.industries = vocab["ordinary_industries"]
        self.forms = Weighted(vocab["company_forms"])
        self.builders: dict[str, Callable[[Place, int, str], _Parts]] = {
            "ordinary": self.build_ordinary,
            "finance_word_excluded": self.build_excluded,
            "suspect": self.build_suspect,
            "licensed": self.build_licensed,
            "local_licensed": self.build_local_licensed,
            "non_market": self.build_non_market,
        }

    def pooled_scope(self, industry: str, *, excluded: bool = False) -> str:
        """Return a pooled ordinary (or finance-excluding) scope for ``industry``."""
        return pick(self.rng, _scope_pool(self.seed, industry, excluded))

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
        """Return a new company name, finance-free unless ``industry`` is finance."""
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
        if truth == "ordinary":
            roll = rng.random()
            sub = "individual" if roll < 0.40 else "cooperative" if roll < 0.45 else ""
        else:
            sub = ""
        year = establishment_year(rng, truth)
        # Only companies run branches here while registered elsewhere.
        company = not sub and truth.startswith(_BRANCHING)
        place = self.places.pick(rng, year, outside=_OUTSIDE if company else 0.0)

        if truth == "licensed:rural_credit" and not place.county_short:
            # Credit unions (联社) exist per county, not per city district.
            truth = "licensed:bank"
        kind, _, detail = truth.partition(":")
        build = self.builders[kind]
        authority, name, scope, capital, site, status = build(
            place, year, detail or sub
        )

        code = make_code(authority, place.code, org_body(index, year, self.seed))
        # Positional, in field order: keywords slow this hot call.
        return DemoFirm(
            code,
            name.full,
            scope,
            place.code,
            registration_date(rng, year),
            capital,
            names.person_name(rng),
            address(rng, place),
            phone(rng, place),
            site,
            status,
            truth,
            name,
        )

    def company_site(self, name: FirmName, share: float, finance: bool) -> str:
        """Return a website for a ``share`` of companies, else ""."""
        if self.rng.random() >= share:
            return ""
        return website(self.rng, name.brand, finance=finance)

    def build_ordinary(self, place: Place, year: int, sub: str) -> _Parts:
        """Return an ordinary company, or an "individual" business or "cooperative"."""
        rng = self.rng
        # Districts are written after their city (长春市南关区), counties alone.
        county = place.county
        if not place.county_short and not county.startswith(place.city_short):
            county = place.city + county
        if sub == "individual":
            name = self.unique(lambda: names.individual_name(rng, region=county))
            food = name.industry in _FOOD_TRADES
            scope = self.pooled_scope("餐饮管理" if food else "商贸")
            capital = "" if rng.random() < 0.6 else f"{between(rng, 1, 50)}万元"
            return "92", name, scope, capital, "", registration_status(rng, year)
        if sub == "cooperative":
            name = self.unique(lambda: names.cooperative_name(rng, region=county))
            scope = self.pooled_scope(pick(rng, ("农业开发", "农牧业")))
            capital = f"{pick(rng, (10, 50, 100, 200, 500))}万元"
            return "93", name, scope, capital, "", registration_status(rng, year)

        industry = pick(rng, self.industries)
        name = self.company_name(place, industry, self.forms.draw(rng))
        scope = self.pooled_scope(industry)
        capital = registered_capital(rng, COMPANY_AMOUNTS)
        site = self.company_site(name, 0.2, False)
        return "91", name, scope, capital, site, registration_status(rng, year)

    def build_excluded(self, place: Place, year: int, _: str) -> _Parts:
        """Return a company whose scope names finance only to exclude it."""
        rng = self.rng
        industry = pick(rng, self.industries)
        name = self.company_name(place, industry, self.forms.draw(rng))
        scope = self.pooled_scope(industry, excluded=True)
        capital = registered_capital(rng, COMPANY_AMOUNTS)
        site = self.company_site(name, 0.2, False)
        return "91", name, scope, capital, site, registration_status(rng, year)

    def build_suspect(self, place: Place, year: int, domain: str) -> _Parts:
        """Return a planted internet-finance firm of ``domain``."""
        rng = self.rng
        spec = scopes.scope_vocabulary()["suspect"][domain]
        cover = pick(rng, COVER_INDUSTRIES)
        roll = rng.random()
        in_name, in_scope = roll < 0.75, roll >= 0.20
        form = self.forms.draw(rng)

        if in_name and domain == "p2p" and rng.random() < 0.25:
            # P2P brands often carry 贷 or 金服 with an innocent industry.
            tail = pick(rng, ("贷", "金服", "财富", "e贷"))
            make = self.p2p_brand_name(place, cover, form, tail)
            name = self.unique(make)
        elif in_name:
            name = self.company_name(place, pick(rng, spec["industries"]), form)
        else:
            name = self.company_name(place, cover, form)

        if in_scope:
            hidden = rng.random() < 0.1
            scope = scopes.suspect_scope(rng, domain, cover, with_exclusion=hidden)
        else:
            scope = scopes.ordinary_scope(rng, "企业管理咨询")
        if rng.random() < 0.15:
            scope = scopes.spelling_variant(rng, scope)
            if in_name and rng.random() < 0.5:
                # Same registered name once spaces are dropped: still unique.
                name = names.spacing_variant(rng, name)
        capital = registered_capital(rng, SUSPECT_AMOUNTS)
        site = self.company_site(name, 0.85, True)
        status = registration_status(rng, year, collapsed=0.25)
        return "91", name, scope, capital, site, status

    def p2p_brand_name(
        self, place: Place, industry: str, form: str, tail: str
    ) -> Callable[[], FirmName]:
        """Return a maker of names whose brand ends in a P2P word such as 贷."""
        rng = self.rng

        def make() -> FirmName:
            brand = names.generate_brand(rng)[:2] + tail
            region = self.name_region(place)
            style = "bracket" if region and rng.random() < 0.2 else "prefix"
            return names.compose_name(region, style, brand, industry, form)

        return make

    def build_licensed(self, place: Place, year: int, kind: str) -> _Parts:
        """Return a branch of a licensed bank, insurer, broker or fund."""
        rng = self.rng
        road = pick(rng, load_vocabulary("regions")["roads"]) + pick(rng, "路街")
        district = place.county[:-1] if place.county.endswith("区") else ""
        spot = (
            district if district and len(district) <= 3 and rng.random() < 0.5 else road
        )

        def make() -> FirmName:
            return names.licensed_name(
                rng, kind, city=place.city_short, county=place.county, place=spot
            )

        name = self.unique(make, lambda: self.licensed_spare(place, kind))
        scope = scopes.licensed_scope(kind)
        return "91", name, scope, "", "", registration_status(rng, max(year, 2016))

    def licensed_spare(self, place: Place, kind: str) -> FirmName:
        """Return a licensed branch name at a fresh road, for crowded cities."""
        rng = self.rng
        road = names.generate_brand(rng) + pick(rng, ("路", "街", "大街"))
        return names.licensed_name(
            rng,
            kind,
            city=place.city_short,
            county=place.county,
            place=road,
            at_place=True,
        )

    def build_local_licensed(self, place: Place, year: int, kind: str) -> _Parts:
        """Return a microcredit, guarantee, pawn, leasing or factoring firm."""
        rng = self.rng
        spec = scopes.institution_vocabulary()["local_licensed"][kind]
        industry = pick(rng, spec["industries"])
        name = self.company_name(place, industry, pick(rng, spec["forms"]))
        scope = scopes.local_licensed_scope(kind)
        capital = registered_capital(rng, LENDER_AMOUNTS)
        site = self.company_site(name, 0.4, True)
        return (
            "91",
            name,
            scope,
            capital,
            site,
            registration_status(rng, max(year, 2016)),
        )

    def build_non_market(self, place: Place, year: int, _: str) -> _Parts:
        """Return a foundation, society, private school or public institution."""
        rng = self.rng
        kind = self.non_market.draw(rng)
        spec = scopes.institution_vocabulary()["non_market"][kind]

        def make(kind: str = kind) -> FirmName:
            return names.non_market_name(
                rng, kind, city=place.city, county=place.county
            )

        # Societies and institutions have few possible names; a school
        # (brand-named, so plentiful) takes the place of a spent one.
        name = self.unique(make, lambda: make("private_school"))
        if name.form.endswith("学校") and kind != "private_school":
            spec = scopes.institution_vocabulary()["non_market"]["private_school"]
        capital = "" if rng.random() < 0.5 else f"{pick(rng, (3, 10, 50, 200))}万元"
        return spec["code"], name, spec["scope"], capital, "", "存续"
