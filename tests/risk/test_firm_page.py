"""The firm page shows the score, its breakdown with evidence links and the series."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from finsentry.docking import services as docking
from finsentry.registry.models import Firm
from finsentry.registry.uscc import make_code
from finsentry.risk import services
from finsentry.rules.models import Finding
from tests.docking.report_files import months, report

pytestmark = pytest.mark.django_db
SEEN = datetime(2024, 3, 1, tzinfo=UTC)


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("risk-admin", "", "x"))
    return client


def test_firm_page_shows_score_breakdown_links_and_chart(staff: Client) -> None:
    firm = Firm.objects.create(
        uscc=make_code("91", "220102", "MA000007"), name="长春测试网贷有限公司"
    )
    finding = Finding.objects.create(
        firm=firm, code="P2P-05", domain="p2p", source="patrol", summary="保本保息",
        rule="t", rule_version="t@1", fingerprint="f1", first_seen=SEEN,
        last_seen=SEEN,
    )  # fmt: skip
    docking.submit_reports([report(firm.uscc, m) for m in months(2018, 1, 3)])
    services.rescore()

    page = staff.get(f"/firms/{firm.uscc}/").content.decode()

    assert 'id="risk-breakdown"' in page and "诱导与宣传" in page
    assert f'href="#finding-{finding.pk}"' in page
    assert 'id="risk-series"' in page and "chart.umd.js" in page


def test_unscored_firm_page_says_so(staff: Client) -> None:
    firm = Firm.objects.create(uscc=make_code("91", "220102", "MA000008"), name="某")

    page = staff.get(f"/firms/{firm.uscc}/").content.decode()

    assert "尚未评分" in page and 'id="risk-series"' not in page


def test_docking_page_lists_unlinked_platforms(staff: Client) -> None:
    docking.submit_reports([report("JLP2P-00042", "2018-01")])

    page = staff.get("/docking/").content.decode()

    assert "JLP2P-00042" in page and "未关联" in page
