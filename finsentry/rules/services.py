"""The rule set in force: packaged packs with the active packs staff edited.

Detection itself needs no database (`ruleset.packaged_ruleset`); the patrol
and the web UI call `current_ruleset()`, which reads the active `RulePack`
rows, lets each replace the packaged pack of its name, and compiles the
result. The compiled set is kept until the active packs change, checked at
most every CHECK_SECONDS, so detection does not query for every page.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db.models import Count, Max

from finsentry.rules.errors import RulePackError
from finsentry.rules.models import RulePack
from finsentry.rules.packs import Pack, merge_packs, packaged_packs, parse_pack
from finsentry.rules.ruleset import RuleSet, compile_packs, packaged_ruleset

log = logging.getLogger(__name__)

CHECK_SECONDS = 30.0

_lock = threading.Lock()
_cached: dict[str, object] = {}


def active_db_packs() -> list[Pack]:
    """Return the active packs stored in the database, parsed; bad ones skipped."""
    packs = []
    for row in RulePack.objects.filter(active=True).order_by("name"):
        try:
            packs.append(parse_pack(row.yaml_text, f"db:{row.name}#{row.pk}"))
        except RulePackError as exc:
            # The admin form refuses invalid YAML; a row written another way
            # must not stop detection, so the packaged pack stays in force.
            log.warning("stored rule pack skipped: %s", exc.message)
    return packs


def merged_packs() -> tuple[Pack, ...]:
    """Return the packaged packs with the active database packs in their place."""
    return merge_packs(packaged_packs(), active_db_packs())


def _state() -> tuple[int, str]:
    """Return a cheap fingerprint of the active packs: their count and last edit."""
    row = RulePack.objects.filter(active=True).aggregate(
        n=Count("id"), at=Max("edited_at")
    )
    return int(row["n"] or 0), str(row["at"] or "")


def current_ruleset() -> RuleSet:
    """Return the compiled rule set in force, recompiled when staff change packs."""
    now = time.monotonic()
    with _lock:
        checked = float(_cached.get("checked", 0.0))  # type: ignore[arg-type]
        if "ruleset" in _cached and now - checked < CHECK_SECONDS:
            return _cached["ruleset"]  # type: ignore[return-value]
        state = _state()
        if _cached.get("state") != state or "ruleset" not in _cached:
            overrides = active_db_packs()
            if overrides:
                ruleset = compile_packs(merge_packs(packaged_packs(), overrides))
            else:
                ruleset = packaged_ruleset()
            _cached["ruleset"] = ruleset
            _cached["state"] = state
            log.info("rule set in force: %d database packs", len(overrides))
        _cached["checked"] = now
        return _cached["ruleset"]  # type: ignore[return-value]


def forget_ruleset() -> None:
    """Drop the cached rule set, so the next call reads the database again."""
    with _lock:
        _cached.clear()
