"""BIG-01: a large or fast-growing platform with a sign of illegal fund-raising
raises a critical alert to the provincial office at once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from finsentry.accounts.models import Office
from finsentry.alerts import big01, workflow
from finsentry.alerts.models import Alert, Kind
from finsentry.alerts.policy import policy
from finsentry.alerts.raising import after_patrol_round, sweep
from finsentry.alerts.visibility import visible_alerts
from finsentry.cases.errors import OutOfScope
from finsentry.docking.models import Platform
from finsentry.notices.models import Notice
from finsentry.patrol.models import PatrolRound, RoundSite, Site
from finsentry.risk.models import PlatformMonthScore, Rescore
from tests.alerts.conftest import critical_finding, import_big
from tests.alerts.scores import level_change

RULE = policy().big01


def _months(balances: list[float], lenders: int = 100) -> list[big01.MonthFigures]:
    return [
        big01.MonthFigures(f"2026-{i + 1:02d}", b, b / 4, lenders)
        for i, b in enumerate(balances)
    ]


def test_large_balance_with_a_sign_meets_big01() -> None:
    found = big01.assess(_months([20000] * 3), ["P2P-05 代替客户承诺保本保息"], RULE)

    assert found is not None
    assert found.month == "2026-03"
    assert "借贷余额 20,000 万元" in found.text and "P2P-05" in found.text


def test_many_lenders_count_as_large() -> None:
    size, facts = big01.size_facts(_months([100], lenders=6000), RULE)

    assert size == ["出借人 6,000 人，超过 5,000 人"] and facts["lenders"] == 6000


def test_doubling_over_the_growth_window_counts_as_fast_growth() -> None:
    series = _months([1000, 1100, 1200, 1400, 1600, 1800, 2100])

    size, facts = big01.size_facts(series, RULE)

    assert size == [
        "借贷余额较 2026-01 增长 110%（6 个月内）",
        "成交额较 2026-01 增长 110%（6 个月内）",
    ]
    assert facts["growth_since"] == "2026-01"


@pytest.mark.parametrize(
    ("balances", "signs"),
    [([2000] * 7, ["P2P-05"]), ([20000] * 3, [])],
    ids=["small-and-steady", "no-sign"],
)
def test_small_platforms_and_platforms_without_signs_do_not_meet_big01(
    balances: list[float], signs: list[str]
) -> None:
    assert big01.assess(_months(balances), signs, RULE) is None


def test_big_platform_with_p2p05_alerts_the_province_on_docking_import(
    staff, yanji_firm, clock
) -> None:
    import_big(yanji_firm)

    alert = Alert.objects.get(firm=yanji_firm)
    assert (alert.kind, alert.level, alert.domain) == (Kind.BIG01, "critical", "cross")
    assert alert.finding_ids() == [yanji_firm.findings.get(code="P2P-05").pk]
    assert "借贷余额 20,000 万元" in alert.title and "P2P-05" in alert.title
    codes = set(alert.offices.values_list("code", flat=True))
    assert codes == {"province", "domain-p2p", "city-2224", "county-222401"}
    assert alert.office.code == "province"
    assert Notice.objects.filter(recipient=staff.analyst, kind="alert").count() == 1


def test_big01_whatever_the_score_and_once_per_combination_of_signs(
    staff, yanji_firm, clock
) -> None:
    import_big(yanji_firm)
    sweep()
    sweep()

    assert Alert.objects.count() == 1
    assert len(Alert.objects.get().evidence) == 1

    critical_finding(yanji_firm, "P2P-03")
    sweep()

    alert = Alert.objects.get(kind=Kind.BIG01)
    assert [item["kind"] for item in alert.evidence] == ["big01", "big01"]


def test_a_small_platform_raises_no_big01(staff, yanji_firm, clock) -> None:
    import_big(yanji_firm, balance=2000)

    assert not Alert.objects.exists()


def test_big01_mails_the_provincial_office(
    staff, yanji_firm, clock, settings, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    settings.NOTICE_EMAIL = True

    with django_capture_on_commit_callbacks(execute=True):
        import_big(yanji_firm)

    to = {a for m in mailoutbox for a in m.to}
    assert "analyst@jrb.jl.example" in to and "yj-officer@jrb.jl.example" in to
    assert all("严重预警" in m.subject for m in mailoutbox)
    assert Office.objects.get(code="province").members.exists()


def test_a_patrol_round_sweeps_the_firms_it_visited(staff, yanji_firm, clock) -> None:
    import_big(yanji_firm)
    Alert.objects.all().delete()  # as if the sign were found after the reports
    site = Site.objects.create(
        root_url="http://yanji.example/", host="yanji.example", firm=yanji_firm
    )
    patrol = PatrolRound.objects.create(started_at=timezone.now())
    RoundSite.objects.create(round=patrol, site=site)

    result = after_patrol_round(patrol.pk)

    assert result.by_kind == {"big01": 1}
    assert Alert.objects.get().kind == Kind.BIG01


def test_a_fast_rising_operating_score_is_a_sign(staff, yanji_firm, clock) -> None:
    yanji_firm.findings.all().delete()
    import_big(yanji_firm)
    assert not Alert.objects.exists()
    platform = Platform.objects.get(firm=yanji_firm)
    for month, score in [("2026-04", 10), ("2026-05", 18), ("2026-06", 25)]:
        PlatformMonthScore.objects.create(
            platform=platform,
            month=month,
            score=score,
            level="low",
            weights_version="t",
        )
    first = level_change(yanji_firm, "low", "watch", 0, 30)
    Rescore.objects.filter(pk=first.rescore_id).update(status="finished")
    sweep()
    assert not Alert.objects.exists()  # 15 points, and the first scoring is no rise

    PlatformMonthScore.objects.create(
        platform=platform, month="2026-07", score=41, level="watch", weights_version="t"
    )
    sweep()

    alert = Alert.objects.get()
    assert "运营数据风险分 2026-04 至 2026-07 由 10 升至 41" in alert.title
    assert alert.finding_ids() == []


def test_the_p2p_office_reads_a_big01_alert_but_the_province_handles_it(
    staff, yanji_firm, clock
) -> None:
    import_big(yanji_firm)
    alert = Alert.objects.get(firm=yanji_firm)

    assert visible_alerts(staff.p2p_officer, Alert.objects.all()).count() == 1
    assert workflow.available(alert, staff.p2p_officer) == []
    with pytest.raises(OutOfScope, match="领域超出您的工作范围"):
        workflow.dismiss(staff.p2p_officer, alert, reason="不属实")
    assert [s.name for s in workflow.available(alert, staff.analyst)] == [
        "verify",
        "dismiss",
    ]
