"""What the patrol pages show: site lists, one site's record, one snapshot.

Plain queries over the patrol models, shaped for the templates; the views
only parse the request and render what these return.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from finsentry.patrol.models import (
    FetchFailure,
    Observation,
    PatrolRound,
    Site,
    SiteEvent,
    Snapshot,
)
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding

SITES_PER_PAGE = 50


@dataclass(frozen=True)
class SiteFilters:
    """The site list's filters; empty strings mean no filter."""

    q: str = ""
    status: str = ""
    linked: str = ""  # "yes", "no" or ""

    def apply(self, sites: QuerySet[Site]) -> QuerySet[Site]:
        """Return `sites` narrowed by these filters."""
        if self.q:
            sites = sites.filter(
                Q(host__icontains=self.q) | Q(firm__name__icontains=self.q)
            )
        if self.status:
            sites = sites.filter(status=self.status)
        if self.linked == "yes":
            sites = sites.filter(firm__isnull=False)
        elif self.linked == "no":
            sites = sites.filter(firm__isnull=True)
        return sites


def site_list(filters: SiteFilters, page: int = 1) -> tuple[list[Site], int, bool]:
    """Return a page of sites with finding counts, the total, and if more follow."""
    sites = filters.apply(Site.objects.select_related("firm", "last_round"))
    sites = sites.annotate(
        finding_count=Count("observations__finding", distinct=True)
    ).order_by("-last_crawled_at", "host")
    total = sites.count()
    start = (max(page, 1) - 1) * SITES_PER_PAGE
    rows: list[Site] = list(sites[start : start + SITES_PER_PAGE + 1])
    return list(rows[:SITES_PER_PAGE]), total, len(rows) > SITES_PER_PAGE


def unlinked_sites() -> list[Site]:
    """Return active sites no firm is linked to, those with findings first."""
    sites = Site.objects.filter(firm__isnull=True, active=True).annotate(
        finding_count=Count("observations__finding", distinct=True)
    )
    return list(sites.order_by("-finding_count", "host")[:500])


@dataclass
class FindingRow:
    """One finding on a site, with where it was seen last."""

    finding: Finding
    label: str
    snapshot_id: int | None
    last_round_id: int | None
    seen_in_last_round: bool


@dataclass
class SiteRecord:
    """Everything the site page shows."""

    site: Site
    findings: list[FindingRow] = field(default_factory=list)
    events: list[SiteEvent] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    failures: list[FetchFailure] = field(default_factory=list)
    rounds: list[PatrolRound] = field(default_factory=list)


def site_record(site: Site) -> SiteRecord:
    """Return a site's findings, events and last round's pages and failures."""
    codes = catalogue().violations
    record = SiteRecord(site=site)
    last = site.last_round_id

    latest: dict[int, Observation] = {}
    observations = (
        Observation.objects.filter(site=site)
        .select_related("finding")
        .order_by("finding_id", "-round_id")
    )
    for obs in observations:
        latest.setdefault(obs.finding_id, obs)
    for obs in sorted(latest.values(), key=lambda o: (o.finding.code, o.finding_id)):
        violation = codes.get(obs.finding.code)
        record.findings.append(
            FindingRow(
                finding=obs.finding,
                label=violation.name if violation else obs.finding.code,
                snapshot_id=obs.snapshot_id,
                last_round_id=obs.round_id,
                seen_in_last_round=obs.round_id == last,
            )
        )

    record.events = list(site.events.select_related("round")[:100])
    if last is not None:
        pages = site.snapshots.filter(round_id=last).order_by("depth", "url")
        record.snapshots = list(pages.defer("text", "main_text", "headers")[:200])
        record.failures = list(site.failures.filter(round_id=last).order_by("url"))
    round_ids = site.snapshots.values_list("round_id", flat=True).distinct()
    record.rounds = list(PatrolRound.objects.filter(pk__in=round_ids)[:20])
    return record


@dataclass(frozen=True)
class TextPiece:
    """A run of snapshot text; a marked run lists the codes and findings covering it.

    `finding_ids` are the findings whose span begins in this run: each gets
    an anchor there, so a link to any of them lands on its evidence.
    """

    text: str
    codes: tuple[str, ...] = ()
    finding_ids: tuple[int, ...] = ()

    @property
    def marked(self) -> bool:
        return bool(self.codes)


def marked_text(text: str, spans: list[tuple[int, int, str, int]]) -> list[TextPiece]:
    """Return `text` cut into pieces, each finding span (start, end, code, id) marked.

    Overlapping spans (several rules on one sentence) are merged into one
    marked run that names every code and anchors every finding.
    """
    merged: list[tuple[int, int, list[str], list[int]]] = []
    for start, end, code, finding_id in sorted(spans):
        start, end = max(0, start), min(end, len(text))
        if end <= start:
            continue
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2], last[3])
        else:
            merged.append((start, end, [], []))
        codes, ids = merged[-1][2], merged[-1][3]
        if code not in codes:
            codes.append(code)
        ids.append(finding_id)

    pieces: list[TextPiece] = []
    at = 0
    for start, end, codes, ids in merged:
        if start > at:
            pieces.append(TextPiece(text[at:start]))
        pieces.append(TextPiece(text[start:end], tuple(codes), tuple(ids)))
        at = end
    if at < len(text):
        pieces.append(TextPiece(text[at:]))
    return pieces


def snapshot_spans(snapshot: Snapshot) -> list[tuple[int, int, str, int]]:
    """Return the (start, end, code, finding id) of every finding seen on a snapshot."""
    rows = snapshot.observations.select_related("finding")
    return [(o.start, o.end, o.finding.code, o.finding_id) for o in rows]


def round_failures(patrol_round: PatrolRound) -> list[tuple[str, str, int]]:
    """Return a round's failures counted by kind: (kind, label, count)."""
    labels = dict(FetchFailure.Kind.choices)
    counts = patrol_round.failures.values("kind").annotate(n=Count("id")).order_by("-n")
    return [
        (row["kind"], labels.get(row["kind"], row["kind"]), row["n"]) for row in counts
    ]
