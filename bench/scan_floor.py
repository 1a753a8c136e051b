"""The keyword-scan step alone against the physical floor, on the same bytes.

Loads the name and scope columns of a registry CSV (not timed), then times
(1) finsentry's keyword scan of both columns' data buffers (the first, literal
scan of screening_batch: every spelling of every word, the licence name
triggers and the word-space pairs), one process, and (2) bytes.count of one
word over the same buffers: a plain memory scan.
"""

import sys
import time
from pathlib import Path

import pyarrow as pa

from finsentry.registry import screening, sources
from finsentry.registry.normalize import normalize_names
from finsentry.registry.wordscan import scan_array


def main(path: str) -> None:
    info, blocks = sources.open_source(Path(path))
    names, scopes = [], []
    for block in blocks:
        batch = sources.parse_csv_block(block, info)
        names.append(normalize_names(batch.columns["name"]))
        scopes.append(batch.columns["scope"])
    name_array = pa.chunked_array(names).combine_chunks()
    scope_array = pa.chunked_array(scopes).combine_chunks()
    scanner = screening.KeywordScanner(screening.WordList.default())
    size = name_array.buffers()[2].size + scope_array.buffers()[2].size

    started = time.perf_counter()
    # The scan step of screen_batch, called directly to time it alone.
    scan_array(scanner.names, name_array, screening._SCAN_CHUNK)
    scan_array(scanner.scopes, scope_array, screening._SCAN_CHUNK)
    scan = time.perf_counter() - started

    word = "金融".encode()
    blobs = [memoryview(a.buffers()[2]).tobytes() for a in (name_array, scope_array)]
    started = time.perf_counter()
    for blob in blobs:
        blob.count(word)
    floor = time.perf_counter() - started
    print(f"scan_bytes={size} hyperscan_s={scan:.3f} bytes_count_s={floor:.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
