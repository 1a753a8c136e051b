"""Importing registry files into the database: idempotence, history, failures."""

import csv
from pathlib import Path

import pytest

from finsentry.registry import importer
from finsentry.registry.models import Firm, FirmChange, ImportRun
from finsentry.registry.pipeline import Screener
from finsentry.registry.screening import WordList
from finsentry.rules.models import Finding
from tests.registry.registry_files import code, firm_row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def screener() -> Screener:
    return Screener(WordList.default())


def sample_rows() -> list[list[str]]:
    return [
        firm_row(
            1, "吉林鑫汇金融信息服务有限公司", "金融信息服务；P2P网络借贷信息中介"
        ),
        firm_row(2, "长春市南关区小王烧烤店", "餐饮服务"),
        firm_row(
            3,
            "长春丰禾商贸有限公司",
            "日用百货销售（不得从事吸收存款、集资收款、受托贷款、发放贷款等金融业务）",
        ),
        firm_row(4, "坏代码公司", "餐饮", uscc="91220102MA000004XX"),
        firm_row(5, "吉林坏日期公司", "餐饮", established="2016-13-45"),
    ]


def rejects_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_import_stores_valid_rows_and_names_rejects(tmp_path: Path, screener) -> None:
    source = write_csv(tmp_path / "r.csv", sample_rows(), encoding="gbk")
    rejects = tmp_path / "rejects.csv"

    run = importer.import_registry(source, screener, rejects)

    assert run.status == "finished" and run.encoding == "gb18030"
    assert (run.rows_read, run.rows_inserted, run.rows_rejected) == (5, 3, 2)
    assert Firm.objects.count() == 3
    rows = rejects_of(rejects)
    assert [(r["line"], r["column"]) for r in rows] == [
        ("5", "uscc"),
        ("6", "established"),
    ]
    assert "校验码" in rows[0]["reason"] or "非法字符" in rows[0]["reason"]


def test_import_screens_and_records_findings(tmp_path: Path, screener) -> None:
    source = write_csv(tmp_path / "r.csv", sample_rows())

    importer.import_registry(source, screener, tmp_path / "rej.csv")

    finance = Firm.objects.get(uscc=code(1))
    assert finance.flagged and "p2p" in finance.domain_list
    assert not Firm.objects.get(uscc=code(3)).flagged
    findings = Finding.objects.filter(firm=finance, code="REG-01")
    assert {f.domain for f in findings} == set(finance.domain_list)
    assert all(f.rule_version for f in findings)


def test_reimport_is_idempotent_and_keeps_history(tmp_path: Path, screener) -> None:
    source = write_csv(tmp_path / "r.csv", sample_rows())
    importer.import_registry(source, screener, tmp_path / "rej.csv")
    findings_before = Finding.objects.count()

    again = importer.import_registry(source, screener, tmp_path / "rej2.csv")

    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged) == (0, 0, 3)
    assert Firm.objects.count() == 3
    assert Finding.objects.count() == findings_before

    rows = sample_rows()
    rows[1] = firm_row(2, "长春市南关区老王烧烤店", "餐饮服务", status="注销")
    updated = write_csv(tmp_path / "r2.csv", rows)
    third = importer.import_registry(updated, screener, tmp_path / "rej3.csv")

    assert (third.rows_inserted, third.rows_updated) == (0, 1)
    changes = {c.field: (c.old_value, c.new_value) for c in FirmChange.objects.all()}
    assert changes["name"] == ("长春市南关区小王烧烤店", "长春市南关区老王烧烤店")
    assert changes["status"][1] != changes["status"][0]


def test_failure_mid_import_keeps_committed_batches_whole(
    tmp_path: Path, screener, monkeypatch
) -> None:
    rows = [
        firm_row(i, f"长春测试{i}商贸有限公司", "日用百货销售") for i in range(1, 51)
    ]
    source = write_csv(tmp_path / "r.csv", rows)
    monkeypatch.setattr(importer, "BATCH_ROWS", 10)
    real_commit = importer.commit_batch
    calls = {"n": 0}

    def failing_commit(run, part, screener_):
        calls["n"] += 1
        if calls["n"] == 3:
            # Fail inside the batch's transaction, after some rows were written.
            def explode(*args, **kwargs):
                raise RuntimeError("disk full")

            monkeypatch.setattr(importer, "record_screening_findings", explode)
        return real_commit(run, part, screener_)

    monkeypatch.setattr(importer, "commit_batch", failing_commit)

    with pytest.raises(RuntimeError):
        importer.import_registry(source, screener, tmp_path / "rej.csv")

    run = ImportRun.objects.get()
    assert run.status == "failed" and run.batches_committed == 2
    assert Firm.objects.count() == 20
    assert "disk full" in run.error

    monkeypatch.undo()
    finished = importer.import_registry(source, screener, tmp_path / "rej2.csv")

    assert finished.status == "finished"
    assert (finished.rows_inserted, finished.rows_unchanged) == (30, 20)
    assert Firm.objects.count() == 50


def test_repeated_code_in_one_file_is_rejected(tmp_path: Path, screener) -> None:
    rows = [firm_row(1, "甲公司", "餐饮"), firm_row(1, "甲公司二", "商贸")]
    source = write_csv(tmp_path / "r.csv", rows)

    run = importer.import_registry(source, screener, tmp_path / "rej.csv")

    assert run.rows_rejected == 1
    assert Firm.objects.get().name == "甲公司"
    assert "第 2 行重复" in rejects_of(tmp_path / "rej.csv")[0]["reason"]


def test_rescreen_applies_an_edited_word_list(tmp_path: Path, screener) -> None:
    from finsentry.registry import services
    from finsentry.registry.models import ScreeningWord
    from finsentry.registry.rescreen import rescreen_firms

    source = write_csv(tmp_path / "r.csv", sample_rows())
    importer.import_registry(source, screener, tmp_path / "rej.csv")
    assert not Firm.objects.get(uscc=code(2)).flagged
    services.seed_words()
    ScreeningWord.objects.create(word="烧烤", domain="cross", lists="staff")

    run = rescreen_firms(services.screener())

    firm = Firm.objects.get(uscc=code(2))
    assert firm.flagged and "烧烤" in firm.keywords.split(";")
    assert run.rows_updated >= 1
    assert FirmChange.objects.count() == 0
    assert Finding.objects.filter(firm=firm, code="REG-01", domain="cross").exists()
