"""Benchmark: `finsentry import-registry` into SQLite and into PostgreSQL.

    .venv/bin/python bench/bench_import.py --rows 1000000

Each database starts empty (a fresh SQLite file; a dropped and recreated
PostgreSQL database `finsentry_bench`). Prints rows per second for each.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench.bench_screen import OUT, registry_file
from bench.measure import measure

PG_ADMIN = os.environ.get(
    "FINSENTRY_BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres"
)
PG_URL = os.environ.get(
    "FINSENTRY_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/finsentry_bench"
)


def fresh_postgres() -> None:
    """Drop and recreate the benchmark database."""
    for sql in (
        "DROP DATABASE IF EXISTS finsentry_bench",
        "CREATE DATABASE finsentry_bench",
    ):
        subprocess.run(["psql", PG_ADMIN, "-qc", sql], check=True)


def run_import(source: Path, env: dict[str, str]) -> tuple[float, float]:
    """Migrate, then import; return import seconds and peak MiB."""
    finsentry = [sys.executable, "-m", "finsentry"]
    subprocess.run(
        [*finsentry, "migrate", "-v0"], env={**os.environ, **env}, check=True
    )
    measured = measure(
        [*finsentry, "import-registry", str(source), "--skip-index"], env=env
    )
    if measured.returncode:
        raise SystemExit(f"import failed with exit code {measured.returncode}")
    return measured.seconds, measured.peak_mib


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    source = registry_file(args.rows)

    data_dir = OUT / "import-sqlite"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    sqlite = run_import(source, {"FINSENTRY_DATA_DIR": str(data_dir)})

    fresh_postgres()
    pg_dir = OUT / "import-pg"
    pg_dir.mkdir(exist_ok=True)
    postgres = run_import(
        source, {"FINSENTRY_DATABASE_URL": PG_URL, "FINSENTRY_DATA_DIR": str(pg_dir)}
    )

    print(f"\n{args.rows} rows from {source.name}\n")
    print("| database | seconds | rows/s | peak MiB |")
    print("| --- | ---: | ---: | ---: |")
    for label, (seconds, peak) in (("SQLite", sqlite), ("PostgreSQL (COPY)", postgres)):
        print(f"| {label} | {seconds:.1f} | {args.rows / seconds:,.0f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
