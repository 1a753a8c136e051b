"""The alert pages: list with filters, detail with evidence, the handling forms,
and the section on the firm's dossier page."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from finsentry.accounts.models import AuditEntry
from finsentry.alerts.models import Alert, State
from finsentry.alerts.raising import sweep
from finsentry.cases.models import VerificationTask
from finsentry.risk import services as risk
from tests.alerts.conftest import critical_finding, import_big
from tests.alerts.scores import level_change
from tests.cases.conftest import login, office


def _listed(client, **query: str) -> str:
    return client.get(reverse("alerts:list"), query).content.decode()


def test_list_filters_by_state_level_domain_and_overdue(
    staff, yanji_firm, cc_firm, clock
) -> None:
    import_big(yanji_firm)
    level_change(cc_firm, "watch", "high", 30, 55)
    sweep()
    big = Alert.objects.get(firm=yanji_firm)
    high = Alert.objects.get(firm=cc_firm)
    client = login(staff.analyst)

    both = _listed(client)
    assert big.reference in both and high.reference in both
    assert '<option value="open" selected>未办结</option>' in both
    critical = _listed(client, level="critical")
    assert big.reference in critical and high.reference not in critical
    p2p = _listed(client, domain="p2p")
    assert high.reference in p2p and big.reference not in p2p

    clock.shift(timedelta(hours=30))
    client = login(staff.analyst)  # the earlier session has timed out
    late = _listed(client, overdue="on")
    assert big.reference in late and high.reference not in late

    Alert.objects.filter(pk=big.pk).update(state=State.DISMISSED)
    assert big.reference not in _listed(client)
    assert big.reference in _listed(client, state="dismissed")


def test_detail_explains_the_alert_and_is_audited(staff, yanji_firm, clock) -> None:
    import_big(yanji_firm)
    alert = Alert.objects.get()

    page = login(staff.analyst).get(reverse("alerts:alert", args=[alert.pk]))

    text = page.content.decode()
    assert "BIG-01 重大平台" in text and "代替客户承诺保本保息" in text
    assert "吉林省互联网金融风险专项整治工作领导小组办公室" in text
    assert 'name="csrfmiddlewaretoken"' in text and 'id="step-verify"' in text
    assert AuditEntry.objects.filter(action="alert.view", firm=yanji_firm).exists()


def test_verify_form_creates_the_task_and_dismiss_needs_a_reason(
    staff, yanji_firm, clock
) -> None:
    critical_finding(yanji_firm)
    sweep()
    alert = Alert.objects.get()
    client = login(staff.p2p_officer)
    step = lambda name: reverse("alerts:step", args=[alert.pk, name])  # noqa: E731

    empty = client.post(step("dismiss"), {})
    assert empty.status_code == 200 and "errorlist" in empty.content.decode()

    done = client.post(
        step("verify"),
        {
            "method": "site_visit",
            "assignee_office": office("county-222401").pk,
            "due_date": "2026-09-24",
        },
    )
    assert done.status_code == 302
    task = VerificationTask.objects.get()
    assert task.origin == f"alert:{alert.pk}"

    wrong = client.post(step("hand"), {})
    assert wrong.status_code == 409 and "不能“移交处置”" in wrong.content.decode()
    assert Alert.objects.get().state == State.VERIFYING


def test_leader_may_read_but_not_handle(staff, yanji_firm, clock) -> None:
    critical_finding(yanji_firm)
    sweep()
    alert = Alert.objects.get()
    client = login(staff.leader)

    assert client.get(reverse("alerts:alert", args=[alert.pk])).status_code == 200
    url = reverse("alerts:step", args=[alert.pk, "dismiss"])
    assert client.post(url, {"reason": "x"}).status_code == 403


def test_the_dossier_page_lists_the_firms_alerts(staff, yanji_firm, clock) -> None:
    critical_finding(yanji_firm)
    sweep()
    alert = Alert.objects.get()

    page = login(staff.yanji_officer).get(
        reverse("registry:firm", args=[yanji_firm.uscc])
    )

    text = page.content.decode()
    assert 'id="firm-alerts"' in text and alert.reference in text


def test_rescoring_sweeps_for_alerts(staff, yanji_firm, clock) -> None:
    critical_finding(yanji_firm)

    risk.rescore()

    alert = Alert.objects.get(firm=yanji_firm)
    assert {item["kind"] for item in alert.evidence} == {"level", "finding"}
