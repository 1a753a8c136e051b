"""Weights as data: the packaged version parses; mistakes are refused by name."""

import pytest

from finsentry.risk.errors import WeightsError
from finsentry.risk.weights import packaged_text, packaged_weights, parse_weights


def test_packaged_weights_parse_with_every_dimension_used() -> None:
    weights = packaged_weights()

    used = {i.dimension for i in weights.findings.values()}
    used |= {i.dimension for i in weights.features.values()}
    assert used | {"complaints"} == set(weights.dimensions)
    assert weights.level(0) == "low" and weights.level(100) == "critical"
    assert weights.findings["P2P-05"].for_count(3) == 21


SPREAD = "yield_spread: {dimension: yield, points: 20, from: 2.0, full: 8.0}"
POOL = "P2P-01: {dimension: funds, points: 25}"
MISTAKES = [
    ("  P2P-05: {dimension: promotion,", "  P2P-99: {dimension: promotion,"),
    (POOL, POOL.replace("funds", "fund")),
    (POOL, POOL.replace("points", "point")),
    ('version: "2026.12.1"', "version: 2026.12"),
    ("levels: {watch: 20, high: 40,", "levels: {watch: 50, high: 40,"),
    ("    no_custody:", "    no_custodian:"),
    (SPREAD, SPREAD.replace(", full: 8.0", "")),
]
FIELDS = [
    "findings.P2P-99",
    "findings.P2P-01.dimension",
    "findings.P2P-01",
    "version",
    "levels",
    "operating.features.no_custodian",
    "operating.features.yield_spread.full",
]


@pytest.mark.parametrize(
    ("old", "new", "field"), [(*m, f) for m, f in zip(MISTAKES, FIELDS, strict=True)]
)
def test_mistakes_are_refused_naming_the_field(old: str, new: str, field: str) -> None:
    text = packaged_text()
    assert old in text

    with pytest.raises(WeightsError) as caught:
        parse_weights(text.replace(old, new), "staff")

    assert caught.value.field == field and caught.value.message.startswith("staff")
