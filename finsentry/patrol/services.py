"""Storing a patrol's pages: evidence, snapshots, findings, observations, counters.

Called from the crawl's writer thread with batches of fetched pages. Per
batch, bodies go to the evidence store, detectors read each page's text, and
the rows are written with a handful of statements: snapshots, findings
(created, or their `last_seen` moved when the same claim was already
known), one observation per finding and round, failures, and the round's
counters. A claim's fingerprint is its site, code, rule and the claim
itself, so the next round that sees it again updates it instead of adding
a second finding.
"""

from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from finsentry.patrol.crawler.failures import DARK_KINDS, OTHER, ROBOTS
from finsentry.patrol.crawler.hosts import host_key
from finsentry.patrol.crawler.records import (
    FailedFetch,
    FetchedPage,
    SiteCrawled,
    SiteTarget,
)
from finsentry.patrol.models import (
    FetchFailure,
    Observation,
    PatrolRound,
    RoundSite,
    Site,
    SiteEvent,
    Snapshot,
)
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding

if TYPE_CHECKING:
    from datetime import datetime

    from finsentry.patrol.facts import PageFacts
    from finsentry.registry.licensing import LicenceIndex
    from finsentry.rules.engine import Hit

log = logging.getLogger(__name__)

SOURCE = "patrol"


def claim_core(text: str) -> str:
    """Return a claim's text with width, case and whitespace differences removed."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(folded.split())


def fingerprint(host: str, code: str, rule: str, claim: str) -> str:
    """Return the identity of one claim on one site, stable from round to round."""
    key = json.dumps([host, code, rule, claim_core(claim)], ensure_ascii=False)
    return hashlib.sha256(key.encode()).hexdigest()


def site_targets(site_ids: Iterable[int]) -> list[SiteTarget]:
    """Return the crawl targets of the given sites, in id order."""
    rows = Site.objects.filter(pk__in=list(site_ids)).order_by("pk")
    return [
        SiteTarget(s.pk, s.host, s.root_url, s.ignore_robots, s.firm_id)
        for s in rows.only("pk", "host", "root_url", "ignore_robots", "firm_id")
    ]


def begin_sites(round_id: int, site_ids: Sequence[int], worker: str) -> None:
    """Mark sites of a round as being crawled, and by which worker."""
    RoundSite.objects.filter(round_id=round_id, site_id__in=site_ids).update(
        state=RoundSite.State.CRAWLING, worker=worker[:200], started_at=timezone.now()
    )


@dataclass
class _Batch:
    round_id: int
    # Claims this process has already recorded in this round: seen again on
    # another page, they need no second upsert (their observation exists).
    recorded: set[str] = field(default_factory=set)
    handled: set[str] = field(default_factory=set)
    snapshots: list[Snapshot] = field(default_factory=list)
    hits: list[tuple[Snapshot, SiteTarget, Hit]] = field(default_factory=list)
    findings_new: Counter[int] = field(default_factory=Counter)


def prepare_detection() -> None:
    """Load the rule set and licence list now, before a crawl starts.

    Compiling the rule set takes seconds and holds the interpreter; done
    mid-crawl it would stall downloads in flight past their timeout.
    """
    from finsentry.rules.ruleset import packaged_ruleset

    packaged_ruleset()
    _licence_index()


@cache
def _licence_index() -> LicenceIndex | None:
    # Read once per crawl process: the imported licence list, if any.
    from finsentry.registry.services import licence_index

    return licence_index()


def _detect(text: str, facts: PageFacts, url: str) -> list[Hit]:
    from finsentry.rules.engine import detect
    from finsentry.rules.licences import page_licences

    try:
        held = page_licences(
            facts.company_names, text=text, index=_licence_index(), codes=facts.usccs
        )
        return detect(text, licences=held)
    except Exception:
        # One page the detectors choke on must not stop the site's other pages.
        log.exception("detection failed url=%s", url)
        return []


def _snapshot(round_id: int, page: FetchedPage) -> Snapshot:
    from finsentry.patrol import evidence

    stored = evidence.store(page.body)
    content = page.content
    text = content.text if content else ""
    return Snapshot(
        site_id=page.site.id,
        round_id=round_id,
        url=page.url[:2000],
        final_url=page.final_url[:2000],
        status_code=page.status,
        headers=page.headers,
        fetched_at=page.fetched_at,
        sha256=stored.sha256,
        size=stored.size,
        content_type=page.content_type[:200],
        encoding=content.encoding if content else "",
        depth=page.depth,
        title=content.title[:500] if content else "",
        text=text,
        main_text=content.main_text if content else "",
        text_sha256=hashlib.sha256(text.encode()).hexdigest() if content else "",
        facts=content.facts.as_dict() if content else {},
    )


@dataclass
class _Ready:
    """A page with its evidence stored and its text read, awaiting its rows."""

    page: FetchedPage
    shot: Snapshot
    hits: list[Hit]


def _ready(round_id: int, page: FetchedPage, main_text: bool) -> _Ready:
    shot = _snapshot(round_id, page)
    hits = []
    if page.content is not None and shot.text:
        hits = _detect(shot.text, page.content.facts, page.url)
    if hits and main_text and not shot.main_text:
        shot.main_text = _main_text(page)
    return _Ready(page, shot, hits)


def _main_text(page: FetchedPage) -> str:
    from finsentry.patrol.extract import extract_page

    content_type = page.content_type or None
    return extract_page(page.body, page.final_url, content_type).main_text


def store_batch(
    round_id: int,
    pages: Sequence[FetchedPage],
    failures: Sequence[FailedFetch],
    recorded: set[str] | None = None,
    main_text_for_findings: bool = False,
) -> None:
    """Store a batch of fetched pages and failures; a page that will not store fails.

    `recorded` holds the fingerprints of claims already recorded this round
    by the caller; it is extended with the batch's. With
    `main_text_for_findings`, pages with findings get their main text here.
    """
    # Evidence and detection first, outside the transaction: it then only
    # writes, which keeps it short and lets SQLite queue concurrent writers.
    ready = [_ready(round_id, p, main_text_for_findings) for p in pages]
    known = recorded if recorded is not None else set()
    try:
        with transaction.atomic():
            handled = _store(round_id, ready, failures, known)
        known |= handled
        return
    except IntegrityError:
        log.warning("batch rejected, storing page by page round=%s", round_id)
    for item in ready:
        item.shot.pk = None
        try:
            with transaction.atomic():
                known |= _store(round_id, [item], [], known)
        except IntegrityError as exc:
            page = item.page
            failed = FailedFetch(
                page.site, page.url, OTHER, page.status, f"存储失败：{exc}"[:500],
                page.fetched_at, page.depth,
            )  # fmt: skip
            failures = [*failures, failed]
    with transaction.atomic():
        _store(round_id, [], failures, known)


def _store(
    round_id: int,
    ready: Sequence[_Ready],
    failures: Sequence[FailedFetch],
    recorded: set[str],
) -> set[str]:
    batch = _Batch(round_id, recorded)
    for item in ready:
        batch.snapshots.append(item.shot)
        batch.hits.extend((item.shot, item.page.site, hit) for hit in item.hits)
    Snapshot.objects.bulk_create(batch.snapshots)
    _record_findings(batch)
    FetchFailure.objects.bulk_create(
        FetchFailure(
            site_id=f.site.id, round_id=round_id, url=f.url[:2000], kind=f.kind,
            status_code=f.status, message=f.message, at=f.at,
        )
        for f in failures
    )  # fmt: skip

    stored = Counter(item.page.site.id for item in ready)
    failed = Counter(f.site.id for f in failures)
    for site_id in stored.keys() | failed.keys():
        RoundSite.objects.filter(round_id=round_id, site_id=site_id).update(
            pages_stored=F("pages_stored") + stored[site_id],
            pages_failed=F("pages_failed") + failed[site_id],
            findings_new=F("findings_new") + batch.findings_new[site_id],
        )
    PatrolRound.objects.filter(pk=round_id).update(
        pages_stored=F("pages_stored") + len(ready),
        pages_failed=F("pages_failed") + len(failures),
        findings_new=F("findings_new") + batch.findings_new.total(),
    )
    return batch.handled


def _record_findings(batch: _Batch) -> None:
    now = timezone.now()
    names = catalogue().violations
    first: dict[str, tuple[Snapshot, SiteTarget, Hit]] = {}
    for shot, site, hit in batch.hits:
        claim = shot.text[hit.match_start : hit.match_end]
        key = fingerprint(site.host, hit.code, hit.rule, claim)
        if key not in batch.recorded:
            first.setdefault(key, (shot, site, hit))
    if not first:
        return
    batch.handled.update(first)

    known = set(
        Finding.objects.filter(fingerprint__in=list(first)).values_list(
            "fingerprint", flat=True
        )
    )
    rows = []
    for key, (shot, site, hit) in first.items():
        if key not in known:
            batch.findings_new[site.id] += 1
        violation = names.get(hit.code)
        claim = shot.text[hit.match_start : hit.match_end]
        title = violation.name if violation else hit.code
        rows.append(
            Finding(
                firm_id=site.firm_id,
                code=hit.code,
                domain=hit.domain,
                source=SOURCE,
                summary=f"{title}：{claim[:80]}"[:500],
                evidence=_evidence(shot, site, batch.round_id, hit),
                snippet=hit.snippet,
                start=hit.start,
                end=hit.end,
                rule=hit.rule,
                rule_version=hit.rule_version,
                fingerprint=key,
                first_seen=now,
                last_seen=now,
            )
        )
    Finding.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["fingerprint"],
        update_fields=["last_seen"],
    )
    ids = dict(
        Finding.objects.filter(fingerprint__in=list(first)).values_list(
            "fingerprint", "pk"
        )
    )
    Observation.objects.bulk_create(
        [
            Observation(
                finding_id=ids[key], site_id=site.id, round_id=batch.round_id,
                snapshot_id=shot.pk, start=hit.start, end=hit.end,
            )
            for key, (shot, site, hit) in first.items()
        ],
        ignore_conflicts=True,
    )  # fmt: skip


def _evidence(shot: Snapshot, site: SiteTarget, round_id: int, hit: Hit) -> dict:
    return {
        "snapshot": shot.pk,
        "url": shot.url,
        "site": site.id,
        "round": round_id,
        "match": [hit.match_start, hit.match_end],
        "detail": hit.detail,
    }


def site_status(summary: SiteCrawled, site_host: str) -> str:
    """Return a site's status after a round from how its crawl ended."""
    if summary.root_failure in DARK_KINDS:
        return Site.Status.DARK
    if summary.root_failure == ROBOTS:
        return Site.Status.BLOCKED
    if summary.root_failure:
        return Site.Status.FAILING
    if summary.root_final_url and host_key(summary.root_final_url) != site_host:
        return Site.Status.REDIRECTED
    return Site.Status.FAILING if summary.failures else Site.Status.OK


def finish_site(
    round_id: int, summary: SiteCrawled, facts: Sequence[PageFacts]
) -> None:
    """Close one site's part of a round: link it, set its status, count it done."""
    site = Site.objects.get(pk=summary.site.id)
    finished: datetime = summary.finished_at or timezone.now()
    if facts:
        _link(site, facts)
    site.status = site_status(summary, site.host)
    site.last_round_id = round_id
    site.last_crawled_at = finished
    with transaction.atomic():
        site.save(update_fields=["status", "last_round", "last_crawled_at"])
        follow_link(site)
        RoundSite.objects.filter(round_id=round_id, site_id=site.pk).update(
            state=RoundSite.State.DONE,
            root_failure=summary.root_failure,
            final_url=summary.root_final_url[:2000],
            pages_duplicate=summary.duplicates,
            finished_at=finished,
        )
        PatrolRound.objects.filter(pk=round_id).update(sites_done=F("sites_done") + 1)


def follow_link(site: Site) -> None:
    """Move the site's patrol findings and events to the firm it is linked to now.

    Findings made before the site was linked, or while it was linked to
    another firm, belong on the dossier of the firm that runs the site; a
    site whose link was dropped (now ambiguous) takes them back to the
    unlinked queue. Call inside the transaction that saves the link.
    """
    firm = site.firm_id
    elsewhere = Q(firm__isnull=False) if firm is None else ~Q(firm_id=firm)
    Finding.objects.filter(elsewhere, source=SOURCE, observations__site=site).update(
        firm_id=firm
    )
    SiteEvent.objects.filter(elsewhere, site=site).update(firm_id=firm)


def _link(site: Site, facts: Sequence[PageFacts]) -> None:
    from finsentry.patrol.linking import link_site

    try:
        link_site(site, list(facts))
    except Exception:
        # Linking is a lead, not a precondition: the pages stay stored without it.
        log.exception("site linking failed site=%s", site.host)
