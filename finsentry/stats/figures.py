"""The figures of the statistics page and the special report of a domain.

`figures(area, as_of)` returns, for one domain (or all) and one region of the
province, as of a date: watched and problem firms (see `problems.py` for the
definitions) in total, by domain, by city and by county; the cases by stage
and by disposition; new and cumulative problem firms by month; and the firms
with the highest risk scores.

Every count is a grouped SQL query over `problems.firm_statuses`, joined to
the firm table only where a region is needed: the places once (city and
county totals are sums of its few dozen groups), the domains and months only
for a region. Python names and adds up groups, never reads a firm. Measured
on PostgreSQL with 3 million firms, 200,000 findings and 12,000 cases: 1.8 s
for the whole province in all domains, 0.5 s for one domain.
`area.area_for` turns a user's scope and filters into the `Area` counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from finsentry.cases.models import Case
from finsentry.cases.transitions import STATE_LABELS, State
from finsentry.registry import divisions
from finsentry.registry.models import Firm
from finsentry.risk.models import LEVEL_CHOICES, FirmScore
from finsentry.rules.catalogue import catalogue
from finsentry.stats import problems
from finsentry.stats.area import Area

UNKNOWN_PLACE = "其他/未识别"
UNCLASSIFIED = "尚未认定"
TOP_FIRMS = 20
LEVEL_LABELS = dict(LEVEL_CHOICES)


@dataclass(frozen=True)
class Ratio:
    """Watched and problem firms of one group (a domain, a city, a county)."""

    code: str
    label: str
    watched: int
    problems: int

    @property
    def ratio(self) -> float | None:
        """Return problem firms over watched firms, or None when none is watched."""
        return self.problems / self.watched if self.watched else None

    @property
    def percent(self) -> str:
        """Return the ratio as a percentage with one decimal, or — for none."""
        return "—" if self.ratio is None else f"{self.ratio * 100:.1f}%"


@dataclass(frozen=True)
class Stage:
    """Cases, and the firms they concern, in one state or disposition."""

    code: str
    label: str
    cases: int
    firms: int


@dataclass(frozen=True)
class Month:
    """Problem firms that became problem firms in one month, and all so far."""

    month: str
    new: int
    cumulative: int


@dataclass(frozen=True)
class TopFirm:
    """One of the watched firms with the highest risk scores."""

    uscc: str
    name: str
    place: str
    score: int
    level: str
    problem: bool


@dataclass
class Figures:
    """Everything the statistics page and the special report show."""

    area: Area
    as_of: date
    total: Ratio
    by_domain: list[Ratio] = field(default_factory=list)
    by_city: list[Ratio] = field(default_factory=list)
    by_county: list[Ratio] = field(default_factory=list)
    by_state: list[Stage] = field(default_factory=list)
    by_disposition: list[Stage] = field(default_factory=list)
    by_month: list[Month] = field(default_factory=list)
    top_firms: list[TopFirm] = field(default_factory=list)

    @property
    def cases(self) -> int:
        """Return the number of cases counted in the stage table."""
        return sum(stage.cases for stage in self.by_state)


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _region(area: Area, joined: bool) -> tuple[str, str, list[Any]]:
    """Return the join to the firm table (as `r`), the WHERE conditions and their
    parameters for the area's region; no join when `joined` is not asked and
    the area is the whole province."""
    if not joined and not area.city and not area.county:
        return "", "1 = 1", []
    join = f" JOIN {Firm._meta.db_table} r ON r.id = p.firm_id"
    conditions, params = ["1 = 1"], []
    if area.city:
        conditions.append("r.city_code = %s")
        params.append(area.city)
    if area.county:
        conditions.append("r.county_code = %s")
        params.append(area.county)
    return join, " AND ".join(conditions), params


def _places(area: Area, end: datetime) -> dict[tuple[str, str], tuple[int, int]]:
    """Return {(city, county): (watched, problems)} of the area's firms."""
    statuses, params = problems.firm_statuses(area.domain, end)
    join, where, region = _region(area, joined=True)
    sql = (
        "SELECT r.city_code, r.county_code, COUNT(*), SUM(p.problem) "
        f"FROM ({statuses}) p{join} WHERE {where} "
        "GROUP BY r.city_code, r.county_code"
    )
    rows = _fetch(sql, [*params, *region])
    return {(city, county): (n, int(found)) for city, county, n, found in rows}


def _sum(groups: Iterable[tuple[int, int]]) -> tuple[int, int]:
    pairs = list(groups)
    return sum(w for w, _ in pairs), sum(p for _, p in pairs)


def _by_city(area: Area, places: dict[tuple[str, str], tuple[int, int]]) -> list[Ratio]:
    cities = {d.code[:4]: d.name for d in divisions.jilin_cities()}
    if area.city:
        cities = {area.city: cities.get(area.city, area.city)}
    rows = []
    for code, name in cities.items():
        counts = _sum(v for (city, _), v in places.items() if city == code)
        rows.append(Ratio(code, name, *counts))
    rest = _sum(v for (city, _), v in places.items() if city not in cities)
    if rest[0]:
        rows.append(Ratio("", UNKNOWN_PLACE, *rest))
    return rows


def _county_label(code: str) -> str:
    division = divisions.lookup(code) if code else None
    if division is None:
        return UNKNOWN_PLACE
    if division.province_code != "220000":
        # A firm filed outside Jilin: its province says where (北京市朝阳区).
        return divisions.full_name(code) or division.name
    return f"{division.city_name or ''}{division.name}"


def _by_county(places: dict[tuple[str, str], tuple[int, int]]) -> list[Ratio]:
    counties: dict[str, tuple[int, int]] = {}
    for (_, county), (watched, found) in places.items():
        before = counties.get(county, (0, 0))
        counties[county] = (before[0] + watched, before[1] + found)
    return [
        Ratio(code, _county_label(code), watched, found)
        for code, (watched, found) in sorted(
            counties.items(), key=lambda kv: kv[0] or "~"
        )
    ]


def _by_domain(area: Area, end: datetime, total: Ratio) -> list[Ratio]:
    labels = catalogue().domains
    if area.domain:
        return [Ratio(area.domain, labels[area.domain], total.watched, total.problems)]
    statuses, params = problems.firm_statuses(None, end, per_domain=True)
    join, where, region = _region(area, joined=False)
    sql = (
        f"SELECT p.domain, COUNT(*), SUM(p.problem) FROM ({statuses}) p{join} "
        f"WHERE {where} GROUP BY p.domain"
    )
    counts = {d: (n, int(found)) for d, n, found in _fetch(sql, [*params, *region])}
    return [
        Ratio(code, name, *counts.get(code, (0, 0))) for code, name in labels.items()
    ]


def _stages(area: Area, as_of: date, key: str) -> dict[str, tuple[int, int]]:
    cases = Case.objects.filter(opened_at__lt=problems.day_end(as_of))
    if area.domain:
        cases = cases.filter(domain=area.domain)
    if area.county:
        cases = cases.filter(firm__county_code=area.county)
    if area.city:
        cases = cases.filter(firm__city_code=area.city)
    rows = (
        cases.values_list(key)
        .annotate(n=Count("id"), firms=Count("firm", distinct=True))
        .order_by()
    )
    return {group: (n, firms) for group, n, firms in rows}


def _by_state(area: Area, as_of: date) -> list[Stage]:
    # TODO: states are today's; the state on `as_of` needs the timeline replayed.
    counts = _stages(area, as_of, "state")
    return [
        Stage(s.value, STATE_LABELS[s], *counts.get(s.value, (0, 0))) for s in State
    ]


def _by_disposition(area: Area, as_of: date) -> list[Stage]:
    counts = _stages(area, as_of, "disposition")
    labels = {"": UNCLASSIFIED, **catalogue().dispositions}
    return [
        Stage(code, name, *counts.get(code, (0, 0))) for code, name in labels.items()
    ]


def _by_month(area: Area, as_of: date) -> list[Month]:
    statuses, params = problems.firm_statuses(area.domain, problems.day_end(as_of))
    zone = timezone.get_current_timezone_name()
    # Django 5 returns (sql, params); the stubs still describe a string.
    trunc: Any = connection.ops.datetime_trunc_sql("month", "p.became", (), zone)
    month, month_params = trunc
    join, where, region = _region(area, joined=False)
    sql = (
        "SELECT m.month, COUNT(*) FROM ("
        f"SELECT {month} AS month FROM ({statuses}) p{join} "
        f"WHERE p.problem = 1 AND {where}) m GROUP BY m.month"
    )
    rows = _fetch(sql, [*month_params, *params, *region])
    # SQLite answers text, PostgreSQL a datetime: both start "YYYY-MM".
    per_month = {str(m)[:7]: n for m, n in rows if m is not None}
    if not per_month:
        return []
    months = _month_range(min(per_month), f"{as_of:%Y-%m}")
    series, total = [], 0
    for name in months:
        total += per_month.get(name, 0)
        series.append(Month(name, per_month.get(name, 0), total))
    return series


def _month_range(first: str, last: str) -> list[str]:
    """Return the months "YYYY-MM" from `first` to `last`, both included."""
    year, month = int(first[:4]), int(first[5:])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _top_firms(area: Area, end: datetime, limit: int) -> list[TopFirm]:
    statuses, params = problems.firm_statuses(area.domain, end)
    join, where, region = _region(area, joined=False)
    scores = FirmScore._meta.db_table
    sql = (
        f"SELECT s.firm_id, s.score, s.level, p.problem FROM {scores} s "
        f"JOIN ({statuses}) p ON p.firm_id = s.firm_id{join} "
        f"WHERE s.score > 0 AND {where} ORDER BY s.score DESC, s.firm_id LIMIT %s"
    )
    rows = _fetch(sql, [*params, *region, limit])
    firms = Firm.objects.in_bulk([firm_id for firm_id, *_ in rows])
    return [
        TopFirm(
            uscc=firms[firm_id].uscc,
            name=firms[firm_id].name,
            place=_county_label(firms[firm_id].county_code)
            if firms[firm_id].county_code
            else _county_label(firms[firm_id].city_code + "00"),
            score=score,
            level=LEVEL_LABELS.get(level, level),
            problem=bool(problem),
        )
        for firm_id, score, level, problem in rows
    ]


def figures(area: Area, as_of: date | None = None, top: int = TOP_FIRMS) -> Figures:
    """Return every figure of `area` as of the end of `as_of` (default: today)."""
    as_of = as_of or timezone.localdate()
    end = problems.day_end(as_of)
    places = _places(area, end)
    total = Ratio(area.domain or "", area.domain_label, *_sum(places.values()))
    return Figures(
        area=area,
        as_of=as_of,
        total=total,
        by_domain=_by_domain(area, end, total),
        by_city=_by_city(area, places),
        by_county=_by_county(places),
        by_state=_by_state(area, as_of),
        by_disposition=_by_disposition(area, as_of),
        by_month=_by_month(area, as_of),
        top_firms=_top_firms(area, end, top),
    )


def headline(area: Area, as_of: date | None = None) -> Ratio:
    """Return only the watched and problem firms of `area` (one query), for
    dashboards that show the headline figure."""
    places = _places(area, problems.day_end(as_of or timezone.localdate()))
    return Ratio(area.domain or "", area.domain_label, *_sum(places.values()))
