"""Risk queries and writes that other apps and the console commands call.

For alerts: `rescore()` scores every firm and returns the run with the
level changes it caused; `level_changes(run)` reads them again later, and
`current_score(firm)` gives a firm's score, level and breakdown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db.models import QuerySet

from finsentry.docking.services import link_platforms_by_code
from finsentry.registry.models import Firm
from finsentry.risk.errors import WeightsError
from finsentry.risk.models import FirmScore, LevelChange, Rescore, WeightsVersion
from finsentry.risk.rescoring import rescore_all
from finsentry.risk.weights import Weights, packaged_weights, parse_weights

log = logging.getLogger(__name__)


@dataclass
class RescoreResult:
    """A finished rescore and the level changes it recorded."""

    run: Rescore
    changes: QuerySet[LevelChange]


def active_weights() -> Weights:
    """Return the weights in force: the active staff version, or the packaged one."""
    row = WeightsVersion.objects.filter(active=True).first()
    if row is None:
        return packaged_weights()
    try:
        return parse_weights(row.yaml_text, f"db:{row.version}")
    except WeightsError as exc:
        # The admin form refuses invalid YAML; a row written another way
        # must not stop scoring, so the packaged weights stay in force.
        log.warning("stored weights skipped version=%s error=%s", row.version, exc)
        return packaged_weights()


def rescore(weights: Weights | None = None) -> RescoreResult:
    """Link platforms, score every firm and return the run with its level changes."""
    link_platforms_by_code()
    run = rescore_all(weights or active_weights())
    return RescoreResult(run, level_changes(run))


def level_changes(run: Rescore) -> QuerySet[LevelChange]:
    """Return the level changes a rescore recorded, with their firms."""
    return LevelChange.objects.filter(rescore=run).select_related("firm")


def current_score(firm: Firm) -> FirmScore | None:
    """Return a firm's current score, or None before the first rescore."""
    return FirmScore.objects.filter(firm=firm).first()


def save_weights(text: str, note: str = "", user: object = None) -> WeightsVersion:
    """Store a checked weights YAML as the new active version and return it."""
    weights = parse_weights(text, "新版本")
    if WeightsVersion.objects.filter(version=weights.version).exists():
        raise WeightsError("新版本", f"版本 {weights.version} 已存在", "version")
    WeightsVersion.objects.filter(active=True).update(active=False)
    row = WeightsVersion.objects.create(
        version=weights.version,
        yaml_text=text,
        active=True,
        note=note,
        edited_by=user,  # type: ignore[misc]
    )
    log.info("weights version saved version=%s", weights.version)
    return row
