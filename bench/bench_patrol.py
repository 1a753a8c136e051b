"""Benchmark: a patrol round over 100 local sites of 100 pages each.

    .venv/bin/python -m bench.bench_patrol --sites 100

Starts the site farm (`bench/site_farm.py`: one loopback address per site),
then, on a fresh SQLite database, runs one `finsentry patrol` round over every
site with the production limits (per-host concurrency and delay, robots.txt,
timeouts, retries, main text for pages with findings; only the depth and
page limits are raised so each site's 100 pages are all reached). Reports
pages per second end to end (fetch, store, extract, detect, write findings)
against the floor the politeness delay sets, and the CPU the round used.

Then, in this process over a sample of the same pages, the CPU time per page
of extract + detect alone, side by side with the two baselines the issue
names: selectolax's parse and text alone, and trafilatura's extraction.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.bench_screen import OUT
from bench.measure import measure
from bench.site_farm import PAGES_PER_SITE, page_body, site_url

PORT = 8890
# Pages of the CPU comparison: every SAMPLE_STEP-th page of the farm.
SAMPLE_STEP = 5


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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def end_to_end(sites: int, data_dir: Path) -> dict[str, float]:
    """Run one round over the farm; return its wall and CPU seconds, memory, counts."""
    env = {
        **os.environ,
        "FINSENTRY_DATA_DIR": str(data_dir),
        "FINSENTRY_PATROL_MAX_DEPTH": "3",
        "FINSENTRY_PATROL_MAX_PAGES_PER_SITE": str(PAGES_PER_SITE + 10),
        "FINSENTRY_LOG_LEVEL": "WARNING",
    }
    env.pop("FINSENTRY_DATABASE_URL", None)
    finsentry = [sys.executable, "-m", "finsentry"]
    subprocess.run([*finsentry, "migrate", "-v0"], env=env, check=True)
    list_file = data_dir / "sites.txt"
    list_file.write_text("\n".join(site_url(i, PORT) for i in range(sites)) + "\n")

    cpu_before = _children_cpu()
    command = [*finsentry, "patrol", "--file", str(list_file)]
    measured = measure(command, env=env)
    cpu = _children_cpu() - cpu_before
    if measured.returncode:
        raise SystemExit(f"patrol failed with exit code {measured.returncode}")

    with sqlite3.connect(data_dir / "finsentry.sqlite3") as db:

        def one(sql: str) -> int:
            return db.execute(sql).fetchone()[0]

        counts = {
            "pages": one("SELECT count(*) FROM patrol_snapshot"),
            "failed": one("SELECT count(*) FROM patrol_fetchfailure"),
            "findings": one("SELECT count(*) FROM rules_finding"),
            "linked": one("SELECT count(*) FROM patrol_site WHERE firm_id IS NOT NULL"),
            "main_text": one(
                "SELECT count(*) FROM patrol_snapshot WHERE main_text != ''"
            ),
        }
        limits = json.loads(
            db.execute("SELECT limits FROM patrol_patrolround").fetchone()[0]
        )
    return {
        "seconds": measured.seconds,
        "peak_mib": measured.peak_mib,
        "cpu": cpu,
        "delay": limits["download_delay"],
        **counts,
    }


def _cpu_ms(work: Callable[[], object], items: int) -> float:
    began = time.process_time()
    work()
    return (time.process_time() - began) * 1000 / items


def cpu_per_page(sites: int) -> dict[str, float]:
    """Return CPU milliseconds per page for our steps and the two baselines."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finsentry.config.settings")
    import django

    django.setup()
    import trafilatura
    from selectolax.lexbor import LexborHTMLParser

    from finsentry.patrol.extract import extract_page
    from finsentry.rules.engine import detect
    from finsentry.rules.licences import page_licences

    every = [(s, p) for s in range(sites) for p in range(PAGES_PER_SITE)]
    sample = [
        (page_body(s, p), f"{site_url(s, PORT)}p/{p}.html")
        for s, p in every[::SAMPLE_STEP]
    ]
    texts = [body.decode("utf-8") for body, _ in sample]
    n = len(sample)
    # Warm caches and the compiled rule set before any clock starts.
    warm = extract_page(*sample[0], with_main_text=False)
    detect(warm.text, licences=page_licences(warm.facts.company_names))

    pages = []

    def ours_extract() -> None:
        pages.extend(extract_page(b, u, with_main_text=False) for b, u in sample)

    def ours_detect() -> None:
        for page in pages:
            held = page_licences(page.facts.company_names, text=page.text)
            detect(page.text, licences=held)

    def selectolax_text() -> None:
        for html in texts:
            LexborHTMLParser(html).text()

    def trafilatura_text() -> None:
        for html, (_, url) in zip(texts, sample, strict=True):
            trafilatura.extract(html, url=url, deduplicate=False)

    extract_ms = _cpu_ms(ours_extract, n)
    detect_ms = _cpu_ms(ours_detect, n)
    return {
        "pages": n,
        "kb": sum(len(b) for b, _ in sample) / n / 1024,
        "extract": extract_ms,
        "detect": detect_ms,
        "both": extract_ms + detect_ms,
        "selectolax": _cpu_ms(selectolax_text, n),
        "trafilatura": _cpu_ms(trafilatura_text, n),
    }


def report(sites: int, run: dict[str, float], cpu: dict[str, float]) -> None:
    """Print the two tables as docs/benchmarks.md shows them."""
    served = sites * PAGES_PER_SITE
    floor = PAGES_PER_SITE * run["delay"]
    rate = run["pages"] / run["seconds"]
    cpu_page = run["cpu"] * 1000 / max(run["pages"], 1)
    rows = [
        ("wall time (process start to exit)", f"{run['seconds']:.1f} s"),
        ("pages stored / failed", f"{run['pages']} / {run['failed']}"),
        ("**pages per second, end to end**", f"**{rate:.1f}**"),
        (
            f"politeness floor: {PAGES_PER_SITE} pages × {run['delay']} s a host",
            f"{floor:.0f} s ({served / floor:.0f} pages/s at most)",
        ),
        (
            "CPU time of the round's processes",
            f"{run['cpu']:.1f} s ({cpu_page:.2f} ms a page)",
        ),
        ("findings written", f"{run['findings']}"),
        ("pages with main text kept (those with findings)", f"{run['main_text']}"),
        ("sites linked to a firm", f"{run['linked']}"),
        ("peak memory (process tree)", f"{run['peak_mib']:.0f} MiB"),
    ]
    print(f"\n{sites} sites, {served} pages served\n")
    print("| round | figure |")
    print("| --- | ---: |")
    for label, value in rows:
        print(f"| {label} | {value} |")

    size = f"{cpu['kb']:.1f} KB of HTML each"
    print(f"\nCPU per page, one process, {cpu['pages']} of the same pages ({size})\n")
    print("| step | ms a page | pages/s a core | × selectolax | ÷ trafilatura |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, key in (
        ("selectolax: parse + text() (baseline)", "selectolax"),
        ("trafilatura.extract (baseline)", "trafilatura"),
        ("finsentry extract (text, links, facts)", "extract"),
        ("finsentry detect (every rule, licences)", "detect"),
        ("**finsentry extract + detect**", "both"),
    ):
        ms = cpu[key]
        ratios = f"{ms / cpu['selectolax']:.1f} | {cpu['trafilatura'] / ms:.1f}"
        print(f"| {label} | {ms:.2f} | {1000 / ms:,.0f} | {ratios} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
        run = end_to_end(args.sites, data_dir)
    finally:
        farm.terminate()
        farm.wait()
    report(args.sites, run, cpu_per_page(args.sites))


if __name__ == "__main__":
    main()
