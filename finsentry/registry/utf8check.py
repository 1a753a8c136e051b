"""Checking that a block of bytes is UTF-8, at memory speed.

pyarrow's CSV reader checks UTF-8 one byte at a time: for a registry's
Chinese text that was half of parsing (14 ms of 28 for a 16 MB block).
polars checks a string with SIMD instructions (simdutf8), in about 2 ms for
the same block, so `sources` checks each block once here and lets pyarrow
parse it unchecked. Where polars cannot run (not installed, or a CPU without
the instructions its build needs) `is_utf8` answers None and pyarrow checks
as before.

polars keeps a thread pool that does not survive fork(): `loaded` tells the
pipeline not to fork workers from a process that has imported it.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any

import numpy as np
import pyarrow as pa

_polars: Any = None
_usable: bool | None = None


def loaded() -> bool:
    """Return whether this process has imported polars."""
    return "polars" in sys.modules


def single_threaded() -> None:
    """Make polars, when this process imports it, run one thread (a worker per core)."""
    os.environ.setdefault("POLARS_MAX_THREADS", "1")


def is_utf8(data: bytes | bytearray | memoryview) -> bool | None:
    """Return whether `data` is well-formed UTF-8; None when it cannot tell."""
    polars = _load()
    if polars is None:
        return None
    try:
        polars.Series("", _one_value(data)).cast(polars.String, strict=True)
    except polars.exceptions.ComputeError:
        return False
    return True


def _one_value(data: bytes | bytearray | memoryview) -> pa.Array:
    """Return an Arrow array of one binary value over the bytes, in place."""
    size = len(data)
    if _INLINE < size < 1 << 31:
        # A binary view is polars' own layout: it takes the value without
        # copying (a large_binary value was copied, page faults and all,
        # about 2 ms a 16 MB block).
        view = np.zeros(4, dtype=np.int32)
        view[0] = size
        view[1] = int.from_bytes(bytes(data[:4]), "little", signed=True)
        buffers = [None, pa.py_buffer(view), pa.py_buffer(data)]
        return pa.Array.from_buffers(pa.binary_view(), 1, buffers)
    offsets = pa.py_buffer(np.array([0, size], dtype=np.int64))
    return pa.Array.from_buffers(
        pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)]
    )


# A binary view holds a value of up to 12 bytes inside the view itself.
_INLINE = 12


def _load() -> Any:
    """Return the polars module, or None when it is missing or warns of the CPU."""
    global _polars, _usable
    if _usable is None:
        module: Any = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                import polars as module
            except ImportError:
                pass
        # A build for newer CPUs warns at import and may crash later.
        cpu = any("CPU" in str(w.message) for w in caught)
        _usable = module is not None and not cpu
        _polars = module if _usable else None
    return _polars
