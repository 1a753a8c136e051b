"""The statistics page and the report downloads: scope, refusals, audit."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from finsentry.accounts.models import AuditEntry
from tests.stats.conftest import World

pytestmark = pytest.mark.django_db


def body(response: Any) -> bytes:
    """Return a file response's bytes, read to the end (which closes the file)."""
    return b"".join(response.streaming_content)


def test_page_shows_the_province_figures_to_the_analyst(world: World) -> None:
    response = world.client(world.analyst).get(
        reverse("stats:overview"), {"domain": "p2p"}
    )

    assert response.status_code == 200
    shown = response.context["shown"]
    assert (shown.total.watched, shown.total.problems) == (4, 2)
    page = response.content.decode()
    assert 'id="total-ratio">50.0%' in page
    assert "report-docx" in page
    assert AuditEntry.objects.filter(action="stats.view").exists()


def test_county_officer_page_counts_their_county_only(world: World) -> None:
    response = world.client(world.yanji_officer).get(reverse("stats:overview"))

    shown = response.context["shown"]
    assert shown.area.county == "222401"
    assert (shown.total.watched, shown.total.problems) == (2, 1)
    assert "长春" not in "".join(r.label for r in shown.by_county)


@pytest.mark.parametrize(
    ("who", "asked"),
    [
        ("yanji_officer", {"city": "2201"}),
        ("yanji_officer", {"county": "220102"}),
        ("p2p_officer", {"domain": "insurance"}),
        ("analyst", {"domain": "bitcoin"}),
    ],
)
def test_out_of_scope_filters_are_answered_404(
    world: World, who: str, asked: dict
) -> None:
    client = world.client(getattr(world, who))

    assert client.get(reverse("stats:overview"), asked).status_code == 404
    assert client.get(reverse("stats:report_docx"), asked).status_code == 404


@pytest.mark.parametrize("who", ["cc_inspector", "leader"])
def test_inspector_and_leader_may_view_but_not_export(world: World, who: str) -> None:
    client = world.client(getattr(world, who))

    page = client.get(reverse("stats:overview"))
    assert page.status_code == 200
    assert "report-docx" not in page.content.decode()
    assert client.get(reverse("stats:report_docx")).status_code == 403
    assert client.get(reverse("stats:report_xlsx")).status_code == 403


def test_word_download_is_scoped_and_audited(world: World) -> None:
    client = world.client(world.yanji_officer)

    response = client.get(reverse("stats:report_docx"), {"domain": "p2p"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    document = Document(io.BytesIO(body(response)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "延吉市P2P 网络借贷领域共有监测企业2户，其中问题企业1户" in text
    entry = AuditEntry.objects.get(action="stats.export")
    assert entry.username == "yj-officer"
    assert entry.detail["county"] == "222401"
    assert entry.detail["format"] == "docx"


def test_excel_download_of_one_city_for_the_p2p_office(world: World) -> None:
    response = world.client(world.p2p_officer).get(
        reverse("stats:report_xlsx"), {"domain": "p2p", "city": "2201"}
    )

    book = load_workbook(io.BytesIO(body(response)))
    rows = list(book["按市（州）统计"].iter_rows(min_row=3, values_only=True))
    assert rows == [("长春市", 2, 1, 0.5)]


def test_anonymous_is_sent_to_log_in(world: World) -> None:
    from django.test import Client

    response = Client().get(reverse("stats:overview"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_case_dashboard_shows_the_problem_headline(world: World) -> None:
    response = world.client(world.yanji_officer).get(reverse("cases:dashboard"))

    page = response.content.decode()
    assert 'id="problem-headline"' in page
    assert "50.0%" in page
