"""Alert pages: the early warnings and their handling."""

from tests.accounts.matrix import Row

ROWS: list[Row] = []
