"""Demo case work: staff, tasks, orders and cases in every stage of the workflow.

`finsentry demo` calls `plant_cases` after the registry is loaded. It picks
flagged firms of the demo province and takes them through the real services
(so every record, timeline entry and audit entry is what the workflow
writes), then moves the timestamps back so the timelines read like weeks of
work: one order is overdue, one task late, one re-check failed, one case
awaits acceptance, one is referred with its evidence package, others are
compliant, closed or being shut down. It does nothing when cases exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from io import TextIOBase
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from finsentry.accounts.models import Office
from finsentry.accounts.offices import county_office_code
from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff
from finsentry.cases import reminders, services
from finsentry.cases.errors import CalendarOutOfRange
from finsentry.cases.models import (
    Acceptance,
    Case,
    Classification,
    Document,
    Recheck,
    RectificationOrder,
    Referral,
    TimelineEntry,
    VerificationRecord,
    VerificationTask,
)
from finsentry.registry.models import Firm
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding

log = logging.getLogger(__name__)
# The demo logins of accounts/demo_staff.py that the stories use: the analyst
# decides, 金哲 (yanji) inspects in 延吉; other counties get a demo inspector.
ANALYST = "analyst"
YANJI = ("222401", "yanji")
DEMANDS = [
    "立即撤除网站、APP 及线下网点中“保本保息”“零风险”等宣传内容",
    "停止以平台名义向出借人承诺收益，已签协议逐笔清理",
    "于整改期限届满前报送书面整改报告及佐证材料",
]


def _user(name: str, office: str, role: Role, full: str, password: str) -> User:
    existing = get_user_model().objects.filter(username=name).first()
    if existing is not None:
        return existing  # type: ignore[return-value]
    return create_staff(name, password, office, role, full_name=full)


def _firms(count: int) -> list[Firm]:
    """Return a 延吉 firm, a 长春 firm, then firms of other cities, stably."""
    counties = {
        code.removeprefix("county-")
        for code in Office.objects.filter(kind="county").values_list("code", flat=True)
    }
    firms = Firm.objects.filter(flagged=True, licensed=False, county_code__in=counties)
    candidates = [f for f in firms.order_by("id")[:5000] if f.domain_list]
    picked: list[Firm] = []
    for wanted in (
        lambda f: f.county_code == YANJI[0],
        lambda f: f.city_code == "2201",
    ):
        first = next((f for f in candidates if wanted(f) and f not in picked), None)
        if first is not None:
            picked.append(first)
    cities = {f.city_code for f in picked}
    for firm in candidates:
        if len(picked) == count:
            break
        if firm in picked or (firm.city_code in cities and len(cities) < 9):
            continue
        picked.append(firm)
        cities.add(firm.city_code)
    for firm in candidates:
        if len(picked) == count:
            break
        if firm not in picked:
            picked.append(firm)
    return picked


# What each step writes, with its timestamp fields, for `_Planter.back`.
_STAMPED: list[tuple[type[Model], tuple[str, ...]]] = [
    (Case, ("opened_at", "closed_at")),
    (TimelineEntry, ("at",)),
    (VerificationTask, ("created_at", "completed_at")),
    (VerificationRecord, ("recorded_at",)),
    (Classification, ("decided_at",)),
    (RectificationOrder, ("issued_at",)),
    (Recheck, ("recorded_at",)),
    (Referral, ("recorded_at",)),
    (Acceptance, ("accepted_at",)),
    (Document, ("uploaded_at",)),
    (Finding, ("first_seen", "last_seen")),
]


def _last_ids() -> dict[type[Model], int]:
    return {
        m: m._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
        for m, _ in _STAMPED
    }


@contextmanager
def _days_ago(days: int) -> Iterator[None]:
    """Move every record written inside the block `days` back in time."""
    before = _last_ids()
    yield
    back = timedelta(days=days)
    for model, fields in _STAMPED:
        rows = model._default_manager.filter(pk__gt=before[model])
        for field in fields:
            for pk, value in list(rows.values_list("pk", field)):
                if value is not None:
                    model._default_manager.filter(pk=pk).update(**{field: value - back})


class _Planter:
    """Takes demo firms through the workflow with the demo staff."""

    def __init__(self, analyst: User, today: date, password: str) -> None:
        self.analyst = analyst
        self.today = today
        self.password = password

    def inspector(self, firm: Firm) -> tuple[Office, User]:
        """Return the firm's county office and its demo inspector (made once)."""
        office = Office.objects.get(code=county_office_code(firm.county_code))
        if firm.county_code == YANJI[0]:
            yanji = get_user_model().objects.filter(username=YANJI[1]).first()
            if yanji is not None:
                return office, yanji  # type: ignore[return-value]
        name = f"demo-inspector-{firm.county_code}"
        full = f"核查员（{office.name.split('互联网金融')[0]}）"
        return office, _user(name, office.code, Role.INSPECTOR, full, self.password)

    def task(self, firm: Firm, method: str, due_in: int, ago: int) -> VerificationTask:
        """Assign a check `ago` days back, due `due_in` days after that."""
        office, inspector = self.inspector(firm)
        domain = firm.domain_list[0]
        with _days_ago(ago):
            task = services.assign_task(
                self.analyst,
                firm,
                domain=domain,
                method=method,
                due_date=self.today + timedelta(days=due_in),
                assignee_office=office,
                assignee=inspector,
                instructions="核实实际经营地址、业务模式及线上线下宣传情况。",
                findings=list(firm.findings.filter(domain=domain)[:3]),
                origin="demo",
            )
        due = self.today + timedelta(days=due_in - ago)
        VerificationTask.objects.filter(pk=task.pk).update(due_date=due)
        task.refresh_from_db()
        return task

    def verified(self, firm: Firm, ago: int, outcome: str = "confirmed") -> Case:
        """Open the case with a site visit assigned `ago` days back, done 3 days on."""
        task = self.task(firm, "site_visit", 7, ago)
        domain = task.domain
        codes = [c for c, v in catalogue().violations.items() if v.domain == domain]
        with _days_ago(ago - 3):
            services.record_result(
                task.assignee,  # type: ignore[arg-type]
                task,
                outcome=outcome,
                notes="现场勘查：经营场所张贴“保本保息”宣传海报，工作人员向来访群众推介理财产品。"
                if outcome == "confirmed"
                else "现场勘查：未发现违规宣传和线下推介，企业提供了业务说明。"
                if outcome == "not_confirmed"
                else "现场勘查：登记住所已无人办公，物业称企业已于数月前搬离。",
                checked_on=self.today - timedelta(days=ago - 3),
                place=firm.address or "登记住所",
                people="核查人员二名，企业负责人在场",
                confirmed_codes=codes[:1] if outcome == "confirmed" else [],
            )
        return task.case

    def order(self, case: Case, ago: int, days: int) -> RectificationOrder:
        """Serve a working-day order `ago` days back (calendar days where the
        holiday data does not reach)."""
        facts: dict[str, Any] = {
            "demands": DEMANDS,
            "days": days,
            "served_on": self.today - timedelta(days=ago),
            "reasoning": "违规情节较轻，依据分类处置标准责令限期整改。",
            "tasks": list(case.tasks.all()),
        }
        with _days_ago(ago):
            try:
                return services.order_rectification(
                    self.analyst, case, day_kind="working", **facts
                )
            except CalendarOutOfRange:
                return services.order_rectification(
                    self.analyst, case, day_kind="calendar", **facts
                )

    def recheck(self, case: Case, ago: int, met: bool) -> None:
        """Look back at the order `ago` days back: all met, or the report missing."""
        order = case.orders.order_by("-sequence").first()
        assert order is not None
        demands = list(order.demands.all())
        results = {
            d.pk: (met or d.pk != demands[-1].pk, "" if met else "未报送整改报告")
            for d in demands
        }
        with _days_ago(ago):
            services.record_recheck(
                self.analyst,
                case,
                results=results,
                checked_on=self.today - timedelta(days=ago),
                notes="回头看：逐项核对整改要求落实情况。",
            )


def _stories(p: _Planter) -> list[Callable[[Firm], object]]:
    """Return what to do with each demo firm, one stage of the workflow each."""

    def open_visit(firm: Firm) -> object:
        return p.task(firm, "site_visit", 8, 2)

    def late_phone(firm: Firm) -> object:
        return p.task(firm, "phone", 5, 9)

    def rectifying(firm: Firm) -> object:
        return p.order(p.verified(firm, 12), 6, 15)

    def overdue(firm: Firm) -> object:
        return p.order(p.verified(firm, 45), 38, 10)

    def failed(firm: Firm) -> object:
        case = p.verified(firm, 50)
        p.order(case, 44, 10)
        p.recheck(case, 20, met=False)
        return case

    def awaiting(firm: Firm) -> Case:
        case = p.verified(firm, 55)
        p.order(case, 50, 10)
        p.recheck(case, 30, met=True)
        return case

    def referred(firm: Firm) -> object:
        case = p.verified(firm, 20)
        with _days_ago(2):
            services.refer(
                p.analyst,
                case,
                organ_kind="public_security",
                organ_name="吉林省公安厅经济犯罪侦查总队",
                referred_on=p.today - timedelta(days=2),
                reference="吉金整移〔2026〕1号",
                reasoning="资金量大、投资人众多，涉嫌非法吸收公众存款，移送公安机关。",
                tasks=list(case.tasks.all()),
            )
        return case

    def compliant(firm: Firm) -> object:
        case = p.verified(firm, 15, outcome="not_confirmed")
        with _days_ago(10):
            services.classify_compliant(
                p.analyst,
                case,
                reasoning="经现场勘查和公告确认，未发现违规开展互联网金融业务，纳入持续监管。",
                tasks=list(case.tasks.all()),
            )
        return case

    def closed(firm: Firm) -> object:
        case = awaiting(firm)
        with _days_ago(25):
            services.accept(p.analyst, case, conclusion="整改要求全部落实，验收通过。")
        return case

    def shutting(firm: Firm) -> object:
        case = p.verified(firm, 25, outcome="not_operating")
        with _days_ago(18):
            services.shut_down(
                p.analyst,
                case,
                reasoning="人去楼空，拒不配合整改，提请市场监管部门依法吊销营业执照。",
                tasks=list(case.tasks.all()),
            )
        return case

    return [
        open_visit,
        late_phone,
        rectifying,
        overdue,
        failed,
        awaiting,
        referred,
        compliant,
        closed,
        shutting,
    ]


def plant_cases(out: TextIOBase, password: str) -> int:
    """Take demo firms through the workflow unless cases exist; return how many
    firms were used."""
    if Case.objects.exists():
        return 0
    analyst = get_user_model().objects.get(username=ANALYST)
    today = timezone.localdate()
    planter = _Planter(analyst, today, password)  # type: ignore[arg-type]
    stories = _stories(planter)
    firms = _firms(len(stories))
    with transaction.atomic():
        for story, firm in zip(stories, firms, strict=False):
            story(firm)
        run = reminders.send_reminders(today)
    out.write(
        f"已生成演示案件 {len(firms)} 户（含逾期整改、逾期核查、回头看未通过、待验收、"
        f"已移送等），到期提醒 {run.notices} 条\n"
        "其他县的核查员为 demo-inspector-<区划代码>，密码同演示账号\n"
    )
    log.info("demo cases planted firms=%s notices=%s", len(firms), run.notices)
    return len(firms)
