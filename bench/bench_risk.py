"""Benchmark: `finsentry rescore` over a 3-million-firm registry with findings.

    .venv/bin/python -m bench.bench_risk --rows 3000000 --platforms 6000

Builds (once) an SQLite database under bench/out/risk-sqlite: the demo
registry imported and screened (REG-01 findings), then patrol, tip and
opinion findings planted on a seeded sample of firms, then monthly reports
of `--platforms` demo platforms imported through the docking importer. Then
runs `finsentry rescore` three times (each followed by its alert sweep, as
the command does) and prints wall time and peak memory:
the first scoring (every firm's row written), a repeat (nothing changed),
and a scoring under a new weights version (every row's version rewritten).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from bench.bench_screen import OUT, registry_file
from bench.measure import measure

DATA = OUT / "risk-sqlite"
DB = DATA / "finsentry.sqlite3"
# Codes the patrol, tips and opinion report, with how often each is planted.
PLANTED = {
    "P2P-05": 8, "P2P-08": 6, "MKT-01": 10, "MKT-02": 3, "AD-01": 8, "AM-04": 6,
    "REG-02": 4, "AM-08": 4, "P2P-01": 2, "P2P-03": 2, "P2P-17": 3, "INS-01": 3,
    "PAY-04": 2, "AD-02": 4, "BIG-01": 1,
}  # fmt: skip
SOURCES = (("patrol", 0.8), ("tips", 0.12), ("opinion", 0.08))


def finsentry(*args: str) -> list[str]:
    """Return the command line of a finsentry command run by this interpreter."""
    return [sys.executable, "-m", "finsentry", *args]


def environment() -> dict[str, str]:
    """Return the environment that points finsentry at the benchmark database."""
    return {**os.environ, "FINSENTRY_DATA_DIR": str(DATA)}


def plant_findings(share: float, seed: int = 2016) -> int:
    """Insert findings for a seeded share of firms into SQLite; return the count."""
    connection = sqlite3.connect(DB)
    ids = [r[0] for r in connection.execute("SELECT id FROM registry_firm")]
    rng = random.Random(seed)
    codes = [c for c, w in PLANTED.items() for _ in range(w)]
    now = "2026-12-01 00:00:00"
    rows = []
    for firm in ids:
        if rng.random() >= share:
            continue
        for _ in range(1 + int(rng.random() * 4)):
            code = codes[int(rng.random() * len(codes))]
            roll, source = rng.random(), "patrol"
            for name, weight in SOURCES:
                if roll < weight:
                    source = name
                    break
                roll -= weight
            key = hashlib.sha256(f"bench:{firm}:{len(rows)}".encode()).hexdigest()
            rows.append((firm, code, "p2p", source, f"bench {code}", "{}", key, now))
    connection.executemany(
        "INSERT INTO rules_finding (firm_id, code, domain, source, summary, evidence, "
        'snippet, start, "end", rule, rule_version, fingerprint, first_seen, '
        "last_seen, dismissed_reason) "
        "VALUES (?, ?, ?, ?, ?, ?, '', NULL, NULL, 'bench', 'bench@1', ?, ?, ?, '')",
        [(*r, now) for r in rows],
    )
    connection.commit()
    connection.close()
    return len(rows)


def platform_file(platforms: int) -> Path:
    """Write demo reports for the first P2P-flagged firms of the database."""
    from finsentry.demo.platforms import write_platform_files

    connection = sqlite3.connect(DB)
    rows = connection.execute(
        "SELECT uscc, name, established FROM registry_firm "
        "WHERE domains LIKE '%p2p%' AND established IS NOT NULL ORDER BY id LIMIT ?",
        [platforms],
    ).fetchall()
    connection.close()
    firms = [
        SimpleNamespace(
            uscc=u, name=n, truth="suspect:p2p", website="w", established=str(e)
        )
        for u, n, e in rows
    ]
    path = OUT / f"risk-reports-{platforms}.csv"
    truth = OUT / f"risk-truth-{platforms}.csv"
    write_platform_files(path, truth, firms)  # type: ignore[arg-type]
    return path


def build(rows: int, platforms: int, share: float) -> None:
    """Build the benchmark database once: registry, findings, platform reports."""
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    env = environment()
    subprocess.run(finsentry("migrate", "-v0"), env=env, check=True)
    started = time.perf_counter()
    source = registry_file(rows)
    subprocess.run(
        finsentry("import-registry", str(source), "--skip-index"), env=env, check=True
    )
    print(f"registry imported in {time.perf_counter() - started:.0f} s", flush=True)
    planted = plant_findings(share)
    print(f"planted {planted} findings", flush=True)
    reports = platform_file(platforms)
    subprocess.run(finsentry("import-reports", str(reports)), env=env, check=True)
    (DATA / "built").write_text(f"{rows} {platforms} {share}\n")


def new_weights_version() -> None:
    """Store a copy of the packaged weights under a new version, one weight changed."""
    from finsentry.risk.weights import packaged_text

    text = packaged_text().replace('version: "2026.12.1"', 'version: "bench-1"')
    old, new = (
        "P2P-05: {dimension: promotion, points: 15,",
        "P2P-05: {dimension: promotion, points: 16,",
    )
    text = text.replace(old, new)
    connection = sqlite3.connect(DB)
    connection.execute("DELETE FROM risk_weightsversion WHERE version = 'bench-1'")
    connection.execute("UPDATE risk_weightsversion SET active = 0")
    connection.execute(
        "INSERT INTO risk_weightsversion "
        "(version, yaml_text, active, note, created_at) "
        "VALUES ('bench-1', ?, 1, 'bench', '2026-12-01 00:00:00')",
        [text],
    )
    connection.commit()
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--platforms", type=int, default=6_000)
    parser.add_argument("--share", type=float, default=0.08, help="with findings")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if args.rebuild or not (DATA / "built").exists():
        build(args.rows, args.platforms, args.share)

    connection = sqlite3.connect(DB)
    connection.execute("DELETE FROM risk_weightsversion")
    connection.execute("DELETE FROM risk_levelchange")
    connection.execute("DELETE FROM risk_firmscore")
    # Alerts start afresh too: the first scoring raises them (alerts/bulk.py).
    for table in (
        "notices_notice",
        "alerts_alertevent",
        "alerts_alerttrigger",
        "alerts_alert_offices",
        "alerts_alert",
        "alerts_sweepmark",
    ):
        connection.execute(f"DELETE FROM {table}")
    connection.commit()
    counts = [
        connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("registry_firm", "rules_finding", "docking_platformreport")
    ]
    connection.close()
    results = []
    for label in ("first scoring", "repeat, nothing changed", "new weights version"):
        if label == "new weights version":
            new_weights_version()
        measured = measure(finsentry("rescore", "--show", "0"), env=environment())
        if measured.returncode:
            raise SystemExit(f"rescore failed with exit code {measured.returncode}")
        results.append((label, measured.seconds, measured.peak_mib))

    print(f"\n{counts[0]:,} firms, {counts[1]:,} findings, {counts[2]:,} reports\n")
    print("| run | wall s | peak MiB |")
    print("| --- | ---: | ---: |")
    for label, seconds, peak in results:
        print(f"| {label} | {seconds:.1f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
