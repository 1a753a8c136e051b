"""Starting crawl processes: one child process per chunk of sites.

A child is `python -m finsentry patrol-crawl ROUND --sites 1,2,3`, given
the database this process is using (which in tests is the test database,
not the configured one) and the same evidence directory.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)


class ChildDatabaseError(RuntimeError):
    """The database in use cannot be opened by another process (in-memory SQLite)."""


@dataclass
class ChildResult:
    """How one crawl process ended: its sites, exit code and the end of its stderr."""

    site_ids: list[int]
    returncode: int
    stderr_tail: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def database_url(conf: dict[str, Any]) -> str:
    """Return a FINSENTRY_DATABASE_URL for the database of a connection's settings."""
    engine = conf["ENGINE"]
    name = str(conf["NAME"])
    if engine.endswith("sqlite3"):
        if name.startswith("file:") or name == ":memory:":
            raise ChildDatabaseError(
                "巡查子进程无法打开内存数据库：请使用文件数据库（测试时设置 TEST NAME）"
            )
        return f"sqlite:///{name}"
    scheme = "postgres" if "postgresql" in engine else engine.rsplit(".", 1)[-1]
    user = quote(conf.get("USER") or "", safe="")
    password = quote(conf.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    port = f":{conf['PORT']}" if conf.get("PORT") else ""
    return f"{scheme}://{auth}{conf.get('HOST') or ''}{port}/{quote(name, safe='')}"


def child_environment() -> dict[str, str]:
    """Return the environment a crawl child needs to see what this process sees."""
    env = dict(os.environ)
    env["FINSENTRY_DATABASE_URL"] = database_url(connection.settings_dict)
    env["FINSENTRY_DATA_DIR"] = str(settings.DATA_DIR)
    env["FINSENTRY_EVIDENCE_DIR"] = str(settings.EVIDENCE_DIR)
    env.setdefault("DJANGO_SETTINGS_MODULE", "finsentry.config.settings")
    env.setdefault("FINSENTRY_LOG_LEVEL", "WARNING")
    return env


def worker_name() -> str:
    """Return a name for this machine and process, for rounds run without Celery."""
    return f"{socket.gethostname()}/{os.getpid()}"


def _command(round_id: int, which: list[str], worker: str) -> list[str]:
    return [
        sys.executable, "-m", "finsentry", "patrol-crawl", str(round_id),
        *which, "--worker", worker,
    ]  # fmt: skip


def run_chunks(
    round_id: int,
    chunks: Sequence[Sequence[int]],
    processes: int,
    worker: str,
    tick: Callable[[], None] | None = None,
    by_part: bool = False,
) -> list[ChildResult]:
    """Crawl each chunk in a child process, `processes` at once; return how each ended.

    With `by_part` the chunks must be `rounds.split` of all the round's sites,
    and a child is told its part (`--part 2/8`) rather than its site ids,
    which for a province would overflow a command line. `tick` is called a
    few times a second while children run (for progress lines).
    """
    env = child_environment()
    count = len(chunks)
    waiting = [(k, list(c)) for k, c in enumerate(chunks) if c]
    running: list[tuple[subprocess.Popen[bytes], list[int], Any]] = []
    results: list[ChildResult] = []
    while waiting or running:
        while waiting and len(running) < processes:
            part, site_ids = waiting.pop(0)
            which = (
                ["--part", f"{part}/{count}"]
                if by_part
                else ["--sites", ",".join(str(i) for i in site_ids)]
            )
            errors = tempfile.TemporaryFile()
            child = subprocess.Popen(
                _command(round_id, which, worker),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
            running.append((child, site_ids, errors))
        time.sleep(0.2)
        for entry in list(running):
            child, site_ids, errors = entry
            if child.poll() is None:
                continue
            running.remove(entry)
            results.append(_ended(child, site_ids, errors))
        if tick is not None:
            tick()
    return results


def _ended(
    child: subprocess.Popen[bytes], site_ids: list[int], errors: Any
) -> ChildResult:
    errors.seek(0, os.SEEK_END)
    errors.seek(max(0, errors.tell() - 4000))
    tail = errors.read().decode("utf-8", "replace")
    errors.close()
    if child.returncode != 0:
        log.error(
            "crawl process failed sites=%s code=%s stderr=%s",
            len(site_ids),
            child.returncode,
            tail[-1000:],
        )
    return ChildResult(site_ids, child.returncode, tail)


def run_chunk(round_id: int, site_ids: Sequence[int], worker: str) -> ChildResult:
    """Crawl one chunk in a child process and wait for it (a Celery task's work)."""
    return run_chunks(round_id, [site_ids], 1, worker)[0]
