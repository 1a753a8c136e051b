"""The demo's case work: every stage present, one order overdue, run once only."""

from __future__ import annotations

import io

import pytest

from finsentry.accounts.demo_staff import ensure_demo_staff
from finsentry.cases.demo import plant_cases
from finsentry.cases.models import Case, VerificationTask
from finsentry.cases.queries import board
from finsentry.cases.transitions import State
from tests.cases.conftest import make_firm

pytestmark = pytest.mark.django_db
COUNTIES = [
    "222401",
    "220102",
    "220202",
    "220302",
    "220402",
    "220502",
    "220602",
    "220702",
    "220802",
    "222402",
]


def test_demo_plants_cases_in_every_stage_once(clock, fast_hashing) -> None:
    ensure_demo_staff("jilin-demo-2016")
    for i, county in enumerate(COUNTIES, start=10):
        make_firm(i, county, f"演示网贷平台{i}有限公司")
    out = io.StringIO()

    assert plant_cases(out, "jilin-demo-2016") == 10
    states = set(Case.objects.values_list("state", flat=True))
    assert states >= {
        State.VERIFYING,
        State.RECTIFYING,
        State.RECHECK_FAILED,
        State.AWAITING_ACCEPTANCE,
        State.REFERRED,
        State.SUPERVISED,
        State.CLOSED,
        State.SHUTTING_DOWN,
    }
    from django.contrib.auth.models import User

    figures = board(User.objects.get(username="leader")).totals
    assert figures["overdue"] == 1 and figures["tasks_overdue"] == 1
    yanji = VerificationTask.objects.get(firm__county_code="222401")
    assert yanji.assignee.username == "yanji" and yanji.state == "assigned"
    assert "已生成演示案件 10 户" in out.getvalue()

    assert plant_cases(io.StringIO(), "jilin-demo-2016") == 0
    assert Case.objects.count() == 10
