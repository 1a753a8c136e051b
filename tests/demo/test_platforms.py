"""Tests of the demo platforms' monthly reports and their planted truth."""

import csv
from collections import Counter
from pathlib import Path

from finsentry.demo.generator import generate_firms
from finsentry.demo.platforms import demo_platforms, market_yield, write_platform_files
from finsentry.risk.platform_scores import read_report_file


def test_same_seed_gives_same_reports_and_other_seeds_differ() -> None:
    first = list(demo_platforms(generate_firms(3_000, 5), 5))

    assert first == list(demo_platforms(generate_firms(3_000, 5), 5))
    assert first != list(demo_platforms(generate_firms(3_000, 5), 6))


def test_a_platform_does_not_depend_on_how_many_firms_there_are() -> None:
    small = dict(demo_platforms(generate_firms(2_000, 3), 3))
    large = dict(demo_platforms(generate_firms(4_000, 3), 3))

    assert all(large[truth] == rows for truth, rows in small.items())


def test_truth_matches_the_reports(tmp_path: Path) -> None:
    reports, truth = tmp_path / "r.csv", tmp_path / "t.csv"
    truths = write_platform_files(reports, truth, generate_firms(8_000, 2016))

    read = read_report_file(reports)
    months: dict[str, list[str]] = {}
    for platform, month in zip(
        read.table["platform"].to_pylist(), read.table["month"].to_pylist(), strict=True
    ):
        months.setdefault(platform, []).append(month)
    assert read.rejects == []
    outcomes = Counter(t.outcome for t in truths)
    assert set(outcomes) == {"failed", "exited", "healthy"}
    for t in truths:
        assert (min(months[t.platform]), max(months[t.platform])) == (
            t.first_month,
            t.last_month,
        )
        if t.outcome == "failed":
            assert t.failed_month > t.last_month and t.kind
    with truth.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == len(truths)


def test_failing_platforms_pay_more_than_the_market_before_they_fail() -> None:
    spreads: dict[str, list[float]] = {"failed": [], "healthy": []}
    for truth, rows in demo_platforms(generate_firms(8_000, 2016), 2016):
        if truth.outcome in spreads and truth.kind != "sudden":
            last = rows[-1]
            year, month = int(last["month"][:4]), int(last["month"][5:])
            market = market_yield(year * 12 + month - 1)
            spreads[truth.outcome].append(float(last["avg_yield"]) - market)

    assert sum(spreads["failed"]) / len(spreads["failed"]) > 2 + sum(
        spreads["healthy"]
    ) / len(spreads["healthy"])
