"""Background patrol work: starting rounds, fanning chunks out to workers, closing.

With a broker, `run_round` cuts a round into chunks of sites, one Celery
task each (each crawled in a child process on whichever worker takes it),
and a chord closes the round once every chunk has ended. Without a broker
the web UI starts a round as a detached `finsentry patrol --round ID`
process, so the request returns at once either way.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from typing import Any

from celery import chord
from django.conf import settings

from finsentry.config.celery import app
from finsentry.patrol import rounds
from finsentry.patrol.crawler import children
from finsentry.patrol.crawler.limits import CrawlLimits
from finsentry.patrol.models import PatrolRound

log = logging.getLogger(__name__)


# Rounds this process launched in the background: kept so that each is reaped
# when it ends (no zombie processes under a long-running web server).
_launched: list[subprocess.Popen[bytes]] = []


def launch_round(round_id: int) -> None:
    """Start a queued round without waiting for it: on workers, or in a new process."""
    if settings.CELERY_BROKER_URL:
        run_round.delay(round_id)
        return
    running_rounds()
    logs = settings.DATA_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"patrol-round-{round_id}.log", "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "finsentry", "patrol", "--round", str(round_id)],
            env=children.child_environment(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _launched.append(process)
    log.info("round launched in background round=%s", round_id)


def running_rounds(wait: float = 0.0) -> int:
    """Reap ended background rounds, waiting up to `wait` s; return how many run on."""
    deadline = time.monotonic() + wait
    while True:
        _launched[:] = [p for p in _launched if p.poll() is None]
        if not _launched or time.monotonic() >= deadline:
            return len(_launched)
        time.sleep(0.1)


@app.task(name="patrol.run_round")
def run_round(round_id: int) -> None:
    """Run a queued round: in this process without a broker, else fanned out."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        rounds.run_round(round_id)
        return
    patrol_round = rounds.claim_round(round_id)
    try:
        limits = CrawlLimits.from_dict(patrol_round.limits)
        site_ids = rounds.round_site_ids(round_id)
        chunks = rounds.chunked(site_ids, limits.sites_per_chunk)
        if not chunks:
            rounds.finalise_round(round_id)
            return
        header = [crawl_chunk.s(round_id, chunk) for chunk in chunks]
        chord(header)(finalise_round.s(round_id))
    except Exception as exc:
        rounds.fail_round(round_id, f"{type(exc).__name__}: {exc}")
        raise
    log.info("round fanned out round=%s chunks=%s", round_id, len(chunks))


@app.task(name="patrol.crawl_chunk", bind=True)
def crawl_chunk(self: Any, round_id: int, site_ids: list[int]) -> dict[str, Any]:
    """Crawl a chunk in a child process; never raises, so the chord always closes."""
    worker = self.request.hostname or children.worker_name()
    try:
        result = children.run_chunk(round_id, site_ids, worker)
    except Exception as exc:
        log.exception("crawl chunk failed round=%s sites=%s", round_id, len(site_ids))
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    error = "" if result.ok else rounds.chunk_problem(site_ids, result.stderr_tail)
    return {"ok": result.ok, "error": error}


@app.task(name="patrol.finalise_round")
def finalise_round(results: list[dict[str, Any]], round_id: int) -> None:
    """Close a fanned-out round once all its chunks have ended."""
    problems = [r["error"] for r in results if not r["ok"]]
    all_failed = bool(results) and len(problems) == len(results)
    rounds.finalise_round(round_id, problems, all_failed=all_failed)


@app.task(name="patrol.daily_round")
def daily_round() -> int:
    """Watch the registry's websites and patrol every active site (the daily job)."""
    rounds.sites_from_registry()
    patrol_round = rounds.start_round(None, PatrolRound.Trigger.SCHEDULE)
    if patrol_round.sites_total:
        launch_round(patrol_round.pk)
    return patrol_round.pk
