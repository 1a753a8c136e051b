"""Importing report files and submissions into the database."""

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from finsentry.docking import importer, services
from finsentry.docking.models import Platform, PlatformReport, ReportImport
from finsentry.registry.models import Firm
from finsentry.registry.uscc import make_code
from tests.docking.report_files import months, report, write_reports

pytestmark = pytest.mark.django_db
CODE = make_code("91", "220102", "MA000001")


def _firm(code: str = CODE) -> Firm:
    return Firm.objects.create(uscc=code, name="长春某网络借贷有限公司")


def _rows(platform: str = CODE, count: int = 6) -> list[dict[str, str]]:
    return [report(platform, m) for m in months(2017, 1, count)]


def test_import_stores_rows_and_links_the_firm_by_code(tmp_path: Path) -> None:
    firm = _firm()
    path = write_reports(tmp_path / "r.csv", _rows() + _rows("ppdai", 2))

    run = services.import_report_file(path, tmp_path / "rej.csv")

    assert (run.status, run.rows_read, run.rows_inserted) == ("finished", 8, 8)
    platform = Platform.objects.get(key=CODE)
    assert platform.firm == firm and platform.uscc == CODE
    assert (platform.first_month, platform.last_month) == ("2017-01", "2017-06")
    assert Platform.objects.get(key="ppdai").firm is None
    assert PlatformReport.objects.get(platform=platform, month="2017-03").lenders == 800


def test_reimport_changes_nothing_and_a_correction_one_row(tmp_path: Path) -> None:
    rows = _rows()
    path = write_reports(tmp_path / "r.csv", rows)
    services.import_report_file(path, tmp_path / "rej.csv")

    again = services.import_report_file(path, tmp_path / "rej2.csv")
    rows[2] = report(CODE, "2017-03", net_inflow_30d="-900")
    fixed = services.import_report_file(
        write_reports(tmp_path / "r2.csv", rows), tmp_path / "rej3.csv"
    )

    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged) == (0, 0, 6)
    assert (fixed.rows_inserted, fixed.rows_updated, fixed.rows_unchanged) == (0, 1, 5)
    assert PlatformReport.objects.count() == 6
    stored = PlatformReport.objects.get(month="2017-03")
    assert stored.net_inflow_30d == -900 and stored.import_run == fixed


def test_refused_rows_go_to_the_rejects_file_and_are_counted(tmp_path: Path) -> None:
    rows = _rows(count=3)
    rows[1] = report(CODE, "2017-02", avg_yield="abc")
    path = write_reports(tmp_path / "r.csv", rows)

    run = services.import_report_file(path, tmp_path / "rej.csv")

    assert (run.rows_read, run.rows_inserted, run.rows_rejected) == (3, 2, 1)
    with (tmp_path / "rej.csv").open(encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines == [
        ["line", "platform", "column", "reason"],
        ["3", CODE, "avg_yield", "不是数字：abc"],
    ]


def test_failure_mid_import_keeps_committed_batches_whole(
    tmp_path: Path, monkeypatch
) -> None:
    path = write_reports(tmp_path / "r.csv", _rows(count=25))
    monkeypatch.setattr(importer, "BATCH_ROWS", 10)
    real = importer._stretch_months
    calls = {"n": 0}

    def failing(ids, rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(ids, rows)

    monkeypatch.setattr(importer, "_stretch_months", failing)
    with pytest.raises(RuntimeError):
        services.import_report_file(path, tmp_path / "rej.csv")

    run = ReportImport.objects.get()
    assert (run.status, run.batches_committed) == ("failed", 1)
    assert PlatformReport.objects.count() == 10 and "disk full" in run.error

    monkeypatch.undo()
    finished = services.import_report_file(path, tmp_path / "rej2.csv")
    assert (finished.rows_inserted, finished.rows_unchanged) == (15, 10)
    assert PlatformReport.objects.count() == 25


def test_submitted_rows_are_checked_like_a_file() -> None:
    rows = [dict(r) for r in _rows(count=2)]
    rows.append({**report(CODE, "2017-03"), "lenders": "many"})

    result = services.submit_reports(rows, source="api:test")

    assert result.run.rows_inserted == 2 and result.run.rows_rejected == 1
    assert [(r.line, r.column) for r in result.rejects] == [(3, "lenders")]


def test_platform_id_is_linked_later(tmp_path: Path) -> None:
    services.submit_reports(_rows("JLP2P-00001", 2))
    firm = _firm()

    services.link_platform("JLP2P-00001", firm)

    assert [r.month for r in services.firm_reports(firm)] == ["2017-01", "2017-02"]


def test_code_platform_links_when_the_firm_arrives_later() -> None:
    services.submit_reports(_rows(count=1))
    firm = _firm()

    assert services.link_platforms_by_code() == 1
    assert Platform.objects.get(key=CODE).firm == firm


def test_import_reports_command_reports_counts(tmp_path: Path, capsys) -> None:
    path = write_reports(tmp_path / "r.csv", _rows(count=2))

    call_command("import_reports", str(path), "--rejects", str(tmp_path / "rej.csv"))

    assert "新增 2" in capsys.readouterr().out
    assert ReportImport.objects.get().finished_at <= timezone.now()
