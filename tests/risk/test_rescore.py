"""Scoring every firm in the database: stored scores, versions and level changes."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from finsentry.docking import services as docking
from finsentry.registry.models import Firm
from finsentry.registry.uscc import make_code
from finsentry.risk import services
from finsentry.risk.errors import WeightsError
from finsentry.risk.models import FirmScore, PlatformMonthScore
from finsentry.risk.weights import packaged_text
from finsentry.rules.models import Finding
from tests.docking.report_files import months, report

pytestmark = pytest.mark.django_db
SEEN = datetime(2024, 3, 1, tzinfo=UTC)


def _firm(n: int) -> Firm:
    code = make_code("91", "220102", f"MA{n:06d}")
    return Firm.objects.create(uscc=code, name=f"长春测试{n}有限公司")


def _finding(firm: Firm, code: str, source: str = "patrol") -> Finding:
    key = f"{firm.pk}:{code}:{source}:{Finding.objects.count()}"
    return Finding.objects.create(
        firm=firm,
        code=code,
        domain="p2p",
        source=source,
        summary=code,
        rule="test",
        rule_version="test@1",
        fingerprint=key,
        first_seen=SEEN,
        last_seen=SEEN,
    )


def _failing_reports(firm: Firm) -> None:
    calendar = months(2017, 1, 15)
    rows = [report(firm.uscc, m) for m in calendar[:10]]
    for step, m in enumerate(calendar[10:], start=1):
        rows.append(
            report(firm.uscc, m, avg_yield=10 + 1.5 * step, net_inflow_30d=-300 * step)
        )
    docking.submit_reports(rows)


def test_every_firm_gets_a_score_whose_items_add_up() -> None:
    quiet, promoter, platform = _firm(1), _firm(2), _firm(3)
    promise = _finding(promoter, "P2P-05")
    tip = _finding(promoter, "P2P-03", source="tips")
    _failing_reports(platform)

    result = services.rescore()

    assert result.run.status == "finished" and result.run.firms == 3
    scores = {s.firm_id: s for s in FirmScore.objects.all()}
    assert (scores[quiet.pk].score, scores[quiet.pk].level) == (0, "low")
    for score in scores.values():
        assert sum(i["points"] for i in score.breakdown or []) == score.score
        assert score.weights_version == "2026.12.1"
    cited = {i for item in scores[promoter.pk].breakdown for i in item["findings"]}
    assert cited == {promise.pk, tip.pk}
    assert scores[platform.pk].operating_month == "2018-03"
    assert PlatformMonthScore.objects.count() == 15
    assert {c.firm_id for c in result.changes} == {promoter.pk, platform.pk}


def test_repeat_changes_nothing_and_a_dismissal_drops_the_level() -> None:
    firm = _firm(1)
    finding = _finding(firm, "P2P-03")
    services.rescore()

    again = services.rescore()
    finding.dismissed_at, finding.dismissed_reason = SEEN, "误报"
    finding.save()
    dropped = services.rescore()

    assert again.run.level_changes == 0
    [change] = list(dropped.changes)
    assert (change.old_level, change.new_level, change.new_score) == ("watch", "low", 0)
    assert FirmScore.objects.get(firm=firm).breakdown is None


def test_new_weights_version_rescores_exactly_the_firms_it_concerns() -> None:
    promoter, other = _firm(1), _firm(2)
    _finding(promoter, "P2P-05")
    _finding(other, "MKT-01")
    services.rescore()
    before = dict(FirmScore.objects.values_list("firm_id", "score"))

    text = packaged_text().replace('version: "2026.12.1"', 'version: "2026.12.2"')
    text = text.replace(
        "P2P-05: {dimension: promotion, points: 15,",
        "P2P-05: {dimension: promotion, points: 18,",
    )
    services.save_weights(text, note="加重保本保息")
    call_command("rescore", stdout=None)

    after = dict(FirmScore.objects.values_list("firm_id", "score"))
    assert after[promoter.pk] == before[promoter.pk] + 3
    assert after[other.pk] == before[other.pk]
    assert set(FirmScore.objects.values_list("weights_version", flat=True)) == {
        "2026.12.2"
    }
    with pytest.raises(WeightsError, match="已存在"):
        services.save_weights(text)
