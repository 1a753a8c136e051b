"""Benchmark: a patrol round over 100 local sites of 100 pages each.

    .venv/bin/python -m bench.bench_patrol --sites 100

Starts the site farm (`bench/site_farm.py`: one loopback address per site),
then, on a fresh SQLite database, runs one `finsentry patrol` round over every
site with the production limits (per-host concurrency and delay, robots.txt,
timeouts; only the depth and page limits are raised so each site's 100 pages
are all reached). Reports pages per second end to end (fetch, store, extract,
detect, write findings), then the CPU time per page of extract + detect alone,
measured in this process over the same pages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_screen import OUT
from bench.measure import measure
from bench.site_farm import PAGES_PER_SITE, page_body, site_url

PORT = 8890


def _wait_for_farm(sites: int) -> None:
    import urllib.request

    deadline = time.monotonic() + 30
    last = site_url(sites - 1, PORT)
    while True:
        try:
            with urllib.request.urlopen(last, timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("the site farm did not start") from None
            time.sleep(0.2)


def end_to_end(sites: int, data_dir: Path) -> tuple[float, float, int, int]:
    """Run one round over the farm; return seconds, peak MiB, pages and findings."""
    env = {
        **os.environ,
        "FINSENTRY_DATA_DIR": str(data_dir),
        "FINSENTRY_PATROL_MAX_DEPTH": "3",
        "FINSENTRY_PATROL_MAX_PAGES_PER_SITE": str(PAGES_PER_SITE + 10),
    }
    env.pop("FINSENTRY_DATABASE_URL", None)
    finsentry = [sys.executable, "-m", "finsentry"]
    subprocess.run([*finsentry, "migrate", "-v0"], env=env, check=True)
    list_file = data_dir / "sites.txt"
    list_file.write_text("\n".join(site_url(i, PORT) for i in range(sites)) + "\n")
    measured = measure([*finsentry, "patrol", "--file", str(list_file)], env=env)
    if measured.returncode:
        raise SystemExit(f"patrol failed with exit code {measured.returncode}")

    with sqlite3.connect(data_dir / "finsentry.sqlite3") as db:
        pages = db.execute("SELECT count(*) FROM patrol_snapshot").fetchone()[0]
        findings = db.execute("SELECT count(*) FROM rules_finding").fetchone()[0]
    return measured.seconds, measured.peak_mib, pages, findings


def cpu_per_page(sites: int) -> tuple[float, float]:
    """Return CPU milliseconds per page for extraction alone and extract + detect."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finsentry.config.settings")
    import django

    django.setup()
    from finsentry.patrol.extract import extract_page
    from finsentry.rules.engine import detect, page_licences

    bodies = [
        (page_body(s, p), f"{site_url(s, PORT)}p/{p}.html")
        for s in range(sites)
        for p in range(PAGES_PER_SITE)
    ]
    extract_page(*bodies[0], with_main_text=False)  # warm caches and compiled rules

    started = time.process_time()
    pages = [extract_page(b, u, with_main_text=False) for b, u in bodies]
    extract_ms = (time.process_time() - started) * 1000 / len(bodies)

    started = time.process_time()
    for page in pages:
        detect(page.text, licences=page_licences(page.facts.company_names))
    detect_ms = (time.process_time() - started) * 1000 / len(bodies)
    return extract_ms, extract_ms + detect_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=100)
    args = parser.parse_args()

    data_dir = OUT / "patrol"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    farm = subprocess.Popen(
        [sys.executable, "-m", "bench.site_farm", "--sites", str(args.sites)]
        + ["--port", str(PORT)],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_for_farm(args.sites)
        seconds, peak, pages, findings = end_to_end(args.sites, data_dir)
    finally:
        farm.terminate()
        farm.wait()
    extract_ms, both_ms = cpu_per_page(args.sites)

    expected = args.sites * PAGES_PER_SITE
    print(f"\n{args.sites} sites, {expected} pages served\n")
    print("| step | figure |")
    print("| --- | ---: |")
    print(f"| round wall time | {seconds:.1f} s |")
    print(f"| pages stored | {pages} |")
    print(f"| pages per second, end to end | {pages / seconds:.1f} |")
    print(f"| findings written | {findings} |")
    print(f"| peak memory (process tree) | {peak:.0f} MiB |")
    print(f"| CPU per page, extract | {extract_ms:.2f} ms |")
    print(f"| CPU per page, extract + detect | {both_ms:.2f} ms |")


if __name__ == "__main__":
    main()
