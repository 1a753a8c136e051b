"""The Word dossier and the evidence package: marks, fonts, tables, hashes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from finsentry.accounts.models import AuditEntry
from finsentry.cases import package, services, word
from finsentry.patrol import evidence
from finsentry.patrol.models import Observation, PatrolRound, Site, Snapshot
from tests.cases.conftest import login, task_on

pytestmark = pytest.mark.django_db
PAGE = (
    "<html><body><p>平台承诺 100%本息保障，逾期由平台垫付。</p></body></html>".encode()
)
NOW = datetime(2026, 9, 14, 3, 20, tzinfo=UTC)


@pytest.fixture
def worked(staff, cc_firm, clock):
    """The 长春 firm with a page snapshot, a site visit with a photo and an order."""
    site = Site.objects.create(
        root_url="http://xinrong.example/", host="xinrong.example", firm=cc_firm,
        source=Site.Source.REGISTRY,
    )  # fmt: skip
    patrol = PatrolRound.objects.create(trigger=PatrolRound.Trigger.CONSOLE)
    stored = evidence.store(PAGE)
    shot = Snapshot.objects.create(
        site=site, round=patrol, url="http://xinrong.example/", status_code=200,
        final_url="http://xinrong.example/", fetched_at=NOW, sha256=stored.sha256,
        size=stored.size, text="平台承诺 100%本息保障，逾期由平台垫付。",
    )  # fmt: skip
    finding = cc_firm.findings.get(domain="p2p")
    finding.evidence = {"snapshot": shot.pk, "url": shot.url}
    finding.save()
    Observation.objects.create(
        finding=finding, site=site, round=patrol, snapshot=shot, start=3, end=11
    )
    task = task_on(cc_firm, staff.analyst, "county-220102", date(2026, 9, 20))
    services.record_result(
        staff.cc_inspector,
        task,
        outcome="confirmed",
        notes="现场张贴“本息保障”海报。",
        checked_on=date(2026, 9, 14),
        files=[SimpleUploadedFile("海报.jpg", b"JPEG poster bytes")],
    )
    services.order_rectification(
        staff.analyst,
        task.case,
        demands=["撤除海报及网站宣传", "提交整改报告"],
        days=10,
        day_kind="working",
        served_on=date(2026, 9, 14),
        reasoning="违规情节较轻",
        findings=[finding],
        tasks=[task],
    )
    return {"firm": cc_firm, "shot": shot, "task": task}


def _texts(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for grid in document.tables:
        for row in grid.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_word_dossier_opens_and_marks_every_page_with_user_and_time(
    worked, staff
) -> None:
    body = word.dossier_docx(worked["firm"], staff.analyst, now=NOW)
    document = Document(io.BytesIO(body))

    for section in document.sections:
        footer = "".join(p.text for p in section.footer.paragraphs)
        header = "".join(p.text for p in section.header.paragraphs)
        assert "导出人：李明（analyst）" in footer
        assert "导出时间：2026年09月14日 11:20" in footer
        assert "注意保密" in header
        assert not section.different_first_page_header_footer
    instructions = section.footer._element.xpath(".//w:instrText/text()")
    assert {i.strip() for i in instructions} == {"PAGE", "NUMPAGES"}

    text = _texts(document)
    for expected in [
        worked["firm"].name,
        "P2P-05 代替客户承诺保本保息",
        "平台承诺 100%本息保障",
        "现场勘查",
        "现场张贴“本息保障”海报。",
        "撤除海报及网站宣传",
        "10 个工作日（至 2026年09月28日）",
        "认定违规较轻，下达限期整改通知",
        hashlib.sha256(b"JPEG poster bytes").hexdigest(),
    ]:
        assert expected in text, expected


def test_word_dossier_names_chinese_fonts_on_its_styles(worked, staff) -> None:
    document = Document(io.BytesIO(word.dossier_docx(worked["firm"], staff.analyst)))
    for name, font in [("Normal", "宋体"), ("Heading 1", "黑体"), ("Title", "黑体")]:
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == font
        assert fonts.get(qn("w:asciiTheme")) is None
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37


def test_evidence_package_manifest_hashes_match_every_file(worked, staff) -> None:
    built = package.build(worked["firm"], staff.analyst, now=NOW)
    assert hashlib.sha256(built.body).hexdigest() == built.sha256

    archive = zipfile.ZipFile(io.BytesIO(built.body))
    names = set(archive.namelist())
    manifest = json.loads(archive.read("manifest.json"))
    listed = {f["path"] for f in manifest["files"]}
    assert names == listed | {"manifest.json", "SHA256SUMS"}
    for item in manifest["files"]:
        data = archive.read(item["path"])
        assert hashlib.sha256(data).hexdigest() == item["sha256"]
        assert len(data) == item["size"]
    sums = archive.read("SHA256SUMS").decode().splitlines()
    assert len(sums) == len(manifest["files"])

    shot = worked["shot"]
    assert archive.read(f"snapshots/{shot.sha256}.html") == PAGE
    assert manifest["exported_by"] == "analyst"
    photo = [n for n in names if n.startswith("documents/") and n.endswith("海报.jpg")]
    assert archive.read(photo[0]) == b"JPEG poster bytes"
    findings = json.loads(archive.read("findings.json"))
    assert {f["code"] for f in findings} >= {"P2P-05", "INS-01"}
    table = list(
        csv.DictReader(io.StringIO(archive.read("findings.csv").decode("utf-8-sig")))
    )
    assert {row["code"] for row in table} == {f["code"] for f in findings}
    cases = json.loads(archive.read("cases.json"))
    assert cases["cases"][0]["orders"][0]["demands"] == [
        "撤除海报及网站宣传",
        "提交整改报告",
    ]
    Document(io.BytesIO(archive.read("dossier.docx")))


def test_package_refuses_a_tampered_snapshot(worked, staff, evidence_dir) -> None:
    path = evidence.object_path(worked["shot"].sha256)
    path.chmod(0o644)
    path.write_bytes(b"not zstd")
    with pytest.raises(evidence.EvidenceCorrupt):
        package.build(worked["firm"], staff.analyst)


def test_exports_download_and_are_audited(worked, staff) -> None:
    client = login(staff.cc_officer)
    firm = worked["firm"]
    word_response = client.get(reverse("cases:word", args=[firm.uscc]))
    assert word_response.status_code == 200
    Document(io.BytesIO(b"".join(word_response.streaming_content)))
    zip_response = client.get(reverse("cases:package", args=[firm.uscc]))
    assert zip_response.status_code == 200
    zipfile.ZipFile(io.BytesIO(b"".join(zip_response.streaming_content)))
    actions = AuditEntry.objects.filter(username="cc-officer").values_list(
        "action", flat=True
    )
    assert {"dossier.export_word", "dossier.export_package"} <= set(actions)


@pytest.mark.parametrize("who", ["leader", "cc_inspector"])
def test_leaders_and_inspectors_may_not_export(worked, staff, who: str) -> None:
    client = login(getattr(staff, who))
    response = client.get(reverse("cases:word", args=[worked["firm"].uscc]))
    assert response.status_code == 403
