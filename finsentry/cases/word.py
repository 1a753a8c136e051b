"""The dossier (一户一档) as a Word document, fit for a leader or a police referral.

Sections follow the dossier page: registration, changes, findings by
catalogue code with their evidence, web patrol, verification, disposal cases
with their timelines, documents and what is due. Every page carries the
exporting user and time in its footer, and the confidentiality mark in its
header (plan 一(二)5).
"""

from __future__ import annotations

import io
from datetime import datetime

from django.contrib.auth.models import User
from django.utils import timezone
from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH

from finsentry.cases import access
from finsentry.cases.dossier import (
    SOURCE_LABELS,
    CaseDossier,
    CaseView,
    case_dossier,
)
from finsentry.cases.word_format import facts, mark_pages, set_up, table
from finsentry.patrol.models import Site
from finsentry.registry.firm_profile import FirmProfile, firm_profile
from finsentry.registry.models import Firm

HEADER = "吉林省互联网金融风险专项整治 · 企业档案 · 内部资料 注意保密"


def _day(value: object) -> str:
    return f"{value:%Y-%m-%d}" if value is not None else "—"


def _time(value: datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value is not None else "—"


def _who(user: User | None) -> str:
    return access.display_name(user) if user is not None else "系统"


def dossier_docx(firm: Firm, user: User, *, now: datetime | None = None) -> bytes:
    """Return the dossier of `firm`, as `user` may see it, as .docx bytes."""
    now = timezone.localtime(now)
    profile = firm_profile(firm.uscc)
    assert profile is not None
    dossier = case_dossier(firm, user)
    exporter = f"{access.display_name(user)}（{user.get_username()}）"
    stamp = f"{now:%Y年%m月%d日 %H:%M}"

    document = new_document()
    set_up(document)
    mark_pages(document, HEADER, f"导出人：{exporter}  导出时间：{stamp}")
    title = document.add_paragraph(firm.name, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = document.add_paragraph(
        f"企业档案（一户一档） 统一社会信用代码 {firm.uscc}"
    )
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(
        f"本档案由{exporter}于{stamp}自吉林省互联网金融风险监测平台导出，"
        "内容截至导出时刻；仅限工作使用，不得外传。"
    )

    _registry(document, profile)
    _findings(document, dossier)
    _patrol(document, firm)
    _verification(document, dossier)
    _cases(document, dossier)
    _documents_and_due(document, dossier)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _registry(document: DocxDocument, profile: FirmProfile) -> None:
    firm = profile.firm
    document.add_heading("一、登记信息", level=1)
    facts(
        document,
        [
            ("统一社会信用代码", firm.uscc),
            ("企业名称", firm.name),
            ("登记状态", firm.status_label or "—"),
            ("法定代表人", firm.legal_rep or "—"),
            ("成立日期", _day(firm.established)),
            ("注册资本", profile.capital_text or "—"),
            ("所在地区", profile.region_name or "—"),
            ("住所", firm.address or "—"),
            ("网址", firm.website or "—"),
            ("经营范围", firm.scope or "—"),
            ("重点监管对象", "是" if firm.flagged else "否"),
            ("领域", "、".join(profile.domain_labels) or "—"),
            ("筛查理由", firm.reasons or "—"),
        ],
    )
    document.add_heading("登记变更记录", level=2)
    if not profile.changes:
        document.add_paragraph("自首次导入以来登记信息未发生变更。")
        return
    rows = [
        (_time(c.changed_at), label, c.old_value or "（空）", c.new_value or "（空）")
        for c, label in profile.changes
    ]
    table(document, ["发现时间", "字段", "原值", "新值"], rows, (30, 22, 52, 52))


def _evidence_text(finding: object) -> str:
    evidence = getattr(finding, "evidence", {}) or {}
    parts = []
    words = [
        w.get("word", "") for w in evidence.get("words", []) if isinstance(w, dict)
    ]
    if words:
        parts.append("字样：" + "、".join(words))
    snippet = getattr(finding, "snippet", "")
    if snippet and not words:
        parts.append(f"“{snippet[:300]}”")
    if evidence.get("url"):
        parts.append(f"网页：{evidence['url']}")
    if evidence.get("snapshot"):
        parts.append(f"快照编号：{evidence['snapshot']}")
    return "\n".join(parts) or "—"


def _findings(document: DocxDocument, dossier: CaseDossier) -> None:
    document.add_heading("二、违规发现（按违规代码）", level=1)
    if not dossier.finding_groups:
        document.add_paragraph("暂无发现。")
    for group in dossier.finding_groups:
        heading = (
            f"{group.code} {group.name or '（目录中无此代码）'}（{group.domain_label}）"
        )
        document.add_heading(heading, level=2)
        rows = [
            (
                str(i),
                SOURCE_LABELS.get(f.source, f.source),
                f.summary or "—",
                _evidence_text(f),
                f"{_time(f.first_seen)}\n{_time(f.last_seen)}",
                f"已排除：{f.dismissed_reason}" if f.dismissed_at else "有效",
            )
            for i, f in enumerate(group.findings, 1)
        ]
        header = ["序号", "来源", "摘要", "证据", "首次/最近发现", "状态"]
        table(document, header, rows, (10, 14, 40, 52, 26, 14))


def _patrol(document: DocxDocument, firm: Firm) -> None:
    document.add_heading("三、网上巡查", level=1)
    sites = list(Site.objects.filter(firm=firm).order_by("host"))
    if not sites:
        document.add_paragraph("没有关联的网站。")
        return
    rows = [
        (s.host, s.get_status_display(), _time(s.last_crawled_at), s.root_url)
        for s in sites
    ]
    table(document, ["网站", "状态", "最近巡查", "起始网址"], rows, (36, 20, 30, 70))


def _verification(document: DocxDocument, dossier: CaseDossier) -> None:
    document.add_heading("四、核查记录", level=1)
    if not dossier.tasks:
        document.add_paragraph("暂无核查任务。")
    for view in dossier.tasks:
        task = view.task
        late = "（已逾期）" if view.overdue else ""
        document.add_heading(f"{task.method_label}：{task.assignee_office.name}", 2)
        facts(
            document,
            [
                ("状态", f"{task.get_state_display()}{late}"),
                ("下达", f"{_who(task.assigned_by)} {_time(task.created_at)}"),
                ("完成期限", _day(task.due_date)),
                ("核查要求", task.instructions or "—"),
            ],
        )
        for record in task.records.all():
            attachments = "；".join(
                f"{d.name}（SHA-256 {d.sha256}）" for d in record.documents.all()
            )
            facts(
                document,
                [
                    ("核查结论", record.get_outcome_display()),
                    ("核查日期及地点", f"{_day(record.checked_on)} {record.place}"),
                    ("参与人员", record.people or "—"),
                    ("核查情况", record.notes),
                    ("核实的违规代码", "、".join(record.confirmed_codes) or "—"),
                    ("附件", attachments or "—"),
                    ("填报", f"{_who(record.recorded_by)} {_time(record.recorded_at)}"),
                ],
            )


def _cases(document: DocxDocument, dossier: CaseDossier) -> None:
    document.add_heading("五、分类处置", level=1)
    if not dossier.cases:
        document.add_paragraph("暂无处置案件。")
    for view in dossier.cases:
        _case(document, view)


def _case(document: DocxDocument, view: CaseView) -> None:
    case = view.case
    document.add_heading(f"案件 {case.reference}（{case.domain_label}）", level=2)
    facts(
        document,
        [
            (
                "当前状态",
                case.state_enum.label + ("（整改已逾期）" if view.overdue else ""),
            ),
            ("处置类型", case.disposition_label or "尚未认定"),
            ("承办机构", case.office.name),
            ("立案", f"{_who(case.opened_by)} {_time(case.opened_at)}"),
            ("结案", _time(case.closed_at)),
        ],
    )
    for decision in case.classifications.all():
        cited = "、".join(f.code for f in decision.findings.all()) or "—"
        document.add_paragraph(
            f"分类认定（{_time(decision.decided_at)}，{_who(decision.decided_by)}）："
            f"{decision.disposition_label}。理由：{decision.reasoning}"
            f" 依据发现：{cited}"
        )
    for item in view.orders:
        order = item.order
        document.add_heading(f"整改通知（第 {order.sequence} 次）", level=3)
        document.add_paragraph(
            f"送达 {_day(order.served_on)}，期限 {order.deadline.describe()}"
            + (f"；{order.deadline_note}" if order.deadline_note else "")
        )
        rows = [
            (str(d.position), d.text, _demand_result(item, d.pk))
            for d in order.demands.all()
        ]
        table(document, ["序号", "整改要求", "回头看"], rows, (12, 100, 44))
    for referral in case.referrals.all():
        document.add_paragraph(
            f"移送：{_day(referral.referred_on)} 移送{referral.organ_name}"
            f"（{referral.get_organ_kind_display()}，"
            f"文号 {referral.reference or '—'}），"
            f"证据包 SHA-256：{referral.package_sha256}"
        )
    for acceptance in case.acceptances.all():
        document.add_paragraph(
            f"验收：{_time(acceptance.accepted_at)} {_who(acceptance.accepted_by)}："
            f"{acceptance.conclusion}"
        )
    document.add_heading("办理过程", level=3)
    steps = [(_time(e.at), e.title, _who(e.actor), e.note or "") for e in view.timeline]
    table(document, ["时间", "事项", "办理人", "说明"], steps, (28, 50, 22, 56))


def _demand_result(item: object, demand_id: int) -> str:
    for recheck in reversed(getattr(item, "rechecks", [])):
        for check in recheck.items.all():
            if check.demand_id == demand_id:
                state = "已落实" if check.met else "未落实"
                return f"{state}（{_day(recheck.checked_on)}）{check.note}"
    return "尚未检查"


def _documents_and_due(document: DocxDocument, dossier: CaseDossier) -> None:
    document.add_heading("六、档案文件", level=1)
    if dossier.documents:
        files = [
            (d.name, d.get_kind_display(), _time(d.uploaded_at), d.sha256)
            for d in dossier.documents
        ]
        table(document, ["文件", "类型", "时间", "SHA-256"], files, (40, 20, 28, 68))
    else:
        document.add_paragraph("暂无文件。")
    document.add_heading("七、待办事项", level=1)
    if not dossier.due:
        document.add_paragraph("暂无待办事项。")
        return
    due = [
        (
            _day(item.due),
            item.what,
            "已逾期" if item.overdue else f"剩余 {item.days_left} 天",
        )
        for item in dossier.due
    ]
    table(document, ["期限", "事项", "情况"], due, (28, 96, 32))
