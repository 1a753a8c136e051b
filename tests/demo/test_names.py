"""Tests of simulated firm names and their parts."""

import random
from collections import Counter

import pytest

from finsentry.demo import names


def _brands(count: int, seed: int = 7) -> list[str]:
    """Return ``count`` brands drawn from one seeded stream."""
    rng = random.Random(seed)
    return [names.generate_brand(rng) for _ in range(count)]


@pytest.mark.parametrize("style", ["prefix", "bracket", "none"])
def test_compose_name_joins_parts_in_style(style: str) -> None:
    name = names.compose_name("吉林", style, "鑫汇", "金融信息服务", "有限公司")

    expected = {
        "prefix": "吉林鑫汇金融信息服务有限公司",
        "bracket": "鑫汇（吉林）金融信息服务有限公司",
        "none": "鑫汇金融信息服务有限公司",
    }[style]
    assert name.full == expected
    assert name.region_style == style
    assert name.region == ("" if style == "none" else "吉林")


def test_compose_name_without_region_has_style_none() -> None:
    name = names.compose_name("", "prefix", "融通", "商贸", "有限责任公司")

    assert name.region_style == "none"
    assert name.full == "融通商贸有限责任公司"


def test_generate_name_keeps_given_parts() -> None:
    rng = random.Random(1)

    for _ in range(200):
        name = names.generate_name(
            rng, region="长春", industry="网络科技", form="有限公司"
        )
        assert name.region == "长春"
        assert name.region_style in ("prefix", "bracket")
        assert name.industry == "网络科技" and name.form == "有限公司"
        assert name.brand in name.full and name.full.endswith("有限公司")


def test_generate_name_is_deterministic_per_seed() -> None:
    first = [
        names.generate_name(
            random.Random(5), region="吉林", industry="商贸", form="有限公司"
        )
        for _ in range(3)
    ]
    again = [
        names.generate_name(
            random.Random(5), region="吉林", industry="商贸", form="有限公司"
        )
        for _ in range(3)
    ]

    assert first == again


def test_brands_are_two_to_four_chinese_characters() -> None:
    for brand in _brands(3000):
        assert 2 <= len(brand) <= 4
        assert all("\u4e00" <= ch <= "\u9fff" for ch in brand)


def test_brands_are_skewed_towards_popular_ones() -> None:
    counts = Counter(_brands(20_000))
    top = counts.most_common(10)

    # A handful of brands (鑫汇, 融通 ...) recur hundreds of times, which is
    # what makes matching by brand hard.
    assert top[0][1] > 300
    assert len(counts) > 2000


def test_brands_carry_no_finance_word() -> None:
    assert not any(names.contains_finance_word(b) for b in _brands(5000))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("吉林鑫汇金融信息服务有限公司", True),
        ("p2p网贷", True),
        ("长春鑫汇商贸有限公司", False),
    ],
)
def test_contains_finance_word(text: str, expected: bool) -> None:
    assert names.contains_finance_word(text) is expected


def test_individual_name_reads_like_a_shop() -> None:
    rng = random.Random(3)

    for _ in range(100):
        name = names.individual_name(rng, region="长春市南关区")
        assert name.full.startswith("长春市南关区")
        assert name.full == name.region + name.brand + name.industry + name.form


def test_cooperative_name_ends_with_cooperative_form() -> None:
    rng = random.Random(3)

    name = names.cooperative_name(rng, region="榆树市")

    assert name.full.startswith("榆树市") and name.full.endswith("专业合作社")


@pytest.mark.parametrize(
    "kind", ["foundation", "society", "private_school", "institution"]
)
def test_non_market_names_are_composed_of_their_parts(kind: str) -> None:
    rng = random.Random(11)

    for _ in range(50):
        name = names.non_market_name(rng, kind, city="长春市", county="农安县")
        assert name.full == name.region + name.brand + name.industry + name.form
        if kind == "foundation":
            assert name.full.endswith("基金会")


@pytest.mark.parametrize(
    "kind",
    [
        "bank",
        "rural_bank",
        "rural_credit",
        "insurance",
        "securities",
        "futures",
        "fund",
    ],
)
def test_licensed_names_start_with_their_parent(kind: str) -> None:
    rng = random.Random(2)

    name = names.licensed_name(rng, kind, city="长春", county="榆树市", place="人民路")

    assert name.full.startswith(name.region + name.brand + name.industry)
    assert name.full.endswith(name.form)


def test_spacing_variant_only_adds_spaces_or_ascii_brackets() -> None:
    rng = random.Random(4)
    name = names.compose_name("吉林", "prefix", "鑫汇", "金融信息服务", "有限公司")

    variant = names.spacing_variant(rng, name)

    assert variant.full != name.full
    assert "".join(variant.full.split()) == name.full


def test_person_names_have_two_or_three_characters() -> None:
    rng = random.Random(9)

    assert all(2 <= len(names.person_name(rng)) <= 3 for _ in range(500))
