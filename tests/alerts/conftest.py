"""Staff, firms and platform reports for the alert tests.

The staff and firms are the case tests' (tests/cases/conftest.py): a P2P
platform in 延吉 (222401) and one in 长春 (220102), each with a P2P-05 finding
(a promise of principal and interest, a sign of illegal fund-raising).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from finsentry.accounts.roles import Role
from finsentry.docking import services as docking
from finsentry.registry.models import Firm
from finsentry.rules.models import Finding
from tests.cases.conftest import (  # noqa: F401 (fixtures)
    PASSWORD,
    TODAY,
    cc_firm,
    clock,
    evidence_dir,
    fast_hashing,
    staff,
    yanji_firm,
)
from tests.cases.conftest import _staff as make_staff
from tests.docking.report_files import months, report


@pytest.fixture
def yanbian_officer(db: None) -> User:
    """A local officer of the 延边州 city group (2224), over 延吉."""
    return make_staff("yb-officer", "city-2224", Role.LOCAL_OFFICER, "冯边")


def big_rows(firm: Firm, balance: float = 20000, count: int = 7) -> list[dict]:
    """Return `count` monthly reports of the firm's platform at `balance` 万元."""
    return [
        report(firm.uscc, m, balance=balance, volume=balance / 4)
        for m in months(2026, 1, count)
    ]


def import_big(firm: Firm, balance: float = 20000) -> None:
    """Submit the firm's platform reports as the docking API does."""
    docking.submit_reports(big_rows(firm, balance), source="api:test")


def critical_finding(firm: Firm, code: str = "P2P-01", n: int = 1) -> Finding:
    """Add a live finding of `code` (a critical one by default) to the firm."""
    return Finding.objects.create(
        firm=firm,
        code=code,
        domain="p2p",
        source="funds",
        summary=f"资金监测：{code}",
        rule="test",
        rule_version="test-1",
        fingerprint=f"{firm.uscc}-{code}-{n}",
        first_seen=TODAY,
        last_seen=TODAY,
    )
