"""Level changes as a rescoring writes them, made by hand for the alert tests."""

from __future__ import annotations

from django.utils import timezone

from finsentry.registry.models import Firm
from finsentry.risk.models import FirmScore, LevelChange, Rescore


def level_change(firm: Firm, old: str, new: str, old_score: int, new_score: int):
    """Record a rescoring that moved `firm` from `old` to `new`, citing its P2P-05."""
    now = timezone.now()
    run = Rescore.objects.create(weights_version="test-1", started_at=now)
    cited = list(firm.findings.filter(code="P2P-05").values_list("pk", flat=True))
    breakdown = [
        {
            "dimension": "inducement",
            "key": "code:P2P-05",
            "points": new_score,
            "raw": new_score,
            "findings": cited,
            "facts": {"count": len(cited)},
            "text": "P2P-05 代替客户承诺保本保息：发现 1 条",
        }
    ]
    FirmScore.objects.update_or_create(
        firm=firm,
        defaults={
            "score": new_score,
            "level": new,
            "weights_version": "test-1",
            "breakdown": breakdown,
            "computed_at": now,
        },
    )
    return LevelChange.objects.create(
        firm=firm,
        rescore=run,
        old_level=old,
        new_level=new,
        old_score=old_score,
        new_score=new_score,
        weights_version="test-1",
        changed_at=now,
    )
