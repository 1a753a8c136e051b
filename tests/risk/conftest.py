"""Fixtures of the risk tests: a small demo province's platform reports."""

from pathlib import Path

import pyarrow as pa
import pytest

from finsentry.demo.generator import generate_firms
from finsentry.demo.platforms import write_platform_files
from finsentry.risk.platform_scores import read_report_file


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return the reports and truth files of a 6,000-firm demo province."""
    folder = tmp_path_factory.mktemp("platforms")
    reports, truth = folder / "reports.csv", folder / "truth.csv"
    write_platform_files(reports, truth, generate_firms(6_000, 2016), 2016)
    return reports, truth


@pytest.fixture(scope="session")
def demo_table(demo_files: tuple[Path, Path]) -> pa.Table:
    """Return the demo reports as the checked table the scoring reads."""
    read = read_report_file(demo_files[0])
    assert read.rejects == []
    return read.table
