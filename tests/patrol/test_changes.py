"""Change detection: the pure comparison, then rounds over sites that change."""

from __future__ import annotations

from pathlib import Path

import pytest

from finsentry.patrol.changes import (
    BACK_ONLINE,
    CONTENT_CHANGED,
    FINDING_NEW,
    FINDING_VANISHED,
    REDIRECTED,
    WENT_DARK,
    RoundView,
    SeenFinding,
    compare,
)
from finsentry.patrol.models import Site, SiteEvent
from finsentry.registry.models import Firm
from tests.patrol.conftest import patrol, watch
from tests.patrol.fixture_sites import (
    P2P_NAME,
    P2P_USCC,
    FixtureSite,
    Page,
    html,
    p2p_pages,
)

HOST = "xrd.cn"
CLAIM = SeenFinding(1, "P2P-01", "承诺保本保息")
RATE = SeenFinding(2, "MKT-01", "年化收益率18%")
READ = RoundView(
    final_host=HOST,
    pages={"/": "a", "/about": "b"},
    findings={"f1": CLAIM, "f2": RATE},
)


def kinds(changes: list) -> list[str]:  # type: ignore[type-arg]
    return [c.kind for c in changes]


def test_first_round_of_a_site_has_nothing_to_compare() -> None:
    assert compare(HOST, None, READ) == []


def test_unchanged_site_gives_no_changes() -> None:
    assert compare(HOST, READ, READ) == []


@pytest.mark.parametrize("failure", ["dns", "refused", "timeout", "http_5xx"])
def test_site_goes_dark_when_its_home_page_fails(failure: str) -> None:
    dark = RoundView(root_failure=failure)

    changes = compare(HOST, READ, dark)

    assert kinds(changes) == [WENT_DARK]
    assert changes[0].detail == {"failure": failure}


@pytest.mark.parametrize("failure", ["robots", "http_4xx", "redirects"])
def test_refusals_are_not_going_dark(failure: str) -> None:
    assert compare(HOST, READ, RoundView(root_failure=failure)) == []


def test_site_back_online_is_compared_with_what_it_last_showed() -> None:
    dark = RoundView(root_failure="refused")
    back = RoundView(final_host=HOST, pages=READ.pages, findings={"f1": CLAIM})

    changes = compare(HOST, dark, back, last_readable=READ)

    assert kinds(changes) == [BACK_ONLINE, FINDING_VANISHED]
    assert changes[1].detail == {
        "finding": 2,
        "code": "MKT-01",
        "summary": RATE.summary,
    }


def test_redirect_to_another_host_is_reported_once() -> None:
    moved = RoundView(final_host="other.cn", pages={"/": "c"})

    changes = compare(HOST, READ, moved)

    assert changes[0].kind == REDIRECTED
    assert changes[0].detail == {"from": HOST, "to": "other.cn"}
    assert REDIRECTED not in kinds(compare(HOST, moved, moved))


def test_content_change_counts_pages_added_removed_and_changed() -> None:
    later = RoundView(
        final_host=HOST,
        pages={"/": "a2", "/new": "n"},
        findings=READ.findings,
    )

    [change] = compare(HOST, READ, later)

    assert change.kind == CONTENT_CHANGED
    assert {k: change.detail[k] for k in ("added", "removed", "changed")} == {
        "added": 1,
        "removed": 1,
        "changed": 1,
    }
    assert change.detail["changed_urls"] == ["/"]


def test_claims_appear_and_vanish() -> None:
    later = RoundView(
        final_host=HOST,
        pages=READ.pages,
        findings={"f1": CLAIM, "f3": SeenFinding(3, "P2P-05", "资金池")},
    )

    changes = compare(HOST, READ, later)

    assert [(c.kind, c.detail["code"]) for c in changes] == [
        (FINDING_NEW, "P2P-05"),
        (FINDING_VANISHED, "MKT-01"),
    ]


def test_dark_site_reports_no_vanished_claims() -> None:
    assert kinds(compare(HOST, READ, RoundView(root_failure="dns"))) == [WENT_DARK]


def test_a_page_that_failed_this_round_is_not_gone() -> None:
    # /about timed out this time: neither it nor the claim seen on it is gone.
    before = RoundView(
        final_host=HOST,
        pages=READ.pages,
        findings={"f1": CLAIM, "f2": SeenFinding(2, "MKT-01", "年化18%", "/about")},
    )
    later = RoundView(
        final_host=HOST,
        pages={"/": "a"},
        findings={"f1": CLAIM},
        failed=frozenset({"/about"}),
    )

    assert compare(HOST, before, later) == []


@pytest.mark.django_db(transaction=True)
def test_rounds_record_events_when_sites_vanish_change_and_move(
    data_dir: Path,
) -> None:
    firm = Firm.objects.create(uscc=P2P_USCC, name=P2P_NAME)
    platform = FixtureSite("platform", p2p_pages(rate="18%")).start()
    vanishing = FixtureSite("vanishing", p2p_pages()).start()
    elsewhere = FixtureSite("elsewhere", {"/": Page(html("新站", "<p>新站</p>"))})
    mover = FixtureSite("mover", {"/": Page(html("旧站", "<p>旧站</p>"))}).start()
    elsewhere.start()
    try:
        ids = watch(platform.url, vanishing.url, mover.url)
        first = patrol(ids)
        assert not SiteEvent.objects.exists()
        assert Site.objects.get(pk=ids[0]).firm == firm

        vanishing.stop()
        platform.pages = p2p_pages(rate="24%")
        platform.pages["/about.html"] = Page(html("关于", "<p>平台已整改。</p>"))
        mover.pages["/"] = Page(
            status=302, headers={"Location": elsewhere.url}, content_type=None
        )
        second = patrol(ids)
    finally:
        for site in (platform, vanishing, elsewhere, mover):
            site.stop()

    events: dict[tuple[int, str], list[SiteEvent]] = {}
    for event in SiteEvent.objects.filter(round=second).order_by("pk"):
        events.setdefault((event.site_id, event.kind), []).append(event)
    [dark] = events[(ids[1], WENT_DARK)]
    assert (dark.detail, dark.firm) == ({"failure": "refused"}, firm)
    assert {k for s, k in events if s == ids[1]} == {WENT_DARK}
    [changed] = events[(ids[0], CONTENT_CHANGED)]
    counts = (changed.detail["changed"], changed.detail["added"])
    assert counts == (2, 0) and changed.detail["removed"] == 0
    appeared = [e.detail for e in events[(ids[0], FINDING_NEW)]]
    vanished = [e.detail for e in events[(ids[0], FINDING_VANISHED)]]
    assert any("24%" in d["summary"] and d["code"] == "MKT-01" for d in appeared)
    assert any("18%" in d["summary"] and d["code"] == "MKT-01" for d in vanished)
    [moved] = events[(ids[2], REDIRECTED)]
    assert moved.detail["to"] == elsewhere.host
    assert first.pk < second.pk
