"""Benchmark: `finsentry screen` on one extract written four ways.

    .venv/bin/python -m bench.screen_shapes --rows 500000

Takes the first ROWS rows of the generated 3-million-row registry and writes
them plain, with every field quoted, with dates as 2016/05/03 and as
GB18030, then screens each file and prints wall and CPU seconds and whether
the output equals the plain file's. Real extracts come in all four shapes;
none should cost much more than the plain one.
"""

import argparse
import filecmp
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from bench.bench_screen import OUT, registry_file
from bench.measure import measure


def _first_rows(source: Path, rows: int) -> pa.Table:
    """Return the first `rows` rows of `source`, every column as text."""
    reader = pv.open_csv(
        source,
        convert_options=pv.ConvertOptions(
            column_types={"uscc": pa.string(), "region": pa.string()},
            strings_can_be_null=False,
        ),
    )
    batches, count = [], 0
    for batch in reader:
        batches.append(batch)
        count += batch.num_rows
        if count >= rows:
            break
    table = pa.Table.from_batches(batches).slice(0, rows)
    return table.cast(pa.schema([(n, pa.string()) for n in table.column_names]))


def write_shapes(source: Path, rows: int) -> dict[str, Path]:
    """Write the four shapes of the first `rows` rows; return their paths."""
    table = _first_rows(source, rows)
    paths = {
        s: OUT / f"shape-{s}-{rows}.csv"
        for s in ("plain", "quoted", "slashed", "gb18030")
    }
    pv.write_csv(table, paths["plain"], pv.WriteOptions(quoting_style="none"))
    pv.write_csv(table, paths["quoted"], pv.WriteOptions(quoting_style="all_valid"))
    at = table.schema.get_field_index("established")
    slashed = pc.replace_substring(table["established"], "-", "/")
    pv.write_csv(
        table.set_column(at, "established", slashed),
        paths["slashed"],
        pv.WriteOptions(quoting_style="none"),
    )
    text = paths["plain"].read_text(encoding="utf-8")
    paths["gb18030"].write_bytes(text.encode("gb18030"))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    args = parser.parse_args()
    paths = write_shapes(registry_file(3_000_000), args.rows)
    print(f"\n{args.rows} rows\n")
    print("| shape | MB | wall s | CPU s | output equals plain |")
    print("| --- | ---: | ---: | ---: | --- |")
    for shape, path in paths.items():
        out = OUT / f"shape-{shape}-out.csv"
        run = measure(
            [sys.executable, "-m", "finsentry", "screen", str(path), "--out", str(out)]
        )
        same = filecmp.cmp(out, OUT / "shape-plain-out.csv", shallow=False)
        size = path.stat().st_size / 1e6
        print(
            f"| {shape} | {size:.0f} | {run.seconds:.2f} | {run.cpu_seconds:.2f} "
            f"| {'yes' if same else 'NO'} |"
        )


if __name__ == "__main__":
    main()
