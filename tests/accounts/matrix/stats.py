"""Statistics pages and the special reports of each domain."""

from tests.accounts.matrix import Row

ROWS: list[Row] = []
