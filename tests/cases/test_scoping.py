"""A 延吉 inspector never sees a 长春 case or task: lists, pages, exports, charts."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from finsentry.cases import access, queries, services
from tests.cases.conftest import login, task_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(staff, cc_firm, yanji_firm, clock):
    """A task and a case in 长春 and in 延吉, and an insurance case in 长春."""
    cc_task = task_on(cc_firm, staff.analyst, "county-220102", date(2026, 9, 20))
    yj_task = task_on(yanji_firm, staff.analyst, "county-222401", date(2026, 9, 20))
    insurance = services.open_case(staff.analyst, cc_firm, "insurance", summary="保险")
    return {"cc": cc_task, "yanji": yj_task, "insurance": insurance}


def test_yanji_inspector_lists_only_yanji_cases_and_tasks(staff, work) -> None:
    inspector = staff.yanji_inspector
    cases = set(access.visible_cases(inspector))
    tasks = set(queries.task_list(inspector, scope="all"))
    assert cases == {work["yanji"].case}
    assert tasks == {work["yanji"]}


def test_yanji_inspector_gets_404_for_every_changchun_page_and_export(
    staff, work, cc_firm
) -> None:
    client = login(staff.yanji_inspector)
    case, task = work["cc"].case, work["cc"]
    for url in [
        reverse("cases:case", args=[case.pk]),
        reverse("cases:task", args=[task.pk]),
        reverse("cases:word", args=[cc_firm.uscc]),
        reverse("cases:package", args=[cc_firm.uscc]),
        reverse("cases:new_task", args=[cc_firm.uscc]),
    ]:
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert cc_firm.name not in response.content.decode(), url

    listing = client.get(reverse("cases:list")).content.decode()
    assert cc_firm.name not in listing
    tasks = client.get(reverse("cases:tasks"), {"scope": "all"}).content.decode()
    assert cc_firm.name not in tasks and "延吉市汇金网贷" in tasks


def test_yanji_officer_exports_only_yanji(staff, work, yanji_firm, cc_firm) -> None:
    client = login(staff.yanji_officer)
    assert client.get(reverse("cases:word", args=[yanji_firm.uscc])).status_code == 200
    assert client.get(reverse("cases:package", args=[cc_firm.uscc])).status_code == 404


def test_dashboard_counts_only_what_the_user_sees(staff, work) -> None:
    yanji = queries.board(staff.yanji_inspector)
    province = queries.board(staff.leader)
    p2p = queries.board(staff.p2p_officer)

    assert yanji.totals["cases"] == 1
    assert [name for _, name, *_ in yanji.by_city] == ["延边朝鲜族自治州"]
    assert province.totals["cases"] == 3
    assert p2p.totals["cases"] == 2
    html = login(staff.yanji_inspector).get(reverse("cases:dashboard")).content.decode()
    assert "长春市" not in html


def test_domain_office_sees_its_domain_cases_only(staff, work) -> None:
    p2p = set(access.visible_cases(staff.p2p_officer))
    insurance = set(access.visible_cases(staff.insurance_officer))
    assert work["insurance"] not in p2p
    assert insurance == {work["insurance"]}


def test_domain_office_keeps_seeing_the_firm_of_its_case(staff, yanji_firm, clock):
    from finsentry.accounts import scoping

    yanji_firm.findings.all().delete()
    yanji_firm.domains = ""
    yanji_firm.save()
    assert not scoping.firm_visible(staff.insurance_officer, yanji_firm)
    services.open_case(staff.analyst, yanji_firm, "insurance", summary="举报线索")
    assert scoping.firm_visible(staff.insurance_officer, yanji_firm)
