"""Watch-list queries for the staff pages: filters, keyset pages, dashboard counts.

The watch list (重点监管对象, plan 三(二)) is every firm the last screening
flagged. A firm belongs to a domain's list when it has a non-dismissed REG-01
finding for that domain; `Firm.domains` is only a display copy.

Paging is keyset on `id` rather than LIMIT/OFFSET: at millions of firms an
OFFSET makes the database read and throw away every row before the page, so
page 5,000 costs 5,000 pages, while `id > last_seen_id ORDER BY id LIMIT n`
walks the primary-key index and costs the same on every page. The total is a
capped count (`COUNT(*)` over a LIMIT subquery) so it stops after COUNT_CAP
matches instead of counting millions on every page view.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from finsentry.registry import divisions
from finsentry.registry.fields import STATUS_LABELS
from finsentry.registry.models import Firm, ImportRun
from finsentry.registry.normalize import normalize_name
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding

SCREENING_CODE = "REG-01"
PAGE_SIZE = 50
COUNT_CAP = 10_000
# A unified social credit code holds digits and the 31 letters of GB 32100-2015;
# a query made only of these is read as a code prefix, anything else as a name.
_CODE_CHARS = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")


@dataclass(frozen=True)
class WatchFilters:
    """What a user asked the watch list for; empty strings mean "any"."""

    city: str = ""
    county: str = ""
    domain: str = ""
    q: str = ""
    include_all: bool = False

    def describe(self) -> str:
        """Return the filters as one Chinese line for export headers."""
        parts = []
        if self.city:
            parts.append("市（州）：" + city_names().get(self.city, self.city))
        if self.county:
            parts.append(
                "县（市、区）：" + (divisions.full_name(self.county) or self.county)
            )
        if self.domain:
            parts.append("领域：" + catalogue().domain_label(self.domain))
        if self.q:
            parts.append("查询：" + self.q)
        parts.append("范围：全部企业" if self.include_all else "范围：重点监管对象")
        return "；".join(parts)


@dataclass
class FirmRow:
    """One watch-list line with codes turned into the names staff read."""

    uscc: str
    name: str
    city_name: str
    county_name: str
    domain_labels: list[str]
    keywords: list[str]
    status: str
    flagged: bool
    licensed: bool


@dataclass
class WatchPage:
    """One keyset page of the watch list and the ids to continue from."""

    rows: list[FirmRow]
    total: int
    total_capped: bool
    next_after: int | None = None
    prev_before: int | None = None


@dataclass
class Dashboard:
    """Totals and watch-list breakdowns shown on the front page."""

    totals: dict[str, int]
    by_domain: list[tuple[str, int]] = field(default_factory=list)
    by_city: list[tuple[str, int]] = field(default_factory=list)
    last_import: ImportRun | None = None


def city_names() -> dict[str, str]:
    """Return Jilin's city names keyed by four-digit city code."""
    return {d.code[:4]: d.name for d in divisions.jilin_cities()}


def county_options() -> list[tuple[str, str, str]]:
    """Return (county code, name, city code) for every current Jilin county."""
    return [
        (county.code, county.name, city.code[:4])
        for city in divisions.jilin_cities()
        for county in divisions.counties_of(city.code[:4])
    ]


def screening_findings() -> QuerySet[Finding]:
    """Return the findings that make a firm a member of a domain's watch list."""
    return Finding.objects.filter(code=SCREENING_CODE, dismissed_at__isnull=True)


def filtered_firms(
    filters: WatchFilters, firms: QuerySet[Firm] | None = None
) -> QuerySet[Firm]:
    """Return the firms of `firms` (default: all; views pass the user's visible
    firms) matching `filters`, ordered by id for keyset paging."""
    firms = Firm.objects.all() if firms is None else firms
    if not filters.include_all:
        firms = firms.filter(flagged=True)
    if filters.city:
        firms = firms.filter(city_code=filters.city)
    if filters.county:
        firms = firms.filter(county_code=filters.county)
    if filters.domain:
        member = screening_findings().filter(firm=OuterRef("pk"), domain=filters.domain)
        firms = firms.filter(Exists(member))

    query = normalize_name(filters.q)
    if query and set(query) <= _CODE_CHARS:
        # Code prefixes use the unique index on uscc; a code-like string may
        # also be part of a name (e.g. "P2P"), so both are tried.
        firms = firms.filter(
            Q(uscc__startswith=query) | Q(name_normalized__contains=query)
        )
    elif query:
        # Names are compared in normalised form so that LIKE needs no lower();
        # TODO: needs a pg_trgm GIN index to be an indexed search on PostgreSQL.
        firms = firms.filter(name_normalized__contains=query)
    return firms.order_by("id")


def capped_count(firms: QuerySet[Firm], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """Return how many firms match, stopping at `cap`, and whether it stopped."""
    counted = firms.order_by()[: cap + 1].count()
    return min(counted, cap), counted > cap


def watch_page(
    filters: WatchFilters,
    after: int | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
    firms: QuerySet[Firm] | None = None,
) -> WatchPage:
    """Return the page of `firms` (default: all) after id `after` (or before id
    `before`)."""
    firms = filtered_firms(filters, firms)
    total, capped = capped_count(firms)

    if before is not None:
        chunk = list(firms.filter(id__lt=before).order_by("-id")[: size + 1])
        more_before = len(chunk) > size
        chunk = list(reversed(chunk[:size]))
        more_after = True
    else:
        start = firms.filter(id__gt=after) if after is not None else firms
        chunk = list(start[: size + 1])
        more_after = len(chunk) > size
        chunk = chunk[:size]
        more_before = after is not None

    page = WatchPage(rows=firm_rows(chunk), total=total, total_capped=capped)
    if chunk and more_after:
        page.next_after = chunk[-1].id
    if chunk and more_before:
        page.prev_before = chunk[0].id
    return page


def firm_rows(firms: list[Firm]) -> list[FirmRow]:
    """Return display rows for firms, with region and domain names."""
    cities = city_names()
    labels = catalogue().domains
    return [
        FirmRow(
            uscc=firm.uscc,
            name=firm.name,
            city_name=cities.get(firm.city_code, firm.city_code),
            county_name=_county_name(firm.county_code),
            domain_labels=[labels.get(d, d) for d in firm.domain_list],
            keywords=[k for k in firm.keywords.split(";") if k],
            status=firm.status_label,
            flagged=firm.flagged,
            licensed=firm.licensed,
        )
        for firm in firms
    ]


def _county_name(code: str) -> str:
    """Return a county's own name, or its code when the table does not know it."""
    division = divisions.lookup(code) if code else None
    return division.name if division else code


EXPORT_HEADER = [
    "企业名称",
    "统一社会信用代码",
    "市（州）",
    "县（市、区）",
    "领域",
    "命中字样",
    "登记状态",
    "重点监管对象",
    "持牌机构",
    "筛查理由",
]


def export_rows(firms: QuerySet[Firm], chunk: int = 2000) -> Iterator[list[Any]]:
    """Yield one export row per firm, reading the database in chunks of `chunk`."""
    cities = city_names()
    labels = catalogue().domains
    fields = (
        "name",
        "uscc",
        "city_code",
        "county_code",
        "domains",
        "keywords",
        "status",
        "flagged",
        "licensed",
        "reasons",
    )
    for row in firms.values_list(*fields).iterator(chunk_size=chunk):
        name, uscc, city, county, domains, keywords, status, flagged, lic, why = row
        domain_text = "、".join(labels.get(d, d) for d in domains.split(";") if d)
        yield [
            name,
            uscc,
            cities.get(city, city),
            _county_name(county),
            domain_text,
            keywords.replace(";", "、"),
            STATUS_LABELS.get(status, status),
            "是" if flagged else "否",
            "是" if lic else "否",
            why,
        ]


def dashboard(firms: QuerySet[Firm] | None = None) -> Dashboard:
    """Return totals over `firms` (default: all; views pass the user's visible
    firms), the watch list by domain and by city, and the last import."""
    everything = firms is None
    firms = Firm.objects.all() if firms is None else firms
    totals = firms.aggregate(
        firms=Count("id"),
        market=Count("id", filter=Q(is_market_entity=True)),
        flagged=Count("id", filter=Q(flagged=True)),
        licensed=Count("id", filter=Q(licensed=True)),
    )

    labels = catalogue().domains
    flagged = screening_findings().filter(firm__flagged=True)
    if not everything:
        flagged = flagged.filter(firm__in=firms)
    per_domain = dict(
        flagged.values_list("domain")
        .annotate(n=Count("firm", distinct=True))
        .values_list("domain", "n")
    )
    by_domain = [(label, per_domain.get(code, 0)) for code, label in labels.items()]

    cities = city_names()
    per_city = dict(
        firms.filter(flagged=True)
        .values_list("city_code")
        .annotate(n=Count("id"))
        .values_list("city_code", "n")
    )
    by_city = [(name, per_city.pop(code, 0)) for code, name in cities.items()]
    outside = sum(per_city.values())
    if outside:
        by_city.append(("其他/未识别", outside))

    last = ImportRun.objects.order_by("-started_at").first()
    return Dashboard(
        totals=totals, by_domain=by_domain, by_city=by_city, last_import=last
    )
