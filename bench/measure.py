"""Run a command and report its wall time, the peak summed RSS of its process
tree and the CPU time the tree used.

Sampling /proc every 20 ms catches the worker processes too, which
getrusage(RUSAGE_CHILDREN) would report only one at a time. CPU time is
each process's last sample, so up to 20 ms of a process that ends between
samples is missed.
"""

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measured:
    """Wall seconds, peak resident memory (MiB) and CPU seconds of one command."""

    seconds: float
    peak_mib: float
    returncode: int
    cpu_seconds: float = 0.0


def _tree(pid: int) -> list[int]:
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                stack += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return pids


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float | None:
    """Return the user + system CPU seconds of `pid` so far (None: it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces: fields are counted after its ")".
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def measure(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run `command` to completion and return its time, peak tree memory and CPU."""
    peak = 0
    cpu: dict[int, float] = {}
    started = time.perf_counter()
    process = subprocess.Popen(command, env={**os.environ, **(env or {})})
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            pids = _tree(process.pid)
            peak = max(peak, sum(_rss_kib(p) for p in pids))
            for pid in pids:
                used = _cpu_seconds(pid)
                if used is not None:
                    cpu[pid] = used
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return Measured(seconds, peak / 1024, code, sum(cpu.values()))
