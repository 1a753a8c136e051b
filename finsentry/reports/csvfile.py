"""CSV exports of long lists, produced line by line for streaming responses.

The first chunk carries a UTF-8 byte-order mark: Excel on Chinese Windows
otherwise reads a UTF-8 CSV as GBK and garbles every name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

BOM = "\ufeff"


def csv_chunks(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], line: str, batch: int = 500
) -> Iterator[str]:
    """Yield header line, column titles and rows as CSV text, `batch` rows a chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([line])
    writer.writerow(columns)
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending == batch:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()
