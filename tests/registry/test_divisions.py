import pytest

from finsentry.registry.divisions import (
    city_and_county,
    counties_of,
    full_name,
    jilin_cities,
    lookup,
)


def test_lookup_county_carries_city_and_province() -> None:
    found = lookup("220102")
    assert found is not None
    assert (found.name, found.level) == ("南关区", "county")
    assert (found.city_code, found.city_name) == ("2201", "长春市")
    assert (found.province_code, found.province_name) == ("220000", "吉林省")
    assert not found.historic


@pytest.mark.parametrize(
    ("code", "name", "level"),
    [
        ("220100", "长春市", "city"),
        ("222400", "延边朝鲜族自治州", "city"),
        ("220000", "吉林省", "province"),
        ("110101", "东城区", "county"),
    ],
)
def test_lookup_accepts_city_and_province_codes(
    code: str, name: str, level: str
) -> None:
    found = lookup(code)
    assert found is not None
    assert (found.name, found.level) == (name, level)


def test_lookup_resolves_city_own_district_code() -> None:
    found = lookup("220101")
    assert found is not None
    assert (found.level, found.city_code, found.city_name) == ("city", "2201", "长春市")


@pytest.mark.parametrize("code", ["229999", "990000", "2201", "", "220199"])
def test_lookup_unknown_code_is_none(code: str) -> None:
    assert lookup(code) is None


@pytest.mark.parametrize(
    ("old", "name", "old_city", "valid_to", "city", "county"),
    [
        ("220381", "公主岭市", "2203", 2020, "2201", "220184"),
        ("220181", "九台市", "2201", 2014, "2201", "220113"),
        ("220625", "江源县", "2206", 2006, "2206", "220605"),
        ("220724", "扶余县", "2207", 2013, "2207", "220781"),
    ],
)
def test_historic_codes_resolve_and_file_where_they_lie_now(
    old: str, name: str, old_city: str, valid_to: int, city: str, county: str
) -> None:
    found = lookup(old)
    assert found is not None
    assert (found.name, found.historic, found.valid_to) == (name, True, valid_to)
    assert found.city_code == old_city
    assert city_and_county(old) == (city, county)


def test_jilin_has_nine_prefecture_units() -> None:
    cities = jilin_cities()
    assert [c.code for c in cities] == [
        "220100",
        "220200",
        "220300",
        "220400",
        "220500",
        "220600",
        "220700",
        "220800",
        "222400",
    ]
    assert cities[-1].name == "延边朝鲜族自治州"


def test_counties_of_lists_current_counties_only() -> None:
    changchun = [c.code for c in counties_of("2201")]
    assert "220184" in changchun and "220113" in changchun
    assert "220181" not in changchun
    assert "220381" not in [c.code for c in counties_of("220300")]
    assert len(counties_of("2224")) == 8


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("220102", "吉林省长春市南关区"),
        ("220100", "吉林省长春市"),
        ("220000", "吉林省"),
        ("222401", "吉林省延边朝鲜族自治州延吉市"),
        ("220381", "吉林省四平市公主岭市"),
        ("110105", "北京市朝阳区"),
        ("000000", ""),
    ],
)
def test_full_name_joins_levels(code: str, expected: str) -> None:
    assert full_name(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("220102", ("2201", "220102")),
        ("220100", ("2201", None)),
        ("220101", ("2201", None)),
        ("220000", (None, None)),
        ("220199", ("2201", None)),
        ("100000", (None, None)),
        ("", (None, None)),
    ],
)
def test_city_and_county_for_current_and_partial_codes(
    code: str, expected: tuple[str | None, str | None]
) -> None:
    assert city_and_county(code) == expected
