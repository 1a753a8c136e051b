"""Change detection: what happened to a site between two patrol rounds.

`compare` is a pure function over what each round saw of a site; it says
whether the site went dark (its home page failed with a DNS, refused,
timeout or 5xx error after being read last time), came back, now redirects
to another host, changed its pages, or shows claims that are new or gone.
Pages and claims are compared with the latest earlier round in which the
home page was read, so a site that was dark for a while is compared with
what it last showed. `record_changes` applies it to a finished round and
writes a `SiteEvent` per change, on the firm's dossier when the site is
linked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils import timezone

from finsentry.patrol.crawler.failures import DARK_KINDS
from finsentry.patrol.crawler.hosts import host_key
from finsentry.patrol.models import (
    FetchFailure,
    Observation,
    RoundSite,
    SiteEvent,
    Snapshot,
)

WENT_DARK = SiteEvent.Kind.WENT_DARK.value
BACK_ONLINE = SiteEvent.Kind.BACK_ONLINE.value
REDIRECTED = SiteEvent.Kind.REDIRECTED.value
CONTENT_CHANGED = SiteEvent.Kind.CONTENT_CHANGED.value
FINDING_NEW = SiteEvent.Kind.FINDING_NEW.value
FINDING_VANISHED = SiteEvent.Kind.FINDING_VANISHED.value

EXAMPLES = 10


@dataclass(frozen=True)
class SeenFinding:
    """A finding as a round observed it."""

    id: int
    code: str
    summary: str
    url: str = ""


@dataclass(frozen=True)
class RoundView:
    """What one round saw of one site.

    `root_failure` is the home page's failure kind ("" when it was read);
    `final_host` the host key the home page ended on; `pages` maps each
    stored URL to the SHA-256 of its text; `findings` maps fingerprints;
    `failed` holds the URLs whose fetch failed in this round: a page that
    failed is not known to be gone, nor are the claims seen on it.
    """

    root_failure: str = ""
    final_host: str = ""
    pages: Mapping[str, str] = field(default_factory=dict)
    findings: Mapping[str, SeenFinding] = field(default_factory=dict)
    failed: frozenset[str] = frozenset()

    @property
    def readable(self) -> bool:
        return not self.root_failure


@dataclass(frozen=True)
class Change:
    """One change between rounds: a `SiteEvent` kind and its details."""

    kind: str
    detail: dict[str, Any]


def compare(
    site_host: str,
    before: RoundView | None,
    after: RoundView,
    last_readable: RoundView | None = None,
) -> list[Change]:
    """Return the changes from `before` (the previous round) to `after`.

    `last_readable` is the latest earlier round whose home page was read
    (`before` itself when it was read); pages and claims are compared with it.
    """
    if before is None:
        return []
    found: list[Change] = []
    dark = after.root_failure in DARK_KINDS
    if dark and before.readable:
        found.append(Change(WENT_DARK, {"failure": after.root_failure}))
    if after.readable and before.root_failure in DARK_KINDS:
        found.append(Change(BACK_ONLINE, {"previous_failure": before.root_failure}))
    moved = after.readable and after.final_host not in ("", site_host)
    if moved and after.final_host != before.final_host:
        detail = {"from": before.final_host or site_host, "to": after.final_host}
        found.append(Change(REDIRECTED, detail))

    reference = last_readable if last_readable is not None else before
    if after.readable and reference.readable:
        found.extend(_page_changes(reference, after))
        found.extend(_finding_changes(reference, after))
    return found


def _page_changes(before: RoundView, after: RoundView) -> list[Change]:
    added = sorted(after.pages.keys() - before.pages.keys())
    removed = sorted(before.pages.keys() - after.pages.keys() - after.failed)
    both = before.pages.keys() & after.pages.keys()
    changed = sorted(u for u in both if before.pages[u] != after.pages[u])
    if not (added or removed or changed):
        return []
    detail = {
        "added": len(added),
        "removed": len(removed),
        "changed": len(changed),
        "added_urls": added[:EXAMPLES],
        "removed_urls": removed[:EXAMPLES],
        "changed_urls": changed[:EXAMPLES],
    }
    return [Change(CONTENT_CHANGED, detail)]


def _finding_changes(before: RoundView, after: RoundView) -> list[Change]:
    found = []
    for kind, source, other in (
        (FINDING_NEW, after.findings, before.findings),
        (FINDING_VANISHED, before.findings, after.findings),
    ):
        for key in sorted(source.keys() - other.keys()):
            seen = source[key]
            if kind == FINDING_VANISHED and seen.url in after.failed:
                continue
            detail = {"finding": seen.id, "code": seen.code, "summary": seen.summary}
            found.append(Change(kind, detail))
    return found


def record_changes(round_id: int, batch: int = 500) -> int:
    """Write the events of a finished round against each site's earlier rounds."""
    current = RoundSite.objects.filter(round_id=round_id).select_related("site")
    written = 0
    rows = list(current.order_by("site_id"))
    for start in range(0, len(rows), batch):
        written += _record_part(round_id, rows[start : start + batch])
    return written


def _record_part(round_id: int, rows: Sequence[RoundSite]) -> int:
    site_ids = [r.site_id for r in rows]
    earlier = RoundSite.objects.filter(
        site_id__in=site_ids, round_id__lt=round_id, state=RoundSite.State.DONE
    )
    previous = _latest(earlier)
    readable = _latest(earlier.filter(root_failure=""))
    wanted = {(s, r) for s, r in previous.items()} | set(readable.items())
    wanted |= {(s, round_id) for s in site_ids}
    views = _views(wanted)

    now = timezone.now()
    events = []
    for row in rows:
        before_round = previous.get(row.site_id)
        if before_round is None:
            continue
        after = views[(row.site_id, round_id)]
        before = views[(row.site_id, before_round)]
        last = readable.get(row.site_id)
        reference = views[(row.site_id, last)] if last is not None else None
        for change in compare(row.site.host, before, after, reference):
            events.append(
                SiteEvent(
                    site_id=row.site_id, firm_id=row.site.firm_id, round_id=round_id,
                    kind=change.kind, detail=change.detail, at=now,
                )
            )  # fmt: skip
    SiteEvent.objects.bulk_create(events)
    return len(events)


def _latest(rows: Any) -> dict[int, int]:
    latest = rows.values("site_id").annotate(last=Max("round_id"))
    return {r["site_id"]: r["last"] for r in latest}


def _views(wanted: set[tuple[int, int]]) -> dict[tuple[int, int], RoundView]:
    site_ids = {s for s, _ in wanted}
    round_ids = {r for _, r in wanted}
    pages: dict[tuple[int, int], dict[str, str]] = defaultdict(dict)
    shots = Snapshot.objects.filter(site_id__in=site_ids, round_id__in=round_ids)
    for site_id, rid, url, digest in shots.values_list(
        "site_id", "round_id", "url", "text_sha256"
    ):
        if (site_id, rid) in wanted:
            pages[(site_id, rid)][url] = digest

    findings: dict[tuple[int, int], dict[str, SeenFinding]] = defaultdict(dict)
    seen = Observation.objects.filter(site_id__in=site_ids, round_id__in=round_ids)
    for site_id, rid, fid, key, code, summary, url in seen.values_list(
        "site_id", "round_id", "finding_id", "finding__fingerprint",
        "finding__code", "finding__summary", "snapshot__url",
    ):  # fmt: skip
        if (site_id, rid) in wanted:
            findings[(site_id, rid)][key] = SeenFinding(fid, code, summary, url)

    failed: dict[tuple[int, int], set[str]] = defaultdict(set)
    failures = FetchFailure.objects.filter(site_id__in=site_ids, round_id__in=round_ids)
    for site_id, rid, url in failures.values_list("site_id", "round_id", "url"):
        if (site_id, rid) in wanted:
            failed[(site_id, rid)].add(url)

    ends = RoundSite.objects.filter(site_id__in=site_ids, round_id__in=round_ids)
    views = {}
    for site_id, rid, failure, final_url in ends.values_list(
        "site_id", "round_id", "root_failure", "final_url"
    ):
        if (site_id, rid) in wanted:
            views[(site_id, rid)] = RoundView(
                root_failure=failure,
                final_host=host_key(final_url) if final_url else "",
                pages=pages[(site_id, rid)],
                findings=findings[(site_id, rid)],
                failed=frozenset(failed[(site_id, rid)]),
            )
    return views
