"""Case, task and notice pages: who opens them and who takes each workflow step.

Steps are posted empty to a case of the 延吉 firm in a state the step starts
from: a persona whose role may take the step gets the form back with its
errors (nothing changes), any other persona 403. The objects are made on
first use by each row's `args`, on the row's own `World`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from finsentry.accounts.models import Office
from finsentry.cases import services
from finsentry.cases.models import Case, Document, VerificationTask
from finsentry.cases.transitions import State
from finsentry.notices import services as notices
from finsentry.patrol import evidence
from tests.accounts.matrix import (
    ADMIN,
    ANALYST,
    COUNTY,
    EXPORTERS,
    INSPECTOR,
    LOGGED_IN,
    PLACED,
    Row,
)
from tests.accounts.matrix.world import AT

# roles.ACTIONS, in personas: case.classify / task.assign, case.shut_down etc.
WORKERS = EXPORTERS
DECIDERS = frozenset({ADMIN, ANALYST, "domain"})
NOTE_TAKERS = PLACED - {"leader"}
# The task is given to the 延吉 county group: its officer and inspector record.
RECORDERS = frozenset({ADMIN, COUNTY, INSPECTOR})


def case(world: Any, state: str = State.VERIFYING) -> Case:
    """Return the 延吉 firm's P2P case, made once per world, put in `state`."""
    if not hasattr(world, "_case"):
        world._case = Case.objects.create(
            firm=world.yanji,
            domain="p2p",
            state=state,
            office=Office.objects.get(code="domain-p2p"),
            summary="矩阵测试",
            opened_by=world.users[ANALYST],
            opened_at=AT,
        )
    Case.objects.filter(pk=world._case.pk).update(state=state)
    return world._case


def task(world: Any) -> VerificationTask:
    """Return a site visit on the 延吉 firm given to the 延吉 county group."""
    if not hasattr(world, "_task"):
        world._task = VerificationTask.objects.create(
            case=case(world),
            firm=world.yanji,
            domain="p2p",
            method="site_visit",
            due_date=date(2026, 12, 20),
            assigned_by=world.users[ANALYST],
            assigned_by_office=Office.objects.get(code="province"),
            assignee_office=Office.objects.get(code="county-222401"),
            created_at=AT,
        )
    return world._task


def document(world: Any) -> Document:
    """Return a stored case file of the 延吉 case."""
    if not hasattr(world, "_document"):
        stored = evidence.store(b"case file")
        world._document = Document.objects.create(
            firm=world.yanji,
            case=case(world),
            kind=Document.Kind.CASE_FILE,
            name="整改报告.pdf",
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=world.users[ANALYST],
            uploaded_at=AT,
        )
    return world._document


def notice(world: Any) -> int:
    """Return the id of a notice to the administrator persona."""
    return notices.notify([world.users[ADMIN]], "测试通知", kind="test")[0].pk


def step(slug: str, state: str = State.VERIFYING) -> Any:
    return lambda w: [case(w, state).pk, slug]


def case_work(world: Any) -> Case:
    """Take the 延吉 firm through a site visit and an order (for the restore check)."""
    analyst = world.users[ANALYST]
    visit = services.assign_task(
        analyst,
        world.yanji,
        domain="p2p",
        method="site_visit",
        due_date=date(2099, 1, 1),
        assignee_office=Office.objects.get(code="county-222401"),
    )
    services.record_result(
        world.users[INSPECTOR],
        visit,
        outcome="confirmed",
        notes="现场张贴保本保息宣传",
        checked_on=date(2026, 11, 30),
        confirmed_codes=["P2P-05"],
        files=[SimpleUploadedFile("现场照片.jpg", b"site visit photo")],
    )
    services.order_rectification(
        analyst,
        visit.case,
        demands=["撤除宣传", "提交整改报告"],
        days=15,
        day_kind="calendar",
        served_on=date(2026, 11, 30),
        reasoning="违规情节较轻",
        tasks=[visit],
    )
    return visit.case


ROWS = [
    Row("cases:list", PLACED, data=lambda w: {"state": "open"}),
    Row("cases:dashboard", PLACED),
    Row("cases:case", PLACED, args=lambda w: [case(w).pk]),
    Row("cases:add_document", NOTE_TAKERS, method="POST", args=lambda w: [case(w).pk]),
    Row("cases:step", WORKERS, method="POST", args=step("classify_compliant")),
    Row("cases:step", WORKERS, method="POST", args=step("order_rectification")),
    Row("cases:step", DECIDERS, method="POST", args=step("shut_down")),
    Row("cases:step", DECIDERS, method="POST", args=step("refer")),
    Row(
        "cases:step",
        WORKERS | {INSPECTOR},
        method="POST",
        args=step("recheck", State.RECTIFYING),
    ),
    Row(
        "cases:step", WORKERS, method="POST", args=step("reorder", State.RECHECK_FAILED)
    ),
    Row(
        "cases:step",
        DECIDERS,
        method="POST",
        args=step("accept", State.AWAITING_ACCEPTANCE),
    ),
    Row("cases:step", DECIDERS, method="POST", args=step("reopen", State.CLOSED)),
    Row("cases:open", WORKERS, args=lambda w: [w.yanji.uscc]),
    Row("cases:new_task", WORKERS, args=lambda w: [w.yanji.uscc]),
    Row("cases:word", EXPORTERS, args=lambda w: [w.yanji.uscc]),
    Row("cases:package", EXPORTERS, args=lambda w: [w.yanji.uscc]),
    Row("cases:document", PLACED, args=lambda w: [document(w).pk]),
    Row("cases:tasks", PLACED, data=lambda w: {"scope": "all"}),
    Row("cases:task", PLACED, args=lambda w: [task(w).pk]),
    Row("cases:task", RECORDERS, method="POST", args=lambda w: [task(w).pk]),
    Row("cases:cancel_task", WORKERS, method="POST", args=lambda w: [task(w).pk]),
    Row("notices:inbox", LOGGED_IN),
    Row("notices:open", LOGGED_IN, args=lambda w: [notice(w)]),
    Row("notices:read_all", LOGGED_IN, method="POST"),
]
