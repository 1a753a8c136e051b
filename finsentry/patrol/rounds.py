"""Patrol rounds: which sites to watch, starting a round, running it, closing it.

A round is created queued with one `RoundSite` per site; running it crawls
the sites in child processes (here, a few at a time; or as Celery tasks, see
`tasks.py`) and then closes it: sites whose crawl died are closed as
failed, changes since each site's previous round become events, and the
round is marked done (or failed, if no crawl process succeeded).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from finsentry.patrol import changes
from finsentry.patrol.crawler import children
from finsentry.patrol.crawler.failures import OTHER
from finsentry.patrol.crawler.hosts import BadSiteAddress, site_url
from finsentry.patrol.crawler.limits import CrawlLimits
from finsentry.patrol.models import PatrolRound, RoundSite, Site
from finsentry.patrol.services import follow_link
from finsentry.registry.models import Firm

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser | None

log = logging.getLogger(__name__)


class RoundNotQueued(RuntimeError):
    """A round was asked to run that is not waiting in the queue (already run?)."""


@dataclass(frozen=True)
class LineProblem:
    """A line of a pasted or uploaded list that is not a usable address."""

    line: int
    text: str
    message: str


@dataclass
class AddedSites:
    """What adding a list of sites did: how many new, already known, and bad lines."""

    added: int = 0
    existing: int = 0
    problems: list[LineProblem] = field(default_factory=list)
    site_ids: list[int] = field(default_factory=list)


def _person(user: User) -> Any:
    return user if user is not None and user.is_authenticated else None


def read_lines(lines: Iterable[str]) -> tuple[dict[str, str], list[LineProblem]]:
    """Return host → root URL for the usable lines of a list, and the bad lines.

    One address a line, anything after it on the line ignored; blank lines
    and lines starting with # are skipped.
    """
    wanted: dict[str, str] = {}
    problems = []
    for number, raw in enumerate(lines, start=1):
        text = raw.strip().lstrip("\ufeff")
        if not text or text.startswith("#"):
            continue
        try:
            root, host = site_url(text.split()[0])
        except BadSiteAddress as exc:
            problems.append(LineProblem(number, text, str(exc)))
            continue
        wanted.setdefault(host, root)
    return wanted, problems


def check_lines(lines: Iterable[str]) -> list[LineProblem]:
    """Return the lines of a list that are not usable addresses."""
    return read_lines(lines)[1]


def add_sites(
    lines: Iterable[str], source: str, user: User = None, note: str = ""
) -> AddedSites:
    """Add the usable sites of a pasted or uploaded list; bad lines are reported."""
    wanted, problems = read_lines(lines)
    result = AddedSites(problems=problems)

    known = dict(Site.objects.filter(host__in=list(wanted)).values_list("host", "pk"))
    fresh = [
        Site(root_url=root, host=host, source=source, note=note,
             added_by=_person(user))
        for host, root in wanted.items()
        if host not in known
    ]  # fmt: skip
    Site.objects.bulk_create(fresh, ignore_conflicts=True)
    ids = dict(Site.objects.filter(host__in=list(wanted)).values_list("host", "pk"))
    result.added = len(fresh)
    result.existing = len(known)
    result.site_ids = [ids[h] for h in wanted if h in ids]
    log.info(
        "sites added added=%s existing=%s bad_lines=%s",
        result.added,
        result.existing,
        len(result.problems),
    )
    return result


def sites_from_registry(batch: int = 2000) -> int:
    """Watch the website of every registered firm; return how many sites were new."""
    added = 0
    rows = Firm.objects.exclude(website="").values_list("pk", "website")
    pending: dict[str, Site] = {}
    for firm_id, website in rows.iterator(chunk_size=batch):
        try:
            root, host = site_url(website)
        except BadSiteAddress:
            continue
        pending.setdefault(
            host,
            Site(
                root_url=root,
                host=host,
                firm_id=firm_id,
                link_method=Site.LinkMethod.WEBSITE,
                link_evidence={"website": website},
                source=Site.Source.REGISTRY,
            ),
        )
        if len(pending) >= batch:
            added += _create_new(pending)
    added += _create_new(pending)
    log.info("registry sites added=%s", added)
    return added


def _create_new(pending: dict[str, Site]) -> int:
    known = set(
        Site.objects.filter(host__in=list(pending)).values_list("host", flat=True)
    )
    fresh = [s for h, s in pending.items() if h not in known]
    Site.objects.bulk_create(fresh, ignore_conflicts=True)
    pending.clear()
    return len(fresh)


def link_by_hand(site: Site, firm: Firm, user: User) -> None:
    """Link a site to a firm by hand; its patrol findings and events follow."""
    site.firm = firm
    site.link_method = Site.LinkMethod.MANUAL
    site.link_evidence = {
        "by": getattr(user, "username", ""),
        "at": timezone.now().isoformat(),
    }
    with transaction.atomic():
        site.save(update_fields=["firm", "link_method", "link_evidence"])
        follow_link(site)


def start_round(
    site_ids: Sequence[int] | None,
    trigger: str,
    user: User = None,
    limits: CrawlLimits | None = None,
) -> PatrolRound:
    """Queue a round over the given sites (every active site if None) and return it."""
    if site_ids is None:
        sites = Site.objects.filter(active=True)
    else:
        sites = Site.objects.filter(pk__in=list(site_ids))
    chosen = list(sites.order_by("pk").values_list("pk", flat=True))
    used = limits or CrawlLimits.from_env()
    with transaction.atomic():
        patrol_round = PatrolRound.objects.create(
            trigger=trigger,
            started_by=_person(user),
            limits=used.as_dict(),
            sites_total=len(chosen),
        )
        RoundSite.objects.bulk_create(
            (RoundSite(round=patrol_round, site_id=pk) for pk in chosen),
            batch_size=5000,
        )
    log.info("round queued round=%s sites=%s", patrol_round.pk, len(chosen))
    return patrol_round


def claim_round(round_id: int) -> PatrolRound:
    """Move a queued round to running and return it; raise if it is not queued."""
    claimed = PatrolRound.objects.filter(
        pk=round_id, state=PatrolRound.State.QUEUED
    ).update(state=PatrolRound.State.RUNNING, started_at=timezone.now())
    if not claimed:
        raise RoundNotQueued(f"巡查轮次 {round_id} 不在排队状态，无法再次运行")
    return PatrolRound.objects.get(pk=round_id)


def round_site_ids(round_id: int) -> list[int]:
    """Return the ids of a round's sites, in id order."""
    rows = RoundSite.objects.filter(round_id=round_id).order_by("site_id")
    return list(rows.values_list("site_id", flat=True))


def split(site_ids: Sequence[int], parts: int) -> list[list[int]]:
    """Return the ids dealt into `parts` chunks of nearly equal size."""
    count = max(1, min(parts, len(site_ids)))
    return [list(site_ids[i::count]) for i in range(count)]


def chunked(site_ids: Sequence[int], size: int) -> list[list[int]]:
    """Return the ids cut into chunks of at most `size`."""
    step = max(1, size)
    return [list(site_ids[i : i + step]) for i in range(0, len(site_ids), step)]


def run_round(round_id: int, tick: Callable[[], None] | None = None) -> PatrolRound:
    """Run a queued round here, crawling in child processes, and return it closed."""
    patrol_round = claim_round(round_id)
    try:
        limits = CrawlLimits.from_dict(patrol_round.limits)
        site_ids = round_site_ids(round_id)
        processes = limits.process_count(len(site_ids))
        results = children.run_chunks(
            round_id,
            split(site_ids, processes),
            processes,
            children.worker_name(),
            tick,
            by_part=True,
        )
        problems = [
            chunk_problem(r.site_ids, r.stderr_tail) for r in results if not r.ok
        ]
        all_failed = bool(results) and len(problems) == len(results)
        return finalise_round(round_id, problems, all_failed=all_failed)
    except Exception as exc:
        fail_round(round_id, f"{type(exc).__name__}: {exc}")
        raise


def chunk_problem(site_ids: Sequence[int], stderr_tail: str) -> str:
    last = stderr_tail.strip().splitlines()[-1:] or ["（无输出）"]
    return f"{len(site_ids)} 个网站的巡查进程异常退出：{last[0][:300]}"


def fail_round(round_id: int, error: str) -> None:
    PatrolRound.objects.filter(pk=round_id).update(
        state=PatrolRound.State.FAILED, finished_at=timezone.now(), error=error[:4000]
    )


def finalise_round(
    round_id: int, problems: Sequence[str] = (), all_failed: bool = False
) -> PatrolRound:
    """Close a round: unfinished sites fail, changes become events, state is set."""
    now = timezone.now()
    stray = RoundSite.objects.filter(round_id=round_id).exclude(
        state=RoundSite.State.DONE
    )
    with transaction.atomic():
        unfinished = stray.update(
            state=RoundSite.State.DONE, root_failure=OTHER, finished_at=now
        )
        PatrolRound.objects.filter(pk=round_id).update(
            sites_done=F("sites_done") + unfinished
        )
    events = changes.record_changes(round_id)

    state = PatrolRound.State.FAILED if all_failed else PatrolRound.State.DONE
    PatrolRound.objects.filter(pk=round_id).update(
        state=state, finished_at=timezone.now(), error="\n".join(problems)[:4000]
    )
    log.info(
        "round finished round=%s state=%s unfinished=%s events=%s",
        round_id,
        state,
        unfinished,
        events,
    )
    # Critical findings and BIG-01 signs seen on the web are alerted at once;
    # imported here so that patrol never needs alerts to crawl.
    from finsentry.alerts.raising import after_patrol_round, sweep_after

    sweep_after("patrol round", lambda: after_patrol_round(round_id))
    return PatrolRound.objects.get(pk=round_id)
