"""Triggers on a firm and domain with an open alert add evidence to it."""

from __future__ import annotations

from finsentry.alerts.models import Alert, AlertEvent, Kind, State
from finsentry.alerts.raising import sweep
from tests.alerts.conftest import critical_finding
from tests.alerts.scores import level_change


def test_a_level_crossing_raises_an_alert_citing_the_score(
    staff, yanji_firm, clock
) -> None:
    change = level_change(yanji_firm, "watch", "high", 30, 55)

    result = sweep()

    alert = Alert.objects.get()
    assert (alert.kind, alert.level, alert.domain) == (Kind.LEVEL, "high", "p2p")
    assert alert.title.startswith("风险等级由“关注”升至“高”（30 → 55 分")
    assert alert.evidence[0]["scores"] == [change.pk]
    assert alert.finding_ids() == list(
        yanji_firm.findings.filter(code="P2P-05").values_list("pk", flat=True)
    )
    assert (result.raised, result.merged) == (1, 0)


def test_level_changes_are_read_once_and_falls_or_low_levels_are_ignored(
    staff, yanji_firm, cc_firm, clock
) -> None:
    level_change(yanji_firm, "high", "watch", 55, 30)
    level_change(cc_firm, "low", "watch", 0, 20)
    sweep()
    assert not Alert.objects.exists()

    level_change(cc_firm, "watch", "critical", 20, 85)
    sweep()
    sweep()

    assert Alert.objects.get().firm == cc_firm


def test_a_second_trigger_merges_evidence_and_raises_the_level(
    staff, yanji_firm, clock
) -> None:
    level_change(yanji_firm, "watch", "high", 30, 55)
    sweep()
    finding = critical_finding(yanji_firm, "P2P-01")

    result = sweep()

    alert = Alert.objects.get()
    assert (result.raised, result.merged) == (0, 1)
    assert alert.level == "critical" and alert.kind == Kind.LEVEL
    assert [item["kind"] for item in alert.evidence] == ["level", "finding"]
    assert finding.pk in alert.finding_ids()
    assert "province" in alert.offices.values_list("code", flat=True)
    merged = alert.events.get(kind=AlertEvent.Kind.MERGED)
    assert merged.detail["level"] == ["high", "critical"]


def test_critical_findings_of_one_firm_share_one_alert(
    staff, yanji_firm, clock
) -> None:
    critical_finding(yanji_firm, "P2P-01")
    critical_finding(yanji_firm, "P2P-03")
    critical_finding(yanji_firm, "P2P-05", n=2)  # not critical: no trigger

    sweep()
    sweep()

    alert = Alert.objects.get()
    assert [i["facts"]["code"] for i in alert.evidence] == ["P2P-01", "P2P-03"]
    assert alert.triggers.count() == 2


def test_a_trigger_after_dismissal_opens_a_new_alert(staff, yanji_firm, clock) -> None:
    critical_finding(yanji_firm, "P2P-01")
    sweep()
    Alert.objects.update(state=State.DISMISSED)
    critical_finding(yanji_firm, "P2P-03")

    sweep()

    assert Alert.objects.filter(state=State.NEW).count() == 1
    assert Alert.objects.count() == 2


def test_a_dismissed_finding_or_an_unlinked_one_raises_nothing(
    staff, yanji_firm, clock
) -> None:
    gone = critical_finding(yanji_firm, "P2P-01")
    gone.dismissed_at = gone.first_seen
    gone.save()
    lead = critical_finding(yanji_firm, "P2P-03")
    lead.firm = None
    lead.save()
    sweep()
    assert not Alert.objects.exists()

    lead.firm = yanji_firm
    lead.save()
    sweep()

    assert Alert.objects.get().finding_ids() == [lead.pk]
