"""Counts and ratios of problem firms on the small planted province."""

from __future__ import annotations

from datetime import date

import pytest

from finsentry.accounts.roles import EVERYTHING, Scope
from finsentry.accounts.scoping import scope_of
from finsentry.stats.area import Area, area_for
from finsentry.stats.errors import OutsideScope
from finsentry.stats.figures import figures
from tests.stats.conftest import TODAY, World


def by_code(rows: list) -> dict:
    return {row.code: row for row in rows}


def test_p2p_counts_confirmed_finding_and_rectification_not_compliant(
    world: World,
) -> None:
    shown = figures(Area(domain="p2p"), TODAY)

    assert (shown.total.watched, shown.total.problems) == (4, 2)
    assert shown.total.ratio == pytest.approx(0.5)
    assert shown.total.percent == "50.0%"


def test_all_domains_count_each_firm_once(world: World) -> None:
    shown = figures(Area(), TODAY)

    assert (shown.total.watched, shown.total.problems) == (5, 2)
    domains = by_code(shown.by_domain)
    assert (domains["p2p"].watched, domains["p2p"].problems) == (4, 2)
    assert (domains["insurance"].watched, domains["insurance"].problems) == (1, 0)
    assert domains["insurance"].percent == "0.0%"
    assert domains["payment"].ratio is None


def test_counts_by_city_and_county(world: World) -> None:
    shown = figures(Area(domain="p2p"), TODAY)

    cities = by_code(shown.by_city)
    assert len(shown.by_city) == 9
    assert (cities["2201"].watched, cities["2201"].problems) == (2, 1)
    assert (cities["2224"].watched, cities["2224"].problems) == (2, 1)
    assert (cities["2202"].watched, cities["2202"].problems) == (0, 0)
    counties = by_code(shown.by_county)
    assert set(counties) == {"220102", "220104", "222401"}
    assert (counties["220102"].watched, counties["220102"].problems) == (1, 1)
    assert (counties["220104"].watched, counties["220104"].problems) == (1, 0)
    assert (counties["222401"].watched, counties["222401"].problems) == (2, 1)
    assert counties["222401"].label.endswith("延吉市")


def test_cases_by_stage_and_disposition(world: World) -> None:
    shown = figures(Area(domain="p2p"), TODAY)

    states = by_code(shown.by_state)
    assert states["verifying"].cases == 1  # the site visit's case
    assert states["supervised"].cases == 1
    assert states["rectifying"].cases == 1
    assert shown.cases == 3
    kinds = by_code(shown.by_disposition)
    assert kinds[""].cases == 1
    assert kinds["compliant"].firms == 1
    assert kinds["rectify"].firms == 1


def test_problem_firms_by_month_with_cumulative(world: World) -> None:
    shown = figures(Area(domain="p2p"), TODAY)

    assert [(m.month, m.new, m.cumulative) for m in shown.by_month] == [
        ("2026-09", 1, 1),
        ("2026-10", 1, 2),
        ("2026-11", 0, 2),
    ]


def test_as_of_a_date_counts_only_what_was_known(world: World) -> None:
    before = figures(Area(domain="p2p"), date(2026, 9, 30))

    assert (before.total.watched, before.total.problems) == (4, 1)
    assert [m.month for m in before.by_month] == ["2026-09"]
    assert figures(Area(domain="p2p"), date(2026, 8, 1)).total.watched == 0


def test_top_firms_follow_the_risk_scores(scored: World) -> None:
    shown = figures(Area(domain="p2p"), TODAY)

    assert [(f.name[:5], f.score, f.problem) for f in shown.top_firms] == [
        ("延吉市汇金", 82, True),
        ("延吉市融通", 55, False),
        ("长春安信网", 12, False),
    ]
    assert shown.top_firms[0].level == "严重"


def test_county_officer_counts_only_their_county(world: World) -> None:
    area = area_for(scope_of(world.yanji_officer), domain="p2p")
    shown = figures(area, TODAY)

    assert area == Area(domain="p2p", city="2224", county="222401")
    assert (shown.total.watched, shown.total.problems) == (2, 1)
    assert [c.code for c in shown.by_city] == ["2224"]
    assert [c.code for c in shown.by_county] == ["222401"]
    assert shown.cases == 1


def test_domain_officer_sees_only_their_domain(world: World) -> None:
    area = area_for(scope_of(world.p2p_officer))

    assert area.domain == "p2p"
    with pytest.raises(OutsideScope):
        area_for(scope_of(world.p2p_officer), domain="insurance")


@pytest.mark.parametrize(
    ("scope", "asked"),
    [
        (Scope(county="222401"), {"city": "2201"}),
        (Scope(county="222401"), {"county": "222402"}),
        (Scope(city="2224"), {"city": "2201"}),
        (EVERYTHING, {"city": "2201", "county": "222401"}),
        (EVERYTHING, {"domain": "bitcoin"}),
        (Scope(nothing=True), {}),
    ],
)
def test_area_outside_the_scope_is_refused(scope: Scope, asked: dict) -> None:
    with pytest.raises(OutsideScope):
        area_for(scope, **asked)


def test_city_filter_within_the_province(world: World) -> None:
    shown = figures(area_for(EVERYTHING, domain="p2p", city="2201"), TODAY)

    assert (shown.total.watched, shown.total.problems) == (2, 1)


def test_unknown_region_codes_are_refused_not_counted_as_empty() -> None:
    assert area_for(EVERYTHING, city="2224", county="222401").county == "222401"
    assert area_for(EVERYTHING, county="220171").city == "2201"
    with pytest.raises(OutsideScope, match="2299"):
        area_for(EVERYTHING, city="2299")
    with pytest.raises(OutsideScope, match="222499"):
        area_for(EVERYTHING, county="222499")
