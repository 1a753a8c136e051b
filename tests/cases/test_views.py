"""The case pages over HTTP: each step through its form, refusals with reasons."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from finsentry.cases import reminders, services
from finsentry.cases.models import Case, VerificationTask
from finsentry.cases.transitions import State
from tests.cases.conftest import case_in_state, login, office

pytestmark = pytest.mark.django_db


def test_firm_page_shows_findings_by_code_and_the_case_sections(
    staff, cc_firm, clock
) -> None:
    services.open_case(staff.analyst, cc_firm, "p2p", summary="巡查发现")
    html = login(staff.analyst).get(reverse("registry:firm", args=[cc_firm.uscc]))
    text = html.content.decode()
    for part in [
        'id="code-P2P-05"',
        'id="code-INS-01"',
        "以选中的发现下达核查任务",
        'id="firm-verification"',
        'id="firm-cases"',
        "核查认定中",
        "导出档案（Word）",
    ]:
        assert part in text, part


def test_leader_sees_the_dossier_without_any_action(staff, cc_firm, clock) -> None:
    case = services.open_case(staff.analyst, cc_firm, "p2p", summary="巡查发现")
    client = login(staff.leader)
    firm_page = client.get(reverse("registry:firm", args=[cc_firm.uscc])).content
    assert "下达核查任务".encode() not in firm_page
    case_page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "没有可办理的操作" in case_page
    refused = client.post(reverse("cases:step", args=[case.pk, "accept"]), {})
    assert refused.status_code == 403


def test_assigning_a_task_from_ticked_findings(staff, cc_firm, clock) -> None:
    client = login(staff.p2p_officer)
    finding = cc_firm.findings.get(domain="p2p")
    url = reverse("cases:new_task", args=[cc_firm.uscc])
    form = client.get(url, {"finding": finding.pk})
    assert form.status_code == 200
    assert form.context["form"].initial["findings"] == [finding.pk]

    response = client.post(
        url,
        {
            "domain": "p2p",
            "method": "site_visit",
            "assignee_office": office("county-220102").pk,
            "assignee": staff.cc_inspector.pk,
            "due_date": "2026-09-18",
            "instructions": "核实经营场所和线下宣传",
            "findings": [finding.pk],
        },
    )
    task = VerificationTask.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/tasks/{task.pk}/"
    assert task.assignee == staff.cc_inspector and task.case.state == State.VERIFYING


def test_inspector_records_a_site_visit_with_photos(staff, cc_firm, clock) -> None:
    task = services.assign_task(
        staff.p2p_officer,
        cc_firm,
        domain="p2p",
        method="site_visit",
        due_date=date(2026, 9, 18),
        assignee_office=office("county-220102"),
    )
    client = login(staff.cc_inspector)
    page = client.get(reverse("cases:task", args=[task.pk])).content.decode()
    assert "填报核查结果" in page
    response = client.post(
        reverse("cases:task", args=[task.pk]),
        {
            "outcome": "confirmed",
            "checked_on": "2026-09-14",
            "place": "人民大街 1 号",
            "notes": "现场有线下推介",
            "confirmed_codes": ["P2P-11"],
            "attachments": [
                SimpleUploadedFile("门头.jpg", b"photo-1"),
                SimpleUploadedFile("海报.jpg", b"photo-2"),
            ],
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == "done"
    assert sorted(task.documents.values_list("name", flat=True)) == [
        "海报.jpg",
        "门头.jpg",
    ]
    download = client.get(reverse("cases:document", args=[task.documents.first().pk]))
    assert download.status_code == 200


def test_order_step_through_the_form_and_wrong_step_refused_with_reason(
    staff, cc_firm, clock
) -> None:
    case = services.open_case(staff.analyst, cc_firm, "p2p", summary="巡查")
    client = login(staff.p2p_officer)
    finding = cc_firm.findings.get(domain="p2p")

    refused = client.post(
        reverse("cases:step", args=[case.pk, "accept"]), {"conclusion": "验收"}
    )
    assert refused.status_code == 409
    assert "当前状态为“核查认定中”，不能执行“验收结案”" in refused.content.decode()

    ordered = client.post(
        reverse("cases:step", args=[case.pk, "order_rectification"]),
        {
            "reasoning": "情节较轻",
            "findings": [finding.pk],
            "demands": "撤除宣传\n\n提交整改报告\n",
            "days": "10",
            "day_kind": "working",
            "served_on": "2026-09-14",
        },
    )
    assert ordered.status_code == 302
    case.refresh_from_db()
    assert case.state == State.RECTIFYING
    assert list(case.orders.get().demands.values_list("text", flat=True)) == [
        "撤除宣传",
        "提交整改报告",
    ]

    demands = list(case.orders.get().demands.all())
    rechecked = login(staff.cc_inspector).post(
        reverse("cases:step", args=[case.pk, "recheck"]),
        {
            "checked_on": "2026-09-14",
            f"met_{demands[0].pk}": "1",
            f"met_{demands[1].pk}": "0",
            f"note_{demands[1].pk}": "报告未提交",
        },
    )
    assert rechecked.status_code == 302
    case.refresh_from_db()
    assert case.state == State.RECHECK_FAILED


def test_incomplete_form_comes_back_with_its_errors(staff, cc_firm, clock) -> None:
    case = services.open_case(staff.analyst, cc_firm, "p2p", summary="巡查")
    response = login(staff.analyst).post(
        reverse("cases:step", args=[case.pk, "order_rectification"]), {"days": "10"}
    )
    assert response.status_code == 200
    # Django's wording, or the same message from the API package's catalogue.
    assert "必填项" in response.content.decode()
    assert Case.objects.get().state == State.VERIFYING


def test_case_list_filters_overdue_and_dashboard_renders(staff, cc_firm, clock) -> None:
    case = case_in_state(cc_firm, State.VERIFYING, staff.analyst)
    services.order_rectification(
        staff.analyst,
        case,
        demands=["整改"],
        days=1,
        day_kind="calendar",
        served_on=date(2026, 9, 10),
        reasoning="限期整改",
        findings=list(cc_firm.findings.filter(domain="p2p")),
    )
    reminders.send_reminders()
    client = login(staff.leader)
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'id="case-overdue"' in page and "系统" in page
    listing = client.get(reverse("cases:list"), {"overdue": "on"})
    assert [c.pk for c in listing.context["page"]] == [case.pk]
    board = client.get(reverse("cases:dashboard"))
    assert board.status_code == 200
    assert board.context["board"].totals["overdue"] == 1
    assert 'id="case-chart-data"' in board.content.decode()


def test_open_case_page_and_conflict_message(staff, cc_firm, clock) -> None:
    client = login(staff.cc_officer)
    url = reverse("cases:open", args=[cc_firm.uscc])
    first = client.post(url, {"domain": "p2p", "summary": "举报线索"})
    assert first.status_code == 302
    again = client.post(url, {"domain": "p2p", "summary": "再次"})
    assert again.status_code == 409
    assert "已有未结案件" in again.content.decode()


def test_case_and_task_pages_are_audited_reads(staff, cc_firm, clock) -> None:
    from finsentry.accounts.models import AuditEntry

    case = services.open_case(staff.analyst, cc_firm, "p2p", summary="巡查")
    login(staff.leader).get(reverse("cases:case", args=[case.pk]))
    entry = AuditEntry.objects.filter(action="case.view").get()
    assert entry.username == "leader" and entry.firm_uscc == cc_firm.uscc


def test_admin_reads_cases_but_changes_nothing(staff, cc_firm, clock) -> None:
    case = services.open_case(staff.analyst, cc_firm, "p2p", summary="巡查")
    client = login(staff.admin)
    listing = client.get("/admin/cases/case/")
    assert listing.status_code == 200 and cc_firm.name in listing.content.decode()
    detail = client.get(f"/admin/cases/case/{case.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.post(f"/admin/cases/case/{case.pk}/delete/").status_code == 403
