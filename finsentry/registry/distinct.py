"""Registry columns of few distinct values, handled once per value.

A registration extract writes dates, capital, status and region codes in a
few hundred forms per block of tens of thousands of rows. `Distinct` holds
such a column as its distinct values, trimmed as validation trims every
cell, and one index per row: trimming, parsing and looking up happen per
value, and a per-row answer is a numpy take.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class Distinct:
    """A string column as distinct `values` and, per row, `indices` into them.

    `values[indices]` is the column, with `utf8_trim_whitespace` applied to
    each cell when it was trimmed; two distinct cells may trim to equal values.
    """

    values: pa.Array
    indices: np.ndarray

    def column(self) -> pa.Array:
        """Return the trimmed column itself, one value per row."""
        return self.values.take(pa.array(self.indices))

    def value(self, row: int) -> str:
        """Return the trimmed value of one row."""
        text: str = self.values[int(self.indices[row])].as_py()
        return text

    def per_row(self, per_value: np.ndarray) -> np.ndarray:
        """Return `per_value` (one entry per distinct value) spread to the rows."""
        return per_value[self.indices]


def distinct(values: pa.Array | pa.ChunkedArray, trim: bool = True) -> Distinct | None:
    """Return a string column as its distinct values, trimmed unless `trim` is
    false; None when the column has nulls."""
    if values.null_count:
        return None
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        if not encoded.num_chunks:
            return Distinct(pa.array([], type=pa.string()), np.zeros(0, np.int32))
        # The chunks share one growing dictionary: the last holds every value.
        dictionary = encoded.chunk(encoded.num_chunks - 1).dictionary
        indices = np.concatenate([chunk.indices.to_numpy() for chunk in encoded.chunks])
    else:
        dictionary, indices = encoded.dictionary, encoded.indices.to_numpy()
    trimmed = pc.utf8_trim_whitespace(dictionary) if trim else dictionary
    return Distinct(trimmed, indices)
