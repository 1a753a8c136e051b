"""The multi-worker path: a round fanned out over two real Celery workers on Redis.

Needs Redis on 127.0.0.1:6379 (database 5 is flushed); the test fails, not
skips, without it, since the test script starts the services.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from celery import Celery

from finsentry.patrol import rounds
from finsentry.patrol.crawler import children
from finsentry.patrol.models import PatrolRound, RoundSite, Snapshot
from tests.patrol.conftest import QUICK, watch
from tests.patrol.fixture_sites import FixtureWeb

pytestmark = pytest.mark.django_db(transaction=True)

BROKER = "redis://127.0.0.1:6379/5"
WORKERS = ("w1", "w2")


@pytest.fixture
def broker() -> Iterator[Celery]:
    """A client of the test broker, on a flushed Redis database."""
    store = redis.Redis.from_url(BROKER)
    store.ping()
    store.flushdb()
    client = Celery("finsentry-test", broker=BROKER, backend=BROKER)
    yield client
    client.close()
    store.flushdb()
    store.close()


@pytest.fixture
def workers(broker: Celery, data_dir: Path) -> Iterator[list[str]]:
    """Start two one-process workers on the test database; wait until both answer."""
    env = children.child_environment()
    env["FINSENTRY_BROKER_URL"] = BROKER
    started = []
    for name in WORKERS:
        log = open(data_dir / f"{name}.log", "wb")
        command = [
            sys.executable, "-m", "celery", "-A", "finsentry.config.celery",
            "worker", "--concurrency", "1", "-n", f"{name}@%h", "-l", "INFO",
            "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        started.append(
            (subprocess.Popen(command, env=env, stdout=log, stderr=log), log)
        )
    try:
        yield _wait_for(broker, started, data_dir)
    finally:
        for process, _ in started:
            process.terminate()
        for process, log in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()


def _wait_for(broker: Celery, started: list, data_dir: Path) -> list[str]:  # type: ignore[type-arg]
    deadline = time.monotonic() + 30
    names: list[str] = []
    while time.monotonic() < deadline:
        replies = broker.control.ping(timeout=0.5) or []
        names = sorted(name for reply in replies for name in reply)
        if len(names) == len(WORKERS):
            return names
        if any(p.poll() is not None for p, _ in started):
            break
    logs = "\n".join((data_dir / f"{n}.log").read_text() for n in WORKERS)
    pytest.fail(f"Celery workers did not start (answered: {names}):\n{logs}")


def test_round_fans_out_over_two_workers(
    web: FixtureWeb, workers: list[str], broker: Celery, data_dir: Path
) -> None:
    names = ("p2p", "gbk", "broken", "loop", "robots", "error")
    ids = watch(*(web[n].url for n in names))
    limits = QUICK.with_changes(sites_per_chunk=2)
    queued = rounds.start_round(ids, PatrolRound.Trigger.UI, limits=limits)

    broker.send_task("patrol.run_round", args=[queued.pk])
    done = _finished(queued.pk, timeout=90)

    assert done.state == PatrolRound.State.DONE, done.error
    assert done.sites_done == done.sites_total == len(ids)
    crawled_by = set(
        RoundSite.objects.filter(round=done).values_list("worker", flat=True)
    )
    assert crawled_by == set(workers)
    assert Snapshot.objects.filter(round=done).count() == done.pages_stored > 0


def _finished(round_id: int, timeout: float) -> PatrolRound:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = PatrolRound.objects.get(pk=round_id)
        if current.state in (PatrolRound.State.DONE, PatrolRound.State.FAILED):
            return current
        time.sleep(0.3)
    pytest.fail(f"round {round_id} still {current.state} after {timeout} s")
