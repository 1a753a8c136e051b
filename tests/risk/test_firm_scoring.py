"""The firm score from findings, sources and operating points, without a database."""

import numpy as np

from finsentry.risk.breakdown import firm_breakdown
from finsentry.risk.firm_scoring import Evidence, OperatingPart, score_firms
from finsentry.risk.weights import packaged_text, packaged_weights, parse_weights


def _evidence(groups: list[tuple[int, str, str, list[int]]]) -> Evidence:
    return Evidence(
        np.array([g[0] for g in groups], dtype=np.int64),
        np.array([g[1] for g in groups], dtype=object),
        np.array([g[2] for g in groups], dtype=object),
        np.array([len(g[3]) for g in groups], dtype=np.int64),
        [",".join(map(str, g[3])) for g in groups],
    )


EVIDENCE = _evidence(
    [
        (1, "P2P-05", "patrol", [11, 12]),
        (1, "P2P-05", "tips", [13]),
        (1, "REG-01", "registry", [14]),
        (2, "MKT-01", "patrol", [21]),
        (3, "REG-01", "registry", [31]),
        (4, "P2P-03", "tips", [41, 42]),
        (4, "P2P-01", "patrol", [43]),
        (4, "P2P-04", "patrol", [44]),
        (4, "P2P-17", "patrol", [45]),
        (5, "NOT-A-CODE", "patrol", [51]),
    ]
)


def _breakdowns(scores, evidence=EVIDENCE, operating=None):
    operating = operating or OperatingPart.empty(len(packaged_weights().features))
    return {
        int(firm): firm_breakdown(row, scores, evidence, operating, None)
        for row, firm in enumerate(scores.firms)
    }


def test_items_add_up_to_the_score_and_cite_their_findings() -> None:
    weights = packaged_weights()
    scores = score_firms(EVIDENCE, OperatingPart.empty(len(weights.features)), weights)
    items = _breakdowns(scores)

    for row, firm in enumerate(scores.firms.tolist()):
        assert sum(i["points"] for i in items[firm]) == scores.score[row]
    first = {i["key"]: i for i in items[1]}
    assert first["code:P2P-05"]["findings"] == [11, 12, 13]
    assert first["code:P2P-05"]["points"] == 15 + 3 * 2
    assert first["source:tips"]["findings"] == [13]
    # Four money findings pass the funds cap: the smallest is cut, still shown.
    funds = [i for i in items[4] if i["dimension"] == "funds"]
    assert sum(i["points"] for i in funds) == weights.cap("funds")
    assert any(i["points"] < i["raw"] for i in funds)
    assert items[5] == []


def test_changing_a_weight_changes_exactly_the_firms_it_should() -> None:
    text = packaged_text().replace(
        "P2P-05: {dimension: promotion, points: 15, each_more: 3, max: 21}",
        "P2P-05: {dimension: promotion, points: 20, each_more: 3, max: 26}",
    )
    before = packaged_weights()
    after = parse_weights(text)
    empty = OperatingPart.empty(len(before.features))

    old = score_firms(EVIDENCE, empty, before)
    new = score_firms(EVIDENCE, empty, after)

    changed = set(old.firms[old.score != new.score].tolist())
    assert changed == {1}
    assert new.score[0] - old.score[0] == 5


def test_operating_points_of_the_worst_platform_count() -> None:
    weights = packaged_weights()
    keys = list(weights.features)
    raw = np.zeros((2, len(keys)), dtype=np.int32)
    raw[0, keys.index("net_outflow")] = 10
    raw[1, keys.index("yield_spread")] = 20
    operating = OperatingPart(np.array([7, 7]), raw, [(0, 3), (1, 5)])

    scores = score_firms(Evidence.empty(), operating, weights)

    assert scores.firms.tolist() == [7] and scores.score.tolist() == [20]
    assert scores.operating_row == {0: 1}
