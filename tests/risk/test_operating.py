"""The operating-data score: features from data up to each month, explained."""

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.core.management import call_command

from finsentry.docking.reading import records_batch
from finsentry.docking.validation import check_reports
from finsentry.risk.explain import explain_month
from finsentry.risk.operating import market_benchmark
from finsentry.risk.panel import build_panel
from finsentry.risk.platform_scores import score_table
from finsentry.risk.weights import packaged_weights
from tests.docking.report_files import months, report


def _table(rows: list[dict[str, str]]) -> pa.Table:
    return check_reports(records_batch(list(enumerate(rows, start=2)))).table


def test_no_month_reads_a_later_month(demo_table: pa.Table) -> None:
    full = score_table(demo_table)
    panel = full.panel

    for m in range(0, len(panel.months), 5):
        cut = demo_table.filter(pc.less_equal(demo_table["month"], panel.months[m]))
        early = score_table(cut)
        rows = [panel.platforms.index(p) for p in early.panel.platforms]
        month = early.panel.months.index(panel.months[m])
        assert (early.score[:, month] == full.score[rows, m]).all()


def test_explained_points_add_up_to_every_score(demo_table: pa.Table) -> None:
    scores = score_table(demo_table)

    for p, m in zip(*np.nonzero(scores.panel.reported), strict=True):
        items = explain_month(scores, p, m)
        assert sum(i.points for i in items) == scores.score[p, m]
        assert all(i.text and i.facts["month"] == scores.panel.months[m] for i in items)


def test_yields_raised_and_money_leaving_raise_the_level() -> None:
    calendar = months(2017, 1, 18)
    rows = [report("steady", m) for m in calendar]
    rows += [report("failing", m) for m in calendar[:12]]
    for step, m in enumerate(calendar[12:], start=1):
        rows.append(
            report(
                "failing",
                m,
                avg_yield=9.8 + 1.2 * step,
                net_inflow_30d=-150 * step,
                balance=5000 - 200 * step,
                lenders=800 - 60 * step,
                avg_term=6 - 0.8 * step,
            )
        )

    scores = score_table(_table(rows))

    steady, failing = (scores.panel.platforms.index(p) for p in ("steady", "failing"))
    assert scores.score[steady].max() == 0
    assert scores.score[failing, :12].max() == 0
    assert scores.level(failing, 17) in ("high", "critical")
    keys = {e.key for e in explain_month(scores, failing, 17)}
    assert {"op:yield_spread", "op:net_outflow", "op:term_shortening"} <= keys


def test_benchmark_is_the_month_median_with_enough_peers() -> None:
    weights = packaged_weights()
    many = [report(f"p{i}", "2018-01", avg_yield=8 + i) for i in range(11)]
    few = [report("p0", "2016-01", avg_yield=30)]

    panel = build_panel(_table(many + few))
    bench = market_benchmark(panel, weights)

    assert bench[panel.months.index("2018-01")] == 13.0
    assert bench[panel.months.index("2016-01")] == weights.benchmark["by_year"][2016]


def test_score_platforms_writes_every_platform_and_month(
    demo_files: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"

    call_command("score_platforms", str(demo_files[0]), "--out", str(out))

    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    with demo_files[0].open(encoding="utf-8") as handle:
        expected = {(r["platform"], r["month"]) for r in csv.DictReader(handle)}
    assert list(rows[0])[:4] == ["platform", "month", "score", "level"]
    assert {(r["platform"], r["month"]) for r in rows} == expected
    assert all(0 <= int(r["score"]) <= 100 for r in rows)
    assert {r["level"] for r in rows} <= {"low", "watch", "high", "critical"}


def test_weights_with_fewer_features_score_only_those(demo_table: pa.Table) -> None:
    from finsentry.risk.weights import packaged_text, parse_weights

    head = packaged_text().split("  features:\n")[0]
    line = "    yield_spread: {dimension: yield, points: 20, from: 2.0, full: 8.0}\n"
    weights = parse_weights(head + "  features:\n" + line)

    scores = score_table(demo_table, weights)

    assert scores.keys == ["yield_spread"]
    assert scores.score.max() <= 20 and scores.score.max() > 0
