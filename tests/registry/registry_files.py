"""Small registry files for tests, built with valid credit codes."""

import csv
from pathlib import Path

from finsentry.registry.uscc import make_code

HEADER = [
    "uscc",
    "name",
    "scope",
    "region",
    "established",
    "registered_capital",
    "status",
]


def code(number: int, region: str = "220102", kind: str = "91") -> str:
    """Return a valid credit code whose org body encodes `number`."""
    return make_code(kind, region, f"MA{number:06d}")


def firm_row(number: int, name: str, scope: str, **extra: str) -> list[str]:
    """Return a registry row in HEADER order."""
    values = {
        "uscc": code(number),
        "name": name,
        "scope": scope,
        "region": "",
        "established": "2016-05-03",
        "registered_capital": "100万元人民币",
        "status": "存续",
    }
    values.update(extra)
    return [values[c] for c in HEADER]


def write_csv(
    path: Path,
    rows: list[list[str]],
    encoding: str = "utf-8",
    header: list[str] | None = None,
) -> Path:
    """Write rows under a header in the given encoding and return the path."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header or HEADER)
        writer.writerows(rows)
    return path
