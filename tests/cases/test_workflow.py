"""The case workflow through its services: from a finding to acceptance."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from finsentry.accounts.models import AuditEntry
from finsentry.cases import documents, services
from finsentry.cases.errors import CaseConflict, OutOfScope, PreconditionFailed
from finsentry.cases.models import Case, Document, TimelineEntry, VerificationRecord
from finsentry.cases.transitions import State, TaskState
from finsentry.notices.models import Notice
from finsentry.patrol import evidence
from finsentry.rules.models import Finding
from tests.cases.conftest import office, task_on

pytestmark = pytest.mark.django_db
PHOTO = b"\x89PNG\r\n\x1a\n" + b"site visit photo" * 50


def test_full_path_from_finding_to_acceptance(staff, cc_firm, clock) -> None:
    finding = cc_firm.findings.get(domain="p2p")

    task = task_on(cc_firm, staff.p2p_officer, "county-220102", date(2026, 9, 18))
    case = task.case
    assert case.state == State.VERIFYING and case.domain == "p2p"
    assert list(task.findings.all()) == [finding]
    assert Notice.objects.filter(recipient=staff.cc_inspector).count() == 1

    upload = SimpleUploadedFile("现场照片.png", PHOTO, content_type="image/png")
    record = services.record_result(
        staff.cc_inspector,
        task,
        outcome=VerificationRecord.Outcome.CONFIRMED,
        notes="经现场勘查，该公司在经营场所张贴“本息保障”宣传材料。",
        checked_on=date(2026, 9, 14),
        place="长春市南关区人民大街 1 号",
        confirmed_codes=["P2P-05", "P2P-11"],
        files=[upload],
    )
    task.refresh_from_db()
    assert task.state == TaskState.DONE
    photo = record.documents.get()
    assert photo.sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert evidence.load(photo.sha256) == PHOTO
    verified = Finding.objects.filter(firm=cc_firm, source="verify")
    assert sorted(verified.values_list("code", flat=True)) == ["P2P-05", "P2P-11"]

    order = services.order_rectification(
        staff.p2p_officer,
        case,
        demands=["撤除全部保本保息宣传", "停止线下营销并提交整改报告"],
        days=10,
        day_kind="working",
        served_on=date(2026, 9, 14),
        reasoning="违规情节较轻，限期整改。",
        findings=[finding, *verified],
        tasks=[task],
    )
    case.refresh_from_db()
    assert case.state == State.RECTIFYING and case.disposition == "rectify"
    # 10 working days from Monday 14 September 2026: the Sunday 20 make-up day
    # counts, 25-27 September (Mid-Autumn) do not.
    assert order.due_date == date(2026, 9, 28)

    with time_machine.travel(date(2026, 10, 12), tick=False):
        demands = list(order.demands.all())
        recheck = services.record_recheck(
            staff.cc_inspector,
            case,
            results={demands[0].pk: (True, "已撤除"), demands[1].pk: (True, "")},
            checked_on=date(2026, 10, 12),
            notes="回头看：整改到位。",
        )
        assert recheck.passed
        case.refresh_from_db()
        assert case.state == State.AWAITING_ACCEPTANCE

        services.accept(staff.p2p_officer, case, conclusion="整改到位，验收通过。")
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.closed_at is not None

    kinds = list(case.timeline.values_list("kind", flat=True))
    assert kinds == [
        "opened",
        "task_assigned",
        "task_recorded",
        "order_rectification",
        "recheck_passed",
        "accept",
    ]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"case.open", "task.assign", "task.record", "case.transition"} <= actions


def test_failed_recheck_leads_to_a_second_order_or_closure(staff, cc_firm, clock):
    case = services.open_case(staff.analyst, cc_firm, "p2p", summary="巡查发现")
    finding = cc_firm.findings.get(domain="p2p")
    order = services.order_rectification(
        staff.analyst,
        case,
        demands=["下架违规产品"],
        days=15,
        day_kind="calendar",
        served_on=date(2026, 9, 14),
        reasoning="限期整改",
        findings=[finding],
    )
    demand = order.demands.get()
    services.record_recheck(
        staff.cc_officer,
        case,
        results={demand.pk: (False, "仍在销售")},
        checked_on=date(2026, 9, 14),
    )
    case.refresh_from_db()
    assert case.state == State.RECHECK_FAILED

    second = services.order_rectification(
        staff.analyst,
        case,
        demands=["立即下架", "退还投资人资金"],
        days=5,
        day_kind="working",
        served_on=date(2026, 9, 14),
        reasoning="再次限期整改",
    )
    assert second.sequence == 2
    case.refresh_from_db()
    assert case.state == State.RECTIFYING
    assert case.timeline.filter(kind="reorder").exists()


def test_referral_stores_the_evidence_package_and_names_its_hash(
    staff, cc_firm, clock
) -> None:
    case = services.open_case(staff.p2p_officer, cc_firm, "p2p", summary="涉嫌非法集资")
    referral = services.refer(
        staff.p2p_officer,
        case,
        organ_kind="public_security",
        organ_name="长春市公安局经济犯罪侦查支队",
        referred_on=date(2026, 9, 14),
        reference="吉金整移〔2026〕3号",
        reasoning="涉嫌非法吸收公众存款",
        findings=list(cc_firm.findings.filter(domain="p2p")),
    )
    package = referral.package
    body = documents.document_bytes(package)
    assert hashlib.sha256(body).hexdigest() == referral.package_sha256 == package.sha256
    assert package.kind == Document.Kind.EVIDENCE_PACKAGE
    case.refresh_from_db()
    assert case.state == State.REFERRED and case.disposition == "refer"


def test_a_firm_has_one_open_case_per_domain(staff, cc_firm, clock) -> None:
    first = services.open_case(staff.analyst, cc_firm, "p2p", summary="巡查")
    services.open_case(staff.analyst, cc_firm, "insurance", summary="保险")

    with pytest.raises(CaseConflict) as refused:
        services.open_case(staff.analyst, cc_firm, "p2p", summary="again")
    assert first.reference in refused.value.message
    assert Case.objects.filter(firm=cc_firm).count() == 2


def test_compliant_in_one_domain_and_rectifying_in_another(staff, cc_firm, clock):
    p2p = services.open_case(staff.analyst, cc_firm, "p2p", summary="巡查")
    insurance = services.open_case(staff.analyst, cc_firm, "insurance", summary="保险")
    services.classify_compliant(
        staff.analyst,
        insurance,
        reasoning="经核实保险业务由持牌机构开展",
        findings=list(cc_firm.findings.filter(domain="insurance")),
    )
    services.order_rectification(
        staff.analyst,
        p2p,
        demands=["整改"],
        days=10,
        day_kind="working",
        served_on=date(2026, 9, 14),
        reasoning="限期整改",
        findings=list(cc_firm.findings.filter(domain="p2p")),
    )
    states = dict(Case.objects.filter(firm=cc_firm).values_list("domain", "state"))
    assert states == {"insurance": State.SUPERVISED, "p2p": State.RECTIFYING}


def test_classification_needs_evidence_and_changes_nothing_without_it(
    staff, cc_firm, clock
) -> None:
    case = services.open_case(staff.analyst, cc_firm, "p2p", summary="巡查")
    before = TimelineEntry.objects.count()

    with pytest.raises(PreconditionFailed, match="至少一条发现"):
        services.shut_down(staff.analyst, case, reasoning="情节严重")
    case.refresh_from_db()
    assert case.state == State.VERIFYING and case.disposition == ""
    assert TimelineEntry.objects.count() == before
    assert not case.classifications.exists()


def test_working_day_order_past_the_calendar_data_is_refused_whole(
    staff, cc_firm
) -> None:
    with time_machine.travel(date(2026, 12, 28), tick=False):
        case = services.open_case(staff.analyst, cc_firm, "p2p", summary="巡查")
        with pytest.raises(Exception) as refused:
            services.order_rectification(
                staff.analyst,
                case,
                demands=["整改"],
                days=10,
                day_kind="working",
                served_on=date(2026, 12, 28),
                reasoning="限期整改",
                findings=list(cc_firm.findings.filter(domain="p2p")),
            )
    assert getattr(refused.value, "code", "") == "calendar_out_of_range"
    case.refresh_from_db()
    assert case.state == State.VERIFYING and not case.orders.exists()


def test_task_goes_only_to_an_office_over_the_firm(staff, cc_firm, clock) -> None:
    with pytest.raises(PreconditionFailed, match="不管辖"):
        task_on(cc_firm, staff.analyst, "county-222401", date(2026, 9, 20))
    with pytest.raises(PreconditionFailed, match="市（州）或县"):
        task_on(cc_firm, staff.analyst, "domain-p2p", date(2026, 9, 20))
    assert not Case.objects.exists()


def test_county_officer_gives_tasks_only_to_own_office_or_below(
    staff, cc_firm, clock
) -> None:
    task = task_on(cc_firm, staff.cc_officer, "county-220102", date(2026, 9, 20))
    assert task.assigned_by_office == office("city-2201")
    assert task.assignee_office.code == "county-220102"


def test_only_the_assigned_office_records_a_result(staff, cc_firm, yanji_firm, clock):
    task = task_on(cc_firm, staff.analyst, "county-220102", date(2026, 9, 20))
    with pytest.raises(OutOfScope):
        services.record_result(
            staff.yanji_inspector,
            task,
            outcome="confirmed",
            notes="越权填报",
            checked_on=date(2026, 9, 14),
        )
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED and not task.records.exists()


def test_a_second_record_adds_to_a_done_task_without_replacing(
    staff, cc_firm, clock
) -> None:
    task = task_on(cc_firm, staff.analyst, "county-220102", date(2026, 9, 20))
    for notes in ("第一次勘查：人去楼空", "第二次勘查：已搬迁至新址"):
        services.record_result(
            staff.cc_inspector,
            task,
            outcome="not_operating",
            notes=notes,
            checked_on=date(2026, 9, 14),
            files=[SimpleUploadedFile("照片.jpg", notes.encode())],
        )
    notes = list(task.records.values_list("notes", flat=True))
    assert notes == ["第一次勘查：人去楼空", "第二次勘查：已搬迁至新址"]
    assert Document.objects.filter(task=task).count() == 2
    assert task.timeline.filter(kind="task_supplemented").count() == 1
