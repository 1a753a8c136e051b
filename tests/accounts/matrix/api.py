"""The JSON API: firms, findings, cases, tasks, reports."""

from tests.accounts.matrix import Row

ROWS: list[Row] = []
