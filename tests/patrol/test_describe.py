"""What the patrol pages say: link evidence, events and marked snapshot text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from finsentry.patrol.browse import TextPiece, marked_text
from finsentry.patrol.describe import event_detail, link_basis, unlinked_reasons
from finsentry.patrol.models import Site

CODE = "91220104MA0000015U"


def test_linked_site_names_its_basis_and_the_leads_beside_it() -> None:
    evidence = {
        "outcome": "linked",
        "method": "uscc",
        "uscc": CODE,
        "basis": [{"uscc": CODE, "name": "长春鑫融", "via": "uscc", "detail": CODE}],
        "disagreeing": [
            {
                "uscc": "X",
                "name": "长春别家",
                "via": "name",
                "detail": "别家",
                "score": 93,
            }
        ],
        "icps_unfiled": ["吉ICP备16001234号"],
    }

    assert link_basis(evidence) == [
        f"依据：长春鑫融（页面信用代码 {CODE}）",
        "其他线索指向：长春别家（企业名称 别家，相似度 93）",
        "ICP备案号不在已导入的备案清单中：吉ICP备16001234号",
    ]


def test_ambiguous_site_gives_its_reason_and_candidates() -> None:
    evidence = {
        "outcome": "ambiguous",
        "reason": "页面出现多个不同的登记企业信用代码",
        "candidates": [
            {"uscc": "A", "name": "甲公司", "via": "uscc", "detail": "A"},
            {"uscc": "B", "name": "乙公司", "via": "uscc", "detail": "B"},
        ],
    }

    lines = link_basis(evidence)

    assert lines[0] == "页面出现多个不同的登记企业信用代码"
    assert "甲公司（页面信用代码 A）；乙公司（页面信用代码 B）" in lines[1]


def test_manual_and_registry_links_are_worded() -> None:
    manual = {"by": "wangli", "at": "2026-12-01T02:00:00+00:00"}
    assert link_basis(manual) == ["由 wangli 于 2026-12-01 10:00 人工关联"]
    assert link_basis({"website": "www.xrd.cn"}) == ["登记信息中的网址：www.xrd.cn"]
    assert link_basis({}) == []


@pytest.mark.parametrize(
    ("status", "crawled", "reason"),
    [
        ("new", False, "尚未巡查"),
        ("blocked", True, "robots.txt 禁止抓取"),
        ("dark", True, "网站无法访问"),
        ("ok", True, "页面上没有信用代码"),
    ],
)
def test_unlinked_site_without_evidence_says_what_kept_it_unread(
    status: str, crawled: bool, reason: str
) -> None:
    at = datetime(2026, 12, 1, tzinfo=UTC) if crawled else None
    site = Site(host="a.cn", status=status, last_crawled_at=at, link_evidence={})

    assert unlinked_reasons(site)[0].startswith(reason)


@pytest.mark.parametrize(
    ("kind", "detail", "text"),
    [
        ("went_dark", {"failure": "refused"}, "首页连接被拒绝"),
        ("back_online", {"previous_failure": "timeout"}, "上一轮超时"),
        ("redirected", {"from": "a.cn", "to": "b.cn"}, "a.cn → b.cn"),
        (
            "content_changed",
            {"added": 1, "removed": 4, "changed": 0},
            "新增页面 1 个、消失页面 4 个",
        ),
        (
            "finding_vanished",
            {"code": "P2P-05", "summary": "代替客户承诺保本保息：本息保障"},
            "P2P-05 代替客户承诺保本保息：本息保障",
        ),
    ],
)
def test_event_particulars(kind: str, detail: dict, text: str) -> None:  # type: ignore[type-arg]
    assert event_detail(kind, detail) == text


def test_findings_on_one_sentence_share_a_mark_and_each_keeps_an_anchor() -> None:
    text = "首页。平台承诺保本保息，年化18%。联系我们"
    sentence = (text.index("平台"), text.index("联系"))
    spans = [
        (*sentence, "P2P-05", 7),
        (sentence[0] + 6, sentence[1], "MKT-01", 9),
        (*sentence, "AD-01", 8),
    ]

    pieces = marked_text(text, spans)

    assert pieces == [
        TextPiece("首页。"),
        TextPiece(
            "平台承诺保本保息，年化18%。", ("AD-01", "P2P-05", "MKT-01"), (8, 7, 9)
        ),
        TextPiece("联系我们"),
    ]
    assert "".join(p.text for p in pieces) == text


def test_spans_past_the_text_are_clipped() -> None:
    pieces = marked_text("abc", [(1, 10, "X", 1), (5, 6, "Y", 2)])

    assert pieces == [TextPiece("a"), TextPiece("bc", ("X",), (1,))]
