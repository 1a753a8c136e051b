"""Alerts go to the domain office and the firm's city and county offices; no one
else sees them."""

from __future__ import annotations

from django.urls import reverse

from finsentry.alerts.models import Alert
from finsentry.alerts.raising import sweep
from finsentry.alerts.routing import routed_offices
from finsentry.notices.models import Notice
from finsentry.risk.models import FirmScore
from tests.alerts.conftest import critical_finding, import_big
from tests.alerts.scores import level_change
from tests.cases.conftest import login


def test_routing_lists_county_city_domain_and_the_province_when_asked() -> None:
    assert routed_offices("2224", "222401", ["p2p"], provincial=False) == [
        "county-222401",
        "city-2224",
        "domain-p2p",
    ]
    assert routed_offices("", "", ["cross"], provincial=True) == ["province"]
    assert routed_offices("2201", "", ["payment"], provincial=True) == [
        "city-2201",
        "domain-payment",
        "province",
    ]


def _recipients(alert: Alert) -> set[str]:
    notices = Notice.objects.filter(url=f"/alerts/{alert.pk}/")
    return set(notices.values_list("recipient__username", flat=True))


def test_a_high_alert_notifies_domain_city_and_county_offices(
    staff, yanji_firm, yanbian_officer, clock
) -> None:
    level_change(yanji_firm, "watch", "high", 30, 55)
    sweep()

    alert = Alert.objects.get()
    assert alert.office.code == "county-222401"
    assert _recipients(alert) == {"p2p", "yb-officer", "yj-officer"}


def test_a_critical_alert_notifies_the_province_too(
    staff, yanji_firm, yanbian_officer, clock
) -> None:
    critical_finding(yanji_firm)
    sweep()

    alert = Alert.objects.get()
    assert _recipients(alert) == {
        "p2p",
        "yb-officer",
        "yj-officer",
        "analyst",
        "leader",
    }


def test_out_of_scope_users_neither_list_nor_open_the_alert(
    staff, yanji_firm, clock
) -> None:
    import_big(yanji_firm)
    alert = Alert.objects.get()
    url = reverse("alerts:alert", args=[alert.pk])

    for user in (staff.cc_officer, staff.cc_inspector, staff.insurance_officer):
        client = login(user)
        listed = client.get(reverse("alerts:list"), {"state": ""})
        assert alert.reference not in listed.content.decode()
        assert client.get(url).status_code == 404

    for user in (staff.analyst, staff.p2p_officer, staff.yanji_inspector):
        page = login(user).get(url)
        assert page.status_code == 200 and "BIG-01" in page.content.decode()


def test_a_firm_outside_the_offices_goes_to_the_province(staff, cc_firm, clock) -> None:
    cc_firm.city_code, cc_firm.county_code = "2101", "210102"  # 沈阳, not Jilin
    cc_firm.domains = ""
    cc_firm.save()
    cc_firm.findings.all().delete()
    level_change(cc_firm, "watch", "high", 30, 55)
    FirmScore.objects.filter(firm=cc_firm).update(breakdown=[])

    sweep()

    alert = Alert.objects.get()
    assert alert.domain == "cross" and alert.office.code == "province"
