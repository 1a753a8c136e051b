"""Benchmark: `finsentry screen` on a generated registry against two baselines.

    .venv/bin/python -m bench.bench_screen --rows 3000000

Runs, side by side in one process tree and one run: finsentry screen (all
cores), the pandas approach (bench/pandas_screen.py), and the scan step alone
against bytes.count on the same bytes (bench/scan_floor.py). Prints a
markdown table for docs/benchmarks.md, with the CPU seconds of each run's
process tree beside its wall time.
"""

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.measure import measure
from finsentry.demo.generator import write_registry_csv

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def registry_file(rows: int) -> Path:
    """Return the generated registry of `rows` rows, writing it the first time."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"registry-{rows}.csv"
    if not path.exists():
        started = time.perf_counter()
        write_registry_csv(path, rows, seed=2016)
        print(
            f"generated {path} in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args()
    source = registry_file(args.rows)
    python = sys.executable
    size_mb = source.stat().st_size / 1e6

    screen = measure(
        [
            python,
            "-m",
            "finsentry",
            "screen",
            str(source),
            "--out",
            str(OUT / "screen-out.csv"),
            "--rejects",
            str(OUT / "screen-rej.csv"),
        ]
    )
    rows = [("finsentry screen (2 workers)", screen)]
    if not args.skip_pandas:
        pandas = measure(
            [
                python,
                str(HERE / "pandas_screen.py"),
                str(source),
                str(OUT / "pandas-out.csv"),
            ]
        )
        rows.append(("(a) pandas read_csv + str.contains", pandas))
    scan = subprocess.run(
        [python, str(HERE / "scan_floor.py"), str(source)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = dict(re.findall(r"(\w+)=([\d.]+)", scan))

    print(f"\nfile: {source.name}, {args.rows} rows, {size_mb:.0f} MB\n")
    print("| run | wall s | CPU s | peak MiB | ratio to finsentry |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, m in rows:
        print(
            f"| {label} | {m.seconds:.1f} | {m.cpu_seconds:.1f} | {m.peak_mib:.0f} | "
            f"{m.seconds / screen.seconds:.2f} |"
        )
    hs, floor = float(figures["hyperscan_s"]), float(figures["bytes_count_s"])
    print(
        f"\nscan step alone over {int(figures['scan_bytes']) / 1e6:.0f} MB "
        "of name+scope "
        f"bytes: hyperscan {hs:.2f} s (1 process), bytes.count {floor:.2f} s, "
        f"ratio {hs / floor:.2f}"
    )


if __name__ == "__main__":
    main()
