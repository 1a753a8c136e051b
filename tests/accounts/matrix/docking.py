"""Docking pages: the platforms that send monthly operating reports."""

from tests.accounts.matrix import PLACED, Row

ROWS = [Row("docking:platforms", PLACED)]
